/* Prototypes of //export functions from the DWARF of cgo's _cgo_export.c
 * (libdwarf, bookworm's 2021 API: executables and shared objects through
 * cabi_dwobj.c, which offers libdwarf only the sections read here;
 * relocatable objects, archive members among them, through libdwarf's own
 * reader over the elfview's libelf handle, which applies relocations).
 *
 * cgo writes one _cgo_export.c per package with //export functions
 * (Go 1.19 src/cmd/cgo/out.go, writeExports): for each export Name a C
 * wrapper `RET Name(PARAMS)` defined there, which calls crosscall2 with the
 * address of the Go-side `_cgoexp_<hash>_Name`, declared in the same file.
 * So an exported function is an external, defined DW_TAG_subprogram of a
 * compilation unit named *_cgo_export.c whose name Name has a matching
 * `_cgoexp_<12 hex>_Name` declaration in that unit. The prototype is
 * rendered from its DW_AT_type and DW_TAG_formal_parameter children.
 *
 * Bounds: at most GOABI_MAX_LIST compilation units and exports, a budget of
 * DIEs visited per object, a nesting depth for type rendering and a size for
 * each rendered string. dwarf_finish() always runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libdwarf.h>
#include <dwarf.h>
#include <zlib.h>
#include "facts/facts.h"
#include "facts/cabi_dwobj.h"

void cabi_dwarf_prototypes(struct elfview *ev);

#define DIE_BUDGET 200000u  /* DIEs visited per object */
#define TYPE_DEPTH 16u      /* pointer/typedef/array nesting rendered */
#define DECL_MAX 1024u      /* one rendered declarator */
#define CU_NAMES_MAX 4096u  /* _cgoexp_ declarations per unit */
#define LONG_NAMES_MAX 64u  /* names of DECL_MAX bytes or more before the walk stops */

struct dw {
	Dwarf_Debug dbg;
	struct elfview *ev;
	unsigned budget;
	bool truncated;
	unsigned long_names; /* names of DECL_MAX bytes or more, ignored */
};

static void dw_err(struct dw *d, Dwarf_Error *err)
{
	if (*err) {
		dwarf_dealloc_error(d->dbg, *err);
		*err = NULL;
	}
}

static bool dw_spend(struct dw *d)
{
	if (d->budget == 0) {
		d->truncated = true;
		return false;
	}
	d->budget--;
	return true;
}

/* Offset of the DIE DW_AT_type refers to; false when absent (void). */
static bool dw_type_ref(struct dw *d, Dwarf_Die die, Dwarf_Off *off)
{
	Dwarf_Attribute at = NULL;
	Dwarf_Error err = NULL;
	int rc = dwarf_attr(die, DW_AT_type, &at, &err);
	if (rc != DW_DLV_OK) {
		dw_err(d, &err);
		return false;
	}
	rc = dwarf_global_formref(at, off, &err);
	dw_err(d, &err);
	dwarf_dealloc_attribute(at);
	return rc == DW_DLV_OK;
}

static bool dw_flag(struct dw *d, Dwarf_Die die, Dwarf_Half attr)
{
	Dwarf_Attribute at = NULL;
	Dwarf_Error err = NULL;
	Dwarf_Bool v = 0;
	if (dwarf_attr(die, attr, &at, &err) != DW_DLV_OK) {
		dw_err(d, &err);
		return false;
	}
	if (dwarf_formflag(at, &v, &err) != DW_DLV_OK)
		dw_err(d, &err);
	dwarf_dealloc_attribute(at);
	return v != 0;
}

static bool dw_udata(struct dw *d, Dwarf_Die die, Dwarf_Half attr, Dwarf_Unsigned *v)
{
	Dwarf_Attribute at = NULL;
	Dwarf_Error err = NULL;
	if (dwarf_attr(die, attr, &at, &err) != DW_DLV_OK) {
		dw_err(d, &err);
		return false;
	}
	int rc = dwarf_formudata(at, v, &err);
	dw_err(d, &err);
	if (rc != DW_DLV_OK) {
		/* DW_FORM_implicit_const (GCC 11+ DWARF 5) is a signed constant */
		Dwarf_Signed sv = 0;
		rc = dwarf_formsdata(at, &sv, &err);
		dw_err(d, &err);
		if (rc == DW_DLV_OK && sv >= 0)
			*v = (Dwarf_Unsigned)sv;
		else
			rc = DW_DLV_NO_ENTRY;
	}
	dwarf_dealloc_attribute(at);
	return rc == DW_DLV_OK;
}

/* DW_AT_name, NULL when absent or longer than a declarator may be: many
 * DIEs can share one huge .debug_str string, and every later strlen,
 * strcmp or copy of it would be paid again per DIE (an object of 1.1 MB
 * with one 256 KiB name used by 20000 parameters took 9 s). */
static const char *dw_name(struct dw *d, Dwarf_Die die)
{
	char *s = NULL;
	Dwarf_Error err = NULL;
	if (dwarf_diename(die, &s, &err) != DW_DLV_OK) {
		dw_err(d, &err);
		return NULL;
	}
	if (strnlen(s, DECL_MAX) >= DECL_MAX) {
		/* libdwarf has scanned the whole string to check its end: after
		 * LONG_NAMES_MAX such names stop, so that the time stays within a
		 * small multiple of the file's size */
		if (++d->long_names >= LONG_NAMES_MAX) {
			d->budget = 0;
			d->truncated = true;
		}
		return NULL;
	}
	return s;
}

static Dwarf_Half dw_tag(struct dw *d, Dwarf_Die die)
{
	Dwarf_Half t = 0;
	Dwarf_Error err = NULL;
	if (dwarf_tag(die, &t, &err) != DW_DLV_OK)
		dw_err(d, &err);
	return t;
}

static Dwarf_Die dw_offdie(struct dw *d, Dwarf_Off off)
{
	Dwarf_Die die = NULL;
	Dwarf_Error err = NULL;
	if (!dw_spend(d))
		return NULL;
	if (dwarf_offdie_b(d->dbg, off, true, &die, &err) != DW_DLV_OK) {
		dw_err(d, &err);
		return NULL;
	}
	return die;
}

/* Next child (first when prev is NULL); NULL at the end or on error. The
 * previous DIE is released. */
static Dwarf_Die dw_next(struct dw *d, Dwarf_Die parent, Dwarf_Die prev)
{
	Dwarf_Die n = NULL;
	Dwarf_Error err = NULL;
	int rc;
	if (!dw_spend(d)) {
		if (prev)
			dwarf_dealloc_die(prev);
		return NULL;
	}
	if (prev) {
		rc = dwarf_siblingof_b(d->dbg, prev, true, &n, &err);
		dwarf_dealloc_die(prev);
	} else {
		rc = dwarf_child(parent, &n, &err);
	}
	if (rc != DW_DLV_OK) {
		dw_err(d, &err);
		return NULL;
	}
	return n;
}

/* out = a + b (+ c), truncated to DECL_MAX. */
static void cat3(char *out, const char *a, const char *b, const char *c)
{
	char tmp[DECL_MAX];
	const char *parts[3] = { a, b, c ? c : "" };
	size_t n = 0;
	for (int i = 0; i < 3; i++) {
		size_t l = strnlen(parts[i], DECL_MAX);
		if (l > DECL_MAX - 1 - n)
			l = DECL_MAX - 1 - n;
		memcpy(tmp + n, parts[i], l);
		n += l;
	}
	tmp[n] = 0;
	memcpy(out, tmp, n + 1);
}

static void render(struct dw *d, bool has_type, Dwarf_Off off, const char *decl, char *out, unsigned depth);

/* "T decl" with C spacing: no space before an empty declarator or an array. */
static void with_decl(char *out, const char *base, const char *decl)
{
	if (!decl[0] || decl[0] == '[')
		cat3(out, base, decl, NULL);
	else
		cat3(out, base, " ", decl);
}

/* Parameter list of a subprogram or subroutine type into buf ("(...)"). */
static void render_params(struct dw *d, Dwarf_Die fn, bool names, char *buf, unsigned depth)
{
	char acc[DECL_MAX] = "(";
	size_t n = 0;
	for (Dwarf_Die c = dw_next(d, fn, NULL); c; c = dw_next(d, fn, c)) {
		if (strlen(acc) >= DECL_MAX - 1) {
			/* the list is already cut at DECL_MAX: rendering the rest
			 * would only cost (libdwarf re-checks every name it returns) */
			d->truncated = true;
			dwarf_dealloc_die(c);
			break;
		}
		Dwarf_Half t = dw_tag(d, c);
		char one[DECL_MAX];
		if (t == DW_TAG_formal_parameter) {
			Dwarf_Off toff = 0;
			bool ht = dw_type_ref(d, c, &toff);
			const char *pn = names ? dw_name(d, c) : NULL;
			render(d, ht, toff, pn ? pn : "", one, depth + 1);
		} else if (t == DW_TAG_unspecified_parameters) {
			snprintf(one, sizeof(one), "...");
		} else {
			continue;
		}
		cat3(acc, acc, n++ ? ", " : "", one);
	}
	if (n == 0 && dw_flag(d, fn, DW_AT_prototyped))
		cat3(acc, acc, "void", NULL);
	cat3(buf, acc, ")", NULL);
}

static void render(struct dw *d, bool has_type, Dwarf_Off off, const char *decl, char *out, unsigned depth)
{
	if (!has_type) {
		with_decl(out, "void", decl);
		return;
	}
	Dwarf_Die die = depth < TYPE_DEPTH ? dw_offdie(d, off) : NULL;
	if (!die) {
		d->truncated = true;
		with_decl(out, "?", decl);
		return;
	}
	Dwarf_Half tag = dw_tag(d, die);
	const char *name = dw_name(d, die);
	Dwarf_Off t = 0;
	bool ht = dw_type_ref(d, die, &t);
	char nd[DECL_MAX], base[DECL_MAX];
	switch (tag) {
	case DW_TAG_base_type:
	case DW_TAG_typedef:
	case DW_TAG_unspecified_type:
		with_decl(out, name ? name : "?", decl);
		break;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_enumeration_type:
	case DW_TAG_class_type: {
		const char *kw = tag == DW_TAG_union_type ? "union " : tag == DW_TAG_enumeration_type ? "enum " : "struct ";
		cat3(base, kw, name ? name : "{...}", NULL);
		with_decl(out, base, decl);
		break;
	}
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type: {
		const char *q = tag == DW_TAG_const_type ? "const" : tag == DW_TAG_volatile_type ? "volatile"
			      : tag == DW_TAG_restrict_type ? "restrict" : "_Atomic";
		Dwarf_Die td = ht ? dw_offdie(d, t) : NULL;
		Dwarf_Half ttag = td ? dw_tag(d, td) : 0;
		if (td)
			dwarf_dealloc_die(td);
		if (ttag == DW_TAG_pointer_type) {
			/* T *const decl: the qualifier binds to the declarator */
			cat3(nd, q, decl[0] ? " " : "", decl);
			render(d, ht, t, nd, out, depth + 1);
		} else {
			render(d, ht, t, decl, nd, depth + 1);
			cat3(out, q, " ", nd);
		}
		break;
	}
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type: {
		Dwarf_Die td = ht ? dw_offdie(d, t) : NULL;
		Dwarf_Half ttag = td ? dw_tag(d, td) : 0;
		if (td)
			dwarf_dealloc_die(td);
		const char *star = tag == DW_TAG_pointer_type ? "*" : tag == DW_TAG_reference_type ? "&" : "&&";
		if (ttag == DW_TAG_array_type || ttag == DW_TAG_subroutine_type)
		{
			cat3(nd, "(", star, decl);
			cat3(nd, nd, ")", NULL);
		}
		else
			cat3(nd, star, decl, NULL);
		render(d, ht, t, nd, out, depth + 1);
		break;
	}
	case DW_TAG_array_type: {
		char dims[DECL_MAX] = "";
		for (Dwarf_Die c = dw_next(d, die, NULL); c; c = dw_next(d, die, c)) {
			if (dw_tag(d, c) != DW_TAG_subrange_type)
				continue;
			Dwarf_Unsigned v = 0;
			char one[48];
			if (dw_udata(d, c, DW_AT_count, &v))
				snprintf(one, sizeof(one), "[%llu]", (unsigned long long)v);
			else if (dw_udata(d, c, DW_AT_upper_bound, &v))
				snprintf(one, sizeof(one), "[%llu]", (unsigned long long)v + 1);
			else
				snprintf(one, sizeof(one), "[]");
			cat3(dims, dims, one, NULL);
		}
		cat3(nd, decl, dims[0] ? dims : "[]", NULL);
		render(d, ht, t, nd, out, depth + 1);
		break;
	}
	case DW_TAG_subroutine_type: {
		char params[DECL_MAX];
		render_params(d, die, false, params, depth);
		cat3(nd, decl, params, NULL);
		render(d, ht, t, nd, out, depth + 1);
		break;
	}
	default:
		snprintf(base, sizeof(base), "?tag0x%x", (unsigned)tag);
		with_decl(out, base, decl);
		break;
	}
	dwarf_dealloc_die(die);
}

/* ---- layouts of the structs and unions a prototype reaches ---- */
#define LAYOUT_MAX 64u   /* distinct aggregates per export */
#define LAYOUT_DEPTH 8u  /* typedef/pointer/member nesting followed */

struct layouts {
	char *items[LAYOUT_MAX];
	Dwarf_Off seen[LAYOUT_MAX * 4];
	size_t n, nseen;
};

static void collect(struct dw *d, bool has_type, Dwarf_Off off, const char *tdname, struct layouts *L,
		    unsigned depth);

static void aggregate(struct dw *d, Dwarf_Die die, Dwarf_Half tag, const char *tdname, struct layouts *L,
		      unsigned depth)
{
	struct goabi_arena *ar = d->ev->a->arena;
	const char *name = dw_name(d, die);
	char head[DECL_MAX];
	const char *kw = tag == DW_TAG_union_type ? "union " : "struct ";
	if (name)
		cat3(head, kw, name, NULL);
	else
		cat3(head, tdname ? tdname : "struct", tdname ? "=" : "", tdname ? (tag == DW_TAG_union_type ? "union" : "struct") : " <anonymous>");
	char body[DECL_MAX * 2];
	size_t len = 0;
	body[0] = 0;
	Dwarf_Off mtypes[64];
	bool mhas[64];
	size_t nm = 0;
	for (Dwarf_Die c = dw_next(d, die, NULL); c; c = dw_next(d, die, c)) {
		if (dw_tag(d, c) != DW_TAG_member)
			continue;
		const char *mn = dw_name(d, c);
		Dwarf_Off t = 0;
		bool ht = dw_type_ref(d, c, &t);
		char decl[DECL_MAX];
		render(d, ht, t, mn ? mn : "", decl, 1);
		Dwarf_Unsigned at = 0, bits = 0;
		char pos[64];
		if (dw_udata(d, c, DW_AT_data_member_location, &at))
			snprintf(pos, sizeof(pos), "@%llu", (unsigned long long)at);
		else
			snprintf(pos, sizeof(pos), "%s", tag == DW_TAG_union_type ? "" : "@?");
		if (dw_udata(d, c, DW_AT_bit_size, &bits))
			snprintf(pos + strlen(pos), sizeof(pos) - strlen(pos), ":%llu", (unsigned long long)bits);
		int w = snprintf(body + len, sizeof(body) - len, "%s%s;", decl, pos);
		if (w < 0 || (size_t)w >= sizeof(body) - len)
			break;
		len += (size_t)w;
		if (ht && nm < 64) {
			mtypes[nm] = t;
			mhas[nm++] = ht;
		}
	}
	Dwarf_Unsigned size = 0;
	bool hs = dw_udata(d, die, DW_AT_byte_size, &size);
	if (L->n < LAYOUT_MAX) {
		L->items[L->n] = arena_printf(ar, "%s{%s}%s%llu", head, body, hs ? "" : "?", (unsigned long long)size);
		if (L->items[L->n])
			L->n++;
	}
	for (size_t i = 0; i < nm; i++)
		collect(d, mhas[i], mtypes[i], NULL, L, depth + 1);
}

static void collect(struct dw *d, bool has_type, Dwarf_Off off, const char *tdname, struct layouts *L,
		    unsigned depth)
{
	if (!has_type || depth >= LAYOUT_DEPTH)
		return;
	for (size_t i = 0; i < L->nseen; i++)
		if (L->seen[i] == off)
			return;
	if (L->nseen < sizeof(L->seen) / sizeof(L->seen[0]))
		L->seen[L->nseen++] = off;
	Dwarf_Die die = dw_offdie(d, off);
	if (!die)
		return;
	Dwarf_Half tag = dw_tag(d, die);
	Dwarf_Off t = 0;
	bool ht = dw_type_ref(d, die, &t);
	switch (tag) {
	case DW_TAG_typedef:
		collect(d, ht, t, dw_name(d, die), L, depth + 1);
		break;
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		collect(d, ht, t, tdname, L, depth + 1);
		break;
	case DW_TAG_pointer_type:
	case DW_TAG_array_type:
		collect(d, ht, t, NULL, L, depth + 1);
		break;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		if (!dw_flag(d, die, DW_AT_declaration))
			aggregate(d, die, tag, tdname, L, depth);
		break;
	default:
		break;
	}
	dwarf_dealloc_die(die);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "item; item" sorted, or NULL when the prototype reaches no aggregate. */
static const char *layouts_of(struct dw *d, Dwarf_Die fn)
{
	struct layouts L = { .n = 0 };
	Dwarf_Off t = 0;
	bool ht = dw_type_ref(d, fn, &t);
	collect(d, ht, t, NULL, &L, 0);
	for (Dwarf_Die c = dw_next(d, fn, NULL); c; c = dw_next(d, fn, c)) {
		if (dw_tag(d, c) != DW_TAG_formal_parameter)
			continue;
		ht = dw_type_ref(d, c, &t);
		collect(d, ht, t, NULL, &L, 0);
	}
	if (!L.n)
		return NULL;
	qsort(L.items, L.n, sizeof(L.items[0]), cmp_str);
	size_t total = 1;
	for (size_t i = 0; i < L.n; i++)
		total += strlen(L.items[i]) + 2;
	char *out = arena_alloc(d->ev->a->arena, total);
	if (!out)
		return NULL;
	size_t len = 0;
	for (size_t i = 0; i < L.n; i++) {
		if (i) {
			memcpy(out + len, "; ", 2);
			len += 2;
		}
		size_t l = strlen(L.items[i]);
		memcpy(out + len, L.items[i], l);
		len += l;
	}
	out[len] = 0;
	return out;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

/* Name part of "_cgoexp_<hex>_Name", or NULL. */
static const char *cgoexp_name(const char *s)
{
	if (strncmp(s, "_cgoexp_", 8) != 0)
		return NULL;
	const char *us = strchr(s + 8, '_');
	return us && us[1] ? us + 1 : NULL;
}

static void add_prototype(struct dw *d, const char *name, const char *proto, const char *layout, const char *cu,
			  const char *wrapped)
{
	struct goabi_artifact *a = d->ev->a;
	struct goabi_cabi *c = &a->cabi;
	char *p = utf8_sanitize(a->arena, proto, strlen(proto));
	for (size_t i = 0; i < c->nexports; i++) {
		if (strcmp(c->exports[i].name, name) == 0) {
			c->exports[i].prototype = p;
			c->exports[i].layout = layout;
			c->exports[i].evidence = arena_printf(a->arena, "%s; prototype from DWARF of %s", c->exports[i].evidence, cu);
			return;
		}
	}
	const char *ev = arena_printf(a->arena, "DWARF of %s: subprogram %s wrapping %s", cu, name, wrapped);
	if (c->nexports >= GOABI_MAX_LIST ||
	    !arena_grow(a->arena, &c->exports, &c->cap, c->nexports + 1, sizeof(*c->exports)))
		return;
	struct goabi_export *e = &c->exports[c->nexports++];
	e->name = utf8_sanitize(a->arena, name, strlen(name));
	e->prototype = p;
	e->layout = layout;
	e->evidence = ev;
}

/* One _cgo_export.c unit: collect the _cgoexp_ declarations, then render
 * the external definitions they wrap. */
static void scan_cu(struct dw *d, Dwarf_Die cu, const char *cuname)
{
	struct goabi_arena *ar = d->ev->a->arena;
	const char **decls = NULL;
	const char **full = NULL;
	size_t ndecl = 0, cap = 0, fcap = 0;
	for (Dwarf_Die c = dw_next(d, cu, NULL); c; c = dw_next(d, cu, c)) {
		if (dw_tag(d, c) != DW_TAG_subprogram || !dw_flag(d, c, DW_AT_declaration))
			continue;
		const char *n = dw_name(d, c);
		const char *x = n ? cgoexp_name(n) : NULL;
		if (!x || ndecl >= CU_NAMES_MAX)
			continue;
		size_t fc = fcap;
		if (!arena_grow(ar, &decls, &cap, ndecl + 1, sizeof(*decls)) ||
		    !arena_grow(ar, &full, &fc, ndecl + 1, sizeof(*full)))
			break;
		fcap = fc;
		full[ndecl] = arena_strdup(ar, n);
		decls[ndecl] = full[ndecl] ? full[ndecl] + (x - n) : NULL;
		ndecl++;
	}
	for (Dwarf_Die c = dw_next(d, cu, NULL); c; c = dw_next(d, cu, c)) {
		if (dw_tag(d, c) != DW_TAG_subprogram || dw_flag(d, c, DW_AT_declaration) ||
		    !dw_flag(d, c, DW_AT_external))
			continue;
		const char *n = dw_name(d, c);
		if (!n)
			continue;
		size_t k;
		for (k = 0; k < ndecl; k++)
			if (decls[k] && strcmp(decls[k], n) == 0)
				break;
		if (k == ndecl)
			continue;
		char params[DECL_MAX], decl[DECL_MAX], proto[DECL_MAX];
		render_params(d, c, true, params, 0);
		cat3(decl, n, params, NULL);
		Dwarf_Off t = 0;
		bool ht = dw_type_ref(d, c, &t);
		render(d, ht, t, decl, proto, 0);
		add_prototype(d, n, proto, layouts_of(d, c), cuname, full[k]);
	}
}

static void no_dwarf_evidence(struct elfview *ev, const char *why)
{
	struct goabi_artifact *a = ev->a;
	if (ev->eh.e_type == ET_REL)
		return; /* an archive member: a sibling's DWARF may have it (rollup) */
	for (size_t i = 0; i < a->cabi.nexports; i++)
		if (!a->cabi.exports[i].prototype)
			a->cabi.exports[i].evidence = arena_printf(a->arena, "%s; prototype unknown: %s",
								   a->cabi.exports[i].evidence, why);
}

/* The name of a compilation unit is stored whole: inline in .debug_info
 * (DW_FORM_string) or in .debug_str / .debug_line_str (strp, line_strp,
 * strx; .dwo variants share the prefixes). So when none of these sections
 * holds the bytes "_cgo_export.c", no unit is named *_cgo_export.c and the
 * walk below would find nothing. This test is what spares the DWARF of Go's
 * own objects: a c-archive's go.o defines the _cgoexp_ wrappers, but the
 * unit is in a sibling member, and libdwarf would read (and decompress) all
 * of go.o's DWARF to learn that. Compressed sections (SHF_COMPRESSED, zlib)
 * are inflated in chunks, not kept. "Maybe" when anything is unusual. */
static const char CGO_EXPORT_C[] = "_cgo_export.c";
#define NEEDLE_LEN (sizeof(CGO_EXPORT_C) - 1)

static bool inflated_holds(const uint8_t *p, size_t n, int *maybe)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (n > UINT32_MAX || inflateInit(&z) != Z_OK) {
		*maybe = 1;
		return false;
	}
	uint8_t out[NEEDLE_LEN - 1 + 65536];
	size_t carry = 0;
	bool found = false;
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)n;
	for (;;) {
		z.next_out = out + carry;
		z.avail_out = (uInt)(sizeof(out) - carry);
		int rc = inflate(&z, Z_NO_FLUSH);
		size_t have = sizeof(out) - z.avail_out;
		if (memmem(out, have, CGO_EXPORT_C, NEEDLE_LEN)) {
			found = true;
			break;
		}
		if (rc == Z_STREAM_END)
			break;
		if (rc != Z_OK || have == carry) {
			*maybe = 1; /* corrupt or stuck: let libdwarf judge */
			break;
		}
		carry = have < NEEDLE_LEN - 1 ? have : NEEDLE_LEN - 1;
		memmove(out, out + have - carry, carry);
	}
	inflateEnd(&z);
	return found;
}

/* pass 0: the string sections and every uncompressed one (cheap); pass 1:
 * a compressed .debug_info, the largest to inflate, and in gcc's units
 * (DWARF 5: line_strp) rarely the holder of the name */
static bool dwarf_may_name_cgo_export(struct elfview *ev)
{
	int maybe = 0;
	for (int pass = 0; pass < 2; pass++) {
		Elf_Scn *scn = NULL;
		while ((scn = elf_nextscn(ev->elf, scn)) != NULL) {
			GElf_Shdr sh;
			if (!gelf_getshdr(scn, &sh))
				return true;
			const char *name = ev_section_name(ev, &sh);
			if (strncmp(name, ".zdebug", 7) == 0)
				return true; /* GNU's old compressed sections: not read here */
			bool info = strncmp(name, ".debug_info", 11) == 0;
			if (!info && strncmp(name, ".debug_str", 10) != 0 && strncmp(name, ".debug_line_str", 15) != 0)
				continue;
			if (sh.sh_type == SHT_NOBITS)
				continue;
			bool compressed = (sh.sh_flags & SHF_COMPRESSED) != 0;
			if (pass != (info && compressed))
				continue;
			const uint8_t *p;
			size_t n;
			if (!ev_section_bytes(ev, &sh, &p, &n))
				return true;
			if (!compressed) {
				if (memmem(p, n, CGO_EXPORT_C, NEEDLE_LEN))
					return true;
				continue;
			}
			GElf_Chdr ch;
			size_t hdr = ev->ptrsize == 8 ? sizeof(Elf64_Chdr) : sizeof(Elf32_Chdr);
			if (!gelf_getchdr(scn, &ch) || ch.ch_type != ELFCOMPRESS_ZLIB || n < hdr)
				return true;
			if (inflated_holds(p + hdr, n - hdr, &maybe) || maybe)
				return true;
		}
	}
	return false;
}

void cabi_dwarf_prototypes(struct elfview *ev)
{
	GElf_Shdr sh;
	struct goabi_artifact *a = ev->a;
	a->cabi.dwarf = ev_section(ev, ".debug_info", &sh) != NULL;
	if (!a->cabi.dwarf) {
		no_dwarf_evidence(ev, "no DWARF (.debug_info absent)");
		return;
	}
	if (!dwarf_may_name_cgo_export(ev)) {
		no_dwarf_evidence(ev, "DWARF has no _cgo_export.c definition for it");
		return;
	}
	struct dw d = { .ev = ev, .budget = DIE_BUDGET };
	Dwarf_Error err = NULL;
	/* only the sections the walk reads (cabi_dwobj.c); relocatable objects
	 * through libdwarf's ELF reader, which applies their relocations */
	struct dwobj *obj = NULL;
	int rc = dwobj_init(ev, &obj, &d.dbg, &err);
	if (rc == DW_DLV_NO_ENTRY)
		rc = dwarf_elf_init_b(ev->elf, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL, &d.dbg, &err);
	if (rc != DW_DLV_OK) {
		if (rc == DW_DLV_ERROR) {
			diag_add(a, GOABI_DIAG_WARNING, "DWARF unreadable by libdwarf: %s", err ? dwarf_errmsg(err) : "?");
			if (err)
				dwarf_dealloc(NULL, err, DW_DLA_ERROR);
		}
		no_dwarf_evidence(ev, "DWARF unreadable");
		return;
	}
	size_t ncu = 0, nexp = 0;
	for (;;) {
		Dwarf_Unsigned hlen = 0, next = 0, typeoff = 0;
		Dwarf_Half ver = 0, asz = 0, lsz = 0, esz = 0, cutype = 0;
		Dwarf_Off abbr = 0;
		Dwarf_Sig8 sig;
		rc = dwarf_next_cu_header_d(d.dbg, true, &hlen, &ver, &abbr, &asz, &lsz, &esz, &sig, &typeoff, &next,
					    &cutype, &err);
		if (rc == DW_DLV_ERROR) {
			diag_add(a, GOABI_DIAG_WARNING, "DWARF compilation unit header unreadable: %s", dwarf_errmsg(err));
			dw_err(&d, &err);
			break;
		}
		if (rc != DW_DLV_OK)
			break;
		if (++ncu > GOABI_MAX_LIST || !dw_spend(&d)) {
			d.truncated = true;
			/* libdwarf needs the CU walk to reach its end before the next use;
			 * dwarf_finish below releases it all */
			break;
		}
		Dwarf_Die cu = NULL;
		if (dwarf_siblingof_b(d.dbg, NULL, true, &cu, &err) != DW_DLV_OK) {
			dw_err(&d, &err);
			continue;
		}
		const char *n = dw_name(&d, cu);
		if (n && ends_with(n, "_cgo_export.c")) {
			size_t before = a->cabi.nexports;
			char *cuname = arena_strdup(a->arena, n);
			scan_cu(&d, cu, cuname ? cuname : "_cgo_export.c");
			nexp += a->cabi.nexports - before;
		}
		dwarf_dealloc_die(cu);
	}
	if (d.truncated)
		diag_add(a, GOABI_DIAG_WARNING,
			 "DWARF walk stopped at a limit (%u DIEs, %u compilation units, type depth %u, %u bytes per declarator, %u over-long names)",
			 DIE_BUDGET, GOABI_MAX_LIST, TYPE_DEPTH, DECL_MAX, LONG_NAMES_MAX);
	if (d.long_names)
		diag_add(a, GOABI_DIAG_WARNING, "%u DWARF names of %u bytes or more ignored (rendered as '?')", d.long_names,
			 DECL_MAX);
	(void)nexp;
	no_dwarf_evidence(ev, "DWARF has no _cgo_export.c definition for it");
	if (obj) {
		dwarf_object_finish(d.dbg, &err);
		dwobj_free(obj);
	} else {
		dwarf_finish(d.dbg, &err);
	}
	if (err)
		dwarf_dealloc(NULL, err, DW_DLA_ERROR);
}
