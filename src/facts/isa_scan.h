/* Internal interface of the ISA scan (isa.c drives it). */
#ifndef GOABI_ISA_SCAN_H
#define GOABI_ISA_SCAN_H

#include <capstone/capstone.h>
#include "facts/facts.h"

/* Instruction-set extensions the scan reports (levels in isa_results.c). */
enum ext {
	X_CX16, X_LAHF, X_POPCNT, X_SSE3, X_SSSE3, X_SSE41, X_SSE42,
	X_AVX, X_AVX2, X_BMI1, X_BMI2, X_F16C, X_FMA, X_LZCNT, X_MOVBE, X_OSXSAVE,
	X_AVX512F, X_AVX512BW, X_AVX512CD, X_AVX512DQ, X_AVX512VL,
	X_AES, X_PCLMUL, X_SHA, X_ADX, X_SSE4A, X_FMA4, X_XOP, X_TBM, X_AVX512X,
	X_SSE, X_SSE2, X_LSE, X_TZCNT, X_N
};
#define BIT(x) ((uint64_t)1 << (x))

/* x86 decoding by capstone (isa_x86.c): one per thread. */
struct x86_dis {
	csh cs;           /* detail off: walks every instruction */
	csh csd;          /* detail on: instructions whose id may be an extension */
	cs_insn *in, *ind;
	uint8_t *state;   /* per capstone id: unknown / fixed by id / needs groups */
	uint64_t *idmask; /* per id, when fixed */
	bool m64;
	bool exact;       /* tests: detail on every instruction, no per-id cache, no fast path */
	int open;
	uint64_t insns, detailed, failed, fast;
};
/* One decoded instruction, as far as the scan needs it. */
struct x86_ins {
	uint64_t ext;     /* extensions (enum ext bits) */
	uint64_t target;  /* memory operand address (mem) or branch target (direct) */
	uint64_t imm;     /* MOV reg, imm (has_imm) */
	unsigned id;      /* capstone X86_INS_* */
	uint8_t len;
	uint8_t memsize;  /* 1/2/4/8 from "byte ptr" ..., 0 if other */
	bool mem;         /* RIP-relative (64-bit) or absolute (32-bit) memory operand */
	bool rip;
	bool memdst;      /* the memory operand is the first (destination) */
	bool direct;      /* call/jmp/jcc with an immediate target */
	bool has_imm;
};
bool x86_dis_open(struct x86_dis *d, bool m64);
void x86_dis_close(struct x86_dis *d);
/* Decode the instruction at p (address addr); false when capstone cannot. */
bool x86_next(struct x86_dis *d, const uint8_t *p, size_t left, uint64_t addr, struct x86_ins *o);
/* The common general-purpose instructions without capstone (isa_x86fast.c):
 * fills o (zeroed by the caller) as x86_next would and returns true, or
 * returns false for anything it does not take. */
bool x86_fast(bool m64, const uint8_t *p, size_t left, uint64_t addr, struct x86_ins *o);

/* Function starts and sizes from the FDEs of .eh_frame (or, without
 * section headers, through PT_GNU_EH_FRAME). fn returns false to stop.
 * Returns the number of FDEs read (at most GOABI_MAX_FUNCS). */
typedef bool (*ehfde_fn)(void *ctx, uint64_t start, uint64_t size);
size_t isa_eh_frame_fdes(const struct elfview *ev, ehfde_fn fn, void *ctx);

/* Disassemble the executable code of ev and fill ev->a->isa's required,
 * used, extensions and detail. */
void isa_scan(struct elfview *ev);

#endif
