/* Type-hash scheme: every runtime type descriptor (runtime._type in Go 1.19
 * src/runtime/type.go) starts {size uintptr; ptrdata uintptr; hash uint32;
 * tflag, align, fieldAlign, kind uint8}. The compiler sets hash to the first
 * four bytes, little-endian, of a digest of the type's link string
 * (cmd/compile/internal/types/fmt.go TypeHash): MD5 before Go 1.19,
 * notsha256 (bitwise NOT of SHA-256) from Go 1.19. We recompute both for
 * well-known types and look for a descriptor that carries one of them. */
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

static uint32_t digest_md5(const char *s)
{
	uint8_t d[MD5_DIGEST_LENGTH];
	MD5_CTX c;
	MD5Init(&c);
	MD5Update(&c, (const uint8_t *)s, strlen(s));
	MD5Final(d, &c);
	return rd32(d, false);
}

static uint32_t digest_notsha256(const char *s)
{
	uint8_t d[SHA256_DIGEST_LENGTH];
	SHA2_CTX c;
	SHA256Init(&c);
	SHA256Update(&c, (const uint8_t *)s, strlen(s));
	SHA256Final(d, &c);
	for (int i = 0; i < 4; i++)
		d[i] = (uint8_t)~d[i];
	return rd32(d, false);
}

static void put(uint8_t *p, uint64_t v, int n, bool be)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(be ? v >> (8 * (n - 1 - i)) : v >> (8 * i));
}

/* Descriptor prefix {size, ptrdata, hash} for type t with the given hash. */
static size_t prefix(const struct elfview *ev, const struct known_type *t, uint32_t hash, uint8_t *out)
{
	int ps = ev->ptrsize;
	uint64_t size = t->size == -1 ? (uint64_t)ps : t->size == -2 ? 2u * ps : (uint64_t)t->size;
	uint64_t ptrdata = t->ptrdata == -1 ? (uint64_t)ps : (uint64_t)t->ptrdata;
	put(out, size, ps, ev->be);
	put(out + ps, ptrdata, ps, ev->be);
	put(out + 2 * ps, hash, 4, ev->be);
	return 2 * (size_t)ps + 4;
}

static bool matches(const uint8_t *p, size_t avail, const uint8_t *pre, size_t plen, uint8_t kind)
{
	return avail >= plen + 4 && memcmp(p, pre, plen) == 0 && (p[plen + 3] & 0x1f) == kind;
}

/* Search one region for descriptor t carrying hash h; returns offset or -1.
 * The 4-byte hash is rare in data, {size, ptrdata} is not: look for the hash
 * and check the fields before it. */
static int64_t search(const struct elfview *ev, const uint8_t *p, size_t n, const struct known_type *t, uint32_t h)
{
	uint8_t pre[32];
	size_t plen = prefix(ev, t, h, pre);
	size_t hoff = 2 * (size_t)ev->ptrsize; /* hash offset in the descriptor */
	size_t off = hoff;
	while (off < n) {
		const uint8_t *r = memmem(p + off, n - off, pre + hoff, 4);
		if (!r)
			return -1;
		size_t pos = (size_t)(r - p) - hoff;
		if (pos % (size_t)ev->ptrsize == 0 && matches(p + pos, n - pos, pre, plen, t->kind))
			return (int64_t)pos;
		off = (size_t)(r - p) + 1;
	}
	return -1;
}

static void record(struct elfview *ev, const char *scheme, const char *tname, uint32_t h, const char *where)
{
	fact_set(ev->a, &ev->a->go.typehash, GOABI_KNOWN, scheme,
		 "descriptor of '%s' at %s carries hash %#010x = %s(\"%s\")", tname, where, h,
		 scheme, tname);
}

#define RECORD(...) do { record(__VA_ARGS__); return; } while (0)

void go_typehash(struct elfview *ev, const struct typesym *syms, size_t nsyms)
{
	struct goabi_artifact *a = ev->a;
	/* 1. descriptors found by symbol name */
	for (size_t i = 0; i < nsyms; i++) {
		if (!syms[i].found)
			continue;
		const struct known_type *t = NULL;
		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (strcmp(known[k].name, syms[i].name) == 0)
				t = &known[k];
		if (!t)
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
		uint32_t hm = digest_md5(t->name), hs = digest_notsha256(t->name);
		uint8_t pre[32];
		size_t plen = prefix(ev, t, hm, pre);
		const char *where = arena_printf(a->arena, "symbol type%s%s", a->go.scheme.value &&
						 strcmp(a->go.scheme.value, "colon") == 0 ? ":" : ".", t->name);
		if (matches(p, avail, pre, plen, t->kind))
			RECORD(ev, "md5", t->name, hm, where);
		plen = prefix(ev, t, hs, pre);
		if (matches(p, avail, pre, plen, t->kind))
			RECORD(ev, "notsha256", t->name, hs, where);
		uint32_t got = avail >= plen ? rd32(p + 2 * ev->ptrsize, ev->be) : 0;
		fact_set(a, &a->go.typehash, GOABI_UNKNOWN, NULL,
			 "%s carries hash %#010x, neither md5 (%#010x) nor notsha256 (%#010x) of \"%s\"",
			 where, got, hm, hs, t->name);
		return;
	}
	/* 2. stripped: scan data that can hold descriptors */
	for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
		const struct known_type *t = &known[k];
		/* Search order is only a speed hint: the digest the version suggests
		 * first (found early in .rodata), the other after; the answer is
		 * always a hash found in a descriptor, never the version. */
		int minor = go_minor(a->go.version.value);
		bool sha_first = minor ? minor >= 119 : a->go.pclntab_magic == 0xfffffff1;
		uint32_t h[2] = { digest_md5(t->name), digest_notsha256(t->name) };
		const char *scheme[2] = { "md5", "notsha256" };
		if (sha_first) {
			uint32_t x = h[0];
			h[0] = h[1];
			h[1] = x;
			scheme[0] = "notsha256";
			scheme[1] = "md5";
		}
		if (ev->sections_ok) {
			Elf_Scn *scn = NULL;
			GElf_Shdr sh;
			while ((scn = elf_nextscn(ev->elf, scn)) != NULL) {
				const uint8_t *p;
				size_t n;
				if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS || (sh.sh_flags & SHF_EXECINSTR) ||
				    (ev->eh.e_type != ET_REL && !(sh.sh_flags & SHF_ALLOC)))
					continue;
				if (!ev_section_bytes(ev, &sh, &p, &n))
					continue;
				for (int s = 0; s < 2; s++) {
					int64_t at = search(ev, p, n, t, h[s]);
					if (at >= 0)
						RECORD(ev, scheme[s], t->name, h[s],
							      arena_printf(a->arena, "%s+%#llx", ev_section_name(ev, &sh),
									   (unsigned long long)at));
				}
			}
		} else {
			for (size_t i = 0; i < ev->phnum; i++) {
				GElf_Phdr ph;
				if (!ev_phdr(ev, i, &ph) || ph.p_type != PT_LOAD || (ph.p_flags & PF_X) ||
				    !range_ok(ph.p_offset, ph.p_filesz, ev->size))
					continue;
				for (int s = 0; s < 2; s++) {
					int64_t at = search(ev, ev->raw + ph.p_offset, ph.p_filesz, t, h[s]);
					if (at >= 0)
						RECORD(ev, scheme[s], t->name, h[s],
							      arena_printf(a->arena, "vaddr %#llx (PT_LOAD[%zu])",
									   (unsigned long long)(ph.p_vaddr + at), i));
				}
			}
		}
	}
	fact_set(a, &a->go.typehash, GOABI_UNKNOWN, NULL, "no descriptor of a well-known type found");
}
