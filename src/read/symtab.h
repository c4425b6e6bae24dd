/* The full global symbol table of one ELF object, as a linker sees it:
 * binding, type, visibility, undefined/common/defined, COMDAT membership,
 * symbol versions of shared libraries (.gnu.version + .gnu.version_d),
 * which undefined symbols a relocation actually uses, and the
 * .gnu.warning.SYM sections GNU ld prints when SYM is linked in. */
#ifndef GOABI_SYMTAB_H
#define GOABI_SYMTAB_H

#include "read/elfview.h"

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

/* Read ev's symbols into out (zero it first); strings go to ar. Relocatable
 * objects and executables use .symtab, shared objects .dynsym. Problems are
 * diagnostics on ev->a. Returns false when no symbol table could be read. */
bool symtab_read(const struct elfview *ev, struct goabi_arena *ar, struct symtab *out);

#endif
