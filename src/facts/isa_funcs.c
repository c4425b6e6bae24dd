/* ISA scan, function discovery: .symtab/.dynsym, else the Go pclntab
 * function table, else the FDEs of .eh_frame; holes between functions
 * become anonymous functions. */
#include <stdlib.h>
#include <string.h>
#include "facts/isa_priv.h"
#include "facts/gofacts.h"

/* ---- functions ---- */

static void add_fn(struct scan *s, uint64_t lo, uint64_t size, const char *name, uint32_t flags)
{
	if (s->nf >= GOABI_MAX_FUNCS || !isa_grow(s, &s->f, &s->capf, s->nf + 1, sizeof(*s->f)))
		return;
	/* a size running past the address space counts as unknown */
	s->f[s->nf++] = (struct fn){ lo, size && lo + size > lo ? lo + size : 0, name, 0, flags, 0 };
}

struct symctx {
	struct scan *s;
	bool dynamic;
	size_t nfn;
};

static bool sym_cb(void *ctx, const char *name, const GElf_Sym *sym, size_t ndx)
{
	struct symctx *c = ctx;
	struct scan *s = c->s;
	int type = GELF_ST_TYPE(sym->st_info);
	if (sym->st_shndx == SHN_UNDEF || !*name)
		return true;
	uint64_t v = sym->st_value;
	if (s->ev->eh.e_type == ET_REL) {
		if (sym->st_shndx >= s->nsec || !s->sec[sym->st_shndx].base)
			return true;
		v += s->sec[sym->st_shndx].base;
	}
	if (type == STT_OBJECT || type == STT_NOTYPE) {
		if (isa_flag_symbol(name))
			isa_add_flag(s, v, sym->st_size ? sym->st_size : 1,
				 arena_printf(s->a->arena, "symbol %s", name));
		if (type == STT_OBJECT)
			return true;
	}
	if (type != STT_FUNC && type != STT_GNU_IFUNC)
		return true;
	if (!isa_region_of(s, v))
		return true;
	uint32_t fl = type == STT_GNU_IFUNC ? F_RESOLVER : 0;
	if (isa_seed_name(name))
		fl |= F_SEED;
	if (isa_init_name(name))
		fl |= F_INIT;
	/* entries from outside: what a shared object exports, what an object
	 * file offers the linker; main by name */
	int bind = GELF_ST_BIND(sym->st_info), vis = GELF_ST_VISIBILITY(sym->st_other);
	bool global = (bind == STB_GLOBAL || bind == STB_WEAK) && (vis == STV_DEFAULT || vis == STV_PROTECTED);
	if (type == STT_FUNC && ((c->dynamic && global) || (s->ev->eh.e_type == ET_REL && global) || isa_root_name(name)))
		fl |= F_ROOT;
	add_fn(s, v, sym->st_size, name, fl);
	c->nfn++;
	return true;
}

static bool pcln_cb(void *ctx, uint64_t entry, const char *name, size_t len)
{
	struct scan *s = ctx;
	if (!name || !isa_region_of(s, entry))
		return true;
	uint32_t fl = 0;
	if (isa_seed_name(name))
		fl |= F_SEED;
	if (isa_init_name(name))
		fl |= F_INIT;
	if (isa_root_name(name))
		fl |= F_ROOT;
	add_fn(s, entry, 0, name, fl);
	return true;
}

static bool fde_cb(void *ctx, uint64_t start, uint64_t size)
{
	struct scan *s = ctx;
	if (isa_region_of(s, start))
		add_fn(s, start, size, NULL, 0);
	return s->nf < GOABI_MAX_FUNCS;
}

static int cmp_fn(const void *x, const void *y)
{
	const struct fn *a = x, *b = y;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	/* at one address: sized before unsized, then flags first */
	if ((a->hi != 0) != (b->hi != 0))
		return a->hi ? -1 : 1;
	return (int)(b->flags & F_RESOLVER) - (int)(a->flags & F_RESOLVER);
}

void isa_find_functions(struct scan *s)
{
	struct elfview *ev = s->ev;
	struct symctx c = { s, false, 0 };
	ev_for_each_symbol(ev, false, sym_cb, &c);
	if (c.nfn) {
		s->funcs_from = ".symtab";
	}
	size_t before = c.nfn;
	c.dynamic = true;
	ev_for_each_symbol(ev, true, sym_cb, &c); /* ifuncs and flags of .dynsym too */
	if (!before && s->go && s->a->go.pclntab_magic) {
		GElf_Sym sym, *sp = NULL;
		if (ev_find_symbol(ev, "runtime.pclntab", &sym) || ev_find_symbol(ev, "runtime.pcheader", &sym))
			sp = &sym;
		struct pclntab pt;
		if (go_pclntab_find(ev, sp, &pt)) {
			/* the header's textStart, else (Go 1.26+: 0) the module
			 * data's text, else .text (wrong when an external linker
			 * put C code first) */
			uint64_t ts = s->nrg ? s->rg[0].addr : 0;
			GElf_Shdr sh;
			struct go_moduledata md;
			if (go_moduledata_find(ev, &pt, &md) && md.text)
				ts = md.text;
			else if (ev_section(ev, ".text", &sh))
				ts = sh.sh_addr;
			size_t n0 = s->nf;
			go_pclntab_funcs(ev, &pt, ts, pcln_cb, s);
			if (s->nf > n0)
				s->funcs_from = "pclntab";
		}
	}
	if (!s->funcs_from) {
		/* stripped C/C++: function boundaries from the unwind tables */
		size_t n0 = s->nf;
		isa_eh_frame_fdes(ev, fde_cb, s);
		if (s->nf > n0)
			s->funcs_from = c.nfn > before ? ".dynsym and .eh_frame" : ".eh_frame";
	}
	if (!s->funcs_from && c.nfn > before)
		s->funcs_from = ".dynsym";
	if (!s->funcs_from)
		s->funcs_from = "none (code split only by region)";
	if (s->nf)
		qsort(s->f, s->nf, sizeof(*s->f), cmp_fn);
	/* merge aliases at one address (keep the first name, or the flags) */
	size_t w = 0;
	for (size_t i = 0; i < s->nf; i++) {
		if (w && s->f[w - 1].lo == s->f[i].lo) {
			s->f[w - 1].flags |= s->f[i].flags;
			if (!s->f[w - 1].name)
				s->f[w - 1].name = s->f[i].name;
			if (!s->f[w - 1].hi)
				s->f[w - 1].hi = s->f[i].hi;
			continue;
		}
		s->f[w++] = s->f[i];
	}
	s->nf = w;
	/* ends: the size, cut at the next function and the region end; then
	 * holes become anonymous functions */
	size_t n = s->nf;
	s->nnamed = n;
	for (size_t i = 0; i < n; i++) {
		const struct region *r = isa_region_of(s, s->f[i].lo);
		uint64_t rend = r->addr + r->n;
		uint64_t next = i + 1 < n && s->f[i + 1].lo < rend ? s->f[i + 1].lo : rend;
		if (!s->f[i].hi || s->f[i].hi > next)
			s->f[i].hi = next;
	}
	for (size_t k = 0; k < s->nrg; k++) {
		uint64_t at = s->rg[k].addr, end = at + s->rg[k].n;
		/* functions are sorted: walk those inside this region */
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (s->f[mid].lo < at)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i <= n; i++) {
			uint64_t next = i < n && s->f[i].lo < end ? s->f[i].lo : end;
			if (next > at)
				add_fn(s, at, next - at, NULL, F_GAP);
			if (i == n || s->f[i].lo >= end)
				break;
			at = s->f[i].hi > at ? s->f[i].hi : at;
		}
	}
	if (s->nf > n)
		qsort(s->f, s->nf, sizeof(*s->f), cmp_fn);
}
