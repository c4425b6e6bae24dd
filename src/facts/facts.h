/* Fact extractors: each reads one elfview and fills one part of the
 * artifact model. They never print. */
#ifndef GOABI_FACTS_H
#define GOABI_FACTS_H

#include "read/elfview.h"

void facts_elfid(struct elfview *ev);
void facts_libc(struct elfview *ev);
/* libc family: runs after facts_go (a cgo-less Go binary has no libc). */
void facts_libc_family(struct elfview *ev);
void facts_go(struct elfview *ev);
void facts_cabi(struct elfview *ev);
void facts_isa(struct elfview *ev);
/* Archive: ISA facts of the members rolled up (the highest level wins). */
void facts_isa_rollup(struct goabi_artifact *a);

/* Names for ELF constants (never NULL). */
const char *elf_machine_name(unsigned m);

/* Iterate notes of all SHT_NOTE sections (or PT_NOTE segments when sections
 * are stripped). fn returns false to stop. */
typedef bool (*note_fn)(void *ctx, const char *owner, uint32_t type,
			const uint8_t *desc, size_t descsz, const char *where);
void ev_for_each_note(const struct elfview *ev, note_fn fn, void *ctx);

#endif
