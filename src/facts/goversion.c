/* Go version of a gc binary without usable build info (esbuild >= 0.27 ships
 * no .go.buildinfo; build info can be damaged or cut off). The linker keeps
 * the version as the runtime.buildVersion string: its bytes in read-only
 * data, its Go string header {ptr, len} in writable data
 * (cmd/link/internal/ld/main.go addstrdata "runtime.buildVersion").
 *
 * 1. each "go1." in read-only data is a candidate; the one a string header
 *    in writable data points at, with the length it gives, is the version;
 * 2. else the candidates that parse as go1.N[.M], agree with the pclntab
 *    era, and are all the same release.
 * Both are 'inferred': the header is found by value, not by name. */
#include <stdlib.h>
#include <string.h>
#include "facts/gofacts.h"

#define MAX_HITS 256
#define MAX_LEN 64

struct region {
	const uint8_t *p;
	size_t n;
	uint64_t vaddr;
	const char *name;
};

/* Collect allocated, non-executable regions: writable or read-only. */
static size_t regions(const struct elfview *ev, bool writable, struct region *r, size_t max)
{
	size_t k = 0;
	if (ev->sections_ok) {
		Elf_Scn *scn = NULL;
		GElf_Shdr sh;
		while (k < max && (scn = elf_nextscn(ev->elf, scn)) != NULL) {
			if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_ALLOC) ||
			    (sh.sh_flags & SHF_EXECINSTR) || !!(sh.sh_flags & SHF_WRITE) != writable)
				continue;
			const char *name = ev_section_name(ev, &sh);
			if (strstr(name, "pclntab") || strstr(name, "typelink") || strstr(name, "itablink"))
				continue;
			if (ev_section_bytes(ev, &sh, &r[k].p, &r[k].n)) {
				r[k].vaddr = sh.sh_addr;
				r[k].name = name;
				k++;
			}
		}
		return k;
	}
	for (size_t i = 0; i < ev->phnum && k < max; i++) {
		GElf_Phdr ph;
		if (!ev_phdr(ev, i, &ph) || ph.p_type != PT_LOAD || (ph.p_flags & PF_X) || !!(ph.p_flags & PF_W) != writable ||
		    !range_ok(ph.p_offset, ph.p_filesz, ev->size))
			continue;
		r[k] = (struct region){ ev->raw + ph.p_offset, ph.p_filesz, ph.p_vaddr, "PT_LOAD" };
		k++;
	}
	return k;
}

/* Length of "go1.N" or "go1.N.M" at p (n bytes), 0 when it does not parse. */
static size_t parse_release(const uint8_t *p, size_t n)
{
	size_t i = 4, d = 0;
	if (n < 5 || memcmp(p, "go1.", 4) != 0)
		return 0;
	while (i < n && p[i] >= '0' && p[i] <= '9' && d < 3)
		i++, d++;
	if (!d || (d > 1 && p[4] == '0'))
		return 0;
	if (i + 1 < n && p[i] == '.' && p[i + 1] >= '0' && p[i + 1] <= '9') {
		size_t j = i + 1, e = 0;
		while (j < n && p[j] >= '0' && p[j] <= '9' && e < 3)
			j++, e++;
		i = j;
	}
	return i;
}

static bool printable(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return false;
	return true;
}

/* A "go1." in read-only data that parses as a release: where its string
 * would start (vaddr) and the Go string header that points there, if any. */
struct cand {
	size_t r, pos, start, l;
	uint64_t vaddr;
	bool has_header;
	uint64_t len;          /* the header's length word */
	const char *where;     /* the header's place */
};

static int cmp_vaddr(const void *a, const void *b)
{
	uint64_t x = (*(struct cand *const *)a)->vaddr, y = (*(struct cand *const *)b)->vaddr;
	return x < y ? -1 : x > y;
}

/* One pass over the writable regions for the string headers {ptr, len} of
 * all candidates at once (ptr = a candidate's vaddr, 5 <= len <= MAX_LEN):
 * each candidate gets the first such header in region and address order. */
static void find_headers(const struct elfview *ev, const struct region *w, size_t nw, struct cand *c, size_t nc)
{
	if (!nc)
		return;
	struct cand *byaddr[MAX_HITS];
	for (size_t i = 0; i < nc; i++)
		byaddr[i] = &c[i];
	qsort(byaddr, nc, sizeof(byaddr[0]), cmp_vaddr);
	uint64_t lo = byaddr[0]->vaddr, hi = byaddr[nc - 1]->vaddr;
	size_t ps = (size_t)ev->ptrsize;
	for (size_t r = 0; r < nw; r++) {
		for (size_t pos = 0; w[r].n >= 2 * ps && pos <= w[r].n - 2 * ps; pos += ps) {
			uint64_t v = rdptr(w[r].p + pos, ev->be, (int)ps);
			if (v < lo || v > hi)
				continue;
			size_t a = 0, b = nc;
			while (a < b) {
				size_t m = a + (b - a) / 2;
				if (byaddr[m]->vaddr < v)
					a = m + 1;
				else
					b = m;
			}
			if (a == nc || byaddr[a]->vaddr != v || byaddr[a]->has_header)
				continue;
			uint64_t len = rdptr(w[r].p + pos + ps, ev->be, (int)ps);
			if (len < 5 || len > MAX_LEN)
				continue;
			byaddr[a]->has_header = true;
			byaddr[a]->len = len;
			byaddr[a]->where = arena_printf(ev->a->arena, "string header at %s+%#zx", w[r].name, pos);
		}
	}
}

static bool agrees(const char *v, uint32_t magic)
{
	int lo, hi;
	if (!magic)
		return true;
	if (!go_minor_span(v, &lo, &hi))
		return go_pclntab_magic_for(0) == magic;
	return go_pclntab_magic_for(lo) == magic || go_pclntab_magic_for(hi) == magic;
}

void go_version_from_data(struct elfview *ev, const struct pclntab *pt)
{
	struct goabi_artifact *a = ev->a;
	struct region ro[32], rw[32];
	size_t nro = regions(ev, false, ro, 32), nrw = regions(ev, true, rw, 32);
	const char *seen[8];
	const char *seen_where[8];
	size_t nseen = 0, hits = 0, nc = 0;
	bool ambiguous = false;
	uint32_t magic = pt ? pt->magic : 0;
	struct cand *c = arena_alloc(a->arena, MAX_HITS * sizeof(*c));
	if (!c)
		return;
	for (size_t r = 0; r < nro && hits < MAX_HITS; r++) {
		size_t off = 0;
		while (off < ro[r].n && hits < MAX_HITS) {
			int64_t at = find_bytes(ro[r].p + off, ro[r].n - off, "go1.", 4, 1);
			const uint8_t *q = at < 0 ? NULL : ro[r].p + off + at;
			if (!q)
				break;
			hits++;
			size_t pos = (size_t)(q - ro[r].p);
			off = pos + 4;
			size_t l = parse_release(q, ro[r].n - pos);
			if (!l)
				continue;
			/* "devel go1.22-abcdef ..." starts six bytes earlier */
			size_t start = pos >= 6 && memcmp(q - 6, "devel ", 6) == 0 ? pos - 6 : pos;
			c[nc++] = (struct cand){ .r = r, .pos = pos, .start = start, .l = l, .vaddr = ro[r].vaddr + start };
		}
	}
	find_headers(ev, rw, nrw, c, nc);
	for (size_t i = 0; i < nc; i++) {
		const struct region *R = &ro[c[i].r];
		size_t pos = c[i].pos, start = c[i].start, l = c[i].l;
		const uint8_t *q = R->p + pos;
		uint64_t len = c[i].has_header ? c[i].len : 0;
		if (len && len >= l + (pos - start) && len <= R->n - start && printable(R->p + start, len)) {
			const uint8_t *s = R->p + start;
			size_t rel = pos - start + l; /* after go1.N[.M] */
			if (len == rel || s[rel] == ' ' || s[rel] == '-') {
				const char *v = arena_strndup(a->arena, (const char *)s, (size_t)len);
				fact_set(a, &a->go.version, GOABI_INFERRED, v,
					 "string \"%s\" at %s+%#zx, pointed at by a %s (runtime.buildVersion; no build info)",
					 v, R->name, start, c[i].where);
				return;
			}
		}
		/* a stand-alone release string: not preceded by a letter or digit */
		if (pos > 0 && ((q[-1] >= 'a' && q[-1] <= 'z') || (q[-1] >= 'A' && q[-1] <= 'Z') ||
				(q[-1] >= '0' && q[-1] <= '9') || strchr("_/-.", q[-1])))
			continue;
		const char *v = arena_strndup(a->arena, (const char *)q, l);
		if (!agrees(v, magic))
			continue;
		bool dup = false;
		for (size_t k = 0; k < nseen; k++)
			dup |= strcmp(seen[k], v) == 0;
		if (!dup && nseen < 8) {
			seen_where[nseen] = arena_printf(a->arena, "%s+%#zx", R->name, pos);
			seen[nseen++] = v;
		} else if (!dup) {
			ambiguous = true;
		}
	}
	if (nseen == 1 && !ambiguous) {
		fact_set(a, &a->go.version, GOABI_INFERRED, seen[0],
			 "the only release string in read-only data, \"%s\" at %s%s (no build info, no string header found)",
			 seen[0], seen_where[0], magic ? ", agrees with the pclntab magic" : "");
	} else if (nseen > 1) {
		fact_set(a, &a->go.version, GOABI_UNKNOWN, NULL,
			 "no build info; %zu different release strings in read-only data (%s at %s, %s at %s%s)", nseen, seen[0],
			 seen_where[0], seen[1], seen_where[1], nseen > 2 ? ", ..." : "");
	}
}
