/* Arena allocator: one per artifact, so a whole inspection is freed at once
 * and nothing outlives it by accident. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "util/util.h"

/* Chunks start small and double up to CHUNK_MAX: an archive member costs
 * one arena, and 100000 members must not reserve 64 KiB each. */
#define CHUNK_FIRST (2u * 1024u)
#define CHUNK_MAX (64u * 1024u)
#define ARENA_MAX ((size_t)1 << 34) /* 16 GiB: a hard stop for runaway inputs */

struct chunk {
	struct chunk *next;
	size_t size, used;
	int cls; /* pool size class, -1: from malloc */
	max_align_t data[];
};

/* Chunks of up to 64 KiB come from a pool of transparent huge pages
 * (madvise MADV_HUGEPAGE), in five size classes with a free list per
 * thread. An archive's members are thousands of small arenas; from malloc,
 * each first touch of fresh heap was a page fault (glibc's libc.a, 2070
 * members: faults and malloc's own bookkeeping were over half of
 * `inspect --brief`'s time on it; GLIBC_TUNABLES=glibc.malloc.hugetlb=1
 * showed the same gain). Pool memory is kept for the process, as glibc
 * keeps its heap. Built with a sanitizer, every chunk comes from malloc so
 * ASan sees each one. */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_POOL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define ARENA_POOL 0
#endif
#endif
#ifndef ARENA_POOL
#define ARENA_POOL 1
#endif
#define POOL_CLASSES 5              /* 4, 8, 16, 32, 64 KiB */
#define POOL_MIN ((size_t)4096)
#define POOL_REGION ((size_t)32 << 20) /* mapped at a time, 2 MiB-aligned */
#define HUGE_PAGE ((size_t)2 << 20)

/* n bytes (a multiple of 2 MiB) of anonymous memory at a 2 MiB boundary
 * (2 MiB more mapped, then trimmed), marked for transparent huge pages: a
 * hint, without THP they are ordinary pages */
char *huge_pages(size_t n)
{
	char *p = mmap(NULL, n + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	char *a = (char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (a + n < p + n + HUGE_PAGE)
		munmap(a + n, (size_t)(p + n + HUGE_PAGE - (a + n)));
	(void)madvise(a, n, MADV_HUGEPAGE);
	return a;
}

#if ARENA_POOL
static _Thread_local struct {
	struct chunk *free[POOL_CLASSES];
	char *next, *end; /* the current region's unused part */
} pool;

static int pool_class(size_t total)
{
	size_t c = POOL_MIN;
	for (int i = 0; i < POOL_CLASSES; i++, c *= 2)
		if (total <= c)
			return i;
	return -1;
}

static struct chunk *pool_get(int cls)
{
	size_t sz = POOL_MIN << cls;
	struct chunk *c = pool.free[cls];
	if (c) {
		pool.free[cls] = c->next;
		return c;
	}
	if ((size_t)(pool.end - pool.next) < sz) {
		char *a = huge_pages(POOL_REGION);
		if (!a)
			return NULL;
		pool.next = a;
		pool.end = a + POOL_REGION;
	}
	c = (struct chunk *)(void *)pool.next;
	pool.next += sz;
	return c;
}
#endif

/* A chunk with at least sz bytes of data */
static struct chunk *chunk_new(size_t sz)
{
	struct chunk *c = NULL;
#if ARENA_POOL
	int cls = sz <= SIZE_MAX - sizeof(struct chunk) ? pool_class(sizeof(struct chunk) + sz) : -1;
	if (cls >= 0 && (c = pool_get(cls)) != NULL) {
		c->size = (POOL_MIN << cls) - sizeof(struct chunk);
		c->cls = cls;
		return c;
	}
#endif
	c = malloc(sizeof(*c) + sz);
	if (c) {
		c->size = sz;
		c->cls = -1;
	}
	return c;
}

static void chunk_free(struct chunk *c)
{
#if ARENA_POOL
	if (c->cls >= 0) {
		c->next = pool.free[c->cls];
		pool.free[c->cls] = c;
		return;
	}
#endif
	free(c);
}

struct goabi_arena {
	struct chunk *head;
	size_t total;
	size_t first; /* the first chunk's size, 0: CHUNK_FIRST */
};

struct goabi_arena *arena_new(void)
{
	return calloc(1, sizeof(struct goabi_arena));
}

struct goabi_arena *arena_new_sized(size_t first)
{
	struct goabi_arena *ar = arena_new();
	if (ar)
		ar->first = first < CHUNK_MAX ? first : CHUNK_MAX;
	return ar;
}

void arena_free(struct goabi_arena *ar)
{
	if (!ar)
		return;
	struct chunk *c = ar->head;
	while (c) {
		struct chunk *n = c->next;
		chunk_free(c);
		c = n;
	}
	free(ar);
}

void *arena_alloc(struct goabi_arena *ar, size_t n)
{
	const size_t al = sizeof(max_align_t);
	if (!ar || n > ARENA_MAX)
		return NULL;
	n = (n + al - 1) / al * al;
	if (n == 0)
		n = al;
	struct chunk *c = ar->head;
	if (!c || c->size - c->used < n) {
		size_t next = c ? (c->size < CHUNK_MAX / 2 ? c->size * 2 : CHUNK_MAX) : ar->first ? ar->first : CHUNK_FIRST;
		size_t sz = n > next ? n : next;
		if (ar->total + sz > ARENA_MAX)
			return NULL;
		c = chunk_new(sz);
		if (!c)
			return NULL;
		c->used = 0;
		c->next = ar->head;
		ar->head = c;
		ar->total += c->size;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct goabi_arena *ar, const char *s, size_t n)
{
	char *d = arena_alloc(ar, n + 1);
	if (d && n)
		memcpy(d, s, n);
	return d;
}

char *arena_strdup(struct goabi_arena *ar, const char *s)
{
	return s ? arena_strndup(ar, s, strlen(s)) : NULL;
}

char *arena_printf(struct goabi_arena *ar, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *d = arena_alloc(ar, (size_t)n + 1);
	if (!d)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return d;
}

bool arena_grow(struct goabi_arena *ar, void *arrp, size_t *cap, size_t need, size_t esz)
{
	void **arr = arrp;
	if (need <= *cap)
		return true;
	size_t nc = *cap ? *cap : 8;
	while (nc < need) {
		if (nc > SIZE_MAX / 2)
			return false;
		nc *= 2;
	}
	if (esz && nc > SIZE_MAX / esz)
		return false;
	void *n = arena_alloc(ar, nc * esz);
	if (!n)
		return false;
	if (*arr && *cap)
		memcpy(n, *arr, *cap * esz);
	*arr = n;
	*cap = nc;
	return true;
}

bool strv_push(struct goabi_arena *ar, struct goabi_strv *sv, const char *s)
{
	if (sv->n >= GOABI_MAX_LIST)
		return false;
	if (!arena_grow(ar, &sv->v, &sv->cap, sv->n + 1, sizeof(*sv->v)))
		return false;
	sv->v[sv->n++] = s;
	return true;
}

/* Hash index for strv_push_unique: without it, a symbol table of 10^5
 * distinct type..eq.* names costs 10^10 string compares. Open addressing;
 * a slot holds position+1 in sv->v. The index describes sv->v[0..n) of the
 * strv it was built for, and is rebuilt when the array moved, the strv was
 * copied, or it is half full. */
struct strv_index {
	const struct goabi_strv *owner;
	const char **v;
	size_t n, nslots;
	size_t slot[];
};

/* Eight bytes a step (type-equality function names run to 100 bytes and
 * more, and a stripped Go binary pushes thousands of them): multiply-xorshift
 * over the words, then the tail, then a final mix for the low bits the
 * table uses. */
static size_t str_hash(const char *s)
{
	size_t n = strlen(s);
	uint64_t h = 1469598103934665603ull ^ n, w;
	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return (size_t)h;
}

/* Slot holding s, or the empty slot where it belongs. */
static size_t *index_find(struct strv_index *ix, const char *s)
{
	size_t mask = ix->nslots - 1;
	size_t i = str_hash(s) & mask;
	while (ix->slot[i] && strcmp(ix->v[ix->slot[i] - 1], s) != 0)
		i = (i + 1) & mask;
	return &ix->slot[i];
}

/* With a current index (strv_push_unique built it for this array and
 * count): one probe. An archive's roll-up asks this once for each of
 * thousands of libc names its members leave undefined (glibc's libc.a). */
bool strv_contains(const struct goabi_strv *sv, const char *s)
{
	struct strv_index *ix = sv->index;
	if (ix && ix->owner == sv && ix->v == sv->v && ix->n == sv->n)
		return *index_find(ix, s) != 0;
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

static struct strv_index *index_for(struct goabi_arena *ar, struct goabi_strv *sv)
{
	struct strv_index *ix = sv->index;
	if (ix && ix->owner == sv && ix->v == sv->v && ix->n == sv->n && 2 * (sv->n + 1) <= ix->nslots)
		return ix;
	size_t nslots = 64;
	while (nslots < 4 * (sv->n + 1))
		nslots *= 2;
	ix = arena_alloc(ar, sizeof(*ix) + nslots * sizeof(size_t));
	if (!ix)
		return NULL;
	ix->owner = sv;
	ix->v = sv->v;
	ix->n = sv->n;
	ix->nslots = nslots;
	for (size_t i = 0; i < sv->n; i++) {
		size_t *slot = index_find(ix, sv->v[i]);
		if (!*slot)
			*slot = i + 1;
	}
	sv->index = ix;
	return ix;
}

bool strv_push_unique(struct goabi_arena *ar, struct goabi_strv *sv, const char *s)
{
	if (sv->n < 32 && !sv->index) {
		if (strv_contains(sv, s))
			return true;
		return strv_push(ar, sv, arena_strdup(ar, s));
	}
	struct strv_index *ix = index_for(ar, sv);
	if (!ix)
		return false;
	if (*index_find(ix, s))
		return true;
	const char *d = arena_strdup(ar, s);
	if (!d || !strv_push(ar, sv, d))
		return false;
	if (ix->v == sv->v) { /* else the array moved: rebuilt on the next call */
		*index_find(ix, d) = sv->n;
		ix->n = sv->n;
	}
	return true;
}

void fact_set(struct goabi_artifact *a, struct goabi_fact *f, enum goabi_conf c,
	      const char *value, const char *evfmt, ...)
{
	f->conf = c;
	f->value = value ? arena_strdup(a->arena, value) : NULL;
	f->evidence = NULL;
	if (evfmt) {
		va_list ap;
		char buf[1024];
		va_start(ap, evfmt);
		vsnprintf(buf, sizeof(buf), evfmt, ap);
		va_end(ap);
		f->evidence = utf8_sanitize(a->arena, buf, strlen(buf));
	}
}

void diag_add(struct goabi_artifact *a, enum goabi_severity sev, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (a->ndiags >= 1000)
		return; /* enough to say the file is broken */
	for (size_t i = 0; i < a->ndiags; i++)
		if (strcmp(a->diags[i].message, buf) == 0)
			return;
	if (!arena_grow(a->arena, &a->diags, &a->diagcap, a->ndiags + 1, sizeof(*a->diags)))
		return;
	a->diags[a->ndiags].severity = sev;
	a->diags[a->ndiags].message = utf8_sanitize(a->arena, buf, strlen(buf));
	a->ndiags++;
}
