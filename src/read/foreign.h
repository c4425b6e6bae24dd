/* Bounded readers for Mach-O (thin and universal) and PE images (issue 23,
 * docs/macho-pe.md). They fill a format-neutral view: sections and segments
 * with file ranges checked against the object's size, the symbol table, and
 * the load commands / directories that decide where the binary runs. Every
 * count is capped and every offset checked; what does not fit becomes an
 * error diagnostic on the artifact, never a read past the end. */
#ifndef GOABI_FOREIGN_H
#define GOABI_FOREIGN_H

#include <gelf.h>
#include "util/util.h"

enum fx_format { FX_MACHO = 1, FX_PE = 2 };

#define FX_MAX_SECTIONS 4096u   /* sections (Mach-O: over all segments) */
#define FX_MAX_CMDS 65536u      /* Mach-O load commands */
#define FX_MAX_SLICES 64u       /* universal-file architectures */
#define FX_MAX_DLLS 4096u       /* PE import descriptors */
#define FX_MAX_IMPORTS 65536u   /* PE imported functions, all DLLs together */

struct fx_section {
	const char *name;       /* native: "__DATA,__go_buildinfo", ".rdata" */
	uint64_t addr, size;    /* virtual address and size in memory */
	uint64_t off, filesz;   /* bytes in the object (filesz 0: none, e.g. bss) */
	bool alloc, write, exec, debug;
};

struct fx_segment {
	const char *name;
	uint64_t addr, memsz, off, filesz;
	bool write, exec;
};

/* A symbol table as the Go readers' symbol walks take it (elfview's
 * ev_add_symbols): ELF symbols, entry 0 unused, st_name an offset into str
 * (Mach-O's leading '_' skipped), st_shndx the 1-based index into the
 * sections (0 undefined or absolute), st_value the virtual address. */
struct fx_symtab {
	const GElf_Sym *syms;
	size_t n;
	const char *str;
	size_t strsz;
};

struct fxview {
	enum fx_format format;
	struct goabi_artifact *a;
	const uint8_t *p;       /* this object's bytes (a universal slice) */
	size_t n;
	bool is64, be;
	unsigned elf_machine;   /* EM_* equivalent of the CPU, 0 unknown */
	const char *machine;    /* "x86_64", "aarch64", "i386", "arm", "ppc" ... */
	bool exec;              /* an executable (MH_EXECUTE, PE without IMAGE_FILE_DLL) */
	struct fx_section *sect;
	size_t nsect, sectcap;
	struct fx_segment *seg;
	size_t nseg, segcap;
	/* the symbol table's place, checked by the header reader; its
	 * symbols are decoded only when asked for (fx_symbols) */
	bool has_symtab;
	uint32_t symoff, nsyms, stroff, strsize;
	struct fx_symtab symtab[2]; /* a PE's long names in its string table, short ones copied */
	size_t nsymtab;
	bool truncated;         /* a header placed content past the end */
	/* Mach-O */
	uint32_t filetype;
	bool has_build_version, has_version_min;
	uint32_t platform, minos, sdk; /* LC_BUILD_VERSION or LC_VERSION_MIN_* */
	const char *min_cmd;    /* the load command minos came from */
	bool code_signature;
	uint32_t cs_off, cs_size;
	bool cs_adhoc;          /* CodeDirectory flags CS_ADHOC (0x2) */
	/* PE */
	uint16_t pe_machine, subsystem, characteristics;
	uint16_t os_major, os_minor, subsys_major, subsys_minor;
	uint64_t image_base;
	bool pe32plus;
	uint32_t cert_off, cert_size; /* certificate table (a file offset) */
	uint16_t cert_type;     /* WIN_CERTIFICATE wCertificateType, 0 none */
};

/* Mach-O universal header at p? (0xcafebabe/0xcafebabf big-endian, with
 * fewer than FX_MAX_SLICES architectures: a Java class file starts with the
 * same magic followed by its version, 45 or more) */
bool fx_is_fat(const uint8_t *p, size_t n);
bool fx_is_macho(const uint8_t *p, size_t n);
bool fx_is_pe(const uint8_t *p, size_t n);

struct fx_slice {
	uint32_t cputype, cpusubtype;
	uint64_t off, size;
	const char *arch;       /* "x86_64", "arm64" ... (arena of the artifact) */
};
/* The slices of a universal file, checked: inside the file, after the
 * header, not overlapping one another. Returns how many are usable (written
 * to out, at most FX_MAX_SLICES); diagnostics on a for the others. */
size_t fx_fat_slices(struct goabi_artifact *a, const uint8_t *p, size_t n, struct fx_slice *out);

/* Parse one thin Mach-O or PE image into v (arrays in a's arena). False
 * with an error diagnostic when the headers cannot be read at all; true
 * otherwise, with diagnostics for the parts that were skipped. */
bool fx_macho_read(struct fxview *v, struct goabi_artifact *a, const uint8_t *p, size_t n);
bool fx_pe_read(struct fxview *v, struct goabi_artifact *a, const uint8_t *p, size_t n);

/* Decode the symbol table of a view read by fx_macho_read / fx_pe_read
 * into v->symtab (arrays in the artifact's arena; the names stay in the
 * object where they are NUL-terminated there). False when out of memory. */
bool fx_symbols(struct fxview *v);
bool fx_pe_symbols(struct fxview *v); /* the PE half of it */

/* Mach-O CPU names for a cputype/cpusubtype ("x86_64", "arm64", "i386"). */
const char *fx_macho_arch(uint32_t cputype, uint32_t cpusubtype);

#endif
