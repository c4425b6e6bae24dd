/* Fact 6: linkage, interpreter, needed libraries, symbol-version floors and
 * libc family. The dynamic tags come from read/dynamic.c (PT_DYNAMIC
 * through the segment map, read once per object), so binaries without
 * section headers work too. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "facts/facts.h"
#include "facts/libc_syms.h"
#include "read/dynamic.h"

#ifndef DF_1_PIE
#define DF_1_PIE 0x08000000
#endif

/* the dynamic tags (read/dynamic.c) and, from .gnu.version_r, the
 * version index -> name and library maps for .gnu.version */
struct dyninfo {
	const struct ev_dynamic *t;
	const char **vername, **verfile; /* [0, nidx): NULL where unused */
	size_t nidx;
};

static const char *dynstr(const struct elfview *ev, const struct dyninfo *d, uint64_t off)
{
	return ev_dynstr(ev, d->t, off);
}

/* room for version index idx in both maps (new slots NULL) */
static bool version_slot(struct goabi_arena *ar, struct dyninfo *d, unsigned idx)
{
	size_t c1 = d->nidx, c2 = d->nidx;
	if (!arena_grow(ar, &d->vername, &c1, (size_t)idx + 1, sizeof(*d->vername)) ||
	    !arena_grow(ar, &d->verfile, &c2, (size_t)idx + 1, sizeof(*d->verfile)))
		return false;
	d->nidx = c1;
	return true;
}

/* .gnu.version_r from DT_VERNEED: per library, the versions it must define
 * (a->libc.verneed); weak ones also in ->weak; d->vername maps version
 * indexes to names for .gnu.version. Stops with a diagnostic at an entry
 * outside the file. */
static void read_verneed(struct elfview *ev, struct dyninfo *d)
{
	struct goabi_artifact *a = ev->a;
	struct goabi_libc *lc = &a->libc;
	if (!d->t->verneed)
		return;
	uint64_t at = d->t->verneed;
	uint64_t n = d->t->verneednum;
	if (n > 10000) {
		diag_add(a, GOABI_DIAG_ERROR, "DT_VERNEEDNUM %llu exceeds the limit of 10000", (unsigned long long)n);
		n = 10000;
	}
	for (uint64_t i = 0; i < n; i++) {
		const uint8_t *p;
		if (!ev_vaddr(ev, at, 16, &p, NULL)) {
			diag_add(a, GOABI_DIAG_ERROR, "version-needed entry at %#llx is outside the file", (unsigned long long)at);
			return;
		}
		struct cur c = cur_make(p, 16, ev->be, ev->ptrsize);
		uint16_t ver, cnt;
		uint32_t file, aux, next;
		cur_u16(&c, &ver);
		cur_u16(&c, &cnt);
		cur_u32(&c, &file);
		cur_u32(&c, &aux);
		cur_u32(&c, &next);
		if (!arena_grow(a->arena, &lc->verneed, &lc->vncap, lc->nverneed + 1, sizeof(*lc->verneed)))
			return;
		struct goabi_verneed *vn = &lc->verneed[lc->nverneed++];
		const char *fname = dynstr(ev, d, file);
		vn->file = fname ? fname : "?";
		uint64_t ax = at + aux;
		for (unsigned j = 0; j < cnt && j < 10000; j++) {
			const uint8_t *q;
			if (!ev_vaddr(ev, ax, 16, &q, NULL)) {
				diag_add(a, GOABI_DIAG_ERROR, "version-needed aux entry at %#llx is outside the file", (unsigned long long)ax);
				break;
			}
			struct cur e = cur_make(q, 16, ev->be, ev->ptrsize);
			uint32_t hash, name, anext;
			uint16_t flags, other;
			cur_u32(&e, &hash);
			cur_u16(&e, &flags);
			cur_u16(&e, &other);
			cur_u32(&e, &name);
			cur_u32(&e, &anext);
			const char *vname = dynstr(ev, d, name);
			if (vname)
				strv_push(a->arena, &vn->versions, vname);
			if (vname && (flags & VER_FLG_WEAK))
				strv_push(a->arena, &vn->weak, vname);
			unsigned idx = other & 0x7fff;
			if (vname && idx >= 2 && version_slot(a->arena, d, idx)) {
				d->vername[idx] = vname;
				d->verfile[idx] = vn->file;
			}
			if (!anext)
				break;
			ax += anext;
		}
		if (!next)
			break;
		at += next;
	}
}

/* Record sym@VERSION under its library for undefined .dynsym symbols: the
 * .gnu.version index through the maps read_verneed built. */
struct vsym_ctx {
	struct elfview *ev;
	const uint16_t *versym; /* raw, byte order of the file */
	size_t nversym;
	const char **vername;   /* index -> version name */
	const char **verfile;   /* index -> library */
	size_t nidx;
};

static bool vsym_cb(void *ctx, const char *name, const GElf_Sym *sym, size_t ndx)
{
	struct vsym_ctx *v = ctx;
	if (sym->st_shndx != SHN_UNDEF || ndx >= v->nversym)
		return true;
	const uint8_t *b = (const uint8_t *)&v->versym[ndx];
	unsigned idx = (v->ev->be ? (unsigned)(b[0] << 8 | b[1]) : (unsigned)(b[1] << 8 | b[0])) & 0x7fff;
	if (idx < 2 || idx >= v->nidx || !v->vername[idx])
		return true;
	struct goabi_libc *lc = &v->ev->a->libc;
	for (size_t i = 0; i < lc->nverneed; i++) {
		if (strcmp(lc->verneed[i].file, v->verfile[idx]) == 0) {
			strv_push(v->ev->a->arena, &lc->verneed[i].symbols,
				  arena_printf(v->ev->a->arena, "%s@%s", name, v->vername[idx]));
			break;
		}
	}
	return true;
}

static void versioned_symbols(struct elfview *ev, const struct dyninfo *d)
{
	if (!d->vername)
		return;
	GElf_Shdr vs = { 0 };
	Elf_Scn *svs = NULL, *scn = NULL;
	while ((scn = elf_nextscn(ev->elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_GNU_versym) {
			svs = scn;
			vs = sh;
		}
	}
	if (!svs)
		return;
	const uint8_t *vsp;
	size_t vsn;
	if (!ev_section_bytes(ev, &vs, &vsp, &vsn))
		return;
	struct vsym_ctx v = { ev, (const uint16_t *)vsp, vsn / 2, d->vername, d->verfile, d->nidx };
	ev_for_each_symbol(ev, true, vsym_cb, &v);
}

/* Without section headers: the number of dynamic symbols from DT_HASH
 * (nchain) or DT_GNU_HASH (the highest bucket's chain end). */
static uint64_t dynsym_count(const struct elfview *ev, const struct dyninfo *d)
{
	const uint8_t *p;
	if (d->t->hash && ev_vaddr(ev, d->t->hash, 8, &p, NULL))
		return rd32(p + 4, ev->be);
	uint64_t avail;
	if (!d->t->gnu_hash || !ev_vaddr(ev, d->t->gnu_hash, 16, &p, &avail))
		return 0;
	uint64_t nb = rd32(p, ev->be), symoff = rd32(p + 4, ev->be), nbloom = rd32(p + 8, ev->be);
	uint64_t boff = 16 + nbloom * (uint64_t)ev->ptrsize;
	if (nb > GOABI_MAX_SYMBOLS || nbloom > GOABI_MAX_SYMBOLS || boff > avail || nb * 4 > avail - boff)
		return 0;
	uint64_t max = 0;
	for (uint64_t i = 0; i < nb; i++) {
		uint64_t b = rd32(p + boff + 4 * i, ev->be);
		if (b > max)
			max = b;
	}
	if (max < symoff)
		return symoff;
	uint64_t coff = boff + 4 * nb;
	for (uint64_t i = max; i < GOABI_MAX_SYMBOLS; i++) {
		uint64_t at = coff + 4 * (i - symoff);
		if (at > avail || avail - at < 4)
			return 0;
		if (rd32(p + at, ev->be) & 1)
			return i + 1;
	}
	return 0;
}

/* sym@VERSION for undefined dynamic symbols read through DT_SYMTAB and
 * DT_VERSYM, for files without section headers. */
static void versioned_symbols_dyn(struct elfview *ev, const struct dyninfo *d)
{
	struct goabi_libc *lc = &ev->a->libc;
	size_t es = ev->ptrsize == 8 ? 24 : 16;
	if (!d->t->symtab || !d->t->versym || !d->vername || (d->t->syment && d->t->syment != es))
		return;
	uint64_t n = dynsym_count(ev, d);
	if (n > GOABI_MAX_SYMBOLS)
		n = GOABI_MAX_SYMBOLS;
	for (uint64_t i = 1; i < n; i++) {
		const uint8_t *sp, *vp;
		if (!ev_vaddr(ev, d->t->symtab + i * es, es, &sp, NULL) || !ev_vaddr(ev, d->t->versym + 2 * i, 2, &vp, NULL))
			break;
		uint32_t name = rd32(sp, ev->be);
		uint16_t shndx = ev->ptrsize == 8 ? (uint16_t)(ev->be ? sp[6] << 8 | sp[7] : sp[7] << 8 | sp[6])
						  : (uint16_t)(ev->be ? sp[14] << 8 | sp[15] : sp[15] << 8 | sp[14]);
		unsigned idx = (ev->be ? (unsigned)(vp[0] << 8 | vp[1]) : (unsigned)(vp[1] << 8 | vp[0])) & 0x7fff;
		if (shndx != SHN_UNDEF || idx < 2 || idx >= d->nidx || !d->vername[idx])
			continue;
		const char *sname = dynstr(ev, d, name);
		if (!sname || !*sname)
			continue;
		for (size_t k = 0; k < lc->nverneed; k++)
			if (lc->verneed[k].file == d->verfile[idx]) {
				strv_push(ev->a->arena, &lc->verneed[k].symbols,
					  arena_printf(ev->a->arena, "%s@%s", sname, d->vername[idx]));
				break;
			}
	}
}

/* The highest PREFIXx.y version required from any library, with the symbols
 * that require it as evidence. */
static void floor_for(struct elfview *ev, const char *prefix, struct goabi_fact *f)
{
	struct goabi_libc *lc = &ev->a->libc;
	const char *best = NULL;
	size_t plen = strlen(prefix);
	for (size_t i = 0; i < lc->nverneed; i++)
		for (size_t j = 0; j < lc->verneed[i].versions.n; j++) {
			const char *v = lc->verneed[i].versions.v[j];
			if (strncmp(v, prefix, plen) != 0 || !(v[plen] >= '0' && v[plen] <= '9'))
				continue;
			if (!best || version_cmp(v, best) > 0)
				best = v;
		}
	if (!best)
		return;
	char ev_buf[600] = "";
	size_t used = 0, nsym = 0;
	for (size_t i = 0; i < lc->nverneed; i++)
		for (size_t j = 0; j < lc->verneed[i].symbols.n; j++) {
			const char *s = lc->verneed[i].symbols.v[j];
			const char *at = strrchr(s, '@');
			if (!at || strcmp(at + 1, best) != 0)
				continue;
			nsym++;
			if (used < 400)
				used += (size_t)snprintf(ev_buf + used, sizeof(ev_buf) - used, "%s%.*s",
							 used ? ", " : "", (int)(at - s), s);
		}
	fact_set(ev->a, f, GOABI_KNOWN, best, ".gnu.version_r%s%s%s", nsym ? "; needed by " : "",
		 ev_buf, nsym > 0 && used >= 400 ? ", ..." : "");
}

static bool abitag_cb(void *ctx, const char *owner, uint32_t type, const uint8_t *desc,
		      size_t descsz, const char *where)
{
	bool *found = ctx;
	if (strcmp(owner, "GNU") == 0 && type == 1 /* NT_GNU_ABI_TAG */) {
		*found = true;
		return false;
	}
	return true;
}

struct static_libc_ctx {
	bool musl, glibc;
	const char *musl_sym, *glibc_sym;
};

static bool static_libc_cb(void *ctx, const char *name, const GElf_Sym *sym, size_t ndx)
{
	struct static_libc_ctx *s = ctx;
	if (sym->st_shndx == SHN_UNDEF)
		return true;
	/* symbols that only one implementation defines */
	if (!s->musl && (strcmp(name, "__init_libc") == 0 || strcmp(name, "__libc_start_init") == 0 ||
			 strcmp(name, "__dls2") == 0 || strcmp(name, "__init_tp") == 0)) {
		s->musl = true;
		s->musl_sym = name;
	}
	if (!s->glibc && (strcmp(name, "__libc_setup_tls") == 0 || strcmp(name, "_dl_relocate_static_pie") == 0 ||
			  strcmp(name, "__libc_init_secure") == 0 || strcmp(name, "_dl_aux_init") == 0)) {
		s->glibc = true;
		s->glibc_sym = name;
	}
	return !(s->musl && s->glibc);
}

/* libc_syms.h as an open-addressing hash table of its 3700 names, built
 * once: every global symbol of every relocatable object is looked up
 * (glibc's libc.a: 2070 members; gccgo's libgo.a: 381 members of thousands
 * of names each), and a bsearch was a dozen string compares a name. */
#define LIBC_SLOTS 16384 /* a power of two, over four times the names */
static uint16_t libc_slot[LIBC_SLOTS]; /* index + 1 into libc_syms, 0: empty */
static pthread_once_t libc_once = PTHREAD_ONCE_INIT;

static uint32_t libc_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static void libc_index(void)
{
	_Static_assert(sizeof(libc_syms) / sizeof(libc_syms[0]) < LIBC_SLOTS / 2, "libc_syms outgrew its hash table");
	for (size_t i = 0; i < sizeof(libc_syms) / sizeof(libc_syms[0]); i++) {
		uint32_t h = libc_hash(libc_syms[i] + 1) & (LIBC_SLOTS - 1);
		while (libc_slot[h])
			h = (h + 1) & (LIBC_SLOTS - 1);
		libc_slot[h] = (uint16_t)(i + 1);
	}
}

char libc_symbol_tag(const char *name)
{
	pthread_once(&libc_once, libc_index);
	for (uint32_t h = libc_hash(name) & (LIBC_SLOTS - 1); libc_slot[h]; h = (h + 1) & (LIBC_SLOTS - 1)) {
		const char *e = libc_syms[libc_slot[h] - 1];
		if (strcmp(e + 1, name) == 0)
			return e[0];
	}
	return 0;
}

/* ET_REL: undefined global symbols that glibc or musl export (the table in
 * libc_syms.h); glibc-only or musl-only names tie the object to one family. */
struct undef_ctx {
	struct elfview *ev;
	size_t nglibc, nmusl;
	const char *glibc_only, *musl_only;
};

static bool undef_cb(void *ctx, const char *name, const GElf_Sym *sym, size_t ndx)
{
	struct undef_ctx *u = ctx;
	struct goabi_libc *lc = &u->ev->a->libc;
	int bind = GELF_ST_BIND(sym->st_info);
	if (bind != STB_GLOBAL && bind != STB_WEAK)
		return true;
	char tag = libc_symbol_tag(name);
	if (!tag || lc->undef_libc.n >= GOABI_MAX_LIST || lc->def_libc.n >= GOABI_MAX_LIST)
		return true;
	if (sym->st_shndx != SHN_UNDEF) {
		/* an archive member may define what another member needs */
		strv_push_unique(u->ev->a->arena, &lc->def_libc, name);
		return true;
	}
	if (!strv_push_unique(u->ev->a->arena, &lc->undef_libc, name))
		return true;
	if (tag == 'g' && !u->nglibc++)
		u->glibc_only = name;
	if (tag == 'm' && !u->nmusl++)
		u->musl_only = name;
	return true;
}

#define SETF(...) do { fact_set_typed(__VA_ARGS__); return; } while (0)

static void family_rel(struct elfview *ev)
{
	struct goabi_artifact *a = ev->a;
	struct goabi_libc *lc = &a->libc;
	struct undef_ctx u = { ev, 0, 0, NULL, NULL };
	ev_for_each_symbol(ev, false, undef_cb, &u);
	if (u.nglibc && !u.nmusl)
		SETF(a, FT_LIBC, GOABI_INFERRED, "glibc",
		     "relocatable object; %zu undefined symbols only glibc exports (%s)", u.nglibc, u.glibc_only);
	if (u.nmusl && !u.nglibc)
		SETF(a, FT_LIBC, GOABI_INFERRED, "musl",
		     "relocatable object; %zu undefined symbols only musl exports (%s)", u.nmusl, u.musl_only);
	if (u.nmusl && u.nglibc)
		SETF(a, FT_LIBC, GOABI_UNKNOWN, NULL,
		     "relocatable object needing both glibc-only (%s) and musl-only (%s) symbols", u.glibc_only,
		     u.musl_only);
	fact_set_typed(a, FT_LIBC, GOABI_UNKNOWN, NULL,
		 "relocatable object: decided at link time (%zu undefined libc symbols, all exported by both glibc and musl)",
		 lc->undef_libc.n);
}

/* Statically linked without usable symbols (stripped or no section
 * headers): look for strings only one libc carries in read-only data.
 * glibc: its tunables environment variable (elf/dl-tunables.c, in every
 * static glibc since 2.26). musl: vfprintf's prefix table and strerror's
 * message for errno 0 (src/stdio/vfprintf.c, src/errno/__strerror.h), present
 * when the program links printf or strerror. */
static const char *rodata_marker(struct elfview *ev, const char *const *marks, size_t n)
{
	for (size_t i = 0; i < ev->phnum; i++) {
		GElf_Phdr ph;
		if (!ev_phdr(ev, i, &ph) || ph.p_type != PT_LOAD || (ph.p_flags & (PF_X | PF_W)) ||
		    !range_ok(ph.p_offset, ph.p_filesz, ev->size))
			continue;
		for (size_t k = 0; k < n; k++)
			if (memmem(ev->raw + ph.p_offset, ph.p_filesz, marks[k], strlen(marks[k]) + 1))
				return marks[k];
	}
	return NULL;
}

static bool has_segment(const struct elfview *ev, uint32_t type)
{
	for (size_t i = 0; i < ev->phnum; i++) {
		GElf_Phdr ph;
		if (ev_phdr(ev, i, &ph) && ph.p_type == type)
			return true;
	}
	return false;
}

static void family(struct elfview *ev)
{
	struct goabi_artifact *a = ev->a;
	struct goabi_libc *lc = &a->libc;
	if (ev->phdrs_missing && ev->eh.e_type != ET_REL)
		SETF(a, FT_LIBC, GOABI_UNKNOWN, NULL, "the program headers are not in the file");
	if (lc->interp) {
		if (strstr(lc->interp, "ld-musl"))
			SETF(a, FT_LIBC, GOABI_KNOWN, "musl", "PT_INTERP %s", lc->interp);
		if (strstr(lc->interp, "ld-linux") || strstr(lc->interp, "ld64.so") || strstr(lc->interp, "ld.so.1"))
			SETF(a, FT_LIBC, GOABI_KNOWN, "glibc", "PT_INTERP %s", lc->interp);
	}
	for (size_t i = 0; i < lc->needed.n; i++) {
		const char *n = lc->needed.v[i];
		if (strcmp(n, "libc.so.6") == 0 || strcmp(n, "libc.so.6.1") == 0 || strcmp(n, "libc.so.7") == 0)
			SETF(a, FT_LIBC, GOABI_KNOWN, "glibc", "DT_NEEDED %s", n);
		if (strncmp(n, "libc.musl-", 10) == 0 || strncmp(n, "ld-musl-", 8) == 0)
			SETF(a, FT_LIBC, GOABI_KNOWN, "musl", "DT_NEEDED %s", n);
		if (strcmp(n, "libc.so") == 0)
			SETF(a, FT_LIBC, GOABI_INFERRED, "musl", "DT_NEEDED libc.so (musl's soname)");
	}
	for (size_t i = 0; i < lc->nverneed; i++)
		for (size_t j = 0; j < lc->verneed[i].versions.n; j++)
			if (strncmp(lc->verneed[i].versions.v[j], "GLIBC_", 6) == 0)
				SETF(a, FT_LIBC, GOABI_KNOWN, "glibc", ".gnu.version_r %s",
						lc->verneed[i].versions.v[j]);
	if (ev->eh.e_type == ET_REL) {
		family_rel(ev);
		return;
	}
	if (lc->needed.n)
		SETF(a, FT_LIBC, GOABI_UNKNOWN, "unknown", "DT_NEEDED names no known libc");
	bool tag = false;
	/* a PT_INTERP or PT_DYNAMIC whose content is not in the file (truncated,
	 * or a debug file): dynamically linked to a libc it does not name here */
	const struct ev_dynamic *dt = ev_dynamic(ev);
	bool unread = (has_segment(ev, PT_INTERP) && !lc->interp) || (dt->present && !dt->readable);
	if (unread) {
		ev_for_each_note(ev, abitag_cb, &tag);
		if (tag)
			SETF(a, FT_LIBC, GOABI_INFERRED, "glibc",
			     ".note.ABI-tag (GNU) from glibc's crt1.o (PT_INTERP or PT_DYNAMIC is not in the file)");
		SETF(a, FT_LIBC, GOABI_UNKNOWN, NULL,
		     "PT_INTERP or PT_DYNAMIC is not in the file: the libraries it needs are unknown");
	}
	/* no libc named: statically linked (or a shared object that needs
	 * none, such as the dynamic loader itself); look for
	 * implementation-specific symbols, then glibc's ABI note */
	const char *how = a->typed.linkage == GOABI_LINK_STATIC || a->typed.linkage == GOABI_LINK_STATIC_PIE
				  ? "statically linked" : "no libc in DT_NEEDED";
	struct static_libc_ctx s = { 0 };
	/* every marker name starts "__" or "_d": only those names are read */
	static const char *const marker_keys[] = { "__", "_d" };
	ev_for_each_symbol_keys(ev, false, marker_keys, 2, static_libc_cb, &s);
	if (s.glibc && !s.musl)
		SETF(a, FT_LIBC, GOABI_KNOWN, "glibc", "%s; symbol %s", how, s.glibc_sym);
	if (s.musl && !s.glibc)
		SETF(a, FT_LIBC, GOABI_KNOWN, "musl", "%s; symbol %s", how, s.musl_sym);
	ev_for_each_note(ev, abitag_cb, &tag);
	if (tag)
		SETF(a, FT_LIBC, GOABI_INFERRED, "glibc", "%s; .note.ABI-tag (GNU) from glibc's crt1.o", how);
	/* a Go binary needs a libc only through cgo; CGO_ENABLED=1 alone does not
	 * link one in (no package may use cgo, e.g. Go's own cmd/compile) */
	if (a->typed.toolchain == GOABI_TC_GC && a->go.cgo_evidence.n == 0 &&
	    !ev->truncated)
		SETF(a, FT_LIBC, GOABI_KNOWN, "none",
		     "Go binary without cgo symbols (x_cgo_init, crosscall2, _cgo_panic), no interpreter, no DT_NEEDED");
	static const char *const glibc_marks[] = { "GLIBC_TUNABLES" };
	static const char *const musl_marks[] = { "-0X+0X 0X-0x+0x 0x", "No error information" };
	const char *gm = rodata_marker(ev, glibc_marks, 1), *mm = rodata_marker(ev, musl_marks, 2);
	if (gm && !mm)
		SETF(a, FT_LIBC, GOABI_INFERRED, "glibc", "%s; read-only data holds glibc's \"%s\"", how, gm);
	if (mm && !gm)
		SETF(a, FT_LIBC, GOABI_INFERRED, "musl", "%s; read-only data holds musl's \"%s\"", how, mm);
	fact_set_typed(a, FT_LIBC, GOABI_UNKNOWN, "unknown", "%s, no libc-specific symbol or note found%s", how,
		 ev->truncated ? " in what the file holds" : "");
}

void facts_libc(struct elfview *ev)
{
	struct goabi_artifact *a = ev->a;
	struct goabi_libc *lc = &a->libc;
	bool interp = false;
	for (size_t i = 0; i < ev->phnum; i++) {
		GElf_Phdr ph;
		if (!ev_phdr(ev, i, &ph) || ph.p_type != PT_INTERP)
			continue;
		interp = true;
		if (ev->debug_only)
			break; /* .interp is SHT_NOBITS in a debug file */
		if (!range_ok(ph.p_offset, ph.p_filesz, ev->size) || ph.p_filesz == 0 || ph.p_filesz > 4096) {
			diag_add(a, GOABI_DIAG_ERROR, "PT_INTERP (offset %#llx, size %#llx) is outside the file or too long",
				 (unsigned long long)ph.p_offset, (unsigned long long)ph.p_filesz);
			break;
		}
		const char *s = (const char *)ev->raw + ph.p_offset;
		size_t n = strnlen(s, (size_t)ph.p_filesz);
		lc->interp = utf8_sanitize(a->arena, s, n);
		break;
	}
	/* no program headers (relocatable objects: every member of a static
	 * library): no PT_DYNAMIC, nothing for ev_dynamic to read or keep */
	static const struct ev_dynamic no_dynamic;
	struct dyninfo d = { .t = ev->phnum ? ev_dynamic(ev) : &no_dynamic };
	const uint8_t *strp;
	if (d.t->readable && d.t->strtab && d.t->strsz && !ev_vaddr(ev, d.t->strtab, d.t->strsz, &strp, NULL))
		diag_add(a, GOABI_DIAG_ERROR,
			 "DT_STRTAB (address %#llx, DT_STRSZ %#llx) is not inside the bytes of a PT_LOAD segment in the file",
			 (unsigned long long)d.t->strtab, (unsigned long long)d.t->strsz);
	if (d.t->present && d.t->strtab) {
		for (size_t i = 0; i < d.t->nneeded; i++) {
			const char *s = dynstr(ev, &d, d.t->needed[i]);
			if (s)
				strv_push(a->arena, &lc->needed, s);
			else
				diag_add(a, GOABI_DIAG_ERROR, "DT_NEEDED string offset %#llx is outside DT_STRTAB",
					 (unsigned long long)d.t->needed[i]);
		}
		if (d.t->has_soname)
			lc->soname = dynstr(ev, &d, d.t->soname);
		if (d.t->has_rpath)
			lc->rpath = dynstr(ev, &d, d.t->rpath);
		if (d.t->has_runpath)
			lc->runpath = dynstr(ev, &d, d.t->runpath);
		read_verneed(ev, &d);
		facts_verdef(ev);
		/* sym@VERSION evidence is not the loader's: skipped for loader_only
		 * and brief */
		bool syms = !ev->opts || !(ev->opts->loader_only || ev->opts->brief);
		if (syms && ev->sections_ok)
			versioned_symbols(ev, &d);
		else if (syms)
			versioned_symbols_dyn(ev, &d);
	}

	bool dyn_unread = d.t->present && !d.t->readable;
	const char *why_unread = ev->debug_only ? "a debug file's .dynamic is SHT_NOBITS" : "PT_DYNAMIC is not in the file";
	if (ev->phdrs_missing && ev->eh.e_type != ET_REL) {
		fact_set_typed(a, FT_LINKAGE, GOABI_UNKNOWN, NULL, "the program headers are not in the file");
		goto floors;
	}
	switch (ev->eh.e_type) {
	case ET_REL:
		fact_set_typed(a, FT_LINKAGE, GOABI_KNOWN, "relocatable", "e_type ET_REL");
		break;
	case ET_EXEC:
		if (interp || d.t->nneeded)
			fact_set_typed(a, FT_LINKAGE, GOABI_KNOWN, "dynamic", interp ? "PT_INTERP" : "DT_NEEDED");
		else if (dyn_unread)
			fact_set_typed(a, FT_LINKAGE, GOABI_UNKNOWN, NULL, "ET_EXEC without PT_INTERP; %s", why_unread);
		else
			fact_set_typed(a, FT_LINKAGE, GOABI_KNOWN, "static", "ET_EXEC without PT_INTERP or DT_NEEDED");
		break;
	case ET_DYN:
		if (interp) {
			a->id.pie = true;
			fact_set_typed(a, FT_LINKAGE, GOABI_KNOWN, "dynamic", "PT_INTERP (position-independent executable)");
		} else if (dyn_unread) {
			fact_set_typed(a, FT_LINKAGE, GOABI_UNKNOWN, NULL,
				 "ET_DYN without PT_INTERP (shared object or static PIE); %s", why_unread);
		} else if (d.t->present && (d.t->flags_1 & DF_1_PIE) && d.t->nneeded == 0) {
			a->id.pie = true;
			fact_set_typed(a, FT_LINKAGE, GOABI_KNOWN, "static-pie", "ET_DYN, DF_1_PIE, no PT_INTERP or DT_NEEDED");
		} else if (d.t->present && d.t->nneeded == 0 && !lc->soname && ev->eh.e_entry != 0) {
			a->id.pie = true;
			fact_set_typed(a, FT_LINKAGE, GOABI_INFERRED, "static-pie", "ET_DYN with an entry point, no PT_INTERP, DT_NEEDED or DT_SONAME");
		} else {
			fact_set_typed(a, FT_LINKAGE, GOABI_KNOWN, "dynamic", "ET_DYN shared object%s", lc->soname ? " with DT_SONAME" : "");
		}
		break;
	default:
		break;
	}
	if (d.t->readable) {
		const char *hs = d.t->has_hash && d.t->has_gnu_hash ? "both" : d.t->has_gnu_hash ? "gnu" : d.t->has_hash ? "sysv" : "none";
		fact_set(a, &lc->hash_style, GOABI_KNOWN, hs, "PT_DYNAMIC DT_HASH/DT_GNU_HASH");
	}
floors:
	floor_for(ev, "GLIBC_", &lc->glibc_floor);
	floor_for(ev, "GLIBCXX_", &lc->glibcxx_floor);
	floor_for(ev, "CXXABI_", &lc->cxxabi_floor);
}

void facts_libc_family(struct elfview *ev)
{
	family(ev);
}
