/* Type-hash scheme: every runtime type descriptor (runtime._type in Go 1.19
 * src/runtime/type.go, internal/abi.Type since Go 1.21) starts
 * {size uintptr; ptrdata uintptr; hash uint32; tflag, align, fieldAlign,
 * kind uint8}. The compiler sets hash to four bytes, read little-endian, of
 * a digest of the type's link string (cmd/compile/internal/types TypeHash).
 * The digest changed three times; each era is recognised by recomputing the
 * hash of a well-known type and finding a descriptor that carries it:
 *   md5           Go 1.9-1.18   MD5, bytes 0-3
 *   notsha256     Go 1.19-1.23  SHA-256 with every bit inverted, bytes 0-3
 *   sha256[8:12]  Go 1.24       SHA-256, bytes 8-11
 *   sha256^0xff   Go 1.25+      SHA-256 with byte 0 XOR 0xff, bytes 0-3
 *                               (cmd/internal/hash.Sum32)
 * The scheme always comes from a descriptor, never from the version.
 *
 * Descriptors are found, cheapest first: by symbol (type:int, Go <= 1.25
 * unstripped); inside the module data's [types, etypes) range (symbols
 * runtime.types/etypes, or runtime.firstmoduledata, the .go.module section
 * of Go 1.26+, or the moduledata word that points at the pclntab); only when
 * none of these exist, in the allocated data sections. */
#include <md5.h>
#include <sha2.h>
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

enum { TH_MD5, TH_NOTSHA256, TH_SHA256_8, TH_SHA256_XOR, TH_N };
static const char *const scheme_name[TH_N] = { "md5", "notsha256", "sha256[8:12]", "sha256^0xff" };
/* how the hash was computed, after the type name */
static const char *const scheme_expr[TH_N] = {
	"bytes 0-3 of MD5", "bytes 0-3 of SHA-256, inverted", "bytes 8-11 of SHA-256", "bytes 0-3 of SHA-256, byte 0 ^ 0xff",
};

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
	out[TH_MD5] = rd32(m, false);
	out[TH_SHA256_8] = rd32(d + 8, false);
	uint8_t x[4] = { (uint8_t)(d[0] ^ 0xff), d[1], d[2], d[3] };
	out[TH_SHA256_XOR] = rd32(x, false);
	for (int i = 0; i < 4; i++)
		x[i] = (uint8_t)~d[i];
	out[TH_NOTSHA256] = rd32(x, false);
}

static const char *era_of(int minor)
{
	return minor < 109 ? NULL : minor < 119 ? "md5" : minor < 124 ? "notsha256" : minor < 125 ? "sha256[8:12]" : "sha256^0xff";
}

const char *go_typehash_conflict(struct goabi_artifact *a, const char *version, const char *scheme)
{
	int lo, hi;
	if (!scheme || !go_minor_span(version, &lo, &hi))
		return NULL;
	const char *elo = era_of(lo), *ehi = era_of(hi);
	if (!elo || !ehi || strcmp(scheme, elo) == 0 || strcmp(scheme, ehi) == 0)
		return NULL;
	if (strcmp(elo, ehi) == 0)
		return arena_printf(a->arena, "type hashes use %s, but %s uses %s", scheme, version, ehi);
	return arena_printf(a->arena, "type hashes use %s, but %s, a development build of go1.%d, uses %s (go1.%d's) or %s",
			    scheme, version, hi - 100, elo, lo - 100, ehi);
}

const char *go_typehash_match(const char *link, uint32_t h)
{
	uint32_t d[TH_N];
	digests(link, d);
	for (size_t s = 0; s < TH_N; s++)
		if (d[s] == h)
			return scheme_name[s];
	return NULL;
}

const char *go_typehash_describe(const char *scheme)
{
	for (size_t s = 0; s < TH_N; s++)
		if (strcmp(scheme, scheme_name[s]) == 0)
			return scheme_expr[s];
	return "?";
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
	fact_set(ev->a, &ev->a->go.typehash, GOABI_KNOWN, scheme_name[h->scheme],
		 "descriptor of '%s' at %s carries hash %#010x = %s of \"%s\"", tname, where, value,
		 scheme_expr[h->scheme], tname);
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
			 "%s carries hash %#010x, none of md5 %#010x, notsha256 %#010x, sha256[8:12] %#010x, sha256^0xff %#010x of \"%s\"",
			 where, got, c->h[k][0], c->h[k][1], c->h[k][2], c->h[k][3], known[k].name);
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
