/* Type-hash scheme: every runtime type descriptor (runtime._type in Go 1.19
 * src/runtime/type.go, internal/abi.Type since Go 1.21) starts
 * {size uintptr; ptrdata uintptr; hash uint32; tflag, align, fieldAlign,
 * kind uint8}. The compiler sets hash to four bytes, read little-endian, of
 * a digest of the type's link string (cmd/compile/internal/types TypeHash).
 * The digest changed three times (the eras, table `eras` below); each era is
 * recognised by recomputing the hash of a well-known type and finding a
 * descriptor that carries it.
 * The scheme always comes from a descriptor, never from the version.
 *
 * Descriptors are found, cheapest first: by symbol (type:int, Go <= 1.25
 * unstripped); inside the module data's [types, etypes) range (symbols
 * runtime.types/etypes, or runtime.firstmoduledata, the .go.module section
 * of Go 1.26+, or the moduledata word that points at the pclntab); only when
 * none of these exist, in the allocated data sections. */
#include <md5.h>
#include <sha2.h>
#include <stdio.h>
#include <string.h>
#include "facts/gofacts.h"

struct known_type {
	const char *name;
	int size;      /* bytes; -1 = pointer size, -2 = two pointers */
	int ptrdata;   /* bytes; -1 = pointer size */
	uint8_t kind;  /* reflect.Kind */
};

static const struct known_type known[] = {
	{ "int", -1, 0, 2 },
	{ "string", -2, -1, 24 },
	{ "uint8", 1, 0, 8 },
	{ "float64", 8, 0, 14 },
	{ "uintptr", -1, 0, 12 },
	{ "bool", 1, 0, 1 },
};
#define NKNOWN (sizeof(known) / sizeof(known[0]))

/* The type-hash eras: the one table that the search, the facts' evidence,
 * the contradiction messages and docs/inspect.md's table are made from
 * (tests/unit/test_typehash.c compares that table with go_typehash_doc_table).
 * Adding an era is adding a row here, in release order. */
enum th_digest { TH_MD5, TH_SHA256 };
static const struct typehash_era {
	const char *name;     /* the fact's value */
	int first, last;      /* Go minor releases 1.first ... 1.last; the last row's
			       * last is the newest release checked, the era
			       * continues past it until a new row says otherwise */
	enum th_digest digest;
	unsigned offset;      /* the 4 bytes taken from the digest */
	uint8_t xor0;         /* XORed into the first of them */
	bool invert;          /* every bit inverted */
	const char *expr;     /* how the hash is computed, in evidence: "bytes 0-3 of MD5" */
	const char *doc;      /* the same for docs/inspect.md */
	const char *symbol;   /* the `int` descriptor's symbol in unstripped files */
	const char *checked;  /* binaries the era was checked on (docs) */
} eras[] = {
	{ "md5", 9, 18, TH_MD5, 0, 0, false, "bytes 0-3 of MD5", "MD5, bytes 0–3", "`type.int`",
	  "esbuild 0.9.7, 0.11.23 (go1.16.2/.3), 0.13.15 (go1.17.2)" },
	{ "notsha256", 19, 23, TH_SHA256, 0, 0, true, "bytes 0-3 of SHA-256, inverted",
	  "SHA-256 with every bit inverted (\"notsha256\"), bytes 0–3", "`type.int` (1.19), `type:int`",
	  "Go 1.19.8 fixtures (amd64, arm64, 386, s390x); esbuild go1.19 … go1.23.12 on 9 architectures; lefthook go1.22.7, go1.23.4" },
	{ "sha256[8:12]", 24, 24, TH_SHA256, 8, 0, false, "bytes 8-11 of SHA-256", "SHA-256, bytes 8–11", "`type:int`",
	  "lefthook 1.11.13 (go1.24.3), 1.12.4 (go1.24.6)" },
	{ "sha256^0xff", 25, 27, TH_SHA256, 0, 0xff, false, "bytes 0-3 of SHA-256, byte 0 ^ 0xff",
	  "SHA-256 with byte 0 XOR 0xff (`cmd/internal/hash.Sum32`), bytes 0–3", "`type:int` (1.25; none since 1.26)",
	  "lefthook 1.13.6, 2.0.16, 2.1.17 (go1.25.1, go1.25.6, go1.26.6); esbuild 0.27.3 (go1.25.7), arm64 0.28.0 (go1.26.1); "
	  "Go 1.26.8 and 1.27.3 fixtures (exe, PIE, c-shared, c-archive, stripped, `GOAMD64=v3`, arm64, package archives)" },
};
#define TH_N (sizeof(eras) / sizeof(eras[0]))

static void digests(const char *s, uint32_t out[TH_N])
{
	uint8_t m[MD5_DIGEST_LENGTH], d[SHA256_DIGEST_LENGTH];
	MD5_CTX mc;
	MD5Init(&mc);
	MD5Update(&mc, (const uint8_t *)s, strlen(s));
	MD5Final(m, &mc);
	SHA2_CTX sc;
	SHA256Init(&sc);
	SHA256Update(&sc, (const uint8_t *)s, strlen(s));
	SHA256Final(d, &sc);
	for (size_t e = 0; e < TH_N; e++) {
		const uint8_t *src = (eras[e].digest == TH_MD5 ? m : d) + eras[e].offset;
		uint8_t x[4] = { (uint8_t)(src[0] ^ eras[e].xor0), src[1], src[2], src[3] };
		if (eras[e].invert)
			for (int i = 0; i < 4; i++)
				x[i] = (uint8_t)~x[i];
		out[e] = rd32(x, false);
	}
}

/* the era of Go 1.minor (go_minor_span's 100 + minor), NULL before the first */
static const struct typehash_era *era_of(int minor)
{
	const struct typehash_era *e = NULL;
	for (size_t i = 0; i < TH_N; i++)
		if (minor >= 100 + eras[i].first)
			e = &eras[i];
	return e;
}

const char *go_typehash_conflict(struct goabi_artifact *a, const char *version, const char *scheme)
{
	int lo, hi;
	if (!scheme || !go_minor_span(version, &lo, &hi))
		return NULL;
	const struct typehash_era *elo = era_of(lo), *ehi = era_of(hi);
	if (!elo || !ehi || strcmp(scheme, elo->name) == 0 || strcmp(scheme, ehi->name) == 0)
		return NULL;
	if (elo == ehi)
		return arena_printf(a->arena, "type hashes use %s, but %s uses %s", scheme, version, ehi->name);
	return arena_printf(a->arena, "type hashes use %s, but %s, a development build of go1.%d, uses %s (go1.%d's) or %s",
			    scheme, version, hi - 100, elo->name, lo - 100, ehi->name);
}

void go_typehash_check(struct goabi_artifact *a, const char *version)
{
	const char *c = go_typehash_conflict(a, version, a->go.typehash.value);
	if (c)
		strv_push(a->arena, &a->go.conflicts, c);
}

const char *go_typehash_match(const char *link, uint32_t h)
{
	uint32_t d[TH_N];
	digests(link, d);
	for (size_t s = 0; s < TH_N; s++)
		if (d[s] == h)
			return eras[s].name;
	return NULL;
}

const char *go_typehash_describe(const char *scheme)
{
	for (size_t s = 0; s < TH_N; s++)
		if (strcmp(scheme, eras[s].name) == 0)
			return eras[s].expr;
	return "?";
}

const char *go_typehash_eras_count(void)
{
	static const char *const words[] = { "no", "one", "two", "three", "four", "five", "six", "seven", "eight" };
	return TH_N < sizeof(words) / sizeof(words[0]) ? words[TH_N] : "several";
}

/* "md5 0xf75371fa, notsha256 0xcb735792, ..." for a link string */
static const char *digest_list(struct goabi_arena *ar, const uint32_t d[TH_N])
{
	char buf[512];
	size_t used = 0;
	for (size_t s = 0; s < TH_N && used < sizeof(buf); s++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s %#010x", s ? ", " : "", eras[s].name, d[s]);
	return arena_strdup(ar, buf);
}

size_t go_typehash_doc_table(char *buf, size_t cap)
{
	size_t used = 0;
#define OUT(...)                                                                               \
	do {                                                                                   \
		int k_ = snprintf(buf + (used < cap ? used : cap), used < cap ? cap - used : 0, __VA_ARGS__); \
		used += k_ > 0 ? (size_t)k_ : 0;                                               \
	} while (0)
	uint32_t d[TH_N];
	digests("int", d);
	OUT("| Go | digest | `int` | reported as | `int`'s descriptor symbol | checked here on |\n");
	OUT("|---|---|---|---|---|---|\n");
	for (size_t e = 0; e < TH_N; e++) {
		if (eras[e].first == eras[e].last)
			OUT("| 1.%d.x", eras[e].first);
		else
			OUT("| 1.%d … 1.%d", eras[e].first, eras[e].last);
		OUT(" | %s | `%#010x` | `%s` | %s | %s |\n", eras[e].doc, d[e], eras[e].name, eras[e].symbol,
		    eras[e].checked);
	}
#undef OUT
	return used;
}

struct candidates {
	uint32_t h[NKNOWN][TH_N];
	/* bitmap of the candidates' low 16 bits: a filter that lets through
	 * 24 in 65536 words that are not a candidate */
	uint8_t low[65536 / 8];
};

static void candidates_init(struct candidates *c)
{
	memset(c->low, 0, sizeof(c->low));
	for (size_t k = 0; k < NKNOWN; k++) {
		digests(known[k].name, c->h[k]);
		for (size_t s = 0; s < TH_N; s++)
			c->low[(c->h[k][s] & 0xffff) >> 3] |= (uint8_t)(1u << (c->h[k][s] & 7));
	}
}

/* Does p hold the {size, ptrdata, hash, ..., kind} of known type k with
 * hash h? avail: bytes readable at p. */
static bool is_descriptor(const struct elfview *ev, const uint8_t *p, size_t avail, size_t k, uint32_t h)
{
	int ps = ev->ptrsize;
	const struct known_type *t = &known[k];
	if (avail < 2 * (size_t)ps + 8)
		return false;
	uint64_t size = t->size == -1 ? (uint64_t)ps : t->size == -2 ? 2u * ps : (uint64_t)t->size;
	uint64_t ptrdata = t->ptrdata == -1 ? (uint64_t)ps : (uint64_t)t->ptrdata;
	return rdptr(p, ev->be, ps) == size && rdptr(p + ps, ev->be, ps) == ptrdata &&
	       rd32(p + 2 * ps, ev->be) == h && (p[2 * ps + 7] & 0x1f) == t->kind;
}

struct hit {
	size_t k, scheme;
	uint64_t off;
};

/* One pass over n bytes at p: every pointer-aligned position whose hash word
 * equals one of the candidate hashes is checked as a descriptor. Cost is
 * n/ptrsize word compares, whatever the era. */
static bool scan(const struct elfview *ev, const struct candidates *c, const uint8_t *p, size_t n, struct hit *hit)
{
	size_t ps = (size_t)ev->ptrsize, hoff = 2 * ps;
	if (n < hoff + 8)
		return false;
	for (size_t pos = 0; pos <= n - hoff - 8; pos += ps) {
		uint32_t w = rd32(p + pos + hoff, ev->be);
		if (!(c->low[(w & 0xffff) >> 3] & (1u << (w & 7))))
			continue;
		for (size_t k = 0; k < NKNOWN; k++)
			for (size_t s = 0; s < TH_N; s++)
				if (w == c->h[k][s] && is_descriptor(ev, p + pos, n - pos, k, w)) {
					*hit = (struct hit){ .k = k, .scheme = s, .off = pos };
					return true;
				}
	}
	return false;
}

static void record(struct elfview *ev, const struct hit *h, uint32_t value, const char *where)
{
	const char *tname = known[h->k].name;
	fact_set(ev->a, &ev->a->go.typehash, GOABI_KNOWN, eras[h->scheme].name,
		 "descriptor of '%s' at %s carries hash %#010x = %s of \"%s\"", tname, where, value,
		 eras[h->scheme].expr, tname);
}

/* Search [lo, hi) for a descriptor; true when the fact was recorded. */
static bool scan_vrange(struct elfview *ev, const struct candidates *c, uint64_t lo, uint64_t hi, const char *how)
{
	const uint8_t *p;
	uint64_t avail;
	if (!ev_vaddr(ev, lo, 1, &p, &avail))
		return false;
	size_t n = (size_t)(hi - lo < avail ? hi - lo : avail);
	struct hit h;
	if (!scan(ev, c, p, n, &h))
		return false;
	record(ev, &h, c->h[h.k][h.scheme],
	       arena_printf(ev->a->arena, "vaddr %#llx (types %#llx-%#llx from %s)", (unsigned long long)(lo + h.off),
			    (unsigned long long)lo, (unsigned long long)hi, how));
	return true;
}

static bool by_symbols(struct elfview *ev, const struct candidates *c, const struct typesym *syms, size_t nsyms)
{
	struct goabi_artifact *a = ev->a;
	for (size_t i = 0; i < nsyms; i++) {
		if (!syms[i].found)
			continue;
		size_t k = NKNOWN;
		for (size_t j = 0; j < NKNOWN; j++)
			if (strcmp(known[j].name, syms[i].name) == 0)
				k = j;
		if (k == NKNOWN)
			continue;
		const uint8_t *p = NULL;
		uint64_t avail = 0;
		if (ev->eh.e_type == ET_REL) {
			Elf_Scn *scn = elf_getscn(ev->elf, syms[i].sym.st_shndx);
			GElf_Shdr sh;
			const uint8_t *sp;
			size_t sn;
			if (!scn || !gelf_getshdr(scn, &sh) || !ev_section_bytes(ev, &sh, &sp, &sn) ||
			    syms[i].sym.st_value >= sn)
				continue;
			p = sp + syms[i].sym.st_value;
			avail = sn - syms[i].sym.st_value;
		} else if (!ev_vaddr(ev, syms[i].sym.st_value, 16, &p, &avail)) {
			continue;
		}
		const char *where = arena_printf(a->arena, "symbol type%s%s", a->go.scheme.value &&
						 strcmp(a->go.scheme.value, "colon") == 0 ? ":" : ".", known[k].name);
		for (size_t s = 0; s < TH_N; s++)
			if (is_descriptor(ev, p, (size_t)avail, k, c->h[k][s])) {
				record(ev, &(struct hit){ .k = k, .scheme = s }, c->h[k][s], where);
				return true;
			}
		uint32_t got = avail >= 2 * (size_t)ev->ptrsize + 4 ? rd32(p + 2 * ev->ptrsize, ev->be) : 0;
		fact_set(a, &a->go.typehash, GOABI_UNKNOWN, NULL,
			 "%s carries hash %#010x, none of %s of \"%s\"", where, got, digest_list(a->arena, c->h[k]),
			 known[k].name);
		return true;
	}
	return false;
}

void go_typehash(struct elfview *ev, const struct typehash_in *in)
{
	struct goabi_artifact *a = ev->a;
	struct candidates c;
	candidates_init(&c);
	/* 1. descriptors found by symbol name */
	if (by_symbols(ev, &c, in->syms, in->nsyms))
		return;
	if (ev->eh.e_type != ET_REL) {
		/* 2. the module's type range by symbol */
		if (in->types && in->etypes && in->etypes->st_value > in->types->st_value &&
		    scan_vrange(ev, &c, in->types->st_value, in->etypes->st_value, "symbols runtime.types/etypes"))
			return;
		/* 3. the module's type range from the module data */
		struct go_moduledata md;
		if (in->pt && in->pt->magic && go_moduledata_find(ev, in->pt, &md) && md.types &&
		    scan_vrange(ev, &c, md.types, md.etypes, md.where))
			return;
	}
	/* 4. no module data (relocatable objects, relocations not applied in
	 * the file): data sections that can hold descriptors, one pass each */
	struct hit h;
	if (ev->sections_ok) {
		Elf_Scn *scn = NULL;
		GElf_Shdr sh;
		while ((scn = elf_nextscn(ev->elf, scn)) != NULL) {
			const uint8_t *p;
			size_t n;
			if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS || (sh.sh_flags & SHF_EXECINSTR) ||
			    (ev->eh.e_type != ET_REL && !(sh.sh_flags & SHF_ALLOC)))
				continue;
			if (!ev_section_bytes(ev, &sh, &p, &n) || !scan(ev, &c, p, n, &h))
				continue;
			record(ev, &h, c.h[h.k][h.scheme],
			       arena_printf(a->arena, "%s+%#llx", ev_section_name(ev, &sh), (unsigned long long)h.off));
			return;
		}
	} else {
		for (size_t i = 0; i < ev->phnum; i++) {
			GElf_Phdr ph;
			if (!ev_phdr(ev, i, &ph) || ph.p_type != PT_LOAD || (ph.p_flags & PF_X) ||
			    !range_ok(ph.p_offset, ph.p_filesz, ev->size))
				continue;
			if (!scan(ev, &c, ev->raw + ph.p_offset, ph.p_filesz, &h))
				continue;
			record(ev, &h, c.h[h.k][h.scheme],
			       arena_printf(a->arena, "vaddr %#llx (PT_LOAD[%zu])", (unsigned long long)(ph.p_vaddr + h.off), i));
			return;
		}
	}
	fact_set(a, &a->go.typehash, GOABI_UNKNOWN, NULL, "no descriptor of a well-known type found");
}
