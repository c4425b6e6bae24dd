#!/bin/bash
# goabi inspect on Go 1.26/1.27 builds: build mode, cgo, linkage and
# machine against the recipe each fixture was built with
# (tests/fixtures/build-modern.sh, DIR/modern/FLAGS) and readelf.
. "$(dirname "$0")/../lib.sh"
M=$FIX/modern
q() { jget "$TMPD/j.json" "$1"; }
for tc in go126 go127; do
	if ! grep -q "^$tc" "$M/TOOLCHAINS" 2>/dev/null; then skip "$tc build facts" "toolchain $tc not on this machine"; continue; fi
	while IFS=$'\t' read -r name recipe; do
		case $name in "$tc"-*) ;; *) continue ;; esac
		p=$M/$name
		"$GOABI" inspect --json "$p" > "$TMPD/j.json" 2>/dev/null
		case $recipe in
		*-buildmode=c-archive*) bm=c-archive ;; *-buildmode=c-shared*) bm=c-shared ;;
		*-buildmode=pie*) bm=pie ;; *-buildmode=archive*) bm=archive ;; *) bm=exe ;;
		esac
		check "$name: build mode ($recipe)" "$bm" "$(q "j['artifacts'][0]['go']['buildmode']['value']")"
		[ "$bm" = archive ] && continue
		cg=1; case $recipe in *CGO_ENABLED=0*) cg=0 ;; esac
		check "$name: cgo ($recipe)" "$cg" "$(q "j['artifacts'][0]['go']['cgo']['value']")"
		arch=amd64; case $recipe in *GOARCH=arm64*) arch=arm64 ;; esac
		check "$name: GOARCH ($recipe)" "$arch" \
			"$(q "j['artifacts'][0]['go']['settings'].get('GOARCH')")"
		[ "$bm" = c-archive ] && continue
		# glibc interpreter (readelf) iff cgo, for executables
		interp=$(readelf -lW "$p" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
		check "$name: interpreter = readelf's" "${interp:-None}" "$(q "j['artifacts'][0]['libc']['interp']")"
	done < "$M/FLAGS"
done
# damaged build info on a stripped binary: the damage is an error
# diagnostic, and the version still comes from runtime.buildVersion's string
# (oracle: go version -m of the undamaged file)
for tc in go126 go127; do
	p=$M/$tc-static-sw
	[ -f "$p" ] || continue
	want=$(cp "$p" "$TMPD/x" && chmod +x "$TMPD/x" && go version "$TMPD/x" | awk '{print $2}')
	off=$(readelf -SW "$p" | sed -n 's/.*\.go\.buildinfo *PROGBITS *[0-9a-f]* *\([0-9a-f]*\).*/\1/p')
	[ -n "$off" ] || { notok "$tc-static-sw: no .go.buildinfo (readelf)"; continue; }
	cp "$p" "$TMPD/len"; printf '\xff\xff\xff\x0f' | dd of="$TMPD/len" bs=1 seek=$((16#$off + 32)) conv=notrunc 2> /dev/null
	"$GOABI" inspect --json "$TMPD/len" > "$TMPD/j.json" 2> /dev/null
	check "$tc-static-sw, build-info length varint damaged: exit 2 with the damage named" "2 yes" \
		"$("$GOABI" inspect "$TMPD/len" > /dev/null 2>&1; echo $?) $(jget "$TMPD/j.json" "'yes' if any('build info' in d['message'] for d in j['artifacts'][0]['diagnostics']) else 'no'")"
	check "$tc-static-sw, build-info damaged: version $want recovered (inferred)" "$want inferred" \
		"$(q "j['artifacts'][0]['go']['version']['value'] + ' ' + j['artifacts'][0]['go']['version']['confidence']")"
	cp "$p" "$TMPD/magic"; printf 'XXXX' | dd of="$TMPD/magic" bs=1 seek=$((16#$off)) conv=notrunc 2> /dev/null
	"$GOABI" inspect --json "$TMPD/magic" > "$TMPD/j.json" 2> /dev/null
	check "$tc-static-sw, build-info magic overwritten: version $want from runtime.buildVersion's string" "$want inferred" \
		"$(q "j['artifacts'][0]['go']['version']['value'] + ' ' + j['artifacts'][0]['go']['version']['confidence']")"
done
