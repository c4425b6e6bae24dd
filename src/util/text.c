/* Text helpers: UTF-8 sanitising for hostile names, version comparison. */
#include <ctype.h>
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

/* Compare "GLIBC_2.34" with "GLIBC_2.4" numerically: 2.34 > 2.4. Non-numeric
 * parts compare as strings. The prefix before the first digit is skipped. */
int version_cmp(const char *a, const char *b)
{
	while (*a && !isdigit((unsigned char)*a))
		a++;
	while (*b && !isdigit((unsigned char)*b))
		b++;
	while (*a || *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			char *ea, *eb;
			unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);
			if (x != y)
				return x < y ? -1 : 1;
			a = ea;
			b = eb;
		} else {
			if (*a != *b)
				return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
			a++;
			b++;
		}
	}
	return 0;
}
