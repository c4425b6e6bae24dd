#!/bin/bash
# goabi inspect on development and pre-release Go versions: "devel go1.X-...",
# "go1.X-YYYYMMDD-RCnn" (a dated toolchain snapshot), "go1.XrcN", "go1.XbetaN"
# are cut between go1.(X-1)'s release and go1.X's, so they may carry either
# side of a change made in that cycle (colon names and pclntab magic
# 0xfffffff1 in 1.20's, the sha256^0xff type hash in 1.25's): no CONFLICT
# for either side, a CONFLICT for neither. Programs are built here by a real
# toolchain that stamps a pre-release version (-ldflags -X
# runtime.buildVersion=..., which is what the linker writes into build info):
# the oracle is that toolchain (go version of the toolchain: its scheme, magic
# and type-hash era in docs/inspect.md's table), `go version FILE` for the
# version the binary claims, and Go's release facts (1.20 switched to colon
# names and magic 0xfffffff1; 1.24 used sha256[8:12], 1.25 sha256^0xff).
. "$(dirname "$0")/../lib.sh"
S=$TMPD/src
mkdir -p "$S"
printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n' > "$S/main.go"
printf 'module example.com/hello\n\ngo 1.19\n' > "$S/go.mod"
plan 16
# build GO VERSION OUT: hello built by GO, claiming VERSION
build() {
	(cd "$S" && GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS= "$1" build -ldflags="-X \"runtime.buildVersion=$2\"" -o "$3" .) > "$TMPD/b.log" 2>&1
}
conflicts() { "$GOABI" inspect --json "$1" > "$TMPD/j.json" 2>/dev/null; jget "$TMPD/j.json" "' | '.join(j['artifacts'][0]['go']['conflicts'])"; }
claimed() { go version "$1" | sed 's/^[^:]*: //'; }

# Go 1.19.8: dot names, magic 0xfffffff0, notsha256
G=/usr/lib/go-1.19/bin/go
while IFS='|' read -r v want why; do
	[ -n "$v" ] || continue
	o=$TMPD/g119-$(echo "$v" | tr -c 'A-Za-z0-9.\n-' _)
	if ! build "$G" "$v" "$o"; then notok "go1.19.8 claiming '$v': build failed: $(tail -1 "$TMPD/b.log")"; notok "go1.19.8 claiming '$v': not built"; continue; fi
	check "go1.19.8 build claims '$v' (go version)" "$v" "$(claimed "$o")"
	c=$(conflicts "$o")
	if [ "$want" = none ]; then
		check "go1.19.8 claiming '$v': no conflict ($why)" "" "$c"
	else
		case $c in *"$want"*) ok "go1.19.8 claiming '$v': CONFLICT $want ($why)" ;; *) notok "go1.19.8 claiming '$v': expected a conflict with '$want', got '$c'" ;; esac
	fi
done <<'T'
devel go1.20-a5a1234 Tue Oct 4 18:00:00 2022 +0000|none|a go1.20 development build before the colon switch has 1.19's names and magic
go1.20-20221004-RC00|none|a dated go1.20 snapshot spans 1.19 and 1.20
go1.20rc1|none|a release candidate spans 1.19 and 1.20
go1.21rc2|naming scheme contradicts|go1.21rc2 spans 1.20 and 1.21, both colon names
go1.20.1|naming scheme contradicts|a release: 1.20 has colon names
T

# Go 1.24 (sha256[8:12]) stamped as a go1.25 snapshot (the report:
# go1.25-20250209-RC00 predates 1.24's release) and as a go1.26 one
G124=$("$TOP/scripts/go-toolchain.sh" 1.24.13 2>/dev/null || true)
if [ -n "$G124" ]; then
	o=$TMPD/g124-snap
	if build "$G124" go1.25-20250209-RC00 "$o"; then
		check "go1.24.13 build claims go1.25-20250209-RC00 (go version)" go1.25-20250209-RC00 "$(claimed "$o")"
		check "go1.25-20250209-RC00 on go1.24 code: type hash is 1.24's sha256[8:12] (docs/inspect.md)" 'sha256[8:12]' \
			"$("$GOABI" inspect --json "$o" | python3 -c 'import json,sys; print(json.load(sys.stdin)["artifacts"][0]["go"]["typehash"]["value"])')"
		check "go1.25-20250209-RC00 on go1.24 code: no conflict (the snapshot spans 1.24 and 1.25)" "" "$(conflicts "$o")"
	else
		for i in 1 2 3; do notok "go1.24.13 build failed: $(tail -1 "$TMPD/b.log")"; done
	fi
	o=$TMPD/g124-snap26
	if build "$G124" go1.26-20250209-RC00 "$o"; then
		c=$(conflicts "$o")
		case $c in *"type hashes use sha256[8:12], but go1.26-20250209-RC00"*) ok "go1.26 snapshot on go1.24 code: type-hash CONFLICT (1.25 and 1.26 both use sha256^0xff)" ;;
		*) notok "go1.26 snapshot on go1.24 code: expected a type-hash conflict, got '$c'" ;; esac
	else
		notok "go1.24.13 build failed: $(tail -1 "$TMPD/b.log")"
	fi
else
	for i in 1 2 3 4; do skip "go1.24 pre-release stamps" "no go1.24.13 toolchain (scripts/go-toolchain.sh 1.24.13)"; done
fi

# a real release candidate from the module proxy, as built: no conflict
GRC=$("$TOP/scripts/go-toolchain.sh" 1.26rc1 2>/dev/null || true)
if [ -n "$GRC" ]; then
	o=$TMPD/g126rc1
	if (cd "$S" && GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS= "$GRC" build -o "$o" .) > "$TMPD/b.log" 2>&1; then
		check "go1.26rc1 toolchain: go version" go1.26rc1 "$(claimed "$o")"
		check "go1.26rc1 build: no conflict" "" "$(conflicts "$o")"
	else
		notok "go1.26rc1 build failed: $(tail -1 "$TMPD/b.log")"; notok "go1.26rc1: not built"
	fi
else
	skip "go1.26rc1 version" "no go1.26rc1 toolchain (scripts/go-toolchain.sh 1.26rc1)"
	skip "go1.26rc1 conflicts" "no go1.26rc1 toolchain"
fi
