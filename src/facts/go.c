/* Facts 2-5 for Go: toolchain and version, runtime symbol scheme, cgo and
 * build mode. One pass over the symbol tables collects what every Go fact
 * needs; stripped binaries fall back to the pclntab function names. */
#include <stdlib.h>
#include <string.h>
#include "facts/gofacts.h"
#include "read/dynamic.h"

/* cgo symbols (never _cgo_init, _cgo_mmap...: every Go binary has those
 * variables, runtime/cgo only fills them). CGO_WRAPPER: the C side cgo
 * generates for each package that imports "C" (_cgo_<12 hex>_Cfunc_add), in
 * gc and gccgo programs alike; libgo defines _cgo_panic in every gccgo
 * program, so only wrappers and exports count there. */
enum { CGO_X_CGO_INIT, CGO_CROSSCALL2, CGO_PANIC, CGO_TOPOFSTACK, CGO_THREAD_START, CGO_EXPORT, CGO_WRAPPER, CGO_NMARK };

static const char *const type_names[] = { "int", "string", "uint8", "float64", "uintptr", "bool" };
#define NTYPES (sizeof(type_names) / sizeof(type_names[0]))

struct goscan {
	struct elfview *ev;
	size_t nsyms;
	bool runtime;          /* runtime.* functions or data defined */
	bool gccgo;            /* gccgo-specific symbols */
	size_t ngccgo;
	const char *gccgo_sym;
	const char *gccgo_rt;  /* a defined gccgo runtime entry point (__go_go, runtime_m) */
	bool buildversion;
	GElf_Sym buildversion_sym;
	bool pclntab;
	GElf_Sym pclntab_sym;
	bool has_types, has_etypes; /* runtime.types / runtime.etypes */
	GElf_Sym types_sym, etypes_sym;
	bool rt0_lib;          /* _rt0_<arch>_<os>_lib: c-archive/c-shared entry */
	bool plugin;
	bool shared_lib;       /* go.link.abihashbytes: -buildmode=shared */
	bool cgo[CGO_NMARK];
	const char *cgo_ev[CGO_NMARK]; /* evidence of the first of each */
	size_t ndot_eq, ncolon_eq, ndot_other, ncolon_other;
	struct typesym types[NTYPES];
	bool from_pclntab;
	/* --brief: cgo decided from the linking (brief_cgo): 1 runtime/cgo's
	 * pthread_create is imported, 2 a static program from an external
	 * link, -1 a dynamic program without a C library, -2 a static one
	 * Go's linker made, 0 not decided */
	int dyn_cgo;
};


/* Literal prefix test without strlen at run time. */
#define PFX(s, lit) STR_PFX(s, lit)

static void cgo_mark(struct goscan *g, int i, const char *name, bool defined)
{
	struct goabi_artifact *a = g->ev->a;
	if (!g->cgo[i])
		g->cgo_ev[i] = arena_printf(a->arena, "%s %s", g->from_pclntab ? "pclntab function" :
					    defined ? "symbol" : "undefined symbol", name);
	g->cgo[i] = true;
}

/* "_cgo_" then 12 hex digits and '_': cgo's per-package prefix */
static bool cgo_wrapper_name(const char *name)
{
	for (int i = 5; i < 17; i++)
		if (!name[i] || !strchr("0123456789abcdef", name[i]))
			return false;
	return name[17] == '_';
}

/* A place in a string table where a cgo export (_cgoexp_) or a wrapper's
 * name (_cgo_, 12 hex digits, '_') starts: classify()'s CGO_EXPORT and
 * CGO_WRAPPER */
static bool cgo_string(const char *at, size_t left)
{
	if (left > 8 && memcmp(at, "_cgoexp_", 8) == 0)
		return true;
	return left > 18 && at[4] == '_' && cgo_wrapper_name(at);
}

/* Classify one Go name (symbol or pclntab function) for scheme and cgo.
 * Called for every symbol of big binaries: dispatch on the first byte. */
static void classify(struct goscan *g, const char *name, bool defined)
{
	struct goabi_artifact *a = g->ev->a;
	switch (name[0]) {
	case 't':
		if (!PFX(name, "type"))
			return;
		if (PFX(name, "type..eq.") || PFX(name, "type:.eq.")) {
			if (defined || !g->from_pclntab) {
				name[4] == ':' ? g->ncolon_eq++ : g->ndot_eq++;
				if (defined)
					strv_push_unique(a->arena, &a->go.eq_funcs, name);
			}
		} else if (PFX(name, "type..hash.") || PFX(name, "type:.hash.")) {
			name[4] == ':' ? g->ncolon_eq++ : g->ndot_eq++;
			if (defined)
				strv_push_unique(a->arena, &a->go.hash_funcs, name);
		} else if (PFX(name, "type:")) {
			g->ncolon_other++;
		} else if (PFX(name, "type.*")) {
			g->ndot_other++;
		}
		return;
	case 'g':
		if (PFX(name, "go.itab.") || PFX(name, "go:itab.")) {
			name[2] == ':' ? g->ncolon_other++ : g->ndot_other++;
			a->go.nitabs++;
		} else if (PFX(name, "go:")) {
			g->ncolon_other++;
		} else if (PFX(name, "go.buildinfo") || PFX(name, "go.string.") || PFX(name, "go.func.")) {
			g->ndot_other++;
		}
		return;
	case 'r':
		/* a defined runtime function or variable; C and C++ programs
		 * have STT_FILE symbols such as runtime.cc (filtered in sym_cb) */
		if (defined && PFX(name, "runtime."))
			g->runtime = true;
		return;
	case 'x':
		if (strcmp(name, "x_cgo_init") == 0)
			cgo_mark(g, CGO_X_CGO_INIT, name, defined);
		return;
	case 'c':
		if (strcmp(name, "crosscall2") == 0)
			cgo_mark(g, CGO_CROSSCALL2, name, defined);
		return;
	case '_':
		if (!PFX(name, "_cgo"))
			return;
		if (strcmp(name, "_cgo_panic") == 0)
			cgo_mark(g, CGO_PANIC, name, defined);
		else if (strcmp(name, "_cgo_topofstack") == 0)
			cgo_mark(g, CGO_TOPOFSTACK, name, defined);
		else if (strcmp(name, "_cgo_sys_thread_start") == 0)
			cgo_mark(g, CGO_THREAD_START, name, defined);
		else if (PFX(name, "_cgoexp_"))
			cgo_mark(g, CGO_EXPORT, name, defined);
		else if (defined && name[4] == '_' && cgo_wrapper_name(name))
			cgo_mark(g, CGO_WRAPPER, name, defined);
		return;
	default:
		return;
	}
}

static bool sym_cb(void *ctx, const char *name, const GElf_Sym *sym, size_t ndx)
{
	struct goscan *g = ctx;
	bool defined = sym->st_shndx != SHN_UNDEF;
	int type = GELF_ST_TYPE(sym->st_info);
	/* file and section names are no Go evidence (Node.js has a runtime.cc) */
	if (type == STT_FILE || type == STT_SECTION)
		return true;
	classify(g, name, defined);
	if (!defined)
		return true;
	switch (name[0]) {
	case 'r':
		/* thousands of runtime.* names: one byte rules out most */
		if (!PFX(name, "runtime.") || !strchr("bpet", name[8]))
			break;
		if (!g->buildversion && strcmp(name, "runtime.buildVersion") == 0) {
			g->buildversion = true;
			g->buildversion_sym = *sym;
		} else if (!g->pclntab && (strcmp(name, "runtime.pclntab") == 0 || strcmp(name, "runtime.pcheader") == 0)) {
			g->pclntab = true;
			g->pclntab_sym = *sym;
		} else if (!g->has_types && strcmp(name, "runtime.types") == 0) {
			g->has_types = true;
			g->types_sym = *sym;
		} else if (!g->has_etypes && strcmp(name, "runtime.etypes") == 0) {
			g->has_etypes = true;
			g->etypes_sym = *sym;
		}
		break;
	case '_':
		if (PFX(name, "_rt0_")) {
			size_t l = strlen(name);
			if (l > 9 && strcmp(name + l - 4, "_lib") == 0)
				g->rt0_lib = true;
		}
		break;
	case 'g':
		if (PFX(name, "go.plugin.") || PFX(name, "go:plugin."))
			g->plugin = true;
		else if (strcmp(name, "go.link.abihashbytes") == 0 || strcmp(name, "go:link.abihashbytes") == 0)
			g->shared_lib = true;
		break;
	case 'p':
		if (PFX(name, "plugin/unnamed"))
			g->plugin = true;
		break;
	case 't':
		/* thousands of type names; the six sought start with b, f, i, s, u */
		if ((PFX(name, "type.") || PFX(name, "type:")) && name[5] && strchr("bfisu", name[5])) {
			for (size_t i = 0; i < NTYPES; i++)
				if (!g->types[i].found && strcmp(name + 5, type_names[i]) == 0) {
					g->types[i].found = true;
					g->types[i].sym = *sym;
				}
		}
		break;
	default:
		break;
	}
	/* gccgo's names: only worth the substring search when no gc build
	 * info was found (a gc binary is not gccgo) */
	if (g->ev->a->go.version.value)
		return true;
	/* one search for ".." instead of one per pattern: most names of a C++
	 * program have none */
	const char *dd = name[0] == '_' ? NULL : strstr(name, "..");
	bool go_entry = PFX(name, "__go_") || strcmp(name, "runtime_m") == 0;
	bool import = dd && strstr(dd, "..import");
	if (go_entry || import || (dd && strstr(dd, "..d")) || PFX(name, "go..")) {
		g->ngccgo++;
		/* evidence: a defined gccgo runtime entry point or package init */
		if (!g->gccgo && (go_entry || import)) {
			g->gccgo = true;
			g->gccgo_sym = name;
		}
		if (!g->gccgo_rt && (strcmp(name, "__go_go") == 0 || strcmp(name, "runtime_m") == 0))
			g->gccgo_rt = name;
	}
	return true;
}

/* A name scheme() counts (classify: type../type: and go./go: names). */
static bool scheme_name(const char *name)
{
	if (name[0] == 't')
		return PFX(name, "type:") || PFX(name, "type..eq.") || PFX(name, "type..hash.") || PFX(name, "type.*");
	return PFX(name, "go:") || PFX(name, "go.itab.") || PFX(name, "go.buildinfo") || PFX(name, "go.string.") ||
	       PFX(name, "go.func.");
}

/* --brief: stops at the first such name (sym_cb's file/section filter) */
static bool scheme_cb(void *ctx, const char *name, const GElf_Sym *sym, size_t ndx)
{
	int type = GELF_ST_TYPE(sym->st_info);
	if (type == STT_FILE || type == STT_SECTION || !scheme_name(name))
		return true;
	*(bool *)ctx = true;
	return false;
}

static bool pcln_cb(void *ctx, const char *name, size_t len)
{
	/* name[len] is the table's own NUL (go_pclntab_names) */
	if (len >= 512)
		return true;
	classify(ctx, name, true);
	return true;
}

/* gccgo records its compiler in .comment ("GCC: (Debian 12.2.0-14) 12.2.0"). */
static const char *gcc_comment(struct elfview *ev)
{
	GElf_Shdr sh;
	const uint8_t *p;
	size_t n;
	if (!ev_section(ev, ".comment", &sh) || !ev_section_bytes(ev, &sh, &p, &n))
		return NULL;
	const char *s = memmem(p, n, "GCC: ", 5);
	if (!s)
		return NULL;
	size_t left = n - (size_t)((const uint8_t *)s - p);
	size_t l = strnlen(s, left < 200 ? left : 200);
	return utf8_sanitize(ev->a->arena, s, l);
}

/* gccgo has no build info: its Go release follows the GCC release, as listed
 * in Go's doc/install/gccgo ("The GCC 11 releases include a complete
 * implementation of the Go 1.16.3 user libraries", "GCC 12 and 13 ... Go
 * 1.18"). The value imitates runtime.Version() of that libgo, e.g. libgo.so.21
 * of GCC 12.2 says "go1.18 gccgo (Debian 12.2.0-14+deb12u1) 12.2.0". */
static void gccgo_version(struct elfview *ev)
{
	struct goabi_artifact *a = ev->a;
	static const struct { int major; const char *go; } rel[] = {
		{ 7, "go1.8.1" }, { 8, "go1.10.1" }, { 9, "go1.12.2" }, { 10, "go1.14.6" },
		{ 11, "go1.16.3" }, { 12, "go1.18" }, { 13, "go1.18" },
	};
	const char *cmt = gcc_comment(ev);
	if (!cmt) {
		fact_set(a, &a->go.version, GOABI_UNKNOWN, NULL, "gccgo without a .comment naming the GCC release");
		return;
	}
	/* "GCC: (Debian 12.2.0-14+deb12u1) 12.2.0": the release is the last word */
	const char *sp = strrchr(cmt, ' ');
	int major = sp ? atoi(sp + 1) : 0;
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++)
		if (rel[i].major == major) {
			fact_set(a, &a->go.version, GOABI_INFERRED,
				 arena_printf(a->arena, "%s gccgo %s", rel[i].go, cmt + 5),
				 ".comment \"%s\": GCC %d ships the %s standard library (Go doc/install/gccgo)", cmt, major,
				 rel[i].go);
			return;
		}
	fact_set(a, &a->go.version, GOABI_UNKNOWN, NULL, ".comment \"%s\": GCC %d's Go release is not in goabi's table",
		 cmt, major);
}

static void version_from_symbol(struct goscan *g)
{
	struct elfview *ev = g->ev;
	struct goabi_artifact *a = ev->a;
	if (!g->buildversion || ev->eh.e_type == ET_REL)
		return;
	/* runtime.buildVersion is a Go string header {ptr, len} */
	const uint8_t *h;
	if (!ev_vaddr(ev, g->buildversion_sym.st_value, 2 * (uint64_t)ev->ptrsize, &h, NULL))
		return;
	uint64_t ptr = rdptr(h, ev->be, ev->ptrsize), len = rdptr(h + ev->ptrsize, ev->be, ev->ptrsize);
	if (len == 0 || len > 256)
		return;
	const char *v = ev_vaddr_string(ev, ptr, len);
	if (v)
		fact_set(a, &a->go.version, GOABI_KNOWN, v, "symbol runtime.buildVersion");
}

static void scheme(struct goscan *g)
{
	struct goabi_artifact *a = g->ev->a;
	struct goabi_go *go = &a->go;
	if (a->typed.toolchain == GOABI_TC_GCCGO) {
		fact_set(a, &go->scheme, GOABI_KNOWN, "gccgo",
			 "gccgo mangling (T..d type descriptors, pkg..import, __go_ runtime entry points; %zu such symbols), not gc's type./go. names",
			 g->ngccgo);
		return;
	}
	size_t dot = g->ndot_eq + g->ndot_other, colon = g->ncolon_eq + g->ncolon_other;
	const char *src = g->from_pclntab ? "pclntab function names" : "symbol table";
	if (!dot && !colon) {
		fact_set(a, &go->scheme, GOABI_UNKNOWN, NULL, "no compiler-generated type./go. names in the %s", src);
		return;
	}
	const char *v = dot && colon ? "mixed" : dot ? "dot" : "colon";
	fact_set(a, &go->scheme, GOABI_KNOWN, v,
		 "%s: %zu type..eq/hash and %zu other dot names, %zu type:.eq/hash and %zu other colon names",
		 src, g->ndot_eq, g->ndot_other, g->ncolon_eq, g->ncolon_other);
}

/* cgo: what the binary contains — cgo code linked (runtime/cgo's
 * x_cgo_init/crosscall2..., cgo's C wrappers) or not — with the build
 * setting CGO_ENABLED kept beside it (cgo_setting). CGO_ENABLED=1 alone
 * links no cgo: a program that imports no cgo package (fmt, -tags
 * netgo,osusergo) is a static binary like a CGO_ENABLED=0 one. */
static void cgo(struct goscan *g)
{
	struct elfview *ev = g->ev;
	struct goabi_artifact *a = ev->a;
	struct goabi_go *go = &a->go;
	const char *s = goabi_go_setting(go, "CGO_ENABLED");
	bool gccgo = a->typed.toolchain == GOABI_TC_GCCGO;
	bool looked = g->nsyms || g->from_pclntab;
	const char *where = g->from_pclntab ? "pclntab function names" : "symbol table";
	if (s)
		fact_set_typed(a, FT_CGO_SETTING, GOABI_KNOWN, s, "build setting CGO_ENABLED=%s", s);
	else
		fact_set_typed(a, FT_CGO_SETTING, GOABI_UNKNOWN, NULL, "no build setting CGO_ENABLED recorded");
	bool marks = false;
	for (int i = 0; i < CGO_NMARK; i++)
		if (g->cgo[i] && (!gccgo || i == CGO_WRAPPER || i == CGO_EXPORT)) {
			marks = true;
			strv_push(a->arena, &go->cgo_evidence, g->cgo_ev[i]);
		}
	const char *set = s ? arena_printf(a->arena, "; build setting CGO_ENABLED=%s", s) : "";
	if (marks) {
		fact_set_typed(a, FT_CGO, GOABI_KNOWN, "1", "cgo code linked (%s)%s", go->cgo_evidence.v[0], set);
		if (a->typed.cgo_setting == GOABI_CGO_OFF && !gccgo)
			strv_push(a->arena, &go->conflicts,
				  arena_printf(a->arena, "build setting CGO_ENABLED=0 but cgo symbols are present (%s)",
					       go->cgo_evidence.v[0]));
		return;
	}
	if (gccgo) {
		/* libgo (shared or -static-libgo) is the same C runtime in every
		 * gccgo program: only the program's own cgo wrappers count */
		if (g->nsyms)
			fact_set_typed(a, FT_CGO, GOABI_INFERRED, "0",
				 "no cgo wrapper (_cgo_<hash>_Cfunc_*) or export in the symbol table (libgo's own _cgo_panic is in every gccgo program)");
		else
			fact_set_typed(a, FT_CGO, GOABI_UNKNOWN, NULL, "gccgo without symbols: cgo wrappers cannot be looked for");
		return;
	}
	if (a->typed.cgo_setting == GOABI_CGO_OFF) {
		fact_set_typed(a, FT_CGO, GOABI_KNOWN, "0", "build setting CGO_ENABLED=0");
		return;
	}
	if (ev->eh.e_type == ET_REL) {
		if (s)
			fact_set_typed(a, FT_CGO, GOABI_INFERRED, s, "build setting CGO_ENABLED=%s; this object has no cgo symbol, other members may", s);
		else
			fact_set_typed(a, FT_CGO, GOABI_UNKNOWN, NULL, "this object has no cgo symbol; other members may");
		return;
	}
	if (g->dyn_cgo == 1) {
		fact_set_typed(a, FT_CGO, GOABI_INFERRED, "1",
			 "pthread_create is imported (.dynsym): runtime/cgo starts threads with it, gc's runtime on %s does not%s",
			 goabi_go_setting(go, "GOOS"), set);
		return;
	}
	if (g->dyn_cgo == 2) {
		fact_set_typed(a, FT_CGO, GOABI_INFERRED, "1",
			 "static, with .init from the C start files: an external link, into which Go's linker puts runtime/cgo%s", set);
		return;
	}
	if (g->dyn_cgo == -1) {
		fact_set_typed(a, FT_CGO, GOABI_INFERRED, "0",
			 "PT_INTERP and no DT_NEEDED: no C library for cgo code to call (a pure-Go dynamic executable)%s", set);
		return;
	}
	if (g->dyn_cgo == -2) {
		fact_set_typed(a, FT_CGO, GOABI_INFERRED, "0",
			 "static, with no .init or .init_array from the C start files: Go's own linker made it, and it links C code only dynamically%s",
			 set);
		return;
	}
	if (looked) {
		fact_set_typed(a, FT_CGO, GOABI_INFERRED, "0", "no cgo code: no cgo symbol (x_cgo_init, crosscall2, _cgo_panic) in the %s%s%s",
			 where, set, s ? " (no package uses cgo)" : "");
		return;
	}
	if (a->libc.needed.n) {
		fact_set_typed(a, FT_CGO, GOABI_INFERRED, "1", "no symbols to look for cgo in, but the binary has DT_NEEDED %s%s",
			 a->libc.needed.v[0], set);
		return;
	}
	fact_set_typed(a, FT_CGO, GOABI_UNKNOWN, NULL, "no symbols to look for cgo in%s", set);
}

static bool needs_libgo(const struct goabi_artifact *a)
{
	for (size_t i = 0; i < a->libc.needed.n; i++)
		if (PFX(a->libc.needed.v[i], "libgo.so"))
			return true;
	return false;
}

static void buildmode(struct goscan *g)
{
	struct elfview *ev = g->ev;
	struct goabi_artifact *a = ev->a;
	struct goabi_go *go = &a->go;
	const char *s = goabi_go_setting(go, "-buildmode");
	if (s) {
		fact_set_typed(a, FT_BUILDMODE, GOABI_KNOWN, s, "build setting -buildmode=%s", s);
		/* pie, c-shared, plugin and shared are position-independent:
		 * the linker writes ET_DYN (an exe on some targets is a PIE too,
		 * so only this direction is a contradiction) */
		if (ev->eh.e_type == ET_EXEC && (a->typed.buildmode == GOABI_BM_PIE || a->typed.buildmode == GOABI_BM_C_SHARED ||
						  a->typed.buildmode == GOABI_BM_PLUGIN || a->typed.buildmode == GOABI_BM_SHARED))
			strv_push(a->arena, &go->conflicts,
				  arena_printf(a->arena, "build setting -buildmode=%s but the file is ET_EXEC, position-dependent "
					       "(Go's linker writes ET_DYN for that mode)", s));
		return;
	}
	if (ev->eh.e_type == ET_REL) {
		if (g->rt0_lib)
			fact_set_typed(a, FT_BUILDMODE, GOABI_INFERRED, "c-archive", "relocatable Go object defining _rt0_*_lib");
		else
			fact_set_typed(a, FT_BUILDMODE, GOABI_INFERRED, "object", "relocatable Go object");
	} else if (g->plugin) {
		fact_set_typed(a, FT_BUILDMODE, GOABI_INFERRED, "plugin", "go.plugin.* symbols");
	} else if (g->shared_lib) {
		fact_set_typed(a, FT_BUILDMODE, GOABI_INFERRED, "shared", "go.link.abihashbytes symbol");
	} else if (ev->eh.e_type == ET_DYN && g->gccgo_rt && !a->libc.interp && !needs_libgo(a) &&
		   a->typed.toolchain == GOABI_TC_GCCGO) {
		fact_set_typed(a, FT_BUILDMODE, GOABI_INFERRED, "shared",
			 "the gccgo runtime library (libgo): a shared object that defines %s and needs no libgo.so; "
			 "gccgo programs link against it", g->gccgo_rt);
	} else if (ev->eh.e_type == ET_DYN && (g->rt0_lib || (!a->libc.interp && ev->eh.e_entry == 0))) {
		fact_set_typed(a, FT_BUILDMODE, GOABI_INFERRED, "c-shared",
			 g->rt0_lib ? "shared object defining _rt0_*_lib" : "shared object without PT_INTERP or entry point");
	} else if (ev->eh.e_type == ET_DYN) {
		fact_set_typed(a, FT_BUILDMODE, GOABI_INFERRED, "pie", a->libc.interp ? "ET_DYN with PT_INTERP" : "ET_DYN with an entry point");
	} else if (ev->eh.e_type == ET_EXEC) {
		fact_set_typed(a, FT_BUILDMODE, GOABI_INFERRED, "exe", "ET_EXEC");
	}
}

static void conflicts(struct goscan *g, const struct pclntab *pt)
{
	struct goabi_artifact *a = g->ev->a;
	struct goabi_go *go = &a->go;
	/* a development or pre-release build may carry either side of a change
	 * made during its cycle (go_minor_span) */
	int lo, hi;
	if (!go_minor_span(go->version.value, &lo, &hi))
		return;
	bool gc = a->typed.toolchain == GOABI_TC_GC;
	if (go->scheme.value && gc) {
		bool colon = strcmp(go->scheme.value, "colon") == 0, dot = strcmp(go->scheme.value, "dot") == 0;
		if ((lo >= 120 && dot) || (hi < 120 && colon))
			strv_push(a->arena, &go->conflicts,
				  arena_printf(a->arena, "%s naming scheme contradicts version %s (Go 1.20 switched to colon names)",
					       go->scheme.value, go->version.value));
	}
	if (pt->magic && go_pclntab_magic_for(lo) != pt->magic && go_pclntab_magic_for(hi) != pt->magic)
		strv_push(a->arena, &go->conflicts,
			  arena_printf(a->arena, "pclntab magic %#x (%s) contradicts version %s", pt->magic,
				       go_pclntab_range(pt->magic), go->version.value));
	if (go->typehash.conf == GOABI_KNOWN && gc)
		go_typehash_check(a, go->version.value);
}

/* --brief, gc build info of a linux program: whether runtime/cgo is linked
 * follows from its dynamic linking, without reading the pclntab's names.
 * runtime/cgo's C code starts every thread with pthread_create
 * (gcc_libinit.c); gc's runtime on linux makes threads with clone and calls
 * nothing in the C library. So an imported pthread_create is cgo, and an
 * executable with PT_INTERP but no DT_NEEDED at all has no C library for cgo
 * code to call (a pure-Go PIE). A static program (no PT_INTERP, no
 * PT_DYNAMIC) holds cgo code only when an external linker made it
 * (-extldflags=-static), and the C start files give those an .init
 * section: without .init or .init_array, Go's internal linker made it,
 * which takes C code only through dynamic imports; with .init, and
 * CGO_ENABLED=1, an external linker made it, and Go's linker adds
 * runtime/cgo to every external link (cmd/link loadlib: "the startup code
 * uses an import of runtime/cgo"; without CGO_ENABLED=1 that package may be
 * missing, so the names decide). CGO_ENABLED=0 decides first, on every
 * system. Anything else is read as before: no section headers, other
 * systems (OpenBSD, Solaris: the runtime itself calls libc), no GOOS
 * setting. tests/cli/t-inspect-cgo.sh checks the line
 * against the full report and nm of unstripped twins; docs/inspect.md. */
static bool brief_cgo(struct goscan *g)
{
	struct elfview *ev = g->ev;
	struct goabi_artifact *a = ev->a;
	const char *os = goabi_go_setting(&a->go, "GOOS"), *set = goabi_go_setting(&a->go, "CGO_ENABLED");
	if (ev->eh.e_type == ET_REL)
		return false;
	if (set && strcmp(set, "0") == 0)
		return true; /* any system: runtime/cgo is cgo code (cgo names in such a
			      * build are a contradiction the full report lists) */
	if (!os || (strcmp(os, "linux") != 0 && strcmp(os, "android") != 0))
		return false;
	bool imp = ev_dynsym_imports(ev, "pthread_create");
	GElf_Shdr sh;
	if (imp)
		g->dyn_cgo = 1;
	else if (a->libc.interp && a->libc.needed.n == 0 && ev_dynamic(ev)->present && ev_dynamic(ev)->readable)
		g->dyn_cgo = -1;
	else if (!a->libc.interp && !ev_dynamic(ev)->present && ev->sections_ok && !ev->truncated) {
		bool init = ev_section(ev, ".init", &sh) || ev_section(ev, ".init_array", &sh);
		if (!init)
			g->dyn_cgo = -2;
		else if (set && strcmp(set, "1") == 0)
			g->dyn_cgo = 2;
	}
	return g->dyn_cgo != 0;
}

void facts_go(struct elfview *ev)
{
	struct goabi_artifact *a = ev->a;
	struct goabi_go *go = &a->go;
	struct goscan g = { .ev = ev };
	size_t nsymtab = 0;
	for (size_t i = 0; i < NTYPES; i++)
		g.types[i].name = type_names[i];

	go_buildinfo(ev);
	/* With gc build info, only the names classify() and sym_cb() test are
	 * read (their first two bytes: the keys below). Without it every name
	 * may be gccgo's (sym_cb's ".." search), except C++'s "_Z..." (no Go,
	 * cgo or gccgo name starts so). The others are counted, not read. */
	/* the last key, "__", only for gccgo's names without a ".." in them
	 * (__go_...; runtime_m is under "ru") */
	static const char *const keys[] = { "ty", "go", "ru", "x_", "cr", "_c", "_r", "pl", "__" };
	size_t nkeys = sizeof(keys) / sizeof(keys[0]);
	/* --brief with gc build info: its line takes cgo from cgo's names and
	 * the build mode from the build setting, so the type and go. names
	 * (most of a Go symbol table: the scheme, the type hash, the eq/hash
	 * lists) are not called back; without a -buildmode setting the names
	 * buildmode() reads (_rt0_*_lib, go.plugin., go.link.abihashbytes,
	 * plugin/unnamed) are. runtime.* stays: runtime.pclntab places the
	 * pclntab as in the full report. */
	static const char *const brief_keys[] = { "x_", "cr", "_c", "ru", "_r", "pl", "go" };
	bool brief = ev->opts && ev->opts->brief && go->version.value;
	size_t nbrief = goabi_go_setting(go, "-buildmode") ? 4 : 7;
	/* --brief: cgo decided from the linking (brief_cgo) and the build mode
	 * from its setting or the headers, no symbol is needed (an unstripped
	 * program's .symtab is most of its size). The headers decide for an
	 * executable: ET_EXEC is exe, ET_DYN with PT_INTERP pie (the names
	 * buildmode() looks for are those of plugins, Go shared libraries and
	 * c-shared libraries, none of which has PT_INTERP). */
	bool pcln_skip = brief && brief_cgo(&g);
	bool syms_skip = pcln_skip && (nbrief == 4 || ev->eh.e_type == ET_EXEC ||
				       (ev->eh.e_type == ET_DYN && a->libc.interp));
	/* --brief without build info: .dynsym first. When it already shows a
	 * gccgo runtime (a defined __go_go or runtime_m, gccgo's names), or
	 * the file is a relocatable object with gccgo's export data
	 * (.go_export: a member of libgo.a; gccgo's by that section alone, as
	 * below), and there is no gc evidence (gc's sections, runtime.pclntab,
	 * runtime.types; libgo has a runtime.buildVersion of its own), .symtab
	 * can add only cgo's wrappers and exports (the only cgo evidence in a
	 * gccgo program) and the scheme, which the line does not print: it is
	 * read for "_c" names, and only when its strings hold a wrapper's or
	 * an export's name (libgo.so: 176 000 names) */
	bool brief_nobi = ev->opts && ev->opts->brief && !go->version.value;
	GElf_Shdr xsh;
	bool gccgo_obj = brief_nobi && ev->eh.e_type == ET_REL &&
			 (ev_section(ev, ".go_export", &xsh) || ev_section(ev, ".go.export", &xsh));
	bool gccgo_early = false;
	/* --brief without build info, a program (ET_EXEC, or a PIE: PT_INTERP):
	 * the names only the ".." search finds (pkg..import, T..d) are gccgo
	 * package code, which runs only on gccgo's runtime, linked as
	 * libgo.so (DT_NEEDED, looked at below) or into the program, where its
	 * __go_go and runtime_m are read under the keys "__" and "ru"; so the
	 * line's "gccgo" needs no search of the string tables (Node.js: 10 MB,
	 * whose file names hold ".."), and no walk of every name. Libraries
	 * and objects hold package code alone: searched as before. */
	bool brief_prog = brief_nobi && (ev->eh.e_type == ET_EXEC || (ev->eh.e_type == ET_DYN && a->libc.interp));
	for (int k = 0; k < 2 && !syms_skip; k++) {
		int dyn = brief_nobi ? 1 - k : k;
		size_t n;
		if (brief_nobi && dyn == 0 && ((g.gccgo && g.gccgo_rt) || gccgo_obj) && !g.pclntab && !g.has_types &&
		    !gc_sections_present(ev)) {
			static const char *const cgo_keys[] = { "_c" };
			gccgo_early = true;
			if (ev_symbol_strings_match(ev, false, "_cgo", cgo_string))
				g.nsyms += ev_for_each_symbol_keys(ev, false, cgo_keys, 1, sym_cb, &g);
			else
				g.nsyms += ev_symbol_count(ev, false); /* cgo(): gccgo's names were there to look in */
			continue;
		}
		if (brief)
			n = ev_for_each_symbol_keys(ev, dyn, brief_keys, nbrief, sym_cb, &g);
		else if (go->version.value)
			n = ev_for_each_symbol_keys(ev, dyn, keys, nkeys - 1, sym_cb, &g);
		else if (brief_prog || !ev_symbol_strings_have(ev, dyn, ".."))
			/* no name holds "..": only these keys can be gccgo's
			 * (a C++ program: its strings are searched, not its
			 * names called back one by one) */
			n = ev_for_each_symbol_keys(ev, dyn, keys, nkeys, sym_cb, &g);
		else
			n = ev_for_each_symbol_skip(ev, dyn, "_Z", sym_cb, &g);
		g.nsyms += n;
		if (!dyn)
			nsymtab = n;
	}

	/* Go evidence that C, C++ and Rust programs do not carry by accident:
	 * gc's own sections (.go.buildinfo and .note.go.buildid in every build
	 * mode, -ldflags=-s -w c-shared included; tests/cli/t-image-gofacts.sh),
	 * build info, gc's runtime variables, compiler-generated type names.
	 * Only with such evidence is read-only data scanned for a pclntab. A
	 * file without section headers is always scanned. */
	bool go_sections = go_sections_present(ev);
	bool strong = go->version.value || go_sections || g.buildversion || g.pclntab || (g.has_types && g.has_etypes) ||
		      g.ndot_eq + g.ncolon_eq > 0;
	bool maybe_go = !ev->sections_ok || strong || g.gccgo;
	struct pclntab pt = { 0 };
	/* --brief: with cgo decided from the linking the pclntab (the version
	 * range, cgo's names) is not needed, the build info gave the version;
	 * gccgo has none */
	bool have_pt = maybe_go && !pcln_skip && !gccgo_early && go_pclntab_find(ev, g.pclntab ? &g.pclntab_sym : NULL, &pt);
	if (have_pt) {
		go->pclntab_magic = pt.magic;
		go->nfunc = pt.nfunc;
		go->pclntab_where = arena_printf(a->arena, "%s (magic %#x, %llu functions)", pt.where, pt.magic,
						 (unsigned long long)pt.nfunc);
		fact_set(a, &go->version_range, GOABI_KNOWN, go_pclntab_range(pt.magic), "pclntab magic %#x in %s",
			 pt.magic, pt.where);
	} else {
		pt.magic = 0;
	}

	/* runtime.* functions alone are not enough: a runtime.cc object file
	 * can define runtime::Foo helpers with C linkage names too */
	/* a debug file keeps gc's section names, not their bytes */
	bool debug_go = ev->debug_only && go_sections && !have_pt && !go->version.value;
	bool is_go = go->version.value || have_pt || (g.runtime && strong) || debug_go;
	/* gccgo: no pclntab or build info, its own runtime symbols */
	bool gccgo = !go->version.value && !have_pt && g.gccgo;
	bool libgo = false;
	for (size_t i = 0; i < a->libc.needed.n; i++)
		if (PFX(a->libc.needed.v[i], "libgo.so"))
			libgo = true;
	GElf_Shdr sh;
	bool go_export = ev_section(ev, ".go_export", &sh) || ev_section(ev, ".go.export", &sh);
	if (!go->version.value && !have_pt && (libgo || go_export))
		gccgo = true;

	if (gccgo) {
		const char *ev_parts[3];
		size_t nev = 0;
		if (libgo)
			ev_parts[nev++] = "DT_NEEDED libgo.so";
		if (go_export)
			ev_parts[nev++] = "section .go_export";
		if (g.gccgo_sym)
			ev_parts[nev++] = arena_printf(a->arena, "symbol %s", g.gccgo_sym);
		fact_set_typed(a, FT_TOOLCHAIN, GOABI_KNOWN, "gccgo", "%s%s%s%s%s", ev_parts[0], nev > 1 ? ", " : "",
			 nev > 1 ? ev_parts[1] : "", nev > 2 ? ", " : "", nev > 2 ? ev_parts[2] : "");
		gccgo_version(ev);
	} else if (is_go) {
		if (!go->toolchain.value && debug_go)
			fact_set_typed(a, FT_TOOLCHAIN, GOABI_INFERRED, "gc", "gc's sections (SHT_NOBITS: a debug file)");
		else if (!go->toolchain.value)
			fact_set_typed(a, FT_TOOLCHAIN, have_pt ? GOABI_KNOWN : GOABI_INFERRED, "gc",
				 have_pt ? "pclntab %s" : "runtime symbols with %s", have_pt ? pt.where :
				 go_sections ? "gc's sections" : g.buildversion ? "runtime.buildVersion" : "gc type names");
	} else if (ev->truncated) {
		fact_set_typed(a, FT_TOOLCHAIN, GOABI_UNKNOWN, NULL,
			 "no Go build info, pclntab or runtime symbols in the part of the file that is present (truncated)");
		return;
	} else {
		fact_set_typed(a, FT_TOOLCHAIN, GOABI_KNOWN, "none",
			 g.runtime ? "no Go build info, pclntab or Go sections (runtime.* symbols alone are not Go's)"
				   : "no Go build info, pclntab or runtime symbols");
		return;
	}
	if (!go->version.value)
		version_from_symbol(&g);
	if (!go->version.value && !gccgo)
		go_version_from_data(ev, have_pt ? &pt : NULL);
	if (!go->version.value)
		fact_set(a, &go->version, GOABI_UNKNOWN, NULL, "no build info, runtime.buildVersion or version string%s",
			 have_pt ? "; see version_range" : "");

	/* stripped: names from pclntab. --brief did not count the scheme's
	 * names: whether there is one is asked (it stops at the first) */
	bool scheme_names = (g.ndot_eq + g.ncolon_eq + g.ndot_other + g.ncolon_other) > 0;
	static const char *const scheme_keys[] = { "ty", "go" };
	for (int dyn = 0; brief && have_pt && nsymtab && !scheme_names && dyn < 2; dyn++)
		ev_for_each_symbol_keys(ev, dyn, scheme_keys, 2, scheme_cb, &scheme_names);
	if (have_pt && (nsymtab == 0 || !scheme_names)) {
		g.from_pclntab = true;
		if (ev->opts && ev->opts->brief) {
			/* the --brief line prints cgo, not the scheme, the type
			 * hash or the eq/hash function lists: only the names
			 * classify() takes as cgo code (cgo_mark) are read */
			static const char *const cgo_names[] = { "x_cgo_init", "crosscall2", "_cgo" };
			go_pclntab_names_prefixed(ev, &pt, cgo_names, 3, pcln_cb, &g);
		} else {
			go_pclntab_names(ev, &pt, pcln_cb, &g);
		}
	}
	scheme(&g);
	cgo(&g);
	buildmode(&g);
	if (ev->opts && ev->opts->brief) {
		/* the --brief line prints neither the type hash nor the conflicts */
	} else if (!gccgo) {
		struct typehash_in in = {
			.syms = g.types, .nsyms = NTYPES,
			.types = g.has_types && g.has_etypes ? &g.types_sym : NULL,
			.etypes = g.has_types && g.has_etypes ? &g.etypes_sym : NULL,
			.pt = have_pt ? &pt : NULL,
		};
		go_typehash(ev, &in);
	}
	else
		fact_set(a, &go->typehash, GOABI_UNKNOWN, NULL, "gccgo: type descriptors differ from gc's");
	conflicts(&g, &pt);
}
