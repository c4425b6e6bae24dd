/* Text helpers: UTF-8 sanitising for hostile names, version comparison. */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "util/util.h"

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 if invalid. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t len;
	uint32_t cp;
	if (c < 0x80)
		return c ? 1 : 0;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

char *utf8_sanitize(struct goabi_arena *ar, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	/* ASCII without NUL (paths, evidence, names: nearly always; utf8_seq
	 * replaces a NUL) is copied as it is: eight bytes at a time to the
	 * first byte that is 0 or has its high bit set */
	size_t a = 0;
	for (uint64_t w; n - a >= 8; a += 8) {
		memcpy(&w, p + a, 8);
		if ((w | ((w - 0x0101010101010101ull) & ~w)) & 0x8080808080808080ull)
			break;
	}
	while (a < n && p[a] && p[a] < 0x80)
		a++;
	if (a == n) {
		char *d = arena_alloc(ar, n + 1);
		if (d && n)
			memcpy(d, s, n);
		return d;
	}
	size_t out = 0, i = 0;
	while (i < n) {
		size_t l = utf8_seq(p + i, n - i);
		if (l) {
			out += l;
			i += l;
		} else {
			out += 3;
			i++;
		}
	}
	char *d = arena_alloc(ar, out + 1);
	if (!d)
		return NULL;
	size_t o = 0;
	for (i = 0; i < n;) {
		size_t l = utf8_seq(p + i, n - i);
		if (l) {
			memcpy(d + o, p + i, l);
			o += l;
			i += l;
		} else {
			memcpy(d + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	d[o] = 0;
	return d;
}

/* Skip to the first digit ("go1.2", "v1.2", "GLIBC_2.34"). */
static const char *ver_start(const char *s)
{
	while (*s && !isdigit((unsigned char)*s))
		s++;
	return s;
}

/* Semantic versions as Go modules use them (golang.org/x/mod/semver):
 * "v1", "v1.2" = v1.0.0, v1.2.0; a pre-release ("-" then dot-separated
 * identifiers: numeric ones compare as numbers and below alphanumeric ones,
 * which compare in ASCII; fewer identifiers sort first) is below its
 * release; "+build" metadata (+incompatible) is ignored. A pseudo-version
 * v1.2.4-0.20230101120000-abcdef123456 is such a pre-release. */
static bool is_semver(const char *s)
{
	return s[0] == 'v' && isdigit((unsigned char)s[1]);
}

static int num_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	while (na > 1 && *a == '0')
		a++, na--;
	while (nb > 1 && *b == '0')
		b++, nb--;
	if (na != nb)
		return na < nb ? -1 : 1;
	int c = memcmp(a, b, na);
	return c < 0 ? -1 : c > 0;
}

static int semver_cmp(const char *a, const char *b)
{
	a++, b++;
	for (int part = 0; part < 3; part++) {
		size_t na = strspn(a, "0123456789"), nb = strspn(b, "0123456789");
		int c = num_cmp(na ? a : "0", na ? na : 1, nb ? b : "0", nb ? nb : 1);
		if (c)
			return c;
		a += na;
		b += nb;
		if (part < 2) {
			if (*a == '.')
				a++;
			if (*b == '.')
				b++;
		}
	}
	bool pa = *a == '-', pb = *b == '-';
	if (!pa || !pb)
		return pa == pb ? 0 : pa ? -1 : 1;
	a++, b++;
	for (;;) {
		size_t la = strcspn(a, ".+"), lb = strcspn(b, ".+");
		bool da = la && strspn(a, "0123456789") == la, db = lb && strspn(b, "0123456789") == lb;
		int c;
		if (da && db)
			c = num_cmp(a, la, b, lb);
		else if (da != db)
			c = da ? -1 : 1;
		else {
			c = memcmp(a, b, la < lb ? la : lb);
			c = c ? (c < 0 ? -1 : 1) : la == lb ? 0 : la < lb ? -1 : 1;
		}
		if (c)
			return c;
		a += la;
		b += lb;
		bool ma = *a == '.', mb = *b == '.';
		if (!ma || !mb)
			return ma == mb ? 0 : ma ? 1 : -1;
		a++, b++;
	}
}

/* Only ".0" components left: "go1.19" is go1.19.0 (Go named its first
 * releases so up to 1.20), "2.17" is 2.17.0. */
static bool zero_tail(const char *p)
{
	while (p[0] == '.' && p[1] == '0') {
		p += 2;
		while (*p == '0')
			p++;
	}
	return !*p || *p == '+' || *p == ' ';
}

int version_cmp(const char *a, const char *b)
{
	if (is_semver(a) && is_semver(b))
		return semver_cmp(a, b);
	a = ver_start(a);
	b = ver_start(b);
	for (;;) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			char *ea, *eb;
			unsigned long long x = strtoull(a, &ea, 10), y = strtoull(b, &eb, 10);
			if (x != y)
				return x < y ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		/* a pre-release ("-rc1", "rc1", "beta1") sorts before the release */
		bool apre = *a == '-' || isalpha((unsigned char)*a), bpre = *b == '-' || isalpha((unsigned char)*b);
		if (!*a || !*b || *a == '+' || *b == '+' || *a == ' ' || *b == ' ') {
			bool aend = !*a || *a == '+' || *a == ' ', bend = !*b || *b == '+' || *b == ' ';
			if ((aend && bend) || (aend && zero_tail(b)) || (bend && zero_tail(a)))
				return 0;
			if (aend)
				return bpre ? 1 : -1;
			return apre ? -1 : 1;
		}
		if (*a != *b) {
			if (apre != bpre) /* "1.21rc2" vs "1.21.0": the pre-release is older */
				return apre ? -1 : 1;
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		}
		a++;
		b++;
	}
}

int go_minor(const char *v)
{
	if (!v)
		return 0;
	const char *p = strstr(v, "go1.");
	if (!p)
		return 0;
	int m = atoi(p + 4);
	return m > 0 && m < 1000 ? 100 + m : 0;
}

bool go_minor_span(const char *v, int *lo, int *hi)
{
	int m = go_minor(v);
	if (!m)
		return false;
	const char *p = strstr(v, "go1.") + 4;
	while (*p >= '0' && *p <= '9')
		p++;
	/* a release is "go1.N", "go1.N.P" (then " X:exp" or "-vendor" after
	 * the patch); anything else right after the minor is a pre-release */
	bool pre = strncmp(v, "devel", 5) == 0 || (*p && *p != '.' && *p != ' ');
	*hi = m;
	*lo = pre && m > 101 ? m - 1 : m;
	return true;
}
