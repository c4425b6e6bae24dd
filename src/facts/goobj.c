/* Go's own object format: the members of `go build -buildmode=archive`,
 * `go tool pack` archives and GOCACHE entries (`_go_.o`, `__.PKGDEF`).
 * Neither ELF nor anything a C linker reads. Layout
 * (cmd/internal/goobj/objfile.go, the same in Go 1.19 "\x00go118ld" and
 * Go 1.20-1.27 "\x00go120ld"):
 *   text header  "go object GOOS GOARCH VERSION [KEY=VALUE...] X:EXPERIMENTS\n"
 *                more lines ("build id ..."), then "\n!\n" (compiled code;
 *                __.PKGDEF carries export data "$$B" instead)
 *   Header       magic[8], fingerprint[8], flags u32, offsets[NBlk] u32
 *                (offsets relative to the magic)
 *   blocks       Autolib, PkgIdx, File, Symdef, Hashed64def, Hasheddef,
 *                Nonpkgdef, Nonpkgref, RefFlags, Hash64, Hash, RelocIdx,
 *                AuxIdx, DataIdx, Reloc, Aux, Data, RefName, End
 *   Sym          name {len u32, off u32}, abi u16, type u8, flag u8,
 *                flag2 u8, size u32, align u32 (21 bytes)
 *   DataIdx      u32 per defined symbol (+1), offsets into Data, for the
 *                definitions in the order Symdef, Hashed64def, Hasheddef,
 *                Nonpkgdef
 *   RefName      {symRef (8 bytes), name {len, off}} */
#include <string.h>
#include "facts/gofacts.h"

enum {
	BLK_SYMDEF = 3, BLK_HASHED64DEF, BLK_HASHEDDEF, BLK_NONPKGDEF, BLK_NONPKGREF,
	BLK_DATAIDX = 13, BLK_DATA = 16, BLK_REFNAME = 17, BLK_END = 18, NBLK = 19,
};
#define SYM_SIZE 21u
#define REFNAME_SIZE 16u
#define HDR_SIZE (8u + 8u + 4u + 4u * NBLK)

static bool big_endian_arch(const char *a)
{
	return strcmp(a, "s390x") == 0 || strcmp(a, "ppc64") == 0 || strcmp(a, "mips") == 0 ||
	       strcmp(a, "mips64") == 0 || strcmp(a, "sparc64") == 0;
}

static int arch_ptrsize(const char *a)
{
	static const char *const p32[] = { "386", "arm", "mips", "mipsle", "wasm" };
	for (size_t i = 0; i < sizeof(p32) / sizeof(p32[0]); i++)
		if (strcmp(a, p32[i]) == 0)
			return strcmp(a, "wasm") == 0 ? 8 : 4;
	return 8;
}

struct objscan {
	struct goabi_artifact *a;
	const uint8_t *o; /* the object, from its magic */
	size_t n;
	uint32_t off[NBLK];
	size_t ndot, ncolon;
	bool be;
	int ps;
	bool hashed;      /* typehash recorded */
	const char *mismatch;
};

/* A name reference {len, off} at p; NULL when out of range. */
static const char *name_at(const struct objscan *s, const uint8_t *p, size_t *len)
{
	uint32_t l = rd32(p, false), o = rd32(p + 4, false);
	if (l == 0 || l > 4096 || o > s->n || l > s->n - o)
		return NULL;
	*len = l;
	return (const char *)s->o + o;
}

static void count_name(struct objscan *s, const char *nm, size_t l)
{
	if ((l > 5 && memcmp(nm, "type:", 5) == 0) || (l > 3 && memcmp(nm, "go:", 3) == 0))
		s->ncolon++;
	else if ((l > 6 && memcmp(nm, "type..", 6) == 0) || (l > 8 && memcmp(nm, "go.itab.", 8) == 0) ||
		 (l > 10 && memcmp(nm, "go.string.", 10) == 0) || (l > 6 && memcmp(nm, "type.*", 6) == 0))
		s->ndot++;
}

/* A type descriptor defined here: its name after "type:"/"type." is the
 * link string the compiler hashed. */
static void try_descriptor(struct objscan *s, const char *nm, size_t l, uint32_t defidx)
{
	if (s->hashed || l < 6 || l > 512 || (memcmp(nm, "type:", 5) != 0 && memcmp(nm, "type.", 5) != 0) ||
	    nm[5] == '.' || memchr(nm, '"', l))
		return;
	uint32_t di = s->off[BLK_DATAIDX];
	if (di > s->n || (uint64_t)defidx * 4 + 8 > s->n - di || s->off[BLK_DATA] > s->n)
		return;
	uint32_t start = rd32(s->o + di + defidx * 4, false), end = rd32(s->o + di + defidx * 4 + 4, false);
	uint64_t need = 2u * (uint64_t)s->ps + 4;
	if (end < start || end - start < need || start > s->n - s->off[BLK_DATA] ||
	    end - start > s->n - s->off[BLK_DATA] - start)
		return;
	const uint8_t *d = s->o + s->off[BLK_DATA] + start;
	uint32_t h = rd32(d + 2 * s->ps, s->be);
	char link[513];
	memcpy(link, nm + 5, l - 5);
	link[l - 5] = 0;
	const char *scheme = go_typehash_match(link, h);
	if (!scheme) {
		if (!s->mismatch)
			s->mismatch = arena_printf(s->a->arena, "%.*s carries hash %#010x, none of the %s digests", (int)l, nm, h,
						     go_typehash_eras_count());
		return;
	}
	fact_set(s->a, &s->a->go.typehash, GOABI_KNOWN, scheme,
		 "descriptor %.*s in the Go object's data carries hash %#010x = %s of \"%s\"", (int)l, nm, h,
		 go_typehash_describe(scheme), link);
	s->hashed = true;
}

static void scan_syms(struct objscan *s, int blk, uint32_t *defidx, bool defs)
{
	uint32_t lo = s->off[blk], hi = s->off[blk + 1];
	if (lo > hi || hi > s->n)
		return;
	for (uint32_t p = lo; hi - p >= SYM_SIZE; p += SYM_SIZE) {
		size_t l;
		const char *nm = name_at(s, s->o + p, &l);
		if (nm) {
			count_name(s, nm, l);
			if (defs)
				try_descriptor(s, nm, l, *defidx);
		}
		if (defs)
			(*defidx)++;
	}
}

/* The binary part: names for the symbol scheme, descriptors for the hash. */
static void scan_object(struct goabi_artifact *a, const uint8_t *o, size_t n, const char *arch)
{
	struct objscan s = { .a = a, .o = o, .n = n, .be = big_endian_arch(arch), .ps = arch_ptrsize(arch) };
	if (n < HDR_SIZE || memcmp(o, "\0go1", 4) != 0 || memcmp(o + 6, "ld", 2) != 0) {
		diag_add(a, GOABI_DIAG_WARNING, "Go object: no object header (\\0go1NNld) after the text header");
		return;
	}
	for (int i = 0; i < NBLK; i++) {
		s.off[i] = rd32(o + 20 + 4 * i, false);
		if (s.off[i] > n || (i && s.off[i] < s.off[i - 1])) {
			diag_add(a, GOABI_DIAG_WARNING, "Go object: block %d offset %#x is out of order or past the end (%zu bytes)",
				 i, s.off[i], n);
			return;
		}
	}
	uint32_t defidx = 0;
	scan_syms(&s, BLK_SYMDEF, &defidx, true);
	scan_syms(&s, BLK_HASHED64DEF, &defidx, true);
	scan_syms(&s, BLK_HASHEDDEF, &defidx, true);
	scan_syms(&s, BLK_NONPKGDEF, &defidx, true);
	scan_syms(&s, BLK_NONPKGREF, &defidx, false);
	for (uint32_t p = s.off[BLK_REFNAME]; s.off[BLK_END] - p >= REFNAME_SIZE; p += REFNAME_SIZE) {
		size_t l;
		const char *nm = name_at(&s, o + p + 8, &l);
		if (nm)
			count_name(&s, nm, l);
	}
	struct goabi_go *g = &a->go;
	if (s.ndot || s.ncolon)
		fact_set(a, &g->scheme, GOABI_KNOWN, s.ndot && s.ncolon ? "mixed" : s.ndot ? "dot" : "colon",
			 "Go object symbol names: %zu type../go. and %zu type:/go: names", s.ndot, s.ncolon);
	else
		fact_set(a, &g->scheme, GOABI_UNKNOWN, NULL, "no compiler-generated type/go names in the Go object");
	if (!s.hashed)
		fact_set(a, &g->typehash, GOABI_UNKNOWN, NULL, "%s",
			 s.mismatch ? s.mismatch : "no type descriptor defined in this Go object");
}

/* The ELF machine a GOARCH compiles for (cmd/link/internal/ARCH: the
 * e_machine each port writes), named as elf_machine_name names it. */
static void goarch_machine(struct goabi_artifact *a, const char *goarch, const char *hdr)
{
	static const struct { const char *goarch; const char *machine; } map[] = {
		{ "amd64", "x86_64" }, { "386", "i386" }, { "arm", "arm" }, { "arm64", "aarch64" },
		{ "ppc64", "ppc64" }, { "ppc64le", "ppc64" }, { "s390x", "s390" }, { "riscv64", "riscv" },
		{ "loong64", "loongarch" }, { "mips", "mips" }, { "mipsle", "mips" }, { "mips64", "mips" },
		{ "mips64le", "mips" },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(goarch, map[i].goarch) == 0) {
			fact_set(a, &a->machine, GOABI_KNOWN, map[i].machine, "GOARCH %s in the Go object header \"%s\"",
				 goarch, hdr);
			return;
		}
	fact_set(a, &a->machine, GOABI_UNKNOWN, NULL, "GOARCH %s (Go object header \"%s\") has no ELF machine",
		 utf8_sanitize(a->arena, goarch, strlen(goarch)), hdr);
}

bool facts_goobj(struct goabi_artifact *a, const uint8_t *p, size_t n, const struct goabi_opts *opts)
{
	static const char magic[] = "go object ";
	if (n < sizeof(magic) - 1 || memcmp(p, magic, sizeof(magic) - 1) != 0)
		return false;
	a->kind = GOABI_KIND_GOOBJ;
	const uint8_t *nl = memchr(p, '\n', n < 4096 ? n : 4096);
	if (!nl) {
		diag_add(a, GOABI_DIAG_ERROR, "Go object: header line has no end within 4096 bytes");
		return true;
	}
	const char *line = arena_strndup(a->arena, (const char *)p, (size_t)(nl - p));
	char *rest = arena_strdup(a->arena, line + sizeof(magic) - 1);
	struct goabi_go *g = &a->go;
	/* GOOS GOARCH VERSION... [KEY=VALUE...] [X:experiments] */
	char *save = NULL;
	const char *goos = strtok_r(rest, " ", &save), *goarch = strtok_r(NULL, " ", &save);
	char version[256] = "";
	for (char *t; (t = strtok_r(NULL, " ", &save)) != NULL;) {
		if (strncmp(t, "X:", 2) == 0) {
			go_setting_add(a, "GOEXPERIMENT", t + 2);
		} else if (strchr(t, '=')) {
			char *eq = strchr(t, '=');
			*eq = 0;
			go_setting_add(a, t, eq + 1);
		} else if (strlen(version) + strlen(t) + 2 < sizeof(version)) {
			if (*version)
				strcat(version, " ");
			strcat(version, t);
		}
	}
	const char *ev = utf8_sanitize(a->arena, line, strlen(line));
	if (!goos || !goarch || !*version) {
		diag_add(a, GOABI_DIAG_ERROR, "Go object: header line \"%s\" lacks GOOS, GOARCH or version", ev);
		return true;
	}
	go_setting_add(a, "GOOS", goos);
	go_setting_add(a, "GOARCH", goarch);
	goarch_machine(a, goarch, ev);
	fact_set_typed(a, FT_TOOLCHAIN, GOABI_KNOWN, "gc", "Go object header \"%s\"", ev);
	fact_set(a, &g->version, GOABI_KNOWN, version, "Go object header \"%s\"", ev);
	fact_set_typed(a, FT_BUILDMODE, GOABI_KNOWN, "archive",
		 "Go's own object format (go build -buildmode=archive, go tool compile/pack, GOCACHE): not ELF, "
		 "a C linker rejects it (\"file format not recognized\"); build with -buildmode=c-archive for C");
	fact_set_typed(a, FT_CGO, GOABI_UNKNOWN, NULL, "Go object: cgo is decided when the Go linker links it");
	fact_set_typed(a, FT_CGO_SETTING, GOABI_UNKNOWN, NULL, "Go object: no build settings recorded");
	if (opts && opts->brief)
		return true; /* the rest is the scheme and the type hash */
	/* the compiled object follows "\n!\n"; __.PKGDEF holds export data */
	const uint8_t *bang = memmem(p, n, "\n!\n", 3);
	if (!bang) {
		fact_set(a, &g->scheme, GOABI_UNKNOWN, NULL, "Go export data only (no compiled code in this member)");
		fact_set(a, &g->typehash, GOABI_UNKNOWN, NULL, "Go export data only (no compiled code in this member)");
		return true;
	}
	size_t at = (size_t)(bang - p) + 3;
	scan_object(a, p + at, n - at, goarch);
	go_typehash_check(a, version);
	return true;
}
