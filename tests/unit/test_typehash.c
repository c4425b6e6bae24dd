/* Unit test for the type-hash era table (src/facts/typehash.c): the table
 * in docs/inspect.md is the one the code makes from its data
 * (go_typehash_doc_table), so adding an era is one row in typehash.c and
 * this test names the docs line to replace. The `int` digests of each era
 * are checked against the values read from real binaries (docs/inspect.md
 * "checked here on": esbuild go1.16, Go 1.19.8 fixtures, lefthook go1.24.3,
 * Go 1.26.8 fixtures), independent of the table. Run from the top of the
 * tree (tests/run.sh does), or with TOP set. */
#include <stdlib.h>
#include "facts/gofacts.h"
#include "unit.h"

int main(void)
{
	char tab[8192];
	size_t need = go_typehash_doc_table(tab, sizeof(tab));
	CHECK(need < sizeof(tab), "era table fits (%zu bytes)", need);
	/* the int digests seen in real binaries, one per era (a hash computed
	 * by hand would be the same code: these were read from files) */
	CHECK(go_typehash_match("int", 0xf75371fa) && strcmp(go_typehash_match("int", 0xf75371fa), "md5") == 0,
	      "int 0xf75371fa is md5 (esbuild go1.16)");
	CHECK(go_typehash_match("int", 0xcb735792) && strcmp(go_typehash_match("int", 0xcb735792), "notsha256") == 0,
	      "int 0xcb735792 is notsha256 (go1.19.8)");
	CHECK(go_typehash_match("int", 0x66db77f9) && strcmp(go_typehash_match("int", 0x66db77f9), "sha256[8:12]") == 0,
	      "int 0x66db77f9 is sha256[8:12] (go1.24.3)");
	CHECK(go_typehash_match("int", 0x348ca892) && strcmp(go_typehash_match("int", 0x348ca892), "sha256^0xff") == 0,
	      "int 0x348ca892 is sha256^0xff (go1.26.8)");

	const char *top = getenv("TOP");
	char path[4096];
	snprintf(path, sizeof(path), "%s/docs/inspect.md", top && *top ? top : ".");
	FILE *f = fopen(path, "r");
	CHECK(f != NULL, "%s opens", path);
	if (!f)
		return UNIT_RESULT();
	static char doc[1 << 20];
	size_t n = fread(doc, 1, sizeof(doc) - 1, f);
	fclose(f);
	doc[n] = 0;
	const char *at = strstr(doc, tab);
	CHECK(at != NULL, "docs/inspect.md holds the era table made from src/facts/typehash.c's eras");
	if (!at) {
		printf("# expected in %s (replace the table under \"Type-hash digest\"):\n", path);
		for (const char *p = tab; *p;) {
			const char *e = strchr(p, '\n');
			printf("# %.*s\n", (int)(e ? e - p : (long)strlen(p)), p);
			p = e ? e + 1 : p + strlen(p);
		}
	}
	return UNIT_RESULT();
}
