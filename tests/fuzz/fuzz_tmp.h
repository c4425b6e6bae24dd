/* A private temp file for targets whose parser reads a path. */
#ifndef GOABI_FUZZ_TMP_H
#define GOABI_FUZZ_TMP_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline const char *fuzz_tmpdir(void)
{
	static char dir[64];
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/goabi-fuzz-XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	return dir;
}

/* Write p[0..n) to DIR/name; returns the path (static buffer per name slot). */
static inline const char *fuzz_file(int slot, const char *name, const void *p, size_t n)
{
	static char path[4][128];
	snprintf(path[slot], sizeof(path[slot]), "%s/%s", fuzz_tmpdir(), name);
	FILE *f = fopen(path[slot], "wb");
	if (!f)
		abort();
	if (n)
		fwrite(p, 1, n, f);
	fclose(f);
	return path[slot];
}
#endif
