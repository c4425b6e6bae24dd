/* goabi image: inspect every ELF file of an image in parallel, then decide
 * for each executable and shared object whether it will start: interpreter
 * present, each DT_NEEDED found (recursively, as lddtree does) with the same
 * class and machine, every .gnu.version_r version defined by the library
 * found (glibc's loader only; musl ignores versions), libc family, ISA level.
 * Nothing is executed. */
#include <elf.h>
#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check/image_check_int.h"
#include "facts/facts.h"
#include "goabi/checks.h"
#include "read/registry.h"

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
 * file named like musl's loader or libc (bounded in rsv_musl_version). */
static void musl_version(struct imgchk *c, struct imgchk_bin *b, struct goabi_arena *ar)
{
	const char *bn = strrchr(b->path, '/') ? strrchr(b->path, '/') + 1 : b->path;
	const uint8_t *p;
	size_t len;
	if (!rsv_musl_candidate(bn))
		return;
	if (!img_map(c->fs, b->node, &p, &len))
		return;
	b->musl_version = rsv_musl_version(p, len, ar);
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
			struct rsv_verneed *v = &b->vn[b->nvn++];
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
 * freed) once they hold a published entry. MEMO_MAX bounds the entries.
 *
 * Across processes (shards on one --cache volume): each layer's facts are
 * also a fact entry of the cache (read/layercache.c: atomic, sha256
 * verified on every read, LRU with the layers), serialised below as JSON
 * and named by the layer digest and a variant: FACTS_VERSION, goabi's
 * version and the options. Before an image's files are inspected, the
 * entries of its layers not yet seen by this process are read into the
 * memo; after, a layer whose files this process inspected and the entry
 * lacked is written again with everything the process has of it. */
#define MEMO_BUCKETS 65536u
#define MEMO_MAX 262144u
/* Bump when extract(), imgc_nss_extract() or musl_version() keep other
 * facts or compute them differently: entries of another version are never
 * read (their name differs). */
#define FACTS_VERSION 2 /* 2: module lines begin with the package path ("path") */
/* One layer's entry: jansson's tree of a JSON text takes several times its
 * size, so an entry read back is bounded well below the memory a run may
 * use; a larger one is neither written nor read (its files are inspected). */
#define FACTS_MAX_BYTES ((uint64_t)64 << 20)
#define FACTS_MAX_LIST 65536u               /* strings in one list of one file */
#if defined(__x86_64__) || defined(__aarch64__)
/* a field added to struct imgchk_bin: serialise it below (facts_to_json,
 * facts_from_json) when extract() fills it, bump FACTS_VERSION, then
 * update this size */
_Static_assert(sizeof(struct imgchk_bin) == 472, "struct imgchk_bin changed: check the fact cache's serialisation");
#endif
struct memo {
	struct memo *next;
	struct memo *lnext;      /* the same layer's entries (struct flayer) */
	uint64_t h;
	const char *key;
	const char *path;        /* path in the image (= in the layer) */
	uint64_t size;
	struct imgchk_bin facts; /* node, path, verdict fields unset */
};
/* the facts of one layer (and variant) this process has */
struct flayer {
	struct flayer *next;
	const char *digest, *variant;
	bool looked;             /* the cache entry was read (or found absent) */
	bool dirty;              /* facts extracted here that the entry lacks */
	struct memo *first;
};
static pthread_mutex_t memo_mu = PTHREAD_MUTEX_INITIALIZER;
static struct memo **memo_tab;
static struct goabi_arena *memo_ar; /* keys, entries, facts read from the cache */
static size_t memo_n;
static struct goabi_arena **memo_kept; /* worker arenas holding entries' facts */
static size_t memo_nkept;
#define FLAYER_BUCKETS 4096u
static struct flayer *flayers[FLAYER_BUCKETS]; /* by digest and variant */
static unsigned long long stat_inspected, stat_reused;

void goabi_image_fact_stats(unsigned long long *inspected, unsigned long long *reused)
{
	pthread_mutex_lock(&memo_mu);
	*inspected = stat_inspected;
	*reused = stat_reused;
	pthread_mutex_unlock(&memo_mu);
}

/* the digest of the layer that brings b's bytes, NULL when its bytes are
 * not named by a layer digest */
static const char *memo_layer(const struct imgchk *c, const struct imgchk_bin *b)
{
	const struct img_node *n = b->node;
	const struct img_fs *fs = c->fs;
	if (!c->o.share_facts || n->src != IMG_SRC_BLOB || n->lower_bytes || n->layer < 1 ||
	    n->layer > fs->nlayer_digest || !fs->layer_digest[n->layer - 1])
		return NULL;
	return fs->layer_digest[n->layer - 1];
}

static char *make_key(const char *digest, const char *path, uint64_t size, bool go_modules, bool isa_scan, uint64_t *h)
{
	char *k = NULL;
	if (asprintf(&k, "%s\n%s\n%llu\n%d%d", digest, path, (unsigned long long)size, go_modules, isa_scan) < 0)
		return NULL;
	uint64_t x = 1469598103934665603ull;
	for (const char *p = k; *p; p++)
		x = (x ^ (unsigned char)*p) * 1099511628211ull;
	*h = x;
	return k;
}

/* the key of b's facts, or NULL when its bytes are not named by a layer digest */
static char *memo_key(const struct imgchk *c, const struct imgchk_bin *b, uint64_t *h)
{
	const char *d = memo_layer(c, b);
	return d ? make_key(d, b->path, b->node->size, c->o.go_modules, c->o.isa_scan, h) : NULL;
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

/* the variant of the cache's fact entries for these options */
static void facts_variant(const struct imgchk *c, char *buf, size_t n)
{
	snprintf(buf, n, "f%d-%s-m%di%d", FACTS_VERSION, GOABI_VERSION, c->o.go_modules, c->o.isa_scan);
}

/* memo_mu held */
static struct flayer *flayer_get(const char *digest, const char *variant, bool create)
{
	uint64_t x = 1469598103934665603ull;
	for (const char *p = digest; *p; p++)
		x = (x ^ (unsigned char)*p) * 1099511628211ull;
	for (const char *p = variant; *p; p++)
		x = (x ^ (unsigned char)*p) * 1099511628211ull;
	struct flayer **head = &flayers[x % FLAYER_BUCKETS];
	for (struct flayer *l = *head; l; l = l->next)
		if (strcmp(l->digest, digest) == 0 && strcmp(l->variant, variant) == 0)
			return l;
	if (!create || !memo_ar)
		return NULL;
	struct flayer *l = arena_alloc(memo_ar, sizeof(*l));
	if (!l)
		return NULL;
	memset(l, 0, sizeof(*l));
	l->digest = arena_strdup(memo_ar, digest);
	l->variant = arena_strdup(memo_ar, variant);
	if (!l->digest || !l->variant)
		return NULL;
	l->next = *head;
	*head = l;
	return l;
}

/* memo_mu held: a new entry for k (absent), facts copied; NULL when full */
static struct memo *memo_add(const char *k, uint64_t h, const char *path, uint64_t size, const struct imgchk_bin *b)
{
	if (!memo_ar)
		memo_ar = arena_new();
	if (!memo_tab && memo_ar)
		memo_tab = calloc(MEMO_BUCKETS, sizeof(*memo_tab));
	if (!memo_tab || memo_n >= MEMO_MAX)
		return NULL;
	struct memo *m = arena_alloc(memo_ar, sizeof(*m));
	const char *key = m ? arena_strdup(memo_ar, k) : NULL;
	const char *p = key ? arena_strdup(memo_ar, path) : NULL;
	if (!p)
		return NULL;
	memset(m, 0, sizeof(*m));
	m->h = h;
	m->key = key;
	m->path = p;
	m->size = size;
	m->facts = *b;
	m->facts.node = NULL;
	m->facts.path = NULL;
	m->next = memo_tab[h % MEMO_BUCKETS];
	memo_tab[h % MEMO_BUCKETS] = m;
	memo_n++;
	return m;
}

/* publish b's facts (just extracted: no verdict yet); true when kept */
static bool memo_put(const struct imgchk *c, const char *k, uint64_t h, const struct imgchk_bin *b)
{
	bool kept = false;
	pthread_mutex_lock(&memo_mu);
	struct memo *m = memo_find(k, h) ? NULL : memo_add(k, h, b->path, b->node->size, b);
	if (m) {
		kept = true;
		const struct img_remote *rm = c->fs->lim.remote;
		char variant[128];
		facts_variant(c, variant, sizeof(variant));
		struct flayer *l = rm && rm->cache_dir ? flayer_get(memo_layer(c, b), variant, true) : NULL;
		if (l) {
			m->lnext = l->first;
			l->first = m;
			l->dirty = true;
		}
	}
	pthread_mutex_unlock(&memo_mu);
	return kept;
}

/* ---- the facts as JSON (the cache's fact entries) ---- */
/* string fields of struct imgchk_bin, by name */
static const struct {
	const char *name;
	size_t off;
} fact_strs[] = {
#define S(f) { #f, offsetof(struct imgchk_bin, f) }
	S(error), S(machine_name), S(type_name), S(interp), S(soname), S(rpath), S(runpath), S(family),
	S(family_evidence), S(linkage), S(go_version), S(go_cgo), S(go_modules), S(isa_declared), S(isa_required),
	S(musl_version), S(glibc_floor), S(glibc_floor_ev), S(family_conf), S(nss_go_user), S(nss_go_user_ev),
	S(nss_go_res), S(nss_go_res_ev), { "nss_calls0", offsetof(struct imgchk_bin, nss_calls[0]) },
	{ "nss_calls1", offsetof(struct imgchk_bin, nss_calls[1]) }, { "nss_calls2", offsetof(struct imgchk_bin, nss_calls[2]) },
	{ "nss_calls3", offsetof(struct imgchk_bin, nss_calls[3]) },
#undef S
};
_Static_assert(sizeof(((struct imgchk_bin *)0)->nss_calls) / sizeof(char *) == 4, "nss_calls: one name per NSS database");

static json_t *strs_json(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(v[i] ? v[i] : ""));
	return a;
}

static json_t *facts_to_json(const struct memo *m)
{
	const struct imgchk_bin *b = &m->facts;
	json_t *f = json_object();
	if (!f)
		return NULL;
	for (size_t i = 0; i < sizeof(fact_strs) / sizeof(fact_strs[0]); i++) {
		const char *s = *(const char *const *)((const char *)b + fact_strs[i].off);
		if (s)
			json_object_set_new(f, fact_strs[i].name, json_string(s));
	}
	json_object_set_new(f, "ok", json_boolean(b->ok));
	json_object_set_new(f, "debug_file", json_boolean(b->debug_file));
	json_object_set_new(f, "pie", json_boolean(b->pie));
	json_object_set_new(f, "nss_static", json_boolean(b->nss_static));
	json_object_set_new(f, "nss_builtin", json_boolean(b->nss_builtin));
	json_object_set_new(f, "machine", json_integer(b->machine));
	json_object_set_new(f, "etype", json_integer(b->etype));
	json_object_set_new(f, "elfclass", json_integer(b->elfclass));
	json_object_set_new(f, "fam", json_integer(b->fam));
	json_object_set_new(f, "link", json_integer(b->link));
	json_object_set_new(f, "cgo", json_integer(b->cgo));
	json_object_set_new(f, "nss_go_dbs", json_integer(b->nss_go_dbs));
	json_object_set_new(f, "nss_c_dbs", json_integer(b->nss_c_dbs));
	json_object_set_new(f, "needed", strs_json(b->needed, b->nneeded));
	json_object_set_new(f, "verdef", strs_json(b->verdef, b->nverdef));
	json_t *vn = json_array();
	for (size_t i = 0; vn && i < b->nvn; i++)
		json_array_append_new(vn, json_pack("{s:s, s:o}", "file", b->vn[i].file ? b->vn[i].file : "", "vers",
						    strs_json(b->vn[i].vers, b->vn[i].nvers)));
	json_object_set_new(f, "verneed", vn);
	return json_pack("{s:s, s:I, s:o}", "path", m->path, "size", (json_int_t)m->size, "facts", f);
}

/* the content of a layer's fact entry (malloc'ed), memo_mu held */
static char *layer_json(const struct flayer *l)
{
	json_t *files = json_array();
	for (const struct memo *m = l->first; files && m; m = m->lnext)
		json_array_append_new(files, facts_to_json(m));
	json_t *top = json_pack("{s:s, s:i, s:s, s:s, s:o}", "format", "goabi-facts", "version", FACTS_VERSION, "layer",
				l->digest, "variant", l->variant, "files", files);
	char *s = top ? json_dumps(top, JSON_COMPACT) : NULL;
	json_decref(top);
	return s;
}

/* helpers reading one member: false when present with the wrong type */
static bool get_str(json_t *o, const char *k, const char **dst)
{
	json_t *v = json_object_get(o, k);
	if (!v)
		return true;
	if (!json_is_string(v))
		return false;
	*dst = arena_strdup(memo_ar, json_string_value(v));
	return *dst != NULL;
}

static bool get_strs(json_t *o, const char *k, const char ***dst, size_t *n)
{
	json_t *v = k ? json_object_get(o, k) : o;
	if (!json_is_array(v) || json_array_size(v) > FACTS_MAX_LIST)
		return false;
	size_t len = json_array_size(v);
	*n = 0;
	*dst = NULL;
	if (!len)
		return true;
	*dst = arena_alloc(memo_ar, len * sizeof(**dst));
	if (!*dst)
		return false;
	for (size_t i = 0; i < len; i++) {
		json_t *s = json_array_get(v, i);
		if (!json_is_string(s) || !((*dst)[i] = arena_strdup(memo_ar, json_string_value(s))))
			return false;
	}
	*n = len;
	return true;
}

static bool get_int(json_t *o, const char *k, long long lo, long long hi, long long *dst)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return false;
	*dst = json_integer_value(v);
	return true;
}

static bool get_bool(json_t *o, const char *k, bool *dst)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_boolean(v))
		return false;
	*dst = json_is_true(v);
	return true;
}

/* one file's facts (what facts_to_json wrote); false when malformed */
static bool facts_from_json(json_t *f, struct imgchk_bin *b)
{
	memset(b, 0, sizeof(*b));
	if (!json_is_object(f))
		return false;
	for (size_t i = 0; i < sizeof(fact_strs) / sizeof(fact_strs[0]); i++)
		if (!get_str(f, fact_strs[i].name, (const char **)((char *)b + fact_strs[i].off)))
			return false;
	long long machine, etype, elfclass, fam, link, cgo, gdbs, cdbs;
	if (!get_bool(f, "ok", &b->ok) || !get_bool(f, "debug_file", &b->debug_file) || !get_bool(f, "pie", &b->pie) ||
	    !get_bool(f, "nss_static", &b->nss_static) || !get_bool(f, "nss_builtin", &b->nss_builtin) ||
	    !get_int(f, "machine", 0, 65535, &machine) || !get_int(f, "etype", 0, 65535, &etype) ||
	    !get_int(f, "elfclass", 0, 255, &elfclass) || !get_int(f, "fam", GOABI_LIBC_UNSET, GOABI_LIBC_UNKNOWN, &fam) ||
	    !get_int(f, "link", GOABI_LINK_UNSET, GOABI_LINK_RELOCATABLE, &link) ||
	    !get_int(f, "cgo", GOABI_CGO_UNSET, GOABI_CGO_OTHER, &cgo) || !get_int(f, "nss_go_dbs", 0, 0xffff, &gdbs) ||
	    !get_int(f, "nss_c_dbs", 0, 0xffff, &cdbs) || !get_strs(f, "needed", &b->needed, &b->nneeded) ||
	    !get_strs(f, "verdef", &b->verdef, &b->nverdef))
		return false;
	if (b->ok != (b->error == NULL))
		return false;
	b->machine = (unsigned)machine;
	b->etype = (unsigned)etype;
	b->elfclass = (int)elfclass;
	b->fam = (enum goabi_libc_family)fam;
	b->link = (enum goabi_linkage)link;
	b->cgo = (enum goabi_cgo)cgo;
	b->nss_go_dbs = (unsigned)gdbs;
	b->nss_c_dbs = (unsigned)cdbs;
	json_t *vn = json_object_get(f, "verneed");
	if (!json_is_array(vn) || json_array_size(vn) > FACTS_MAX_LIST)
		return false;
	if (json_array_size(vn)) {
		b->vn = arena_alloc(memo_ar, json_array_size(vn) * sizeof(*b->vn));
		if (!b->vn)
			return false;
		for (size_t i = 0; i < json_array_size(vn); i++) {
			json_t *e = json_array_get(vn, i);
			struct rsv_verneed *v = &b->vn[i];
			memset(v, 0, sizeof(*v));
			if (!json_is_object(e) || !json_is_string(json_object_get(e, "file")) || !get_str(e, "file", &v->file) ||
			    !get_strs(e, "vers", &v->vers, &v->nvers))
				return false;
		}
		b->nvn = json_array_size(vn);
	}
	return true;
}

/* memo_mu held: the facts of l's cache entry into the memo (all or none);
 * false when the entry is not usable */
static bool layer_from_json(const struct imgchk *c, struct flayer *l, const char *text, size_t len)
{
	json_error_t err;
	json_t *top = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	json_t *files = json_object_get(top, "files");
	json_int_t ver = json_integer_value(json_object_get(top, "version"));
	const char *fmt = json_string_value(json_object_get(top, "format"));
	const char *dg = json_string_value(json_object_get(top, "layer"));
	const char *va = json_string_value(json_object_get(top, "variant"));
	bool ok = json_is_array(files) && ver == FACTS_VERSION && fmt && strcmp(fmt, "goabi-facts") == 0 && dg &&
		  strcmp(dg, l->digest) == 0 && va && strcmp(va, l->variant) == 0 &&
		  json_array_size(files) <= MEMO_MAX; /* before the arrays are sized from it */
	size_t n = ok ? json_array_size(files) : 0;
	struct imgchk_bin *v = n ? calloc(n, sizeof(*v)) : NULL;
	const char **paths = n ? calloc(n, sizeof(*paths)) : NULL;
	uint64_t *sizes = n ? calloc(n, sizeof(*sizes)) : NULL;
	ok = ok && (!n || (v && paths && sizes));
	for (size_t i = 0; ok && i < n; i++) {
		json_t *e = json_array_get(files, i);
		json_t *sz = json_object_get(e, "size");
		paths[i] = json_string_value(json_object_get(e, "path"));
		ok = paths[i] && paths[i][0] == '/' && json_is_integer(sz) && json_integer_value(sz) >= 0 &&
		     facts_from_json(json_object_get(e, "facts"), &v[i]);
		if (ok)
			sizes[i] = (uint64_t)json_integer_value(sz);
	}
	/* a malformed entry is not used at all (the arena keeps what was
	 * copied: a corrupt entry is rare) */
	for (size_t i = 0; ok && i < n; i++) {
		uint64_t h;
		char *k = make_key(l->digest, paths[i], sizes[i], c->o.go_modules, c->o.isa_scan, &h);
		struct memo *m = k && !memo_find(k, h) ? memo_add(k, h, paths[i], sizes[i], &v[i]) : NULL;
		if (m) {
			m->lnext = l->first;
			l->first = m;
		}
		free(k);
	}
	free(v);
	free(paths);
	free(sizes);
	json_decref(top);
	return ok;
}

/* Before the workers: the cache's fact entries of this image's layers that
 * this process has not read yet. */
static void facts_load(struct imgchk *c)
{
	const struct img_remote *rm = c->fs->lim.remote;
	if (!c->o.share_facts || !rm || !rm->cache_dir)
		return;
	char variant[128];
	facts_variant(c, variant, sizeof(variant));
	pthread_mutex_lock(&memo_mu);
	if (!memo_ar)
		memo_ar = arena_new();
	for (unsigned i = 0; i < c->fs->nlayer_digest; i++) {
		const char *d = c->fs->layer_digest[i];
		struct flayer *l = d ? flayer_get(d, variant, true) : NULL;
		if (!l || l->looked)
			continue;
		l->looked = true;
		char *text = NULL;
		size_t len = 0;
		if (img_facts_load(c->fs, rm->cache_dir, d, variant, FACTS_MAX_BYTES, &text, &len) == 1 &&
		    !layer_from_json(c, l, text, len))
			img_facts_unusable(c->fs, rm->cache_dir, d, variant);
		free(text);
	}
	pthread_mutex_unlock(&memo_mu);
}

/* After the workers: write again the entries of this image's layers whose
 * files were inspected here and missing from the cache. */
static void facts_store(struct imgchk *c)
{
	const struct img_remote *rm = c->fs->lim.remote;
	if (!c->o.share_facts || !rm || !rm->cache_dir)
		return;
	char variant[128];
	facts_variant(c, variant, sizeof(variant));
	for (unsigned i = 0; i < c->fs->nlayer_digest; i++) {
		const char *d = c->fs->layer_digest[i];
		pthread_mutex_lock(&memo_mu);
		struct flayer *l = d ? flayer_get(d, variant, false) : NULL;
		char *text = l && l->dirty ? layer_json(l) : NULL;
		if (text)
			l->dirty = false;
		pthread_mutex_unlock(&memo_mu);
		if (text && strlen(text) > FACTS_MAX_BYTES) { /* would not be read back */
			free(text);
			text = NULL;
		}
		if (text && !img_facts_store(c->fs, rm->cache_dir, rm->cache_max, d, variant, text, strlen(text))) {
			pthread_mutex_lock(&memo_mu);
			l->dirty = true; /* another image may manage */
			pthread_mutex_unlock(&memo_mu);
		}
		free(text);
	}
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
			if (key && read && memo_put(c, key, h, b))
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

static bool compatible(const struct imgchk_bin *a, const struct imgchk_bin *b)
{
	return b->ok && a->machine == b->machine && a->elfclass == b->elfclass;
}

/* the resolver's problems as findings "image/KIND" */
struct one {
	struct imgchk *c;
	struct imgchk_bin *b;
};

static void on_problem(void *ctx, const struct rsv_problem *p)
{
	static const char *const rules[] = {
		[RSV_MISSING_LIBRARY] = "image/missing-library", [RSV_WRONG_MACHINE] = "image/library-wrong-machine",
		[RSV_GO_RUNTIMES] = "image/go-runtimes", [RSV_GLIBC_TOO_OLD] = "image/glibc-too-old",
		[RSV_MISSING_VERSION] = "image/missing-version", [RSV_GLIBC_ON_MUSL] = "image/glibc-symbols-on-musl",
	};
	struct one *x = ctx;
	problem(x->c, x->b, p->fatal, rules[p->kind], p->says, "%s", p->msg);
}

static void check_one(struct imgchk *c, struct imgchk_bin *b, struct rsv_tree *t)
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
	/* the dependency tree (breadth first like lddtree), the Go runtimes in
	 * the process and the symbol versions: the shared resolver */
	struct rsv_load ld = { musl, interp_path, loader_name, b->interp && !interp_path };
	struct one x = { c, b };
	rsv_closure(&c->rsv, (size_t)(b - c->bins), &ld, t, &b->deps, on_problem, &x);
	rsv_runtimes(&c->rsv, t, on_problem, &x);
	rsv_versions(&c->rsv, t, &ld, on_problem, &x);
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
		/* by file name, else by SONAME (libc-2.31.so, ld-2.31.so behind
		 * the symlinks before glibc 2.34); only real files are binaries here */
		const char *bn = base_name(b->path);
		if (b->soname && (strncmp(bn, "libc-", 5) == 0 || strncmp(bn, "ld-", 3) == 0))
			bn = b->soname;
		if (rsv_is_loader_name(bn))
			strv_push_unique(c->ar, &c->loaders, b->path);
		if (c->nlibcs >= sizeof(c->libcs) / sizeof(c->libcs[0]))
			continue;
		struct imgc_libc *l = &c->libcs[c->nlibcs];
		struct rsv_obj o = { .path = b->path, .ok = b->ok, .soname = b->soname, .verdef = b->verdef,
				     .nverdef = b->nverdef, .musl_version = b->musl_version };
		const char *fam, *ver, *best;
		if (!rsv_libc(&o, &fam, &ver, &best))
			continue;
		if (strcmp(fam, "glibc") == 0) {
			l->family = "glibc";
			l->version = ver;
			l->path = b->path;
			l->evidence = arena_printf(c->ar, "newest of %zu version definitions in %s: %s", b->nverdef, b->path,
						   best ? best : "none");
			c->nlibcs++;
		} else {
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
	c->image_machine = rsv_arch_machine(fs->arch);
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
	facts_load(c);
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
	facts_store(c);

	find_libcs(c);
	imgc_resolver(c);
	imgc_nss_load(c);
	struct rsv_tree *t = malloc(sizeof(*t));
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
