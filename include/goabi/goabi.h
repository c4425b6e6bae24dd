/* goabi — read ELF files and ar archives and extract the facts that decide
 * Go/C ABI compatibility. Public API.
 *
 * Ownership: every string and array reachable from a struct goabi_artifact
 * lives in the artifact's arena and is freed by goabi_artifact_free(). None
 * of it points into libelf memory or into the mapped file.
 *
 * The library never prints and never exits: functions return 0 or a negative
 * goabi_err value, and problems with the input are recorded as diagnostics
 * on the artifact (struct goabi_diag), next to whatever could still be read.
 */
#ifndef GOABI_GOABI_H
#define GOABI_GOABI_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GOABI_VERSION "0.1.0"
/* Bumped when a JSON field changes meaning or disappears (docs/json-schema.md). */
#define GOABI_JSON_SCHEMA 2

enum goabi_err {
	GOABI_OK = 0,
	GOABI_ENOMEM = -1,
	GOABI_EIO = -2,      /* cannot open/stat/map the file */
	GOABI_EFORMAT = -3,  /* neither ELF nor ar, or unreadable headers */
	GOABI_ELIMIT = -4,   /* a documented limit was hit */
};

/* Limits: every count and size read from a file is capped (docs/limits.md). */
#define GOABI_MAX_MEMBERS      100000u  /* archive members per archive */
#define GOABI_MAX_NESTING      4u       /* nested archives */
#define GOABI_MAX_SYMBOLS      (1u << 24) /* symbols read per table */
#define GOABI_MAX_LIST         100000u  /* entries of any reported list */
#define GOABI_MAX_STRING       (1u << 20) /* one string read from a file */
#define GOABI_MAX_MODULES      100000u  /* build-info dependency lines */
#define GOABI_MAX_MODINFO      (64u << 20) /* build-info module text, bytes */
#define GOABI_MAX_FUNCS        (1u << 24) /* pclntab functions */
#define GOABI_MAX_THIN_BYTES   (1ull << 32) /* bytes read through thin-archive members */

enum goabi_conf {
	GOABI_UNKNOWN = 0,  /* could not be determined */
	GOABI_INFERRED,     /* derived by a heuristic from indirect evidence */
	GOABI_KNOWN,        /* read from a field whose meaning is defined */
};

/* One fact: a value, where it came from, and how sure we are. */
struct goabi_fact {
	const char *value;     /* NULL when unknown */
	const char *evidence;  /* section, symbol, note or heuristic; NULL if none */
	enum goabi_conf conf;
};

/* A growable array of strings in the artifact's arena. */
struct goabi_strv {
	const char **v;
	size_t n, cap;
	void *index; /* internal: hash index kept by strv_push_unique */
};

enum goabi_severity { GOABI_DIAG_WARNING, GOABI_DIAG_ERROR };

struct goabi_diag {
	enum goabi_severity severity;
	const char *message;  /* lower case, no full stop, names what is wrong */
};

struct goabi_arena;

/* ---- 1. ELF identity ---------------------------------------------------- */
struct goabi_elfid {
	int elfclass;          /* 32 or 64; 0 if unknown */
	bool big_endian;
	unsigned machine;      /* e_machine */
	const char *machine_name;
	unsigned osabi;
	const char *osabi_name;
	unsigned type;         /* e_type */
	const char *type_name; /* "EXEC", "DYN", "REL", "CORE" ... */
	bool pie;              /* ET_DYN with PT_INTERP or DF_1_PIE */
	uint32_t flags;        /* e_flags */
	struct goabi_strv flag_notes; /* decoded ABI-relevant e_flags */
	bool has_sections;     /* section headers usable */
	bool debug_file;       /* a separate debug file (objcopy --only-keep-debug):
				* code and data SHT_NOBITS, segments without bytes */
	size_t nsections, nsegments;
	const char *build_id;  /* hex of NT_GNU_BUILD_ID */
};

/* ---- 2-5. Go ------------------------------------------------------------- */
struct goabi_module {
	const char *path, *version, *sum;
	const char *repl_path, *repl_version, *repl_sum; /* NULL when not replaced */
};

struct goabi_setting {
	const char *key, *value;
};

struct goabi_go {
	struct goabi_fact toolchain;  /* "gc", "gccgo", or "none" (not Go) */
	struct goabi_fact version;    /* "go1.19.8" (exact) */
	struct goabi_fact version_range; /* from pclntab magic, e.g. "go1.18-go1.19" */
	const char *buildinfo_where;  /* section/segment and offset of build info */
	bool has_modinfo;
	const char *main_path;        /* "path" line */
	struct goabi_module main;     /* "mod" line, path NULL if absent */
	struct goabi_module *deps;
	size_t ndeps, depcap;
	struct goabi_setting *settings;
	size_t nsettings, setcap;

	/* pclntab */
	const char *pclntab_where;
	uint32_t pclntab_magic;       /* 0 when not found */
	uint64_t nfunc;

	/* 3. runtime symbol scheme */
	struct goabi_fact scheme;     /* "dot", "colon", "mixed" */
	struct goabi_strv eq_funcs;   /* type..eq.X / type:.eq.X */
	struct goabi_strv hash_funcs; /* type..hash.X / type:.hash.X */
	size_t nitabs;                /* go.itab. / go:itab. symbols */

	/* 4. type-hash scheme */
	struct goabi_fact typehash;   /* "md5", "notsha256", "sha256[8:12]", "sha256^0xff" */

	/* 5. cgo and build mode */
	struct goabi_fact cgo;        /* "1": cgo code linked (runtime/cgo, cgo's C
				       * wrappers), "0": none, whatever the setting */
	struct goabi_fact cgo_setting;/* build setting CGO_ENABLED ("1"/"0"), NULL when not recorded */
	struct goabi_strv cgo_evidence;
	struct goabi_fact buildmode;  /* exe, pie, c-archive, c-shared, shared, plugin */

	struct goabi_strv conflicts;  /* contradictions between facts */
};

/* ---- 6. libc ------------------------------------------------------------- */
struct goabi_verneed {
	const char *file;             /* library named in .gnu.version_r */
	struct goabi_strv versions;   /* "GLIBC_2.34" ... */
	struct goabi_strv weak;       /* those of them marked VER_FLG_WEAK (the
				       * loader does not fail when one is absent) */
	struct goabi_strv symbols;    /* "sym@VERSION" using a version (dynsym + versym) */
};

struct goabi_libc {
	struct goabi_fact linkage;    /* "static", "static-pie", "dynamic", "relocatable" */
	const char *interp;           /* PT_INTERP, NULL if none */
	struct goabi_strv needed;     /* DT_NEEDED */
	const char *soname, *rpath, *runpath;
	struct goabi_fact family;     /* "glibc", "musl", "none", "unknown" */
	struct goabi_verneed *verneed;
	size_t nverneed, vncap;
	struct goabi_strv verdef;     /* versions this object defines (.gnu.version_d
				       * via DT_VERDEF), the base entry (its soname) left out */
	struct goabi_fact glibc_floor;   /* "GLIBC_2.34"; evidence lists symbols */
	struct goabi_fact glibcxx_floor;
	struct goabi_fact cxxabi_floor;
	struct goabi_fact hash_style;    /* "sysv", "gnu", "both", "none" */
	struct goabi_strv undef_libc;    /* ET_REL/archives: undefined symbols glibc or musl exports */
	struct goabi_strv def_libc;      /* ET_REL: defined globals named like a libc symbol */
};

/* ---- 7. exported C ABI --------------------------------------------------- */
struct goabi_export {
	const char *name;       /* C symbol name of the //export function */
	const char *prototype;  /* C prototype from DWARF, NULL if no debug info */
	const char *layout;     /* struct/union layouts the prototype reaches, from
				 * DWARF: "struct point{int x@0;int y@4}8; ..."; NULL if none */
	const char *evidence;
};

/* A symbol a shared object defines in .dynsym, or a non-Go relocatable
 * object in .symtab (what its users bind to). */
struct goabi_dynsym {
	const char *name;
	const char *version;    /* defined version (.gnu.version_d), NULL if none */
	const char *type;       /* "FUNC", "OBJECT", "TLS", "IFUNC", "NOTYPE", "COMMON" */
	uint64_t size;
	bool weak;
	bool default_version;   /* name@@VERSION (false for name@VERSION) */
};

struct goabi_cabi {
	struct goabi_export *exports;
	size_t nexports, cap;
	bool dwarf;             /* debug info present */
	/* ET_DYN: defined global/weak .dynsym symbols; ET_REL objects that are
	 * not Go: defined global/weak .symtab symbols. At most GOABI_MAX_LIST. */
	struct goabi_dynsym *dynsyms;
	size_t ndynsyms, dyncap;
};

/* ---- ISA level (docs/isa.md) --------------------------------------------- */
/* One instruction-set extension found by disassembly. */
struct goabi_isa_ext {
	const char *name;        /* "AVX2", "POPCNT", "LSE" ... */
	const char *level;       /* level it belongs to ("x86-64-v3"), NULL if none */
	size_t nrequired;        /* functions using it that run without a CPU-feature
				  * test: reached from an entry by direct calls */
	size_t nguarded;         /* functions using it behind a guard */
	struct goabi_strv required_by; /* their names (opts.isa_detail only) */
	struct goabi_strv guarded_in;
	size_t nunproven;        /* no guard found, but not proven to run unguarded */
	struct goabi_strv unproven_in;
};

struct goabi_isa {
	struct goabi_fact declared;  /* GOAMD64/GOARM/GO386/note, e.g. "x86-64-v3" */
	struct goabi_fact required;  /* from disassembly (unguarded code) */
	struct goabi_fact used;      /* from disassembly (anywhere) */
	struct goabi_strv extensions;/* extensions used */
	struct goabi_strv detail;    /* "ext: func, func" lines (--isa-detail) */
	uint32_t note_isa_needed, note_isa_used, note_features;
	bool has_note_isa;
	/* disassembly scan (opts.isa) */
	bool scanned;                /* the scan ran */
	struct goabi_isa_ext *exts;  /* per extension, in level order */
	size_t nexts;
	struct goabi_strv guards;    /* CPU-feature variables recognised, with evidence */
	struct goabi_strv conflicts; /* declared level contradicted by the code */
	const char *functions_from;  /* ".symtab", "pclntab", ... */
	uint64_t text_bytes;         /* bytes of code disassembled */
	uint64_t nfuncs;             /* functions (and gaps) the code was split into */
};

/* GOOBJ: Go's own object format (cmd/internal/goobj), e.g. the members of a
 * -buildmode=archive package archive: Go facts only, no ELF identity. */
enum goabi_kind { GOABI_KIND_ELF, GOABI_KIND_AR, GOABI_KIND_OTHER, GOABI_KIND_GOOBJ,
		  GOABI_KIND_MACHO, GOABI_KIND_PE };

/* ---- Mach-O and PE: target OS and its floor (issue 23, docs/macho-pe.md) -- */
/* A Mach-O universal (fat) file is GOABI_KIND_MACHO with one member per
 * architecture slice; a thin Mach-O or a PE image has no members. */
struct goabi_dylib {
	const char *name;          /* LC_LOAD_DYLIB path, or PE DLL name */
	const char *compat;        /* Mach-O compatibility version "1.0.0", NULL for PE */
	bool weak;                 /* LC_LOAD_WEAK_DYLIB */
	struct goabi_strv imports; /* PE: functions imported from it ("#12" for an ordinal) */
};

struct goabi_os {
	struct goabi_fact name;    /* "linux", "darwin", "windows" (GOOS spelling) */
	struct goabi_fact floor;   /* "macos 12.0", "windows 10", "linux 3.2": the higher of the
				    * binary's own minimum and the Go toolchain's */
	struct goabi_fact binary_min;    /* Mach-O minos / PE subsystem version */
	struct goabi_fact toolchain_min; /* from the Go version (docs/macho-pe.md table) */
	/* Mach-O */
	const char *platform;      /* LC_BUILD_VERSION platform ("macos", "ios"...) */
	const char *sdk;           /* LC_BUILD_VERSION / LC_VERSION_MIN_* sdk */
	const char *filetype;      /* "MH_EXECUTE", "MH_DYLIB"...; PE: "exe", "dll" */
	struct goabi_dylib *dylibs;/* LC_LOAD_*DYLIB or PE import directory, in order */
	size_t ndylibs, dylibcap;
	struct goabi_strv rpaths;  /* LC_RPATH */
	struct goabi_fact signature; /* "ad-hoc"/"present"/"none": LC_CODE_SIGNATURE or
				      * the PE certificate table (Authenticode) */
	/* PE */
	const char *subsystem;     /* "console", "gui" ... */
	const char *subsystem_version, *os_version; /* "6.1" */
	const char *pe_magic;      /* "PE32", "PE32+" */
	struct goabi_fact crt;     /* PE: the C runtime the imports name: "msvcrt" (msvcrt.dll,
				    * mingw's default), "ucrt" (api-ms-win-crt-*.dll or
				    * ucrtbase.dll, Windows 10's; 7/8.1 need KB2999226),
				    * "msvcrNNN" (msvcr100.dll ...: that Visual C++
				    * redistributable), "mixed" (two of them in one process:
				    * memory and FILE* must not cross), "none" (a pure-Go
				    * program imports no C runtime) */
};
/* ---- name-service lookups (src/facts/gonss.c, docs/image.md) ------------- */
/* Which user/group and host lookups a program contains and who answers
 * them: Go's own code (reads /etc/passwd, /etc/group, /etc/hosts and DNS,
 * never an NSS module) or the C library's NSS (getpwnam_r, getaddrinfo...). */
struct goabi_nss {
	struct goabi_fact go_user;     /* "pure": os/user's own /etc/passwd and /etc/group
					* reader (CGO_ENABLED=0 or -tags osusergo); "cgo":
					* os/user calls the C library; NULL: no os/user lookup */
	struct goabi_fact go_resolver; /* "pure": only Go's resolver (files and DNS;
					* CGO_ENABLED=0 or -tags netgo); "cgo": Go's resolver
					* and getaddrinfo, chosen per nsswitch.conf; NULL: none */
	struct goabi_strv go_databases;/* databases Go's own code looks up: "passwd", "group", "hosts" */
	struct goabi_strv databases;   /* databases looked up through the C library's NSS */
	struct goabi_strv calls;       /* those C functions: "getpwnam_r", "getaddrinfo" */
	bool static_glibc;             /* statically linked glibc NSS: dlopens libnss_NAME.so.2
					* (and the image's libc.so.6) at run time */
	bool builtin_files_dns;        /* static glibc >= 2.34: files and dns are built in */
};


/* ---- typed facts (src/facts/typed.c) ------------------------------------- */
/* The closed value sets of the facts that checks compare, as enumerations
 * beside their display strings (struct goabi_fact.value stays the text and
 * JSON value). The extractors set both at once (fact_set_typed), so a
 * typed value always names the same thing as its string; 0 (..._UNSET) is
 * "value NULL: not determined". goabi_*_name() gives the display string,
 * goabi_*_parse() the enumerator of one (the one table per family). */
enum goabi_toolchain { GOABI_TC_UNSET = 0, GOABI_TC_NONE, GOABI_TC_GC, GOABI_TC_GCCGO };
enum goabi_libc_family {
	GOABI_LIBC_UNSET = 0, GOABI_LIBC_NONE, GOABI_LIBC_GLIBC, GOABI_LIBC_MUSL,
	GOABI_LIBC_UNKNOWN, /* "unknown": dynamic, but no libc named, or none recognised */
};
enum goabi_linkage {
	GOABI_LINK_UNSET = 0, GOABI_LINK_STATIC, GOABI_LINK_STATIC_PIE, GOABI_LINK_DYNAMIC,
	GOABI_LINK_RELOCATABLE,
};
/* go.cgo ("1"/"0") and go.cgo_setting (CGO_ENABLED's value: OTHER for a
 * value that is neither "1" nor "0") */
enum goabi_cgo { GOABI_CGO_UNSET = 0, GOABI_CGO_OFF, GOABI_CGO_ON, GOABI_CGO_OTHER };
enum goabi_buildmode {
	GOABI_BM_UNSET = 0, GOABI_BM_EXE, GOABI_BM_PIE, GOABI_BM_C_ARCHIVE, GOABI_BM_C_SHARED,
	GOABI_BM_SHARED, GOABI_BM_PLUGIN, GOABI_BM_ARCHIVE, GOABI_BM_OBJECT,
	GOABI_BM_OTHER, /* a -buildmode value goabi does not name */
};
/* ISA level families (goabi_isa_rank): levels compare within one family */
enum goabi_isa_family {
	GOABI_ISA_UNSET = 0, GOABI_ISA_X86_64, GOABI_ISA_386, GOABI_ISA_ARM64, GOABI_ISA_ARM,
	GOABI_ISA_RISCV64, GOABI_ISA_PPC64, GOABI_ISA_MIPS, GOABI_ISA_MIPS64,
	GOABI_ISA_OTHER, /* a value that is not a level name goabi knows */
};
struct goabi_isa_level {
	enum goabi_isa_family family;
	int level; /* goabi_isa_rank's order within the family; -1 when family is UNSET/OTHER */
};
struct goabi_typed {
	enum goabi_toolchain toolchain;    /* go.toolchain */
	enum goabi_cgo cgo, cgo_setting;   /* go.cgo, go.cgo_setting */
	enum goabi_buildmode buildmode;    /* go.buildmode */
	enum goabi_libc_family libc;       /* libc.family */
	enum goabi_linkage linkage;        /* libc.linkage */
	struct goabi_isa_level isa_declared, isa_required, isa_used; /* isa.* */
};
const char *goabi_toolchain_name(enum goabi_toolchain t);
enum goabi_toolchain goabi_toolchain_parse(const char *s);
const char *goabi_libc_family_name(enum goabi_libc_family f);
enum goabi_libc_family goabi_libc_family_parse(const char *s);
const char *goabi_linkage_name(enum goabi_linkage l);
enum goabi_linkage goabi_linkage_parse(const char *s);
const char *goabi_cgo_name(enum goabi_cgo c);
enum goabi_cgo goabi_cgo_parse(const char *s);
const char *goabi_buildmode_name(enum goabi_buildmode b);
enum goabi_buildmode goabi_buildmode_parse(const char *s);
const char *goabi_isa_family_name(enum goabi_isa_family f);
struct goabi_isa_level goabi_isa_level_parse(const char *s);

struct goabi_artifact {
	struct goabi_arena *arena;
	const char *path;         /* file path as given */
	const char *member;       /* archive member name, NULL for a file */
	enum goabi_kind kind;
	uint64_t size;

	struct goabi_elfid id;
	/* Go objects (-buildmode=archive members) and their archives: the
	 * machine their GOARCH compiles for, named as id.machine_name names an
	 * ELF machine ("x86_64", "aarch64"); unset for ELF files (see id) */
	struct goabi_fact machine;
	struct goabi_go go;
	struct goabi_libc libc;
	struct goabi_cabi cabi;
	struct goabi_isa isa;
	struct goabi_nss nss;
	struct goabi_typed typed; /* the facts above that checks compare, typed */
	struct goabi_os os;       /* Mach-O, PE (issue 23); ELF: name and the kernel floor only */

	struct goabi_diag *diags;
	size_t ndiags, diagcap;

	/* archives: one artifact per member, in order */
	struct goabi_artifact **members;
	size_t nmembers, memcap;
	/* inspect --brief (goabi_opts.brief): members folded into the roll-up
	 * and freed as they were read (plain ELF objects), not in members[];
	 * the archive has nmembers + nfolded members */
	size_t nfolded;
	bool thin;                /* GNU thin archive */
	size_t nsymidx;           /* archive symbol index entries */
};

/* Options for goabi_inspect_*. Zero-initialise, then set. */
struct goabi_opts {
	bool isa;          /* run the capstone ISA scan */
	bool isa_detail;   /* keep per-function detail */
	bool no_dwarf;     /* skip DWARF prototypes */
	bool loader_only;  /* read only what the dynamic loader needs: ELF identity,
			    * PT_INTERP, the dynamic section, version needs and
			    * definitions, libc family, declared ISA level (notes);
			    * skip the exported C ABI (symbols, DWARF) and the Go
			    * facts, unless the object shows Go evidence cheaply (Go
			    * section names, DT_NEEDED libgo, or no section headers):
			    * then the Go facts are read too. Otherwise go.toolchain
			    * stays unknown (NULL), not "none"; verneed[].symbols
			    * stay empty (the floors keep their values, without
			    * the symbol list in their evidence). */
	bool brief;        /* only what inspect --brief prints: skip the
			    * exported C ABI, NSS, the ELF OS facts, the Go
			    * type hash and the sym@VERSION lists (the floors
			    * keep their values) */
};

/* Open and inspect a file (ELF or ar). *out is set even when the input is
 * malformed (diagnostics say what is wrong), except on GOABI_ENOMEM.
 * Returns 0, or a negative goabi_err when the file could not be read at all. */
int goabi_inspect_path(const char *path, const struct goabi_opts *opts,
		       struct goabi_artifact **out);

/* Inspect a caller-owned buffer (the fuzzers' entry point). The buffer must
 * stay valid until the call returns; nothing keeps pointing into it. The
 * file system is never touched: members of a thin archive in the buffer are
 * reported unread. */
int goabi_inspect_buffer(const char *name, const void *buf, size_t len,
			 const struct goabi_opts *opts,
			 struct goabi_artifact **out);

/* Like goabi_inspect_buffer, without its copy: buf is a private writable
 * mapping (mmap MAP_PRIVATE, PROT_READ | PROT_WRITE) that the library may
 * modify (libelf converts foreign byte order in place); pages it only reads
 * are never copied. Nothing keeps pointing into it after the call. */
int goabi_inspect_private(const char *name, void *buf, size_t len,
			  const struct goabi_opts *opts,
			  struct goabi_artifact **out);

void goabi_artifact_free(struct goabi_artifact *a);

/* True when the artifact or one of its members carries an error diagnostic. */
bool goabi_artifact_has_errors(const struct goabi_artifact *a);
/* The artifact whose diagnostics name the first problem: a itself when it has
 * diagnostics, else the first member (recursively) with an error; NULL if none. */
const struct goabi_artifact *goabi_artifact_first_error(const struct goabi_artifact *a);

/* True when the artifact is Go: its toolchain is known and not "none". */
bool goabi_go_is_go(const struct goabi_go *go);
/* The value of build setting key ("CGO_ENABLED", "-trimpath",
 * "vcs.modified", "GOAMD64"), NULL when the build info has none. */
const char *goabi_go_setting(const struct goabi_go *go, const char *key);

/* The x86-64 psABI level of an ISA fact's value: "x86-64-v3" -> 3 (1..4);
 * 0 when the value is not an x86-64 level (NULL, "386-sse2", "arm64-v8.1"). */
int goabi_x86_level(const char *isa);
/* The order of an ISA level name within its family, for every family goabi
 * names: x86-64-vN -> N; 386-softfloat 0, 386-sse2 1; armvN -> N;
 * arm64-vX.Y -> 100X+Y; riscv64-rvaNNu64 -> NN; ppc64-powerN -> N;
 * mips[64]-softfloat 0, -hardfloat 1 (",option" suffixes ignored). -1 when
 * isa is not a level name; *family_len (may be NULL) gets the length of the
 * family ("x86-64", "386", "arm64", "armv", "riscv64", "ppc64", "mips",
 * "mips64"): two levels compare only within one family. */
int goabi_isa_rank(const char *isa, size_t *family_len);

const char *goabi_conf_name(enum goabi_conf c);
const char *goabi_strerror(int err);

#ifdef __cplusplus
}
#endif
#endif
