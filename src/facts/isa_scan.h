/* Internal interface of the ISA scan (isa.c drives it). */
#ifndef GOABI_ISA_SCAN_H
#define GOABI_ISA_SCAN_H

#include "facts/facts.h"

/* One x86 instruction as far as the scan needs it (isa_x86len.c). */
struct x86_dec {
	uint8_t len;
	uint8_t op, op2;     /* opcode byte; second byte after 0F or VEX/EVEX */
	uint8_t dispoff;     /* offset of a RIP-relative (64-bit mode) or absolute
			      * (32-bit mode) disp32, 0 if none */
	uint8_t modrm_reg;
	uint8_t opsize;      /* operand size in bytes (stores) */
	bool cand;           /* may belong to an extension: classify with capstone */
	bool vex;            /* VEX or EVEX encoded */
};
/* Decode the instruction at p; returns its length, 0 when undecodable or
 * cut off by left. */
size_t isa_x86_decode(const uint8_t *p, size_t left, bool mode64, struct x86_dec *d);

/* Function starts and sizes from the FDEs of .eh_frame (or, without
 * section headers, through PT_GNU_EH_FRAME). fn returns false to stop.
 * Returns the number of FDEs read (at most GOABI_MAX_FUNCS). */
typedef bool (*ehfde_fn)(void *ctx, uint64_t start, uint64_t size);
size_t isa_eh_frame_fdes(const struct elfview *ev, ehfde_fn fn, void *ctx);

/* Disassemble the executable code of ev and fill ev->a->isa's required,
 * used, extensions and detail. */
void isa_scan(struct elfview *ev);

#endif
