/* The Go plugin facts of one ELF file, read as cmd/link writes them
 * (symtab.go, Go 1.19 to 1.27) for the plugin check (read/goplugin.h):
 *   go:link.pkghashbytes.P  the package's fingerprint (8 bytes)
 *   go:link.pkghash.P       a string header {&pkghashbytes.P, len}
 *   go:link.pkghashes       plugins only, local: {modulename, linktimehash,
 *                           runtimehash *string} per package, in the
 *                           linker's library order; runtimehash is filled
 *                           by a dynamic relocation against pkghash.P
 *   go:link.thispluginpath  plugins only, local: the plugin path bytes
 * ("go.link." instead of "go:link." before Go 1.20.) Hosts that link the
 * plugin package with cgo export pkghash.P and pkghashbytes.P in .dynsym,
 * plugins export them too; the relocations and .dynsym survive strip. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include "read/dynreloc.h"
#include "read/elfview.h"
#include "read/goplugin.h"

#define MAX_PKGS 100000u

static const char *const hash_prefix[] = { "go:link.pkghash.", "go.link.pkghash." };
static const char *const bytes_prefix[] = { "go:link.pkghashbytes.", "go.link.pkghashbytes." };

/* The package of a "go:link.pkghash.P" name, NULL for anything else. */
static const char *hash_pkg(const char *name)
{
	for (size_t i = 0; i < 2; i++) {
		size_t l = strlen(hash_prefix[i]);
		if (strncmp(name, hash_prefix[i], l) == 0 && name[l])
			return name + l;
	}
	return NULL;
}

struct symrec {
	const char *name;
	uint64_t value, size;
};

struct rd {
	struct goabi_arena *ar;
	const struct elfview *ev;
	struct rd_goplugin *m;
	struct symrec *bytes; /* pkghashbytes symbols */
	size_t nbytes, bcap;
	bool dynamic;
};

static bool sym_cb(void *ctx, const char *name, const GElf_Sym *s, size_t ndx)
{
	(void)ndx;
	struct rd *r = ctx;
	if (s->st_shndx == SHN_UNDEF)
		return true;
	if (!r->dynamic) {
		/* .symtab: the plugin path and the moduledata size of unstripped files */
		if ((strcmp(name, "go:link.thispluginpath") == 0 || strcmp(name, "go.link.thispluginpath") == 0) &&
		    !r->m->pluginpath && s->st_size && s->st_size < GOABI_MAX_STRING) {
			const char *p = ev_vaddr_string(r->ev, s->st_value, s->st_size);
			if (p) {
				r->m->pluginpath = p;
				r->m->pluginpath_evidence = arena_printf(r->ar, "symbol %s in .symtab", name);
			}
		} else if (strcmp(name, "runtime.firstmoduledata") == 0 && !r->m->moduledata_size) {
			r->m->moduledata_size = s->st_size;
		}
		return true;
	}
	if (strcmp(name, "runtime.firstmoduledata") == 0) {
		r->m->moduledata_size = s->st_size;
		return true;
	}
	for (size_t i = 0; i < 2; i++)
		if (strncmp(name, bytes_prefix[i], strlen(bytes_prefix[i])) == 0) {
			if (r->nbytes < MAX_PKGS && arena_grow(r->ar, &r->bytes, &r->bcap, r->nbytes + 1, sizeof(*r->bytes)))
				r->bytes[r->nbytes++] = (struct symrec){ arena_strdup(r->ar, name), s->st_value, s->st_size };
			return true;
		}
	const char *pkg = hash_pkg(name);
	if (pkg && r->m->nexports < MAX_PKGS &&
	    arena_grow(r->ar, &r->m->exports, &r->m->expcap, r->m->nexports + 1, sizeof(*r->m->exports))) {
		struct rd_pkghash *h = &r->m->exports[r->m->nexports++];
		memset(h, 0, sizeof(*h));
		h->sym = arena_strdup(r->ar, name);
		h->pkg = h->sym ? h->sym + (pkg - name) : NULL;
		if (strcmp(pkg, "plugin") == 0)
			r->m->links_plugin_pkg = true;
	}
	return true;
}

static int symrec_cmp(const void *a, const void *b)
{
	return strcmp(((const struct symrec *)a)->name, ((const struct symrec *)b)->name);
}

/* The bytes of pkghashbytes.P for each exported pkghash.P. */
static void fill_hash_bytes(struct rd *r)
{
	if (r->nbytes)
		qsort(r->bytes, r->nbytes, sizeof(*r->bytes), symrec_cmp);
	for (size_t i = 0; i < r->m->nexports; i++) {
		struct rd_pkghash *h = &r->m->exports[i];
		if (!h->sym || !h->pkg)
			continue;
		/* "go:link.pkghash.P" -> "go:link.pkghashbytes.P" (same era prefix) */
		const char *bn = arena_printf(r->ar, "%.*spkghashbytes.%s", 8, h->sym, h->pkg);
		struct symrec key = { bn, 0, 0 };
		const struct symrec *s = bn && r->nbytes ? bsearch(&key, r->bytes, r->nbytes, sizeof(*r->bytes), symrec_cmp)
					   : NULL;
		const uint8_t *p;
		if (s && s->size && s->size <= RD_PKGHASH_MAX && ev_vaddr(r->ev, s->value, s->size, &p, NULL)) {
			memcpy(h->bytes, p, (size_t)s->size);
			h->len = (size_t)s->size;
		}
	}
}

struct reloc {
	uint64_t off;
	const char *sym;
};

static int reloc_cmp(const void *a, const void *b)
{
	const struct reloc *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

struct relative {
	uint64_t off, addend;
};

static int relative_cmp(const void *a, const void *b)
{
	const struct relative *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* The pointer a shared object holds at vaddr once loaded: the addend of
 * the relative relocation there (RELA), else the word in place (REL, and
 * GNU ld writes RELA addends in place too). */
static bool pointer_at(const struct elfview *ev, const struct relative *rr, size_t nrr, uint64_t vaddr, uint64_t *out)
{
	struct relative key = { vaddr, 0 };
	const struct relative *h = nrr ? bsearch(&key, rr, nrr, sizeof(*rr), relative_cmp) : NULL;
	if (h && h->addend) {
		*out = h->addend;
		return true;
	}
	return ev_read_ptr(ev, vaddr, out);
}

/* The plugin path as plugin.Open compares it (runtime/plugin.go:
 * md.pluginpath), for files without .symtab: in the moduledata
 * (runtime/symtab.go, Go 1.8 to 1.27) the string header pluginpath {ptr,
 * len} is the field just before the slice pkghashes {ptr, len, cap}, whose
 * array of modulehash {modulename, linktimehash string; runtimehash
 * *string} starts 4 words before the first runtimehash relocation. */
static void pluginpath_from_moduledata(struct rd *r, const struct relative *rr, size_t nrr, uint64_t first_runtimehash)
{
	const struct elfview *ev = r->ev;
	struct rd_goplugin *m = r->m;
	uint64_t ps = ev->ptrsize, base = first_runtimehash - 4 * ps;
	if (ps != 4 && ps != 8)
		return;
	for (size_t i = 0; i < nrr && !m->pluginpath; i++) {
		uint64_t o = rr[i].off, v, len, ptr, plen;
		if (o < 2 * ps || !pointer_at(ev, rr, nrr, o, &v) || v != base)
			continue;
		if (!ev_read_ptr(ev, o + ps, &len) || len != m->npkghashes)
			continue;
		if (!ev_read_ptr(ev, o - ps, &plen) || !plen || plen >= GOABI_MAX_STRING ||
		    !pointer_at(ev, rr, nrr, o - 2 * ps, &ptr))
			continue;
		const char *path = ev_vaddr_string(ev, ptr, plen);
		if (path) {
			m->pluginpath = path;
			m->pluginpath_evidence = arena_printf(r->ar, "moduledata pluginpath at vaddr %#llx, the field before pkghashes (no .symtab)",
							      (unsigned long long)(o - 2 * ps));
		}
	}
}

/* The runtimehash pointers of the plugin's pkghashes: relocations of any
 * type against a go:link.pkghash.P symbol, in address order. */
static void read_pkghashes(struct rd *r)
{
	struct reloc *rel = NULL;
	size_t nrel = 0, cap = 0;
	struct relative *rr = NULL; /* relocations without a symbol: relative */
	size_t nrr = 0, rrcap = 0;
	struct ev_dynreloc *dr;
	size_t ndr = ev_dynrelocs(r->ev, r->ar, &dr);
	for (size_t i = 0; i < ndr; i++) {
		if (!dr[i].sym) {
			if (arena_grow(r->ar, &rr, &rrcap, nrr + 1, sizeof(*rr)))
				rr[nrr++] = (struct relative){ dr[i].offset, (uint64_t)dr[i].addend };
			continue;
		}
		if (!hash_pkg(dr[i].sym))
			continue;
		if (nrel >= MAX_PKGS || !arena_grow(r->ar, &rel, &cap, nrel + 1, sizeof(*rel)))
			break;
		rel[nrel++] = (struct reloc){ dr[i].offset, dr[i].sym };
	}
	if (!nrel)
		return;
	qsort(rel, nrel, sizeof(*rel), reloc_cmp);
	struct rd_goplugin *m = r->m;
	for (size_t i = 0; i < nrel; i++) {
		if (i && rel[i].off == rel[i - 1].off)
			continue;
		if (!arena_grow(r->ar, &m->pkghashes, &m->pkcap, m->npkghashes + 1, sizeof(*m->pkghashes)))
			break;
		struct rd_pkghash *h = &m->pkghashes[m->npkghashes++];
		memset(h, 0, sizeof(*h));
		h->sym = arena_strdup(r->ar, rel[i].sym);
		h->pkg = h->sym ? hash_pkg(h->sym) : NULL;
		const struct rd_pkghash *own = h->sym ? rd_goplugin_export(m, h->sym) : NULL;
		if (own) {
			memcpy(h->bytes, own->bytes, own->len);
			h->len = own->len;
		}
	}
	m->pkghash_evidence = arena_printf(r->ar, "%zu dynamic relocations against %s* (moduledata pkghashes)",
					   m->npkghashes, m->npkghashes ? arena_strndup(r->ar, rel[0].sym, 16) : "");
	if (!m->pluginpath && m->npkghashes) {
		if (nrr)
			qsort(rr, nrr, sizeof(*rr), relative_cmp);
		pluginpath_from_moduledata(r, rr, nrr, rel[0].off);
	}
}

const struct rd_pkghash *rd_goplugin_export(const struct rd_goplugin *m, const char *sym)
{
	for (size_t i = 0; i < m->nexports; i++)
		if (m->exports[i].sym && strcmp(m->exports[i].sym, sym) == 0)
			return &m->exports[i];
	return NULL;
}

static void goplugin_read(struct goabi_arena *ar, struct rd_elf *f, bool ok, struct rd_goplugin *m)
{
	if (ok) {
		struct rd r = { .ar = ar, .ev = &f->ev, .m = m, .dynamic = true };
		ev_for_each_symbol(&f->ev, true, sym_cb, &r);
		r.dynamic = false;
		ev_for_each_symbol(&f->ev, false, sym_cb, &r);
		fill_hash_bytes(&r);
		read_pkghashes(&r);
	}
	rd_elf_close(f);
}

void rd_goplugin_read(struct goabi_arena *ar, const char *path, struct rd_goplugin *m)
{
	memset(m, 0, sizeof(*m));
	struct rd_elf f;
	bool ok = rd_elf_open(&f, ar, path);
	goplugin_read(ar, &f, ok, m);
}

void rd_goplugin_read_mem(struct goabi_arena *ar, const char *path, void *buf, size_t len, struct rd_goplugin *m)
{
	memset(m, 0, sizeof(*m));
	struct rd_elf f;
	memset(&f, 0, sizeof(f));
	bool ok = rd_elf_open_mem(&f, ar, path, buf, len);
	goplugin_read(ar, &f, ok, m);
}

