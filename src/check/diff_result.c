/* goabi diff as a library call (goabi/checks.h): read OLD and NEW (files,
 * archives or two directory trees), compare each pair with diff.c and turn
 * every change into a finding of the one result model (goabi/result.h).
 *
 * Enters: two paths and options. Leaves: a goabi_result whose findings are
 * the changes (rule "diff/AREA-KIND"), whose judged items are the pairs,
 * and whose exit_bits are the DIFF_EXIT_* bitmask. Nothing is printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check/diff.h"
#include "read/package.h"
#include "goabi/checks.h"
#include "read/mapfile.h"
#include "read/tree.h"
#include "util/util.h"

struct diff_run {
	struct goabi_result *r;
	struct goabi_opts opts;
	struct diff_opts dopts;
	struct diff_set set;
	unsigned errbits;
	bool oom;
	/* tree collection */
	char **paths;
	size_t npaths, cap, rootlen;
};

static const char *const class_word[] = { "informational", "possibly-breaking", "breaking", "not-comparable" };

/* "version changed" -> "version-changed": rule ids have no spaces */
static const char *slug(struct goabi_arena *ar, const char *area, const char *kind)
{
	char *s = arena_printf(ar, "diff/%s-%s", area, kind);
	for (char *p = s; p && *p; p++)
		if (*p == ' ' || *p == '_')
			*p = '-';
	return s;
}

static enum goabi_verdict class_verdict(enum diff_class c)
{
	switch (c) {
	case DIFF_BREAKING: return GOABI_VERDICT_FAIL;
	case DIFF_POSSIBLE: return GOABI_VERDICT_WARN;
	default: return GOABI_VERDICT_PASS;
	}
}

static void prop(struct diff_run *d, struct goabi_props *p, const char *name, const char *value)
{
	if (!goabi_props_add(d->r, p, name, value))
		d->oom = true;
}

/* Changes [from, set.n) become findings: label is the pair's "where" (OLD's
 * path or the relative path), old_full and new_full the files compared. */
static enum goabi_verdict emit(struct diff_run *d, size_t from, const char *label, const char *old_full,
			       const char *new_full)
{
	struct goabi_result *r = d->r;
	enum goabi_verdict worst = GOABI_VERDICT_PASS;
	size_t ll = strlen(label);
	for (size_t i = from; i < d->set.n; i++) {
		const struct diff_change *c = &d->set.v[i];
		static const enum goabi_finding_sev sev[] = { GOABI_SEV_NOTE, GOABI_SEV_WARNING, GOABI_SEV_ERROR,
							      GOABI_SEV_NOTE };
		char *msg = arena_printf(d->set.arena, "%s %s: %s", c->area, c->kind, c->subject ? c->subject : "?");
		if (msg && c->old_value && c->new_value)
			msg = arena_printf(d->set.arena, "%s: %s -> %s", msg, c->old_value, c->new_value);
		else if (msg && c->old_value && (!c->subject || strcmp(c->old_value, c->subject) != 0))
			msg = arena_printf(d->set.arena, "%s: %s", msg, c->old_value);
		else if (msg && c->new_value && (!c->subject || strcmp(c->new_value, c->subject) != 0))
			msg = arena_printf(d->set.arena, "%s: %s", msg, c->new_value);
		if (msg && c->detail)
			msg = arena_printf(d->set.arena, "%s (%s)", msg, c->detail);
		struct goabi_finding *f = goabi_result_add_finding(r, slug(d->set.arena, c->area, c->kind), sev[c->cls], "%s",
								   msg ? msg : c->kind);
		if (!f) {
			d->oom = true;
			return worst;
		}
		f->conf = c->cls == DIFF_NOTCMP ? GOABI_UNKNOWN : GOABI_KNOWN;
		bool gone = strcmp(c->area, "file") == 0 && strcmp(c->kind, "removed") == 0;
		f->subject.path = goabi_result_str(r, gone ? old_full : new_full);
		/* "label(member)": the archive member */
		const char *w = c->where;
		if (w && strncmp(w, label, ll) == 0 && w[ll] == '(' && strlen(w) > ll + 2 && w[strlen(w) - 1] == ')')
			f->subject.member = goabi_result_str(r, arena_strndup(d->set.arena, w + ll + 1, strlen(w) - ll - 2));
		f->subject.symbol = goabi_result_str(r, c->subject);
		/* two changes of one rule and subject (a symbol in two versions)
		 * differ in their values */
		f->key = goabi_result_str(r, arena_printf(d->set.arena, "%s\n%s\n%s", w ? w : "",
							  c->old_value ? c->old_value : "", c->new_value ? c->new_value : ""));
		if (c->detail && !strv_push(r->arena, &f->evidence, goabi_result_str(r, c->detail)))
			d->oom = true;
		prop(d, &f->props, "class", class_word[c->cls]);
		prop(d, &f->props, "where", c->where);
		prop(d, &f->props, "area", c->area);
		prop(d, &f->props, "kind", c->kind);
		prop(d, &f->props, "old", c->old_value);
		prop(d, &f->props, "new", c->new_value);
		prop(d, &f->props, "detail", c->detail);
		enum goabi_verdict v = class_verdict(c->cls);
		if (v > worst)
			worst = v;
	}
	return worst;
}

static const char *verdict_word(enum goabi_verdict v, bool changed)
{
	switch (v) {
	case GOABI_VERDICT_FAIL: return "breaking";
	case GOABI_VERDICT_WARN: return "possibly breaking";
	case GOABI_VERDICT_ERROR: return "not read";
	default: return changed ? "compatible" : "unchanged";
	}
}

static void judge(struct diff_run *d, const char *label, const char *path, const char *old_full, const char *new_full,
		  enum goabi_verdict v, const char *word)
{
	struct goabi_judged *j = goabi_result_add_judged(d->r, path, NULL, v, word);
	if (!j) {
		d->oom = true;
		return;
	}
	prop(d, &j->props, "where", label);
	prop(d, &j->props, "old", old_full);
	prop(d, &j->props, "new", new_full);
}

/* Inspect one file; NULL (with an input error and the error bit) when it
 * cannot be compared. */
static struct goabi_artifact *load(struct diff_run *d, const char *path)
{
	struct goabi_artifact *a = NULL;
	int err = goabi_inspect_path(path, &d->opts, &a);
	if (!a) {
		if (err == GOABI_ENOMEM)
			d->oom = true;
		if (!goabi_result_add_error(d->r, path, NULL, goabi_strerror(err)))
			d->oom = true;
		d->errbits |= DIFF_EXIT_ERROR;
		return NULL;
	}
	if (err || goabi_artifact_has_errors(a)) {
		const struct goabi_artifact *w = goabi_artifact_first_error(a);
		const char *msg = w && w->ndiags ? w->diags[0].message : goabi_strerror(err);
		if (!goabi_result_add_error(d->r, path, w ? w->member : NULL, msg))
			d->oom = true;
		d->errbits |= DIFF_EXIT_ERROR;
		if (err || a->kind == GOABI_KIND_OTHER) {
			goabi_artifact_free(a);
			return NULL;
		}
	}
	return a;
}

static void diff_files(struct diff_run *d, const char *label, const char *op, const char *np)
{
	size_t from = d->set.n;
	struct goabi_artifact *o = load(d, op), *n = o ? load(d, np) : NULL;
	if (o && n)
		diff_artifacts(&d->set, label, o, n, &d->dopts);
	goabi_artifact_free(o);
	goabi_artifact_free(n);
	enum goabi_verdict v = emit(d, from, label, op, np);
	if (!o || !n)
		v = GOABI_VERDICT_ERROR;
	judge(d, label, np, op, np, v, verdict_word(v, d->set.n > from));
}

static void collect(void *ctx, const char *path)
{
	struct diff_run *d = ctx;
	if (!rd_looks_like_binary(path) || d->npaths >= GOABI_MAX_LIST)
		return;
	if (d->npaths == d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 64;
		char **nv = realloc(d->paths, nc * sizeof(*nv));
		if (!nv) {
			d->oom = true;
			return;
		}
		d->paths = nv;
		d->cap = nc;
	}
	const char *rel = path + d->rootlen;
	while (*rel == '/')
		rel++;
	d->paths[d->npaths] = strdup(rel);
	if (d->paths[d->npaths])
		d->npaths++;
	else
		d->oom = true;
}

static void walk_problem(void *ctx, const char *path, const char *message)
{
	struct diff_run *d = ctx;
	if (!goabi_result_add_error(d->r, path, NULL, message))
		d->oom = true;
	d->errbits |= DIFF_EXIT_ERROR;
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **tree(struct diff_run *d, const char *dir, size_t *n)
{
	d->paths = NULL;
	d->npaths = d->cap = 0;
	d->rootlen = strlen(dir);
	rd_walk_tree(dir, collect, walk_problem, d);
	if (d->npaths)
		qsort(d->paths, d->npaths, sizeof(char *), cmpstr);
	*n = d->npaths;
	return d->paths;
}

/* One side of a sorted merge: its names in strcmp order, and how a name
 * becomes the path shown (ROOT SEP NAME: "DIR/name", "PKG!/name"). */
struct merge_side {
	const char *root, *sep;
	size_t n;
	const char *(*name)(const void *v, size_t i);
	const void *v;
};

/* the pair of files at the same name on both sides */
typedef void (*merge_pair_fn)(struct diff_run *d, void *ctx, size_t i, size_t j, const char *label, const char *a,
			      const char *b);

/* Two sorted name lists merged once: a name only in OLD is removed, only in
 * NEW added (each judged here), in both handed to PAIR with its two paths.
 * Directories and release packages both compare this way. */
static void merge_names(struct diff_run *d, const struct merge_side *o, const struct merge_side *n,
			merge_pair_fn pair, void *ctx)
{
	size_t i = 0, j = 0;
	while (i < o->n || j < n->n) {
		const char *on = i < o->n ? o->name(o->v, i) : NULL, *nn = j < n->n ? n->name(n->v, j) : NULL;
		int c = !on ? 1 : !nn ? -1 : strcmp(on, nn);
		const char *a = c <= 0 ? arena_printf(d->set.arena, "%s%s%s", o->root, o->sep, on) : NULL;
		const char *b = c >= 0 ? arena_printf(d->set.arena, "%s%s%s", n->root, n->sep, nn) : NULL;
		size_t from = d->set.n;
		if (c < 0) {
			diff_file_removed(&d->set, on);
			judge(d, on, a, a, NULL, emit(d, from, on, a, NULL), "removed");
			i++;
		} else if (c > 0) {
			diff_file_added(&d->set, nn);
			judge(d, nn, b, NULL, b, emit(d, from, nn, NULL, b), "added");
			j++;
		} else {
			pair(d, ctx, i, j, on, a, b);
			i++;
			j++;
		}
	}
}

static const char *str_at(const void *v, size_t i)
{
	return ((char *const *)v)[i];
}

static void dir_pair(struct diff_run *d, void *ctx, size_t i, size_t j, const char *label, const char *a, const char *b)
{
	(void)ctx;
	(void)i;
	(void)j;
	if (a && b)
		diff_files(d, label, a, b);
	else
		d->oom = true;
}

static void diff_dirs(struct diff_run *d, const char *od, const char *nd)
{
	size_t no, nn;
	char **po = tree(d, od, &no);
	char **pn = tree(d, nd, &nn);
	struct merge_side so = { od, "/", no, str_at, po }, sn = { nd, "/", nn, str_at, pn };
	merge_names(d, &so, &sn, dir_pair, NULL);
	for (size_t k = 0; k < no; k++)
		free(po[k]);
	for (size_t k = 0; k < nn; k++)
		free(pn[k]);
	free(po);
	free(pn);
}

/* ---- release packages (.deb, .rpm, .apk): their binaries paired by path ---- */
struct pkg_side {
	struct diff_run *d;
	const char *pkg;
	struct pkg_bin {
		char *name;                  /* path inside the package, without "./" */
		struct goabi_artifact *a;    /* NULL: not read (why in the result's errors) */
	} *v;
	size_t n, cap;
};

static void pkg_collect(void *ctx, const char *name, const uint8_t *buf, size_t len, const char *why)
{
	struct pkg_side *s = ctx;
	struct diff_run *d = s->d;
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	while (name[0] == '/')
		name++;
	if (s->n >= GOABI_MAX_LIST)
		return;
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 32;
		struct pkg_bin *nv = realloc(s->v, nc * sizeof(*nv));
		if (!nv) {
			d->oom = true;
			return;
		}
		s->v = nv;
		s->cap = nc;
	}
	const char *full = arena_printf(d->set.arena, "%s!/%s", s->pkg, name);
	struct goabi_artifact *a = NULL;
	if (buf) {
		int err = goabi_inspect_buffer(full, buf, len, &d->opts, &a);
		if (a && (err || goabi_artifact_has_errors(a))) {
			const struct goabi_artifact *w = goabi_artifact_first_error(a);
			if (!goabi_result_add_error(d->r, full, w ? w->member : NULL,
						    w && w->ndiags ? w->diags[0].message : goabi_strerror(err)))
				d->oom = true;
			d->errbits |= DIFF_EXIT_ERROR;
		} else if (!a) {
			if (!goabi_result_add_error(d->r, full, NULL, goabi_strerror(err)))
				d->oom = true;
			d->errbits |= DIFF_EXIT_ERROR;
		}
	}
	if (why) {
		if (!goabi_result_add_error(d->r, full, NULL, why))
			d->oom = true;
		d->errbits |= DIFF_EXIT_ERROR;
	}
	s->v[s->n].name = strdup(name);
	s->v[s->n].a = a;
	if (!s->v[s->n].name) {
		goabi_artifact_free(a);
		d->oom = true;
		return;
	}
	s->n++;
}

static int cmpbin(const void *a, const void *b)
{
	return strcmp(((const struct pkg_bin *)a)->name, ((const struct pkg_bin *)b)->name);
}

static bool pkg_side_read(struct diff_run *d, struct pkg_side *s, const char *path, enum pkg_kind k)
{
	char err[512];
	s->d = d;
	s->pkg = path;
	if (pkg_read(path, k, pkg_collect, s, NULL, err, sizeof(err)) != 0) {
		if (!goabi_result_add_error(d->r, path, NULL, arena_printf(d->set.arena, "%s package: %s", pkg_kind_name(k), err)))
			d->oom = true;
		d->errbits |= DIFF_EXIT_ERROR;
		return false;
	}
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmpbin);
	return true;
}

static void pkg_side_free(struct pkg_side *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		goabi_artifact_free(s->v[i].a);
	}
	free(s->v);
}

static const char *bin_at(const void *v, size_t i)
{
	return ((const struct pkg_bin *)v)[i].name;
}

/* the binary at the same path in both packages: compared when both were read */
static void pkg_pair(struct diff_run *d, void *ctx, size_t i, size_t j, const char *label, const char *a, const char *b)
{
	struct pkg_side *s = ctx; /* [0] old, [1] new */
	struct goabi_artifact *x = s[0].v[i].a, *y = s[1].v[j].a;
	size_t from = d->set.n;
	if (x && y && x->kind != GOABI_KIND_OTHER && y->kind != GOABI_KIND_OTHER)
		diff_artifacts(&d->set, label, x, y, &d->dopts);
	enum goabi_verdict v = emit(d, from, label, a, b);
	if (!x || !y)
		v = GOABI_VERDICT_ERROR;
	judge(d, label, b, a, b, v, verdict_word(v, d->set.n > from));
}

/* Two packages: each binary of OLD with the one at the same path in NEW
 * (PKG!/path), as two directories are compared. */
static void diff_pkgs(struct diff_run *d, const char *op, enum pkg_kind ok, const char *np, enum pkg_kind nk)
{
	struct pkg_side s[2] = { { 0 }, { 0 } };
	/* both read (each reports its own error) before either is compared */
	bool read_o = pkg_side_read(d, &s[0], op, ok);
	bool read_n = pkg_side_read(d, &s[1], np, nk);
	if (read_o && read_n) {
		struct merge_side mo = { op, "!/", s[0].n, bin_at, s[0].v }, mn = { np, "!/", s[1].n, bin_at, s[1].v };
		merge_names(d, &mo, &mn, pkg_pair, s);
	}
	pkg_side_free(&s[0]);
	pkg_side_free(&s[1]);
}

static void count(struct diff_run *d, const char *name, size_t n)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%zu", n);
	prop(d, &d->r->summary, name, buf);
}

static void usage(struct diff_run *d, const char *file, const char *message)
{
	if (!goabi_result_add_error(d->r, file, NULL, message))
		d->oom = true;
	d->errbits |= DIFF_EXIT_USAGE;
}

int goabi_diff(const char *old_path, const char *new_path, const struct goabi_diff_opts *o,
	       struct goabi_result **out)
{
	*out = NULL;
	if (!old_path || !new_path)
		return GOABI_EFORMAT;
	struct diff_run d = { 0 };
	d.r = goabi_result_new("diff");
	if (!d.r)
		return GOABI_ENOMEM;
	if (diff_set_init(&d.set) != 0) {
		goabi_result_free(d.r);
		return GOABI_ENOMEM;
	}
	d.opts.isa = true;
	d.opts.no_dwarf = o && o->no_dwarf;
	prop(&d, &d.r->summary, "old", old_path);
	prop(&d, &d.r->summary, "new", new_path);
	struct diff_header hdr[2] = { { 0 }, { 0 } };
	bool ready = true;
	if (o && (!o->old_header != !o->new_header)) {
		usage(&d, NULL, "give --header twice: OLD's header, then NEW's");
		ready = false;
	} else if (o && o->old_header) {
		const char *h[2] = { o->old_header, o->new_header };
		for (int i = 0; i < 2 && ready; i++) {
			char err[256];
			int rc = diff_header_load(d.set.arena, h[i], &hdr[i], err, sizeof(err));
			if (rc == GOABI_ENOMEM)
				d.oom = true;
			if (rc != 0) {
				if (!goabi_result_add_error(d.r, h[i], NULL, rc == GOABI_ENOMEM ? goabi_strerror(rc) : err))
					d.oom = true;
				d.errbits |= DIFF_EXIT_ERROR;
				ready = false;
			}
		}
		d.dopts.old_header = &hdr[0];
		d.dopts.new_header = &hdr[1];
	}
	bool dir_o = rd_is_dir(old_path), dir_n = rd_is_dir(new_path);
	enum pkg_kind pk_o = dir_o ? PKG_NONE : pkg_sniff(old_path), pk_n = dir_n ? PKG_NONE : pkg_sniff(new_path);
	if (ready && (pk_o != PKG_NONE) != (pk_n != PKG_NONE)) {
		usage(&d, NULL, arena_printf(d.set.arena, "'%s' and '%s': compare two release packages (.deb, .rpm, .apk), two files or two directories",
					     old_path, new_path));
		ready = false;
	}
	if (ready && pk_o != PKG_NONE) {
		diff_pkgs(&d, old_path, pk_o, new_path, pk_n);
		ready = false;
	}
	if (ready && dir_o != dir_n) {
		usage(&d, NULL, arena_printf(d.set.arena, "'%s' and '%s': compare two files or two directories", old_path,
					     new_path));
		ready = false;
	}
	if (ready && dir_o)
		diff_dirs(&d, old_path, new_path);
	else if (ready)
		diff_files(&d, old_path, old_path, new_path);
	struct goabi_result *r = d.r;
	r->exit_bits = d.errbits | diff_exit_bits(&d.set);
	const size_t *n = d.set.count;
	r->verdict = n[DIFF_BREAKING] ? GOABI_VERDICT_FAIL : n[DIFF_POSSIBLE] ? GOABI_VERDICT_WARN : GOABI_VERDICT_PASS;
	r->verdict_word = verdict_word(r->verdict, d.set.n > n[DIFF_NOTCMP]);
	if (d.errbits & (DIFF_EXIT_ERROR | DIFF_EXIT_USAGE)) {
		goabi_result_raise(r, GOABI_VERDICT_ERROR);
		r->verdict_word = d.errbits & DIFF_EXIT_USAGE ? "usage error" : "incomplete: an input could not be read";
	}
	count(&d, "breaking", n[DIFF_BREAKING]);
	count(&d, "possibly_breaking", n[DIFF_POSSIBLE]);
	count(&d, "informational", n[DIFF_INFO]);
	count(&d, "not_comparable", n[DIFF_NOTCMP]);
	diff_set_release(&d.set);
	if (d.oom) {
		goabi_result_free(r);
		return GOABI_ENOMEM;
	}
	*out = r;
	return 0;
}
