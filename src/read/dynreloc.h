/* One ELF file opened as an elfview for a check, and its dynamic
 * relocations as (offset, addend, symbol name) records: the checks read no
 * ELF bytes themselves (the plugin check's pkghashes are relocation
 * targets, src/check/plugin_read.c). */
#ifndef GOABI_READ_DYNRELOC_H
#define GOABI_READ_DYNRELOC_H

#include <stdbool.h>
#include <stdint.h>
#include "read/elfview.h"
#include "read/mapfile.h"

/* A file mapped and opened as an elfview (ev valid when rd_elf_open
 * returns true). Strings the view copies go to ar; diagnostics are
 * dropped (the file's facts come from goabi_inspect_path). */
struct rd_elf {
	struct rd_map map;
	Elf *elf;
	struct goabi_artifact scratch;
	struct elfview ev;
};
/* False when the file cannot be mapped or is not an ELF object; release
 * with rd_elf_close in every case. */
bool rd_elf_open(struct rd_elf *f, struct goabi_arena *ar, const char *path);
/* The same over bytes mapped already (f->map stays empty: rd_elf_close
 * leaves buf alone). f zeroed by the caller. */
bool rd_elf_open_mem(struct rd_elf *f, struct goabi_arena *ar, const char *path, void *buf, size_t len);
void rd_elf_close(struct rd_elf *f);

/* One entry of a SHT_REL/SHT_RELA section whose symbol table is .dynsym. */
struct ev_dynreloc {
	uint64_t offset;  /* r_offset: the address the loader writes */
	int64_t addend;   /* r_addend (0 for SHT_REL) */
	const char *sym;  /* the symbol's name (libelf memory, valid until the
			   * file is closed); NULL for symbol index 0 (relative) */
};

/* Every dynamic relocation in section order, at most GOABI_MAX_SYMBOLS;
 * the array is allocated in ar. Returns the count (0 when none or when the
 * section headers are unreadable). */
size_t ev_dynrelocs(const struct elfview *ev, struct goabi_arena *ar, struct ev_dynreloc **out);

/* The pointer-sized word at vaddr in the file's byte order; false when
 * vaddr is not backed by file bytes. */
bool ev_read_ptr(const struct elfview *ev, uint64_t vaddr, uint64_t *out);

#endif
