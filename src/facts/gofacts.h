/* Internal interface between the Go fact extractors (go.c drives them). */
#ifndef GOABI_GOFACTS_H
#define GOABI_GOFACTS_H

#include "facts/facts.h"

/* Build info (src/debug/buildinfo/buildinfo.go in Go 1.19). */
void go_buildinfo(struct elfview *ev);
/* Parse the module-info text (sentinels already stripped) into the model. */
void go_modinfo_parse(struct goabi_artifact *a, const char *s, size_t n);
/* Append one build setting, at most GOABI_MAX_LIST: key is copied, value
 * must already live in the artifact's arena. */
void go_setting_add(struct goabi_artifact *a, const char *key, const char *value);

/* pclntab (runtime/symtab.go pcHeader, debug/gosym/pclntab.go). */
struct pclntab {
	const uint8_t *p;  /* header start */
	size_t len;        /* bytes available from p */
	uint32_t magic;
	int ptrsize;
	uint64_t nfunc;
	uint64_t vaddr;    /* header address (0 in relocatable objects) */
	const char *where;
};
/* sym: the runtime.pclntab/runtime.pcheader symbol when known, else NULL */
bool go_pclntab_find(struct elfview *ev, const GElf_Sym *sym, struct pclntab *pt);
/* Call fn for each function name in the table (at most GOABI_MAX_FUNCS);
 * name points into the table and name[len] is its terminating NUL. */
typedef bool (*funcname_fn)(void *ctx, const char *name, size_t len);
void go_pclntab_names(struct elfview *ev, const struct pclntab *pt, funcname_fn fn, void *ctx);
/* go_pclntab_names for the names that start with one of npfx prefixes (at
 * most 4, each at least 2 bytes), in table order: the table is searched
 * for a NUL followed by a prefix's first bytes (16 at a time with SSE2), so
 * the other names cost no call and no branch each. For readers that want a
 * handful of names (inspect --brief: cgo's x_cgo_init, crosscall2, _cgo*),
 * not the kept list the other readers share. */
void go_pclntab_names_prefixed(struct elfview *ev, const struct pclntab *pt, const char *const *pfx, size_t npfx,
			       funcname_fn fn, void *ctx);
const char *go_pclntab_range(uint32_t magic);
/* The pclntab magic a gc release writes (minor as go_minor: 120 = Go 1.20). */
uint32_t go_pclntab_magic_for(int minor);
/* Call fn for each function table entry: entry address and name (not NUL-
 * terminated, NULL when unreadable). text_start is used when the header's
 * textStart is zero (unrelocated in PIE/c-shared); at most GOABI_MAX_FUNCS. */
typedef bool (*funcentry_fn)(void *ctx, uint64_t entry, const char *name, size_t len);
void go_pclntab_funcs(struct elfview *ev, const struct pclntab *pt, uint64_t text_start, funcentry_fn fn, void *ctx);

/* Module data (moduledata.c): 0 fields were not found. */
struct go_moduledata {
	uint64_t text;          /* moduledata.text: base of pclntab function offsets */
	uint64_t types, etypes; /* the type descriptors' range */
	const char *where;      /* how it was found (evidence) */
};
bool go_moduledata_find(struct elfview *ev, const struct pclntab *pt, struct go_moduledata *md);

/* Type-hash scheme from runtime type descriptors. */
/* syms: type descriptors found by name (type.int / type:int), may be NULL */
struct typesym {
	const char *name; /* "int" */
	GElf_Sym sym;
	bool found;
};
struct typehash_in {
	const struct typesym *syms; /* may be NULL */
	size_t nsyms;
	const GElf_Sym *types, *etypes; /* runtime.types/etypes, or NULL */
	const struct pclntab *pt;       /* validated pclntab, or NULL */
};
void go_typehash(struct elfview *ev, const struct typehash_in *in);
/* The contradiction between the digest a gc binary's descriptors use
 * (scheme: "md5", "notsha256", "sha256[8:12]", "sha256^0xff") and the
 * version it claims, as a message in a's arena; NULL when they agree or the
 * version is unparseable. A development or pre-release version (see
 * go_minor_span) agrees with either era of its span. The scheme itself is
 * always read from a descriptor, never from the version. */
const char *go_typehash_conflict(struct goabi_artifact *a, const char *version, const char *scheme);
/* "four": the number of eras, as a word (messages) */
const char *go_typehash_eras_count(void);
/* go_typehash_conflict of a's typehash fact, pushed on a->go.conflicts. */
void go_typehash_check(struct goabi_artifact *a, const char *version);
/* docs/inspect.md's era table (markdown rows), made from the era table;
 * returns the length it needs (snprintf-like, NUL-terminated when cap > 0). */
size_t go_typehash_doc_table(char *buf, size_t cap);
/* The scheme whose digest of link string gives hash h, or NULL. */
const char *go_typehash_match(const char *link, uint32_t h);
/* "bytes 0-3 of MD5" etc. for a scheme name. */
const char *go_typehash_describe(const char *scheme);

/* Version from the runtime.buildVersion string when there is no build info
 * (goversion.c); sets a->go.version only when it finds one. */
void go_version_from_data(struct elfview *ev, const struct pclntab *pt);


#endif
