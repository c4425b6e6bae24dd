/* A cheap test for opts.loader_only: does the object show Go evidence
 * without reading symbols or scanning data? Section names written by gc
 * (.go.buildinfo and .note.go.buildid in every build mode, -s -w included)
 * or gccgo (.go_export in objects), or DT_NEEDED libgo.so. Without section
 * headers nothing can be ruled out cheaply, so the answer is yes. */
#include <string.h>
#include "facts/facts.h"

/* Sections only Go toolchains write (gc: build info, build ID note,
 * pclntab, Go 1.26's module data and Go 1.27's type and func sections;
 * gccgo: export data). */
bool go_sections_present(const struct elfview *ev)
{
	static const char *const names[] = {
		".go.buildinfo", ".note.go.buildid", ".gopclntab", ".data.rel.ro.gopclntab",
		".go.pclntab", ".gosymtab", ".go_export", ".go.export", ".go.module", ".go.type", ".go.func",
	};
	if (!ev->sections_ok)
		return false;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(ev->elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *n = elf_strptr(ev->elf, ev->shstrndx, sh.sh_name);
		for (size_t k = 0; n && k < sizeof(names) / sizeof(names[0]); k++)
			if (strcmp(n, names[k]) == 0)
				return true;
	}
	return false;
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
