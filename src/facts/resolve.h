/* The library resolver (issue 21): one answer, for the image, plugin and
 * link checks, to "which file does this DT_NEEDED name load, and are the
 * symbol versions it needs defined there", as the loaders decide it:
 *   - the search directories of a root: glibc's ld.so.conf with its
 *     includes, then the multiarch and default directories; musl's
 *     /etc/ld-musl-ARCH.path or its default;
 *   - a name with a '/' taken as a path; else DT_RPATH of the loading
 *     object and of the executable unless DT_RUNPATH (glibc elf/dl-load.c
 *     _dl_map_object), DT_RUNPATH, then the search directories; musl takes
 *     DT_RUNPATH or DT_RPATH first; ld (the link check) DT_RUNPATH or
 *     DT_RPATH, then the link's directories; $ORIGIN, $LIB and $PLATFORM
 *     expanded (_dl_dst_substitute);
 *   - a file of another machine or ELF class is skipped, and named when
 *     nothing else is found ("only PATH found, for another machine or
 *     class");
 *   - the dependency tree breadth first (as lddtree), and each
 *     .gnu.version_r version checked against the library found: a glibc
 *     libc.so.6 through the object's glibc floor (the libc.glibc_floor
 *     fact) against the release, other versions against the library's
 *     version definitions (elf/dl-version.c).
 *
 * It works over an abstract view of a file system (struct rsv_view): the
 * image check's file table, the sparse table of a root the plugin check
 * builds, or the host and sysroot directories of a link. The view names
 * each ELF file by an index and hands out what the resolver needs of it
 * (struct rsv_obj, from the file's facts); the resolver reads no bytes but
 * the loader configuration files the view maps for it.
 *
 * Problem texts are those of `goabi image` ("NAME not found", "NAME: only
 * PATH found, for another machine or class", "V1, V2 not defined by LIB
 * (glibc 2.N) (needed by X)"), with the loader's own words beside them. */
#ifndef GOABI_FACTS_RESOLVE_H
#define GOABI_FACTS_RESOLVE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "goabi/goabi.h"
#include "util/util.h"

/* the versions one .gnu.version_r entry needs (weak ones left out: they do
 * not stop the loader) */
struct rsv_verneed {
	const char *file;
	const char **vers;
	size_t nvers;
};

/* What the resolver needs of one ELF file of the view. */
struct rsv_obj {
	const char *path;              /* in the view (inside the root) */
	bool ok;                       /* read as ELF (else never compatible) */
	unsigned machine;
	int elfclass;
	const char *soname, *rpath, *runpath;
	const char *const *needed;
	size_t nneeded;
	const struct rsv_verneed *vn;
	size_t nvn;
	const char *const *verdef;     /* versions it defines */
	size_t nverdef;
	const char *glibc_floor;       /* the libc.glibc_floor fact: newest GLIBC_x.y needed */
	const char *musl_version;      /* when it is a musl libc or loader */
	const char *go_version;        /* a Go program or library: its version; NULL when not Go */
	/* set when the file is one of the root's C libraries (rsv_libc) */
	const char *libc_family;       /* "glibc", "musl" */
	const char *libc_version;      /* "2.36", "1.2.3"; NULL when unknown */
};

/* A file system view. lookup follows symbolic links inside the view. */
struct rsv_view {
	void *ctx;
	/* the regular ELF file at path: its index, -1 when there is none */
	ssize_t (*lookup)(void *ctx, const char *path);
	/* object i (valid until the view goes) */
	const struct rsv_obj *(*obj)(void *ctx, size_t i);
	/* a regular file's bytes (the loader configuration), false when absent;
	 * unmap with the same tok. NULL: no configuration is read. */
	bool (*map)(void *ctx, const char *path, const uint8_t **p, size_t *n, void **tok);
	void (*unmap)(void *ctx, void *tok, const uint8_t *p, size_t n);
	/* the names in directory dir, through cb; false when it is not one */
	bool (*list)(void *ctx, const char *dir, void (*cb)(void *cbctx, const char *name), void *cbctx);
};

/* which loader decides the search order */
enum rsv_loader { RSV_GLIBC, RSV_MUSL, RSV_LD };

#define RSV_CACHE 4096u

struct rsv_cached;

struct rsv {
	const struct rsv_view *v;
	struct goabi_arena *ar;
	/* search directories: RSV_GLIBC and RSV_LD use glibc_dirs, RSV_MUSL
	 * musl_dirs (rsv_search_dirs fills both; a link fills glibc_dirs with
	 * its -L and system directories) */
	struct goabi_strv glibc_dirs, musl_dirs;
	struct rsv_cached *cache[RSV_CACHE]; /* search-directory lookups */
	struct goabi_strv conf_read; /* ld.so.conf files read: each once, a bounded number */
};

/* r over view v, strings in ar; no search directories yet. */
void rsv_init(struct rsv *r, const struct rsv_view *v, struct goabi_arena *ar);
/* The root's search directories for arch (an OCI architecture name, NULL
 * for amd64): glibc's (ld.so.conf + includes, then the multiarch and
 * default directories) and musl's (/etc/ld-musl-ARCH.path or its default). */
void rsv_search_dirs(struct rsv *r, const char *arch);
/* The configuration files rsv_search_dirs reads for any architecture: the
 * plugin check adds them to its sparse table first. */
extern const char *const rsv_conf_files[];
extern const char *const rsv_conf_dirs[];

/* dir with $ORIGIN, ${ORIGIN}, $LIB and $PLATFORM expanded */
const char *rsv_expand(struct goabi_arena *ar, const char *dir, const char *origin, int elfclass);
/* The directory of path as $ORIGIN names it ("/" for a file in the root,
 * "." for a name without '/'). */
const char *rsv_origin(struct goabi_arena *ar, const char *path);
/* The candidates for name in a DT_RPATH/DT_RUNPATH list (':'-separated, at
 * most 4095 bytes read), each directory expanded (rsv_expand), in order;
 * appended to out. */
void rsv_path_list(struct goabi_arena *ar, const char *list, const char *origin, int elfclass, const char *name,
		   struct goabi_strv *out);

/* The file the loader loads for DT_NEEDED name of object from, exe the
 * program at the root of the tree (-1: none, or from itself); its index,
 * or -1 with *other set (when NULL before) to a file of that name for
 * another machine or class. */
ssize_t rsv_find(struct rsv *r, enum rsv_loader ld, size_t from, ssize_t exe, const char *name, const char **other);

/* ---- the dependency tree of one object ---- */
#define RSV_MAX_TREE 512u

struct rsv_tree {
	size_t obj[RSV_MAX_TREE];      /* indices, obj[0] the root object */
	const char *loaded_as[RSV_MAX_TREE];
	size_t n;
};

/* how the root object is loaded */
struct rsv_load {
	bool musl;                     /* musl's loader, else glibc's */
	const char *interp_path;       /* the loader's file in the view, NULL when none */
	const char *loader_name;       /* its name as DT_NEEDED names it */
	bool interp_missing;           /* the object names an interpreter that is not there */
};

enum rsv_kind {
	RSV_MISSING_LIBRARY,     /* "NAME not found" */
	RSV_WRONG_MACHINE,       /* "NAME: only PATH found, for another machine or class" */
	RSV_GO_RUNTIMES,         /* two or more Go runtimes in the process (a note) */
	RSV_GLIBC_TOO_OLD,       /* a GLIBC_x.y newer than the library's release */
	RSV_MISSING_VERSION,     /* another version the library does not define */
	RSV_GLIBC_ON_MUSL,       /* glibc versions needed from musl (a note) */
};

/* One problem: the message ("image" wording), the loader's own words,
 * and the parts the plugin check builds dlerror() from. */
struct rsv_problem {
	enum rsv_kind kind;
	bool fatal;                    /* the loader refuses (else a note) */
	const char *msg;
	const char *says;              /* the loader's words, NULL when unknown */
	const char *name;              /* the DT_NEEDED name (missing, wrong machine) */
	const char *lib;               /* the library's path (versions) */
	const char *first_missing;     /* the first missing version (versions) */
	const char *needed_by;         /* the object that needs it */
};
/* rsv_problem's rule name without a check's prefix ("missing-library") */
const char *rsv_kind_name(enum rsv_kind k);

typedef void (*rsv_report_fn)(void *ctx, const struct rsv_problem *p);

/* The dependency tree of root into t, breadth first, the root's own
 * DT_NEEDED as "NAME => PATH" (and "NAME => PATH (the interpreter)") into
 * deps; a library not found is reported. */
void rsv_closure(struct rsv *r, size_t root, const struct rsv_load *ld, struct rsv_tree *t, struct goabi_strv *deps,
		 rsv_report_fn fn, void *ctx);
/* Go runtimes in the process: the program and every Go shared library of
 * the tree start their own (gccgo's share libgo); two or more: a note. */
void rsv_runtimes(struct rsv *r, const struct rsv_tree *t, rsv_report_fn fn, void *ctx);
/* Symbol versions of every object of the tree against the library that
 * resolved its .gnu.version_r entry. */
void rsv_versions(struct rsv *r, const struct rsv_tree *t, const struct rsv_load *ld, rsv_report_fn fn, void *ctx);

/* ---- facts of the view's files ---- */
/* Whether o is one of a root's C libraries: a glibc libc.so.6 with version
 * definitions (version: its newest GLIBC_2.x, NULL when none), or a musl
 * libc or loader whose version string was found; *best the GLIBC_2.x
 * version definition (glibc). */
bool rsv_libc(const struct rsv_obj *o, const char **family, const char **version, const char **best);
/* A file name (or soname) of a C library's loader. */
bool rsv_is_loader_name(const char *base);
/* Whether a musl version string is looked for in a file of this base name. */
bool rsv_musl_candidate(const char *base);
/* musl's version string ("1.2.3") next to "musl libc (" in a musl libc or
 * loader's bytes (at most 8 MB searched); NULL when absent or ambiguous. */
const char *rsv_musl_version(const uint8_t *p, size_t n, struct goabi_arena *ar);
/* e_machine for an OCI architecture name; 0 when unknown. */
unsigned rsv_arch_machine(const char *arch);
/* o filled from an inspected artifact (strings stay the artifact's, arrays
 * in ar); path is the file's path in the view. */
void rsv_obj_from_artifact(struct goabi_arena *ar, const char *path, const struct goabi_artifact *a,
			   struct rsv_obj *o);

#endif
