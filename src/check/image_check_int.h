/* Private to src/check/image*.c and src/check/nss.c: the image check's
 * working state. Others use its result (goabi_image_check,
 * include/goabi/checks.h); libraries are resolved by the shared resolver
 * (facts/resolve.h), which the plugin and link checks call too. */
#ifndef GOABI_CHECK_IMAGE_CHECK_INT_H
#define GOABI_CHECK_IMAGE_CHECK_INT_H

#include <pthread.h>
#include <sys/types.h>
#include "facts/resolve.h"
#include "read/image.h"
#include "util/util.h"

struct imgc_opts {
	int cpu_level;       /* 1..4 for x86-64-vN, 0 when not given */
	int jobs;            /* worker threads, 0 = default */
	bool isa_scan;       /* run the disassembly ISA scan (slow) */
	bool go_modules;     /* keep each Go binary's module lines (imgchk_bin.go_modules) */
	bool share_facts;    /* reuse facts across runs of this process (goabi_image_opts) */
	/* called from worker threads, serialised by the checker */
	void (*progress)(void *ctx, size_t done, size_t total, uint64_t bytes);
	void *progress_ctx;
};

enum imgc_verdict { IMGC_OK, IMGC_MAY_FAIL, IMGC_WILL_NOT_START, IMGC_SKIPPED };

/* One problem found for a binary: a finding of the result (rule
 * "image/KIND", the message, the loader's own words when known). */
struct imgchk_find {
	const char *rule;
	const char *msg;
	const char *tool_says;
	bool fatal;        /* the binary will not start (a library: may fail) */
};

/* What the check needs of one ELF file, copied out of its inspected artifact. */
struct imgchk_bin {
	struct img_node *node;
	const char *path;          /* image path */
	bool ok;                   /* read as ELF */
	const char *error;         /* why it could not be read */
	unsigned machine, etype;
	bool debug_file;   /* a separate debug file (/usr/lib/debug): no code, never loaded */
	int elfclass;
	const char *machine_name, *type_name;
	bool pie;
	const char *interp, *soname, *rpath, *runpath;
	const char **needed;
	size_t nneeded;
	struct rsv_verneed *vn;    /* weak references left out */
	size_t nvn;
	const char **verdef;       /* versions this object defines */
	size_t nverdef;
	const char *family, *family_evidence, *linkage; /* display strings */
	enum goabi_libc_family fam;   /* the same facts, typed (compared) */
	enum goabi_linkage link;
	enum goabi_cgo cgo;
	const char *go_version, *go_cgo; /* NULL when not Go */
	const char *go_modules;    /* with imgc_opts.go_modules: "mod\tPATH\tVER\tSUM\n", "dep\t...", "=>\t..." */
	const char *isa_declared, *isa_required;
	const char *musl_version;  /* when the file is a musl libc/loader */
	const char *glibc_floor;   /* newest GLIBC_x.y it needs (the libc.glibc_floor fact) */
	const char *glibc_floor_ev;
	const char *family_conf;   /* confidence of the libc family fact */
	/* name-service lookups (check/nss.c): Go's own readers, C library NSS */
	const char *nss_go_user, *nss_go_user_ev, *nss_go_res, *nss_go_res_ev;
	unsigned nss_go_dbs, nss_c_dbs; /* bit per NSSDB_* (check/nss.h) */
	const char *nss_calls[4];  /* per NSSDB_*: "getpwnam_r, getpwuid_r" */
	bool nss_static, nss_builtin;
	/* verdict */
	bool executable;           /* ET_EXEC, or ET_DYN with PT_INTERP */
	enum imgc_verdict verdict;
	const char *reason;
	struct goabi_strv problems, notes;
	struct goabi_strv deps;    /* "NAME => /path" */
	struct imgchk_find *finds; /* problems and notes with their rule ids, in order */
	size_t nfinds, findcap;
};

struct imgc_libc {
	const char *family;  /* glibc / musl */
	const char *version; /* "2.36" / "1.2.3", NULL if unknown */
	const char *path;
	const char *evidence;
};


struct imgchk {
	struct img_fs *fs;
	struct imgc_opts o;
	struct goabi_arena *ar;      /* results not owned by a worker */
	struct goabi_arena **warena; /* one per worker */
	int nworkers;
	struct imgchk_bin *bins;
	size_t nbins;
	struct imgc_libc libcs[16];
	size_t nlibcs;
	struct goabi_strv loaders;   /* loader paths present */
	struct goabi_strv glibc_dirs, musl_dirs; /* the resolver's search directories */
	const char *main_family;     /* "glibc", "musl", "none" */
	unsigned image_machine;      /* e_machine for the image platform, 0 if unknown */
	size_t counts[4];
	struct nss_conf *nss;        /* /etc/nsswitch.conf as glibc reads it */
	int glibc_minor;             /* the image's glibc 2.N, 0 if none */
	/* the shared resolver over the image's file table: object i is bins[i] */
	struct rsv rsv;
	struct rsv_view view;
	struct rsv_obj *robj;
	struct goabi_strv foreign;   /* Mach-O / PE files (issue 23): not checked */
	struct goabi_strv foreign_kind; /* beside them: "a Mach-O file (macOS)"... */
	/* progress */
	pthread_mutex_t mu;
	size_t next, done;
	uint64_t bytes;
};

int imgchk_run(struct imgchk *c, struct img_fs *fs, const struct imgc_opts *o);
void imgchk_free(struct imgchk *c);
const char *imgc_verdict_name(enum imgc_verdict v);

/* Go binaries per toolchain version (cgo, static), in first-seen order;
 * returns the number of entries filled (at most max). */
struct imgc_goinv {
	const char *version;
	size_t n, cgo, stat;
};
size_t imgc_go_inventory(const struct imgchk *c, struct imgc_goinv *g, size_t max);
/* Checked binaries per libc family ("unknown" when none), first-seen order. */
struct imgc_famcount {
	const char *family;
	size_t n;
};
size_t imgc_family_counts(const struct imgchk *c, struct imgc_famcount *f, size_t max);

/* nss.c: name-service lookups (docs/image.md) */
struct goabi_artifact;
void imgc_nss_extract(struct imgchk_bin *b, const struct goabi_artifact *a, struct goabi_arena *ar);
void imgc_nss_load(struct imgchk *c);
void imgc_nss_check(struct imgchk *c, struct imgchk_bin *b);
/* image.c: add a finding to b (fatal: will not start), rule "image/KIND" */
void imgc_problem(struct imgchk *c, struct imgchk_bin *b, bool fatal, const char *rule, const char *msg);

/* image_libs.c: the image's file table as the resolver's view
 * (facts/resolve.h): object i is bins[i]; c->rsv set up, its search
 * directories read from the image (c->glibc_dirs, c->musl_dirs) */
void imgc_resolver(struct imgchk *c);

#endif
