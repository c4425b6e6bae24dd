/* The full global symbol table of one ELF object, as a linker sees it:
 * binding, type, visibility, undefined/common/defined, COMDAT membership,
 * symbol versions of shared libraries (.gnu.version + .gnu.version_d),
 * which undefined symbols a relocation actually uses, and the
 * .gnu.warning.SYM sections GNU ld prints when SYM is linked in. */
#ifndef GOABI_SYMTAB_H
#define GOABI_SYMTAB_H

#include "read/elfview.h"

#include "read/symtypes.h"

/* Read ev's symbols into out (zero it first); strings go to ar. Relocatable
 * objects and executables use .symtab, shared objects .dynsym. Problems are
 * diagnostics on ev->a. Returns false when no symbol table could be read. */
bool symtab_read(const struct elfview *ev, struct goabi_arena *ar, struct symtab *out);

#endif
