/* A cheap test for opts.loader_only: does the object show Go evidence
 * without reading symbols or scanning data? Section names written by gc
 * (.go.buildinfo and .note.go.buildid in every build mode, -s -w included)
 * or gccgo (.go_export in objects), or DT_NEEDED libgo.so. Without section
 * headers nothing can be ruled out cheaply, so the answer is yes. */
#include <string.h>
#include "facts/facts.h"

/* Sections only Go toolchains write (gc: build info, build ID note,
 * pclntab, Go 1.26's module data and Go 1.27's type and func sections;
 * gccgo: export data, the last two). */
static const char *const go_names[] = {
	".go.buildinfo", ".note.go.buildid", ".gopclntab", ".data.rel.ro.gopclntab", ".go.pclntab", ".gosymtab",
	".go.module", ".go.type", ".go.func", ".go_export", ".go.export",
};
#define NGCCGO 2

static bool sections_named(const struct elfview *ev, size_t nnames)
{
	size_t n;
	const char *const *names = ev_section_names(ev, &n);
	for (size_t i = 1; names && i < n; i++) {
		const char *nm = names[i];
		/* every name above starts ".go", or is one of the other two */
		if (!nm || (strncmp(nm, ".go", 3) != 0 && strcmp(nm, ".note.go.buildid") != 0 &&
			    strcmp(nm, ".data.rel.ro.gopclntab") != 0))
			continue;
		for (size_t k = 0; k < nnames; k++)
			if (strcmp(nm, go_names[k]) == 0)
				return true;
	}
	return false;
}

bool go_sections_present(const struct elfview *ev)
{
	return ev->sections_ok && sections_named(ev, sizeof(go_names) / sizeof(go_names[0]));
}

bool gc_sections_present(const struct elfview *ev)
{
	return !ev->sections_ok || sections_named(ev, sizeof(go_names) / sizeof(go_names[0]) - NGCCGO);
}

bool facts_go_evident(struct elfview *ev)
{
	if (!ev->sections_ok)
		return true;
	for (size_t i = 0; i < ev->a->libc.needed.n; i++)
		if (strncmp(ev->a->libc.needed.v[i], "libgo.so", 8) == 0)
			return true;
	return go_sections_present(ev);
}
