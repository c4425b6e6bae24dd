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
 *  4. one pass over the code: x86 by isa_x86fast.c for the common plain
 *     instructions, else capstone (isa_x86.c: detail only for ids that may
 *     be extensions), arm64 by encoding; per function
 *     the extensions used, whether it reads a flag, executes CPUID, direct
 *     calls, and for ifunc resolvers the functions whose address they take;
 *  5. guarded = reads a flag, executes CPUID, is a CPU-feature initialiser
 *     or an ifunc resolver/target, or is only ever called directly from
 *     guarded functions. Granularity is the function. */
#include <stdlib.h>
#include <string.h>
#include "facts/isa_priv.h"

bool isa_grow(struct scan *s, void *arrp, size_t *cap, size_t need, size_t esz)
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
	if (ev->eh.e_type != ET_REL)
		s.entry = ev->eh.e_entry;
	isa_find_regions(&s);
	if (!s.nrg)
		goto out;
	isa_read_relocs(&s);
	isa_got_flags(&s);
	isa_find_functions(&s);
	if (s.oom)
		goto out;
	if (s.arch != A_A64) {
		s.cs_ok = x86_dis_open(&s.dis, s.arch == A_X64);
		if (!s.cs_ok)
			diag_add(a, GOABI_DIAG_WARNING, "capstone is unusable: extensions are not classified");
	}
	isa_code_flags(&s);
	if (s.arch == A_A64)
		isa_pass_a64(&s);
	else
		isa_pass_x86(&s);
	isa_dead_code(&s);
	isa_guards(&s);
	isa_guarded_writers(&s);
	isa_fallback_list(&s);
	isa_prove(&s);
	if (!s.oom) {
		a->isa.scanned = true;
		isa_results(&s);
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
	free(s.via);
	free(s.acc);
}
