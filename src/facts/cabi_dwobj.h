/* libdwarf over the elfview with only the sections the prototype walk of
 * cabi_dwarf.c reads (cabi_dwobj.c says why). */
#ifndef GOABI_FACTS_CABI_DWOBJ_H
#define GOABI_FACTS_CABI_DWOBJ_H

#include <libdwarf.h>
#include "read/elfview.h"

struct dwobj;

/* DW_DLV_OK: *dbg is open over *out (close with dwarf_object_finish, then
 * dwobj_free). DW_DLV_NO_ENTRY: not for this object (relocatable, no
 * section headers, unusual compression) or no DWARF: use dwarf_elf_init_b.
 * DW_DLV_ERROR: libdwarf refused the sections (*err set). */
int dwobj_init(struct elfview *ev, struct dwobj **out, Dwarf_Debug *dbg, Dwarf_Error *err);
void dwobj_free(struct dwobj *o);

#endif
