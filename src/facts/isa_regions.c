/* ISA scan, code regions: which bytes are code (executable sections, else
 * PF_X segments; ET_REL sections laid out at synthetic addresses) and the
 * relocations of the code in relocatable objects. */
#include <stdlib.h>
#include <string.h>
#include "facts/isa_priv.h"

/* ---- code regions ---- */

static void add_region(struct scan *s, uint64_t addr, const uint8_t *p, size_t n, size_t shndx, size_t *cap)
{
	/* addr comes from p_vaddr/sh_addr: every lookup computes addr + n */
	if (!n || n > UINT64_MAX - addr || !isa_grow(s, &s->rg, cap, s->nrg + 1, sizeof(*s->rg)))
		return;
	s->rg[s->nrg++] = (struct region){ addr, p, n, shndx, NULL, 0, 0 };
}

static int cmp_region(const void *x, const void *y)
{
	const struct region *a = x, *b = y;
	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

/* Sort by address and drop regions overlapping an earlier one (malformed
 * files), so that lookups can bisect. */
static void sort_regions(struct scan *s)
{
	if (s->nrg < 2)
		return;
	qsort(s->rg, s->nrg, sizeof(*s->rg), cmp_region);
	size_t w = 1;
	for (size_t i = 1; i < s->nrg; i++) {
		const struct region *p = &s->rg[w - 1];
		if (s->rg[i].addr < p->addr + p->n || p->addr + p->n < p->addr)
			continue;
		s->rg[w++] = s->rg[i];
	}
	s->nrg = w;
}

void isa_find_regions(struct scan *s)
{
	struct elfview *ev = s->ev;
	size_t cap = 0;
	if (ev->sections_ok) {
		bool rel = ev->eh.e_type == ET_REL;
		if (rel && ev->shnum && ev->shnum < (1u << 20)) {
			s->sec = calloc(ev->shnum, sizeof(*s->sec));
			if (s->sec)
				s->nsec = ev->shnum;
		}
		Elf_Scn *scn = NULL;
		uint64_t relbase = 0x10000; /* ET_REL: lay sections out one after another */
		while ((scn = elf_nextscn(ev->elf, scn)) != NULL) {
			GElf_Shdr sh;
			const uint8_t *p;
			size_t n, ndx = elf_ndxscn(scn);
			if (!gelf_getshdr(scn, &sh))
				continue;
			uint64_t addr = sh.sh_addr;
			if (rel) {
				if (!(sh.sh_flags & SHF_ALLOC) || ndx >= s->nsec || sh.sh_size > ((uint64_t)1 << 40))
					continue;
				addr = relbase;
				s->sec[ndx] = (struct relsec){ addr, sh.sh_size, (sh.sh_flags & SHF_WRITE) != 0 };
				relbase = (relbase + sh.sh_size + 0xfff) & ~(uint64_t)0xfff;
			}
			if (sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR))
				continue;
			if (!ev_section_bytes(ev, &sh, &p, &n))
				continue;
			add_region(s, addr, p, n, ndx, &cap);
		}
		if (s->nrg) {
			sort_regions(s);
			return;
		}
	}
	for (size_t i = 0; i < ev->phnum; i++) {
		GElf_Phdr ph;
		if (!ev_phdr(ev, i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		if (!range_ok(ph.p_offset, ph.p_filesz, ev->size))
			continue;
		/* the first segment usually starts with the ELF and program headers */
		uint64_t skip = 0;
		if (ph.p_offset == 0)
			skip = ev->eh.e_phoff + (uint64_t)ev->eh.e_phnum * ev->eh.e_phentsize;
		if (skip < ev->eh.e_ehsize)
			skip = ev->eh.e_ehsize;
		if (ph.p_offset != 0 || skip >= ph.p_filesz)
			skip = ph.p_offset == 0 ? ph.p_filesz : 0;
		s->segments = true;
		add_region(s, ph.p_vaddr + skip, ev->raw + ph.p_offset + skip, (size_t)(ph.p_filesz - skip), 0, &cap);
	}
	sort_regions(s);
}

static int cmp_reloc(const void *x, const void *y)
{
	const struct reloc *a = x, *b = y;
	return a->at < b->at ? -1 : a->at > b->at;
}

/* ET_REL: read the relocations of the code sections, so that RIP-relative
 * operands and calls resolve to symbols (internal/cpu.X86 in a Go c-archive's
 * go.o). */
void isa_read_relocs(struct scan *s)
{
	struct elfview *ev = s->ev;
	if (ev->eh.e_type != ET_REL || !s->sec)
		return;
	Elf_Scn *scn = NULL;
	size_t total = 0;
	while ((scn = elf_nextscn(ev->elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_RELA && sh.sh_type != SHT_REL))
			continue;
		struct region *r = NULL;
		if (sh.sh_info < s->nsec && s->sec[sh.sh_info].base) {
			r = (struct region *)isa_region_of(s, s->sec[sh.sh_info].base);
			if (r && r->shndx != sh.sh_info)
				r = NULL;
		}
		Elf_Scn *symscn = elf_getscn(ev->elf, sh.sh_link);
		Elf_Data *data = elf_getdata(scn, NULL), *symdata = symscn ? elf_getdata(symscn, NULL) : NULL;
		if (!r || !data || !symdata || !sh.sh_entsize)
			continue;
		size_t n = (size_t)(sh.sh_size / sh.sh_entsize);
		for (size_t i = 0; i < n && total < GOABI_MAX_SYMBOLS; i++, total++) {
			GElf_Rela ra;
			if (!ev_reloc(data, sh.sh_type, i, &ra))
				break;
			uint64_t off = ra.r_offset, symi = GELF_R_SYM(ra.r_info);
			int64_t add = ra.r_addend;
			/* SHT_REL: the implicit addend; r_offset is untrusted: compare
			 * the room left after it, never off + 4 (wraps near 2^64) */
			if (sh.sh_type == SHT_REL)
				add = off < r->n && r->n - off >= 4 ? (int32_t)rd32(r->p + off, ev->be) : 0;
			GElf_Sym sym;
			if (off >= r->n || !gelf_getsym(symdata, (int)symi, &sym))
				continue;
			uint64_t base;
			if (sym.st_shndx == SHN_UNDEF) {
				/* an external CPU-feature variable (__cpu_model from
				 * libgcc, internal/cpu.X86 from another object): give
				 * it a synthetic address of its own */
				GElf_Shdr symsh;
				const char *nm = gelf_getshdr(symscn, &symsh) ?
							 elf_strptr(ev->elf, symsh.sh_link, sym.st_name) : NULL;
				if (!nm || !isa_flag_symbol(nm))
					continue;
				base = 0x7f0000000000ull + (uint64_t)symi * 0x10000;
				isa_add_flag(s, base, 0x1000, arena_printf(s->a->arena, "undefined symbol %s (relocations)", nm));
				sym.st_value = 0;
			} else if (sym.st_shndx < s->nsec && s->sec[sym.st_shndx].base) {
				base = s->sec[sym.st_shndx].base;
			} else {
				continue;
			}
			if (!isa_grow(s, &r->rel, &r->caprel, r->nrel + 1, sizeof(*r->rel)))
				return;
			r->rel[r->nrel++] = (struct reloc){ r->addr + off, base + sym.st_value + (uint64_t)add };
		}
	}
	for (size_t k = 0; k < s->nrg; k++)
		if (s->rg[k].nrel)
			qsort(s->rg[k].rel, s->rg[k].nrel, sizeof(*s->rg[k].rel), cmp_reloc);
}
