# Sourced by the goabi diff tests after lib.sh.
# diffjson OUT ARGS...: `goabi diff --json ARGS` (schema 2) kept in OUT.raw,
# its findings as the list of changes in OUT (diff-oracle.py changes: class
# from severity and confidence, area/kind/where/old/new/detail from the
# properties, subject = the finding's symbol); returns goabi's exit code.
diffjson() {
	local out=$1
	shift
	"$GOABI" diff --json "$@" > "$out.raw"
	local rc=$?
	python3 "$TOP/tests/cli/diff-oracle.py" changes "$out.raw" > "$out"
	return $rc
}
