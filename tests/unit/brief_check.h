/* The vector searches inspect --brief and -r lean on, against plain
 * oracles: go_pclntab_names_prefixed (src/facts/pclntab.c) against
 * splitting the table at each NUL and keeping the prefixed names;
 * find_bytes at any position and at 4-, 8- and 16-byte alignment
 * (src/util/cursor.c) against testing every (aligned) position; utf8_sanitize's ASCII copy against the
 * rule (bytes 1-0x7f kept, NUL and stray bytes replaced by U+FFFD, UTF-8
 * sequences kept). Included after pclntab.c and cursor.c by
 * test_brief_scan_sse.c and test_brief_scan_plain.c (no __SSE2__). */
#include <stdlib.h>
#include "unit.h"

static uint32_t rng_state = 20261207;
static uint32_t rnd(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

struct got {
	size_t n;
	uint32_t off[8192], len[8192];
	const uint8_t *base;
};

static bool got_cb(void *ctx, const char *name, size_t len)
{
	struct got *g = ctx;
	if (g->n < 8192) {
		g->off[g->n] = (uint32_t)((const uint8_t *)name - g->base);
		g->len[g->n++] = (uint32_t)len;
	}
	return true;
}

static const char *const pfx[] = { "x_cgo_init", "crosscall2", "_cgo" };

static bool oracle_prefixed(const uint8_t *s, size_t len)
{
	for (size_t k = 0; k < 3; k++) {
		size_t l = strlen(pfx[k]);
		if (len >= l && memcmp(s, pfx[k], l) == 0)
			return true;
	}
	return false;
}

static void check_prefixed(const char *variant)
{
	static const char *const heads[] = { "x_cgo_init", "x_cgo_init\0", "crosscall2", "crosscall", "crypto/tls.",
					     "_cgo", "_cgo_panic", "_cgoexp_f", "_cg", "_c", "x_", "cr", "c", "x", "_",
					     "type:.eq.int", "runtime.main", "" };
	struct goabi_artifact a = { 0 };
	a.arena = arena_new();
	struct elfview ev = { 0 };
	ev.a = &a;
	bool ok = true, same_as_walk = true;
	size_t found = 0, names = 0;
	for (int round = 0; round < 400; round++) {
		enum { CAP = 16384, HDR = 8 + 8 * 8 };
		static uint8_t buf[CAP + 64];
		static uint32_t woff[CAP], wlen[CAP];
		memset(buf, 0, sizeof(buf));
		size_t nw = 0;
		/* a Go 1.20+ header: magic, ptrsize 8, funcnameOff at 8+3*8, cuOff (the names' end) at 8+4*8 */
		size_t start = HDR + rnd() % 40, n = start;
		for (size_t i = HDR; i < start; i++)
			buf[i] = (uint8_t)(rnd() % 2 ? 0 : 1 + rnd() % 255); /* bytes before start are no names */
		while (n < CAP - 700) {
			const char *h = heads[rnd() % (sizeof(heads) / sizeof(heads[0]))];
			size_t hl = strlen(h);
			size_t len = rnd() % 5 == 0 ? hl + rnd() % 600 : hl + rnd() % 40;
			if (rnd() % 8 == 0)
				len = hl; /* exactly the prefix */
			for (size_t i = 0; i < len; i++)
				buf[n + i] = i < hl ? (uint8_t)h[i] : (uint8_t)(1 + rnd() % 255);
			buf[n + len] = 0;
			if (len < 512 && oracle_prefixed(buf + n, len)) {
				woff[nw] = (uint32_t)n;
				wlen[nw++] = (uint32_t)len;
			}
			names++;
			n += len + 1;
		}
		size_t end = n;
		if (rnd() % 2) { /* a last name the table does not end: not a name */
			static const char tail[] = "_cgo_unterminated";
			for (size_t k = 0; k < sizeof(tail) - 1; k++)
				buf[end++] = (uint8_t)tail[k];
		}
		uint32_t magic = 0xfffffff1;
		memcpy(buf, &magic, 4);
		buf[6] = 1;
		buf[7] = 8;
		uint64_t nf = 1, st = start, en = end;
		memcpy(buf + 8, &nf, 8);
		memcpy(buf + 8 + 3 * 8, &st, 8);
		memcpy(buf + 8 + 4 * 8, &en, 8);
		/* a third of the tables end where the bytes end: no slack after them */
		struct pclntab pt = { .p = buf, .len = rnd() % 3 == 0 ? end : end + 16, .magic = magic, .ptrsize = 8, .nfunc = 1 };
		struct got g = { .base = buf };
		go_pclntab_names_prefixed(&ev, &pt, pfx, 3, got_cb, &g);
		if (g.n != nw)
			ok = false;
		for (size_t i = 0; i < nw && i < g.n; i++)
			if (g.off[i] != woff[i] || g.len[i] != wlen[i])
				ok = false;
		found += g.n;
		/* the same names as the full walk, filtered */
		struct pfx_filter f = { pfx, 3, got_cb, NULL };
		struct got w = { .base = buf };
		f.ctx = &w;
		ev.pcln_memo = NULL;
		go_pclntab_names(&ev, &pt, pfx_filter_cb, &f);
		if (w.n != g.n || memcmp(w.off, g.off, g.n * sizeof(g.off[0])) != 0)
			same_as_walk = false;
	}
	CHECK(ok, "%s prefixed name search: the %zu names of %zu with x_cgo_init, crosscall2 or _cgo are the oracle's, in order",
	      variant, found, names);
	CHECK(same_as_walk, "%s prefixed name search: the same names as the full walk with a prefix filter", variant);
	arena_free(a.arena);
}

static int64_t oracle_find(const uint8_t *h, size_t hl, const uint8_t *nd, size_t nl, size_t al)
{
	for (size_t off = 0; off + nl <= hl; off += al)
		if (memcmp(h + off, nd, nl) == 0)
			return (int64_t)off;
	return -1;
}

static void check_find(const char *variant)
{
	static uint8_t hay[4096];
	bool ok = true;
	size_t hits = 0, runs = 0;
	static const size_t aligns[] = { 4, 8, 16, 1 }, lens[] = { 4, 5, 8, 14, 2, 3 };
	for (int round = 0; round < 6000; round++) {
		size_t al = aligns[rnd() % 4], nl = lens[rnd() % (al == 1 ? 6 : 4)], hl = rnd() % 600;
		uint8_t nd[16];
		for (size_t i = 0; i < nl; i++)
			nd[i] = (uint8_t)(rnd() % 3 ? 0xff : rnd() % 256);
		for (size_t i = 0; i < hl; i++)
			hay[i] = (uint8_t)(rnd() % 4 ? 0xff : rnd() % 4); /* many partial matches */
		for (int k = rnd() % 4; k; k--) { /* plant the needle, aligned or not, maybe cut off at the end */
			size_t at = rnd() % (hl + 1);
			for (size_t i = 0; i < nl && at + i < hl; i++)
				hay[at + i] = nd[i];
		}
		if (hl >= nl && rnd() % 4 == 0) { /* at the last aligned position that fits */
			size_t at = (hl - nl) / al * al;
			memcpy(hay + at, nd, nl);
		}
		int64_t want = oracle_find(hay, hl, nd, nl, al), got = find_bytes(hay, hl, nd, nl, al);
		if (want != got)
			ok = false;
		hits += want >= 0;
		runs++;
	}
	CHECK(ok, "%s find_bytes: %zu searches (%zu found) at any position and 4/8/16-byte alignment give the oracle's first (aligned) match",
	      variant, runs, hits);
}

static void check_utf8(void)
{
	struct goabi_arena *ar = arena_new();
	bool ok = true;
	for (int round = 0; round < 2000; round++) {
		char in[200], want[700];
		size_t n = rnd() % 190, w = 0;
		for (size_t i = 0; i < n;) {
			uint32_t r = rnd() % 40;
			if (r == 0) { /* NUL */
				in[i++] = 0;
				memcpy(want + w, "\xef\xbf\xbd", 3);
				w += 3;
			} else if (r == 1 && i + 2 <= n) { /* U+00E9 */
				in[i++] = (char)0xc3;
				in[i++] = (char)0xa9;
				memcpy(want + w, "\xc3\xa9", 2);
				w += 2;
			} else if (r == 2) { /* a stray continuation byte */
				in[i++] = (char)0x80;
				memcpy(want + w, "\xef\xbf\xbd", 3);
				w += 3;
			} else {
				char c = (char)(0x20 + rnd() % 0x5f);
				in[i++] = c;
				want[w++] = c;
			}
		}
		char *got = utf8_sanitize(ar, in, n);
		if (!got || strlen(got) != w || memcmp(got, want, w) != 0)
			ok = false;
	}
	CHECK(ok, "utf8_sanitize: ASCII kept, NUL and stray bytes U+FFFD, UTF-8 kept (2000 strings, 8-byte ASCII steps)");
	arena_free(ar);
}
