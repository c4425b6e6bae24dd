/* goabi link: predict whether a set of objects, archives and libraries will
 * link with GNU ld, and why not. Private to src/check/link*.c (and the
 * link unit and fuzz tests); the public entry point is goabi_link_check
 * (include/goabi/checks.h), which returns the one result model.
 *
 *   lk_parse_*    command line -> struct lk_cmd (link_args.c)
 *   lk_run        search libraries, load symbols, resolve, find problems
 *                 -> struct lk_result (link_resolve.c, link_search.c,
 *                 link_findings.c)
 *   lk_to_result  struct lk_result -> struct goabi_result (link_result.c)
 *
 * Everything lives in one arena per run (lk_result_free). Nothing here
 * prints, and nothing here reads a file: every input, every library the
 * search finds and every DT_NEEDED library is opened, mapped and read once
 * by the shared loader (src/facts/loader.h), which hands out its symbol
 * tables, archive members and facts. */
#ifndef GOABI_CHECK_LINK_INT_H
#define GOABI_CHECK_LINK_INT_H

#include <elf.h>
#include "facts/loader.h"

#define LK_MAX_INPUTS 100000u   /* command-line items after @file expansion */
#define LK_MAX_RESPONSE_DEPTH 8u
#define LK_MAX_SCRIPT 65536u    /* bytes of one linker script */
#define LK_MAX_REFS 8u          /* referencing objects kept per undefined symbol */

enum lk_item_kind {
	LK_I_FILE,       /* a path */
	LK_I_LIB,        /* -lNAME or -l:FILE (arg holds NAME or :FILE) */
	LK_I_WHOLE_ON, LK_I_WHOLE_OFF,
	LK_I_GROUP_START, LK_I_GROUP_END,
	LK_I_ASNEEDED_ON, LK_I_ASNEEDED_OFF,
	LK_I_BSTATIC, LK_I_BDYNAMIC,
	LK_I_PUSH, LK_I_POP,
	LK_I_SOURCE,     /* a source file the driver compiles first (arg: the source) */
};

struct lk_item {
	enum lk_item_kind kind;
	const char *arg;
	bool implicit;   /* added by the compiler driver (crt objects, -lc, libgcc) */
};

enum lk_flavor { LK_GCC, LK_MUSL_GCC, LK_LD };

/* Where the driver's implicit inputs and search path came from */
enum lk_driver_facts {
	LK_DRV_NONE,     /* plain ld: none */
	LK_DRV_ASKED,    /* the driver's own link line (DRIVER -### ARGS) */
	LK_DRV_DEFAULT,  /* the driver was not run (not installed, --no-driver): the documented default (inferred) */
	LK_DRV_UNKNOWN,  /* not installed, and the default's files are not here either (a cross target) */
};

struct lk_cmd {
	struct goabi_arena *ar;
	struct lk_item *items;
	size_t nitems, itemcap;
	struct goabi_strv user_dirs;   /* -L, in order */
	struct goabi_strv sys_dirs;    /* default search path (see link_args.c) */
	struct goabi_strv errors;      /* usage problems (bad @file, ...) */
	struct goabi_strv notes;       /* options understood but not modelled */
	const char *driver;            /* argv[0] of the command, or NULL for FILE... */
	const char *sysroot, *output;
	enum lk_flavor flavor;
	bool is_static, shared, pie, no_pie, nostdlib, nostartfiles, nodefaultlibs, relocatable;
	bool allow_multiple, defs;     /* -z muldefs / --allow-multiple-definition, -z defs */
	const char *gcc_dir;           /* /usr/lib/gcc/TRIPLET/VER (crtbegin*.o, libgcc.a) */
	const char *triplet;
	const char *musl_dir;          /* musl-gcc: the specs' library directory */
	unsigned machine;              /* target e_machine (host, or a cross driver's prefix) */
	bool cross, pthread_flag;
	const char *specs;             /* specs file read (musl-gcc) */
	const char *specs_libgcc, *specs_start, *specs_end;
	bool specs_nostdlib;
	struct goabi_strv undef_syms;  /* -u SYMBOL */
	/* the driver (docs/link.md "Drivers") */
	const char *driver_name;       /* basename of argv[0] as given: "g++", "clang-14" */
	bool cxx, clang;               /* a C++ driver (adds -lstdc++ -lm); clang's defaults */
	bool no_driver;                /* do not run the driver (goabi link --no-driver) */
	enum lk_driver_facts driver_facts;
	const char *driver_why;        /* why the driver was not asked, or what it said */
	const char *linker_prog;       /* the linker the driver runs (collect2, /usr/bin/ld, ld.lld) */
	struct goabi_strv sources;     /* source files on the command line, in order */
	bool asm_source;               /* one of them is assembly (.s, .S): it can define any name */
	bool cur_implicit;             /* while parsing the driver's line: the word is the driver's */
	bool in_driver_line;           /* parsing the driver's link line */
	bool no_link;                  /* -c, -S, -E: the driver does not link (usage error) */
	bool ld_nostdlib;              /* -nostdlib given to ld itself */
};

/* Parse "gcc ARGS..." / "musl-gcc ..." / "ld ..." (argv[0] decides the
 * flavour). Adds the driver's implicit crt objects and libraries. */
void lk_parse_command(struct lk_cmd *c, int argc, char **argv);
/* Plain FILE... list: linked as "gcc FILE...". */
void lk_parse_files(struct lk_cmd *c, int argc, char **argv);
void lk_cmd_init(struct lk_cmd *c, struct goabi_arena *ar);

/* ---- model of the link ---- */
enum lk_input_kind { LK_IN_OBJECT, LK_IN_ARCHIVE, LK_IN_SHARED, LK_IN_SCRIPT, LK_IN_MISSING, LK_IN_BAD, LK_IN_SOURCE };

struct lk_obj {                  /* one ELF object: a file, a member, a shared library */
	const char *name;            /* "path" or "path(member)" */
	const char *member;          /* NULL for files */
	size_t input;                /* index into lk_result.inputs */
	struct symtab st;            /* the loader's table (shared, read only) */
	unsigned machine, etype;
	int elfclass;
	bool big_endian;
	uint32_t eflags;
	bool has_x86_features;       /* .note.gnu.property GNU_PROPERTY_X86_FEATURE_1_AND */
	uint32_t x86_features;
	uint32_t x86_isa_needed;
	bool loaded;                 /* pulled into the link */
	const struct goabi_artifact *facts; /* Go/libc facts (user inputs), borrowed */
	const char *why;             /* archive member: the symbol that pulled it */
};

struct lk_input {
	const char *path;            /* file opened */
	const char *spec;            /* as written: "-lfoo", "main.o" */
	enum lk_input_kind kind;
	bool implicit, whole, as_needed, is_static_search;
	int group;                   /* group number, -1 when outside a group */
	size_t first, nobj;          /* objects of this input in lk_result.objs */
	const struct goabi_artifact *facts; /* the loader's facts (user inputs) */
	const char *problem;         /* why kind is MISSING/BAD */
	bool used;                   /* a shared library that satisfied a reference */
};

enum lk_sev {
	LK_LINK_ERROR,   /* ld will fail with this */
	LK_ERROR,        /* ld succeeds but the program cannot work (two Go runtimes) */
	LK_WARNING,      /* likely problem (toolchain mismatch, static NSS) */
	LK_NOTE,         /* worth knowing (CET property dropped) */
	LK_UNKNOWN,      /* ld fails unless an input goabi cannot read (a source file, a driver's
			  * library that is not installed) provides what is missing */
};

struct lk_finding {
	enum lk_sev sev;
	const char *kind;            /* "multiple-definition", "undefined", "wrong-format", ... */
	const char *symbol;          /* NULL when not about one symbol */
	const char *message;         /* plain explanation */
	const char *linker;          /* what ld prints, NULL when ld is silent */
	const char *diagnosis;       /* why, when known */
	struct goabi_strv files;     /* files/members involved */
	long refobj;                 /* undefined: first referencing object, -1 */
	struct goabi_strv symbols;   /* a group of undefined symbols one library provides */
	const char *lib_group;       /* undefined: the missing library that defines it ("m", "stdc++") */
	const char *at;              /* the file or member ld's message names first ("path(member)"),
				      * when it is not files.v[0]; NULL */
};

/* The verdict alone decides the exit code (src/cli/exitcode.c): links and
 * links-with-hazards 0, links-but-cannot-work and fails 1, unknown 3.
 * Ordered: the worst finding decides. */
enum lk_verdict {
	LK_LINKS,              /* ld succeeds, nothing to warn about */
	LK_LINKS_WITH_HAZARDS, /* ld succeeds; warnings (toolchain mismatch, static NSS, ld's own) */
	LK_UNKNOWN_VERDICT,    /* depends on inputs goabi cannot read: source files (links if they
				* define needs_from_sources), a driver that is not installed */
	LK_LINKS_BROKEN,       /* ld succeeds but the program cannot work (an LK_ERROR finding) */
	LK_FAILS,              /* ld fails (an LK_LINK_ERROR finding) */
};

struct lk_result {
	struct goabi_arena *ar;
	struct lk_cmd cmd;
	struct lk_input *inputs;
	size_t ninputs, incap;
	struct lk_obj *objs;
	size_t nobjs, objcap;
	struct lk_finding *f;
	size_t nf, fcap;
	struct goabi_strv duplicates;   /* symbol names, sorted */
	struct goabi_strv undefined;    /* symbol names, sorted */
	const char *libc;               /* "glibc", "musl", "none", "unknown" */
	unsigned target_machine;
	int target_class;
	bool target_be;
	bool fatal;                     /* ld stops before resolving (missing/bad input) */
	struct goabi_strv needs_from_sources; /* undefined unless a source (or unknown library) defines them */
	size_t nsources;                /* source files in the link */
	bool implicit_unknown;          /* a driver's implicit input is not installed (LK_DRV_UNKNOWN) */
	enum lk_verdict verdict;
	void *priv;                     /* resolver state */
	struct ldr *ldr;                /* the shared loader: every file read (lk_result_free) */
};

/* Run the prediction. Takes ownership of cmd (its arena becomes the result's). */
struct lk_result *lk_run(struct lk_cmd *cmd);
void lk_result_free(struct lk_result *r);

const char *lk_verdict_name(enum lk_verdict v);
const char *lk_sev_name(enum lk_sev s);

/* ---- internal, between link_*.c ---- */
struct lk_finding *lk_add_finding(struct lk_result *r, enum lk_sev sev, const char *kind, const char *symbol,
				  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Find -lNAME / -l:FILE in the search path; NULL when not found. */
const char *lk_find_lib(struct lk_result *r, const char *name, bool static_only);
/* Load every input of r->cmd in command-line order (files, archives with
 * members pulled on demand, shared libraries, linker scripts whose INPUT/
 * GROUP items are loaded in their place) and resolve symbols as GNU ld does. */
void lk_resolve(struct lk_result *r);
bool lk_script_items(struct lk_result *r, const char *path, const char *text, size_t n, struct lk_item **out,
		     size_t *nout);
void lk_findings(struct lk_result *r);
void lk_resolve_free(struct lk_result *r);
/* All global symbols of a file (an archive's members merged), outside the link. */
bool lk_read_symbols(struct lk_result *r, const char *path, struct symtab *st);
/* The file at path through the link's loader (read once per link) */
const struct ldr_file *lk_load(struct lk_result *r, const char *path);
/* Object defining name (regular definition or common; with any, also a
 * shared library), -1 when none. Valid between lk_resolve and lk_resolve_free. */
long lk_sym_def(struct lk_result *r, const char *name, bool any);
bool lk_sym_referenced(struct lk_result *r, const char *name);
/* Triplet directory for an e_machine ("x86_64-linux-gnu"), NULL when unknown. */
const char *lk_triplet(unsigned machine);

#endif
