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
