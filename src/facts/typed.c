/* Typed facts (goabi.h "typed facts"): the one table per family that maps
 * an enumerator to its display string, and the setter the extractors call so
 * that a fact's string and its enumerator are set together. Adding a value
 * to a family: its enumerator in goabi.h and its row here. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "facts/facts.h"

static const char *const toolchain_names[] = {
	[GOABI_TC_NONE] = "none", [GOABI_TC_GC] = "gc", [GOABI_TC_GCCGO] = "gccgo",
};
static const char *const libc_names[] = {
	[GOABI_LIBC_NONE] = "none", [GOABI_LIBC_GLIBC] = "glibc", [GOABI_LIBC_MUSL] = "musl",
	[GOABI_LIBC_UNKNOWN] = "unknown",
};
static const char *const linkage_names[] = {
	[GOABI_LINK_STATIC] = "static", [GOABI_LINK_STATIC_PIE] = "static-pie", [GOABI_LINK_DYNAMIC] = "dynamic",
	[GOABI_LINK_RELOCATABLE] = "relocatable",
};
static const char *const cgo_names[] = { [GOABI_CGO_OFF] = "0", [GOABI_CGO_ON] = "1" };
static const char *const buildmode_names[] = {
	[GOABI_BM_EXE] = "exe",	      [GOABI_BM_PIE] = "pie",	      [GOABI_BM_C_ARCHIVE] = "c-archive",
	[GOABI_BM_C_SHARED] = "c-shared", [GOABI_BM_SHARED] = "shared", [GOABI_BM_PLUGIN] = "plugin",
	[GOABI_BM_ARCHIVE] = "archive",   [GOABI_BM_OBJECT] = "object",
};
/* the family part of a level name, as goabi_isa_rank returns its length */
static const char *const isa_family_names[] = {
	[GOABI_ISA_X86_64] = "x86-64", [GOABI_ISA_386] = "386",	    [GOABI_ISA_ARM64] = "arm64",
	[GOABI_ISA_ARM] = "armv",      [GOABI_ISA_RISCV64] = "riscv64", [GOABI_ISA_PPC64] = "ppc64",
	[GOABI_ISA_MIPS] = "mips",     [GOABI_ISA_MIPS64] = "mips64",
};

#define N(t) (sizeof(t) / sizeof((t)[0]))

static const char *name_of(const char *const *t, size_t n, int k)
{
	return k > 0 && (size_t)k < n ? t[k] : NULL;
}

/* 0 for NULL, other when s is in no row */
static int parse_in(const char *const *t, size_t n, const char *s, size_t len, int other)
{
	if (!s)
		return 0;
	for (size_t k = 1; k < n; k++)
		if (t[k] && strlen(t[k]) == len && strncmp(t[k], s, len) == 0)
			return (int)k;
	return other;
}

const char *goabi_toolchain_name(enum goabi_toolchain t) { return name_of(toolchain_names, N(toolchain_names), t); }
const char *goabi_libc_family_name(enum goabi_libc_family f) { return name_of(libc_names, N(libc_names), f); }
const char *goabi_linkage_name(enum goabi_linkage l) { return name_of(linkage_names, N(linkage_names), l); }
const char *goabi_cgo_name(enum goabi_cgo c) { return name_of(cgo_names, N(cgo_names), c); }
const char *goabi_buildmode_name(enum goabi_buildmode b) { return name_of(buildmode_names, N(buildmode_names), b); }
const char *goabi_isa_family_name(enum goabi_isa_family f) { return name_of(isa_family_names, N(isa_family_names), f); }

/* A string outside a closed family's table types as UNSET: the extractors
 * never write one (tests/unit/test_typed.c checks every row round-trips). */
enum goabi_toolchain goabi_toolchain_parse(const char *s)
{
	return s ? (enum goabi_toolchain)parse_in(toolchain_names, N(toolchain_names), s, strlen(s), 0) : GOABI_TC_UNSET;
}
enum goabi_libc_family goabi_libc_family_parse(const char *s)
{
	return s ? (enum goabi_libc_family)parse_in(libc_names, N(libc_names), s, strlen(s), 0) : GOABI_LIBC_UNSET;
}
enum goabi_linkage goabi_linkage_parse(const char *s)
{
	return s ? (enum goabi_linkage)parse_in(linkage_names, N(linkage_names), s, strlen(s), 0) : GOABI_LINK_UNSET;
}
enum goabi_cgo goabi_cgo_parse(const char *s)
{
	return s ? (enum goabi_cgo)parse_in(cgo_names, N(cgo_names), s, strlen(s), GOABI_CGO_OTHER) : GOABI_CGO_UNSET;
}
enum goabi_buildmode goabi_buildmode_parse(const char *s)
{
	return s ? (enum goabi_buildmode)parse_in(buildmode_names, N(buildmode_names), s, strlen(s), GOABI_BM_OTHER)
		 : GOABI_BM_UNSET;
}

struct goabi_isa_level goabi_isa_level_parse(const char *s)
{
	struct goabi_isa_level l = { GOABI_ISA_UNSET, -1 };
	if (!s)
		return l;
	size_t flen = 0;
	int rank = goabi_isa_rank(s, &flen);
	l.family = GOABI_ISA_OTHER;
	if (rank < 0)
		return l;
	l.family = (enum goabi_isa_family)parse_in(isa_family_names, N(isa_family_names), s, flen, GOABI_ISA_OTHER);
	l.level = l.family == GOABI_ISA_OTHER ? -1 : rank;
	return l;
}

static void retype(struct goabi_artifact *a, enum fact_typed_id id)
{
	struct goabi_typed *t = &a->typed;
	switch (id) {
	case FT_TOOLCHAIN: t->toolchain = goabi_toolchain_parse(a->go.toolchain.value); break;
	case FT_CGO: t->cgo = goabi_cgo_parse(a->go.cgo.value); break;
	case FT_CGO_SETTING: t->cgo_setting = goabi_cgo_parse(a->go.cgo_setting.value); break;
	case FT_BUILDMODE: t->buildmode = goabi_buildmode_parse(a->go.buildmode.value); break;
	case FT_LIBC: t->libc = goabi_libc_family_parse(a->libc.family.value); break;
	case FT_LINKAGE: t->linkage = goabi_linkage_parse(a->libc.linkage.value); break;
	case FT_ISA_DECLARED: t->isa_declared = goabi_isa_level_parse(a->isa.declared.value); break;
	case FT_ISA_REQUIRED: t->isa_required = goabi_isa_level_parse(a->isa.required.value); break;
	case FT_ISA_USED: t->isa_used = goabi_isa_level_parse(a->isa.used.value); break;
	}
}

static struct goabi_fact *fact_of(struct goabi_artifact *a, enum fact_typed_id id)
{
	switch (id) {
	case FT_TOOLCHAIN: return &a->go.toolchain;
	case FT_CGO: return &a->go.cgo;
	case FT_CGO_SETTING: return &a->go.cgo_setting;
	case FT_BUILDMODE: return &a->go.buildmode;
	case FT_LIBC: return &a->libc.family;
	case FT_LINKAGE: return &a->libc.linkage;
	case FT_ISA_DECLARED: return &a->isa.declared;
	case FT_ISA_REQUIRED: return &a->isa.required;
	case FT_ISA_USED: return &a->isa.used;
	}
	return NULL;
}

void fact_set_typed(struct goabi_artifact *a, enum fact_typed_id id, enum goabi_conf c, const char *value,
		    const char *evfmt, ...)
{
	char buf[1024];
	if (evfmt) {
		va_list ap;
		va_start(ap, evfmt);
		vsnprintf(buf, sizeof(buf), evfmt, ap);
		va_end(ap);
	}
	fact_set(a, fact_of(a, id), c, value, evfmt ? "%s" : NULL, buf);
	retype(a, id);
}

void facts_retype(struct goabi_artifact *a)
{
	for (int id = FT_TOOLCHAIN; id <= FT_ISA_USED; id++)
		retype(a, (enum fact_typed_id)id);
}
