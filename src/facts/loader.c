/* The shared loader (facts/loader.h): one mapping, one archive walk and
 * one symbol-table read per file, the facts inspected from the same
 * mapping on request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "facts/loader.h"
#include "facts/facts.h"
#include "read/foreign.h"
#include "read/mapfile.h"
#include "read/symtab.h"

struct ldr_entry {
	struct ldr_file f;           /* first: handed out as the public part */
	struct rd_map map;
	bool have_id;
	dev_t dev;
	ino_t ino;
	struct goabi_artifact *full, *loader_only;
	bool full_tried, loader_tried;
	bool other_order;            /* ELF in the other byte order: libelf wrote the mapping */
	struct ldr_entry *owner;     /* another path to the file of owner: only a key */
};

struct table {
	struct ldr_entry **tab;
	size_t cap, n;
};

/* mappings kept at once: past this many files (a link of thousands of
 * objects), a file is unmapped once read and mapped again if its facts
 * are asked for (the kernel's default vm.max_map_count is 65530) */
#ifndef LDR_MAX_MAPPED
#define LDR_MAX_MAPPED 4096u
#endif

struct ldr {
	struct goabi_arena *ar;
	unsigned flags;
	size_t nmapped;
	struct table bypath, byid;
	struct ldr_entry **all;
	size_t nall, allcap;
};

static uint64_t hash_bytes(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}

static uint64_t path_hash(const char *path)
{
	return hash_bytes(path, strlen(path), 1469598103934665603ull);
}

static uint64_t id_hash(dev_t dev, ino_t ino)
{
	return hash_bytes(&ino, sizeof(ino), hash_bytes(&dev, sizeof(dev), 1469598103934665603ull));
}

static bool same(const struct ldr_entry *e, bool byid, const char *path, dev_t dev, ino_t ino)
{
	return byid ? e->have_id && e->dev == dev && e->ino == ino : strcmp(e->f.path, path) == 0;
}

static struct ldr_entry *table_find(const struct table *t, bool byid, const char *path, dev_t dev, ino_t ino)
{
	if (!t->cap)
		return NULL;
	size_t j = (byid ? id_hash(dev, ino) : path_hash(path)) & (t->cap - 1);
	while (t->tab[j]) {
		if (same(t->tab[j], byid, path, dev, ino))
			return t->tab[j];
		j = (j + 1) & (t->cap - 1);
	}
	return NULL;
}

static bool table_put(struct table *t, bool byid, struct ldr_entry *e, const char *path)
{
	if ((t->n + 1) * 2 > t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 64;
		struct ldr_entry **nt = calloc(ncap, sizeof(*nt));
		if (!nt)
			return false;
		for (size_t i = 0; i < t->cap; i++) {
			struct ldr_entry *x = t->tab[i];
			if (!x)
				continue;
			size_t j = (byid ? id_hash(x->dev, x->ino) : path_hash(x->f.path)) & (ncap - 1);
			while (nt[j])
				j = (j + 1) & (ncap - 1);
			nt[j] = x;
		}
		free(t->tab);
		t->tab = nt;
		t->cap = ncap;
	}
	size_t j = (byid ? id_hash(e->dev, e->ino) : path_hash(path)) & (t->cap - 1);
	while (t->tab[j])
		j = (j + 1) & (t->cap - 1);
	t->tab[j] = e;
	t->n++;
	return true;
}

struct ldr *ldr_new(struct goabi_arena *ar, unsigned flags)
{
	struct ldr *l = arena_alloc(ar, sizeof(*l));
	if (l) {
		l->ar = ar;
		l->flags = flags;
	}
	return l;
}

void ldr_free(struct ldr *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nall; i++) {
		struct ldr_entry *e = l->all[i];
		goabi_artifact_free(e->full);
		goabi_artifact_free(e->loader_only);
		rd_unmap(&e->map);
	}
	free(l->bypath.tab);
	free(l->byid.tab);
	l->bypath.tab = l->byid.tab = NULL;
	l->nall = 0;
}

const char *ldr_machine_name(unsigned machine)
{
	return elf_machine_name(machine);
}

size_t ldr_nfiles(const struct ldr *l)
{
	return l ? l->nall : 0;
}

/* ---- one ELF object ---- */
struct prop_ctx {
	struct ldr_obj *o;
	bool be;
};

static bool prop_cb(void *ctx, const char *owner, uint32_t type, const uint8_t *desc, size_t descsz, const char *where)
{
	(void)where;
	struct prop_ctx *p = ctx;
	if (strcmp(owner, "GNU") != 0 || type != 5 /* NT_GNU_PROPERTY_TYPE_0 */)
		return true;
	size_t align = p->o->elfclass == 64 ? 8 : 4;
	size_t off = 0;
	while (descsz - off >= 8) {
		uint32_t pt = rd32(desc + off, p->be), sz = rd32(desc + off + 4, p->be);
		off += 8;
		if (sz > descsz - off)
			break;
		uint32_t v = sz >= 4 ? rd32(desc + off, p->be) : 0;
		if (pt == 0xc0000002u) { /* GNU_PROPERTY_X86_FEATURE_1_AND */
			p->o->has_x86_features = true;
			p->o->x86_features = v;
		} else if (pt == 0xc0008002u) { /* GNU_PROPERTY_X86_ISA_1_NEEDED */
			p->o->x86_isa_needed = v;
		}
		off += sz;
		off += (align - off % align) % align;
		if (off > descsz)
			break;
	}
	return true;
}

static void load_obj(struct ldr *l, struct ldr_obj *o, Elf *elf, struct goabi_artifact *scratch)
{
	struct elfview ev;
	if (!ev_init(&ev, elf, scratch, NULL))
		return;
	o->header_ok = true;
	o->machine = ev.eh.e_machine;
	o->etype = ev.eh.e_type;
	o->elfclass = ev.ptrsize == 8 ? 64 : 32;
	o->big_endian = ev.be;
	o->eflags = (uint32_t)ev.eh.e_flags;
	if (!(l->flags & LDR_SYMBOLS))
		return;
	o->symbols_ok = symtab_read(&ev, l->ar, &o->st);
	struct prop_ctx pc = { o, ev.be };
	if (o->etype == ET_REL)
		ev_for_each_note(&ev, prop_cb, &pc);
}

static struct ldr_obj *new_obj(struct ldr *l, struct ldr_file *f, size_t *cap)
{
	if (!arena_grow(l->ar, &f->objs, cap, f->nobjs + 1, sizeof(*f->objs)))
		return NULL;
	struct ldr_obj *o = &f->objs[f->nobjs++];
	memset(o, 0, sizeof(*o));
	return o;
}

/* Every member header of a (non-thin) ar archive is complete and its data
 * fits in the file (ld rejects the archive otherwise). */
static bool ar_well_formed(const uint8_t *p, size_t n)
{
	if (n < 8 || memcmp(p, "!<arch>\n", 8) != 0)
		return true; /* thin archives: not checked here */
	size_t off = 8;
	for (size_t count = 0; off < n && count <= GOABI_MAX_MEMBERS; count++) {
		if (n - off < 60 || p[off + 58] != '`' || p[off + 59] != '\n')
			return false;
		uint64_t size = 0;
		for (size_t k = 48; k < 58 && p[off + k] >= '0' && p[off + k] <= '9'; k++)
			size = size * 10 + (uint64_t)(p[off + k] - '0');
		off += 60;
		if (!range_ok(off, size, n))
			return false;
		off += (size_t)size + (size & 1);
	}
	return true;
}

/* The archive's ELF members in order (the index, the name table and
 * members that are not ELF are walked and left out) */
static void load_archive(struct ldr *l, struct ldr_entry *e, Elf *ar, struct goabi_artifact *scratch)
{
	struct ldr_file *f = &e->f;
	size_t cap = 0;
	Elf_Cmd cmd = ELF_C_READ_MMAP;
	Elf *m;
	(void)elf_errno(); /* clear a stale error */
	while ((m = elf_begin(-1, cmd, ar)) != NULL) {
		Elf_Arhdr *h = elf_getarhdr(m);
		if (!h || ++f->nheaders > GOABI_MAX_MEMBERS) {
			elf_end(m);
			break;
		}
		bool skip = !h->ar_name || strcmp(h->ar_name, "/") == 0 || strcmp(h->ar_name, "//") == 0 ||
			    strcmp(h->ar_name, "/SYM64/") == 0 || elf_kind(m) != ELF_K_ELF;
		if (!skip) {
			struct ldr_obj *o = new_obj(l, f, &cap);
			if (o) {
				o->member = arena_strdup(l->ar, h->ar_name);
				load_obj(l, o, m, scratch);
			}
		}
		cmd = elf_next(m);
		elf_end(m);
		if (cmd == ELF_C_NULL)
			break;
	}
	int err = elf_errno();
	f->ar_error = err ? arena_strdup(l->ar, elf_errmsg(err)) : NULL;
	size_t narsym = 0;
	f->has_index = elf_getarsym(ar, &narsym) != NULL;
	(void)elf_errno();
	f->well_formed = ar_well_formed(e->map.p, e->map.len);
}

static void load_other(struct ldr *l, struct ldr_entry *e)
{
	struct ldr_file *f = &e->f;
	const uint8_t *p = e->map.p;
	size_t n = e->map.len;
	f->foreign = fx_is_fat(p, n) ? LDR_MACHO_FAT : fx_is_macho(p, n) ? LDR_MACHO : fx_is_pe(p, n) ? LDR_PE : LDR_NOT_FOREIGN;
	size_t tl = n < LDR_MAX_TEXT ? n : LDR_MAX_TEXT;
	if (!memchr(p, 0, tl)) {
		f->text = arena_strndup(l->ar, (const char *)p, tl);
		f->textlen = f->text ? tl : 0;
	}
	(void)l;
}

static void load_mapped(struct ldr *l, struct ldr_entry *e)
{
	struct ldr_file *f = &e->f;
	const uint8_t *p = e->map.p;
	size_t n = e->map.len;
	if (n >= 20 && memcmp(p, ELFMAG, SELFMAG) == 0) {
		bool be = p[EI_DATA] == ELFDATA2MSB;
		f->ident_machine = be ? (unsigned)(p[18] << 8 | p[19]) : (unsigned)(p[19] << 8 | p[18]);
		f->ident_class = p[EI_CLASS] == ELFCLASS64 ? 64 : 32;
	}
	elf_version(EV_CURRENT);
	struct goabi_artifact scratch = { .arena = l->ar, .path = f->path };
	Elf *elf = elf_memory(e->map.p, n);
	if (!elf || elf_kind(elf) == ELF_K_NONE) {
		if (elf)
			elf_end(elf);
		f->kind = LDR_OTHER;
		load_other(l, e);
		return;
	}
	if (elf_kind(elf) == ELF_K_ELF) {
		f->kind = LDR_ELF;
		size_t cap = 0;
		struct ldr_obj *o = new_obj(l, f, &cap);
		if (o)
			load_obj(l, o, elf, &scratch);
	} else {
		f->kind = LDR_ARCHIVE;
		load_archive(l, e, elf, &scratch);
	}
	elf_end(elf);
	static const uint16_t one = 1;
	bool host_be = *(const uint8_t *)&one == 0;
	for (size_t k = 0; k < f->nobjs; k++)
		e->other_order |= f->objs[k].header_ok && f->objs[k].big_endian != host_be;
	for (size_t d = 0; d < scratch.ndiags; d++)
		if (scratch.diags[d].severity == GOABI_DIAG_ERROR)
			strv_push(l->ar, &f->errors, scratch.diags[d].message);
}

const struct ldr_file *ldr_load(struct ldr *l, const char *path)
{
	if (!l || !path)
		return NULL;
	struct ldr_entry *e = table_find(&l->bypath, false, path, 0, 0);
	if (e)
		return &(e->owner ? e->owner : e)->f;
	dev_t dev = 0;
	ino_t ino = 0;
	bool have_id = rd_file_id(path, &dev, &ino);
	if (have_id && (e = table_find(&l->byid, true, NULL, dev, ino)) != NULL) {
		/* another name of a file loaded already */
		struct ldr_entry *alias = arena_alloc(l->ar, sizeof(*alias));
		if (alias) {
			memset(alias, 0, sizeof(*alias));
			alias->f.path = arena_strdup(l->ar, path);
			alias->owner = e; /* in the path table only; e owns the mapping */
			(void)table_put(&l->bypath, false, alias, alias->f.path);
		}
		return &e->f;
	}
	if (!arena_grow(l->ar, &l->all, &l->allcap, l->nall + 1, sizeof(*l->all)))
		return NULL;
	e = arena_alloc(l->ar, sizeof(*e));
	if (!e)
		return NULL;
	memset(e, 0, sizeof(*e));
	e->f.path = arena_strdup(l->ar, path);
	e->have_id = have_id;
	e->dev = dev;
	e->ino = ino;
	l->all[l->nall++] = e;
	if (!table_put(&l->bypath, false, e, e->f.path) || (have_id && !table_put(&l->byid, true, e, NULL)))
		return NULL;
	char err[256];
	enum rd_map_status st = rd_map_file(path, 0, &e->map, err, sizeof(err));
	if (st != RD_MAP_OK) {
		e->f.kind = st == RD_MAP_EOPEN || st == RD_MAP_ENOTREG ? LDR_MISSING : LDR_UNREADABLE;
		e->f.err = arena_strdup(l->ar, err);
		memset(&e->map, 0, sizeof(e->map));
		return &e->f;
	}
	e->f.size = e->map.len;
	if (e->map.len == 0) {
		e->f.kind = LDR_EMPTY;
		return &e->f;
	}
	load_mapped(l, e);
	if (l->nmapped >= LDR_MAX_MAPPED)
		rd_unmap(&e->map); /* what was read lives in the arena */
	else
		l->nmapped++;
	return &e->f;
}

/* The file's bytes for one more libelf reading: the mapping, or when
 * libelf has converted it in place (the other byte order) or it was
 * unmapped (LDR_MAX_MAPPED), the file mapped again into again (the caller
 * unmaps it) */
static bool bytes(struct ldr_entry *e, struct rd_map *again, void **p, size_t *n)
{
	char err[256];
	*p = e->map.p;
	*n = e->map.len;
	if ((e->map.p && !e->other_order) || !e->f.size)
		return true;
	if (rd_map_file(e->f.path, 0, again, err, sizeof(err)) == RD_MAP_OK) {
		*p = again->p;
		*n = again->len;
		return true;
	}
	return e->map.p != NULL; /* the other byte order: the mapping as it is */
}

void ldr_goplugin(struct ldr *l, const struct ldr_file *f, struct rd_goplugin *g)
{
	memset(g, 0, sizeof(*g));
	if (!l || !f || f->kind != LDR_ELF)
		return;
	struct ldr_entry *e = (struct ldr_entry *)(void *)(uintptr_t)f;
	struct rd_map again = { 0 };
	void *p;
	size_t n;
	if (bytes(e, &again, &p, &n))
		rd_goplugin_read_mem(l->ar, f->path, p, n, g);
	rd_unmap(&again);
	/* the file's bytes were read once more by libelf: a later reading of
	 * a file in the other byte order maps it again (bytes above) */
}

const struct goabi_artifact *ldr_facts(struct ldr *l, const struct ldr_file *f, bool loader_only)
{
	if (!l || !f)
		return NULL;
	/* ldr_load hands out the owning entry's first member */
	struct ldr_entry *e = (struct ldr_entry *)(void *)(uintptr_t)f;
	if (e->f.kind == LDR_MISSING || e->f.kind == LDR_UNREADABLE)
		return NULL;
	if (e->full)
		return e->full;
	if (loader_only && e->loader_only)
		return e->loader_only;
	if (loader_only ? e->loader_tried : e->full_tried)
		return NULL;
	struct goabi_opts opts = { 0 };
	opts.no_dwarf = true;
	opts.loader_only = loader_only;
	struct goabi_artifact *a = NULL;
	struct rd_map again = { 0 };
	void *p;
	size_t n;
	int rc = bytes(e, &again, &p, &n) ? facts_inspect_mapped(f->path, p, n, &opts, &a) : GOABI_EIO;
	rd_unmap(&again);
	if (loader_only)
		e->loader_tried = true;
	else
		e->full_tried = true;
	if (rc < 0) {
		goabi_artifact_free(a);
		return NULL;
	}
	if (loader_only)
		e->loader_only = a;
	else
		e->full = a;
	return a;
}
