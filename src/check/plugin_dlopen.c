/* goabi plugin: will dlopen(3) accept the plugin, and if not, what does
 * dlerror() say (glibc 2.36 elf/dl-load.c open_verify, _dl_map_object,
 * elf/dl-version.c; the texts were checked against the real dlopen).
 *
 * The ELF header checks are made here. Libraries and symbol versions are
 * decided by the shared resolver (facts/resolve.h, the one the image and
 * link checks use) over a sparse table of the root (src/read/image_sparse.c)
 * that holds the plugin and every file its DT_NEEDED names could resolve
 * to, so a root such as "/" is not walked. The files' facts come from the
 * plugin check's loader (facts/loader.h): each read once. */
#include <elf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check/plugin.h"
#include "facts/resolve.h"
#include "read/image_sparse.h"

#define MAX_CLOSURE 256u
#define MAX_PROBLEMS 32u /* problems kept, as the image check keeps them */

/* the sparse table as the resolver's view: object i is objs[i], an ELF
 * file of the table (sorted by path), its facts from the loader */
struct view {
	struct img_fs *fs;
	struct goabi_arena *ar;
	struct ldr *ld;
	struct rsv_obj *objs;
	size_t nobjs, cap;
	struct img_node **nodes;
};

static ssize_t view_lookup(void *ctx, const char *path)
{
	struct view *v = ctx;
	struct img_node *n = img_lookup(v->fs, path, true, NULL);
	return n && n->type == IMG_REG && n->bin >= 0 && (size_t)n->bin < v->nobjs ? n->bin : -1;
}

static const struct rsv_obj *view_obj(void *ctx, size_t i)
{
	struct view *v = ctx;
	return i < v->nobjs ? &v->objs[i] : NULL;
}

static bool view_map(void *ctx, const char *path, const uint8_t **p, size_t *n, void **tok)
{
	struct view *v = ctx;
	return img_map_path(v->fs, path, p, n, tok);
}

static void view_unmap(void *ctx, void *tok, const uint8_t *p, size_t n)
{
	(void)ctx;
	img_unmap(tok, p, n);
}

static bool view_list(void *ctx, const char *dir, void (*cb)(void *, const char *), void *cbctx)
{
	struct view *v = ctx;
	return img_list_dir(v->fs, dir, cb, cbctx);
}

static void collect(void *ctx, struct img_node *n)
{
	struct view *v = ctx;
	if (n->type != IMG_REG || !n->elf || n->src == IMG_SRC_NONE || !n->host)
		return;
	if (arena_grow(v->ar, &v->nodes, &v->cap, v->nobjs + 1, sizeof(*v->nodes)))
		v->nodes[v->nobjs++] = n;
}

struct named {
	struct img_node *n;
	const char *path;
};

static int named_cmp(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->path, ((const struct named *)b)->path);
}

/* Every ELF file of the table, sorted by path, with its facts: the
 * resolver's objects. The root's C libraries labelled (glibc release,
 * musl version); *musl_libc the first musl libc, *first_family the
 * first C library's family ("none"). */
static void objects(struct view *v, const char **musl_libc, const char **first_family)
{
	*musl_libc = NULL;
	*first_family = "none";
	img_walk(v->fs, collect, v);
	struct named *nm = arena_alloc(v->ar, (v->nobjs ? v->nobjs : 1) * sizeof(*nm));
	v->objs = arena_alloc(v->ar, (v->nobjs ? v->nobjs : 1) * sizeof(*v->objs));
	if (!nm || !v->objs) {
		v->nobjs = 0;
		return;
	}
	size_t k = 0;
	for (size_t i = 0; i < v->nobjs; i++) {
		char buf[8192];
		const char *p = img_path(v->fs, v->nodes[i], buf, sizeof(buf));
		if (p)
			nm[k++] = (struct named){ v->nodes[i], arena_strdup(v->ar, p) };
	}
	v->nobjs = k;
	qsort(nm, k, sizeof(*nm), named_cmp);
	size_t nlibc = 0;
	for (size_t i = 0; i < k; i++) {
		struct img_node *n = nm[i].n;
		n->bin = (int)i;
		struct rsv_obj *o = &v->objs[i];
		rsv_obj_from_artifact(v->ar, nm[i].path, ldr_facts(v->ld, ldr_load(v->ld, n->host), true), o);
		const char *bn = strrchr(o->path, '/') ? strrchr(o->path, '/') + 1 : o->path;
		const uint8_t *p;
		size_t len;
		if (o->ok && rsv_musl_candidate(bn) && img_map(v->fs, n, &p, &len)) {
			o->musl_version = rsv_musl_version(p, len, v->ar);
			img_unmap(n, p, len);
		}
		const char *fam, *ver, *best;
		if (nlibc < 16 && rsv_libc(o, &fam, &ver, &best)) {
			o->libc_family = fam;
			o->libc_version = ver;
			if (!nlibc++)
				*first_family = fam;
			if (!*musl_libc && strcmp(fam, "musl") == 0)
				*musl_libc = o->path;
		}
	}
}

/* Add the files the closure of the plugin can touch. */
static void populate(struct img_fs *fs, struct goabi_arena *ar, struct ldr *ld, struct rsv *r, const char *plugin_img,
		     const char *plugin_host)
{
	for (size_t i = 0; rsv_conf_files[i]; i++)
		img_sparse_add(fs, rsv_conf_files[i]);
	for (size_t i = 0; rsv_conf_dirs[i]; i++)
		img_sparse_add_dir(fs, rsv_conf_dirs[i]);
	/* the search directories, from the root's configuration */
	rsv_search_dirs(r, fs->arch);
	struct todo {
		const char *img_path; /* path inside the root */
		const char *host;     /* file on this machine */
	} q[MAX_CLOSURE];
	size_t nq = 0;
	q[nq++] = (struct todo){ plugin_img, plugin_host };
	for (size_t i = 0; i < nq; i++) {
		/* through the loader: the plugin itself and a library two
		 * plugins need are read once */
		const struct goabi_artifact *a = ldr_facts(ld, ldr_load(ld, q[i].host), true);
		if (!a)
			continue;
		const struct goabi_libc *l = &a->libc;
		const char *origin = rsv_origin(ar, q[i].img_path);
		for (size_t k = 0; k < l->needed.n; k++) {
			const char *name = l->needed.v[k];
			struct goabi_strv cand = { 0 };
			if (strchr(name, '/')) {
				strv_push(ar, &cand, name);
			} else {
				/* any candidate of DT_RPATH and DT_RUNPATH: the resolver
				 * applies the loader's order */
				struct goabi_strv rp = { 0 };
				rsv_path_list(ar, l->rpath, origin, a->id.elfclass, name, &rp);
				rsv_path_list(ar, l->runpath, origin, a->id.elfclass, name, &rp);
				for (size_t c = 0; c < rp.n; c++)
					if (rp.v[c][0] == '/')
						strv_push(ar, &cand, rp.v[c]);
				for (size_t d = 0; d < r->glibc_dirs.n; d++)
					strv_push(ar, &cand, arena_printf(ar, "%s/%s", r->glibc_dirs.v[d], name));
				for (size_t d = 0; d < r->musl_dirs.n; d++)
					strv_push(ar, &cand, arena_printf(ar, "%s/%s", r->musl_dirs.v[d], name));
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

/* the resolver's problems, in order, each message once (as the image
 * check keeps them) */
struct found {
	struct goabi_arena *ar;
	struct rsv_problem problems[MAX_PROBLEMS], notes[MAX_PROBLEMS];
	size_t nproblems, nnotes;
};

static void on_problem(void *ctx, const struct rsv_problem *p)
{
	struct found *f = ctx;
	struct rsv_problem *v = p->fatal ? f->problems : f->notes;
	size_t *n = p->fatal ? &f->nproblems : &f->nnotes;
	for (size_t i = 0; i < *n; i++)
		if (strcmp(v[i].msg, p->msg) == 0)
			return;
	if (*n < MAX_PROBLEMS)
		v[(*n)++] = *p;
}

/* dlerror() for a problem of the resolver, NULL when it is not one dlopen
 * reports */
static const char *dlerror_for(struct goabi_arena *ar, const struct rsv_problem *p)
{
	switch (p->kind) {
	case RSV_MISSING_LIBRARY:
	case RSV_WRONG_MACHINE:
		/* a file of another machine is skipped in the search as if absent */
		return arena_printf(ar, "%s: cannot open shared object file: No such file or directory", p->name);
	case RSV_GLIBC_TOO_OLD:
	case RSV_MISSING_VERSION:
		/* glibc reports the first missing version, required by its user:
		 * the loader's words */
		return p->says;
	default:
		return NULL;
	}
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
	/* libraries and versions: the shared resolver over a sparse root */
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
	struct view v = { .fs = &fs, .ar = ar, .ld = l };
	struct rsv_view rv = { &v, view_lookup, view_obj, view_map, view_unmap, view_list };
	struct rsv *r = arena_alloc(ar, sizeof(*r));
	struct rsv_tree *t = calloc(1, sizeof(*t));
	struct found *f = calloc(1, sizeof(*f));
	const char *err = NULL;
	if (!r || !t || !f) {
		free(t);
		free(f);
		img_close(&fs);
		return NULL;
	}
	rsv_init(r, &rv, ar);
	populate(&fs, ar, l, r, real, m->path);
	img_finish(&fs);
	const char *musl_libc, *first_family;
	objects(&v, &musl_libc, &first_family);
	ssize_t self = view_lookup(&v, real);
	if (self >= 0 && v.objs[self].ok) {
		/* which loader: the plugin's libc family, else the root's */
		const struct goabi_libc *lc = m->a ? &m->a->libc : NULL;
		bool musl = lc && lc->interp ? strstr(lc->interp, "ld-musl") != NULL
			    : lc && lc->family.value ? m->a->typed.libc == GOABI_LIBC_MUSL
			    : strcmp(first_family, "musl") == 0;
		struct rsv_load ld = { musl, NULL, NULL, false };
		if (lc && lc->interp) {
			ssize_t i = view_lookup(&v, lc->interp);
			if (i >= 0 && v.objs[i].ok && v.objs[i].machine == v.objs[self].machine &&
			    v.objs[i].elfclass == v.objs[self].elfclass)
				ld.interp_path = v.objs[i].path;
			ld.interp_missing = !ld.interp_path;
			ld.loader_name = strrchr(lc->interp, '/') ? strrchr(lc->interp, '/') + 1 : lc->interp;
		} else if (musl && musl_libc) {
			/* a musl library is loaded by musl's loader */
			ld.interp_path = musl_libc;
			ld.loader_name = strrchr(musl_libc, '/') ? strrchr(musl_libc, '/') + 1 : musl_libc;
		}
		struct goabi_strv deps = { 0 };
		f->ar = ar;
		rsv_closure(r, (size_t)self, &ld, t, &deps, on_problem, f);
		rsv_runtimes(r, t, on_problem, f);
		rsv_versions(r, t, &ld, on_problem, f);
		for (size_t k = 0; k < deps.n; k++)
			strv_push(ar, ev, deps.v[k]);
		for (size_t k = 0; k < f->nproblems && !err; k++) {
			err = dlerror_for(ar, &f->problems[k]);
			if (err)
				strv_push(ar, ev, arena_printf(ar, "goabi image under %s: %s", root ? root : "/",
							       f->problems[k].msg));
		}
		for (size_t k = 0; k < f->nnotes; k++)
			strv_push(ar, ev, arena_printf(ar, "note: %s", f->notes[k].msg));
	}
	free(t);
	free(f);
	img_close(&fs);
	return err;
}
