/* ISA scan: disassemble the code of one ELF object, classify the
 * instructions that belong to instruction-set extensions, split them by
 * function, and tell code reached only behind a CPU-feature check
 * ("guarded") from code that runs unconditionally ("required").
 *
 * Pipeline (docs/isa.md):
 *  1. code regions: executable sections, or PF_X PT_LOAD segments;
 *  2. functions: .symtab, else the Go pclntab function table, else .dynsym;
 *     holes between them become anonymous functions;
 *  3. CPU-feature variables ("flags"): by symbol (internal/cpu.X86,
 *     runtime.x86HasPOPCNT, golang.org/x/sys/cpu.X86, __cpu_model ...), and
 *     from the code: every global store of the CPU-feature initialisers
 *     (internal/cpu.doinit, runtime.cpuinit, x/sys/cpu.archInit, found by
 *     name in .symtab or the pclntab; in binaries without Go, functions
 *     that execute CPUID), then package init functions that store a byte
 *     shortly after loading a flag (crypto/sha256.useAVX2 = cpu.X86.HasAVX2);
 *  4. one pass over the code: x86 with capstone (isa_x86.c: detail only for
 *     ids that may be extensions), arm64 by encoding; per function
 *     the extensions used, whether it reads a flag, executes CPUID, direct
 *     calls, and for ifunc resolvers the functions whose address they take;
 *  5. guarded = reads a flag, executes CPUID, is a CPU-feature initialiser
 *     or an ifunc resolver/target, or is only ever called directly from
 *     guarded functions. Granularity is the function. */
#include <capstone/capstone.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "facts/isa_scan.h"
#include "facts/gofacts.h"

/* level: 2-4 = x86-64-vN; 1 = 386-sse2 tier; 8 = arm64 v8.1 */
static const struct {
	const char *name;
	int level;
} ext_info[X_N] = {
	[X_CX16] = { "CMPXCHG16B", 2 }, [X_LAHF] = { "LAHF-SAHF", 2 }, [X_POPCNT] = { "POPCNT", 2 },
	[X_SSE3] = { "SSE3", 2 }, [X_SSSE3] = { "SSSE3", 2 }, [X_SSE41] = { "SSE4.1", 2 },
	[X_SSE42] = { "SSE4.2", 2 }, [X_AVX] = { "AVX", 3 }, [X_AVX2] = { "AVX2", 3 },
	[X_BMI1] = { "BMI1", 3 }, [X_BMI2] = { "BMI2", 3 }, [X_F16C] = { "F16C", 3 },
	[X_FMA] = { "FMA", 3 }, [X_LZCNT] = { "LZCNT", 3 }, [X_MOVBE] = { "MOVBE", 3 },
	[X_OSXSAVE] = { "OSXSAVE", 3 }, [X_AVX512F] = { "AVX512F", 4 }, [X_AVX512BW] = { "AVX512BW", 4 },
	[X_AVX512CD] = { "AVX512CD", 4 }, [X_AVX512DQ] = { "AVX512DQ", 4 }, [X_AVX512VL] = { "AVX512VL", 4 },
	[X_AES] = { "AES", 0 }, [X_PCLMUL] = { "PCLMULQDQ", 0 }, [X_SHA] = { "SHA", 0 },
	[X_ADX] = { "ADX", 0 }, [X_SSE4A] = { "SSE4A", 0 }, [X_FMA4] = { "FMA4", 0 },
	[X_XOP] = { "XOP", 0 }, [X_TBM] = { "TBM", 0 }, [X_AVX512X] = { "AVX512-other", 0 },
	[X_SSE] = { "SSE", 1 }, [X_SSE2] = { "SSE2", 1 }, [X_LSE] = { "LSE", 8 },
	/* F3 0F BC runs as BSF on CPUs without BMI1 (GCC emits "rep bsf" for
	 * __builtin_ctz in generic code): reported, never raises the level */
	[X_TZCNT] = { "TZCNT", 0 },
};

enum {
	F_FLAGLOAD = 1,      /* reads a CPU-feature variable */
	F_CPUID = 2,         /* executes CPUID */
	F_SEED = 4,          /* a CPU-feature initialiser (by name) */
	F_RESOLVER = 8,      /* STT_GNU_IFUNC resolver */
	F_IFUNC_TARGET = 16, /* address taken by a resolver */
	F_GUARDED = 32,
	F_INIT = 64,         /* Go package init: propagates flags */
	F_GAP = 128,         /* code between symbols */
	F_CALLERS = 256,     /* guarded because every direct caller is */
	F_LISTED = 512,      /* guarded by construction (fallback list) */
};

struct fn {
	uint64_t lo, hi;
	const char *name; /* NUL-terminated, borrowed from libelf or the pclntab */
	uint64_t ext;
	uint32_t flags;
	uint64_t flag_at; /* first CPU-feature variable read */
};

struct range {
	uint64_t lo, hi;
	const char *what;
};

/* ET_REL: a relocation of the code, resolved to the (synthetic) address of
 * its symbol plus addend */
struct reloc {
	uint64_t at; /* address of the relocated field */
	uint64_t s_a;
};

struct region {
	uint64_t addr;
	const uint8_t *p;
	size_t n;
	size_t shndx; /* ET_REL: section index (symbols are section-relative) */
	struct reloc *rel;
	size_t nrel, caprel;
};

/* ET_REL: allocated sections laid out one after another */
struct relsec {
	uint64_t base, size;
	bool write;
};

enum arch { A_NONE, A_X64, A_X32, A_A64 };

struct scan {
	struct elfview *ev;
	struct goabi_artifact *a;
	enum arch arch;
	bool go;
	struct region *rg;
	size_t nrg;
	struct relsec *sec; /* ET_REL, indexed by section */
	size_t nsec;
	bool segments;      /* code from PF_X segments: they also hold headers and data */
	size_t nnamed;      /* functions with a name (not holes) */
	struct fn *f;
	size_t nf, capf;
	struct range *fl;
	size_t nfl, capfl;
	bool fl_sorted;
	uint32_t (*edge)[2];
	size_t ne, cape;
	/* byte-sized global accesses: {function index, address}, for flags
	 * written only by guarded code (runtime.useAeshash) */
	struct bacc { uint32_t fn; uint32_t store; uint64_t t; } *acc;
	size_t nacc, capacc;
	struct x86_dis dis;
	bool cs_ok;
	bool oom;
	const char *funcs_from;
};

static bool grow(struct scan *s, void *arrp, size_t *cap, size_t need, size_t esz)
{
	void **arr = arrp;
	if (need <= *cap)
		return true;
	size_t nc = *cap ? *cap * 2 : 64;
	while (nc < need)
		nc *= 2;
	if (nc > ((size_t)1 << 40) / esz) {
		s->oom = true;
		return false;
	}
	void *p = realloc(*arr, nc * esz);
	if (!p) {
		s->oom = true;
		return false;
	}
	*arr = p;
	*cap = nc;
	return true;
}

/* ---- code regions ---- */

static void add_region(struct scan *s, uint64_t addr, const uint8_t *p, size_t n, size_t shndx, size_t *cap)
{
	/* addr comes from p_vaddr/sh_addr: every lookup computes addr + n */
	if (!n || n > UINT64_MAX - addr || !grow(s, &s->rg, cap, s->nrg + 1, sizeof(*s->rg)))
		return;
	s->rg[s->nrg++] = (struct region){ addr, p, n, shndx, NULL, 0, 0 };
}

static const struct region *region_of(const struct scan *s, uint64_t addr);
static void add_flag(struct scan *s, uint64_t lo, uint64_t size, const char *what);
static bool flag_symbol(const char *n);

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

static void find_regions(struct scan *s)
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
static void read_relocs(struct scan *s)
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
			r = (struct region *)region_of(s, s->sec[sh.sh_info].base);
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
			GElf_Rel rl;
			uint64_t off, symi;
			int64_t add;
			if (sh.sh_type == SHT_RELA) {
				if (!gelf_getrela(data, (int)i, &ra))
					break;
				off = ra.r_offset;
				symi = GELF_R_SYM(ra.r_info);
				add = ra.r_addend;
			} else {
				if (!gelf_getrel(data, (int)i, &rl))
					break;
				off = rl.r_offset;
				symi = GELF_R_SYM(rl.r_info);
				/* r_offset is untrusted: compare the room left after
				 * it, never off + 4 (wraps near 2^64) */
				add = off < r->n && r->n - off >= 4 ? (int32_t)rd32(r->p + off, ev->be) : 0; /* implicit addend */
			}
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
				if (!nm || !flag_symbol(nm))
					continue;
				base = 0x7f0000000000ull + (uint64_t)symi * 0x10000;
				add_flag(s, base, 0x1000, arena_printf(s->a->arena, "undefined symbol %s (relocations)", nm));
				sym.st_value = 0;
			} else if (sym.st_shndx < s->nsec && s->sec[sym.st_shndx].base) {
				base = s->sec[sym.st_shndx].base;
			} else {
				continue;
			}
			if (!grow(s, &r->rel, &r->caprel, r->nrel + 1, sizeof(*r->rel)))
				return;
			r->rel[r->nrel++] = (struct reloc){ r->addr + off, base + sym.st_value + (uint64_t)add };
		}
	}
	for (size_t k = 0; k < s->nrg; k++)
		if (s->rg[k].nrel)
			qsort(s->rg[k].rel, s->rg[k].nrel, sizeof(*s->rg[k].rel), cmp_reloc);
}

/* Linked objects: a GOT slot or data word that the dynamic linker fills
 * with the address of a CPU-feature variable (R_*_GLOB_DAT / R_*_64 against
 * _rtld_global_ro, __cpu_model, internal/cpu.X86 in a shared library) is
 * a CPU-feature variable too: code reaches the variable through it. */
static void got_flags(struct scan *s)
{
	struct elfview *ev = s->ev;
	if (ev->eh.e_type == ET_REL || !ev->sections_ok)
		return;
	Elf_Scn *scn = NULL;
	size_t total = 0;
	while ((scn = elf_nextscn(ev->elf, scn)) != NULL) {
		GElf_Shdr sh, symsh;
		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_RELA && sh.sh_type != SHT_REL) || !sh.sh_entsize)
			continue;
		Elf_Scn *symscn = elf_getscn(ev->elf, sh.sh_link);
		Elf_Data *data = elf_getdata(scn, NULL), *symdata = symscn ? elf_getdata(symscn, NULL) : NULL;
		if (!data || !symdata || !gelf_getshdr(symscn, &symsh))
			continue;
		size_t n = (size_t)(sh.sh_size / sh.sh_entsize);
		for (size_t i = 0; i < n && total < GOABI_MAX_SYMBOLS; i++, total++) {
			GElf_Rela ra;
			GElf_Rel rl;
			uint64_t off, info;
			if (sh.sh_type == SHT_RELA) {
				if (!gelf_getrela(data, (int)i, &ra))
					break;
				off = ra.r_offset;
				info = ra.r_info;
			} else {
				if (!gelf_getrel(data, (int)i, &rl))
					break;
				off = rl.r_offset;
				info = rl.r_info;
			}
			uint64_t symi = ev->ptrsize == 8 ? GELF_R_SYM(info) : ELF32_R_SYM((uint32_t)info);
			GElf_Sym sym;
			if (!symi || !gelf_getsym(symdata, (int)symi, &sym))
				continue;
			const char *nm = elf_strptr(ev->elf, symsh.sh_link, sym.st_name);
			if (nm && flag_symbol(nm))
				add_flag(s, off, (uint64_t)ev->ptrsize, arena_printf(s->a->arena, "GOT slot of %s", nm));
		}
	}
}

/* ET_REL: the relocation at address at, if any */
static const struct reloc *reloc_at(const struct region *r, uint64_t at)
{
	size_t lo = 0, hi = r->nrel;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r->rel[mid].at < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->nrel && r->rel[lo].at == at ? &r->rel[lo] : NULL;
}

static const struct region *region_of(const struct scan *s, uint64_t addr)
{
	/* regions are sorted by address (find_regions) */
	size_t lo = 0, hi = s->nrg;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->rg[mid].addr + s->rg[mid].n <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->nrg && addr >= s->rg[lo].addr && addr - s->rg[lo].addr < s->rg[lo].n)
		return &s->rg[lo];
	return NULL;
}

/* ---- CPU-feature variables ---- */

static void add_flag(struct scan *s, uint64_t lo, uint64_t size, const char *what)
{
	if (!size || size > 4096 || size > UINT64_MAX - lo || s->nfl >= 4096)
		return;
	for (size_t i = 0; i < s->nfl; i++)
		if (s->fl[i].lo <= lo && lo <= s->fl[i].hi && size <= s->fl[i].hi - lo)
			return;
	if (!grow(s, &s->fl, &s->capfl, s->nfl + 1, sizeof(*s->fl)))
		return;
	s->fl[s->nfl++] = (struct range){ lo, lo + size, what };
	s->fl_sorted = false;
}

static int cmp_range(const void *x, const void *y)
{
	const struct range *a = x, *b = y;
	return a->lo < b->lo ? -1 : a->lo > b->lo;
}

static const struct range *flag_at(struct scan *s, uint64_t addr)
{
	if (!s->nfl)
		return NULL;
	if (!s->fl_sorted) {
		qsort(s->fl, s->nfl, sizeof(*s->fl), cmp_range);
		s->fl_sorted = true;
	}
	size_t lo = 0, hi = s->nfl;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->fl[mid].hi <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < s->nfl && s->fl[i].lo <= addr; i++)
		if (addr < s->fl[i].hi)
			return &s->fl[i];
	return NULL;
}

/* Variables that hold CPU features, by symbol name. */
static bool flag_symbol(const char *n)
{
	static const char *exact[] = { "internal/cpu.X86", "internal/cpu.ARM64", "internal/cpu.ARM",
				       "__cpu_model", "__cpu_features2", "_dl_x86_cpu_features",
				       "_rtld_global_ro" };
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (strcmp(n, exact[i]) == 0)
			return true;
	if (strncmp(n, "runtime.x86Has", 14) == 0 || strncmp(n, "runtime.arm64Has", 16) == 0 ||
	    strncmp(n, "runtime.armHas", 14) == 0 || strcmp(n, "runtime.useAVXmemmove") == 0)
		return true;
	const char *d = strrchr(n, '/');
	d = d ? d + 1 : n;
	/* golang.org/x/sys/cpu.X86 and its vendored copy */
	return strcmp(d, "cpu.X86") == 0 || strcmp(d, "cpu.ARM64") == 0;
}

/* CPU-feature initialisers, by function name. */
static bool seed_name(const char *n)
{
	if (strcmp(n, "runtime.cpuinit") == 0)
		return true;
	const char *d = strrchr(n, '/');
	d = d ? d + 1 : n;
	/* internal/cpu (cpu_x86.go doinit; cpu_arm64_hwcap.go hwcapInit on
	 * linux/arm64) and golang.org/x/sys/cpu (archInit, processHwcap) */
	static const char *fns[] = { "cpu.doinit", "cpu.archInit", "cpu.initOptions", "cpu.hwcapInit",
				     "cpu.osInit", "cpu.processHwcap", "cpu.readHWCAP" };
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (strcmp(d, fns[i]) == 0)
			return true;
	return false;
}

/* Go package initialisers: "p.init", "p.init.0"; runtime.schedinit, where
 * runtime.cpuinit (x86HasPOPCNT = cpu.X86.HasPOPCNT) may be inlined */
static bool init_name(const char *n)
{
	if (strcmp(n, "runtime.schedinit") == 0)
		return true;
	const char *d = strrchr(n, '/');
	d = d ? d + 1 : n;
	const char *i = strstr(d, ".init");
	if (!i)
		return false;
	i += 5;
	if (!*i)
		return true;
	if (*i != '.')
		return false;
	for (i++; *i; i++)
		if (*i < '0' || *i > '9')
			return false;
	return true;
}

/* ---- functions ---- */

static void add_fn(struct scan *s, uint64_t lo, uint64_t size, const char *name, uint32_t flags)
{
	if (s->nf >= GOABI_MAX_FUNCS || !grow(s, &s->f, &s->capf, s->nf + 1, sizeof(*s->f)))
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
		if (flag_symbol(name))
			add_flag(s, v, sym->st_size ? sym->st_size : 1,
				 arena_printf(s->a->arena, "symbol %s", name));
		if (type == STT_OBJECT)
			return true;
	}
	if (type != STT_FUNC && type != STT_GNU_IFUNC)
		return true;
	if (!region_of(s, v))
		return true;
	uint32_t fl = type == STT_GNU_IFUNC ? F_RESOLVER : 0;
	if (seed_name(name))
		fl |= F_SEED;
	if (init_name(name))
		fl |= F_INIT;
	add_fn(s, v, sym->st_size, name, fl);
	c->nfn++;
	return true;
}

static bool pcln_cb(void *ctx, uint64_t entry, const char *name, size_t len)
{
	struct scan *s = ctx;
	if (!name || !region_of(s, entry))
		return true;
	uint32_t fl = 0;
	if (seed_name(name))
		fl |= F_SEED;
	if (init_name(name))
		fl |= F_INIT;
	add_fn(s, entry, 0, name, fl);
	return true;
}

static bool fde_cb(void *ctx, uint64_t start, uint64_t size)
{
	struct scan *s = ctx;
	if (region_of(s, start))
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

static void find_functions(struct scan *s)
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
		const struct region *r = region_of(s, s->f[i].lo);
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

static struct fn *fn_at(struct scan *s, uint64_t addr)
{
	size_t lo = 0, hi = s->nf;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->f[mid].hi <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->nf && s->f[lo].lo <= addr && addr < s->f[lo].hi)
		return &s->f[lo];
	return NULL;
}

/* ---- x86 operands (isa_x86.c decodes) ---- */

/* ET_REL: the first relocation in [lo, hi), if any */
static const struct reloc *reloc_in(const struct region *r, uint64_t lo, uint64_t hi)
{
	size_t a = 0, b = r->nrel;
	while (a < b) {
		size_t mid = (a + b) / 2;
		if (r->rel[mid].at < lo)
			a = mid + 1;
		else
			b = mid;
	}
	return a < r->nrel && r->rel[a].at < hi ? &r->rel[a] : NULL;
}

/* Target of the instruction's RIP-relative (64-bit) or absolute (32-bit)
 * memory operand, if any. */
static bool x86_target(const struct scan *s, const struct region *r, uint64_t addr, const struct x86_ins *d,
		       uint64_t *t)
{
	if (!d->mem)
		return false;
	if (r->rel && d->len >= 5) {
		/* the disp32 field is the first relocated field of the
		 * instruction (an immediate follows it): S + A - P = disp,
		 * target = end + disp; a field without a relocation was resolved
		 * within the section already */
		const struct reloc *rl = reloc_in(r, addr + 1, addr + d->len - 3);
		if (rl) {
			*t = d->rip ? rl->s_a + (addr + d->len - rl->at) : rl->s_a;
			return true;
		}
	}
	*t = d->target;
	return true;
}

/* MOV to memory */
static bool x86_is_store(const struct x86_ins *d)
{
	return d->id == X86_INS_MOV && d->memdst;
}

/* ---- arm64 (A64: fixed 4-byte words, decoded by encoding) ---- */

static bool a64_lse(uint32_t w)
{
	return (w & 0x3f200c00) == 0x38200000 || /* LDADD/LDCLR/LDEOR/LDSET/LD{S,U}{MAX,MIN}/SWP */
	       (w & 0x3fa07c00) == 0x08a07c00 || /* CAS{,A,L,AL}{,B,H} */
	       (w & 0xbfa07c00) == 0x08207c00;   /* CASP */
}

struct a64regs {
	uint64_t v[32];
	uint32_t known;
};

/* Track ADRP/ADD address materialisation; for loads/stores with an
 * unsigned immediate offset, return the address (and whether it stores). */
static bool a64_step(struct a64regs *r, uint32_t w, uint64_t pc, uint64_t *t, bool *store, unsigned *size)
{
	unsigned rd = w & 31, rn = (w >> 5) & 31;
	if ((w & 0x9f000000) == 0x90000000) { /* ADRP */
		uint64_t imm = ((w >> 29) & 3) | (((uint64_t)(w >> 5) & 0x7ffff) << 2);
		if (imm & (1u << 20))
			imm |= ~(uint64_t)0x1fffff;
		r->v[rd] = (pc & ~(uint64_t)0xfff) + (imm << 12);
		r->known |= 1u << rd;
		return false;
	}
	if ((w & 0xff800000) == 0x91000000) { /* ADD Xd, Xn, #imm{, lsl 12} */
		uint64_t imm = (w >> 10) & 0xfff;
		if (w & (1u << 22))
			imm <<= 12;
		if (rn != 31 && (r->known & (1u << rn))) {
			r->v[rd] = r->v[rn] + imm;
			r->known |= 1u << rd;
		} else {
			r->known &= ~(1u << rd);
		}
		return false;
	}
	if ((w & 0x3b000000) == 0x39000000) { /* LDR/STR (unsigned immediate), integer */
		unsigned sz = w >> 30, opc = (w >> 22) & 3;
		if (rn == 31 || !(r->known & (1u << rn)))
			return false;
		*t = r->v[rn] + (((w >> 10) & 0xfff) << sz);
		*store = opc == 0;
		*size = 1u << sz;
		if (!*store && rd != rn)
			r->known &= ~(1u << rd);
		return true;
	}
	return false;
}

/* ---- passes ---- */

/* Inside a writable PT_LOAD segment (where CPU-feature variables live). */
static bool writable(const struct scan *s, uint64_t t)
{
	for (size_t i = 0; i < s->nsec; i++)
		if (s->sec[i].base && s->sec[i].write && t >= s->sec[i].base && t - s->sec[i].base < s->sec[i].size)
			return true;
	for (size_t i = 0; i < s->ev->phnum; i++) {
		GElf_Phdr ph;
		if (ev_phdr(s->ev, i, &ph) && ph.p_type == PT_LOAD && (ph.p_flags & PF_W) && t >= ph.p_vaddr &&
		    t - ph.p_vaddr < ph.p_memsz)
			return true;
	}
	return false;
}

/* Collect flags from a CPU-feature initialiser (every global store) or a
 * package init (a store within 32 instructions of a flag read). */
static void harvest(struct scan *s, struct fn *f, bool all_stores)
{
	const struct region *r = region_of(s, f->lo);
	if (!r)
		return;
	const char *what = arena_printf(s->a->arena, "stored by %s",
					f->name ? f->name : "a function executing CPUID");
	int since = 1000;
	if (s->arch == A_A64) {
		struct a64regs regs = { { 0 }, 0 };
		for (uint64_t a = f->lo & ~(uint64_t)3; a + 4 <= f->hi; a += 4) {
			uint32_t w = rd32(r->p + (a - r->addr), s->ev->be);
			uint64_t t;
			bool st;
			unsigned sz;
			since++;
			if (!a64_step(&regs, w, a, &t, &st, &sz))
				continue;
			if (!st && flag_at(s, t))
				since = 0;
			else if (st && (all_stores || (since < 32 && sz == 1)) && !region_of(s, t))
				add_flag(s, t, sz, what);
		}
		return;
	}
	if (!s->cs_ok)
		return;
	uint64_t a = f->lo;
	while (a < f->hi) {
		size_t off = (size_t)(a - r->addr);
		struct x86_ins d;
		if (!x86_next(&s->dis, r->p + off, r->n - off, a, &d)) {
			a++;
			continue;
		}
		uint64_t t;
		since++;
		if (d.id == X86_INS_CALL && d.direct)
			since = 1000;
		if (x86_target(s, r, a, &d, &t) && !region_of(s, t)) {
			if (all_stores && d.id == X86_INS_LEA && writable(s, t)) {
				/* &X86.HasAVX2 in internal/cpu's options table */
				add_flag(s, t, 1, what);
			} else if (x86_is_store(&d)) {
				unsigned sz = d.memsize;
				if (sz && (all_stores ? (sz == 1 || sz == 4 || s->go) : (since < 32 && sz == 1)))
					add_flag(s, t, sz, what);
			} else if (flag_at(s, t)) {
				since = 0;
			}
		}
		a += d.len;
	}
}

static void edge(struct scan *s, const struct fn *from, const struct fn *to)
{
	if (!to || from == to || to->lo == from->lo || s->ne >= (1u << 26) ||
	    !grow(s, &s->edge, &s->cape, s->ne + 1, sizeof(*s->edge)))
		return;
	uint32_t a = (uint32_t)(from - s->f), b = (uint32_t)(to - s->f);
	if (s->ne && s->edge[s->ne - 1][0] == a && s->edge[s->ne - 1][1] == b)
		return;
	s->edge[s->ne][0] = a;
	s->edge[s->ne][1] = b;
	s->ne++;
}

/* MOV/CMP/TEST/MOVZX/MOVSX of a byte in memory */
static bool byte_access(const struct x86_ins *d)
{
	switch (d->id) {
	case X86_INS_MOV: case X86_INS_CMP: case X86_INS_TEST: case X86_INS_MOVZX: case X86_INS_MOVSX:
		return d->memsize == 1;
	default:
		return false;
	}
}

static void mark_flag(struct scan *s, struct fn *f, uint64_t t)
{
	if (flag_at(s, t)) {
		if (!(f->flags & F_FLAGLOAD))
			f->flag_at = t;
		f->flags |= F_FLAGLOAD;
	}
}

/* One thread's share of the x86 pass: code from (k0, off0) to (k1, off1),
 * split at a function start so that each function is written by one
 * thread; what crosses functions (call edges, byte accesses, ifunc
 * targets) is collected here and merged after the join. */
struct part {
	struct scan *s;
	size_t k0, off0, k1, off1;
	struct x86_dis *dis;
	uint32_t (*edge)[2];
	size_t ne, cape;
	struct bacc *acc;
	size_t nacc, capacc;
	uint32_t *tgt; /* functions whose address an ifunc resolver takes */
	size_t ntgt, captgt;
	bool oom;
};

static bool part_grow(struct part *p, void *arrp, size_t *cap, size_t need, size_t esz)
{
	struct scan tmp = { 0 };
	if (grow(&tmp, arrp, cap, need, esz))
		return true;
	p->oom = true;
	return false;
}

static void part_edge(struct part *p, const struct fn *from, const struct fn *to)
{
	const struct fn *f0 = p->s->f;
	if (!to || from == to || to->lo == from->lo || p->ne >= (1u << 25) ||
	    !part_grow(p, &p->edge, &p->cape, p->ne + 1, sizeof(*p->edge)))
		return;
	uint32_t a = (uint32_t)(from - f0), b = (uint32_t)(to - f0);
	if (p->ne && p->edge[p->ne - 1][0] == a && p->edge[p->ne - 1][1] == b)
		return;
	p->edge[p->ne][0] = a;
	p->edge[p->ne][1] = b;
	p->ne++;
}

static void part_target(struct part *p, const struct fn *g)
{
	if (part_grow(p, &p->tgt, &p->captgt, p->ntgt + 1, sizeof(*p->tgt)))
		p->tgt[p->ntgt++] = (uint32_t)(g - p->s->f);
}

static void *pass_x86_part(void *arg)
{
	struct part *p = arg;
	struct scan *s = p->s;
	bool m64 = s->arch == A_X64;
	for (size_t k = p->k0; k <= p->k1 && k < s->nrg; k++) {
		const struct region *r = &s->rg[k];
		size_t off = k == p->k0 ? p->off0 : 0, end = k == p->k1 ? p->off1 : r->n;
		struct fn *f = fn_at(s, r->addr + off);
		while (off < end) {
			uint64_t a = r->addr + off;
			if (!f || a >= f->hi || a < f->lo)
				f = fn_at(s, a);
			if (f && (f->flags & F_GAP) && s->segments && s->nnamed && f->hi > a) {
				/* between known functions in a segment: headers, notes, data */
				off += (size_t)(f->hi - a);
				continue;
			}
			struct x86_ins d;
			if (!x86_next(p->dis, r->p + off, r->n - off, a, &d)) {
				off++;
				continue;
			}
			size_t len = d.len;
			if (f) {
				uint64_t t;
				f->ext |= d.ext;
				if (d.id == X86_INS_CPUID)
					f->flags |= F_CPUID;
				if ((d.id == X86_INS_CALL || d.id == X86_INS_JMP) && d.direct && len == 5) {
					const struct reloc *rl = r->rel ? reloc_at(r, a + 1) : NULL;
					part_edge(p, f, fn_at(s, rl ? rl->s_a + 4 : d.target));
				} else if (x86_target(s, r, a, &d, &t)) {
					if (s->nfl)
						mark_flag(s, f, t);
					if (byte_access(&d) && p->nacc < (1u << 21) &&
					    part_grow(p, &p->acc, &p->capacc, p->nacc + 1, sizeof(*p->acc)))
						p->acc[p->nacc++] = (struct bacc){ (uint32_t)(f - s->f), x86_is_store(&d), t };
					if (d.id == X86_INS_LEA) {
						struct fn *g = fn_at(s, t);
						if (g && g->lo == t) {
							if (f->flags & F_RESOLVER)
								part_target(p, g);
							else
								part_edge(p, f, g); /* address taken */
						}
					}
				} else if ((f->flags & F_RESOLVER) && !m64 && d.has_imm) {
					/* 32-bit: MOV r32, imm32 of a function address */
					struct fn *g = fn_at(s, d.imm);
					if (g && g->lo == d.imm)
						part_target(p, g);
				}
			}
			off += len;
		}
	}
	return NULL;
}

/* Below this much code one thread does it all. */
#define X86_SPLIT_MIN ((size_t)1 << 20)

static void pass_x86(struct scan *s)
{
	struct part pt[2] = { { 0 }, { 0 } };
	size_t total = 0, np = 1;
	for (size_t k = 0; k < s->nrg; k++)
		total += s->rg[k].n;
	s->a->isa.text_bytes += total;
	if (!s->cs_ok || !s->nrg)
		return;
	pt[0] = (struct part){ .s = s, .k0 = 0, .off0 = 0, .k1 = s->nrg - 1, .off1 = s->rg[s->nrg - 1].n, .dis = &s->dis };
	struct x86_dis dis2;
	pthread_t th;
	if (total >= X86_SPLIT_MIN && x86_dis_open(&dis2, s->arch == A_X64)) {
		/* the half-way byte, moved to the end of its function */
		size_t k = 0, half = total / 2;
		while (k + 1 < s->nrg && half >= s->rg[k].n)
			half -= s->rg[k++].n;
		const struct region *r = &s->rg[k];
		const struct fn *f = fn_at(s, r->addr + half);
		bool split = true;
		if (f && f->lo < r->addr + half) {
			split = f->hi - r->addr <= r->n; /* else f would be written by both */
			half = (size_t)(f->hi - r->addr);
		}
		pt[1] = pt[0];
		pt[1].dis = &dis2;
		pt[0].k1 = pt[1].k0 = k;
		pt[0].off1 = pt[1].off0 = half;
		np = split && pthread_create(&th, NULL, pass_x86_part, &pt[1]) == 0 ? 2 : 1;
		if (np == 1) {
			pt[0] = pt[1];
			pt[0].k0 = 0;
			pt[0].off0 = 0;
			pt[0].dis = &s->dis;
			x86_dis_close(&dis2);
		}
	}
	pass_x86_part(&pt[0]);
	if (np == 2) {
		pthread_join(th, NULL);
		x86_dis_close(&dis2);
	}
	for (size_t i = 0; i < np; i++) {
		struct part *p = &pt[i];
		if (p->oom)
			s->oom = true;
		if (p->ne && grow(s, &s->edge, &s->cape, s->ne + p->ne, sizeof(*s->edge))) {
			memcpy(s->edge + s->ne, p->edge, p->ne * sizeof(*p->edge));
			s->ne += p->ne;
		}
		if (p->nacc && grow(s, &s->acc, &s->capacc, s->nacc + p->nacc, sizeof(*s->acc))) {
			memcpy(s->acc + s->nacc, p->acc, p->nacc * sizeof(*p->acc));
			s->nacc += p->nacc;
		}
		for (size_t j = 0; j < p->ntgt; j++)
			s->f[p->tgt[j]].flags |= F_IFUNC_TARGET;
		free(p->edge);
		free(p->acc);
		free(p->tgt);
	}
}

static void pass_a64(struct scan *s)
{
	for (size_t k = 0; k < s->nrg; k++) {
		const struct region *r = &s->rg[k];
		struct fn *f = NULL;
		struct a64regs regs = { { 0 }, 0 };
		for (size_t off = (size_t)((4 - (r->addr & 3)) & 3); off + 4 <= r->n; off += 4) {
			uint64_t a = r->addr + off;
			if (!f || a >= f->hi || a < f->lo) {
				f = fn_at(s, a);
				regs.known = 0;
			}
			if (!f || ((f->flags & F_GAP) && s->segments && s->nnamed))
				continue;
			uint32_t w = rd32(r->p + off, s->ev->be);
			if (a64_lse(w))
				f->ext |= BIT(X_LSE);
			if ((w & 0x7c000000) == 0x14000000) { /* B / BL */
				int64_t imm = w & 0x3ffffff;
				if (imm & 0x2000000)
					imm -= 0x4000000;
				edge(s, f, fn_at(s, a + (uint64_t)(imm * 4)));
				continue;
			}
			uint64_t t;
			bool st;
			unsigned sz;
			if (a64_step(&regs, w, a, &t, &st, &sz) && s->nfl)
				mark_flag(s, f, t);
		}
		s->a->isa.text_bytes += r->n;
	}
}

/* Extensions of f counting only code reachable from its entry: Go's
 * GO386=softfloat assembly jumps over its SSE2 paths (#ifdef in
 * runtime/internal/bytealg), leaving them dead. Gives up (returns f->ext)
 * on indirect jumps or branches into the middle of an instruction. */
static uint64_t reachable_ext(struct scan *s, const struct fn *f)
{
	const struct region *r = region_of(s, f->lo);
	if (!r || f->hi - f->lo > (1u << 20) || !s->cs_ok)
		return f->ext;
	size_t n = 0, cap = 0;
	struct ins { uint64_t a, t, ext; uint8_t len, kind; bool seen; } *v = NULL;
	enum { K_SEQ, K_JMP, K_JCC, K_END };
	uint64_t res = f->ext;
	for (uint64_t a = f->lo; a < f->hi;) {
		size_t off = (size_t)(a - r->addr);
		struct x86_ins d;
		if (!x86_next(&s->dis, r->p + off, r->n - off, a, &d) || a + d.len > f->hi)
			goto out;
		if (!grow(s, &v, &cap, n + 1, sizeof(*v)))
			goto out;
		struct ins *in = &v[n++];
		*in = (struct ins){ a, 0, d.ext, d.len, K_SEQ, false };
		switch (d.id) {
		case X86_INS_JMP:
			if (!d.direct)
				goto out; /* indirect jump: successors unknown */
			in->kind = K_JMP;
			in->t = d.target;
			break;
		case X86_INS_LJMP:
			goto out;
		case X86_INS_JAE: case X86_INS_JA: case X86_INS_JBE: case X86_INS_JB: case X86_INS_JE:
		case X86_INS_JGE: case X86_INS_JG: case X86_INS_JLE: case X86_INS_JL: case X86_INS_JNE:
		case X86_INS_JNO: case X86_INS_JNP: case X86_INS_JNS: case X86_INS_JO: case X86_INS_JP:
		case X86_INS_JS: case X86_INS_JCXZ: case X86_INS_JECXZ: case X86_INS_JRCXZ:
		case X86_INS_LOOP: case X86_INS_LOOPE: case X86_INS_LOOPNE:
			if (!d.direct)
				goto out;
			in->kind = K_JCC;
			in->t = d.target;
			break;
		case X86_INS_RET: case X86_INS_INT3: case X86_INS_UD2:
			in->kind = K_END;
			break;
		default:
			break;
		}
		a += d.len;
	}
	/* worklist over instruction indexes */
	size_t *work = malloc((n + 1) * sizeof(*work)), nw = 0;
	if (!work)
		goto out;
	if (n) {
		v[0].seen = true;
		work[nw++] = 0;
	}
	bool bad = false;
	while (nw && !bad) {
		size_t i = work[--nw];
		size_t succ[2];
		int ns = 0;
		if (v[i].kind == K_SEQ || v[i].kind == K_JCC)
			if (i + 1 < n)
				succ[ns++] = i + 1;
		if ((v[i].kind == K_JMP || v[i].kind == K_JCC) && v[i].t >= f->lo && v[i].t < f->hi) {
			size_t lo = 0, hi = n;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (v[mid].a < v[i].t)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo == n || v[lo].a != v[i].t)
				bad = true;
			else
				succ[ns++] = lo;
		}
		for (int k = 0; k < ns; k++)
			if (!v[succ[k]].seen) {
				v[succ[k]].seen = true;
				work[nw++] = succ[k];
			}
	}
	free(work);
	if (bad)
		goto out;
	res = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].seen)
			res |= v[i].ext;
out:
	free(v);
	return res;
}

static void dead_code(struct scan *s)
{
	if (s->arch != A_X64 && s->arch != A_X32)
		return;
	for (size_t i = 0; i < s->nf; i++)
		if (s->f[i].ext)
			s->f[i].ext = reachable_ext(s, &s->f[i]);
}

static int cmp_edge_callee(const void *x, const void *y)
{
	const uint32_t *a = x, *b = y;
	if (a[1] != b[1])
		return a[1] < b[1] ? -1 : 1;
	return a[0] < b[0] ? -1 : a[0] > b[0];
}

static void guards(struct scan *s)
{
	for (size_t i = 0; i < s->nf; i++)
		if (s->f[i].flags & (F_FLAGLOAD | F_CPUID | F_SEED | F_RESOLVER | F_IFUNC_TARGET))
			s->f[i].flags |= F_GUARDED;
	if (!s->ne)
		return;
	qsort(s->edge, s->ne, sizeof(*s->edge), cmp_edge_callee);
	/* a function only called directly from guarded functions is guarded
	 * (only those using an extension matter; fixed point, bounded) */
	for (int round = 0; round < 16; round++) {
		bool changed = false;
		for (size_t i = 0; i < s->ne;) {
			size_t j = i;
			uint32_t callee = s->edge[i][1];
			bool all = true;
			for (; j < s->ne && s->edge[j][1] == callee; j++)
				if (!(s->f[s->edge[j][0]].flags & F_GUARDED))
					all = false;
			struct fn *g = &s->f[callee];
			if (all && !(g->flags & F_GUARDED)) {
				g->flags |= F_GUARDED | F_CALLERS;
				changed = true;
			}
			i = j;
		}
		if (!changed)
			break;
	}
}

static int cmp_acc(const void *x, const void *y)
{
	const struct bacc *a = x, *b = y;
	return a->t < b->t ? -1 : a->t > b->t;
}

/* Byte variables stored only by guarded code are CPU-feature variables too
 * (runtime.useAeshash = true in runtime.initAlgAES, reached only after
 * cpu.X86.HasAES): their readers become guarded. Repeats to a fixed point. */
static void guarded_writers(struct scan *s)
{
	if (!s->nacc)
		return;
	qsort(s->acc, s->nacc, sizeof(*s->acc), cmp_acc);
	for (int round = 0; round < 4; round++) {
		size_t added = 0;
		for (size_t i = 0; i < s->nacc;) {
			size_t j = i;
			bool any = false, all = true;
			for (; j < s->nacc && s->acc[j].t == s->acc[i].t; j++) {
				if (!s->acc[j].store)
					continue;
				any = true;
				if (!(s->f[s->acc[j].fn].flags & F_GUARDED))
					all = false;
			}
			if (any && all && !flag_at(s, s->acc[i].t) && writable(s, s->acc[i].t)) {
				const struct fn *w = NULL;
				for (size_t k = i; k < j && !w; k++)
					if (s->acc[k].store)
						w = &s->f[s->acc[k].fn];
				add_flag(s, s->acc[i].t, 1,
					 arena_printf(s->a->arena, "stored only by guarded code (%s)",
						      w && w->name ? w->name : "?"));
				for (size_t k = i; k < j; k++)
					if (!s->acc[k].store)
						mark_flag(s, &s->f[s->acc[k].fn], s->acc[k].t);
				added++;
			}
			i = j;
		}
		if (!added)
			break;
		guards(s);
	}
}

/* Last resort, Go standard library code whose assembly is reached only
 * behind a CPU check that no load next to the call shows:
 *  - crypto/aes: newCipher returns the AES-NI implementation only when
 *    cpu.X86.HasAES, and the methods are called through the cipher type;
 *  - Go 1.26+ GC kernels (internal/runtime/gc/scan, scan_amd64.go): the
 *    AVX-512 expanders are called through the gcExpandersAVX512 PC table,
 *    and ScanSpanPackedAVX512 only when CanAVX512() (avx512ScanPackedReqsMet
 *    = cpu.X86.HasAVX512VL && HasAVX512BW && HasAVX512BITALG && ...). The
 *    expanders are file-local assembly: Go 1.26 names them expandAVX512_N;
 *  - Go 1.26+ runtime.asyncPreempt (runtime/preempt_amd64.s): its AVX2 and
 *    AVX-512 register saves are entered only through CMPB on
 *    internal/cpu.X86.HasAVX512/HasAVX2 under GOEXPERIMENT_simd, and are
 *    unreachable code in every other build. */
static const struct {
	const char *prefix, *why;
} constructed[] = {
	{ "crypto/aes.", "crypto/aes" },
	{ "crypto/internal/aes.", "crypto/aes" },
	{ "crypto/internal/fips140/aes.", "crypto/aes" },
	{ "crypto/internal/fips140/aes/gcm.", "crypto/aes" },
	{ "internal/runtime/gc/scan.", "gc" },
	{ "expandAVX512_", "gc" },
	{ "runtime.asyncPreempt", "preempt" },
};

static void fallback_list(struct scan *s)
{
	if (!s->go)
		return;
	size_t naes = 0, ngc = 0, npre = 0;
	for (size_t i = 0; i < s->nf; i++) {
		struct fn *f = &s->f[i];
		if (!f->name || !f->ext || (f->flags & F_GUARDED))
			continue;
		for (size_t k = 0; k < sizeof(constructed) / sizeof(constructed[0]); k++)
			if (strncmp(f->name, constructed[k].prefix, strlen(constructed[k].prefix)) == 0) {
				f->flags |= F_GUARDED | F_LISTED;
				*(strcmp(constructed[k].why, "gc") == 0 ? &ngc : strcmp(constructed[k].why, "preempt") == 0 ? &npre : &naes) += 1;
				break;
			}
	}
	if (naes)
		strv_push(s->a->arena, &s->a->isa.guards,
			  arena_printf(s->a->arena,
				       "fallback list: %zu crypto/aes functions treated as guarded (AES-NI code "
				       "selected when the cipher is constructed, after cpu.X86.HasAES)", naes));
	if (ngc)
		strv_push(s->a->arena, &s->a->isa.guards,
			  arena_printf(s->a->arena,
				       "fallback list: %zu Go GC AVX-512 kernels treated as guarded (internal/runtime/gc/scan: "
				       "called through gcExpandersAVX512 / ScanSpanPackedAVX512 only when avx512ScanPackedReqsMet)",
				       ngc));
	if (npre)
		strv_push(s->a->arena, &s->a->isa.guards,
			  arena_printf(s->a->arena,
				       "fallback list: runtime.asyncPreempt treated as guarded (its AVX2/AVX-512 register saves "
				       "follow CMPB internal/cpu.X86.HasAVX512/HasAVX2 in GOEXPERIMENT=simd builds, unreachable otherwise)"));
}

/* ---- results ---- */

static const char *level_name(enum arch arch, int lvl)
{
	switch (arch) {
	case A_X64:
		return lvl >= 4 ? "x86-64-v4" : lvl == 3 ? "x86-64-v3" : lvl == 2 ? "x86-64-v2" : "x86-64-v1";
	case A_X32:
		return lvl >= 1 ? "386-sse2" : "386-softfloat";
	case A_A64:
		return lvl >= 8 ? "arm64-v8.1" : "arm64-v8.0";
	default:
		return NULL;
	}
}

static int mask_level(uint64_t m)
{
	int l = 0;
	for (int x = 0; x < X_N; x++)
		if ((m & BIT(x)) && ext_info[x].level > l && (ext_info[x].level != 1 || l < 1))
			l = ext_info[x].level;
	return l;
}

/* Level of a declared string ("x86-64-v3", "386-sse2", "arm64-v8.1"). */
static int declared_level(const char *v)
{
	if (!v)
		return -1;
	if (strncmp(v, "x86-64-v", 8) == 0)
		return v[8] >= '2' && v[8] <= '4' ? v[8] - '0' : 0;
	if (strcmp(v, "386-sse2") == 0)
		return 1;
	if (strcmp(v, "386-softfloat") == 0)
		return 0;
	if (strncmp(v, "arm64-v", 7) == 0)
		return strcmp(v + 7, "8.0") > 0 ? 8 : 0;
	return -1;
}

static const char *fname(struct scan *s, const struct fn *f)
{
	if (f->name)
		return arena_strdup(s->a->arena, f->name);
	return arena_printf(s->a->arena, "?@%#llx", (unsigned long long)f->lo);
}

/* "prefix a, b, c (+N more)" with at most 40 names */
static const char *name_list(struct goabi_artifact *a, const char *prefix, const struct goabi_strv *sv)
{
	size_t len = strlen(prefix) + 32, n = sv->n < 40 ? sv->n : 40;
	for (size_t i = 0; i < n; i++)
		len += strlen(sv->v[i]) + 2;
	char *b = arena_alloc(a->arena, len);
	if (!b)
		return prefix;
	size_t at = (size_t)snprintf(b, len, "%s", prefix);
	for (size_t i = 0; i < n; i++)
		at += (size_t)snprintf(b + at, len - at, "%s%s", i ? ", " : "", sv->v[i]);
	if (sv->n > n)
		snprintf(b + at, len - at, " (+%zu more)", sv->n - n);
	return b;
}

static const char *ext_names(struct goabi_artifact *a, const struct goabi_strv *sv)
{
	const char *r = "";
	for (size_t i = 0; i < sv->n && i < 12; i++)
		r = arena_printf(a->arena, "%s%s%s", r, i ? " " : "", sv->v[i]);
	if (sv->n > 12)
		r = arena_printf(a->arena, "%s (+%zu more)", r, sv->n - 12);
	return r;
}

static void results(struct scan *s)
{
	struct goabi_artifact *a = s->a;
	struct goabi_isa *isa = &a->isa;
	bool detail = s->ev->opts && s->ev->opts->isa_detail;
	uint64_t used = 0, req = 0;
	size_t nreq[X_N] = { 0 }, ngd[X_N] = { 0 };
	const struct fn *first_req[X_N] = { 0 };
	for (size_t i = 0; i < s->nf; i++) {
		const struct fn *f = &s->f[i];
		if (!f->ext)
			continue;
		used |= f->ext;
		if (!(f->flags & F_GUARDED))
			req |= f->ext;
		for (int x = 0; x < X_N; x++) {
			if (!(f->ext & BIT(x)))
				continue;
			if (f->flags & F_GUARDED)
				ngd[x]++;
			else if (!nreq[x]++)
				first_req[x] = f;
		}
	}
	isa->nfuncs = s->nf;
	isa->functions_from = s->funcs_from;
	/* extensions, by level then name order of the table */
	size_t n = 0;
	for (int x = 0; x < X_N; x++)
		n += (used & BIT(x)) != 0;
	isa->exts = n ? arena_alloc(a->arena, n * sizeof(*isa->exts)) : NULL;
	if (n && !isa->exts)
		return;
	static const int order[] = { 2, 3, 4, 1, 8, 0 };
	for (size_t oi = 0; oi < sizeof(order) / sizeof(order[0]); oi++) {
		for (int x = 0; x < X_N; x++) {
			if (!(used & BIT(x)) || ext_info[x].level != order[oi])
				continue;
			struct goabi_isa_ext *e = &isa->exts[isa->nexts++];
			e->name = ext_info[x].name;
			e->level = ext_info[x].level ? level_name(s->arch, ext_info[x].level) : NULL;
			e->nrequired = nreq[x];
			e->nguarded = ngd[x];
			strv_push(a->arena, &isa->extensions, e->name);
			if (!detail)
				continue;
			for (size_t i = 0; i < s->nf; i++) {
				const struct fn *f = &s->f[i];
				if (!(f->ext & BIT(x)))
					continue;
				struct goabi_strv *sv = (f->flags & F_GUARDED) ? &e->guarded_in : &e->required_by;
				if (sv->n < GOABI_MAX_LIST)
					strv_push(a->arena, sv, fname(s, f));
			}
		}
	}
	/* guards recognised */
	for (size_t i = 0; i < s->nfl && isa->guards.n < 64; i++)
		strv_push(a->arena, &isa->guards,
			  arena_printf(a->arena, "%#llx+%llu %s", (unsigned long long)s->fl[i].lo,
				       (unsigned long long)(s->fl[i].hi - s->fl[i].lo), s->fl[i].what));
	/* facts */
	int lu = mask_level(used), lr = mask_level(req);
	size_t nlisted = 0;
	for (size_t i = 0; i < s->nf; i++)
		if ((s->f[i].flags & F_LISTED) && mask_level(s->f[i].ext) > 0)
			nlisted++;
	const char *why = s->nfl || !req ? "" : "; no CPU-feature variable found, so only CPUID, ifunc and caller guards count";
	if (nlisted)
		why = arena_printf(a->arena, "%s; %zu functions (crypto/aes, Go GC AVX-512 kernels, runtime.asyncPreempt) counted as guarded by the fallback list", why,
				   nlisted);
	fact_set(a, &isa->used, GOABI_KNOWN, level_name(s->arch, lu),
		 "disassembly of %llu bytes of code in %llu functions (from %s)%s%s",
		 (unsigned long long)isa->text_bytes, (unsigned long long)s->nf, s->funcs_from,
		 n ? ": " : ", no extension beyond the baseline", n ? ext_names(a, &isa->extensions) : "");
	const char *reqev;
	int top = -1;
	for (int x = 0; x < X_N; x++)
		if ((req & BIT(x)) && ext_info[x].level == lr && lr && top < 0)
			top = x;
	if (top >= 0)
		reqev = arena_printf(a->arena, "unguarded %s in %s%s%s", ext_info[top].name, fname(s, first_req[top]),
				     nreq[top] > 1 ? arena_printf(a->arena, " and %zu more functions", nreq[top] - 1) : "",
				     why);
	else
		reqev = arena_printf(a->arena, "no unguarded extension beyond the baseline%s%s",
				     used ? " (extensions only behind CPU-feature checks)" : "", why);
	int dl = declared_level(isa->declared.value);
	bool go_check = a->isa.declared.evidence && strstr(a->isa.declared.evidence, "GOAMD64");
	if (go_check && dl > lr && s->arch == A_X64) {
		/* runtime/asm_amd64.s refuses to start below GOAMD64 */
		fact_set(a, &isa->required, GOABI_KNOWN, isa->declared.value,
			 "the Go runtime checks GOAMD64=v%d at start-up (runtime/asm_amd64.s); the code alone needs %s: %s",
			 dl, level_name(s->arch, lr), reqev);
	} else {
		fact_set(a, &isa->required, GOABI_INFERRED, level_name(s->arch, lr), "%s", reqev);
	}
	if (dl >= 0 && lr > dl && top >= 0)
		strv_push(a->arena, &isa->conflicts,
			  arena_printf(a->arena, "declares %s (%s) but %s needs %s (%s, unguarded)",
				       isa->declared.value, isa->declared.evidence ? isa->declared.evidence : "",
				       fname(s, first_req[top]), level_name(s->arch, lr), ext_info[top].name));
	/* detail lines */
	for (size_t i = 0; i < isa->nexts; i++) {
		const struct goabi_isa_ext *e = &isa->exts[i];
		strv_push(a->arena, &isa->detail,
			  arena_printf(a->arena, "%s%s%s%s: %zu unguarded, %zu guarded functions", e->name,
				       e->level ? " (" : "", e->level ? e->level : "", e->level ? ")" : "",
				       e->nrequired, e->nguarded));
		if (e->required_by.n)
			strv_push(a->arena, &isa->detail, name_list(a, "  unguarded: ", &e->required_by));
		if (e->guarded_in.n)
			strv_push(a->arena, &isa->detail, name_list(a, "  guarded:   ", &e->guarded_in));
	}
}

void isa_scan(struct elfview *ev)
{
	struct goabi_artifact *a = ev->a;
	struct scan s = { 0 };
	s.ev = ev;
	s.a = a;
	switch (ev->eh.e_machine) {
	case EM_X86_64: s.arch = ev->ptrsize == 8 ? A_X64 : A_NONE; break;
	case EM_386: s.arch = A_X32; break;
	case EM_AARCH64: s.arch = ev->be ? A_NONE : A_A64; break;
	default: s.arch = A_NONE; break;
	}
	if (s.arch == A_NONE)
		return;
	s.go = a->go.toolchain.value && strcmp(a->go.toolchain.value, "none") != 0;
	find_regions(&s);
	if (!s.nrg)
		goto out;
	read_relocs(&s);
	got_flags(&s);
	find_functions(&s);
	if (s.oom)
		goto out;
	if (s.arch != A_A64) {
		s.cs_ok = x86_dis_open(&s.dis, s.arch == A_X64);
		if (!s.cs_ok)
			diag_add(a, GOABI_DIAG_WARNING, "capstone is unusable: extensions are not classified");
	}
	/* flags from the code: initialisers by name; without them (C), the
	 * functions executing CPUID (found by their opcode bytes) */
	bool seeded = false;
	for (size_t i = 0; i < s.nf; i++)
		if (s.f[i].flags & F_SEED) {
			harvest(&s, &s.f[i], true);
			seeded = true;
		}
	if (!seeded && !s.go && s.arch != A_A64) {
		for (size_t k = 0; k < s.nrg; k++) {
			const struct region *r = &s.rg[k];
			size_t off = 0;
			while (off + 1 < r->n) {
				const uint8_t *q = memchr(r->p + off, 0x0f, r->n - off - 1);
				if (!q)
					break;
				off = (size_t)(q - r->p) + 1;
				if (q[1] != 0xa2)
					continue;
				struct fn *f = fn_at(&s, r->addr + (uint64_t)(q - r->p));
				if (!f || (f->flags & F_CPUID))
					continue;
				/* confirm on an instruction boundary */
				for (uint64_t at = f->lo; at < f->hi;) {
					struct x86_ins d;
					size_t o = (size_t)(at - r->addr);
					if (!s.cs_ok)
						break;
					if (!x86_next(&s.dis, r->p + o, r->n - o, at, &d)) {
						at++;
						continue;
					}
					if (d.id == X86_INS_CPUID) {
						f->flags |= F_CPUID;
						break;
					}
					at += d.len;
				}
				if (f->flags & F_CPUID)
					harvest(&s, f, true);
			}
		}
	}
	for (int round = 0; round < 2 && s.nfl; round++) {
		size_t before = s.nfl;
		for (size_t i = 0; i < s.nf; i++)
			if (s.f[i].flags & F_INIT)
				harvest(&s, &s.f[i], false);
		if (s.nfl == before)
			break;
	}
	flag_at(&s, 0); /* sort */
	if (s.arch == A_A64)
		pass_a64(&s);
	else
		pass_x86(&s);
	dead_code(&s);
	guards(&s);
	guarded_writers(&s);
	fallback_list(&s);
	if (!s.oom) {
		a->isa.scanned = true;
		results(&s);
	}
out:
	if (s.oom)
		diag_add(a, GOABI_DIAG_WARNING, "isa scan: out of memory, results incomplete");
	if (s.cs_ok)
		x86_dis_close(&s.dis);
	for (size_t k = 0; k < s.nrg; k++)
		free(s.rg[k].rel);
	free(s.rg);
	free(s.sec);
	free(s.f);
	free(s.fl);
	free(s.edge);
	free(s.acc);
}
