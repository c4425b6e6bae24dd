/* The pclntab name walk (src/facts/pclntab.c walk_nametab) against a plain
 * oracle: split the bytes at each NUL, keep the names whose first two bytes
 * are one of the keys the readers test. Included after pclntab.c by
 * test_nametab_sse.c (the SSE2 block walk, on x86) and test_nametab_plain.c
 * (compiled without __SSE2__: the eight-bytes-of-C walk other machines use). */
#include <stdlib.h>
#include "unit.h"

static uint32_t rng_state = 20261201;
static uint32_t rnd(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

struct seen {
	size_t n;
	uint32_t off[4096], len[4096];
	const uint8_t *base;
};

static bool collect(void *ctx, const char *name, size_t len)
{
	struct seen *s = ctx;
	if (s->n < 4096) {
		s->off[s->n] = (uint32_t)((const uint8_t *)name - s->base);
		s->len[s->n++] = (uint32_t)len;
	}
	return true;
}

static bool oracle_wants(const uint8_t *s, size_t len)
{
	static const char *const keys[] = { "ty", "go", "ru", "x_", "cr", "_c", "os", "ne" };
	for (size_t k = 0; k < 8; k++)
		if (len >= 2 && s[0] == (uint8_t)keys[k][0] && s[1] == (uint8_t)keys[k][1])
			return true;
	return false;
}

static void check_walk(const char *variant)
{
	static const char *const heads[] = { "ty", "go", "ru", "x_", "cr", "_c", "os", "ne",
					     "t", "g", "tx", "gp", "ab", "nE", "" };
	struct goabi_arena *ar = arena_new();
	bool list_ok = true, direct_ok = true;
	size_t kept = 0, names = 0;
	for (int round = 0; round < 300; round++) {
		enum { CAP = 16384 };
		static uint8_t buf[CAP + 64];
		static uint32_t woff[CAP], wlen[CAP];
		size_t nw = 0, nall = 0, nlist = 0;
		size_t start = rnd() % 40, n = start;
		for (size_t i = 0; i < start; i++)
			buf[i] = (uint8_t)(rnd() % 2 ? 0 : 1 + rnd() % 255); /* bytes before start do not count */
		while (n < CAP - 700) {
			const char *h = heads[rnd() % (sizeof(heads) / sizeof(heads[0]))];
			size_t len = rnd() % 4 == 0 ? rnd() % 600 : rnd() % 70;
			for (size_t i = 0; i < len; i++)
				buf[n + i] = i < strlen(h) ? (uint8_t)h[i] : (uint8_t)(1 + rnd() % 255);
			buf[n + len] = 0;
			if (oracle_wants(buf + n, len)) {
				woff[nw] = (uint32_t)n;
				wlen[nw++] = (uint32_t)len;
				nlist += len < 512;
			}
			nall++;
			n += len + 1;
		}
		size_t end = n;
		if (rnd() % 2) /* a last name the table does not end: not a name */
			for (size_t k = 1 + rnd() % 40; k; k--)
				buf[end++] = (uint8_t)(1 + rnd() % 255);
		names += nall;
		/* kept in a list (what the readers get), names of 512 bytes or more left out */
		struct pcln_names ns = { .table = buf };
		walk_nametab(ar, buf, start, end, &ns);
		size_t j = 0;
		for (size_t i = 0; i < nw; i++) {
			if (wlen[i] >= 512)
				continue;
			if (j >= ns.n || ns.v[j].off != woff[i] || ns.v[j].len != wlen[i])
				list_ok = false;
			j++;
		}
		if (j != nlist || ns.n != nlist || ns.failed)
			list_ok = false;
		kept += ns.n;
		/* handed to a callback as found (the out-of-memory path): every wanted name */
		struct seen s = { .base = buf };
		struct pcln_names direct = { .table = buf, .fn = collect, .ctx = &s };
		walk_nametab(ar, buf, start, end, &direct);
		if (s.n != nw)
			direct_ok = false;
		for (size_t i = 0; i < nw && i < s.n; i++)
			if (s.off[i] != woff[i] || s.len[i] != wlen[i])
				direct_ok = false;
	}
	CHECK(list_ok, "%s name walk: the kept names (%zu of %zu) are the oracle's, offsets and lengths", variant, kept, names);
	CHECK(direct_ok, "%s name walk: names handed to a callback are the oracle's", variant);
	arena_free(ar);
}
