/* Internal helpers: arena allocation, string lists, diagnostics and a
 * bounds-checked cursor over untrusted bytes. Not part of the public API. */
#ifndef GOABI_UTIL_H
#define GOABI_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "goabi/goabi.h"

/* ---- arena: one per artifact, freed at once ---- */
struct goabi_arena *arena_new(void);
/* An arena whose first chunk holds FIRST bytes (at most 64 KiB): sized so
 * that what is always allocated fits in one chunk. */
struct goabi_arena *arena_new_sized(size_t first);
/* n bytes (a multiple of 2 MiB) of anonymous memory at a 2 MiB boundary,
 * marked for transparent huge pages (filled the first time with one page
 * fault per 2 MiB rather than per 4 KiB); NULL when it cannot be mapped.
 * For buffers kept for the process (arena.c's pool, mapfile.c's scratch). */
char *huge_pages(size_t n);
void arena_free(struct goabi_arena *ar);
/* Zeroed memory; NULL only when out of memory or n is absurd. */
void *arena_alloc(struct goabi_arena *ar, size_t n);
char *arena_strndup(struct goabi_arena *ar, const char *s, size_t n);
char *arena_strdup(struct goabi_arena *ar, const char *s);
char *arena_printf(struct goabi_arena *ar, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Grow *arr (element size esz, *cap elements) to hold at least need elements. */
bool arena_grow(struct goabi_arena *ar, void *arrp, size_t *cap, size_t need, size_t esz);

/* ---- string lists ---- */
bool strv_push(struct goabi_arena *ar, struct goabi_strv *sv, const char *s);
bool strv_push_unique(struct goabi_arena *ar, struct goabi_strv *sv, const char *s);
bool strv_contains(const struct goabi_strv *sv, const char *s);

/* ---- facts and diagnostics on an artifact ---- */
void fact_set(struct goabi_artifact *a, struct goabi_fact *f, enum goabi_conf c,
	      const char *value, const char *evfmt, ...)
	__attribute__((format(printf, 5, 6)));
void diag_add(struct goabi_artifact *a, enum goabi_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- prefix test of a NUL-terminated string against a literal, inline:
 * called for every symbol of large programs, where a strncmp call per
 * test showed as a fifth of the time; stops at the first differing byte
 * (so at s's NUL) */
static inline bool str_has_prefix(const char *s, const char *lit, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != lit[i])
			return false;
	return true;
}
#define STR_PFX(s, lit) str_has_prefix((s), (lit), sizeof(lit) - 1)

/* ---- overflow-safe range check: [off, off+len) inside [0, size) ---- */
static inline bool range_ok(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* ---- cursor over untrusted bytes; every read checks what is left ---- */
struct cur {
	const uint8_t *p;
	size_t len, pos;
	bool be;     /* big-endian reads */
	int ptrsize; /* 4 or 8 for cur_ptr */
};

static inline struct cur cur_make(const void *p, size_t len, bool be, int ptrsize)
{
	struct cur c = { (const uint8_t *)p, len, 0, be, ptrsize };
	return c;
}
static inline size_t cur_left(const struct cur *c) { return c->len - c->pos; }
bool cur_seek(struct cur *c, uint64_t off);
bool cur_skip(struct cur *c, uint64_t n);
bool cur_u8(struct cur *c, uint8_t *v);
bool cur_u16(struct cur *c, uint16_t *v);
bool cur_u32(struct cur *c, uint32_t *v);
bool cur_u64(struct cur *c, uint64_t *v);
bool cur_ptr(struct cur *c, uint64_t *v);
bool cur_uvarint(struct cur *c, uint64_t *v);
/* A view of n bytes at the cursor (advances). */
bool cur_bytes(struct cur *c, uint64_t n, const uint8_t **out);
/* Decode helpers on raw memory already bounds-checked by the caller
 * (inline: the scans call them once per word of whole sections). */
static inline uint32_t rd32(const uint8_t *p, bool be)
{
	if (be)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static inline uint64_t rd64(const uint8_t *p, bool be)
{
	uint64_t hi = rd32(p + (be ? 0 : 4), be), lo = rd32(p + (be ? 4 : 0), be);
	return hi << 32 | lo;
}

static inline uint64_t rdptr(const uint8_t *p, bool be, int ptrsize)
{
	return ptrsize == 8 ? rd64(p, be) : rd32(p, be);
}

/* The first offset in hay, a multiple of align (0 or 1: any), where needle
 * starts; -1 if none. */
int64_t find_bytes(const uint8_t *hay, size_t hlen, const void *needle, size_t nlen,
		   size_t align);

/* Replace bytes that are not valid UTF-8 with U+FFFD; result in arena. */
char *utf8_sanitize(struct goabi_arena *ar, const char *s, size_t n);

/* The one version comparison: Go-style version strings ("go1.21.3",
 * "go1.21rc2", "v1.2.3-pre", pseudo-versions, "GLIBC_2.34", "2.17"):
 * <0, 0, >0. Text before the first digit is skipped; numeric components
 * compare numerically; missing ".0" components are equal ("go1.19" ==
 * "go1.19.0"); a pre-release sorts before its release; semantic versions
 * ("v1.2.3") follow golang.org/x/mod/semver. */
int version_cmp(const char *a, const char *b);

/* A Go release string's minor version as 100 + N ("go1.19.8" -> 119,
 * "devel go1.22-abc" -> 122, "go1.20" -> 120); 0 when it names no go1.N. */
int go_minor(const char *version);
/* The minors whose toolchain state a version may carry, for checks of a
 * version against what the binary shows (naming scheme, pclntab magic,
 * type-hash era): a release "go1.24.3" is 124..124; a development or
 * pre-release build of go1.X ("devel go1.25-abc", "go1.25-20250209-RC00",
 * "go1.25rc1", "go1.25beta1") is cut somewhere between go1.(X-1)'s release
 * and go1.X's, so 124..125. False when the version names no go1.N. */
bool go_minor_span(const char *version, int *lo, int *hi);

#endif
