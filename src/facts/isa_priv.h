/* Private interface between the parts of the ISA scan (isa_scan.c drives
 * them; docs/isa.md):
 *   isa_regions.c  which bytes are code, ET_REL relocations
 *   isa_funcs.c    function discovery (symbols, pclntab, .eh_frame, holes)
 *   isa_guards.c   CPU-feature variables and guarded functions
 *   isa_x86pass.c  the threaded x86 pass (isa_x86.c decodes), dead code
 *   isa_arm64.c    the arm64 pass (decoded by encoding)
 *   isa_results.c  levels, evidence and detail lines */
#ifndef GOABI_ISA_PRIV_H
#define GOABI_ISA_PRIV_H

#include "facts/isa_scan.h"

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
	F_ROOT = 1024,       /* an entry: main, an export, a constructor ... */
	F_PROVEN = 2048,     /* reached from a root by direct calls, no guard on the way */
	F_CPUID_CALL = 4096, /* calls a function that executes CPUID (and tests its result) */
	F_DISPATCH = 8192,   /* Go: named for an extension, or in a package with a feature test */
	F_VARIANT = 16384,   /* compiled for a higher level than every caller: a target("avx2") variant */
};

/* Call-graph edges are {caller, callee} function indexes; a caller with
 * EDGE_ADDR only takes the callee's address (LEA, MOV imm) */
#define EDGE_ADDR (1u << 31)
#define EDGE_FN(x) ((x) & ~EDGE_ADDR)

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
	uint32_t (*edge)[2]; /* sorted by callee after isa_guards */
	size_t ne, cape;
	uint64_t entry;      /* e_entry, 0 when none (objects, libraries without one) */
	uint32_t *via;       /* isa_prove: the function each proven one was reached from */
	/* byte-sized global accesses: {function index, address}, for flags
	 * written only by guarded code (runtime.useAeshash) */
	struct bacc { uint32_t fn; uint32_t store; uint64_t t; } *acc;
	size_t nacc, capacc;
	struct x86_dis dis;
	bool cs_ok;
	bool oom;
	const char *funcs_from;
};

/* Grow *arrp (of *cap elements of esz bytes) to hold need; false (and
 * s->oom) when it cannot. */
bool isa_grow(struct scan *s, void *arrp, size_t *cap, size_t need, size_t esz);

/* The function containing addr (s->f sorted, non-overlapping), or NULL. */
static inline struct fn *isa_fn_at(struct scan *s, uint64_t addr)
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

/* The code region containing addr, or NULL. */
static inline const struct region *isa_region_of(const struct scan *s, uint64_t addr)
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

/* regions (isa_regions.c) */
void isa_find_regions(struct scan *s);
void isa_read_relocs(struct scan *s);

/* functions (isa_funcs.c) */
void isa_find_functions(struct scan *s);

/* CPU-feature variables and guards (isa_guards.c) */
void isa_got_flags(struct scan *s);
void isa_add_flag(struct scan *s, uint64_t lo, uint64_t size, const char *what);
/* The CPU-feature variable containing addr; sorts s->fl on first use. */
const struct range *isa_flag_at(struct scan *s, uint64_t addr);
bool isa_flag_symbol(const char *n);
bool isa_seed_name(const char *n);
bool isa_init_name(const char *n);
/* Where a program starts by name: main, main.main, runtime.main. */
bool isa_root_name(const char *n);
/* Flags from the initialisers' code, the CPUID functions and package inits. */
void isa_code_flags(struct scan *s);
void isa_mark_flag(struct scan *s, struct fn *f, uint64_t t);
void isa_guards(struct scan *s);
void isa_guarded_writers(struct scan *s);
void isa_fallback_list(struct scan *s);
/* Which unguarded functions are proven to run without a CPU-feature test
 * (F_PROVEN): reached from a root by direct calls through unguarded code. */
void isa_prove(struct scan *s);

/* x86 (isa_x86pass.c) */
bool isa_x86_target(const struct scan *s, const struct region *r, uint64_t addr, const struct x86_ins *d,
		    uint64_t *t);
bool isa_x86_is_store(const struct x86_ins *d);
void isa_pass_x86(struct scan *s);
void isa_dead_code(struct scan *s);

/* arm64 (isa_arm64.c) */
struct a64regs {
	uint64_t v[32];
	uint32_t known;
};
/* Track ADRP/ADD address materialisation; for loads/stores with an
 * unsigned immediate offset, return the address (and whether it stores). */
bool isa_a64_step(struct a64regs *r, uint32_t w, uint64_t pc, uint64_t *t, bool *store, unsigned *size);
void isa_pass_a64(struct scan *s);

/* results (isa_results.c) */
void isa_results(struct scan *s);
/* Level of an extension mask / of a declared level name, as used in
 * isa_results.c (2-4 x86-64-vN, 1 386-sse2, 8 arm64-v8.1); -1 for a
 * declared name it does not know. */
int isa_mask_level(uint64_t m);
int isa_declared_level(const char *v);

#endif
