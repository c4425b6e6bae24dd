/* ISA scan, guards: CPU-feature variables (by symbol, GOT slot, from the
 * initialisers' code, propagated through package inits and guarded
 * writers) and which functions run only behind a CPU-feature check. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

bool isa_root_name(const char *n)
{
	return strcmp(n, "main") == 0 || strcmp(n, "main.main") == 0 || strcmp(n, "runtime.main") == 0;
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

/* Go packages (the runtime aside) with a function executing CPUID or
 * XGETBV, sorted; defined with the proof below. */
struct pkgname {
	const char *n;
	size_t len;
};
static size_t go_pkg_len(const char *n);
static int cmp_pkg(const void *x, const void *y);
static size_t detection_packages(struct scan *s, struct pkgname **out);

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
		if (d.id == X86_INS_CALL && d.direct) {
			/* hasBMI2 = x86extensions() (klauspost/compress's
			 * cpuinfo.init), haveSIMD = haveSSE4_1() (x/image/vector):
			 * the answer of a function executing CPUID */
			const struct fn *g = isa_fn_at(s, d.target);
			since = g && (g->flags & F_CPUID) ? 0 : 1000;
		}
		if (isa_x86_target(s, r, a, &d, &t) && !isa_region_of(s, t)) {
			if (all_stores && d.id == X86_INS_LEA && writable(s, t)) {
				/* &X86.HasAVX2 in internal/cpu's options table */
				isa_add_flag(s, t, 1, what);
			} else if (isa_x86_is_store(&d)) {
				unsigned sz = d.memsize;
				/* Go inits: a bool, or an enum of implementations
				 * (minio/sha256-simd's blockfunc = blockfuncSha) */
				if (sz && (all_stores ? (sz == 1 || sz == 4 || s->go) : (since < 32 && (sz == 1 || s->go))))
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
		if (s->f[i].flags & F_SEED)
			seeded = true;
	/* functions executing CPUID (0F A2) or XGETBV (0F 01 D0), found by
	 * their bytes and confirmed on an instruction boundary: initialisers
	 * in C without the names above; in Go, the package inits below take
	 * their answer */
	if (s->arch != A_A64 && s->cs_ok) {
		for (size_t k = 0; k < s->nrg; k++) {
			const struct region *r = &s->rg[k];
			size_t off = 0;
			while (off + 1 < r->n) {
				const uint8_t *q = memchr(r->p + off, 0x0f, r->n - off - 1);
				if (!q)
					break;
				off = (size_t)(q - r->p) + 1;
				bool xgetbv = q[1] == 0x01 && off + 1 < r->n && q[2] == 0xd0;
				if (q[1] != 0xa2 && !xgetbv)
					continue;
				struct fn *f = isa_fn_at(s, r->addr + (uint64_t)(q - r->p));
				if (!f || (f->flags & F_CPUID))
					continue;
				bool cpuid = false;
				for (uint64_t at = f->lo; at < f->hi;) {
					struct x86_ins d;
					size_t o = (size_t)(at - r->addr);
					if (!x86_next(&s->dis, r->p + o, r->n - o, at, &d)) {
						at++;
						continue;
					}
					if (d.id == X86_INS_CPUID || d.id == X86_INS_XGETBV) {
						f->flags |= F_CPUID;
						cpuid = d.id == X86_INS_CPUID;
						break;
					}
					at += d.len;
				}
				if (cpuid && !seeded && !s->go)
					harvest(s, f, true);
			}
		}
	}
	/* the initialisers by name; in Go also every function of a package
	 * that detects CPU features itself (klauspost/cpuid's Detect filling
	 * cpuid.CPU, klauspost/compress's cpuinfo.init), runtime aside */
	struct pkgname *det = NULL;
	size_t ndet = s->go ? detection_packages(s, &det) : 0;
	for (size_t i = 0; i < s->nf; i++) {
		struct fn *f = &s->f[i];
		size_t l;
		if ((f->flags & F_SEED) ||
		    (ndet && f->name && (l = go_pkg_len(f->name)) &&
		     bsearch(&(struct pkgname){ f->name, l }, det, ndet, sizeof(*det), cmp_pkg)))
			harvest(s, f, true);
	}
	free(det);
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

static void detection_callers(struct scan *s);

static int cmp_edge_callee(const void *x, const void *y)
{
	const uint32_t *a = x, *b = y;
	if (a[1] != b[1])
		return a[1] < b[1] ? -1 : 1;
	return a[0] < b[0] ? -1 : a[0] > b[0];
}

void isa_guards(struct scan *s)
{
	/* a direct caller of a function executing CPUID tests its answer
	 * (klauspost/cpuid's Detect, x/image/vector's init, a C cpu_has_avx2()) */
	for (size_t i = 0; i < s->ne; i++)
		if (!(s->edge[i][0] & EDGE_ADDR) && (s->f[s->edge[i][1]].flags & F_CPUID))
			s->f[s->edge[i][0]].flags |= F_CPUID_CALL;
	if (s->go)
		detection_callers(s);
	for (size_t i = 0; i < s->nf; i++)
		if (s->f[i].flags & (F_FLAGLOAD | F_CPUID | F_CPUID_CALL | F_SEED | F_RESOLVER | F_IFUNC_TARGET))
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
				if (!(s->f[EDGE_FN(s->edge[j][0])].flags & F_GUARDED))
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

/* ---- proof: code that runs without a CPU-feature test ---- */

/* The package of a Go symbol ("github.com/a/b.(*T).m" -> "github.com/a/b",
 * generic instantiations' brackets left out): its length, 0 when the name
 * has no package part. */
static size_t go_pkg_len(const char *n)
{
	size_t end = strcspn(n, "[");
	size_t slash = 0;
	for (size_t i = 0; i < end; i++)
		if (n[i] == '/')
			slash = i + 1;
	for (size_t i = slash; i < end; i++)
		if (n[i] == '.')
			return i;
	return 0;
}

static bool lower(char c) { return c >= 'a' && c <= 'z'; }
static bool upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool alpha(char c) { return lower(c) || upper(c); }

/* A function name that says it is the variant for an extension, as a word
 * of its own: sequenceDecs_decode_bmi2, fixedAccumulateOpOverSIMD,
 * _galMulAVX512Parallel81, blockAVX2, memchr_sse2 (not "classes",
 * "assert", "ASSERT"). */
static bool names_extension(const char *n)
{
	static const char *const marks[] = { "avx", "bmi", "sse", "ssse", "simd", "fma", "f16c", "lzcnt", "popcnt",
					     "movbe", "evex", "vex", "gfni", "vaes", "pclmul", "clmul", "adx" };
	for (const char *p = n; *p; p++) {
		if (!alpha(*p) || (p > n && alpha(p[-1]) && !(upper(*p) && lower(p[-1]))))
			continue; /* not the start of a word */
		for (size_t k = 0; k < sizeof(marks) / sizeof(marks[0]); k++) {
			size_t m = strlen(marks[k]);
			if (strncasecmp(p, marks[k], m) != 0)
				continue;
			char next = p[m];
			if (!alpha(next) || (upper(next) && (lower(p[m - 1]) || lower(p[m + 1]))))
				return true;
		}
	}
	return false;
}

static int cmp_pkg(const void *x, const void *y)
{
	const struct pkgname *a = x, *b = y;
	size_t m = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->n, b->n, m);
	return c ? c : a->len < b->len ? -1 : a->len > b->len;
}

/* Go: hand-written assembly is selected by Go code that tests a CPU
 * feature somewhere goabi may not see (a bool in a struct, a function
 * value, an interface). Functions using an extension that are named for
 * one, or that sit in a package where some function tests a CPU feature,
 * are never proven to run unguarded. */
static void mark_dispatch(struct scan *s)
{
	struct pkgname *pk = NULL;
	size_t np = 0, cap = 0;
	for (size_t i = 0; i < s->nf; i++) {
		const struct fn *f = &s->f[i];
		size_t l;
		if (!f->name || !(f->flags & (F_FLAGLOAD | F_CPUID | F_CPUID_CALL | F_SEED)) || !(l = go_pkg_len(f->name)))
			continue;
		if (!isa_grow(s, &pk, &cap, np + 1, sizeof(*pk)))
			break;
		pk[np++] = (struct pkgname){ f->name, l };
	}
	if (np)
		qsort(pk, np, sizeof(*pk), cmp_pkg);
	/* what GOAMD64 allows is the compiler's own code, not a variant */
	int dl = isa_declared_level(s->a->isa.declared.value);
	for (size_t i = 0; i < s->nf; i++) {
		struct fn *f = &s->f[i];
		size_t l;
		if (!f->ext || !f->name || (f->flags & F_GUARDED) || isa_mask_level(f->ext) <= dl ||
		    !(l = go_pkg_len(f->name)))
			continue;
		struct pkgname key = { f->name, l };
		if (names_extension(f->name + l) || (np && bsearch(&key, pk, np, sizeof(*pk), cmp_pkg)))
			f->flags |= F_DISPATCH;
	}
	free(pk);
}

/* Go: a package (other than the runtime, whose rt0_go checks the CPU at
 * start-up) that executes CPUID or XGETBV itself detects CPU features:
 * internal/cpu, golang.org/x/sys/cpu, github.com/klauspost/cpuid, a
 * package with its own cpuid assembly. A function of another package
 * calling into it asks for a CPU feature (cpuid.CPU.Supports(cpuid.AVX2),
 * whose answer lives in a struct goabi cannot name in a stripped binary). */
static size_t detection_packages(struct scan *s, struct pkgname **out)
{
	struct pkgname *pk = NULL;
	size_t np = 0, cap = 0;
	for (size_t i = 0; i < s->nf; i++) {
		const struct fn *f = &s->f[i];
		size_t l;
		if (!f->name || !(f->flags & F_CPUID) || !(l = go_pkg_len(f->name)) ||
		    (l == 7 && memcmp(f->name, "runtime", 7) == 0))
			continue;
		if (!isa_grow(s, &pk, &cap, np + 1, sizeof(*pk)))
			break;
		pk[np++] = (struct pkgname){ f->name, l };
	}
	if (np)
		qsort(pk, np, sizeof(*pk), cmp_pkg);
	*out = pk;
	return np;
}

static void detection_callers(struct scan *s)
{
	struct pkgname *pk = NULL;
	size_t np = detection_packages(s, &pk);
	if (!np) {
		free(pk);
		return;
	}
	for (size_t i = 0; i < s->ne; i++) {
		if (s->edge[i][0] & EDGE_ADDR)
			continue;
		struct fn *from = &s->f[s->edge[i][0]];
		const struct fn *to = &s->f[s->edge[i][1]];
		size_t lt = to->name ? go_pkg_len(to->name) : 0, lf = from->name ? go_pkg_len(from->name) : 0;
		if (!lt || (lf == lt && memcmp(from->name, to->name, lt) == 0))
			continue;
		struct pkgname key = { to->name, lt };
		if (bsearch(&key, pk, np, sizeof(*pk), cmp_pkg))
			from->flags |= F_CPUID_CALL;
	}
	free(pk);
}

/* A function using extensions above the declared level whose every direct
 * caller uses none of that level (the caller was compiled for the baseline,
 * the callee with __attribute__((target("avx2"))), #[target_feature] or
 * GCC's function multi-versioning) is a variant that a dispatcher selects:
 * a switch on an implementation chosen after a CPU test when the object was
 * built (Rust's regex and aho-corasick searchers, zstd's *_bmi2 decoders
 * behind dctx->bmi2). Compilers do not inline such a function into a
 * caller built for less. Counted only when an entry point (main) calls it
 * directly. Edges are sorted by callee (isa_guards). */
static void mark_variants(struct scan *s)
{
	int dl = isa_declared_level(s->a->isa.declared.value);
	for (size_t i = 0; i < s->ne;) {
		size_t j = i;
		uint32_t callee = s->edge[i][1];
		struct fn *g = &s->f[callee];
		int lg = isa_mask_level(g->ext);
		bool variant = lg > dl && lg > 0 && !(g->flags & (F_GUARDED | F_ROOT)), any = false;
		for (; j < s->ne && s->edge[j][1] == callee; j++) {
			if (!variant || (s->edge[j][0] & EDGE_ADDR))
				continue;
			const struct fn *f = &s->f[s->edge[j][0]];
			any = true;
			if (isa_mask_level(f->ext) >= lg || (f->flags & F_ROOT))
				variant = false;
		}
		if (variant && any)
			g->flags |= F_VARIANT;
		i = j;
	}
}

static int cmp_edge_caller(const void *x, const void *y)
{
	const uint32_t *a = x, *b = y;
	uint32_t ca = EDGE_FN(a[0]), cb = EDGE_FN(b[0]);
	if (ca != cb)
		return ca < cb ? -1 : 1;
	return a[1] < b[1] ? -1 : a[1] > b[1];
}

struct prove {
	struct scan *s;
	uint32_t (*out)[2]; /* edges sorted by caller */
	uint32_t *q;
	size_t nq;
};

static void prove_push(struct prove *p, size_t i, size_t from)
{
	struct fn *f = &p->s->f[i];
	if (f->flags & (F_GUARDED | F_PROVEN | F_DISPATCH | F_VARIANT))
		return;
	f->flags |= F_PROVEN;
	p->s->via[i] = (uint32_t)from;
	p->q[p->nq++] = (uint32_t)i;
}

/* Edges out of function i: [*lo, *hi) of p->out. */
static void out_edges(const struct prove *p, size_t i, size_t *lo, size_t *hi)
{
	size_t a = 0, b = p->s->ne;
	while (a < b) {
		size_t mid = (a + b) / 2;
		if (EDGE_FN(p->out[mid][0]) < i)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	while (a < p->s->ne && EDGE_FN(p->out[a][0]) == i)
		a++;
	*hi = a;
}

/* Roots through taken addresses: what the entry point passes on (main, to
 * __libc_start_main), and what those pass on (Rust's main function, to
 * std::rt::lang_start); only from unguarded functions. */
static void root_addr_targets(struct prove *p, size_t i, int depth)
{
	struct scan *s = p->s;
	if (s->f[i].flags & F_GUARDED)
		return;
	size_t lo, hi;
	out_edges(p, i, &lo, &hi);
	for (size_t e = lo; e < hi; e++) {
		if (!(p->out[e][0] & EDGE_ADDR))
			continue;
		size_t t = p->out[e][1];
		s->f[t].flags |= F_ROOT;
		if (depth > 1)
			root_addr_targets(p, t, depth - 1);
	}
}

/* Constructors: the function addresses in .preinit_array and .init_array. */
static void root_init_array(struct scan *s)
{
	static const char *const secs[] = { ".preinit_array", ".init_array" };
	for (size_t k = 0; k < 2 && s->ev->sections_ok; k++) {
		GElf_Shdr sh;
		const uint8_t *b;
		size_t n;
		if (!ev_section(s->ev, secs[k], &sh) || !ev_section_bytes(s->ev, &sh, &b, &n))
			continue;
		size_t w = (size_t)s->ev->ptrsize;
		for (size_t off = 0; off + w <= n && off < 65536; off += w) {
			uint64_t a = w == 8 ? rd64(b + off, s->ev->be) : rd32(b + off, s->ev->be);
			struct fn *f = a ? isa_fn_at(s, a) : NULL;
			if (f && f->lo == a)
				f->flags |= F_ROOT;
		}
	}
}

void isa_prove(struct scan *s)
{
	if (!s->nf || s->oom)
		return;
	struct prove p = { s, NULL, NULL, 0 };
	s->via = malloc(s->nf * sizeof(*s->via));
	p.q = malloc(s->nf * sizeof(*p.q));
	p.out = s->ne ? malloc(s->ne * sizeof(*p.out)) : NULL;
	if (!s->via || !p.q || (s->ne && !p.out)) {
		s->oom = true;
		goto out;
	}
	if (s->ne) {
		memcpy(p.out, s->edge, s->ne * sizeof(*p.out));
		qsort(p.out, s->ne, sizeof(*p.out), cmp_edge_caller);
	}
	/* roots: exports and main by name (isa_funcs.c), Go package inits,
	 * the entry point and what it passes on, constructors */
	for (size_t i = 0; i < s->nf; i++)
		if (s->go && (s->f[i].flags & F_INIT))
			s->f[i].flags |= F_ROOT;
	struct fn *e = s->entry ? isa_fn_at(s, s->entry) : NULL;
	if (e) {
		e->flags |= F_ROOT;
		root_addr_targets(&p, (size_t)(e - s->f), 2);
	}
	for (size_t i = 0; i < s->nf; i++)
		if (s->f[i].name && strcmp(s->f[i].name, "main") == 0)
			root_addr_targets(&p, i, 1);
	root_init_array(s);
	if (s->go)
		mark_dispatch(s);
	mark_variants(s);
	for (size_t i = 0; i < s->nf; i++)
		if (s->f[i].flags & F_ROOT)
			prove_push(&p, i, i);
	/* breadth first along direct calls and jumps */
	for (size_t h = 0; h < p.nq; h++) {
		size_t i = p.q[h], lo, hi;
		out_edges(&p, i, &lo, &hi);
		for (size_t k = lo; k < hi; k++)
			if (!(p.out[k][0] & EDGE_ADDR))
				prove_push(&p, p.out[k][1], i);
	}
out:
	free(p.q);
	free(p.out);
}
