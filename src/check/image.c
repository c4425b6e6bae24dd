/* goabi image: inspect every ELF file of an image in parallel, then decide
 * for each executable and shared object whether it will start: interpreter
 * present, each DT_NEEDED found (recursively, as lddtree does) with the same
 * class and machine, every .gnu.version_r version defined by the library
 * found (glibc's loader only; musl ignores versions), libc family, ISA level.
 * Nothing is executed. */
#include <elf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check/image_check_int.h"
#include "facts/facts.h"
#include "goabi/checks.h"

#define MAX_TREE 512u    /* objects in one dependency tree */
#define MAX_PROBLEMS 32u /* problems kept per binary */

const char *imgc_verdict_name(enum imgc_verdict v)
{
	switch (v) {
	case IMGC_OK: return "will start";
	case IMGC_MAY_FAIL: return "may fail";
	case IMGC_WILL_NOT_START: return "will not start";
	default: return "not checked";
	}
}

/* ---- collection ---- */
struct collect {
	struct imgchk *c;
	size_t n, cap;
	bool count_only;
};

static void collect_fn(void *ctx, struct img_node *n)
{
	struct collect *k = ctx;
	if (n->type != IMG_REG || !n->elf || n->src == IMG_SRC_NONE)
		return;
	if (k->count_only) {
		k->n++;
		return;
	}
	if (k->n < k->cap) {
		k->c->bins[k->n].node = n;
		n->bin = (int)k->n;
		k->n++;
	}
}

/* Mach-O and PE files: named in a note, not checked (Linux ELF only) */
static void foreign_fn(void *ctx, struct img_node *n)
{
	struct imgchk *c = ctx;
	if (n->type != IMG_REG || !n->foreign || c->foreign.n >= GOABI_MAX_LIST)
		return;
	static const char *const kinds[] = { NULL, "a Mach-O file (macOS)", "a universal Mach-O file (macOS)", "a PE file (Windows)" };
	char buf[8192];
	const char *path = img_path(c->fs, n, buf, sizeof(buf));
	if (path && n->foreign < 4) {
		strv_push(c->ar, &c->foreign, arena_strdup(c->ar, path));
		strv_push(c->ar, &c->foreign_kind, kinds[n->foreign]);
	}
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(((const struct imgchk_bin *)a)->path, ((const struct imgchk_bin *)b)->path);
}

/* ---- inspection (worker threads) ---- */
static const char *sdup(struct goabi_arena *ar, const char *s)
{
	return s ? arena_strdup(ar, s) : NULL;
}

/* musl's version string is not an ELF structure: search the bytes of a
 * file named like musl's loader or libc (bounded in imgc_musl_version). */
static void musl_version(struct imgchk *c, struct imgchk_bin *b, struct goabi_arena *ar)
{
	const char *bn = strrchr(b->path, '/') ? strrchr(b->path, '/') + 1 : b->path;
	const uint8_t *p;
	size_t len;
	if (!(strncmp(bn, "ld-musl-", 8) == 0 || strncmp(bn, "libc.so", 7) == 0 || strncmp(bn, "libc.musl-", 10) == 0))
		return;
	if (!img_map(c->fs, b->node, &p, &len))
		return;
	b->musl_version = imgc_musl_version(p, len, ar);
	img_unmap(b->node, p, len);
}

/* the build info's modules as go version -m prints them (for the SBOM) */
static void mod_line(char **buf, size_t *len, size_t *cap, const char *tag, const char *p, const char *v, const char *s)
{
	size_t need = strlen(tag) + strlen(p) + (v ? strlen(v) : 0) + (s ? strlen(s) : 0) + 5;
	if (*len + need + 1 > *cap) {
		size_t nc = (*cap + need + 1) * 2;
		char *nb = realloc(*buf, nc);
		if (!nb)
			return;
		*buf = nb;
		*cap = nc;
	}
	*len += (size_t)snprintf(*buf + *len, *cap - *len, "%s\t%s\t%s\t%s\n", tag, p, v ? v : "", s ? s : "");
}

static const char *module_lines(const struct goabi_go *g, struct goabi_arena *ar)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	if (g->main_path) /* the package path: the SBOM's main module when no "mod" (cyclonedx.c) */
		mod_line(&buf, &len, &cap, "path", g->main_path, NULL, NULL);
	if (g->main.path)
		mod_line(&buf, &len, &cap, "mod", g->main.path, g->main.version, g->main.sum);
	for (size_t i = 0; i < g->ndeps; i++) {
		const struct goabi_module *m = &g->deps[i];
		if (!m->path)
			continue;
		mod_line(&buf, &len, &cap, "dep", m->path, m->version, m->sum);
		if (m->repl_path)
			mod_line(&buf, &len, &cap, "=>", m->repl_path, m->repl_version, m->repl_sum);
	}
	const char *r = buf ? sdup(ar, buf) : NULL;
	free(buf);
	return r;
}

static void extract(struct imgchk *c, struct imgchk_bin *b, const struct goabi_artifact *a, struct goabi_arena *ar)
{
	if (a->kind != GOABI_KIND_ELF || !a->id.elfclass) {
		b->error = a->ndiags ? sdup(ar, a->diags[0].message) : "not a readable ELF file";
		return;
	}
	b->ok = true;
	b->machine = a->id.machine;
	b->machine_name = sdup(ar, a->id.machine_name);
	b->etype = a->id.type;
	b->debug_file = a->id.debug_file;
	b->type_name = sdup(ar, a->id.type_name);
	b->elfclass = a->id.elfclass;
	b->pie = a->id.pie;
	const struct goabi_libc *l = &a->libc;
	b->interp = sdup(ar, l->interp);
	b->soname = sdup(ar, l->soname);
	b->rpath = sdup(ar, l->rpath);
	b->runpath = sdup(ar, l->runpath);
	b->linkage = sdup(ar, l->linkage.value);
	b->family = sdup(ar, l->family.value);
	b->fam = a->typed.libc;
	b->link = a->typed.linkage;
	b->cgo = a->typed.cgo;
	b->family_evidence = sdup(ar, l->family.evidence);
	b->family_conf = l->family.value ? goabi_conf_name(l->family.conf) : NULL;
	b->glibc_floor = sdup(ar, l->glibc_floor.value);
	b->glibc_floor_ev = sdup(ar, l->glibc_floor.evidence);
	if (l->needed.n) {
		b->needed = arena_alloc(ar, l->needed.n * sizeof(*b->needed));
		for (size_t i = 0; b->needed && i < l->needed.n; i++)
			b->needed[b->nneeded++] = sdup(ar, l->needed.v[i]);
	}
	if (l->nverneed) {
		b->vn = arena_alloc(ar, l->nverneed * sizeof(*b->vn));
		for (size_t i = 0; b->vn && i < l->nverneed; i++) {
			struct imgc_verneed *v = &b->vn[b->nvn++];
			v->file = sdup(ar, l->verneed[i].file);
			v->vers = arena_alloc(ar, (l->verneed[i].versions.n + 1) * sizeof(*v->vers));
			/* a weak reference (VER_FLG_WEAK) does not stop the loader */
			for (size_t j = 0; v->vers && j < l->verneed[i].versions.n; j++)
				if (!strv_contains(&l->verneed[i].weak, l->verneed[i].versions.v[j]))
					v->vers[v->nvers++] = sdup(ar, l->verneed[i].versions.v[j]);
		}
	}
	if (l->verdef.n) {
		b->verdef = arena_alloc(ar, l->verdef.n * sizeof(*b->verdef));
		for (size_t i = 0; b->verdef && i < l->verdef.n; i++)
			b->verdef[b->nverdef++] = sdup(ar, l->verdef.v[i]);
	}
	const struct goabi_go *g = &a->go;
	/* the Go inventory counts programs and shared objects, not gccgo's
	 * export-data objects (.gox), other relocatables or debug files */
	if ((b->etype == ET_EXEC || b->etype == ET_DYN) && !b->debug_file && goabi_go_is_go(g)) {
		b->go_version = sdup(ar, g->version.value ? g->version.value
				    : g->version_range.value ? g->version_range.value
				    : strcmp(g->toolchain.value, "gccgo") == 0 ? "gccgo (version unknown)" : "go (version unknown)");
		b->go_cgo = sdup(ar, g->cgo.value);
		if (c->o.go_modules)
			b->go_modules = module_lines(g, ar);
	}
	b->isa_declared = sdup(ar, a->isa.declared.value);
	b->isa_required = sdup(ar, a->isa.required.value);
	imgc_nss_extract(b, a, ar);
	musl_version(c, b, ar);
}

/* The file's bytes, never copied: a host file (opened without following
 * symlinks) or a file kept inside a layer or the temp file is mapped
 * copy-on-write where it lies (img_map_private, goabi_inspect_private), so
 * memory holds only the pages the extractors touch. */
static void inspect_node(struct imgchk *c, struct imgchk_bin *b, const struct goabi_opts *opts, struct goabi_artifact **a)
{
	uint8_t *p;
	size_t len;
	if (!img_map_private(c->fs, b->node, &p, &len))
		return;
	goabi_inspect_private(b->path, p, len, opts, a);
	img_unmap(b->node, p, len);
}

/* ---- facts shared across images (imgc_opts.share_facts) ----
 * What extract() copies out of a file depends on its bytes, its path (the
 * musl file names) and the options (go_modules, isa_scan) only. A file a
 * registry layer brings is named by the layer's digest (recorded by the
 * reader only once the layer's bytes matched it) and its path in the
 * layer, so the facts of (digest, path, size, options) are those of any
 * image built on that layer: kept for the process, the file is inspected
 * once however many images hold it. The verdicts (resolution against the
 * image's own files) are computed per image from the facts. A hard link to
 * an earlier layer's file, a host file (--add) and a local input's layers
 * (no digest) are not keyed. The facts' strings live in the arenas of the
 * workers that extracted them: those are kept for the process (never
 * freed) once they hold a published entry. MEMO_MAX bounds the entries. */
#define MEMO_BUCKETS 65536u
#define MEMO_MAX 262144u
struct memo {
	struct memo *next;
	uint64_t h;
	const char *key;
	struct imgchk_bin facts; /* node, path, verdict fields unset */
};
static pthread_mutex_t memo_mu = PTHREAD_MUTEX_INITIALIZER;
static struct memo **memo_tab;
static struct goabi_arena *memo_ar; /* keys and entries */
static size_t memo_n;
static struct goabi_arena **memo_kept; /* worker arenas holding entries' facts */
static size_t memo_nkept;
static unsigned long long stat_inspected, stat_reused;

void goabi_image_fact_stats(unsigned long long *inspected, unsigned long long *reused)
{
	pthread_mutex_lock(&memo_mu);
	*inspected = stat_inspected;
	*reused = stat_reused;
	pthread_mutex_unlock(&memo_mu);
}

/* the key of b's facts, or NULL when its bytes are not named by a layer digest */
static char *memo_key(const struct imgchk *c, const struct imgchk_bin *b, uint64_t *h)
{
	const struct img_node *n = b->node;
	const struct img_fs *fs = c->fs;
	if (!c->o.share_facts || n->src != IMG_SRC_BLOB || n->lower_bytes || n->layer < 1 ||
	    n->layer > fs->nlayer_digest || !fs->layer_digest[n->layer - 1])
		return NULL;
	char *k = NULL;
	if (asprintf(&k, "%s\n%s\n%llu\n%d%d", fs->layer_digest[n->layer - 1], b->path, (unsigned long long)n->size,
		     c->o.go_modules, c->o.isa_scan) < 0)
		return NULL;
	uint64_t x = 1469598103934665603ull;
	for (const char *p = k; *p; p++)
		x = (x ^ (unsigned char)*p) * 1099511628211ull;
	*h = x;
	return k;
}

static struct memo *memo_find(const char *k, uint64_t h)
{
	if (!memo_tab)
		return NULL;
	for (struct memo *m = memo_tab[h % MEMO_BUCKETS]; m; m = m->next)
		if (m->h == h && strcmp(m->key, k) == 0)
			return m;
	return NULL;
}

/* b's facts from an earlier image: true when found (and copied into b) */
static bool memo_get(const char *k, uint64_t h, struct imgchk_bin *b)
{
	pthread_mutex_lock(&memo_mu);
	struct memo *m = memo_find(k, h);
	if (m) {
		struct img_node *node = b->node;
		const char *path = b->path;
		*b = m->facts;
		b->node = node;
		b->path = path;
		stat_reused++;
	}
	pthread_mutex_unlock(&memo_mu);
	return m != NULL;
}

/* publish b's facts (just extracted: no verdict yet); true when kept */
static bool memo_put(const char *k, uint64_t h, const struct imgchk_bin *b)
{
	bool kept = false;
	pthread_mutex_lock(&memo_mu);
	if (!memo_ar)
		memo_ar = arena_new();
	if (!memo_tab && memo_ar)
		memo_tab = calloc(MEMO_BUCKETS, sizeof(*memo_tab));
	if (memo_tab && memo_n < MEMO_MAX && !memo_find(k, h)) {
		struct memo *m = arena_alloc(memo_ar, sizeof(*m));
		const char *key = m ? arena_strdup(memo_ar, k) : NULL;
		if (key) {
			memset(m, 0, sizeof(*m));
			m->h = h;
			m->key = key;
			m->facts = *b;
			m->facts.node = NULL;
			m->facts.path = NULL;
			m->next = memo_tab[h % MEMO_BUCKETS];
			memo_tab[h % MEMO_BUCKETS] = m;
			memo_n++;
			kept = true;
		}
	}
	pthread_mutex_unlock(&memo_mu);
	return kept;
}

struct worker {
	struct imgchk *c;
	struct goabi_arena *ar;
	bool keep_ar; /* a memo entry points into ar */
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct imgchk *c = w->c;
	struct goabi_opts opts = { 0 };
	opts.no_dwarf = true;
	opts.isa = c->o.isa_scan;
	/* the loader's view; Go facts only where Go sections show, declared ISA
	 * levels from notes either way, the capstone scan with --isa-scan */
	opts.loader_only = true;
	for (;;) {
		pthread_mutex_lock(&c->mu);
		size_t i = c->next++;
		pthread_mutex_unlock(&c->mu);
		if (i >= c->nbins)
			break;
		struct imgchk_bin *b = &c->bins[i];
		uint64_t h = 0;
		char *key = memo_key(c, b, &h);
		if (!key || !memo_get(key, h, b)) {
			struct goabi_artifact *a = NULL;
			inspect_node(c, b, &opts, &a);
			bool read = a != NULL;
			if (a)
				extract(c, b, a, w->ar);
			else
				b->error = "cannot read the file's bytes";
			goabi_artifact_free(a);
			pthread_mutex_lock(&memo_mu);
			stat_inspected++;
			pthread_mutex_unlock(&memo_mu);
			if (key && read && memo_put(key, h, b))
				w->keep_ar = true;
		}
		free(key);
		size_t len = (size_t)b->node->size;
		pthread_mutex_lock(&c->mu);
		c->done++;
		c->bytes += len;
		if (c->o.progress)
			c->o.progress(c->o.progress_ctx, c->done, c->nbins, c->bytes);
		pthread_mutex_unlock(&c->mu);
	}
	return NULL;
}

/* ---- resolution ---- */
struct tree {
	size_t obj[MAX_TREE];      /* bin indices, obj[0] the root binary */
	const char *loaded_as[MAX_TREE];
	size_t n;
};

static bool in_tree(const struct tree *t, size_t bi)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->obj[i] == bi)
			return true;
	return false;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* Record a problem of b: the message in b->problems (fatal) or b->notes,
 * and a finding with its rule id ("image/KIND") and the loader's own words
 * (says, NULL when not known). */
static void problem(struct imgchk *c, struct imgchk_bin *b, bool fatal, const char *rule, const char *says,
		    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void problem(struct imgchk *c, struct imgchk_bin *b, bool fatal, const char *rule, const char *says,
		    const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	struct goabi_strv *sv = fatal ? &b->problems : &b->notes;
	if (sv->n < MAX_PROBLEMS && !strv_contains(sv, buf)) {
		const char *m = arena_strdup(c->ar, buf);
		if (m && strv_push(c->ar, sv, m)) {
			if (b->nfinds == b->findcap) {
				size_t nc = b->findcap ? 2 * b->findcap : 4;
				struct imgchk_find *nf = arena_alloc(c->ar, nc * sizeof(*nf));
				if (nf) {
					if (b->nfinds)
						memcpy(nf, b->finds, b->nfinds * sizeof(*nf));
					b->finds = nf;
					b->findcap = nc;
				}
			}
			if (b->nfinds < b->findcap)
				b->finds[b->nfinds++] = (struct imgchk_find){ rule, m, says ? arena_strdup(c->ar, says) : NULL, fatal };
		}
	}
	if (fatal && b->verdict < IMGC_WILL_NOT_START)
		b->verdict = b->executable ? IMGC_WILL_NOT_START : IMGC_MAY_FAIL;
	else if (!fatal && b->verdict < IMGC_MAY_FAIL)
		b->verdict = IMGC_MAY_FAIL;
	b->reason = b->problems.n ? b->problems.v[0] : b->notes.n ? b->notes.v[0] : NULL;
}

void imgc_problem(struct imgchk *c, struct imgchk_bin *b, bool fatal, const char *rule, const char *msg)
{
	problem(c, b, fatal, rule, NULL, "%s", msg);
}

/* Expand $ORIGIN, $LIB and $PLATFORM (glibc elf/dl-load.c _dl_dst_substitute). */
static const char *expand(struct imgchk *c, const char *dir, const char *origin, int elfclass)
{
	char out[4096];
	size_t o = 0;
	for (const char *p = dir; *p && o < sizeof(out) - 1;) {
		const char *rep = NULL;
		size_t skip = 0;
		if (p[0] == '$') {
			if (strncmp(p, "$ORIGIN", 7) == 0 || strncmp(p, "${ORIGIN}", 9) == 0) {
				rep = origin;
				skip = p[1] == '{' ? 9 : 7;
			} else if (strncmp(p, "$LIB", 4) == 0 || strncmp(p, "${LIB}", 6) == 0) {
				rep = elfclass == 64 ? "lib64" : "lib";
				skip = p[1] == '{' ? 6 : 4;
			} else if (strncmp(p, "$PLATFORM", 9) == 0 || strncmp(p, "${PLATFORM}", 11) == 0) {
				rep = "x86_64";
				skip = p[1] == '{' ? 11 : 9;
			}
		}
		if (rep) {
			size_t l = strlen(rep);
			if (o + l >= sizeof(out) - 1)
				break;
			memcpy(out + o, rep, l);
			o += l;
			p += skip;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = 0;
	return arena_strdup(c->ar, out);
}

static bool compatible(const struct imgchk_bin *a, const struct imgchk_bin *b)
{
	return b->ok && a->machine == b->machine && a->elfclass == b->elfclass;
}

/* Look for NAME in a colon-separated DT_RPATH/DT_RUNPATH list, then the
 * system directories. Sets *other to a same-named file for another machine. */
static ssize_t find_in(struct imgchk *c, const struct imgchk_bin *from, const char *list, const char *origin,
		       const char *name, const char **other)
{
	char dirs[4096];
	snprintf(dirs, sizeof(dirs), "%s", list ? list : "");
	char *save, *tok;
	for (tok = strtok_r(dirs, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		const char *d = expand(c, tok, origin, from->elfclass);
		char path[8192];
		snprintf(path, sizeof(path), "%s/%s", d, name);
		struct img_node *n = img_lookup(c->fs, path, true, NULL);
		if (n && n->type == IMG_REG && n->bin >= 0) {
			if (compatible(from, &c->bins[n->bin]))
				return n->bin;
			if (!*other)
				*other = c->bins[n->bin].path;
		}
	}
	return -1;
}

static ssize_t find_lib(struct imgchk *c, const struct tree *t, size_t from_i, const char *name, bool musl,
			const char **other)
{
	const struct imgchk_bin *from = &c->bins[from_i];
	if (strchr(name, '/')) {
		struct img_node *n = img_lookup(c->fs, name, true, NULL);
		if (n && n->type == IMG_REG && n->bin >= 0 && compatible(from, &c->bins[n->bin]))
			return n->bin;
		return -1;
	}
	char origin[4096];
	snprintf(origin, sizeof(origin), "%s", from->path);
	char *sl = strrchr(origin, '/');
	if (sl)
		*(sl == origin ? sl + 1 : sl) = 0;
	ssize_t r;
	if (!musl) {
		/* DT_RPATH of the loading object and then of the executable, unless
		 * the loading object has DT_RUNPATH (glibc dl-load.c _dl_map_object) */
		if (!from->runpath) {
			if (from->rpath && (r = find_in(c, from, from->rpath, origin, name, other)) >= 0)
				return r;
			const struct imgchk_bin *exe = &c->bins[t->obj[0]];
			if (exe != from && exe->rpath && !exe->runpath) {
				char eo[4096];
				snprintf(eo, sizeof(eo), "%s", exe->path);
				char *es = strrchr(eo, '/');
				if (es)
					*(es == eo ? es + 1 : es) = 0;
				if ((r = find_in(c, from, exe->rpath, eo, name, other)) >= 0)
					return r;
			}
		}
		if (from->runpath && (r = find_in(c, from, from->runpath, origin, name, other)) >= 0)
			return r;
	} else {
		/* musl: DT_RPATH and DT_RUNPATH alike, before the path file */
		const char *rp = from->runpath ? from->runpath : from->rpath;
		if (rp && (r = find_in(c, from, rp, origin, name, other)) >= 0)
			return r;
	}
	/* the system directories give the same answer for every object of one
	 * class and machine: remember it */
	size_t h = 1469598103934665603ull ^ (size_t)musl ^ ((size_t)from->elfclass << 1) ^ ((size_t)from->machine << 8);
	for (const char *q = name; *q; q++)
		h = (h ^ (unsigned char)*q) * 1099511628211ull;
	struct syscache **slot = &c->cache[h % IMGC_CACHE];
	for (struct syscache *e = *slot; e; e = e->next)
		if (e->musl == musl && e->elfclass == from->elfclass && e->machine == from->machine &&
		    strcmp(e->name, name) == 0) {
			if (!*other)
				*other = e->other;
			return e->bin;
		}
	const struct goabi_strv *sys = musl ? &c->musl_dirs : &c->glibc_dirs;
	ssize_t found = -1;
	const char *oth = NULL;
	for (size_t i = 0; i < sys->n && found < 0; i++) {
		char path[8192];
		snprintf(path, sizeof(path), "%s/%s", sys->v[i], name);
		struct img_node *n = img_lookup(c->fs, path, true, NULL);
		if (n && n->type == IMG_REG && n->bin >= 0) {
			if (compatible(from, &c->bins[n->bin]))
				found = n->bin;
			else if (!oth)
				oth = c->bins[n->bin].path;
		}
	}
	struct syscache *e = arena_alloc(c->ar, sizeof(*e));
	if (e) {
		e->name = arena_strdup(c->ar, name);
		e->musl = musl;
		e->elfclass = from->elfclass;
		e->machine = from->machine;
		e->bin = found;
		e->other = oth;
		e->next = *slot;
		if (e->name)
			*slot = e;
	}
	if (!*other)
		*other = oth;
	return found;
}

static bool is_musl_libc_name(const char *n)
{
	return strcmp(n, "libc.so") == 0 || strncmp(n, "libc.musl-", 10) == 0 || strncmp(n, "ld-musl-", 8) == 0;
}

static bool has_str(const char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* " (glibc 2.17)" when lib is one of the image's C libraries */
static const char *lib_label(struct imgchk *c, const struct imgchk_bin *lib)
{
	for (size_t i = 0; i < c->nlibcs; i++)
		if (strcmp(c->libcs[i].path, lib->path) == 0 && c->libcs[i].version)
			return arena_printf(c->ar, " (%s %s)", c->libcs[i].family, c->libcs[i].version);
	return "";
}

/* "GLIBC_2.36" when lib is the image's glibc libc.so.6 of a known release */
static const char *glibc_release(struct imgchk *c, const struct imgchk_bin *lib)
{
	for (size_t i = 0; i < c->nlibcs; i++)
		if (strcmp(c->libcs[i].path, lib->path) == 0 && strcmp(c->libcs[i].family, "glibc") == 0 &&
		    c->libcs[i].version)
			return arena_printf(c->ar, "GLIBC_%s", c->libcs[i].version);
	return NULL;
}

static void check_one(struct imgchk *c, struct imgchk_bin *b, struct tree *t)
{
	if (!b->ok) {
		b->verdict = IMGC_SKIPPED;
		b->reason = b->error ? b->error : "not a readable ELF file";
		return;
	}
	if (b->debug_file) {
		b->verdict = IMGC_SKIPPED;
		b->reason = "separate debug file (code and data are not in it): never loaded";
		return;
	}
	if (b->etype != ET_EXEC && b->etype != ET_DYN) {
		b->verdict = IMGC_SKIPPED;
		b->reason = arena_printf(c->ar, "ELF type %s: not loaded by itself", b->type_name ? b->type_name : "?");
		return;
	}
	b->executable = b->etype == ET_EXEC || (b->etype == ET_DYN && b->interp);
	b->verdict = IMGC_OK;
	bool foreign = c->image_machine && b->machine != c->image_machine;
	if (foreign && b->executable)
		problem(c, b, true, "image/foreign-machine", "Exec format error", "built for %s, the image is %s/%s", b->machine_name ? b->machine_name : "another machine",
			c->fs->os ? c->fs->os : "?", c->fs->arch ? c->fs->arch : "?");
	/* which loader runs it */
	bool musl = false;
	if (b->interp)
		musl = strstr(b->interp, "ld-musl") != NULL;
	else if (b->family)
		musl = b->fam == GOABI_LIBC_MUSL;
	else
		musl = c->main_family && strcmp(c->main_family, "musl") == 0;
	const char *interp_path = NULL;
	if (b->interp) {
		const char *why = NULL;
		struct img_node *n = img_lookup(c->fs, b->interp, true, &why);
		if (!n) {
			bool fam_mismatch = c->nlibcs && !musl && strcmp(c->libcs[0].family, "musl") == 0;
			bool fam_mismatch2 = c->nlibcs && musl && strcmp(c->libcs[0].family, "glibc") == 0;
			problem(c, b, true, "image/missing-interpreter", "No such file or directory",
				"interpreter %s: %s in the image%s", b->interp, why,
				fam_mismatch ? " (a glibc binary in a musl image)"
				: fam_mismatch2 ? " (a musl binary in a glibc image)" : "");
		} else if (n->type != IMG_REG || n->bin < 0 || !c->bins[n->bin].ok) {
			problem(c, b, true, "image/bad-interpreter", "Accessing a corrupted shared library",
				"interpreter %s is not an ELF file in the image", b->interp);
		} else if (!compatible(b, &c->bins[n->bin])) {
			problem(c, b, true, "image/bad-interpreter", "Accessing a corrupted shared library",
				"interpreter %s is for %s", b->interp, c->bins[n->bin].machine_name);
		} else {
			interp_path = c->bins[n->bin].path;
			const struct imgchk_bin *ib = &c->bins[n->bin];
			if (!musl && ib->musl_version)
				problem(c, b, false, "image/glibc-on-musl-loader", NULL,
					"glibc binary run by musl's loader %s (gcompat?): symbol versions not checked",
					interp_path);
			if (!musl && ib->musl_version)
				musl = true;
		}
	}
	const char *loader_name = b->interp ? base_name(b->interp) : NULL;
	if (!b->interp && musl)
		for (size_t i = 0; i < c->nlibcs; i++)
			if (strcmp(c->libcs[i].family, "musl") == 0) {
				interp_path = c->libcs[i].path; /* a musl library is loaded by musl's loader */
				loader_name = base_name(interp_path);
				break;
			}
	/* dependency tree, breadth first like lddtree */
	t->n = 0;
	t->obj[t->n] = (size_t)(b - c->bins);
	t->loaded_as[t->n++] = b->path;
	for (size_t q = 0; q < t->n; q++) {
		struct imgchk_bin *o = &c->bins[t->obj[q]];
		for (size_t k = 0; k < o->nneeded; k++) {
			const char *name = o->needed[k];
			if (interp_path && (strcmp(name, loader_name) == 0 || (musl && is_musl_libc_name(name)))) {
				if (q == 0)
					strv_push(c->ar, &b->deps, arena_printf(c->ar, "%s => %s (the interpreter)", name, interp_path));
				continue;
			}
			if (musl && !interp_path && is_musl_libc_name(name) && b->interp)
				continue; /* already reported: the interpreter is missing */
			const char *other = NULL;
			ssize_t r = find_lib(c, t, t->obj[q], name, musl, &other);
			if (r < 0) {
				/* the loaders' words: glibc dl-load.c _dl_map_object, musl
				 * ldso/dynlink.c load_library's caller */
				const char *says = musl ? arena_printf(c->ar, "Error loading shared library %s: No such file or directory (needed by %s)",
								  name, o->path)
							: arena_printf(c->ar, "error while loading shared libraries: %s: cannot open shared object file: No such file or directory",
								  name);
				if (other)
					problem(c, b, true, "image/library-wrong-machine", says,
						"%s%s%s: only %s found, for another machine or class", name,
						q ? " (needed by " : "", q ? arena_printf(c->ar, "%s)", o->path) : "", other);
				else
					problem(c, b, true, "image/missing-library", says, "%s%s%s not found", name, q ? " (needed by " : "",
						q ? arena_printf(c->ar, "%s)", o->path) : "");
				continue;
			}
			if (q == 0)
				strv_push(c->ar, &b->deps, arena_printf(c->ar, "%s => %s", name, c->bins[r].path));
			if (!in_tree(t, (size_t)r) && t->n < MAX_TREE) {
				t->obj[t->n] = (size_t)r;
				t->loaded_as[t->n++] = name;
			}
		}
	}
	/* Go runtimes in the process: the program and every Go shared library
	 * it loads start their own (gccgo's share libgo). Go supports one per
	 * process (golang/go#18976, #65050). */
	{
		char who[1024];
		size_t wl = 0, nrt = 0;
		bool gccgo = false;
		who[0] = 0;
		for (size_t q = 0; q < t->n; q++) {
			const struct imgchk_bin *o = &c->bins[t->obj[q]];
			if (!o->go_version)
				continue;
			bool gc = strstr(o->go_version, "gccgo") == NULL;
			if (!gc && gccgo)
				continue;
			gccgo |= !gc;
			nrt++;
			if (wl < sizeof(who) - 200)
				wl += (size_t)snprintf(who + wl, sizeof(who) - wl, "%s%s (%s)", wl ? ", " : "", o->path, o->go_version);
		}
		if (nrt >= 2)
			problem(c, b, false, "image/go-runtimes", NULL, "%zu Go runtimes in one process: %s; Go supports one runtime per process "
				"(golang/go#18976, #65050)", nrt, who);
	}
	/* symbol versions: glibc's loader refuses to start when a version from
	 * .gnu.version_r is not defined by the library (dl-version.c) */
	for (size_t q = 0; q < t->n; q++) {
		struct imgchk_bin *o = &c->bins[t->obj[q]];
		for (size_t k = 0; k < o->nvn; k++) {
			const struct imgc_verneed *v = &o->vn[k];
			struct imgchk_bin *lib = NULL;
			for (size_t j = 0; j < t->n && !lib; j++) {
				struct imgchk_bin *cand = &c->bins[t->obj[j]];
				if (strcmp(t->loaded_as[j], v->file) == 0 || (cand->soname && strcmp(cand->soname, v->file) == 0))
					lib = cand;
			}
			if (!lib && interp_path && strcmp(v->file, loader_name) == 0) {
				struct img_node *n = img_lookup(c->fs, interp_path, true, NULL);
				if (n && n->bin >= 0)
					lib = &c->bins[n->bin];
			}
			if (!lib)
				continue;
			if (musl) {
				if (q == 0 && v->nvers && strncmp(v->vers[0], "GLIBC_", 6) == 0 && !lib->nverdef && lib->musl_version)
					problem(c, b, false, "image/glibc-symbols-on-musl", NULL,
						"needs %s from %s, provided by musl: symbols may be missing", v->vers[0], v->file);
				continue;
			}
			if (!lib->nverdef)
				continue; /* glibc only warns ("no version information available") */
			/* The image's glibc libc.so.6: its release decides, against the
			 * object's glibc floor (the libc.glibc_floor fact: the newest
			 * GLIBC_x.y it needs). glibc never drops a version node, so
			 * GLIBC_x.y is defined exactly when x.y is not newer than the
			 * release: the same answer as looking each one up. Other
			 * versions (GLIBC_PRIVATE, other libraries' GLIBCXX_3.4.30 ...)
			 * are looked up in the library's definitions, as dl-version.c
			 * does. */
			const char *rel = glibc_release(c, lib);
			bool floor_ok = rel && (!o->glibc_floor || version_cmp(o->glibc_floor, rel) <= 0);
			char miss[512];
			size_t mo = 0, nmiss = 0, nnum = 0;
			miss[0] = 0;
			for (size_t j = 0; j < v->nvers; j++) {
				bool numbered = rel && strncmp(v->vers[j], "GLIBC_", 6) == 0 && v->vers[j][6] >= '0' &&
						v->vers[j][6] <= '9';
				bool missing = numbered ? !floor_ok && version_cmp(v->vers[j], rel) > 0
							: !has_str(lib->verdef, lib->nverdef, v->vers[j]);
				if (missing) {
					nnum += numbered;
					if (mo < sizeof(miss) - 80)
						mo += (size_t)snprintf(miss + mo, sizeof(miss) - mo, "%s%s", nmiss ? ", " : "",
								       v->vers[j]);
					nmiss++;
				}
			}
			if (nmiss) {
				/* glibc names the first missing version (dl-version.c match_symbol) */
				size_t fl = strcspn(miss, ",");
				const char *says = arena_printf(c->ar, "%s: version `%.*s' not found (required by %s)", lib->path,
								(int)fl, miss, o->path);
				problem(c, b, true, nnum ? "image/glibc-too-old" : "image/missing-version",
					says, "%s not defined by %s%s%s%s", miss, lib->path,
					lib_label(c, lib), q ? " (needed by " : "", q ? arena_printf(c->ar, "%s)", o->path) : "");
			}
		}
	}
	/* ISA level */
	if (c->o.cpu_level && b->machine == EM_X86_64) {
		int d = goabi_x86_level(b->isa_declared), r = goabi_x86_level(b->isa_required);
		if (d > c->o.cpu_level)
			/* the Go runtime's words (runtime/asm_amd64.s bad_cpu_msg) */
			problem(c, b, b->go_version != NULL, "image/isa-above-cpu",
				b->go_version ? arena_printf(c->ar, "This program can only be run on AMD64 processors with v%d microarchitecture support.", d)
					      : NULL,
				"declares %s, CPU is x86-64-v%d%s", b->isa_declared, c->o.cpu_level,
				b->go_version ? " (the Go runtime checks at start-up)" : "");
		else if (r > c->o.cpu_level)
			problem(c, b, false, "image/isa-used-above-cpu", NULL, "uses %s instructions outside CPU-feature checks, CPU is x86-64-v%d",
				b->isa_required, c->o.cpu_level);
	}
	imgc_nss_check(c, b);
}

/* ---- the image's C libraries ---- */
static void find_libcs(struct imgchk *c)
{
	for (size_t i = 0; i < c->nbins; i++) {
		struct imgchk_bin *b = &c->bins[i];
		if (!b->ok)
			continue;
		/* by file name, else by SONAME: before glibc 2.34 the files are
		 * libc-2.31.so and ld-2.31.so behind the libc.so.6 and
		 * ld-linux-x86-64.so.2 symlinks (bullseye, focal, EL8), and only
		 * real files are binaries here */
		const char *bn = base_name(b->path);
		if (b->soname && (strncmp(bn, "libc-", 5) == 0 || strncmp(bn, "ld-", 3) == 0))
			bn = b->soname;
		bool loader = strncmp(bn, "ld-linux", 8) == 0 || strncmp(bn, "ld-musl-", 8) == 0 ||
			      strcmp(bn, "ld64.so.1") == 0 || strcmp(bn, "ld64.so.2") == 0 || strncmp(bn, "ld.so.1", 7) == 0;
		if (loader)
			strv_push_unique(c->ar, &c->loaders, b->path);
		if (c->nlibcs >= sizeof(c->libcs) / sizeof(c->libcs[0]))
			continue;
		struct imgc_libc *l = &c->libcs[c->nlibcs];
		if (strcmp(bn, "libc.so.6") == 0 && b->nverdef) {
			const char *best = NULL;
			for (size_t j = 0; j < b->nverdef; j++)
				if (strncmp(b->verdef[j], "GLIBC_2.", 8) == 0 && (!best || version_cmp(b->verdef[j], best) > 0))
					best = b->verdef[j];
			l->family = "glibc";
			l->version = best ? best + 6 : NULL;
			l->path = b->path;
			l->evidence = arena_printf(c->ar, "newest of %zu version definitions in %s: %s", b->nverdef, b->path,
						   best ? best : "none");
			c->nlibcs++;
		} else if (b->musl_version && (strncmp(bn, "ld-musl-", 8) == 0 || strcmp(bn, "libc.so") == 0 ||
					       strncmp(bn, "libc.musl-", 10) == 0)) {
			for (size_t j = 0; j < c->nlibcs; j++)
				if (strcmp(c->libcs[j].family, "musl") == 0 && strcmp(c->libcs[j].version, b->musl_version) == 0)
					goto next;
			l->family = "musl";
			l->version = b->musl_version;
			l->path = b->path;
			l->evidence = arena_printf(c->ar, "version string \"%s\" beside \"musl libc (\" in %s", b->musl_version,
						   b->path);
			c->nlibcs++;
		}
	next:;
	}
	c->main_family = c->nlibcs ? c->libcs[0].family : "none";
}

/* Worker threads when -j is not given. Reading a file the size of most of
 * a distribution's (a shared library of ~100 KB, its headers and dynamic
 * section only) is a handful of system calls, and threads then contend for
 * the one address space: every munmap of a mapping another thread's CPU may
 * cache is a TLB shootdown. On a bookworm minbase (695 ELF files, 97 KB on
 * average) two threads cost 45 % more CPU for the same wall time as one
 * (BENCHMARKS.md); on a directory of 10 MB Go programs they halve the wall
 * time. So: all cores once the ELF files average 1 MB or more, else one. */
static int default_workers(const struct imgchk *c)
{
	uint64_t bytes = 0;
	for (size_t i = 0; i < c->nbins; i++)
		bytes += c->bins[i].node->size;
	if (c->nbins == 0 || bytes / c->nbins < (1u << 20))
		return 1;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

int imgchk_run(struct imgchk *c, struct img_fs *fs, const struct imgc_opts *o)
{
	memset(c, 0, sizeof(*c));
	c->fs = fs;
	c->o = *o;
	c->ar = arena_new();
	if (!c->ar)
		return GOABI_ENOMEM;
	pthread_mutex_init(&c->mu, NULL);
	c->image_machine = imgc_arch_machine(fs->arch);
	struct collect k = { c, 0, 0, true };
	img_walk(fs, collect_fn, &k);
	size_t total = k.n;
	c->bins = calloc(total ? total : 1, sizeof(*c->bins));
	if (!c->bins)
		return GOABI_ENOMEM;
	k.count_only = false;
	k.cap = total;
	k.n = 0;
	img_walk(fs, collect_fn, &k);
	c->nbins = k.n;
	img_walk(fs, foreign_fn, c);
	for (size_t i = 0; i < c->nbins; i++) {
		char buf[8192];
		c->bins[i].path = arena_strdup(c->ar, img_path(fs, c->bins[i].node, buf, sizeof(buf)));
	}
	qsort(c->bins, c->nbins, sizeof(*c->bins), path_cmp);
	for (size_t i = 0; i < c->nbins; i++)
		c->bins[i].node->bin = (int)i;

	int nw = o->jobs > 0 ? o->jobs : default_workers(c);
	if (nw < 1)
		nw = 1;
	if (nw > 64)
		nw = 64;
	c->warena = calloc((size_t)nw, sizeof(*c->warena));
	pthread_t *th = calloc((size_t)nw, sizeof(*th));
	struct worker *ws = calloc((size_t)nw, sizeof(*ws));
	if (!c->warena || !th || !ws) {
		free(th);
		free(ws);
		return GOABI_ENOMEM;
	}
	c->nworkers = nw;
	int started = 0;
	for (int i = 0; i < nw; i++) {
		c->warena[i] = arena_new();
		ws[i].c = c;
		ws[i].ar = c->warena[i];
		if (!ws[i].ar)
			break;
		if (i > 0 && pthread_create(&th[i], NULL, work, &ws[i]) != 0)
			break;
		started = i + 1;
	}
	if (started > 0)
		work(&ws[0]); /* the calling thread works too */
	for (int i = 1; i < started; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < started; i++)
		if (ws[i].keep_ar) { /* memo entries point into it: kept for the process */
			pthread_mutex_lock(&memo_mu);
			struct goabi_arena **na = realloc(memo_kept, (memo_nkept + 1) * sizeof(*na));
			if (na) {
				memo_kept = na;
				memo_kept[memo_nkept++] = c->warena[i];
			}
			c->warena[i] = NULL; /* never freed, even when it could not be listed */
			pthread_mutex_unlock(&memo_mu);
		}
	free(th);
	free(ws);

	find_libcs(c);
	imgchk_search_paths(c);
	imgc_nss_load(c);
	struct tree *t = malloc(sizeof(*t));
	if (!t)
		return GOABI_ENOMEM;
	for (size_t i = 0; i < c->nbins; i++) {
		check_one(c, &c->bins[i], t);
		c->counts[c->bins[i].verdict]++;
	}
	free(t);
	return 0;
}

void imgchk_free(struct imgchk *c)
{
	for (int i = 0; i < c->nworkers; i++)
		arena_free(c->warena[i]);
	free(c->warena);
	free(c->bins);
	arena_free(c->ar);
	pthread_mutex_destroy(&c->mu);
	memset(c, 0, sizeof(*c));
}

size_t imgc_go_inventory(const struct imgchk *c, struct imgc_goinv *g, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < c->nbins; i++) {
		const struct imgchk_bin *b = &c->bins[i];
		if (!b->go_version)
			continue;
		size_t k;
		for (k = 0; k < n; k++)
			if (strcmp(g[k].version, b->go_version) == 0)
				break;
		if (k == n) {
			if (n == max)
				continue;
			g[n].version = b->go_version;
			g[n].n = g[n].cgo = g[n].stat = 0;
			n++;
		}
		g[k].n++;
		if (b->cgo == GOABI_CGO_ON)
			g[k].cgo++;
		if (!b->interp && !b->nneeded)
			g[k].stat++;
	}
	return n;
}


size_t imgc_family_counts(const struct imgchk *c, struct imgc_famcount *f, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < c->nbins; i++) {
		const struct imgchk_bin *b = &c->bins[i];
		if (b->verdict == IMGC_SKIPPED)
			continue;
		const char *fam = b->family ? b->family : "unknown";
		size_t k;
		for (k = 0; k < n; k++)
			if (strcmp(f[k].family, fam) == 0)
				break;
		if (k == n) {
			if (n == max)
				continue;
			f[n].family = fam;
			f[n++].n = 0;
		}
		f[k].n++;
	}
	return n;
}
