/* A read-only, bounds-checked view of one ELF object (a file or an archive
 * member) for the fact extractors. Nothing here allocates per byte of input:
 * section and segment bytes are views into the mapping. */
#ifndef GOABI_ELFVIEW_H
#define GOABI_ELFVIEW_H

#include <gelf.h>
#include <libelf.h>
#include "util/util.h"

struct elfview {
	Elf *elf;
	const uint8_t *raw;   /* this object's bytes (elf_rawfile) */
	size_t size;
	/* a split view (ev_init_split): the image libelf reads, which holds
	 * the headers and the symbol and string tables; NULL otherwise */
	const uint8_t *hdr_raw;
	size_t hdr_size;
	GElf_Ehdr eh;
	int ptrsize;          /* 4 or 8, from the ELF class */
	bool be;
	size_t shnum, shstrndx, phnum;
	bool sections_ok;     /* section headers present and readable */
	/* checked against the object's size by ev_init (each with an error
	 * diagnostic naming what is missing): */
	bool phdrs_missing;   /* e_phnum > 0 but the program headers are past the end */
	bool truncated;       /* headers place content past the end of the object */
	/* a separate debug-info file (objcopy --only-keep-debug, eu-strip -f):
	 * code and data sections SHT_NOBITS, the segments' content absent by
	 * design; addresses resolve through the sections left in the file */
	bool debug_only;
	struct goabi_artifact *a;
	const struct goabi_opts *opts;
	const char *arname;   /* enclosing archive path, or NULL */
	/* .symtab [0] and .dynsym [1], decoded once on first use (in the
	 * artifact's arena): every extractor iterates the same arrays */
	struct ev_symcache *symcache[2];
	/* where the Go pclntab is, found once by src/facts/pclntab.c for every
	 * extractor that reads it (opaque here) */
	struct go_pcln_memo *pcln_memo;
	/* PT_DYNAMIC's tags, read on first use (read/dynamic.h) */
	struct ev_dynamic *dynamic;
	/* the sections' names by index, read on ev_section's first use (in
	 * the artifact's arena; NULL entries: unnamed or unreadable) */
	const char **secnames;
	size_t nsecnames;
};

/* Fill ev from an ELF handle. Returns false (with a diagnostic) when the
 * header cannot be read at all. */
bool ev_init(struct elfview *ev, Elf *elf, struct goabi_artifact *a,
	     const struct goabi_opts *opts);

/* A split view: headers, symbol and string tables from elf (a small image
 * built in memory), every other section's and segment's bytes at its
 * offsets in bytes[0..n), read in place. src/facts/foreign.c presents a
 * Mach-O or PE file's sections to the Go readers this way. */
bool ev_init_split(struct elfview *ev, Elf *elf, const uint8_t *bytes, size_t n, struct goabi_artifact *a,
		   const struct goabi_opts *opts);

/* Find a section by exact name; returns NULL when absent. */
Elf_Scn *ev_section(const struct elfview *ev, const char *name, GElf_Shdr *sh);
/* The sections' names by index, read once per object (entry 0 and
 * unreadable names NULL); NULL and *n 0 without section headers. */
const char *const *ev_section_names(const struct elfview *ev, size_t *n);
/* Name of a section (never NULL; "?" when unreadable). */
const char *ev_section_name(const struct elfview *ev, const GElf_Shdr *sh);
/* File bytes of a section (not SHT_NOBITS), bounds-checked against the object. */
bool ev_section_bytes(const struct elfview *ev, const GElf_Shdr *sh,
		      const uint8_t **p, size_t *n);
/* Bytes at a virtual address, at least len of them, from allocated sections
 * or PT_LOAD segments. *avail gets how many bytes follow (may be NULL). */
bool ev_vaddr(const struct elfview *ev, uint64_t vaddr, uint64_t len,
	      const uint8_t **p, uint64_t *avail);
/* Copy a NUL-free string of exactly n bytes at vaddr into the arena. */
const char *ev_vaddr_string(const struct elfview *ev, uint64_t vaddr, uint64_t n);

/* Symbols: calls fn for each named symbol of .symtab (dynamic=false) or
 * .dynsym (dynamic=true), at most GOABI_MAX_SYMBOLS. fn returns false to stop.
 * ndx is the symbol's index in its table (for versym lookups). */
typedef bool (*ev_sym_fn)(void *ctx, const char *name, const GElf_Sym *sym, size_t ndx);
size_t ev_for_each_symbol(const struct elfview *ev, bool dynamic, ev_sym_fn fn, void *ctx);
/* Filtered walks, each one pass that reads no name it leaves out (the
 * string table of a large C++ program is megabytes); a name's key is its
 * first two bytes, and a one-byte prefix stands for every key it starts.
 * fn still sees each name whole and tests the rest. Each returns the
 * number of named symbols, those left out included.
 *   _keys:   the names with the key of one of prefixes[0..n)
 *   _prefix: the same for one prefix
 *   _skip:   every name but those with skip's key (C++'s "_Z": most symbols
 *            of a C++ program, none of Go's) */
size_t ev_for_each_symbol_keys(const struct elfview *ev, bool dynamic, const char *const *prefixes, size_t n,
			       ev_sym_fn fn, void *ctx);
size_t ev_for_each_symbol_prefix(const struct elfview *ev, bool dynamic, const char *prefix, ev_sym_fn fn, void *ctx);
size_t ev_for_each_symbol_skip(const struct elfview *ev, bool dynamic, const char *skip, ev_sym_fn fn, void *ctx);
/* Do the string tables of the symbol tables of one type hold the two bytes
 * pair[0] pair[1] one after the other anywhere (in any name, or between
 * names)? False says no symbol name contains them; true is only a maybe. */
bool ev_symbol_strings_have(const struct elfview *ev, bool dynamic, const char pair[2]);
/* The entries of the symbol tables of one type, the null entries left out;
 * no name is read. */
size_t ev_symbol_count(const struct elfview *ev, bool dynamic);
/* Does ok() accept some place in those string tables where needle starts
 * (at: the place, left: the bytes from it to the table's end)? Like
 * ev_symbol_strings_have, false says no symbol name holds such a match. */
bool ev_symbol_strings_match(const struct elfview *ev, bool dynamic, const char *needle,
			     bool (*ok)(const char *at, size_t left));
/* Give a view (a split one) the symbols of its .symtab instead of a
 * section: n entries, entry 0 unused as in ELF, st_name an offset into
 * str[0..strsz) (each name is checked to end inside it). May be called
 * more than once; the arrays must outlive the view. False when out of
 * memory. */
bool ev_add_symbols(struct elfview *ev, const GElf_Sym *syms, size_t n, const char *str, size_t strsz);
/* Whether .dynsym imports name (an undefined entry), reading only the
 * undefined entries' names; false may also mean "not seen" (elfview.c). */
bool ev_dynsym_imports(const struct elfview *ev, const char *name);
/* Look up one symbol by name in .symtab then .dynsym. */
bool ev_find_symbol(const struct elfview *ev, const char *name, GElf_Sym *out);

/* Entry i of the data of a SHT_REL or SHT_RELA section (type) as a
 * GElf_Rela, r_addend 0 for SHT_REL. libelf hands out r_info in the 64-bit
 * layout for both ELF classes, so GELF_R_SYM and GELF_R_TYPE are right for
 * 32-bit objects too (ELF32_R_SYM of it is not). */
bool ev_reloc(Elf_Data *d, Elf64_Word type, size_t i, GElf_Rela *out);

/* Iterate the loadable segments. */
bool ev_phdr(const struct elfview *ev, size_t i, GElf_Phdr *ph);

#endif
