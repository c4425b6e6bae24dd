/* The shared loader (issue 21): the inputs of a check opened, mapped and
 * read once. Each path a check names is mapped on its first ldr_load
 * (src/read/mapfile.c) and kept mapped until ldr_free; the same file
 * reached again -- by the same path, or another path to the same device
 * and inode (a library found by the search, a DT_NEEDED name, a linker
 * script's GROUP) -- is the same entry, not read again. The loader reads
 * there what the checks use:
 *   - what the file is: missing, unreadable, empty, ELF, ar archive, or
 *     other (with Mach-O/PE recognised, and the first bytes when they are
 *     text: a linker script);
 *   - for an ELF file and for every ELF member of an archive, in archive
 *     order: the ELF header, the linker's symbol table (read/symtypes.h:
 *     definitions, undefined and common symbols, binding, type,
 *     visibility, versions, COMDAT groups, relocation use, .gnu.warning)
 *     and the x86 GNU properties of relocatable objects;
 *   - for an archive: whether it has a symbol index, whether every member
 *     header is well formed, libelf's complaint;
 *   - on request, its facts (goabi_inspect over the same mapping, once per
 *     file): Go, libc (DT_NEEDED, SONAME, RPATH/RUNPATH, versions), C ABI;
 *     and what the plugin check needs of its dynamic relocations and
 *     symbols (read/goplugin.h).
 * A file in the other byte order is mapped again for each later reading
 * (libelf converts it in place). 
 * Nothing here prints. Strings live in the arena given to ldr_new (or the
 * artifacts' own arenas), valid until ldr_free. */
#ifndef GOABI_FACTS_LOADER_H
#define GOABI_FACTS_LOADER_H

#include "read/goplugin.h"
#include "read/symtypes.h"
#include "util/util.h"

#define LDR_MAX_TEXT 65536u /* bytes of a text file kept (a linker script) */

enum ldr_kind {
	LDR_MISSING,    /* cannot be opened, or not a regular file (err) */
	LDR_UNREADABLE, /* too large, or cannot be mapped (err) */
	LDR_EMPTY,      /* zero bytes */
	LDR_ELF,        /* one ELF object: objs[0] */
	LDR_ARCHIVE,    /* an ar archive: objs are its ELF members, in order */
	LDR_OTHER,      /* none of these (text, Mach-O, PE, Go object, garbage) */
};

enum ldr_foreign { LDR_NOT_FOREIGN, LDR_MACHO_FAT, LDR_MACHO, LDR_PE };

/* One ELF object: the file, or a member of an archive */
struct ldr_obj {
	const char *member;          /* member name, NULL for the file itself */
	bool header_ok;              /* the ELF header could be read (else the rest is 0) */
	unsigned machine, etype;
	int elfclass;                /* 32 or 64 */
	bool big_endian;
	uint32_t eflags;
	bool has_x86_features;       /* .note.gnu.property GNU_PROPERTY_X86_FEATURE_1_AND (ET_REL) */
	uint32_t x86_features;
	uint32_t x86_isa_needed;     /* GNU_PROPERTY_X86_ISA_1_NEEDED */
	bool symbols_ok;             /* a symbol table was read */
	struct symtab st;            /* global symbols (.symtab; .dynsym for shared objects) */
};

struct ldr_file {
	const char *path;            /* as first loaded */
	enum ldr_kind kind;
	const char *err;             /* LDR_MISSING, LDR_UNREADABLE: why, without the path */
	uint64_t size;
	/* the ELF identification of the first bytes (any file starting with
	 * \177ELF and 20 bytes long): what a library search compares */
	unsigned ident_machine;      /* 0 when not ELF */
	int ident_class;             /* 32, 64; 0 when not ELF */
	struct ldr_obj *objs;
	size_t nobjs;
	/* LDR_ARCHIVE */
	size_t nheaders;             /* member headers walked (index, name table, non-ELF members too) */
	bool has_index;              /* libelf found a symbol index */
	bool well_formed;            /* every header complete, every member's data inside the file */
	const char *ar_error;        /* libelf's error after the walk, NULL */
	/* LDR_OTHER */
	enum ldr_foreign foreign;
	const char *text;            /* the first bytes (at most LDR_MAX_TEXT) when none is NUL, else NULL */
	size_t textlen;
	/* errors met reading the objects (truncated tables, bad indexes) */
	struct goabi_strv errors;
};

struct ldr;

enum {
	LDR_SYMBOLS = 1, /* read each object's symbol table (the link check) */
};
/* A loader whose strings go to ar (the caller frees ar after ldr_free);
 * flags: LDR_SYMBOLS or 0 (the ELF header and archive walk only). */
struct ldr *ldr_new(struct goabi_arena *ar, unsigned flags);
/* Unmaps every file and frees the facts handed out. NULL is fine. */
void ldr_free(struct ldr *l);
/* The file at path, loaded on the first call (never NULL unless memory
 * runs out). */
const struct ldr_file *ldr_load(struct ldr *l, const char *path);
/* The file's facts, inspected from its mapping on the first call with
 * opts { no_dwarf } (loader_only: opts { loader_only, no_dwarf } unless
 * the full facts are there already); NULL when the file could not be
 * mapped. Owned by the loader. */
const struct goabi_artifact *ldr_facts(struct ldr *l, const struct ldr_file *f, bool loader_only);
/* The plugin facts of an ELF file (g zeroed; nothing filled when the
 * file is not ELF or could not be mapped), from the loader's mapping. */
void ldr_goplugin(struct ldr *l, const struct ldr_file *f, struct rd_goplugin *g);
/* An e_machine's name as the facts name it ("x86-64", "AArch64"). */
const char *ldr_machine_name(unsigned machine);
/* Files mapped so far (each once). */
size_t ldr_nfiles(const struct ldr *l);

#endif
