/* Prototypes of //export functions from the DWARF of _cgo_export.c (libdwarf).
 * Placeholder until the libdwarf reader lands: reports whether DWARF exists. */
#include "facts/facts.h"

void cabi_dwarf_prototypes(struct elfview *ev);
void cabi_dwarf_prototypes(struct elfview *ev)
{
	GElf_Shdr sh;
	ev->a->cabi.dwarf = ev_section(ev, ".debug_info", &sh) != NULL;
}
