/* The resolver: GNU ld's symbol resolution, input by input in command-line
 * order (ld/ldlang.c open_input_bfds, bfd/elflink.c
 * elf_link_add_object_symbols / elf_link_add_archive_symbols):
 *  - an object's global symbols enter the table; two strong definitions
 *    (neither COMDAT, neither common) are a "multiple definition"; a strong
 *    definition replaces a weak one or a common one; commons merge;
 *  - an archive is searched when reached: a member is pulled when it defines
 *    a symbol that is undefined and strongly referenced at that moment
 *    (weak references pull nothing), repeated until nothing more is pulled;
 *    --whole-archive pulls every member;
 *  - --start-group/--end-group rescans the group's archives until stable;
 *  - a shared library defines its default-version (sym@@V or unversioned)
 *    dynamic symbols for references that are not hidden;
 *  - at the end, a strongly referenced symbol that a relocation uses and
 *    nothing defines is an "undefined reference" (executables, -z defs).
 * A missing input stops ld before relocation (no undefined references are
 * reported); an input in the wrong format stops it at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check/link_int.h"
#include "util/demangle.h"

struct gsym {
	const char *name;
	long def;          /* defining object, -1 none */
	long common;       /* first common, -1 none */
	long dso;          /* shared library defining it, -1 none */
	bool def_weak;
	bool strong_ref, hidden_ref, reloc_ref;
	bool touched;      /* some input has the symbol */
	bool vis_hidden;   /* some regular object has it hidden or internal: ld
			    * gives the output symbol the strictest visibility */
	bool dso_ref;      /* a loaded shared library references it */
	bool assumed;      /* referenced by the sources, by assumption (assume_source_uses) */
	long dso_strong;   /* the first loaded shared library with a non-weak reference, -1 */
	long refs[LK_MAX_REFS];
	unsigned nrefs;
	struct goabi_strv dups; /* "second\nfirst" pairs */
};

struct table {
	struct gsym **tab;
	size_t cap, n;
};

struct rs {
	struct table syms;
	struct table groups; /* COMDAT signatures kept so far (gsym.def: the object) */
	bool whole, as_needed, bstatic;
	struct { bool whole, as_needed, bstatic; } stack[16];
	unsigned sp;
	long group_first;  /* first input of the open group, -1 */
	size_t nundef;     /* symbols that entered the table undefined (ld's undefs list) */
	size_t group_undef;/* nundef when the open group started */
	int group_id, ngroups;
	bool stop;         /* wrong format: ld gives up */
	unsigned script_depth;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static struct gsym *table_lookup(struct lk_result *r, struct table *s, const char *name, bool create)
{
	if (create && (s->n + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 4096;
		struct gsym **nt = calloc(ncap, sizeof(*nt));
		if (!nt)
			return NULL;
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->tab[i])
				continue;
			size_t j = hash(s->tab[i]->name) & (ncap - 1);
			while (nt[j])
				j = (j + 1) & (ncap - 1);
			nt[j] = s->tab[i];
		}
		free(s->tab);
		s->tab = nt;
		s->cap = ncap;
	}
	if (!s->cap)
		return NULL;
	size_t j = hash(name) & (s->cap - 1);
	while (s->tab[j]) {
		if (strcmp(s->tab[j]->name, name) == 0)
			return s->tab[j];
		j = (j + 1) & (s->cap - 1);
	}
	if (!create)
		return NULL;
	struct gsym *g = arena_alloc(r->ar, sizeof(*g));
	if (!g)
		return NULL;
	g->name = name;
	g->def = g->common = g->dso = g->dso_strong = -1;
	s->tab[j] = g;
	s->n++;
	return g;
}

static struct gsym *lookup(struct lk_result *r, const char *name, bool create)
{
	return table_lookup(r, &((struct rs *)r->priv)->syms, name, create);
}

struct lk_finding *lk_add_finding(struct lk_result *r, enum lk_sev sev, const char *kind, const char *symbol,
				  const char *fmt, ...)
{
	if (r->nf >= GOABI_MAX_LIST || !arena_grow(r->ar, &r->f, &r->fcap, r->nf + 1, sizeof(*r->f)))
		return NULL;
	struct lk_finding *f = &r->f[r->nf++];
	memset(f, 0, sizeof(*f));
	f->refobj = -1;
	f->sev = sev;
	f->kind = kind;
	f->symbol = symbol;
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	f->message = arena_strdup(r->ar, buf);
	return f;
}

/* "undefined" in ld's sense at this moment: pulls archive members */
static bool wanted(const struct gsym *g)
{
	return (g->strong_ref || g->dso_strong >= 0) && g->def < 0 && g->common < 0 && (g->dso < 0 || g->hidden_ref);
}

/* The symbol is a common in ld's table: a common beats a weak definition
 * and loses to a strong one. ld then pulls an archive member that defines
 * it as global data -- referenced or not, but not by a weak or a function
 * definition (bfd/elflink.c elf_link_is_defined_archive_symbol,
 * is_global_data_symbol_definition). */
static bool is_common(const struct gsym *g)
{
	return g->common >= 0 && (g->def < 0 || g->def_weak);
}

/* A strong reference now makes the symbol undefined for the first time:
 * it was unknown or only weakly referenced. bfd adds it to the undefs list
 * then (bfd/linker.c _bfd_generic_link_add_one_symbol, action UND; a weak
 * undefined symbol is not added). */
static bool newly_undefined(const struct gsym *g, bool hidden)
{
	if (!g->touched)
		return true;
	if (g->def >= 0 || g->common >= 0)
		return false;
	if (g->dso >= 0) /* a hidden reference undoes a shared library's definition */
		return hidden && !g->hidden_ref;
	return !g->strong_ref && g->dso_strong < 0;
}

/* a symbol as ld names it in messages: C++ names demangled */
static const char *ld_name(struct lk_result *r, const char *n)
{
	const char *d = goabi_demangle(r->ar, n);
	return d ? d : n;
}

/* a symbol for a person: "std::cout (_ZSt4cout)" */
static const char *shown(struct lk_result *r, const char *n)
{
	const char *d = goabi_demangle(r->ar, n);
	return d ? arena_printf(r->ar, "%s (%s)", d, n) : n;
}

static const char *objname(const struct lk_result *r, long i)
{
	return i >= 0 ? r->objs[i].name : "(command line)";
}

static void add_object(struct lk_result *r, long oi, const char *why)
{
	struct lk_obj *o = &r->objs[oi];
	if (o->loaded)
		return;
	o->loaded = true;
	o->why = why;
	/* COMDAT: a group whose signature an earlier object already brought
	 * is discarded whole; its symbols become undefined (bfd/elflink.c
	 * elf_link_add_object_symbols, "Symbols from discarded section") */
	struct rs *s = r->priv;
	for (size_t k = 0; k < o->st.ngroups; k++) {
		struct gsym *gr = table_lookup(r, &s->groups, o->st.groups[k], true);
		if (gr && gr->def < 0)
			gr->def = oi;
	}
	for (size_t k = 0; k < o->st.n; k++) {
		const struct st_sym *y = &o->st.syms[k];
		struct gsym *g = lookup(r, y->name, true);
		if (!g)
			return;
		if (y->kind == ST_UNDEF && y->bind != STB_WEAK &&
		    newly_undefined(g, y->vis == STV_HIDDEN || y->vis == STV_INTERNAL))
			s->nundef++;
		g->touched = true;
		if (y->vis == STV_HIDDEN || y->vis == STV_INTERNAL)
			g->vis_hidden = true;
		struct gsym *gr;
		if (y->kind == ST_DEF && y->group && (gr = table_lookup(r, &s->groups, y->group, false)) != NULL &&
		    gr->def != oi) {
			if (y->bind != STB_WEAK)
				g->strong_ref = true;
			continue;
		}
		if (y->kind == ST_UNDEF) {
			if (y->bind != STB_WEAK) {
				g->strong_ref = true;
				if (y->reloc_ref) {
					g->reloc_ref = true;
					if (g->nrefs < LK_MAX_REFS)
						g->refs[g->nrefs++] = oi;
				}
			}
			if (y->vis == STV_HIDDEN || y->vis == STV_INTERNAL)
				g->hidden_ref = true;
			continue;
		}
		if (y->kind == ST_COMMON) {
			if (g->common < 0)
				g->common = oi;
			continue;
		}
		if (g->def < 0) {
			g->def = oi;
			g->def_weak = y->bind == STB_WEAK;
			continue;
		}
		if (y->bind == STB_WEAK)
			continue;
		if (g->def_weak) {
			g->def = oi;
			g->def_weak = false;
			continue;
		}
		if (r->cmd.allow_multiple)
			continue;
		strv_push(r->ar, &g->dups, arena_printf(r->ar, "%ld %ld", oi, g->def));
	}
}

/* lib (DT_NEEDED name or soname) is among a shared library's DT_NEEDED;
 * true when that library's facts are unknown (the system's libraries) */
static bool in_needed_of(const struct lk_obj *dso, const struct lk_obj *lib)
{
	const struct goabi_artifact *a = dso->facts;
	if (!a)
		return true;
	const char *base = strrchr(lib->name, '/');
	base = base ? base + 1 : lib->name;
	const char *soname = lib->facts ? lib->facts->libc.soname : NULL;
	for (size_t k = 0; k < a->libc.needed.n; k++)
		if (strcmp(a->libc.needed.v[k], base) == 0 || (soname && strcmp(a->libc.needed.v[k], soname) == 0))
			return true;
	return false;
}

/* A needed shared library's non-weak reference makes an --as-needed
 * library that defines the symbol needed too, unless the referencing
 * library lists it in DT_NEEDED itself (ld's --as-needed documentation) */
static bool dso_wants(const struct lk_result *r, const struct gsym *g, const struct lk_obj *lib)
{
	return g->dso_strong >= 0 && !in_needed_of(&r->objs[g->dso_strong], lib);
}

static void add_shared(struct lk_result *r, long oi)
{
	struct lk_obj *o = &r->objs[oi];
	if (r->inputs[o->input].as_needed) {
		/* --as-needed: a library that satisfies no reference at this
		 * point is dropped, symbols and all (bfd/elflink.c removes them),
		 * so later references cannot bind to it */
		bool need = false;
		for (size_t k = 0; k < o->st.n && !need; k++) {
			const struct st_sym *y = &o->st.syms[k];
			if (y->kind == ST_UNDEF || y->vis == STV_HIDDEN || y->vis == STV_INTERNAL)
				continue;
			struct gsym *g;
			if (y->version && (g = lookup(r, arena_printf(r->ar, "%s@%s", y->name, y->version), false)) != NULL &&
			    dso_wants(r, g, o) && g->dso < 0) {
				need = true;
				break;
			}
			if (y->ver_hidden)
				continue;
			g = lookup(r, y->name, false);
			need = g && (g->strong_ref || dso_wants(r, g, o)) && g->def < 0 && g->dso < 0 && !g->hidden_ref;
		}
		if (!need)
			return;
	}
	o->loaded = true;
	for (size_t k = 0; k < o->st.n; k++) {
		const struct st_sym *y = &o->st.syms[k];
		if (y->kind == ST_UNDEF) {
			/* a needed library's references enter ld's table: they pull
			 * archive members, and an executable's link fails when
			 * nothing defines them (--no-allow-shlib-undefined). A
			 * versioned one (name@VER, .gnu.version_r) enters as
			 * "name@VER" (bfd/elflink.c elf_link_add_object_symbols):
			 * only a shared library's name@VER satisfies it, no
			 * archive member or regular definition */
			struct gsym *g = lookup(r, y->ver_ref ? arena_printf(r->ar, "%s@%s", y->name, y->version) : y->name, true);
			if (!g)
				return;
			if (y->bind != STB_WEAK && newly_undefined(g, false))
				((struct rs *)r->priv)->nundef++;
			g->touched = true;
			g->dso_ref = true;
			if (y->bind != STB_WEAK && g->dso_strong < 0)
				g->dso_strong = oi;
			continue;
		}
		if (y->vis == STV_HIDDEN || y->vis == STV_INTERNAL)
			continue;
		struct gsym *g;
		if (y->version && (g = lookup(r, arena_printf(r->ar, "%s@%s", y->name, y->version), true)) != NULL) {
			g->touched = true;
			if (g->dso < 0) {
				if (dso_wants(r, g, o))
					r->inputs[o->input].used = true;
				g->dso = oi;
			}
		}
		if (y->ver_hidden)
			continue;
		g = lookup(r, y->name, true);
		if (!g)
			return;
		g->touched = true;
		if (g->dso < 0) {
			if ((g->strong_ref || dso_wants(r, g, o)) && g->def < 0)
				r->inputs[o->input].used = true;
			g->dso = oi;
		}
	}
}

/* Search one archive until no member is pulled; returns members pulled. */
static size_t scan_archive(struct lk_result *r, size_t ii)
{
	struct lk_input *in = &r->inputs[ii];
	size_t pulled = 0;
	if (in->whole) {
		for (size_t m = 0; m < in->nobj; m++)
			if (!r->objs[in->first + m].loaded) {
				add_object(r, (long)(in->first + m), "--whole-archive");
				pulled++;
			}
		return pulled;
	}
	bool changed = true;
	while (changed) {
		changed = false;
		for (size_t m = 0; m < in->nobj; m++) {
			struct lk_obj *o = &r->objs[in->first + m];
			if (o->loaded)
				continue;
			const char *why = NULL;
			for (size_t k = 0; k < o->st.n && !why; k++) {
				const struct st_sym *y = &o->st.syms[k];
				if (y->kind == ST_UNDEF)
					continue;
				struct gsym *g = lookup(r, y->name, false);
				if (!g)
					continue;
				if (wanted(g))
					why = y->name;
				else if (is_common(g) && y->kind == ST_DEF && y->bind != STB_WEAK && y->type != STT_FUNC)
					why = y->name; /* a real data definition replaces a common */
			}
			if (why) {
				add_object(r, (long)(in->first + m), why);
				pulled++;
				changed = true;
			}
		}
	}
	return pulled;
}

/* ---- loading ---- */
static long new_obj(struct lk_result *r)
{
	if (!arena_grow(r->ar, &r->objs, &r->objcap, r->nobjs + 1, sizeof(*r->objs)))
		return -1;
	memset(&r->objs[r->nobjs], 0, sizeof(r->objs[0]));
	return (long)r->nobjs++;
}

/* An object of the link from one of the loader's (whose symbol table it
 * shares, read only) */
static void obj_from(struct lk_obj *o, const struct ldr_obj *lo)
{
	o->machine = lo->machine;
	o->etype = lo->etype;
	o->elfclass = lo->header_ok ? lo->elfclass : 0;
	o->big_endian = lo->big_endian;
	o->eflags = lo->eflags;
	o->has_x86_features = lo->has_x86_features;
	o->x86_features = lo->x86_features;
	o->x86_isa_needed = lo->x86_isa_needed;
	o->st = lo->st;
}

/* An input ld cannot use at all: a link error naming it, with what ld says
 * (linker); the input is bad and the resolution stops there. */
static struct lk_finding *unusable_input(struct lk_result *r, struct lk_input *in, const char *kind,
					 const char *message, const char *linker)
{
	struct lk_finding *f = lk_add_finding(r, LK_LINK_ERROR, kind, NULL, "%s", message);
	if (f) {
		f->linker = linker;
		strv_push(r->ar, &f->files, in->path);
	}
	in->kind = LK_IN_BAD;
	r->fatal = true;
	((struct rs *)r->priv)->stop = true;
	return f;
}

static void wrong_format(struct lk_result *r, size_t ii, const char *what, unsigned machine)
{
	struct lk_input *in = &r->inputs[ii];
	unusable_input(r, in, "wrong-format",
		       arena_printf(r->ar, "%s is %s for %s (EM: %u); the link is for %s", in->path, what,
				    ldr_machine_name(machine), machine, ldr_machine_name(r->target_machine)),
		       arena_printf(r->ar, "%s: Relocations in generic ELF (EM: %u); %s: error adding symbols: file in wrong format",
				    in->path, machine, in->path));
}

/* Returns the input index, or -1 */
static long open_input(struct lk_result *r, const char *path, const char *spec, bool implicit);

/* A file or archive in Go's own object format (go build -buildmode=archive,
 * go tool pack, GOCACHE): why ld rejects it and what to build instead. */
static void goobj_diagnosis(struct lk_result *r, struct lk_finding *f, const char *path)
{
	const struct goabi_artifact *a = f ? ldr_facts(r->ldr, lk_load(r, path), false) : NULL;
	if (!a)
		return;
	bool goobj = a->kind == GOABI_KIND_GOOBJ;
	for (size_t i = 0; i < a->nmembers; i++)
		goobj |= a->members[i]->kind == GOABI_KIND_GOOBJ;
	if (goobj) {
		const char *os = goabi_go_setting(&a->go, "GOOS"), *arch = goabi_go_setting(&a->go, "GOARCH");
		f->diagnosis = arena_printf(r->ar,
			"%s is a Go package %s in Go's own object format (%s %s/%s, symbols %s, type hash %s): only the Go "
			"linker reads it. To call Go from C, build the main package with go build -buildmode=c-archive (or c-shared)",
			path, a->kind == GOABI_KIND_AR ? "archive" : "object", a->go.version.value ? a->go.version.value : "unknown version",
			os ? os : "?", arch ? arch : "?", a->go.scheme.value ? a->go.scheme.value : "unknown",
			a->go.typehash.value ? a->go.typehash.value : "unknown");
		f->kind = "go-object-format";
	}
}

static void process_items(struct lk_result *r, const struct lk_item *items, size_t n, unsigned depth);

static void add_input_symbols(struct lk_result *r, size_t ii)
{
	struct lk_input *in = &r->inputs[ii];
	switch (in->kind) {
	case LK_IN_OBJECT:
		if (in->nobj)
			add_object(r, (long)in->first, NULL);
		break;
	case LK_IN_ARCHIVE:
		scan_archive(r, ii);
		break;
	case LK_IN_SHARED:
		if (in->nobj)
			add_shared(r, (long)in->first);
		break;
	default:
		break;
	}
}

/* A new input record for path, placed in the current group and
 * --whole-archive/--as-needed state; -1 past the input limit. */
static long input_new(struct lk_result *r, const char *path, const char *spec, bool implicit)
{
	struct rs *s = r->priv;
	if (r->ninputs >= LK_MAX_INPUTS || !arena_grow(r->ar, &r->inputs, &r->incap, r->ninputs + 1, sizeof(*r->inputs)))
		return -1;
	size_t ii = r->ninputs++;
	struct lk_input *in = &r->inputs[ii];
	memset(in, 0, sizeof(*in));
	in->path = arena_strdup(r->ar, path);
	in->spec = arena_strdup(r->ar, spec);
	in->implicit = implicit;
	in->whole = s->whole;
	in->as_needed = s->as_needed;
	in->group = s->group_first >= 0 ? s->group_id : -1;
	in->first = r->nobjs;
	return (long)ii;
}

/* Whether input ii's file has something to read. False when it is missing
 * or unreadable (a fatal finding) or empty (ld reads an empty file as an
 * empty linker script). */
static bool input_present(struct lk_result *r, size_t ii, const char *path, const struct ldr_file *lf)
{
	struct lk_input *in = &r->inputs[ii];
	if (lf && lf->kind == LDR_MISSING && in->implicit && r->cmd.driver_facts == LK_DRV_UNKNOWN) {
		in->kind = LK_IN_MISSING;
		in->problem = "the driver is not installed";
		r->implicit_unknown = true;
		return false;
	}
	if (lf && lf->kind == LDR_MISSING) {
		in->kind = LK_IN_MISSING;
		struct lk_finding *f = lk_add_finding(r, LK_LINK_ERROR, "missing-input", NULL, "%s: no such file", path);
		if (f) {
			f->linker = arena_printf(r->ar, "cannot find %s: No such file or directory", path);
			strv_push(r->ar, &f->files, in->path);
		}
		r->fatal = true;
		return false;
	}
	if (!lf || lf->kind == LDR_UNREADABLE) {
		in->kind = LK_IN_BAD;
		struct lk_finding *f = lk_add_finding(r, LK_LINK_ERROR, "unreadable-input", NULL, "%s: cannot be read (%s)",
						      path, "mmap failed");
		if (f)
			strv_push(r->ar, &f->files, in->path);
		r->fatal = true;
		return false;
	}
	if (lf->kind == LDR_EMPTY) {
		in->kind = LK_IN_SCRIPT;
		return false;
	}
	return true;
}

/* Neither ELF nor ar: a linker script standing in for a library (glibc's
 * libc.so), processed in place of the input, or a format ld rejects. */
static void input_not_elf(struct lk_result *r, size_t ii, const char *path, const struct ldr_file *lf)
{
	struct rs *s = r->priv;
	struct lk_item *items;
	size_t nitems;
	/* Mach-O and PE (issue 23): programs and libraries for macOS and
	 * Windows; GNU ld for Linux reads neither */
	const char *foreign = lf->foreign == LDR_MACHO_FAT ? "a universal Mach-O file (macOS)"
			      : lf->foreign == LDR_MACHO ? "a Mach-O file (macOS)"
			      : lf->foreign == LDR_PE ? "a PE file (Windows)" : NULL;
	if (lf->foreign == LDR_PE) {
		/* BFD reads PE images where binutils has PE targets (Debian's
		 * x86-64 ld links a pei-x86-64 file without a word), but the code
		 * is a Windows program's: its imports are Windows DLLs */
		struct lk_finding *f = lk_add_finding(
			r, LK_ERROR, "foreign-format", NULL,
			"%s is %s: it cannot take part in a Linux program (its code calls Windows DLLs); GNU ld built with PE "
			"targets (Debian's x86-64 binutils) still reads it, ld without them fails with 'file format not "
			"recognized'; goabi inspect reports its own facts and OS floor", path, foreign);
		if (f)
			strv_push(r->ar, &f->files, r->inputs[ii].path);
		r->inputs[ii].kind = LK_IN_BAD;
		return;
	}
	if (foreign) {
		unusable_input(r, &r->inputs[ii], "foreign-format",
			       arena_printf(r->ar, "%s is %s: it cannot take part in a Linux link (ELF objects, archives and "
						   "shared libraries only); goabi inspect reports its own facts and OS floor",
					    path, foreign),
			       arena_printf(r->ar, "%s: file not recognized: file format not recognized", path));
		return;
	}
	size_t tl = lf->textlen < LK_MAX_SCRIPT ? lf->textlen : LK_MAX_SCRIPT;
	if (lf->text && lk_script_items(r, path, lf->text, tl, &items, &nitems)) {
		r->inputs[ii].kind = LK_IN_SCRIPT;
		if (s->script_depth >= 8) {
			lk_add_finding(r, LK_LINK_ERROR, "script-loop", NULL,
				       "%s: linker scripts nested deeper than 8 (a script including itself?)", path);
			r->fatal = true;
			s->stop = true;
			return;
		}
		s->script_depth++;
		process_items(r, items, nitems, s->script_depth);
		s->script_depth--;
		return;
	}
	struct lk_finding *f = unusable_input(
		r, &r->inputs[ii], "wrong-format",
		arena_printf(r->ar, "%s is neither an ELF object, an archive nor a linker script", path),
		arena_printf(r->ar, "%s: file format not recognized; treating as linker script", path));
	if (f)
		goobj_diagnosis(r, f, path);
}

/* An ELF object or shared library named as an input */
static void input_elf(struct lk_result *r, size_t ii, const char *path, const struct ldr_file *lf)
{
	struct rs *s = r->priv;
	struct lk_input *in = &r->inputs[ii];
	long oi = new_obj(r);
	if (oi < 0)
		return;
	r->objs[oi].name = in->path;
	r->objs[oi].input = ii;
	if (lf->nobjs)
		obj_from(&r->objs[oi], &lf->objs[0]);
	in->nobj = 1;
	struct lk_obj *o = &r->objs[oi];
	in->kind = o->etype == ET_DYN ? LK_IN_SHARED : LK_IN_OBJECT;
	if (o->etype == ET_EXEC) {
		struct lk_finding *f = lk_add_finding(r, LK_LINK_ERROR, "wrong-format", NULL,
						      "%s is an executable; it cannot be linked into another program", path);
		if (f) {
			f->linker = arena_printf(r->ar, "%s: error adding symbols: file in wrong format", path);
			strv_push(r->ar, &f->files, in->path);
		}
	}
	if (o->etype == ET_DYN && (s->bstatic || r->cmd.is_static)) {
		/* ld/ldfile.c: fatal for a file named on the command line */
		unusable_input(r, in, "static-link-of-shared",
			       arena_printf(r->ar, "%s is a shared library, but the link is static (-static or -Bstatic)", path),
			       arena_printf(r->ar, "attempted static link of dynamic object `%s'", path));
	}
	if (o->machine != r->target_machine)
		wrong_format(r, ii, "an object", o->machine);
	else if (o->elfclass != r->target_class)
		wrong_format(r, ii, o->elfclass == 32 ? "a 32-bit object" : "a 64-bit object", o->machine);
}

/* An ar archive: every ELF member becomes an object (pulled later on
 * demand); no symbol index or a malformed archive stops ld. */
static void input_archive(struct lk_result *r, size_t ii, const char *path, const struct ldr_file *lf)
{
	struct rs *s = r->priv;
	struct lk_input *in = &r->inputs[ii];
	in->kind = LK_IN_ARCHIVE;
	for (size_t k = 0; k < lf->nobjs; k++) {
		long oi = new_obj(r);
		if (oi < 0)
			break;
		struct lk_obj *o = &r->objs[oi];
		o->member = lf->objs[k].member;
		o->name = arena_printf(r->ar, "%s(%s)", in->path, lf->objs[k].member);
		o->input = ii;
		obj_from(o, &lf->objs[k]);
		in->nobj++;
		if (k == 0 && o->machine != r->target_machine)
			wrong_format(r, ii, "an archive of objects", o->machine);
	}
	if (!s->stop && !in->whole && lf->nheaders > 0 && !lf->has_index) {
		/* ld searches an archive through its symbol index only (but
		 * --whole-archive loads every member without it)
		 * (bfd/elflink.c elf_link_add_archive_symbols) */
		struct lk_finding *f = unusable_input(
			r, in, "archive-no-index",
			arena_printf(r->ar, "%s has no symbol index (made with ar S, or not by ar): ld cannot search it; run ranlib", path),
			arena_printf(r->ar, "%s: error adding symbols: archive has no index; run ranlib to add one", path));
		if (f)
			goobj_diagnosis(r, f, path);
	}
	if (!s->stop && !lf->well_formed) {
		unusable_input(r, in, "malformed-archive",
			       arena_printf(r->ar, "%s: archive is truncated or malformed after %zu members (%s)", path,
					    in->nobj, lf->ar_error ? lf->ar_error : "member extends past the end"),
			       arena_printf(r->ar, "%s: file format not recognized (malformed archive)", path));
	}
}

/* Go and libc facts of what the user named (not of the system's crt/libc),
 * on the input and on each of its objects, inspected by the loader from
 * the mapping the symbols were read from */
static void input_facts(struct lk_result *r, size_t ii, const struct ldr_file *lf)
{
	const struct goabi_artifact *a = ldr_facts(r->ldr, lf, false);
	struct lk_input *in = &r->inputs[ii];
	in->facts = a;
	if (a && in->kind == LK_IN_ARCHIVE) {
		for (size_t k = 0, mi = 0; k < in->nobj && mi < a->nmembers; k++, mi++) {
			struct lk_obj *o = &r->objs[in->first + k];
			while (mi < a->nmembers && (!a->members[mi]->member || strcmp(a->members[mi]->member, o->member) != 0))
				mi++;
			if (mi < a->nmembers)
				o->facts = a->members[mi];
		}
	} else if (a && in->nobj) {
		r->objs[in->first].facts = a;
	}
}

const struct ldr_file *lk_load(struct lk_result *r, const char *path)
{
	return ldr_load(r->ldr, path);
}

static long open_input(struct lk_result *r, const char *path, const char *spec, bool implicit)
{
	struct rs *s = r->priv;
	long ii = input_new(r, path, spec, implicit);
	if (ii < 0)
		return -1;
	const struct ldr_file *lf = lk_load(r, path);
	if (!input_present(r, (size_t)ii, path, lf))
		return ii;
	if (lf->kind == LDR_OTHER) {
		input_not_elf(r, (size_t)ii, path, lf);
		return ii;
	}
	if (lf->kind == LDR_ELF)
		input_elf(r, (size_t)ii, path, lf);
	else
		input_archive(r, (size_t)ii, path, lf);
	for (size_t d = 0; d < lf->errors.n; d++)
		lk_add_finding(r, LK_WARNING, "malformed-input", NULL, "%s: %s", path, lf->errors.v[d]);
	if (!implicit && !s->stop)
		input_facts(r, (size_t)ii, lf);
	return ii;
}

static void group_end(struct lk_result *r)
{
	struct rs *s = r->priv;
	if (s->group_first < 0)
		return;
	/* ld/ldlang.c open_input_bfds: the group is searched again only while
	 * the previous pass added a new undefined symbol (undefs_tail moved);
	 * a rescan searches the archives (not --whole-archive ones) and
	 * reloads --as-needed shared libraries that were not needed */
	size_t before = s->group_undef;
	for (unsigned pass = 0; s->nundef != before && pass < 10000 && !s->stop; pass++) {
		before = s->nundef;
		for (size_t i = (size_t)s->group_first; i < r->ninputs; i++) {
			struct lk_input *in = &r->inputs[i];
			if (in->kind == LK_IN_ARCHIVE && !in->whole)
				scan_archive(r, i);
			else if (in->kind == LK_IN_SHARED && in->as_needed && in->nobj && !r->objs[in->first].loaded)
				add_shared(r, (long)in->first);
		}
	}
	s->group_first = -1;
}

/* A Go c-archive named after a source file: the sources are assumed to call
 * its exported functions (that is what a c-archive is linked for), so they
 * are strong references when the archive is searched -- and whichever one
 * the sources call pulls the archive's Go runtime (go.o). A C archive's
 * members stay unpulled: which of its functions the sources use is unknown. */
static void assume_source_uses(struct lk_result *r, size_t ii)
{
	struct lk_input *in = &r->inputs[ii];
	if (!r->nsources || in->implicit || in->kind != LK_IN_ARCHIVE || !in->facts || !goabi_go_is_go(&in->facts->go))
		return;
	const struct goabi_artifact *a = in->facts;
	for (size_t m = 0; m <= a->nmembers; m++) {
		const struct goabi_cabi *cabi = m == 0 ? &a->cabi : &a->members[m - 1]->cabi;
		for (size_t k = 0; k < cabi->nexports; k++) {
			struct gsym *g = lookup(r, cabi->exports[k].name, true);
			if (!g || g->def >= 0 || g->dso >= 0)
				continue;
			if (!g->touched || (!g->strong_ref && g->dso_strong < 0))
				((struct rs *)r->priv)->nundef++;
			g->touched = true;
			g->strong_ref = true;
			g->assumed = true;
		}
	}
}

static void process_items(struct lk_result *r, const struct lk_item *items, size_t n, unsigned depth)
{
	struct rs *s = r->priv;
	for (size_t i = 0; i < n && !s->stop; i++) {
		const struct lk_item *it = &items[i];
		switch (it->kind) {
		case LK_I_WHOLE_ON: s->whole = true; break;
		case LK_I_WHOLE_OFF: s->whole = false; break;
		case LK_I_ASNEEDED_ON: s->as_needed = true; break;
		case LK_I_ASNEEDED_OFF: s->as_needed = false; break;
		case LK_I_BSTATIC: s->bstatic = true; break;
		case LK_I_BDYNAMIC: s->bstatic = false; break; /* ld searches .so again, even after -static */
		case LK_I_PUSH:
			if (s->sp < 16) {
				s->stack[s->sp].whole = s->whole;
				s->stack[s->sp].as_needed = s->as_needed;
				s->stack[s->sp].bstatic = s->bstatic;
			}
			s->sp++;
			break;
		case LK_I_POP:
			if (s->sp) {
				s->sp--;
				if (s->sp < 16) {
					s->whole = s->stack[s->sp].whole;
					s->as_needed = s->stack[s->sp].as_needed;
					s->bstatic = s->stack[s->sp].bstatic;
				}
			}
			break;
		case LK_I_GROUP_START:
			if (s->group_first < 0) {
				s->group_first = (long)r->ninputs;
				s->group_undef = s->nundef;
				s->group_id = s->ngroups++;
			} else {
				lk_add_finding(r, LK_NOTE, "nested-group", NULL, "nested --start-group is ignored by ld");
			}
			break;
		case LK_I_GROUP_END:
			group_end(r);
			break;
		case LK_I_SOURCE: {
			/* compiled by the driver first: its symbols are unknown */
			long ii = input_new(r, it->arg, it->arg, it->implicit);
			if (ii >= 0) {
				r->inputs[ii].kind = LK_IN_SOURCE;
				r->nsources++;
			}
			break;
		}
		case LK_I_FILE: {
			long ii = open_input(r, it->arg, it->arg, it->implicit);
			if (ii >= 0) {
				assume_source_uses(r, (size_t)ii);
				add_input_symbols(r, (size_t)ii);
			}
			break;
		}
		case LK_I_LIB: {
			const char *p = lk_find_lib(r, it->arg, s->bstatic);
			const char *spec = arena_printf(r->ar, "-l%s", it->arg);
			if (!p && it->implicit && r->cmd.driver_facts == LK_DRV_UNKNOWN) {
				/* a library of a driver that is not installed: unknown, not missing */
				r->implicit_unknown = true;
				break;
			}
			if (!p) {
				if (r->ninputs < LK_MAX_INPUTS &&
				    arena_grow(r->ar, &r->inputs, &r->incap, r->ninputs + 1, sizeof(*r->inputs))) {
					struct lk_input *in = &r->inputs[r->ninputs++];
					memset(in, 0, sizeof(*in));
					in->spec = spec;
					in->path = spec;
					in->kind = LK_IN_MISSING;
					in->implicit = it->implicit;
					in->group = -1;
				}
				struct lk_finding *f = lk_add_finding(r, LK_LINK_ERROR, "missing-library", spec,
								      "library %s is not in the search path", spec);
				if (f)
					f->linker = arena_printf(r->ar, "cannot find %s: No such file or directory", spec);
				r->fatal = true;
				break;
			}
			long ii = open_input(r, p, spec, it->implicit);
			if (ii >= 0) {
				assume_source_uses(r, (size_t)ii);
				add_input_symbols(r, (size_t)ii);
			}
			break;
		}
		}
	}
}

/* every DT_NEEDED of a shared library names a shared library loaded in
 * this link (by file name or soname) */
static bool needed_loaded(const struct lk_result *r, const struct lk_obj *lib)
{
	const struct goabi_artifact *a = lib->facts;
	if (!a)
		return false;
	for (size_t k = 0; k < a->libc.needed.n; k++) {
		const char *want = a->libc.needed.v[k];
		bool found = false;
		for (size_t i = 0; i < r->nobjs && !found; i++) {
			const struct lk_obj *o = &r->objs[i];
			if (!o->loaded || o->etype != ET_DYN)
				continue;
			const char *base = strrchr(o->name, '/');
			base = base ? base + 1 : o->name;
			found = strcmp(base, want) == 0 || (o->facts && o->facts->libc.soname &&
							    strcmp(o->facts->libc.soname, want) == 0);
		}
		if (!found)
			return false;
	}
	return true;
}

/* symbols the default linker script and ld itself provide */
static bool linker_defined(const char *n)
{
	static const char *const names[] = {
		"_GLOBAL_OFFSET_TABLE_", "_DYNAMIC", "__ehdr_start", "__executable_start", "_end", "end", "_edata",
		"edata", "_etext", "etext", "__etext", "__bss_start", "__init_array_start", "__init_array_end",
		"__preinit_array_start", "__preinit_array_end", "__fini_array_start", "__fini_array_end",
		"__GNU_EH_FRAME_HDR", "_TLS_MODULE_BASE_", "__rela_iplt_start", "__rela_iplt_end", "__rel_iplt_start",
		"__rel_iplt_end", "_PROCEDURE_LINKAGE_TABLE_", "__dso_handle", "_fini", "_init", NULL
	};
	for (size_t i = 0; names[i]; i++)
		if (strcmp(n, names[i]) == 0)
			return true;
	return strncmp(n, "__start_", 8) == 0 || strncmp(n, "__stop_", 7) == 0;
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void lk_resolve(struct lk_result *r)
{
	struct rs *sp = arena_alloc(r->ar, sizeof(*sp));
	if (!sp)
		return;
	/* gcc -static passes -static (= -Bstatic) to ld before every input */
	struct rs s_init = { .group_first = -1,
			     .bstatic = r->cmd.is_static && r->cmd.flavor != LK_LD && r->cmd.driver_facts != LK_DRV_ASKED };
	*sp = s_init;
	r->priv = sp;
#define s (*sp)
	/* -u SYMBOL: an undefined reference from the command line */
	for (size_t i = 0; i < r->cmd.undef_syms.n; i++) {
		struct gsym *g = lookup(r, r->cmd.undef_syms.v[i], true);
		if (g) {
			g->strong_ref = true;
			g->touched = true;
		}
	}
	process_items(r, r->cmd.items, r->cmd.nitems, 0);
	if (!s.stop)
		group_end(r); /* an unterminated group ends with the command line */

	/* multiple definitions, in the order ld meets them */
	for (size_t i = 0; i < s.syms.cap; i++) {
		struct gsym *g = s.syms.tab[i];
		if (!g || !g->dups.n)
			continue;
		strv_push(r->ar, &r->duplicates, g->name); /* table entries are unique */
		for (size_t k = 0; k < g->dups.n; k++) {
			long a = -1, b = -1;
			sscanf(g->dups.v[k], "%ld %ld", &a, &b);
			struct lk_finding *f = lk_add_finding(r, LK_LINK_ERROR, "multiple-definition", g->name,
							      "%s is defined by both %s and %s", shown(r, g->name), objname(r, b),
							      objname(r, a));
			if (f) {
				f->linker = arena_printf(r->ar, "%s: multiple definition of `%s'; %s: first defined here",
							 objname(r, a), ld_name(r, g->name), objname(r, b));
				strv_push(r->ar, &f->files, objname(r, b));
				strv_push(r->ar, &f->files, objname(r, a));
				f->at = objname(r, a); /* "A: multiple definition of" */
			}
		}
	}
	/* undefined references: only when ld gets to relocating */
	bool report = !r->fatal && !r->cmd.relocatable && (!r->cmd.shared || r->cmd.defs);
	bool hidden_undef = false;
	for (size_t i = 0; i < s.syms.cap && report; i++) {
		struct gsym *g = s.syms.tab[i];
		if (!g || !g->reloc_ref || g->def >= 0 || g->common >= 0)
			continue;
		if (g->dso >= 0 && !g->hidden_ref)
			continue;
		if (linker_defined(g->name))
			continue;
		/* x86 ld relaxes the general- and local-dynamic TLS sequences
		 * that call __tls_get_addr in an executable (to initial- or
		 * local-exec): a static C++ program links without it */
		if (!r->cmd.shared && strcmp(g->name, "__tls_get_addr") == 0 &&
		    (r->target_machine == EM_X86_64 || r->target_machine == EM_386))
			continue;
		strv_push(r->ar, &r->undefined, g->name); /* deduplicated after sorting */
		hidden_undef |= g->vis_hidden;
		struct lk_finding *f = lk_add_finding(r, LK_LINK_ERROR, "undefined", g->name, "nothing in the link defines %s",
						      shown(r, g->name));
		if (f) {
			f->linker = arena_printf(r->ar, "%s: undefined reference to `%s'", objname(r, g->nrefs ? g->refs[0] : -1),
						 ld_name(r, g->name));
			f->refobj = g->nrefs ? g->refs[0] : -1;
			for (unsigned k = 0; k < g->nrefs; k++)
				strv_push_unique(r->ar, &f->files, objname(r, g->refs[k]));
			if (g->dso >= 0)
				f->diagnosis = arena_printf(r->ar, "the reference is hidden, so the definition in shared library %s cannot satisfy it",
							    objname(r, g->dso));
		}
	}
	/* references from the user's shared libraries: an executable's link
	 * fails when nothing defines them -- judged only when each library
	 * the shared library needs (DT_NEEDED) is loaded here, since ld also
	 * reads those (ld/ldelf.c ldelf_after_open) and goabi does not.
	 * ld checks them while writing the symbol table, and an undefined
	 * hidden symbol ("hidden symbol `X' isn't defined") stops it there
	 * first or not, in hash-table order: then nothing is claimed. */
	bool exe = !r->fatal && !r->cmd.relocatable && !r->cmd.shared && !hidden_undef;
	for (size_t i = 0; i < s.syms.cap && exe; i++) {
		struct gsym *g = s.syms.tab[i];
		if (!g || !g->dso_ref)
			continue;
		if (g->vis_hidden && g->dso_strong >= 0 && (g->def >= 0 || g->common >= 0)) {
			long d = g->def >= 0 && !(g->def_weak && g->common >= 0) ? g->def : g->common;
			struct lk_finding *f = lk_add_finding(r, LK_LINK_ERROR, "hidden-referenced-by-dso", g->name,
				"a shared library references %s, but it is hidden in the program (defined in %s; a hidden definition or reference in any object hides it): a hidden symbol cannot be exported",
				shown(r, g->name), objname(r, d));
			if (f) {
				f->linker = arena_printf(r->ar, "%s: hidden symbol `%s' in %s is referenced by DSO",
							 r->cmd.output ? r->cmd.output : "a.out", ld_name(r, g->name), objname(r, d));
				strv_push(r->ar, &f->files, objname(r, d));
			}
			continue;
		}
		if (g->dso_strong < 0 || g->def >= 0 || g->common >= 0 || g->dso >= 0 || linker_defined(g->name))
			continue;
		const struct lk_obj *lib = &r->objs[g->dso_strong];
		if (r->inputs[lib->input].implicit || !needed_loaded(r, lib))
			continue;
		strv_push(r->ar, &r->undefined, g->name); /* deduplicated after sorting */
		struct lk_finding *f = lk_add_finding(r, LK_LINK_ERROR, "undefined", g->name,
						      "shared library %s needs %s and nothing in the link defines it", lib->name,
						      shown(r, g->name));
		if (f) {
			f->linker = arena_printf(r->ar, "%s: undefined reference to `%s'", lib->name, ld_name(r, g->name));
			f->refobj = g->dso_strong;
			strv_push(r->ar, &f->files, lib->name);
		}
	}
	if (r->duplicates.n)
		qsort(r->duplicates.v, r->duplicates.n, sizeof(char *), cmpstr);
	if (r->undefined.n) {
		/* linear pushes above, not strv_push_unique: that is quadratic
		 * on an object with 100k undefined symbols */
		qsort(r->undefined.v, r->undefined.n, sizeof(char *), cmpstr);
		size_t w = 1;
		for (size_t i = 1; i < r->undefined.n; i++)
			if (strcmp(r->undefined.v[i], r->undefined.v[w - 1]) != 0)
				r->undefined.v[w++] = r->undefined.v[i];
		r->undefined.n = w;
	}
#undef s
}

void lk_resolve_free(struct lk_result *r)
{
	struct rs *s = r->priv;
	if (s) {
		free(s->syms.tab);
		free(s->groups.tab);
	}
	r->priv = NULL;
}

long lk_sym_def(struct lk_result *r, const char *name, bool any)
{
	if (!r->priv)
		return -1;
	struct gsym *g = lookup(r, name, false);
	if (!g)
		return -1;
	if (g->def >= 0)
		return g->def;
	if (g->common >= 0)
		return g->common;
	return any ? g->dso : -1;
}

bool lk_sym_referenced(struct lk_result *r, const char *name)
{
	struct gsym *g = r->priv ? lookup(r, name, false) : NULL;
	return g && g->strong_ref;
}

bool lk_read_symbols(struct lk_result *r, const char *path, struct symtab *st)
{
	memset(st, 0, sizeof(*st));
	const struct ldr_file *lf = lk_load(r, path);
	if (!lf)
		return false;
	if (lf->kind == LDR_ELF) {
		if (!lf->nobjs || !lf->objs[0].symbols_ok)
			return false;
		*st = lf->objs[0].st;
		return true;
	}
	if (lf->kind != LDR_ARCHIVE)
		return false;
	bool ok = false;
	for (size_t k = 0; k < lf->nobjs; k++) {
		const struct symtab *one = &lf->objs[k].st;
		if (!lf->objs[k].symbols_ok)
			continue;
		ok = true;
		/* a member without globals: nothing to copy (memcpy from NULL is undefined) */
		if (one->n && arena_grow(r->ar, &st->syms, &st->cap, st->n + one->n, sizeof(*st->syms))) {
			memcpy(st->syms + st->n, one->syms, one->n * sizeof(*one->syms));
			st->n += one->n;
		}
	}
	return ok;
}

struct lk_result *lk_run(struct lk_cmd *cmd)
{
	struct lk_result *r = arena_alloc(cmd->ar, sizeof(*r));
	if (!r)
		return NULL;
	r->ar = cmd->ar;
	r->cmd = *cmd;
	r->ldr = ldr_new(r->ar, LDR_SYMBOLS);
	r->target_machine = cmd->machine;
	r->target_class = 0;
	/* the target class: the host's, unless the first user object says otherwise */
	r->target_class = cmd->machine == EM_386 || cmd->machine == EM_ARM ? 32 : 64;
	lk_resolve(r);
	lk_findings(r);
	lk_resolve_free(r);
	return r;
}

void lk_result_free(struct lk_result *r)
{
	if (!r)
		return;
	ldr_free(r->ldr); /* the inputs' facts with it */
	struct goabi_arena *ar = r->ar;
	arena_free(ar);
}

const char *lk_verdict_name(enum lk_verdict v)
{
	switch (v) {
	case LK_LINKS: return "links";
	case LK_LINKS_WITH_HAZARDS: return "links with hazards";
	case LK_LINKS_BROKEN: return "links but cannot work";
	case LK_UNKNOWN_VERDICT: return "unknown";
	default: return "fails";
	}
}

const char *lk_sev_name(enum lk_sev s)
{
	switch (s) {
	case LK_LINK_ERROR: return "link-error";
	case LK_ERROR: return "error";
	case LK_WARNING: return "warning";
	case LK_UNKNOWN: return "unknown";
	default: return "note";
	}
}
