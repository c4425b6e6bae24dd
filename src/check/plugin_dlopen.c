/* goabi plugin: will dlopen(3) accept the plugin, and if not, what does
 * dlerror() say (glibc 2.36 elf/dl-load.c open_verify, _dl_map_object,
 * elf/dl-version.c; the texts were checked against the real dlopen).
 *
 * The ELF header checks are made here. Libraries and symbol versions are
 * decided by the image check (src/check/image.c), run over a sparse table
 * of the root (src/read/image_sparse.c) that holds the plugin and every
 * file its DT_NEEDED names could resolve to, so a root such as "/" is not
 * walked. */
#include <elf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check/image_loader.h"
#include "check/plugin.h"
#include "read/image_sparse.h"

#define MAX_CLOSURE 256u

static const char *dir_of(struct goabi_arena *ar, const char *path)
{
	const char *s = strrchr(path, '/');
	if (!s || s == path)
		return "/";
	return arena_strndup(ar, path, (size_t)(s - path));
}

/* Candidates a DT_RPATH/DT_RUNPATH list names (ldr_path_list: $ORIGIN
 * expanded as ld.so does). The image check applies the loader's order;
 * here any absolute candidate is added. */
static void add_list(struct img_fs *fs, struct goabi_arena *ar, const char *list, const char *origin, const char *name)
{
	struct goabi_strv cand = { 0 };
	ldr_path_list(ar, list, origin, name, &cand);
	for (size_t i = 0; i < cand.n; i++)
		if (cand.v[i][0] == '/')
			img_sparse_add(fs, cand.v[i]);
}

struct todo {
	const char *img_path; /* path inside the root */
	const char *host;     /* file on this machine */
};

/* Add the files the closure of the plugin can touch. */
static void populate(struct img_fs *fs, struct goabi_arena *ar, struct ldr *ld, const char *plugin_img,
		     const char *plugin_host)
{
	img_sparse_add(fs, "/etc/ld.so.conf");
	img_sparse_add_dir(fs, "/etc/ld.so.conf.d");
	static const char *const musl_arch[] = { "x86_64", "aarch64", "i386", "armhf", "riscv64", "s390x", "powerpc64le" };
	for (size_t i = 0; i < sizeof(musl_arch) / sizeof(musl_arch[0]); i++)
		img_sparse_add(fs, arena_printf(ar, "/etc/ld-musl-%s.path", musl_arch[i]));
	/* the search directories the image check will use, from the root's configuration */
	struct imgc probe;
	memset(&probe, 0, sizeof(probe));
	probe.fs = fs;
	probe.ar = ar;
	imgc_search_paths(&probe);
	struct todo q[MAX_CLOSURE];
	size_t nq = 0;
	q[nq++] = (struct todo){ plugin_img, plugin_host };
	for (size_t i = 0; i < nq; i++) {
		/* through the loader: the plugin itself and a library two
		 * plugins need are read once */
		const struct goabi_artifact *a = ldr_facts(ld, ldr_load(ld, q[i].host), true);
		if (!a)
			continue;
		const struct goabi_libc *l = &a->libc;
		const char *origin = dir_of(ar, q[i].img_path);
		for (size_t k = 0; k < l->needed.n; k++) {
			const char *name = l->needed.v[k];
			struct goabi_strv cand = { 0 };
			if (strchr(name, '/')) {
				strv_push(ar, &cand, name);
			} else {
				add_list(fs, ar, l->rpath, origin, name);
				add_list(fs, ar, l->runpath, origin, name);
				for (size_t d = 0; d < probe.glibc_dirs.n; d++)
					strv_push(ar, &cand, arena_printf(ar, "%s/%s", probe.glibc_dirs.v[d], name));
				for (size_t d = 0; d < probe.musl_dirs.n; d++)
					strv_push(ar, &cand, arena_printf(ar, "%s/%s", probe.musl_dirs.v[d], name));
			}
			for (size_t c = 0; c < cand.n; c++)
				img_sparse_add(fs, cand.v[c]);
			/* follow every candidate that is now a regular ELF file */
			for (size_t c = 0; c < cand.n && nq < MAX_CLOSURE; c++) {
				struct img_node *n = img_lookup(fs, cand.v[c], true, NULL);
				if (!n || n->type != IMG_REG || !n->elf || !n->host)
					continue;
				bool seen = false;
				for (size_t j = 0; j < nq && !seen; j++)
					seen = strcmp(q[j].host, n->host) == 0;
				if (!seen)
					q[nq++] = (struct todo){ cand.v[c], n->host };
			}
		}
	}
}

/* dlerror() for a problem the image check found, NULL when it is not one
 * dlopen reports. Texts from src/check/image.c check_one. */
static const char *dlerror_for(struct goabi_arena *ar, const char *problem, const char *plugin_real)
{
	size_t l = strlen(problem);
	static const char nf[] = " not found";
	if (l > sizeof(nf) - 1 && strcmp(problem + l - (sizeof(nf) - 1), nf) == 0) {
		/* "libfoo.so not found", "libfoo.so (needed by /x) not found" */
		size_t nl = strcspn(problem, " ");
		return arena_printf(ar, "%.*s: cannot open shared object file: No such file or directory", (int)nl, problem);
	}
	if (strstr(problem, ": only ") && strstr(problem, "for another machine or class")) {
		size_t nl = strcspn(problem, ":");
		return arena_printf(ar, "%.*s: cannot open shared object file: No such file or directory", (int)nl, problem);
	}
	const char *nd = strstr(problem, " not defined by ");
	if (nd) {
		/* "V1, V2 not defined by /lib/x/libc.so.6 (glibc 2.36) (needed by /y)":
		 * glibc reports the first missing version, required by its user */
		size_t vl = strcspn(problem, ",");
		if (vl > (size_t)(nd - problem))
			vl = (size_t)(nd - problem);
		const char *lib = nd + strlen(" not defined by ");
		size_t ll = strcspn(lib, " ");
		const char *by = strstr(lib, "(needed by ");
		const char *req = plugin_real;
		size_t rl = strlen(req);
		if (by) {
			req = by + strlen("(needed by ");
			rl = strcspn(req, ")");
		}
		return arena_printf(ar, "%.*s: version `%.*s' not found (required by %.*s)", (int)ll, lib, (int)vl, problem,
				    (int)rl, req);
	}
	return NULL;
}

const char *plg_dlopen_error(struct goabi_arena *ar, struct ldr *l, const struct plg_module *host,
			     const struct plg_module *m, const char *root, struct goabi_strv *ev)
{
	const char *real = m->real ? m->real : m->path;
	/* open_verify: class first (not fatal in a search, fatal for a path) */
	if (m->elfclass != host->elfclass) {
		strv_push(ar, ev, arena_printf(ar, "ELF class %d, host %d", m->elfclass, host->elfclass));
		return arena_printf(ar, "%s: wrong ELF class: ELFCLASS%d", real, m->elfclass);
	}
	if (m->big_endian != host->big_endian) {
		strv_push(ar, ev, "byte order differs from the host's");
		return arena_printf(ar, "%s: ELF file data encoding not %s-endian", real, host->big_endian ? "big" : "little");
	}
	if (m->machine != host->machine) {
		/* elf_machine_matches_host fails: the file is skipped as if absent */
		strv_push(ar, ev, arena_printf(ar, "machine %s, host %s", m->machine_name ? m->machine_name : "?",
					       host->machine_name ? host->machine_name : "?"));
		return arena_printf(ar, "%s: cannot open shared object file: No such file or directory", real);
	}
	if (m->etype != ET_DYN) {
		strv_push(ar, ev, arena_printf(ar, "ELF type %s", m->a && m->a->id.type_name ? m->a->id.type_name : "?"));
		return arena_printf(ar, "%s: %s", real, m->etype == ET_EXEC ? "cannot dynamically load executable"
						      : "only ET_DYN and ET_EXEC can be loaded");
	}
	if (m->a && m->a->id.pie && m->a->libc.interp) {
		strv_push(ar, ev, "position-independent executable (PT_INTERP, DF_1_PIE)");
		return arena_printf(ar, "%s: cannot dynamically load position-independent executable", real);
	}
	/* libraries and versions: the image check over a sparse root */
	struct img_fs fs;
	if (img_open_sparse(&fs, root ? root : "/", NULL) != 0) {
		strv_push(ar, ev, arena_printf(ar, "root '%s' unreadable: libraries not checked", root ? root : "/"));
		img_close(&fs);
		return NULL;
	}
	if (img_add_host(&fs, m->path, real) != 0) {
		img_close(&fs);
		return NULL;
	}
	populate(&fs, ar, l, real, m->path);
	img_finish(&fs);
	struct imgc c;
	struct imgc_opts o = { 0 };
	o.jobs = 1;
	const char *err = NULL;
	if (imgc_run(&c, &fs, &o) == 0) {
		for (size_t i = 0; i < c.nbins; i++) {
			const struct imgc_bin *b = &c.bins[i];
			if (strcmp(b->path, real) != 0)
				continue;
			for (size_t k = 0; k < b->deps.n; k++)
				strv_push(ar, ev, arena_printf(ar, "%s", b->deps.v[k]));
			for (size_t k = 0; k < b->problems.n && !err; k++) {
				err = dlerror_for(ar, b->problems.v[k], real);
				if (err)
					strv_push(ar, ev, arena_printf(ar, "goabi image under %s: %s", root ? root : "/",
								       b->problems.v[k]));
			}
			for (size_t k = 0; k < b->notes.n; k++)
				strv_push(ar, ev, arena_printf(ar, "note: %s", b->notes.v[k]));
		}
	}
	imgc_free(&c);
	img_close(&fs);
	return err;
}
