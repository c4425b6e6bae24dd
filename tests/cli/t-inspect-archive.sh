#!/bin/bash
# goabi inspect on ar archives: GNU (ar rcs), thin (ar rcsT), BSD
# (llvm-ar --format=bsd), nested (an archive holding an archive) and the Go
# c-archive. Oracles: member names from `ar t` / `llvm-ar t`, symbol index
# entries from `nm --print-armap` / `llvm-nm --print-armap`, and the undefined
# libc symbols from nm: undefined globals of the members, less the globals any
# member defines, kept when a glibc library (libc.so.6, libm, the loader,
# libresolv, librt, libdl, libpthread, libutil, libanl, libc_nonshared.a) or
# musl's libc.so export them (nm -D), less the start files' names (crti.o).
. "$(dirname "$0")/../lib.sh"
export LC_ALL=C
I=$FIX/inspect
MUSL_SO=/usr/lib/x86_64-linux-musl/libc.so
G=/lib/x86_64-linux-gnu
{ nm -D --defined-only "$G"/libc.so.6 "$G"/libm.so.6 "$G"/ld-linux-x86-64.so.2 "$G"/libresolv.so.2 "$G"/librt.so.1 \
	"$G"/libdl.so.2 "$G"/libpthread.so.0 "$G"/libutil.so.1 "$G"/libanl.so.1
  nm --defined-only "$G"/../../usr/lib/x86_64-linux-gnu/libc_nonshared.a
  [ -f "$MUSL_SO" ] && nm -D --defined-only "$MUSL_SO"; } 2>/dev/null | grep -v GLIBC_PRIVATE |
	awk 'NF == 3 && $2 ~ /^[A-Z]$/ { n = $3; sub(/@.*/, "", n); print n }' | sort -u |
	comm -23 - <(nm --defined-only /usr/lib/x86_64-linux-gnu/crti.o | awk '{print $3}' | sort -u) > "$TMPD/libc-exports"
one() { # NAME FILE AR-TOOL NM-TOOL [FILES-FOR-nm]
	local name=$1 f=$2 artool=$3 nmtool=$4; shift 4
	local nmfiles=("$@")
	[ ${#nmfiles[@]} -gt 0 ] || nmfiles=("$f")
	if [ ! -f "$f" ]; then notok "$name: fixture missing"; return; fi
	"$GOABI" inspect --json "$f" > "$TMPD/j.json" 2> "$TMPD/err"
	check "$name: exit status 0" 0 $?
	check "$name: kind" ar "$(jget "$TMPD/j.json" "j['artifacts'][0]['kind']")"
	# thin archives: ar t prints the resolved path, the archive stores the name
	check "$name: member names (oracle: $artool t)" "$($artool t "$f" | xargs -n1 basename | tr '\n' ' ')" \
		"$(jget "$TMPD/j.json" "''.join(m['member'] + ' ' for m in j['artifacts'][0]['members'])" | xargs -n1 basename | tr '\n' ' ')"
	check "$name: symbol index entries (oracle: $nmtool --print-armap)" \
		"$($nmtool --print-armap "$f" 2>/dev/null | sed -n '1,/^$/p' | grep -c ' in ')" \
		"$(jget "$TMPD/j.json" "j['artifacts'][0]['symbol_index']")"
	# undefined libc symbols: nm over every member (nested ones too)
	nm -A "${nmfiles[@]}" 2>/dev/null > "$TMPD/nm"
	awk '$2 == "U" || $2 == "w" { print $3 }' "$TMPD/nm" | sort -u > "$TMPD/undef"
	awk 'NF == 3 && $2 ~ /^[A-TV-Z]$/ { print $3 }' "$TMPD/nm" | sort -u > "$TMPD/def"
	comm -23 "$TMPD/undef" "$TMPD/def" | comm -12 - "$TMPD/libc-exports" | tr '\n' ' ' > "$TMPD/want"
	jget "$TMPD/j.json" "''.join(s + ' ' for s in sorted(j['artifacts'][0]['libc']['undefined_libc'], key=lambda s: s.encode()))" > "$TMPD/got"
	check "$name: undefined libc symbols (oracle: nm -u less defined, in libc exports)" "$(cat "$TMPD/want")" "$(cat "$TMPD/got")"
}
one c-lib.a "$I/c-lib.a" ar nm
one c-lib-thin.a "$I/c-lib-thin.a" ar nm
check "c-lib-thin.a: thin" True "$(jget <("$GOABI" inspect --json "$I/c-lib-thin.a" 2>/dev/null) "j['artifacts'][0]['thin']")"
LLVM_AR=$(command -v llvm-ar || command -v llvm-ar-14 || true)
LLVM_NM=$(command -v llvm-nm || command -v llvm-nm-14 || true)
if [ -n "$LLVM_AR" ] && [ -n "$LLVM_NM" ]; then
	one c-lib-bsd.a "$I/c-lib-bsd.a" "$LLVM_AR" "$LLVM_NM"
else
	skip "c-lib-bsd.a" "llvm-ar/llvm-nm not installed (Debian package llvm-14)"
fi
# nm does not descend into a nested archive: give it the inner archive and the other member
one c-nested.a "$I/c-nested.a" ar nm "$I/c-lib.a" "$I/badname.o"
check "c-nested.a: inner archive members (oracle: ar t c-lib.a)" "$(ar t "$I/c-lib.a" | tr '\n' ' ')" \
	"$(jget <("$GOABI" inspect --json "$I/c-nested.a" 2>/dev/null) "''.join(m['member'] + ' ' for m in j['artifacts'][0]['members'][0]['members'])")"
one go119-c-archive.a "$I/go119-c-archive.a" ar nm
# a member defining a libc name hides it: build one that defines getenv
cp "$I/hello.o" "$I/util.o" "$TMPD/"
printf 'char *getenv(const char *n) { (void)n; return 0; }\n' > "$TMPD/mygetenv.c"
gcc -c -o "$TMPD/mygetenv.o" "$TMPD/mygetenv.c"
(cd "$TMPD" && ar rcs shadow.a hello.o util.o mygetenv.o)
one "archive whose member defines getenv" "$TMPD/shadow.a" ar nm
# two Go runtimes in one archive: go.o of the c-archive twice (as go.o and
# go2.o). Oracle: the real linker refuses the pair (multiple definition of
# the cgo runtime symbols), and goabi must report the conflict.
if [ -f "$I/go119-c-archive.a" ]; then
	mkdir -p "$TMPD/two" && cd "$TMPD/two"
	ar x "$I/go119-c-archive.a" go.o && cp go.o go2.o
	ar rcs two.a go.o go2.o
	printf 'int main(void) { return 0; }\n' > main.c
	if gcc -o prog main.c go.o go2.o -lpthread > ld.log 2>&1; then
		notok "two go.o: the linker accepted two Go runtimes (oracle broken)"
	else
		grep -q "multiple definition of .*_cgo_topofstack\|multiple definition of .*crosscall2" ld.log &&
			ok "two go.o: ld fails with multiple definition of the cgo runtime symbols" ||
			notok "two go.o: ld failed otherwise: $(head -2 ld.log)"
	fi
	c=$(jget <("$GOABI" inspect --json two.a 2>/dev/null) "' | '.join(j['artifacts'][0]['go']['conflicts'])")
	case $c in *"more than one Go runtime"*) ok "two go.o: goabi reports more than one Go runtime" ;; *) notok "two go.o: no runtime conflict reported: '$c'" ;; esac
	c=$(jget <("$GOABI" inspect --json "$I/go119-c-archive.a" 2>/dev/null) "' | '.join(j['artifacts'][0]['go']['conflicts'])")
	check "go119-c-archive.a: one runtime, no conflict" "" "$c"
	cd - >/dev/null
fi
# The family of objects made by gcc for glibc: atexit (libc_nonshared.a),
# __tls_get_addr (the loader's, for general-dynamic TLS), ns_initparse
# (libresolv) and _init/_fini (crti.o) are glibc's too, and the host's own
# libc.a (libc6-dev) leaves _init/_fini to crti.o. Oracle: gcc links each
# against glibc (a static link for libc.a), so none of them needs musl.
cat > "$TMPD/gl.c" <<'EOC'
#include <stdlib.h>
#include <arpa/nameser.h>
extern __thread int tv;
extern void _init(void);
static void bye(void) {}
int f(const unsigned char *m, int n) { ns_msg h; atexit(bye); _init(); return ns_initparse(m, n, &h) + tv; }
EOC
gcc -fPIC -c -o "$TMPD/gl.o" "$TMPD/gl.c"
(cd "$TMPD" && ar rcs gl.a gl.o)
printf '__thread int tv;\nint f(const unsigned char *, int);\nint main(void) { return f(0, 0) > 99; }\n' > "$TMPD/glmain.c"
for f in gl.o gl.a /usr/lib/x86_64-linux-gnu/libc.a; do
	case $f in /*) p=$f; link=(gcc -static -o "$TMPD/st" "$TMPD/glmain.c" "$TMPD/gl.o" -lresolv) ;;
		*) p=$TMPD/$f; link=(gcc -o "$TMPD/dy" "$TMPD/glmain.c" "$p" -lresolv) ;; esac
	if ! "${link[@]}" > "$TMPD/ld.log" 2>&1; then
		notok "$f: gcc did not link it against glibc (oracle broken): $(head -1 "$TMPD/ld.log")"
		continue
	fi
	v=$(jget <("$GOABI" inspect --json "$p" 2>/dev/null) "(j['artifacts'][0]['libc'].get('family') or {}).get('value') or 'unknown'")
	case $v in musl) notok "$f: gcc links it against glibc, goabi says it needs musl" ;;
		*) ok "$f: gcc links it against glibc; goabi's family is '$v', not musl" ;; esac
done
