/* The image check's loader verdict over a file table (read/image.h), for
 * other checks (check/plugin_dlopen.c): the library search directories of
 * a root, and for each ELF file of the table what its DT_NEEDED resolved to
 * and why it would not load. A narrow view: the image check's working
 * state (threads, caches, arenas per worker) stays in
 * check/image_check_int.h, private to src/check/image*.c and nss.c.
 *
 * The problem texts are those of `goabi image` ("NAME not found",
 * "NAME: only PATH found, for another machine or class", "V1, V2 not
 * defined by LIB (glibc 2.N) (needed by X)", ...). */
#ifndef GOABI_CHECK_IMAGE_LOADER_H
#define GOABI_CHECK_IMAGE_LOADER_H

#include <stdbool.h>
#include <stdint.h>
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

/* One ELF file of the table, as the loader sees it (strings in imgc.ar). */
struct imgc_bin {
	const char *path;            /* path inside the root */
	struct goabi_strv deps;      /* "NAME => /path" for each DT_NEEDED found */
	struct goabi_strv problems;  /* why it will not load (fatal) */
	struct goabi_strv notes;     /* hazards */
};

struct imgc {
	struct img_fs *fs;           /* in: the table (imgc_search_paths: set fs and ar) */
	struct goabi_arena *ar;      /* in for imgc_search_paths; imgc_run makes its own */
	struct goabi_strv glibc_dirs, musl_dirs; /* library search directories */
	struct imgc_bin *bins;       /* imgc_run: every ELF file, sorted by path */
	size_t nbins;
	bool own_ar;
};

/* Fill c->glibc_dirs and c->musl_dirs from the root's loader configuration
 * (ld.so.conf and its includes, then the default directories; musl's path
 * file or its default); c->fs and c->ar set by the caller. */
void imgc_search_paths(struct imgc *c);
/* Run the image check over fs; 0 or GOABI_ENOMEM. Free with imgc_free
 * (also after a failure). */
int imgc_run(struct imgc *c, struct img_fs *fs, const struct imgc_opts *o);
void imgc_free(struct imgc *c);

#endif
