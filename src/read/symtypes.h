/* The symbol table model of one ELF object as a linker sees it (filled by
 * symtab_read, read/symtab.h): plain data, no libelf, so that the checks
 * read it through the shared loader (facts/loader.h) without seeing bytes. */
#ifndef GOABI_SYMTYPES_H
#define GOABI_SYMTYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum st_kind { ST_UNDEF, ST_DEF, ST_COMMON };

struct st_sym {
	const char *name;     /* arena */
	const char *version;  /* shared objects: version name, NULL when none */
	uint8_t bind, type, vis, kind;
	bool comdat;          /* defined in a section of a COMDAT group */
	const char *group;    /* comdat: the group's signature (arena), NULL when unknown */
	bool ver_hidden;      /* non-default version (name@VER): new links cannot bind to it */
	bool reloc_ref;       /* undefined, and a relocation of an allocated section uses it */
	bool ver_ref;         /* shared objects: undefined with a required version (name@VER,
			       * .gnu.version_r); version holds VER */
};

struct st_warning {
	const char *sym, *text; /* from section .gnu.warning.SYM */
};

struct symtab {
	struct st_sym *syms;  /* STB_GLOBAL, STB_WEAK and STB_GNU_UNIQUE symbols only */
	size_t n, cap;
	struct st_warning *warn;
	size_t nwarn, warncap;
	size_t ncomdat;       /* COMDAT groups */
	const char **groups;  /* their signatures (those that could be read) */
	size_t ngroups, groupcap;
	bool dynamic;         /* read from .dynsym (shared object) */
};

#endif
