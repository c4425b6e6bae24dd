/* ISA scan, guards: CPU-feature variables (by symbol, GOT slot, from the
 * initialisers' code, propagated through package inits and guarded
 * writers) and which functions run only behind a CPU-feature check. */
#include <stdlib.h>
#include <string.h>
#include "facts/isa_priv.h"

/* Linked objects: a GOT slot or data word that the dynamic linker fills
 * with the address of a CPU-feature variable (R_*_GLOB_DAT / R_*_64 against
 * _rtld_global_ro, __cpu_model, internal/cpu.X86 in a shared library) is
 * a CPU-feature variable too: code reaches the variable through it. */
void isa_got_flags(struct scan *s)
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
			if (!ev_reloc(data, sh.sh_type, i, &ra))
				break;
			uint64_t off = ra.r_offset, symi = GELF_R_SYM(ra.r_info);
			GElf_Sym sym;
			if (!symi || !gelf_getsym(symdata, (int)symi, &sym))
				continue;
			const char *nm = elf_strptr(ev->elf, symsh.sh_link, sym.st_name);
			if (nm && isa_flag_symbol(nm))
				isa_add_flag(s, off, (uint64_t)ev->ptrsize, arena_printf(s->a->arena, "GOT slot of %s", nm));
		}
	}
}

/* ---- CPU-feature variables ---- */

void isa_add_flag(struct scan *s, uint64_t lo, uint64_t size, const char *what)
{
	if (!size || size > 4096 || size > UINT64_MAX - lo || s->nfl >= 4096)
		return;
	for (size_t i = 0; i < s->nfl; i++)
		if (s->fl[i].lo <= lo && lo <= s->fl[i].hi && size <= s->fl[i].hi - lo)
			return;
	if (!isa_grow(s, &s->fl, &s->capfl, s->nfl + 1, sizeof(*s->fl)))
		return;
	s->fl[s->nfl++] = (struct range){ lo, lo + size, what };
	s->fl_sorted = false;
}

static int cmp_range(const void *x, const void *y)
{
	const struct range *a = x, *b = y;
	return a->lo < b->lo ? -1 : a->lo > b->lo;
}

const struct range *isa_flag_at(struct scan *s, uint64_t addr)
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
bool isa_flag_symbol(const char *n)
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
bool isa_seed_name(const char *n)
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
bool isa_init_name(const char *n)
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
	const struct region *r = isa_region_of(s, f->lo);
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
			if (!isa_a64_step(&regs, w, a, &t, &st, &sz))
				continue;
			if (!st && isa_flag_at(s, t))
				since = 0;
			else if (st && (all_stores || (since < 32 && sz == 1)) && !isa_region_of(s, t))
				isa_add_flag(s, t, sz, what);
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
		if (isa_x86_target(s, r, a, &d, &t) && !isa_region_of(s, t)) {
			if (all_stores && d.id == X86_INS_LEA && writable(s, t)) {
				/* &X86.HasAVX2 in internal/cpu's options table */
				isa_add_flag(s, t, 1, what);
			} else if (isa_x86_is_store(&d)) {
				unsigned sz = d.memsize;
				if (sz && (all_stores ? (sz == 1 || sz == 4 || s->go) : (since < 32 && sz == 1)))
					isa_add_flag(s, t, sz, what);
			} else if (isa_flag_at(s, t)) {
				since = 0;
			}
		}
		a += d.len;
	}
}

/* Flags from the code: the initialisers found by name; without them (C),
 * the functions executing CPUID (found by their opcode bytes); then the
 * package inits that store a byte shortly after reading a flag. */
void isa_code_flags(struct scan *s)
{
	bool seeded = false;
	for (size_t i = 0; i < s->nf; i++)
		if (s->f[i].flags & F_SEED) {
			harvest(s, &s->f[i], true);
			seeded = true;
		}
	if (!seeded && !s->go && s->arch != A_A64) {
		for (size_t k = 0; k < s->nrg; k++) {
			const struct region *r = &s->rg[k];
			size_t off = 0;
			while (off + 1 < r->n) {
				const uint8_t *q = memchr(r->p + off, 0x0f, r->n - off - 1);
				if (!q)
					break;
				off = (size_t)(q - r->p) + 1;
				if (q[1] != 0xa2)
					continue;
				struct fn *f = isa_fn_at(s, r->addr + (uint64_t)(q - r->p));
				if (!f || (f->flags & F_CPUID))
					continue;
				/* confirm on an instruction boundary */
				for (uint64_t at = f->lo; at < f->hi;) {
					struct x86_ins d;
					size_t o = (size_t)(at - r->addr);
					if (!s->cs_ok)
						break;
					if (!x86_next(&s->dis, r->p + o, r->n - o, at, &d)) {
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
					harvest(s, f, true);
			}
		}
	}
	for (int round = 0; round < 2 && s->nfl; round++) {
		size_t before = s->nfl;
		for (size_t i = 0; i < s->nf; i++)
			if (s->f[i].flags & F_INIT)
				harvest(s, &s->f[i], false);
		if (s->nfl == before)
			break;
	}
	isa_flag_at(s, 0); /* sort */
}

void isa_mark_flag(struct scan *s, struct fn *f, uint64_t t)
{
	if (isa_flag_at(s, t)) {
		if (!(f->flags & F_FLAGLOAD))
			f->flag_at = t;
		f->flags |= F_FLAGLOAD;
	}
}

static int cmp_edge_callee(const void *x, const void *y)
{
	const uint32_t *a = x, *b = y;
	if (a[1] != b[1])
		return a[1] < b[1] ? -1 : 1;
	return a[0] < b[0] ? -1 : a[0] > b[0];
}

void isa_guards(struct scan *s)
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
void isa_guarded_writers(struct scan *s)
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
			if (any && all && !isa_flag_at(s, s->acc[i].t) && writable(s, s->acc[i].t)) {
				const struct fn *w = NULL;
				for (size_t k = i; k < j && !w; k++)
					if (s->acc[k].store)
						w = &s->f[s->acc[k].fn];
				isa_add_flag(s, s->acc[i].t, 1,
					 arena_printf(s->a->arena, "stored only by guarded code (%s)",
						      w && w->name ? w->name : "?"));
				for (size_t k = i; k < j; k++)
					if (!s->acc[k].store)
						isa_mark_flag(s, &s->f[s->acc[k].fn], s->acc[k].t);
				added++;
			}
			i = j;
		}
		if (!added)
			break;
		isa_guards(s);
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

void isa_fallback_list(struct scan *s)
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
