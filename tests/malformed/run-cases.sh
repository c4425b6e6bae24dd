# Run goabi over the cases of CASES/cases.tsv in batches of HOSTILE_BATCH
# files per process (--json, then -v text), each batch under the time and
# memory limits of lib.sh; a batch that crashes, hangs or prints a sanitizer
# report is re-run one case at a time to name the culprit. Then check.py
# judges every case. Sourced by t-hostile-*.sh after lib.sh; uses LABEL.
: "${HOSTILE_BATCH:=40}"
run_cases() { # CASES LABEL
	local cases=$1 label=$2 results=$TMPD/results.$2 nb=0 nbad=0 maxms=0 mode
	: > "$results"
	mapfile -t lines < "$cases/cases.tsv"
	local total=${#lines[@]}
	for mode in json text; do
		local i=0
		while [ $i -lt $total ]; do
			local files=() chunk=("${lines[@]:$i:$HOSTILE_BATCH}") l
			for l in "${chunk[@]}"; do
				l=${l#*$'\t'}
				files+=("$cases/${l%%$'\t'*}")
			done
			local out=$TMPD/b.$nb.out err=$TMPD/b.$nb.err
			if [ $mode = json ]; then
				hrun "$out" "$err" "$GOABI" inspect --json "${files[@]}"
			else
				hrun "$out" "$err" "$GOABI" inspect -v "${files[@]}"
			fi
			[ $HMS -gt $maxms ] && maxms=$HMS
			if [ $HRC -ne 0 ] && [ $HRC -ne 2 ] || grep -qE 'Sanitizer|runtime error:' "$err"; then
				# find the culprit(s)
				local k=0 f why
				for f in "${files[@]}"; do
					hrun /dev/null "$TMPD/one.err" "$GOABI" inspect ${mode/text/-v} "$f"
					[ $mode = json ] && hrun /dev/null "$TMPD/one.err" "$GOABI" inspect --json "$f"
					why=$(hjudge "$f" "$TMPD/one.err")
					if [ -n "$why" ] && [ "${why#exit 2 with}" = "$why" ]; then
						notok "$label: $(echo "${chunk[$k]}" | cut -f1) ($mode): $why"
						nbad=$((nbad + 1))
					fi
					k=$((k + 1))
				done
			else
				printf '%s\t%s\t%s\t%s\n' $mode $HRC "$out" "$err" >> "$results"
				for l in "${chunk[@]}"; do
					local name=${l%%$'\t'*} rest=${l#*$'\t'}
					printf 'case\t%s\t%s\t%s\n' "$name" "$cases/${rest%%$'\t'*}" "${rest#*$'\t'}" >> "$results"
				done
			fi
			i=$((i + HOSTILE_BATCH))
			nb=$((nb + 1))
		done
	done
	[ $nbad -eq 0 ] && ok "$label: $total cases x 2 reporters in $nb processes: no crash, hang (${HOSTILE_TIMEOUT}s per batch), memory limit (${HOSTILE_MEM_MB} MiB) or sanitizer report$(hostile_sanitized && echo ' (ASan/UBSan build)'); slowest batch ${maxms} ms"
	python3 "$TOP/tests/malformed/check.py" "$results" "$label"
	rm -f "$TMPD"/b.*.out "$TMPD"/b.*.err
}
