#!/bin/bash
# goabi inspect's name-service facts on musl programs: musl has no NSS (its
# getpwnam, getaddrinfo read /etc/passwd, /etc/hosts and ask DNS themselves,
# never nsswitch.conf), so no "C library NSS" databases are reported; glibc
# programs of the same source keep theirs. Programs built here: a C program
# calling getpwnam and getaddrinfo with musl-gcc (dynamic, -static) and gcc,
# and a Go 1.19 program using net linked statically against musl (cgo).
# Oracles: the toolchain that built each (musl-gcc / gcc: readelf -l
# interpreter or static), musl's libc.a holding no "nsswitch.conf" string
# while glibc's libc.so.6 does, and readelf --dyn-syms for the imported calls.
. "$(dirname "$0")/../lib.sh"
plan 9
MUSLA=$(ls /usr/lib/x86_64-linux-musl/libc.a /usr/lib/musl/lib/libc.a 2>/dev/null | head -1)
GLIBC=$(readlink -f /lib/x86_64-linux-gnu/libc.so.6 2>/dev/null)
if ! command -v musl-gcc >/dev/null || [ -z "$MUSLA" ] || [ ! -f "$GLIBC" ]; then
	for i in 1 2 3 4 5 6 7 8 9; do skip "musl NSS" "musl-gcc or glibc not installed"; done
	exit 0
fi
check "oracle: musl's libc.a names no nsswitch.conf, glibc's libc.so.6 does" "0 1" \
	"$(grep -c nsswitch.conf "$MUSLA") $([ "$(grep -c nsswitch.conf "$GLIBC")" -gt 0 ] && echo 1 || echo 0)"
cat > "$TMPD/nss.c" <<'EOF'
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
int main(int c, char **v)
{
	struct addrinfo *r;
	struct passwd *p = getpwnam("root");
	printf("%d %p\n", getaddrinfo(c > 1 ? v[1] : "localhost", 0, 0, &r), (void *)p);
	return 0;
}
EOF
musl-gcc -o "$TMPD/c-musl-dyn" "$TMPD/nss.c" && musl-gcc -static -o "$TMPD/c-musl-static" "$TMPD/nss.c" &&
	gcc -o "$TMPD/c-glibc" "$TMPD/nss.c" || { notok "C builds failed"; }
dbs() { "$GOABI" inspect --json "$1" | python3 -c 'import json,sys; a=json.load(sys.stdin)["artifacts"][0]; print(" ".join(a["nss"]["databases"]), "|", a["libc"]["family"]["value"])'; }
check "c-musl-dyn: interpreter is musl's (readelf -l)" 1 "$(readelf -lW "$TMPD/c-musl-dyn" | grep -c 'interpreter: /lib/ld-musl')"
check "c-musl-dyn: no C library NSS databases, family musl" " | musl" "$(dbs "$TMPD/c-musl-dyn")"
check "c-musl-dyn: the lookup calls are still listed (readelf --dyn-syms UND)" \
	"$(readelf --dyn-syms -W "$TMPD/c-musl-dyn" | awk '$7 == "UND" && ($8 == "getaddrinfo" || $8 == "getpwnam") {print $8}' | sort | tr '\n' ' ')" \
	"$("$GOABI" inspect --json "$TMPD/c-musl-dyn" | python3 -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin)["artifacts"][0]["nss"]["calls"]))+" ")')"
check "c-musl-static: no C library NSS databases (static: readelf -l $(readelf -lW "$TMPD/c-musl-static" | grep -c interpreter) interpreters)" " | musl" "$(dbs "$TMPD/c-musl-static")"
check "c-glibc (same source, gcc): C library NSS databases hosts and passwd" "hosts passwd" \
	"$("$GOABI" inspect --json "$TMPD/c-glibc" | python3 -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin)["artifacts"][0]["nss"]["databases"])))')"
# Go's net with cgo, linked statically by musl-gcc
mkdir -p "$TMPD/gonet"
printf 'package main\n\nimport (\n\t"fmt"\n\t"net"\n)\n\nfunc main() { fmt.Println(net.LookupHost("localhost")) }\n' > "$TMPD/gonet/main.go"
printf 'module example.com/gonet\n\ngo 1.19\n' > "$TMPD/gonet/go.mod"
if (cd "$TMPD/gonet" && CGO_ENABLED=1 CC=musl-gcc GOFLAGS= /usr/lib/go-1.19/bin/go build -ldflags '-linkmode external -extldflags -static' -o "$TMPD/go-musl-static" .) > "$TMPD/b.log" 2>&1; then
	check "go-musl-static: static (readelf -l), getaddrinfo defined (nm)" "0 1" \
		"$(readelf -lW "$TMPD/go-musl-static" | grep -c interpreter) $(nm "$TMPD/go-musl-static" | grep -c ' T getaddrinfo$')"
	check "go-musl-static: no C library NSS databases" " | musl" "$(dbs "$TMPD/go-musl-static")"
	"$GOABI" inspect "$TMPD/go-musl-static" > "$TMPD/t.txt"
	check "go-musl-static: text has no 'C library NSS' line" 0 "$(grep -c 'C library NSS' "$TMPD/t.txt")"
else
	for i in 1 2 3; do notok "go musl static build failed: $(tail -1 "$TMPD/b.log")"; done
fi
