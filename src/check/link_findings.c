/* What the resolver's outcome means: diagnoses of undefined references,
 * Go runtimes and toolchains, ELF ABI flags, x86 properties, glibc/musl,
 * the linker's own .gnu.warning messages, and the verdict. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include "check/link_int.h"
#include "facts/resolve.h"
#include "read/mapfile.h"
#include "util/demangle.h"

static const struct goabi_artifact *gofacts(const struct lk_obj *o)
{
	const struct goabi_artifact *a = o->facts;
	if (!a || !goabi_go_is_go(&a->go))
		return NULL;
	return a;
}

static bool starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static bool ends(const char *s, const char *p)
{
	size_t a = strlen(s), b = strlen(p);
	return a >= b && strcmp(s + a - b, p) == 0;
}

/* Go ≤1.19 "type..eq.T"/"go.itab.X" <-> Go ≥1.20 "type:.eq.T"/"go:itab.X" */
static const char *other_scheme(struct lk_result *r, const char *n)
{
	if (starts(n, "type.."))
		return arena_printf(r->ar, "type:.%s", n + 6);
	if (starts(n, "type:."))
		return arena_printf(r->ar, "type..%s", n + 6);
	if (starts(n, "type."))
		return arena_printf(r->ar, "type:%s", n + 5);
	if (starts(n, "type:"))
		return arena_printf(r->ar, "type.%s", n + 5);
	if (starts(n, "go.itab.") || starts(n, "go.string.") || starts(n, "go.buildinfo") || starts(n, "go.info."))
		return arena_printf(r->ar, "go:%s", n + 3);
	if (starts(n, "go:"))
		return arena_printf(r->ar, "go.%s", n + 3);
	return NULL;
}

/* A sorted index of symbol names -> object, so that diagnosing many
 * undefined symbols stays O(n log n) on hostile inputs. */
struct nref {
	const char *name;
	long obj;
	const struct st_sym *sym;
};

struct nindex {
	struct nref *v;
	size_t n, cap;
	bool built;
};

static int cmp_nref(const void *a, const void *b)
{
	const struct nref *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->obj > y->obj) - (x->obj < y->obj); /* first object first */
}

static void nindex_add(struct lk_result *r, struct nindex *ix, const struct symtab *st, long obj,
		       bool (*want)(const struct st_sym *))
{
	for (size_t k = 0; k < st->n; k++) {
		if (!want(&st->syms[k]))
			continue;
		if (!arena_grow(r->ar, &ix->v, &ix->cap, ix->n + 1, sizeof(*ix->v)))
			return;
		ix->v[ix->n++] = (struct nref){ st->syms[k].name, obj, &st->syms[k] };
	}
}

static void nindex_sort(struct nindex *ix)
{
	ix->built = true;
	if (ix->n)
		qsort(ix->v, ix->n, sizeof(*ix->v), cmp_nref);
}

/* the first entry named name, NULL when none */
static const struct nref *nindex_find(const struct nindex *ix, const char *name)
{
	size_t lo = 0, hi = ix->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(ix->v[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ix->n && strcmp(ix->v[lo].name, name) == 0 ? &ix->v[lo] : NULL;
}

static bool is_def(const struct st_sym *y)
{
	return y->kind != ST_UNDEF;
}

static bool is_default_def(const struct st_sym *y)
{
	return y->kind == ST_DEF && !y->ver_hidden;
}

static bool is_old_version(const struct st_sym *y)
{
	return y->kind == ST_DEF && y->ver_hidden;
}

/* defined by any object of any input, pulled or not */
static long defined_anywhere(struct lk_result *r, struct nindex *ix, const char *name)
{
	if (!ix->built) {
		for (size_t i = 0; i < r->nobjs; i++)
			nindex_add(r, ix, &r->objs[i].st, (long)i, is_def);
		nindex_sort(ix);
	}
	const struct nref *e = nindex_find(ix, name);
	return e ? e->obj : -1;
}

static bool glibc_only(const char *n)
{
	return starts(n, "__isoc99_") || starts(n, "__isoc23_") || starts(n, "__libc_") ||
	       (starts(n, "__") && ends(n, "_chk")) || strcmp(n, "__fdelt_warn") == 0 ||
	       strcmp(n, "gnu_get_libc_version") == 0 || starts(n, "__nss_") || strcmp(n, "__res_state") == 0;
}

/* a library the user may have forgotten: which one defines the symbol */
struct cand {
	const char *lib;
	const char *path;     /* the file read (a script's library) */
	struct symtab st;
	struct nindex ix;
	bool loaded, present;
};

static const char *const missing_libs[] = { "m", "pthread", "dl", "resolv", "rt", "util", "crypt", "atomic", "stdc++", "go", NULL };

static bool lib_in_link(const struct lk_result *r, const char *lib)
{
	const char *spec = arena_printf(r->ar, "-l%s", lib);
	for (size_t i = 0; i < r->ninputs; i++)
		if (r->inputs[i].spec && strcmp(r->inputs[i].spec, spec) == 0)
			return true;
	return false;
}

static void load_cand(struct lk_result *r, struct cand *c)
{
	c->loaded = true;
	const char *p = lk_find_lib(r, c->lib, r->cmd.is_static);
	if (!p)
		return;
	/* read through the link's loader, outside the link (its inputs do not
	 * change): a library the link loaded already is not read again */
	const struct ldr_file *lf = lk_load(r, p);
	if (!lf || lf->size < 4)
		return;
	if (lf->kind == LDR_OTHER && lf->text) {
		/* a linker script (libm.so): take its first absolute path */
		const char *s = strstr(lf->text, "GROUP");
		if (!s)
			s = strstr(lf->text, "INPUT");
		const char *slash = s ? strchr(s, '/') : NULL;
		if (slash) {
			size_t l = strcspn(slash, " \t\n)");
			p = arena_strndup(r->ar, slash, l);
		}
	}
	c->present = lk_read_symbols(r, p, &c->st);
	nindex_add(r, &c->ix, &c->st, 0, is_default_def);
	nindex_sort(&c->ix);
	c->lib = arena_printf(r->ar, "%s (%s)", c->lib, p);
	c->path = p;
}

/* The library is in the DT_NEEDED list of a shared library of the link:
 * ld finds the symbol there and says so instead ("undefined reference to
 * symbol 'sqrt@@GLIBC_2.2.5'", "DSO missing from command line": since
 * binutils 2.22 --no-copy-dt-needed-entries) */
static void dso_missing(struct lk_result *r, const struct cand *c, const struct st_sym *def, struct lk_finding *f)
{
	if (!c->path || f->refobj < 0)
		return;
	const char *base = strrchr(c->path, '/');
	base = base ? base + 1 : c->path;
	for (size_t i = 0; i < r->nobjs; i++) {
		const struct lk_obj *o = &r->objs[i];
		if (!o->loaded || o->etype != ET_DYN || !o->facts)
			continue;
		for (size_t k = 0; k < o->facts->libc.needed.n; k++) {
			if (strcmp(o->facts->libc.needed.v[k], base) != 0)
				continue;
			f->linker = arena_printf(r->ar, "%s: undefined reference to symbol '%s%s%s'; %s: error adding symbols: DSO missing from command line",
						 r->objs[f->refobj].name, def->name, def->version ? "@@" : "",
						 def->version ? def->version : "", c->path);
			return;
		}
	}
}

static const char *missing_lib_for(struct lk_result *r, struct cand *cands, const char *sym, const char **group,
				   struct lk_finding *f)
{
	for (size_t i = 0; missing_libs[i]; i++) {
		struct cand *c = &cands[i];
		if (lib_in_link(r, missing_libs[i]))
			continue;
		if (!c->loaded) {
			c->lib = missing_libs[i];
			load_cand(r, c);
		}
		if (!c->present)
			continue;
		const struct nref *e = nindex_find(&c->ix, sym);
		if (e) {
			*group = missing_libs[i];
			dso_missing(r, c, e->sym, f);
			if (strcmp(missing_libs[i], "stdc++") == 0)
				return arena_printf(r->ar, "defined in lib%s: link with a C++ driver (g++, clang++: they add -lstdc++ -lm), or add -lstdc++",
						    c->lib);
			return arena_printf(r->ar, "defined in lib%s: add -l%s", c->lib, missing_libs[i]);
		}
	}
	return NULL;
}

/* a shared library in the link has the name only as a non-default version */
static const char *hidden_version(struct lk_result *r, struct nindex *ix, const char *n)
{
	if (!ix->built) {
		for (size_t i = 0; i < r->nobjs; i++)
			if (r->objs[i].loaded && r->objs[i].st.dynamic)
				nindex_add(r, ix, &r->objs[i].st, (long)i, is_old_version);
		nindex_sort(ix);
	}
	const struct nref *e = nindex_find(ix, n);
	if (!e)
		return NULL;
	return arena_printf(r->ar, "%s has '%s' only as the old, non-default version %s@%s: programs linked "
				   "before it changed still bind to it, new links cannot",
			    r->objs[e->obj].name, n, n, e->sym->version ? e->sym->version : "?");
}

static void diagnose_undefined(struct lk_result *r)
{
	struct cand cands[sizeof(missing_libs) / sizeof(missing_libs[0])];
	memset(cands, 0, sizeof(cands));
	bool musl = r->libc && strcmp(r->libc, "musl") == 0;
	struct nindex defs = { 0 }, oldvers = { 0 };
	for (size_t i = 0; i < r->nf; i++) {
		struct lk_finding *f = &r->f[i];
		if (strcmp(f->kind, "undefined") != 0 || f->diagnosis)
			continue;
		const char *n = f->symbol;
		const struct lk_obj *ref = f->refobj >= 0 ? &r->objs[f->refobj] : NULL;
		const struct goabi_artifact *rg = ref ? gofacts(ref) : NULL;
		const char *hv;
		const char *alt = other_scheme(r, n);
		long altdef = alt ? defined_anywhere(r, &defs, alt) : -1;
		if (altdef >= 0) {
			bool colon = strchr(n, ':') != NULL;
			f->diagnosis = arena_printf(r->ar,
				"Go symbol naming scheme split: %s wants '%s' (%s names), but %s defines '%s' (%s names); "
				"Go 1.20 renamed type../go. symbols to type:/go: — build every Go part with one toolchain",
				ref ? ref->name : "the link", n, colon ? "Go 1.20+" : "Go 1.19 and older", r->objs[altdef].name, alt,
				colon ? "Go 1.19 and older" : "Go 1.20+");
			strv_push_unique(r->ar, &f->files, r->objs[altdef].name);
		} else if (rg && rg->typed.toolchain == GOABI_TC_GCCGO) {
			f->diagnosis = arena_printf(r->ar,
				"%s was compiled by gccgo: it needs gccgo's runtime libgo (link with gccgo, or add -lgo); "
				"gccgo objects cannot share a program with gc-compiled Go code", ref->name);
		} else if (musl && glibc_only(n)) {
			f->diagnosis = arena_printf(r->ar,
				"'%s' exists only in glibc: %s was compiled against glibc headers "
				"(C99 scanf redirects, _FORTIFY_SOURCE checks, libc internals) and musl does not provide it; "
				"rebuild it with musl-gcc", n, ref ? ref->name : "an object");
		} else if (rg && (starts(n, "runtime.") || starts(n, "__go_") || strstr(n, ".."))) {
			f->diagnosis = arena_printf(r->ar, "a Go runtime symbol that %s (%s %s) expects from its own toolchain's runtime",
						    ref->name, rg->go.toolchain.value, rg->go.version.value ? rg->go.version.value : "");
		} else if ((hv = hidden_version(r, &oldvers, n)) != NULL) {
			f->diagnosis = hv;
		} else {
			const char *lib = missing_lib_for(r, cands, n, &f->lib_group, f);
			if (lib)
				f->diagnosis = lib;
		}
	}
}

/* One finding for all the undefined symbols one missing library provides
 * ("libstdc++ not linked: 23 symbols, e.g. ..."); every symbol stays in
 * the finding's symbols and in r->undefined. */
/* one of a group: an undefined symbol of lib_group whose name has no
 * white space (the group's "symbols" property is the names joined by
 * spaces; C, C++ and gccgo names have none, Go's gc names may) */
static bool in_group(const struct lk_finding *g, const struct lk_finding *f)
{
	return g->lib_group && strcmp(g->lib_group, f->lib_group) == 0 && strcmp(g->kind, "undefined") == 0 &&
	       g->sev == f->sev && g->symbol && !strpbrk(g->symbol, " \t\n");
}

static void group_by_library(struct lk_result *r)
{
	for (size_t i = 0; i < r->nf; i++) {
		struct lk_finding *f = &r->f[i];
		if (!f->lib_group || strcmp(f->kind, "undefined") != 0 || f->symbols.n || !in_group(f, f))
			continue;
		size_t n = 0;
		for (size_t k = i; k < r->nf; k++)
			n += in_group(&r->f[k], f);
		if (n < 2)
			continue;
		const char *lib = f->lib_group, *first_linker = f->linker;
		char eg[1024] = "";
		size_t el = 0, w = i + 1, shown_n = 0;
		strv_push(r->ar, &f->symbols, f->symbol);
		const char *d = goabi_demangle(r->ar, f->symbol);
		el += (size_t)snprintf(eg + el, sizeof(eg) - el, "%s", d ? d : f->symbol);
		shown_n++;
		for (size_t k = i + 1; k < r->nf; k++) {
			struct lk_finding *g = &r->f[k];
			if (in_group(g, f)) {
				strv_push(r->ar, &f->symbols, g->symbol);
				for (size_t j = 0; j < g->files.n; j++)
					strv_push_unique(r->ar, &f->files, g->files.v[j]);
				if (shown_n < 4 && el < sizeof(eg) - 1) {
					d = goabi_demangle(r->ar, g->symbol);
					el += (size_t)snprintf(eg + el, sizeof(eg) - el, ", %s", d ? d : g->symbol);
					shown_n++;
				}
				continue;
			}
			r->f[w++] = *g;
		}
		r->nf = w;
		f->message = arena_printf(r->ar, "lib%s not linked: %zu undefined symbols it defines, e.g. %s%s", lib,
					  f->symbols.n, eg, f->symbols.n > shown_n ? ", ..." : "");
		f->symbol = NULL;
		f->linker = arena_printf(r->ar, "%s (and %zu more undefined references)", first_linker ? first_linker : "",
					 f->symbols.n - 1);
	}
}

/* a name a C or C++ source file can define: an identifier (C++ names are
 * mangled into identifiers too); Go's "type:.eq.T", "main.f" are not */
static bool c_identifier(const char *n)
{
	if (!n || !*n || !((*n >= 'A' && *n <= 'Z') || (*n >= 'a' && *n <= 'z') || *n == '_'))
		return false;
	for (; *n; n++)
		if (!((*n >= 'A' && *n <= 'Z') || (*n >= 'a' && *n <= 'z') || (*n >= '0' && *n <= '9') || *n == '_'))
			return false;
	return true;
}

/* Inputs goabi cannot read: source files the driver compiles, and the
 * libraries of a driver that is not installed. An undefined reference they
 * could satisfy is not a certain failure: it becomes a condition (what
 * they must define); what they cannot change stays a failure. */
static void unreadable_inputs(struct lk_result *r)
{
	if (!r->nsources && !r->implicit_unknown)
		return;
	char srcs[1024] = "";
	size_t sl = 0;
	for (size_t i = 0; i < r->ninputs && sl < sizeof(srcs) - 1; i++)
		if (r->inputs[i].kind == LK_IN_SOURCE)
			sl += (size_t)snprintf(srcs + sl, sizeof(srcs) - sl, "%s%s", sl ? ", " : "", r->inputs[i].path);
	struct goabi_strv keep = { 0 };
	for (size_t i = 0; i < r->nf; i++) {
		struct lk_finding *f = &r->f[i];
		if (strcmp(f->kind, "undefined") != 0 || f->sev != LK_LINK_ERROR)
			continue;
		size_t nsym = f->symbols.n ? f->symbols.n : 1;
		bool can = r->implicit_unknown;
		for (size_t k = 0; k < nsym && !can; k++) {
			const char *sym = f->symbols.n ? f->symbols.v[k] : f->symbol;
			can = r->cmd.asm_source || c_identifier(sym);
		}
		if (!can)
			continue;
		f->sev = LK_UNKNOWN;
		f->kind = "undefined-unless-sources-define";
		for (size_t k = 0; k < nsym; k++)
			strv_push(r->ar, &r->needs_from_sources, f->symbols.n ? f->symbols.v[k] : f->symbol);
		f->message = arena_printf(r->ar, "%s: %s", f->message,
					  r->nsources ? arena_printf(r->ar, "the link fails unless the source files (%s) define it", srcs)
						      : "the link fails unless the driver's libraries (not installed here) define it");
	}
	/* what stays certain: r->undefined without the conditional names */
	for (size_t i = 0; i < r->undefined.n; i++) {
		bool cond = false;
		for (size_t k = 0; k < r->needs_from_sources.n && !cond; k++)
			cond = strcmp(r->needs_from_sources.v[k], r->undefined.v[i]) == 0;
		if (!cond)
			strv_push(r->ar, &keep, r->undefined.v[i]);
	}
	r->undefined = keep;
	if (r->nsources)
		lk_add_finding(r, LK_UNKNOWN, "source-not-read", NULL,
			       "%s %s compiled by the driver first: goabi cannot see what %s or reference%s (their own undefined "
			       "references and duplicate definitions are not predicted); Go c-archives named after them are assumed "
			       "to be called (their exported functions pulled)",
			       srcs, r->nsources > 1 ? "are source files" : "is a source file", r->nsources > 1 ? "they define" : "it defines",
			       r->nsources > 1 ? "" : "s");
}

static void driver_findings(struct lk_result *r)
{
	const struct lk_cmd *c = &r->cmd;
	if (c->driver_facts == LK_DRV_DEFAULT)
		lk_add_finding(r, LK_NOTE, "driver-default", NULL,
			       "%s was not asked for its link line (%s): its start files, libraries and search path are goabi's "
			       "default for %s (Debian's gcc 12 layout, docs/link.md), inferred",
			       c->driver_name ? c->driver_name : "gcc", c->driver_why ? c->driver_why : "not run",
			       c->clang ? "clang" : c->cxx ? "g++" : "gcc");
	else if (c->driver_facts == LK_DRV_UNKNOWN)
		lk_add_finding(r, LK_UNKNOWN, "driver-unknown", NULL,
			       "%s is not installed (%s) and its target's start files and libraries are not here: what they "
			       "define is unknown; the prediction covers the inputs given",
			       c->driver_name ? c->driver_name : "the driver", c->driver_why ? c->driver_why : "not run");
}

static const char *fact(const struct goabi_fact *f)
{
	return f->value ? f->value : "unknown";
}

struct goart {
	const struct lk_input *in;
	const struct goabi_artifact *a;
	const char *what;
	const char *path;    /* a library reached through DT_NEEDED, else NULL (in->path) */
};

#define MAX_NEEDED_WALK 64u

/* The host (or sysroot) directories of the link as the shared resolver's
 * view (facts/resolve.h): object i is a file the walk met, its facts from
 * the link's loader (read once per file). */
struct nview {
	struct lk_result *r;
	struct rsv_obj *objs;
	const struct goabi_artifact **arts;
	size_t n, cap, acap;
};

static ssize_t nview_add(struct nview *v, const char *path, const struct goabi_artifact *a)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->objs[i].path, path) == 0)
			return (ssize_t)i;
	if (!arena_grow(v->r->ar, &v->objs, &v->cap, v->n + 1, sizeof(*v->objs)) ||
	    !arena_grow(v->r->ar, &v->arts, &v->acap, v->n + 1, sizeof(*v->arts)))
		return -1;
	rsv_obj_from_artifact(v->r->ar, path, a, &v->objs[v->n]);
	v->arts[v->n] = a;
	return (ssize_t)v->n++;
}

static ssize_t nview_lookup(void *ctx, const char *path)
{
	struct nview *v = ctx;
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->objs[i].path, path) == 0)
			return (ssize_t)i;
	if (!rd_is_regular(path))
		return -1;
	const struct ldr_file *f = lk_load(v->r, path);
	if (!f || f->kind != LDR_ELF)
		return -1;
	return nview_add(v, path, ldr_facts(v->r->ldr, f, true));
}

static const struct rsv_obj *nview_obj(void *ctx, size_t i)
{
	struct nview *v = ctx;
	return i < v->n ? &v->objs[i] : NULL;
}

/* Go c-shared libraries the shared libraries of the link need, directly or
 * not: each starts its own Go runtime when the program runs. A DT_NEEDED
 * name is looked up by the shared resolver as ld finds it: the library's
 * DT_RUNPATH or DT_RPATH ($ORIGIN expanded), then the link's -L and system
 * directories, a file of another machine or class skipped. Their facts
 * come from the link's loader (loader facts, once per file). */
static size_t needed_go_libs(struct lk_result *r, struct goart *arts, size_t n, size_t max,
			     size_t *nread)
{
	struct nview v = { .r = r };
	struct rsv_view rv = { &v, nview_lookup, nview_obj, NULL, NULL, NULL };
	struct rsv *rs = arena_alloc(r->ar, sizeof(*rs));
	if (!rs)
		return n;
	rsv_init(rs, &rv, r->ar);
	for (size_t i = 0; i < r->cmd.user_dirs.n; i++)
		strv_push(r->ar, &rs->glibc_dirs, r->cmd.user_dirs.v[i]);
	for (size_t i = 0; i < r->cmd.sys_dirs.n; i++)
		strv_push(r->ar, &rs->glibc_dirs, r->cmd.sys_dirs.v[i]);
	const char *seen[MAX_NEEDED_WALK];
	size_t qi[MAX_NEEDED_WALK];
	size_t nseen = 0, nq = 0;
	for (size_t i = 0; i < r->ninputs && nq < MAX_NEEDED_WALK; i++) {
		const struct lk_input *in = &r->inputs[i];
		if (in->facts && in->facts->id.type == ET_DYN && in->facts->libc.needed.n) {
			ssize_t k = nview_add(&v, in->path, in->facts);
			if (k < 0)
				continue;
			qi[nq++] = (size_t)k;
			if (nseen < MAX_NEEDED_WALK)
				seen[nseen++] = in->path;
		}
	}
	for (size_t q = 0; q < nq; q++) {
		const struct goabi_artifact *qa = v.arts[qi[q]];
		const char *qp = v.objs[qi[q]].path;
		const struct goabi_libc *l = &qa->libc;
		for (size_t k = 0; k < l->needed.n && nq < MAX_NEEDED_WALK; k++) {
			const char *other = NULL;
			ssize_t x = rsv_find(rs, RSV_LD, qi[q], -1, l->needed.v[k], &other);
			if (x < 0)
				continue;
			const char *p = v.objs[x].path;
			bool dup = false;
			for (size_t j = 0; j < nseen && !dup; j++)
				dup = strcmp(seen[j], p) == 0;
			for (size_t j = 0; j < r->ninputs && !dup; j++)
				dup = r->inputs[j].path && strcmp(r->inputs[j].path, p) == 0;
			if (dup || nseen >= MAX_NEEDED_WALK || *nread >= MAX_NEEDED_WALK)
				continue;
			seen[nseen++] = p;
			const struct goabi_artifact *a = v.arts[x];
			if (!a)
				continue;
			(*nread)++;
			qi[nq++] = (size_t)x;
			if (n < max && a->typed.toolchain == GOABI_TC_GC) {
				arts[n].in = NULL;
				arts[n].a = a;
				arts[n].path = p;
				arts[n].what = arena_printf(r->ar, "%s (needed by %s; %s %s, %s)", p, qp, fact(&a->go.toolchain),
							    fact(&a->go.version), fact(&a->go.buildmode));
				n++;
			}
		}
	}
	return n;
}

static void go_findings(struct lk_result *r)
{
	struct goart arts[64];
	size_t n = 0;
	bool gccgo_seen = false;
	for (size_t i = 0; i < r->ninputs && n < 64; i++) {
		const struct lk_input *in = &r->inputs[i];
		const struct goabi_artifact *a = in->facts;
		if (!a || !goabi_go_is_go(&a->go))
			continue;
		bool pulled = false;
		for (size_t k = 0; k < in->nobj; k++)
			pulled |= r->objs[in->first + k].loaded;
		if (!pulled)
			continue;
		arts[n].in = in;
		arts[n].path = in->path;
		arts[n].a = a;
		arts[n].what = arena_printf(r->ar, "%s (%s %s, %s, symbols %s, type hash %s)", in->path, fact(&a->go.toolchain),
					    fact(&a->go.version), fact(&a->go.buildmode), fact(&a->go.scheme),
					    fact(&a->go.typehash));
		n++;
	}
	size_t nread = 0;
	n = needed_go_libs(r, arts, n, 64, &nread);
	/* runtimes: each gc artifact carries one; gccgo objects share libgo */
	size_t runtimes = 0;
	struct goabi_strv who = { 0 };
	for (size_t i = 0; i < n; i++) {
		bool gccgo = arts[i].a->typed.toolchain == GOABI_TC_GCCGO;
		if (gccgo && gccgo_seen)
			continue;
		gccgo_seen |= gccgo;
		runtimes++;
		strv_push(r->ar, &who, arts[i].what);
	}
	if (runtimes >= 2) {
		char buf[4096] = "";
		size_t l = 0;
		for (size_t i = 0; i < who.n && l < sizeof(buf) - 1; i++)
			l += (size_t)snprintf(buf + l, sizeof(buf) - l, "%s%s", i ? "; " : "", who.v[i]);
		struct lk_finding *f = lk_add_finding(r, LK_ERROR, "two-go-runtimes", NULL,
			"%zu Go runtimes in one program: %s. Go supports one runtime per process (golang/go#18976): "
			"even when the symbols do not collide, the runtimes each install signal handlers and manage threads without knowing of each other, which can crash or deadlock the program; build one c-archive from all the Go code",
			runtimes, buf);
		if (f)
			for (size_t i = 0; i < n; i++)
				strv_push_unique(r->ar, &f->files, arts[i].in ? arts[i].in->path : arts[i].path);
	}
	/* toolchain mismatch */
	for (size_t i = 1; i < n; i++) {
		const struct goabi_artifact *a = arts[0].a, *b = arts[i].a;
		const char *what = NULL;
		if (strcmp(fact(&a->go.toolchain), fact(&b->go.toolchain)) != 0)
			what = "compiler";
		else if (strcmp(fact(&a->go.version), fact(&b->go.version)) != 0)
			what = "Go version";
		else if (strcmp(fact(&a->go.scheme), fact(&b->go.scheme)) != 0)
			what = "symbol naming scheme";
		else if (strcmp(fact(&a->go.typehash), fact(&b->go.typehash)) != 0)
			what = "type-hash scheme";
		if (!what)
			continue;
		struct lk_finding *f = lk_add_finding(r, LK_WARNING, "go-toolchain-mismatch", NULL,
						      "Go artifacts differ in %s: %s vs %s", what, arts[0].what, arts[i].what);
		if (f) {
			strv_push(r->ar, &f->files, arts[0].in ? arts[0].in->path : arts[0].path);
			strv_push(r->ar, &f->files, arts[i].in ? arts[i].in->path : arts[i].path);
		}
	}
}

static const char *float_abi_arm(uint32_t fl)
{
	return fl & 0x400 ? "hard-float (VFP register arguments)" : fl & 0x200 ? "soft-float" : "unspecified float ABI";
}

static const char *float_abi_riscv(uint32_t fl)
{
	static const char *const n[] = { "soft-float", "single-float", "double-float", "quad-float" };
	return n[(fl >> 1) & 3];
}

static void abi_findings(struct lk_result *r)
{
	const struct lk_obj *first = NULL;
	bool some_cet = false;
	uint32_t cet_and = 3;
	struct goabi_strv lacking = { 0 };
	uint32_t isa = 0;
	const struct lk_obj *isa_obj = NULL;
	for (size_t i = 0; i < r->nobjs; i++) {
		const struct lk_obj *o = &r->objs[i];
		if (!o->loaded || o->etype != ET_REL || o->machine != r->target_machine)
			continue;
		if (!first) {
			first = o;
		} else if (o->machine == EM_ARM && (o->eflags & 0x600) && (first->eflags & 0x600) &&
			   (o->eflags & 0x600) != (first->eflags & 0x600)) {
			struct lk_finding *f = lk_add_finding(r, LK_LINK_ERROR, "float-abi", NULL,
							      "ARM float ABI mismatch: %s is %s, %s is %s", first->name,
							      float_abi_arm(first->eflags), o->name, float_abi_arm(o->eflags));
			if (f)
				f->linker = arena_printf(r->ar, "error: %s uses VFP register arguments, %s does not",
							 first->eflags & 0x400 ? first->name : o->name,
							 first->eflags & 0x400 ? o->name : first->name);
		} else if (o->machine == EM_RISCV && ((o->eflags ^ first->eflags) & 0xe)) {
			struct lk_finding *f = lk_add_finding(r, LK_LINK_ERROR, "float-abi", NULL,
							      "RISC-V ABI mismatch: %s is %s%s, %s is %s%s", first->name,
							      float_abi_riscv(first->eflags), first->eflags & 8 ? " RVE" : "",
							      o->name, float_abi_riscv(o->eflags), o->eflags & 8 ? " RVE" : "");
			if (f)
				f->linker = arena_printf(r->ar, "%s: can't link %s modules with %s modules", o->name,
							 float_abi_riscv(o->eflags), float_abi_riscv(first->eflags));
		} else if (o->machine == EM_MIPS && ((o->eflags ^ first->eflags) & 0x0000f020)) {
			struct lk_finding *f = lk_add_finding(r, LK_LINK_ERROR, "mips-abi", NULL,
							      "MIPS ABI mismatch: %s has e_flags %#x, %s %#x", first->name,
							      first->eflags, o->name, o->eflags);
			if (f)
				f->linker = arena_printf(r->ar, "%s: ABI is incompatible with that of the selected emulation", o->name);
		}
		if (o->machine == EM_X86_64 || o->machine == EM_386) {
			/* ld ANDs the property over every input, crt objects
			 * included; say so only when the user asked for CET */
			uint32_t feat = o->has_x86_features ? o->x86_features & 3 : 0;
			if (feat && !r->inputs[o->input].implicit)
				some_cet = true;
			if ((feat & 3) != 3 && lacking.n < 5)
				strv_push(r->ar, &lacking, o->name);
			cet_and &= feat;
			if (o->x86_isa_needed > isa) {
				isa = o->x86_isa_needed;
				isa_obj = o;
			}
		}
	}
	if (some_cet && cet_and != 3 && lacking.n) {
		char buf[2048] = "";
		size_t l = 0;
		for (size_t i = 0; i < lacking.n && l < sizeof(buf) - 1; i++)
			l += (size_t)snprintf(buf + l, sizeof(buf) - l, "%s%s", i ? ", " : "", lacking.v[i]);
		lk_add_finding(r, LK_NOTE, "x86-cet-dropped", NULL,
			       "the output will not be marked %s%s%s (Intel CET) because some inputs lack the property: %s",
			       (cet_and & 1) ? "" : "IBT", !(cet_and & 1) && !(cet_and & 2) ? " and " : "",
			       (cet_and & 2) ? "" : "SHSTK", buf);
	}
	if (isa > 1 && isa_obj) {
		int lvl = isa & 8 ? 4 : isa & 4 ? 3 : isa & 2 ? 2 : 1;
		lk_add_finding(r, LK_NOTE, "x86-isa-level", NULL,
			       "the output needs x86-64-v%d (GNU_PROPERTY_X86_ISA_1_NEEDED of %s)", lvl, isa_obj->name);
	}
}

static const char *const nss_funcs[] = {
	"getaddrinfo", "gethostbyname", "gethostbyname2", "gethostbyname_r", "gethostbyaddr", "getpwnam", "getpwnam_r",
	"getpwuid", "getpwuid_r", "getgrnam", "getgrnam_r", "getgrgid", "getgrgid_r", "getgrouplist", "initgroups",
	"getservbyname", "getservbyport", "getprotobyname", "getpwent", "getgrent", "getspnam", "dlopen", NULL
};

static void warning_findings(struct lk_result *r)
{
	for (size_t i = 0; i < r->nobjs; i++) {
		const struct lk_obj *o = &r->objs[i];
		if (!o->loaded)
			continue;
		for (size_t k = 0; k < o->st.nwarn; k++) {
			const struct st_warning *w = &o->st.warn[k];
			if (lk_sym_def(r, w->sym, false) != (long)i || !lk_sym_referenced(r, w->sym))
				continue;
			bool nss = false;
			for (size_t j = 0; nss_funcs[j]; j++)
				nss |= strcmp(w->sym, nss_funcs[j]) == 0;
			struct lk_finding *f = lk_add_finding(r, LK_WARNING, nss ? "static-nss" : "linker-warning", w->sym,
				nss ? "%s is linked statically from glibc: at run time it loads NSS modules (shared libraries of the "
				      "same glibc version) and fails or misbehaves where they differ or are absent" :
				      "ld warns about %s", w->sym);
			if (f) {
				f->linker = arena_printf(r->ar, "warning: %s", w->text);
				strv_push(r->ar, &f->files, o->name);
			}
		}
	}
}

static void libc_findings(struct lk_result *r)
{
	if (!r->libc || strcmp(r->libc, "musl") != 0)
		return;
	for (size_t i = 0; i < r->ninputs; i++) {
		const struct lk_input *in = &r->inputs[i];
		const struct goabi_artifact *a = in->facts;
		if (!a || in->kind != LK_IN_SHARED)
			continue;
		if (a->libc.glibc_floor.value) {
			struct lk_finding *f = lk_add_finding(r, LK_WARNING, "glibc-library-on-musl", NULL,
				"%s was linked against glibc (needs %s); musl's loader ignores symbol versions and may lack its symbols",
				in->path, a->libc.glibc_floor.value);
			if (f)
				strv_push(r->ar, &f->files, in->path);
		}
	}
}

static void detect_libc(struct lk_result *r)
{
	r->libc = "none";
	for (size_t i = 0; i < r->ninputs; i++) {
		const struct lk_input *in = &r->inputs[i];
		if (!in->spec || strcmp(in->spec, "-lc") != 0 || in->kind == LK_IN_MISSING)
			continue;
		r->libc = strstr(in->path, "musl") ? "musl" : "glibc";
		return;
	}
	if (r->cmd.flavor == LK_MUSL_GCC)
		r->libc = "musl";
	else if (r->implicit_unknown)
		r->libc = "unknown"; /* the driver's -lc is not installed here */
}

void lk_findings(struct lk_result *r)
{
	detect_libc(r);
	if (!((r->f && r->fatal))) {
		diagnose_undefined(r);
		group_by_library(r);
		unreadable_inputs(r);
		go_findings(r);
		abi_findings(r);
		warning_findings(r);
		libc_findings(r);
	} else {
		go_findings(r);
	}
	for (size_t i = 0; i < r->cmd.errors.n; i++)
		lk_add_finding(r, LK_WARNING, "command-line", NULL, "%s", r->cmd.errors.v[i]);
	for (size_t i = 0; i < r->cmd.notes.n; i++)
		lk_add_finding(r, LK_NOTE, "not-modelled", NULL, "%s", r->cmd.notes.v[i]);
	driver_findings(r);
	if (r->f && r->fatal && r->nsources)
		unreadable_inputs(r); /* the source note; nothing is undefined after a fatal error */
	/* the worst finding decides: link-error > error > warning */
	r->verdict = LK_LINKS;
	for (size_t i = 0; i < r->nf; i++) {
		enum lk_verdict v = r->f[i].sev == LK_LINK_ERROR ? LK_FAILS
				    : r->f[i].sev == LK_ERROR    ? LK_LINKS_BROKEN
				    : r->f[i].sev == LK_UNKNOWN  ? LK_UNKNOWN_VERDICT
				    : r->f[i].sev == LK_WARNING  ? LK_LINKS_WITH_HAZARDS
								 : LK_LINKS;
		if (v > r->verdict)
			r->verdict = v;
	}
}
