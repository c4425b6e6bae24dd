/* OS floors compared by number (src/util/osfloor.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "util/osfloor.h"

/* Windows version names as src/facts/foreign.c writes them (win_label). */
static const struct {
	const char *name;
	unsigned ma, mi;
} win_names[] = {
	{ "10", 10, 0 }, { "8.1", 6, 3 }, { "8", 6, 2 }, { "7", 6, 1 }, { "vista", 6, 0 },
	{ "xp-x64", 5, 2 }, { "xp", 5, 1 }, { "2000", 5, 0 },
};

static bool two_numbers(const char *v, unsigned *major, unsigned *minor)
{
	if (!isdigit((unsigned char)*v))
		return false;
	char *e;
	unsigned long a = strtoul(v, &e, 10), b = 0;
	if (a > 0xffff)
		return false;
	if (*e == '.') {
		if (!isdigit((unsigned char)e[1]))
			return false;
		b = strtoul(e + 1, &e, 10);
		if (b > 0xffff)
			return false;
		if (*e == '.') { /* a third part: "3.2.0" */
			if (!isdigit((unsigned char)e[1]))
				return false;
			strtoul(e + 1, &e, 10);
		}
	}
	if (*e)
		return false;
	*major = (unsigned)a;
	*minor = (unsigned)b;
	return true;
}

bool osfloor_parse_version(const char *os, const char *v, unsigned *major, unsigned *minor)
{
	if (!os || !v)
		return false;
	if (strcmp(os, "windows") == 0) {
		for (size_t i = 0; i < sizeof(win_names) / sizeof(win_names[0]); i++)
			if (strcmp(v, win_names[i].name) == 0) {
				*major = win_names[i].ma;
				*minor = win_names[i].mi;
				return true;
			}
		if (strncmp(v, "nt", 2) == 0)
			return two_numbers(v + 2, major, minor);
		return false;
	}
	return two_numbers(v, major, minor);
}

bool osfloor_parse(const char *value, char *os, size_t cap, unsigned *major, unsigned *minor)
{
	if (!value || !cap)
		return false;
	const char *sp = strchr(value, ' ');
	if (!sp || sp == value || (size_t)(sp - value) >= cap)
		return false;
	memcpy(os, value, (size_t)(sp - value));
	os[sp - value] = 0;
	return osfloor_parse_version(os, sp + 1, major, minor);
}

/* The third part of a parsed "OS X.Y.Z" value (Linux kernels: "2.6.32"),
 * 0 when there is none. */
static unsigned long third(const char *value)
{
	const char *v = strchr(value, ' ');
	const char *d = v ? strchr(v + 1, '.') : NULL;
	d = d ? strchr(d + 1, '.') : NULL;
	return d ? strtoul(d + 1, NULL, 10) : 0;
}

int osfloor_cmp(const char *a, const char *b, bool *ok)
{
	char oa[32], ob[32];
	unsigned ama, ami, bma, bmi;
	*ok = osfloor_parse(a, oa, sizeof(oa), &ama, &ami) && osfloor_parse(b, ob, sizeof(ob), &bma, &bmi) &&
	      strcmp(oa, ob) == 0;
	if (!*ok)
		return 0;
	if (ama != bma)
		return ama < bma ? -1 : 1;
	if (ami != bmi)
		return ami < bmi ? -1 : 1;
	/* Linux 2.6.18 < 2.6.32; Windows names have no third part */
	unsigned long at = strcmp(oa, "windows") ? third(a) : 0, bt = strcmp(ob, "windows") ? third(b) : 0;
	return at < bt ? -1 : at > bt ? 1 : 0;
}
