/* goabi diff: compare two inspected artifacts and classify what changed
 * (docs/diff.md). Reads only the model; never prints. */
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "check/diff.h"
#include "util/osfloor.h"
#include "read/mapfile.h"
#include "util/util.h"

int diff_set_init(struct diff_set *s)
{
	memset(s, 0, sizeof(*s));
	s->arena = arena_new();
	return s->arena ? 0 : GOABI_ENOMEM;
}

void diff_set_release(struct diff_set *s)
{
	arena_free(s->arena);
	memset(s, 0, sizeof(*s));
}

const char *diff_class_name(enum diff_class c)
{
	switch (c) {
	case DIFF_BREAKING: return "breaking";
	case DIFF_POSSIBLE: return "possibly breaking";
	case DIFF_NOTCMP: return "not comparable";
	default: return "informational";
	}
}

static const char *dup(struct diff_set *s, const char *x)
{
	return x ? arena_strdup(s->arena, x) : NULL;
}

void diff_add(struct diff_set *s, enum diff_class cls, const char *where, const char *area, const char *kind,
	      const char *subject, const char *old_value, const char *new_value, const char *detail)
{
	if (s->n >= GOABI_MAX_LIST || !arena_grow(s->arena, &s->v, &s->cap, s->n + 1, sizeof(*s->v)))
		return;
	struct diff_change *c = &s->v[s->n++];
	c->cls = cls;
	c->where = dup(s, where);
	c->area = area;
	c->kind = kind;
	c->subject = dup(s, subject);
	c->old_value = dup(s, old_value);
	c->new_value = dup(s, new_value);
	c->detail = dup(s, detail);
	s->count[cls]++;
}

void diff_file_removed(struct diff_set *s, const char *rel)
{
	diff_add(s, DIFF_BREAKING, rel, "file", "removed", rel, rel, NULL, "present in OLD, missing in NEW");
}

void diff_file_added(struct diff_set *s, const char *rel)
{
	diff_add(s, DIFF_INFO, rel, "file", "added", rel, NULL, rel, NULL);
}

unsigned diff_exit_bits(const struct diff_set *s)
{
	unsigned b = 0;
	if (s->n > s->count[DIFF_NOTCMP])
		b |= DIFF_EXIT_CHANGE;
	if (s->count[DIFF_BREAKING])
		b |= DIFF_EXIT_BREAKING;
	if (s->count[DIFF_POSSIBLE])
		b |= DIFF_EXIT_POSSIBLE;
	return b;
}


/* ---- prototypes -------------------------------------------------------- */

static bool is_ident(int c)
{
	return isalnum(c) || c == '_';
}

static bool type_keyword(const char *w, size_t n)
{
	static const char *const kw[] = { "int", "char", "long", "short", "double", "float", "signed", "unsigned",
					  "void", "_Bool", "const", "volatile", "restrict", "struct", "union", "enum" };
	for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (strlen(kw[i]) == n && memcmp(kw[i], w, n) == 0)
			return true;
	return false;
}

/* Append one parameter without its name to out (at most cap bytes). */
static void param_canon(const char *p, size_t n, char *out, size_t *len, size_t cap)
{
	while (n && isspace((unsigned char)*p))
		p++, n--;
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	char buf[1024];
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	memcpy(buf, p, n);
	buf[n] = 0;
	/* function pointer "(*name)": drop name */
	char *fp = strstr(buf, "(*");
	if (fp) {
		char *q = fp + 2;
		while (*q == ' ')
			q++;
		char *e = q;
		while (is_ident((unsigned char)*e))
			e++;
		if (e > q && *e == ')')
			memmove(q, e, strlen(e) + 1);
	} else {
		size_t e = strlen(buf), b = e;
		while (b && is_ident((unsigned char)buf[b - 1]))
			b--;
		/* a trailing identifier after a type is the parameter name */
		if (b < e && b > 0 && (buf[b - 1] == ' ' || buf[b - 1] == '*') && !type_keyword(buf + b, e - b))
			buf[b] = 0;
	}
	for (const char *c = buf; *c && *len + 1 < cap; c++) {
		if (isspace((unsigned char)*c)) {
			/* keep one space only between two identifier characters */
			const char *nx = c;
			while (isspace((unsigned char)*nx))
				nx++;
			if (*len && is_ident((unsigned char)out[*len - 1]) && is_ident((unsigned char)*nx))
				out[(*len)++] = ' ';
			c = nx - 1;
			continue;
		}
		out[(*len)++] = *c;
	}
	out[*len] = 0;
}

char *diff_proto_canon(struct goabi_arena *ar, const char *proto, const char *name)
{
	if (!proto)
		return NULL;
	const char *s = proto;
	while (isspace((unsigned char)*s))
		s++;
	if (strncmp(s, "extern ", 7) == 0)
		s += 7;
	/* the parameter list follows "name(" */
	const char *at = NULL;
	size_t nl = strlen(name);
	/* an empty name matches at the terminating NUL, and q + 1 is past it */
	for (const char *q = nl ? strstr(s, name) : NULL; q; q = strstr(q + 1, name))
		if (q[nl] == '(' && (q == s || !is_ident((unsigned char)q[-1]))) {
			at = q;
			break;
		}
	char out[2048];
	size_t len = 0;
	out[0] = 0;
	if (!at) {
		param_canon(s, strlen(s), out, &len, sizeof(out));
		return arena_strdup(ar, out);
	}
	param_canon(s, (size_t)(at - s), out, &len, sizeof(out));
	if (len && is_ident((unsigned char)out[len - 1]) && len + 1 < sizeof(out))
		out[len++] = ' ';
	if (len + nl + 2 < sizeof(out)) {
		memcpy(out + len, name, nl);
		len += nl;
		out[len++] = '(';
		out[len] = 0;
	}
	const char *p = at + nl + 1, *end = strrchr(p, ')');
	if (!end)
		end = p + strlen(p);
	int depth = 0;
	const char *st = p;
	size_t nparams = 0, start_len = len;
	for (const char *c = p; c <= end; c++) {
		if (c < end && (*c == '(' || *c == '['))
			depth++;
		else if (c < end && (*c == ')' || *c == ']'))
			depth--;
		if (c == end || (*c == ',' && depth == 0)) {
			if (nparams && len + 1 < sizeof(out))
				out[len++] = ',';
			param_canon(st, (size_t)(c - st), out, &len, sizeof(out));
			nparams++;
			st = c + 1;
		}
	}
	if (strcmp(out + start_len, "void") == 0)
		len = start_len;
	if (len + 1 < sizeof(out))
		out[len++] = ')';
	out[len] = 0;
	return arena_strdup(ar, out);
}

struct header_ctx {
	struct goabi_arena *ar;
	const char *path;
	struct diff_header *h;
};

/* one line of a cgo header: an `extern` prototype becomes an export */
static int header_line(char *line, void *ctx)
{
	struct header_ctx *hc = ctx;
	struct diff_header *h = hc->h;
	if (strncmp(line, "extern ", 7) != 0 || strncmp(line, "extern \"C\"", 10) == 0)
		return 0;
	char *semi = strrchr(line, ';');
	char *open = strchr(line, '(');
	if (!semi || !open || open > semi)
		return 0;
	*semi = 0;
	/* name: the identifier before the first '(' */
	char *e = open;
	while (e > line && isspace((unsigned char)e[-1]))
		e--;
	char *b = e;
	while (b > line && is_ident((unsigned char)b[-1]))
		b--;
	if (b == e)
		return 0;
	if (h->n >= GOABI_MAX_LIST || !arena_grow(hc->ar, &h->exports, &h->cap, h->n + 1, sizeof(*h->exports)))
		return 1; /* out of memory (or past the list limit): stop */
	struct goabi_export *x = &h->exports[h->n++];
	x->name = utf8_sanitize(hc->ar, b, (size_t)(e - b));
	const char *proto = line + 7;
	x->prototype = utf8_sanitize(hc->ar, proto, strlen(proto));
	x->evidence = arena_printf(hc->ar, "header %s", hc->path);
	return 0;
}

int diff_header_load(struct goabi_arena *ar, const char *path, struct diff_header *h, char *err, size_t errlen)
{
	struct header_ctx hc = { ar, path, h };
	char line[4096];
	int rc = rd_for_each_line(path, line, sizeof(line), header_line, &hc);
	if (rc < 0) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return GOABI_EIO;
	}
	return rc ? GOABI_ENOMEM : 0;
}

/* ---- comparisons ------------------------------------------------------- */

struct side {
	const struct goabi_export *v;
	size_t n;
	const struct diff_header *hdr;
};

static const char *side_proto(const struct side *s, const char *name)
{
	if (s->hdr)
		for (size_t i = 0; i < s->hdr->n; i++)
			if (strcmp(s->hdr->exports[i].name, name) == 0)
				return s->hdr->exports[i].prototype;
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return s->v[i].prototype;
	return NULL;
}

static const char *side_layout(const struct side *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return s->v[i].layout;
	return NULL;
}

/* "layout of struct point changed": the aggregates of NEW not in OLD, by name. */
static const char *layout_detail(struct diff_set *s, const char *lo, const char *ln)
{
	char buf[512];
	size_t len = 0;
	buf[0] = 0;
	const char *p = ln;
	while (*p) {
		const char *e = strstr(p, "; ");
		size_t n = e ? (size_t)(e - p) : strlen(p);
		/* is this item in lo? */
		bool found = false;
		for (const char *q = strstr(lo, "") ; q && *q; ) {
			const char *qe = strstr(q, "; ");
			size_t qn = qe ? (size_t)(qe - q) : strlen(q);
			if (qn == n && memcmp(q, p, n) == 0) {
				found = true;
				break;
			}
			q = qe ? qe + 2 : NULL;
		}
		if (!found) {
			const char *brace = memchr(p, '{', n);
			size_t hn = brace ? (size_t)(brace - p) : n;
			int w = snprintf(buf + len, sizeof(buf) - len, "%s%.*s", len ? ", " : "", (int)hn, p);
			if (w < 0 || (size_t)w >= sizeof(buf) - len)
				break;
			len += (size_t)w;
		}
		p = e ? e + 2 : p + n;
	}
	return arena_printf(s->arena, "layout changed: %s", len ? buf : "aggregates removed");
}

static bool side_has(const struct side *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return true;
	return false;
}

static void diff_exports(struct diff_set *s, const char *where, const struct goabi_artifact *o,
			 const struct goabi_artifact *n, const struct diff_opts *opts)
{
	struct side so = { o->cabi.exports, o->cabi.nexports, opts ? opts->old_header : NULL };
	struct side sn = { n->cabi.exports, n->cabi.nexports, opts ? opts->new_header : NULL };
	for (size_t i = 0; i < so.n; i++) {
		const char *name = so.v[i].name;
		const char *po = side_proto(&so, name);
		if (!side_has(&sn, name)) {
			diff_add(s, DIFF_BREAKING, where, "exports", "removed", name, po ? po : name, NULL,
				 "exported function no longer defined");
			continue;
		}
		const char *pn = side_proto(&sn, name);
		if (!po || !pn) {
			if (po || pn)
				diff_add(s, DIFF_INFO, where, "exports", "not compared", name, po, pn,
					 "prototype known on one side only (no DWARF or header on the other)");
			continue;
		}
		const char *co = diff_proto_canon(s->arena, po, name), *cn = diff_proto_canon(s->arena, pn, name);
		if (co && cn && strcmp(co, cn) != 0) {
			diff_add(s, DIFF_BREAKING, where, "exports", "changed", name, po, pn, "prototype changed");
			continue;
		}
		/* same prototype text: the structs and unions it reaches (DWARF) */
		const char *lo = side_layout(&so, name), *ln = side_layout(&sn, name);
		if (lo && ln && strcmp(lo, ln) != 0)
			diff_add(s, DIFF_BREAKING, where, "exports", "changed", name, lo, ln,
				 layout_detail(s, lo, ln));
	}
	for (size_t i = 0; i < sn.n; i++)
		if (!side_has(&so, sn.v[i].name))
			diff_add(s, DIFF_INFO, where, "exports", "added", sn.v[i].name, NULL,
				 side_proto(&sn, sn.v[i].name) ? side_proto(&sn, sn.v[i].name) : sn.v[i].name, NULL);
}

/* cgo's per-build names: _cgoexp_<12 hex>_X, _cgo_<12 hex>_Cfunc_X ... */
static bool cgo_hashed(const char *name)
{
	const char *p = NULL;
	if (strncmp(name, "_cgoexp_", 8) == 0)
		p = name + 8;
	else if (strncmp(name, "_cgo_", 5) == 0)
		p = name + 5;
	if (!p)
		return false;
	size_t k = 0;
	while (isxdigit((unsigned char)p[k]))
		k++;
	return k == 12 && p[k] == '_';
}

static const struct goabi_dynsym *find_dyn(const struct goabi_cabi *c, const char *name, const char *version)
{
	const struct goabi_dynsym *any = NULL;
	for (size_t i = 0; i < c->ndynsyms; i++) {
		const struct goabi_dynsym *d = &c->dynsyms[i];
		if (strcmp(d->name, name) != 0)
			continue;
		if (!version || (d->version && strcmp(d->version, version) == 0))
			return d;
		if (!any)
			any = d;
	}
	return version ? NULL : any;
}

static bool is_export(const struct goabi_artifact *a, const char *name)
{
	for (size_t i = 0; i < a->cabi.nexports; i++)
		if (strcmp(a->cabi.exports[i].name, name) == 0)
			return true;
	return false;
}

static const char *dyn_label(struct diff_set *s, const struct goabi_dynsym *d)
{
	return arena_printf(s->arena, "%s %s%s%s size %llu%s", d->type, d->name, d->version ? (d->default_version ? "@@" : "@") : "",
			    d->version ? d->version : "", (unsigned long long)d->size, d->weak ? " weak" : "");
}

static void diff_dynsyms(struct diff_set *s, const char *where, const struct goabi_artifact *o,
			 const struct goabi_artifact *n)
{
	size_t renamed = 0;
	/* "dynsym" for shared objects, "symbols" for relocatable members */
	const char *area = o->id.type == 1 /* ET_REL */ ? "symbols" : "dynsym";
	for (size_t i = 0; i < o->cabi.ndynsyms; i++) {
		const struct goabi_dynsym *d = &o->cabi.dynsyms[i];
		if (cgo_hashed(d->name)) {
			renamed += find_dyn(&n->cabi, d->name, NULL) == NULL;
			continue;
		}
		if (is_export(o, d->name) || is_export(n, d->name))
			continue; /* reported under exports */
		const struct goabi_dynsym *e = find_dyn(&n->cabi, d->name, d->version);
		if (!e) {
			const struct goabi_dynsym *other = find_dyn(&n->cabi, d->name, NULL);
			if (other)
				diff_add(s, DIFF_BREAKING, where, area, "version changed", d->name, dyn_label(s, d),
					 dyn_label(s, other), "binaries linked against the old version no longer resolve");
			else
				diff_add(s, DIFF_BREAKING, where, area, "removed", d->name, dyn_label(s, d), NULL,
					 "defined symbol removed");
			continue;
		}
		if (strcmp(d->type, e->type) != 0)
			diff_add(s, DIFF_BREAKING, where, area, "retyped", d->name, dyn_label(s, d), dyn_label(s, e),
				 "symbol type changed");
		else if (strcmp(d->type, "OBJECT") == 0 && d->size != e->size)
			diff_add(s, DIFF_BREAKING, where, area, "resized", d->name, dyn_label(s, d), dyn_label(s, e),
				 "data object size changed (copy relocations)");
		else if (d->weak != e->weak)
			diff_add(s, DIFF_INFO, where, area, "binding changed", d->name, dyn_label(s, d),
				 dyn_label(s, e), NULL);
	}
	size_t added_hashed = 0;
	for (size_t i = 0; i < n->cabi.ndynsyms; i++) {
		const struct goabi_dynsym *d = &n->cabi.dynsyms[i];
		if (cgo_hashed(d->name)) {
			added_hashed += find_dyn(&o->cabi, d->name, NULL) == NULL;
			continue;
		}
		if (is_export(o, d->name) || is_export(n, d->name))
			continue;
		if (!find_dyn(&o->cabi, d->name, d->version) && !find_dyn(&o->cabi, d->name, NULL))
			diff_add(s, DIFF_INFO, where, area, "added", d->name, NULL, dyn_label(s, d), NULL);
	}
	if (renamed || added_hashed)
		diff_add(s, DIFF_INFO, where, area, "cgo-internal", "_cgoexp_/_cgo_<hash>_ symbols",
			 arena_printf(s->arena, "%zu", renamed), arena_printf(s->arena, "%zu", added_hashed),
			 "cgo names these after a hash of the package's sources: they change with every source change and are not called by users");
}

static const char *fv(const struct goabi_fact *f)
{
	return f->value;
}

static bool differ(const char *a, const char *b)
{
	return (a && b) ? strcmp(a, b) != 0 : a != b;
}

static bool strv_has(const struct goabi_strv *v, const char *s)
{
	return strv_contains(v, s);
}

/* Symbols of NEW that need a PREFIX version above old_floor (all those at
 * the new floor when there was none), at most 12 named. */
static const char *floor_symbols(struct diff_set *s, const struct goabi_libc *lc, const char *prefix,
				 const char *old_floor, const char *new_floor)
{
	char buf[1024];
	size_t len = 0, count = 0;
	buf[0] = 0;
	size_t plen = strlen(prefix);
	for (size_t i = 0; i < lc->nverneed; i++)
		for (size_t j = 0; j < lc->verneed[i].symbols.n; j++) {
			const char *sym = lc->verneed[i].symbols.v[j];
			const char *at = strrchr(sym, '@');
			if (!at || strncmp(at + 1, prefix, plen) != 0)
				continue;
			if (old_floor ? version_cmp(at + 1, old_floor) <= 0 : strcmp(at + 1, new_floor) != 0)
				continue;
			if (count++ >= 12)
				continue;
			int w = snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? ", " : "", sym);
			if (w < 0 || (size_t)w >= sizeof(buf) - len) {
				buf[len] = 0;
				break;
			}
			len += (size_t)w;
		}
	if (!count)
		return NULL;
	if (count > 12)
		return arena_printf(s->arena, "needed by: %s and %zu more", buf, count - 12);
	return arena_printf(s->arena, "needed by: %s", buf);
}

static void diff_floor(struct diff_set *s, const char *where, const char *subject, const char *prefix,
		       const struct goabi_fact *fo, const struct goabi_fact *fn, const struct goabi_libc *nlc)
{
	const char *o = fo->value, *n = fn->value;
	if (!n || (o && version_cmp(o, n) >= 0)) {
		if (o && n && version_cmp(o, n) > 0)
			diff_add(s, DIFF_INFO, where, "glibc", "lowered", subject, o, n, NULL);
		else if (o && !n)
			diff_add(s, DIFF_INFO, where, "glibc", "removed", subject, o, NULL, "no longer needs versioned libc symbols");
		return;
	}
	/* breaking: NEW no longer starts where OLD ran ("version `GLIBC_2.34'
	 * not found"), on every system whose libc is older than the new floor */
	diff_add(s, DIFF_BREAKING, where, "glibc", "raised", subject, o, n, floor_symbols(s, nlc, prefix, o, n));
}

static void diff_libc(struct diff_set *s, const char *where, const struct goabi_artifact *oa,
		      const struct goabi_artifact *na)
{
	const struct goabi_libc *o = &oa->libc, *n = &na->libc;
	const char *lo = fv(&o->linkage), *ln = fv(&n->linkage);
	if (lo && ln && strcmp(lo, ln) != 0) {
		bool to_dyn = strcmp(ln, "dynamic") == 0;
		diff_add(s, to_dyn ? DIFF_POSSIBLE : DIFF_INFO, where, "libc", "changed", "linkage", lo, ln,
			 to_dyn ? "now needs a dynamic loader and shared libraries on the target" : NULL);
	}
	const char *fo = fv(&o->family), *fn = fv(&n->family);
	if (fo && fn && strcmp(fo, fn) != 0 && strcmp(fo, "unknown") != 0 && strcmp(fn, "unknown") != 0) {
		enum diff_class c = strcmp(fn, "none") == 0 ? DIFF_INFO : strcmp(fo, "none") == 0 ? DIFF_POSSIBLE : DIFF_BREAKING;
		diff_add(s, c, where, "libc", "changed", "family", fo, fn,
			 c == DIFF_BREAKING ? "a binary built for one libc does not load with the other" : NULL);
	}
	if (differ(o->interp, n->interp)) {
		enum diff_class c = (o->interp && n->interp) ? DIFF_BREAKING : n->interp ? DIFF_POSSIBLE : DIFF_INFO;
		diff_add(s, c, where, "interp", o->interp && n->interp ? "changed" : o->interp ? "removed" : "added", "PT_INTERP",
			 o->interp, n->interp, NULL);
	}
	if (differ(o->soname, n->soname)) {
		enum diff_class c = o->soname ? DIFF_BREAKING : DIFF_INFO;
		diff_add(s, c, where, "soname", o->soname && n->soname ? "changed" : o->soname ? "removed" : "added",
			 "DT_SONAME", o->soname, n->soname,
			 c == DIFF_BREAKING ? "programs linked against the old SONAME do not find the new one" : NULL);
	}
	if (differ(o->rpath, n->rpath))
		diff_add(s, DIFF_POSSIBLE, where, "needed", "changed", "DT_RPATH", o->rpath, n->rpath,
			 "libraries are looked up elsewhere");
	if (differ(o->runpath, n->runpath))
		diff_add(s, DIFF_POSSIBLE, where, "needed", "changed", "DT_RUNPATH", o->runpath, n->runpath,
			 "libraries are looked up elsewhere");
	for (size_t i = 0; i < n->needed.n; i++)
		if (!strv_has(&o->needed, n->needed.v[i]))
			diff_add(s, DIFF_POSSIBLE, where, "needed", "added", n->needed.v[i], NULL, n->needed.v[i],
				 "new DT_NEEDED library must exist on the target");
	for (size_t i = 0; i < o->needed.n; i++)
		if (!strv_has(&n->needed, o->needed.v[i]))
			diff_add(s, DIFF_INFO, where, "needed", "removed", o->needed.v[i], o->needed.v[i], NULL, NULL);
	diff_floor(s, where, "GLIBC", "GLIBC_", &o->glibc_floor, &n->glibc_floor, n);
	diff_floor(s, where, "GLIBCXX", "GLIBCXX_", &o->glibcxx_floor, &n->glibcxx_floor, n);
	diff_floor(s, where, "CXXABI", "CXXABI_", &o->cxxabi_floor, &n->cxxabi_floor, n);
	for (size_t i = 0; i < n->undef_libc.n; i++)
		if (!strv_has(&o->undef_libc, n->undef_libc.v[i]))
			diff_add(s, DIFF_INFO, where, "libc", "added", n->undef_libc.v[i], NULL, n->undef_libc.v[i],
				 "libc symbol newly left undefined");
}

static void diff_isa(struct diff_set *s, const char *where, const struct goabi_artifact *o,
		     const struct goabi_artifact *n)
{
	const char *what[2] = { "declared", "required" };
	const struct goabi_fact *fo[2] = { &o->isa.declared, &o->isa.required };
	const struct goabi_fact *fn[2] = { &n->isa.declared, &n->isa.required };
	for (int i = 0; i < 2; i++) {
		const char *a = fo[i]->value, *b = fn[i]->value;
		if (!a || !b || strcmp(a, b) == 0)
			continue;
		/* levels of one family compare (x86-64-v1 < v3, riscv64-rva20u64 <
		 * rva22u64, ppc64-power8 < power10, armv5 < armv7) */
		size_t fa = 0, fb = 0;
		int ra = goabi_isa_rank(a, &fa), rb = goabi_isa_rank(b, &fb);
		bool same = ra >= 0 && rb >= 0 && fa == fb && strncmp(a, b, fa) == 0;
		bool raised = same && rb > ra, lowered = same && rb < ra;
		/* a declared level (GOAMD64, the GNU property note) is enforced at
		 * start-up (Go's runtime refuses to run: breaking); a level required
		 * by the code may sit behind CPU feature checks (possibly) */
		enum diff_class rc = i == 0 ? DIFF_BREAKING : DIFF_POSSIBLE;
		diff_add(s, raised ? rc : DIFF_INFO, where, "isa", raised ? "raised" : lowered ? "lowered" : "changed",
			 arena_printf(s->arena, "ISA level %s", what[i]), a, b,
			 raised ? arena_printf(s->arena, "CPUs below %s no longer run it (%s)", b,
					       fn[i]->evidence ? fn[i]->evidence : "")
				: NULL);
	}
}

static const char *mod_version(const struct goabi_module *m)
{
	if (m->repl_path)
		return m->repl_version ? m->repl_version : m->repl_path;
	return m->version;
}

static void diff_modules(struct diff_set *s, const char *where, const struct goabi_go *o, const struct goabi_go *n)
{
	for (size_t i = 0; i < o->ndeps; i++) {
		const struct goabi_module *a = &o->deps[i];
		const struct goabi_module *b = NULL;
		for (size_t j = 0; j < n->ndeps && !b; j++)
			if (strcmp(n->deps[j].path, a->path) == 0)
				b = &n->deps[j];
		const char *va = mod_version(a);
		if (!b) {
			diff_add(s, DIFF_INFO, where, "module", "removed", a->path, va, NULL, NULL);
			continue;
		}
		const char *vb = mod_version(b);
		if (!va || !vb || strcmp(va, vb) == 0)
			continue;
		if (differ(a->repl_path, b->repl_path)) {
			diff_add(s, DIFF_INFO, where, "module", "replaced", a->path, va, vb, b->repl_path ? "now replaced" : "no longer replaced");
			continue;
		}
		int c = version_cmp(va, vb);
		diff_add(s, c > 0 ? DIFF_POSSIBLE : DIFF_INFO, where, "module", c > 0 ? "downgraded" : c < 0 ? "upgraded" : "changed",
			 a->path, va, vb, c > 0 ? "an older dependency may bring back fixed bugs" : NULL);
	}
	for (size_t j = 0; j < n->ndeps; j++) {
		bool found = false;
		for (size_t i = 0; i < o->ndeps && !found; i++)
			found = strcmp(o->deps[i].path, n->deps[j].path) == 0;
		if (!found)
			diff_add(s, DIFF_INFO, where, "module", "added", n->deps[j].path, NULL, mod_version(&n->deps[j]), NULL);
	}
	if (o->main.path && n->main.path && differ(o->main.version, n->main.version))
		diff_add(s, DIFF_INFO, where, "module", "main version", o->main.path, o->main.version, n->main.version, NULL);
}

/* One side states a fact the other cannot: say so with the reason. */
static void not_comparable(struct diff_set *s, const char *where, const char *subject, const struct goabi_fact *o,
			   const struct goabi_fact *n, const struct goabi_fact *orange, const struct goabi_fact *nrange)
{
	const struct goabi_fact *missing = o->value ? n : o;
	const struct goabi_fact *range = o->value ? nrange : orange;
	const char *why = missing->evidence ? missing->evidence : "not stated";
	if (range && range->value)
		why = arena_printf(s->arena, "%s; only the range %s is known, and a range is not a version", why, range->value);
	diff_add(s, DIFF_NOTCMP, where, "go", "not comparable", subject, o->value, n->value,
		 arena_printf(s->arena, "%s: %s", o->value ? "NEW" : "OLD", why));
}

/* A change when both sides state a value, "not comparable" when one does. */
/* A scheme change matters where Go objects are linked together: libraries,
 * archives, objects; nothing links against an executable. */
static void compare_fact(struct diff_set *s, const char *where, const char *subject, const struct goabi_fact *o,
			 const struct goabi_fact *n, const char *why, bool executables)
{
	const char *a = o->value, *b = n->value;
	if (a && b && strcmp(a, b) != 0)
		diff_add(s, executables ? DIFF_INFO : DIFF_POSSIBLE, where, "go", "changed", subject, a, b,
			 executables ? "both are executables: nothing links against them" : why);
	else if (!a != !b)
		not_comparable(s, where, subject, o, n, NULL, NULL);
}

/* An executable program (ET_EXEC, or a PIE), not a shared library, Go
 * plugin, archive or object. */
static bool is_program(const struct goabi_artifact *a)
{
	bool foreign = a->kind == GOABI_KIND_MACHO || a->kind == GOABI_KIND_PE;
	if (a->kind != GOABI_KIND_ELF && !foreign)
		return false;
	const char *bm = a->go.buildmode.value;
	if (bm && (strcmp(bm, "c-shared") == 0 || strcmp(bm, "plugin") == 0 || strcmp(bm, "shared") == 0 ||
		   strcmp(bm, "c-archive") == 0 || strcmp(bm, "object") == 0))
		return false;
	if (foreign) /* Mach-O MH_EXECUTE, PE without IMAGE_FILE_DLL */
		return a->os.filetype && (strcmp(a->os.filetype, "MH_EXECUTE") == 0 || strcmp(a->os.filetype, "exe") == 0);
	return a->id.type == ET_EXEC || (a->id.type == ET_DYN && a->id.pie);
}

static void diff_go(struct diff_set *s, const char *where, const struct goabi_artifact *oa,
		    const struct goabi_artifact *na)
{
	const struct goabi_go *o = &oa->go, *n = &na->go;
	const char *to = fv(&o->toolchain), *tn = fv(&n->toolchain);
	if (to && tn && strcmp(to, tn) != 0) {
		diff_add(s, DIFF_POSSIBLE, where, "go", "changed", "toolchain", to, tn, NULL);
	}
	if (!to || !tn || strcmp(to, "none") == 0 || strcmp(tn, "none") == 0)
		return;
	/* only exact versions compare; a pclntab range or an unknown version is
	 * "not comparable", never a downgrade */
	const char *vo = fv(&o->version), *vn = fv(&n->version);
	if (vo && vn && strcmp(vo, vn) != 0) {
		int c = version_cmp(vo, vn);
		diff_add(s, c > 0 ? DIFF_POSSIBLE : DIFF_INFO, where, "go", c > 0 ? "downgraded" : c < 0 ? "upgraded" : "changed",
			 "Go version", vo,
			 vn, c > 0 ? "an older Go release may lack security fixes" : NULL);
	} else if (!vo != !vn) {
		not_comparable(s, where, "Go version", &o->version, &n->version, &o->version_range, &n->version_range);
	}
	bool programs = is_program(oa) && is_program(na);
	compare_fact(s, where, "symbol scheme", &o->scheme, &n->scheme,
		     "Go objects of the two schemes (type..eq. vs type:.eq.) do not link into one program", programs);
	compare_fact(s, where, "type-hash scheme", &o->typehash, &n->typehash,
		     "type hashes differ between Go objects built with the two schemes", programs);
	/* cgo: what is linked (the C library dependency); CGO_ENABLED: the
	 * setting, which alone links nothing (a pure-Go program is static) */
	const char *co = fv(&o->cgo), *cn = fv(&n->cgo);
	if (co && cn && strcmp(co, cn) != 0) {
		bool on = strcmp(cn, "1") == 0;
		diff_add(s, on ? DIFF_POSSIBLE : DIFF_INFO, where, "go", "changed", "cgo", co, cn,
			 on ? "cgo code now linked: needs a C library on the target" : NULL);
	} else if (!co != !cn) {
		not_comparable(s, where, "cgo", &o->cgo, &n->cgo, NULL, NULL);
	}
	const char *so = fv(&o->cgo_setting), *sn = fv(&n->cgo_setting);
	if (so && sn && strcmp(so, sn) != 0)
		diff_add(s, DIFF_INFO, where, "go", "changed", "CGO_ENABLED", so, sn,
			 co && cn && strcmp(co, cn) == 0 ? "the build setting only: the linked code has the same cgo" : NULL);
	/* build settings and modules exist only in build info: a side without
	 * build info states none of them (esbuild >= 0.27 ships none) */
	bool bo_info = o->buildinfo_where || oa->kind == GOABI_KIND_GOOBJ, bn_info = n->buildinfo_where || na->kind == GOABI_KIND_GOOBJ;
	if (bo_info != bn_info) {
		diff_add(s, DIFF_NOTCMP, where, "go", "not comparable", "build settings and modules",
			 bo_info ? "build info" : NULL, bn_info ? "build info" : NULL,
			 arena_printf(s->arena, "%s has no Go build info: its settings and dependencies are unknown, not removed",
				      bo_info ? "NEW" : "OLD"));
		return;
	}
	const char *bo = fv(&o->buildmode), *bn = fv(&n->buildmode);
	if (bo && bn && strcmp(bo, bn) != 0)
		diff_add(s, DIFF_BREAKING, where, "go", "changed", "build mode", bo, bn, "users of one build mode cannot use the other");
	static const char *const breaking_keys[] = { "GOOS", "GOARCH" };
	static const char *const info_keys[] = { "-compiler", "-trimpath", "-tags", "-race", "-msan", "-asan", "GOEXPERIMENT" };
	for (size_t i = 0; i < 2; i++) {
		const char *a = goabi_go_setting(o, breaking_keys[i]), *b = goabi_go_setting(n, breaking_keys[i]);
		if (a && b && strcmp(a, b) != 0)
			diff_add(s, DIFF_BREAKING, where, "go", "changed", breaking_keys[i], a, b, NULL);
	}
	for (size_t i = 0; i < sizeof(info_keys) / sizeof(info_keys[0]); i++) {
		const char *a = goabi_go_setting(o, info_keys[i]), *b = goabi_go_setting(n, info_keys[i]);
		if (differ(a, b))
			diff_add(s, DIFF_INFO, where, "go", "setting changed", info_keys[i], a ? a : "(unset)",
				 b ? b : "(unset)", NULL);
	}
	diff_modules(s, where, o, n);
}

static void diff_elf(struct diff_set *s, const char *where, const struct goabi_artifact *o,
		     const struct goabi_artifact *n)
{
	if (o->id.elfclass && n->id.elfclass &&
	    (o->id.machine != n->id.machine || o->id.elfclass != n->id.elfclass || o->id.big_endian != n->id.big_endian)) {
		diff_add(s, DIFF_BREAKING, where, "elf", "changed", "machine",
			 arena_printf(s->arena, "ELF%d %s %s", o->id.elfclass, o->id.big_endian ? "big-endian" : "little-endian",
				      o->id.machine_name ? o->id.machine_name : "?"),
			 arena_printf(s->arena, "ELF%d %s %s", n->id.elfclass, n->id.big_endian ? "big-endian" : "little-endian",
				      n->id.machine_name ? n->id.machine_name : "?"),
			 NULL);
	} else if (o->id.flags != n->id.flags) {
		diff_add(s, DIFF_POSSIBLE, where, "elf", "changed", "e_flags", arena_printf(s->arena, "%#x", o->id.flags),
			 arena_printf(s->arena, "%#x", n->id.flags), "ABI flags (float ABI, EABI version) differ");
	}
	if (o->id.type_name && n->id.type_name && strcmp(o->id.type_name, n->id.type_name) != 0)
		diff_add(s, DIFF_BREAKING, where, "elf", "changed", "type", o->id.type_name, n->id.type_name, NULL);
}

/* ---- ELF: the Linux kernel floor (os.floor: the higher of glibc's ABI note
 * and the Go toolchain's minimum, src/facts/foreign.c facts_os_elf) ----
 * Compared only when both sides state one: a program without either (a
 * musl or Rust binary, a Go version not known) says nothing about its
 * kernel, which is no change. A raised floor is breaking as on macOS and
 * Windows: the Go runtime of NEW is not supported on (and may fail at start
 * on) the older kernels OLD ran on, and glibc's startup code refuses a
 * kernel below its ABI note ("FATAL: kernel too old"). */
static void diff_kernel_floor(struct diff_set *s, const char *where, const struct goabi_artifact *oa,
			      const struct goabi_artifact *na)
{
	const char *fo = fv(&oa->os.floor), *fn = fv(&na->os.floor);
	if (!fo || !fn || strcmp(fo, fn) == 0)
		return;
	bool ok;
	int c = osfloor_cmp(fo, fn, &ok);
	if (!ok)
		diff_add(s, DIFF_POSSIBLE, where, "os", "changed", "OS floor", fo, fn, "the two floors do not compare");
	else if (c < 0)
		diff_add(s, DIFF_BREAKING, where, "os", "raised", "OS floor", fo, fn,
			 arena_printf(s->arena, "NEW no longer runs on %s where OLD ran: %s", fo,
				      na->os.floor.evidence ? na->os.floor.evidence : "no evidence"));
	else if (c > 0)
		diff_add(s, DIFF_INFO, where, "os", "lowered", "OS floor", fo, fn, na->os.floor.evidence);
}

/* ---- Mach-O and PE: the OS floor, the code signature, the libraries ---- */

static const struct goabi_dylib *find_lib(const struct goabi_os *o, const char *name, bool pe)
{
	for (size_t i = 0; i < o->ndylibs; i++)
		if (o->dylibs[i].name && (pe ? strcasecmp(o->dylibs[i].name, name) == 0 : strcmp(o->dylibs[i].name, name) == 0))
			return &o->dylibs[i];
	return NULL;
}

static void diff_os(struct diff_set *s, const char *where, const struct goabi_artifact *oa,
		    const struct goabi_artifact *na)
{
	const struct goabi_os *o = &oa->os, *n = &na->os;
	const char *on = fv(&o->name), *nn = fv(&n->name);
	if (on && nn && strcmp(on, nn) != 0) {
		diff_add(s, DIFF_BREAKING, where, "os", "changed", "target OS", on, nn, "built for another operating system");
		return;
	}
	/* the floor: NEW no longer starts where OLD ran (macOS refuses an
	 * LC_BUILD_VERSION minos above the running system, Windows a subsystem
	 * version; Go's own minimum refuses at run time or is unsupported) */
	const char *fo = fv(&o->floor), *fn = fv(&n->floor);
	if (fo && fn && strcmp(fo, fn) != 0) {
		bool ok;
		int c = osfloor_cmp(fo, fn, &ok);
		if (!ok)
			diff_add(s, DIFF_POSSIBLE, where, "os", "changed", "OS floor", fo, fn, "the two floors do not compare");
		else if (c < 0)
			diff_add(s, DIFF_BREAKING, where, "os", "raised", "OS floor", fo, fn,
				 arena_printf(s->arena, "NEW no longer runs on %s where OLD ran: %s", fo,
					      n->floor.evidence ? n->floor.evidence : "no evidence"));
		else if (c > 0)
			diff_add(s, DIFF_INFO, where, "os", "lowered", "OS floor", fo, fn, n->floor.evidence);
	} else if (!fo != !fn) {
		const struct goabi_fact *m = fo ? &n->floor : &o->floor;
		diff_add(s, DIFF_NOTCMP, where, "os", "not comparable", "OS floor", fo, fn,
			 arena_printf(s->arena, "%s: %s", fo ? "NEW" : "OLD", m->evidence ? m->evidence : "not stated"));
	}
	/* the code signature: an unsigned arm64 Mach-O is killed on Apple
	 * silicon; an unsigned PE fails Authenticode policies (SmartScreen,
	 * WDAC) where the signed one passed */
	const char *so = fv(&o->signature), *sn = fv(&n->signature);
	if (so && sn && strcmp(so, sn) != 0) {
		bool gone = strcmp(sn, "none") == 0, came = strcmp(so, "none") == 0;
		diff_add(s, gone ? DIFF_BREAKING : DIFF_INFO, where, "signature", gone ? "removed" : came ? "added" : "changed",
			 oa->kind == GOABI_KIND_PE ? "certificate table" : "LC_CODE_SIGNATURE", so, sn,
			 gone ? (oa->kind == GOABI_KIND_PE ? "NEW has no Authenticode signature: code-integrity policies that accepted OLD refuse it"
							   : "NEW is unsigned: macOS on Apple silicon kills an unsigned arm64 program")
			      : NULL);
	}
	/* libraries: like DT_NEEDED (a new one must exist on the target) */
	bool pe = oa->kind == GOABI_KIND_PE;
	const char *area = pe ? "dll" : "dylib";
	for (size_t i = 0; i < n->ndylibs; i++) {
		const struct goabi_dylib *nl = &n->dylibs[i];
		if (!nl->name)
			continue;
		const struct goabi_dylib *ol = find_lib(o, nl->name, pe);
		if (!ol) {
			diff_add(s, nl->weak ? DIFF_INFO : DIFF_POSSIBLE, where, area, "added", nl->name, NULL, nl->name,
				 nl->weak ? "weakly linked: a missing library does not stop the program"
					  : pe ? "new DLL must exist on the target" : "new dylib must exist on the target");
			continue;
		}
		if (!pe && ol->compat && nl->compat && strcmp(ol->compat, nl->compat) != 0) {
			int c = version_cmp(ol->compat, nl->compat);
			diff_add(s, c < 0 ? DIFF_POSSIBLE : DIFF_INFO, where, area, c < 0 ? "raised" : "lowered",
				 arena_printf(s->arena, "%s compatibility version", nl->name), ol->compat, nl->compat,
				 c < 0 ? "dyld refuses a library whose current version is below the compatibility version" : NULL);
		}
		if (!pe && ol->weak && !nl->weak)
			diff_add(s, DIFF_POSSIBLE, where, area, "changed", nl->name, "weak", "required",
				 "now LC_LOAD_DYLIB: the program no longer starts without it");
		for (size_t j = 0; pe && j < nl->imports.n; j++)
			if (!strv_has(&ol->imports, nl->imports.v[j]))
				diff_add(s, DIFF_INFO, where, "dll", "import-added",
					 arena_printf(s->arena, "%s!%s", nl->name, nl->imports.v[j]), NULL, nl->imports.v[j],
					 "function newly imported from the DLL");
	}
	for (size_t i = 0; i < o->ndylibs; i++)
		if (o->dylibs[i].name && !find_lib(n, o->dylibs[i].name, pe))
			diff_add(s, DIFF_INFO, where, area, "removed", o->dylibs[i].name, o->dylibs[i].name, NULL, NULL);
}

static void diff_one(struct diff_set *s, const char *where, const struct goabi_artifact *o,
		     const struct goabi_artifact *n, const struct diff_opts *opts, bool member)
{
	if (o->kind != n->kind) {
		static const char *const kinds[] = { "ELF", "archive", "other", "Go object", "Mach-O", "PE" };
		diff_add(s, DIFF_BREAKING, where, "file", "changed", "kind", kinds[o->kind], kinds[n->kind], NULL);
		return;
	}
	if (o->kind == GOABI_KIND_ELF)
		diff_elf(s, where, o, n);
	if (!member) {
		diff_exports(s, where, o, n, opts);
		diff_go(s, where, o, n);
		diff_isa(s, where, o, n);
	}
	if (o->kind == GOABI_KIND_ELF) {
		diff_libc(s, where, o, n);
		diff_dynsyms(s, where, o, n);
	}
	if ((o->kind == GOABI_KIND_MACHO && !o->nmembers && !n->nmembers) || o->kind == GOABI_KIND_PE)
		diff_os(s, where, o, n);
	else if (o->kind == GOABI_KIND_ELF)
		diff_kernel_floor(s, where, o, n);
}

void diff_artifacts(struct diff_set *s, const char *where, const struct goabi_artifact *o,
		    const struct goabi_artifact *n, const struct diff_opts *opts)
{
	/* universal Mach-O files: slices paired by architecture, each compared
	 * as a whole program */
	bool fat = o->kind == GOABI_KIND_MACHO && n->kind == GOABI_KIND_MACHO && (o->nmembers || n->nmembers);
	if (!fat || (o->nmembers && n->nmembers))
		diff_one(s, where, o, n, opts, false);
	if (fat && (!o->nmembers || !n->nmembers)) {
		/* thin <-> universal: compare the thin file with the slice of its
		 * architecture; slices of other architectures are added/removed */
		const struct goabi_artifact *thin = o->nmembers ? n : o, *uni = o->nmembers ? o : n;
		const char *arch = thin->machine.value;
		for (size_t i = 0; i < uni->nmembers; i++) {
			const struct goabi_artifact *m = uni->members[i];
			const char *mn = m->member ? m->member : "?";
			const char *w = arena_printf(s->arena, "%s(%s)", where, mn);
			if (arch && m->machine.value && strcmp(arch, m->machine.value) == 0)
				diff_one(s, w, o->nmembers ? m : thin, o->nmembers ? thin : m, opts, false);
			else if (o->nmembers)
				diff_add(s, DIFF_BREAKING, w, "slice", "removed", mn, mn, NULL, "NEW no longer runs on this architecture");
			else
				diff_add(s, DIFF_INFO, w, "slice", "added", mn, NULL, mn, NULL);
		}
		return;
	}
	if (!fat && (o->kind != GOABI_KIND_AR || n->kind != GOABI_KIND_AR))
		return;
	/* members paired by name, in order (the k-th "x.o" with the k-th "x.o") */
	bool *used = calloc(n->nmembers ? n->nmembers : 1, sizeof(bool));
	if (!used)
		return;
	for (size_t i = 0; i < o->nmembers; i++) {
		const struct goabi_artifact *om = o->members[i];
		const char *mn = om->member ? om->member : "?";
		const struct goabi_artifact *nm = NULL;
		for (size_t j = 0; j < n->nmembers && !nm; j++)
			if (!used[j] && n->members[j]->member && strcmp(n->members[j]->member, mn) == 0) {
				used[j] = true;
				nm = n->members[j];
			}
		const char *w = arena_printf(s->arena, "%s(%s)", where, mn);
		if (!nm && fat)
			diff_add(s, DIFF_BREAKING, w, "slice", "removed", mn, mn, NULL, "NEW no longer runs on this architecture");
		else if (!nm)
			diff_add(s, DIFF_INFO, w, "member", "removed", mn, mn, NULL, NULL);
		else
			diff_one(s, w, om, nm, opts, !fat);
	}
	for (size_t j = 0; j < n->nmembers; j++)
		if (!used[j]) {
			const char *mn = n->members[j]->member ? n->members[j]->member : "?";
			diff_add(s, DIFF_INFO, arena_printf(s->arena, "%s(%s)", where, mn), fat ? "slice" : "member", "added", mn,
				 NULL, mn, NULL);
		}
	free(used);
}
