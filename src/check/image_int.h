/* Private to src/check/image*.c and src/cli/image.c: the image check. */
#ifndef GOABI_CHECK_IMAGE_INT_H
#define GOABI_CHECK_IMAGE_INT_H

#include <pthread.h>
#include <sys/types.h>
#include "read/image.h"

enum imgc_verdict { IMGC_OK, IMGC_MAY_FAIL, IMGC_WILL_NOT_START, IMGC_SKIPPED };

struct imgc_verneed {
	const char *file;
	const char **vers;
	size_t nvers;
};

/* What the check needs of one ELF file, copied out of its inspected artifact. */
struct imgc_bin {
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
	struct imgc_verneed *vn;
	size_t nvn;
	const char **verdef;       /* versions this object defines */
	size_t nverdef;
	const char *family, *family_evidence, *linkage;
	const char *go_version, *go_cgo; /* NULL when not Go */
	const char *isa_declared, *isa_required;
	const char *musl_version;  /* when the file is a musl libc/loader */
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
};

struct imgc_libc {
	const char *family;  /* glibc / musl */
	const char *version; /* "2.36" / "1.2.3", NULL if unknown */
	const char *path;
	const char *evidence;
};

struct imgc_opts {
	int cpu_level;       /* 1..4 for x86-64-vN, 0 when not given */
	int jobs;            /* worker threads, 0 = all cores */
	bool isa_scan;       /* run the disassembly ISA scan (slow) */
	/* called from worker threads, serialised by the checker */
	void (*progress)(void *ctx, size_t done, size_t total, uint64_t bytes);
	void *progress_ctx;
};

/* find_lib's memo of system-directory lookups */
struct syscache {
	struct syscache *next;
	const char *name, *other;
	bool musl;
	int elfclass;
	unsigned machine;
	ssize_t bin;
};
#define IMGC_CACHE 4096u

struct imgc {
	struct img_fs *fs;
	struct imgc_opts o;
	struct goabi_arena *ar;      /* results not owned by a worker */
	struct goabi_arena **warena; /* one per worker */
	int nworkers;
	struct imgc_bin *bins;
	size_t nbins;
	struct imgc_libc libcs[16];
	size_t nlibcs;
	struct goabi_strv loaders;   /* loader paths present */
	struct goabi_strv glibc_dirs, musl_dirs;
	const char *main_family;     /* "glibc", "musl", "none" */
	unsigned image_machine;      /* e_machine for the image platform, 0 if unknown */
	size_t counts[4];
	struct nss_conf *nss;        /* /etc/nsswitch.conf as glibc reads it */
	int glibc_minor;             /* the image's glibc 2.N, 0 if none */
	struct syscache *cache[IMGC_CACHE];
	/* progress */
	pthread_mutex_t mu;
	size_t next, done;
	uint64_t bytes;
};

int imgc_run(struct imgc *c, struct img_fs *fs, const struct imgc_opts *o);
void imgc_free(struct imgc *c);
const char *imgc_verdict_name(enum imgc_verdict v);

/* Go binaries per toolchain version (cgo, static), in first-seen order;
 * returns the number of entries filled (at most max). */
struct imgc_goinv {
	const char *version;
	size_t n, cgo, stat;
};
size_t imgc_go_inventory(const struct imgc *c, struct imgc_goinv *g, size_t max);
/* Checked binaries per libc family ("unknown" when none), first-seen order. */
struct imgc_famcount {
	const char *family;
	size_t n;
};
size_t imgc_family_counts(const struct imgc *c, struct imgc_famcount *f, size_t max);

/* nss.c: name-service lookups (docs/image.md) */
struct goabi_artifact;
void imgc_nss_extract(struct imgc_bin *b, const struct goabi_artifact *a, struct goabi_arena *ar);
void imgc_nss_load(struct imgc *c);
void imgc_nss_check(struct imgc *c, struct imgc_bin *b);
/* image.c: add a finding to b (fatal: will not start) */
void imgc_problem(struct imgc *c, struct imgc_bin *b, bool fatal, const char *msg);

/* image_libs.c: loader facts read from the image */
/* musl's version string ("1.2.3") next to "musl libc (" in a musl libc or loader. */
const char *imgc_musl_version(const uint8_t *p, size_t n, struct goabi_arena *ar);
/* Library search directories: glibc (ld.so.conf + includes, then the
 * multiarch and default directories) and musl (/etc/ld-musl-ARCH.path or
 * its default). */
void imgc_search_paths(struct imgc *c);
/* e_machine for an OCI architecture name; 0 when unknown. */
unsigned imgc_arch_machine(const char *arch);

#endif
