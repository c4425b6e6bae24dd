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

/* Disassemble the executable code of ev and fill ev->a->isa's required,
 * used, extensions and detail. */
void isa_scan(struct elfview *ev);

#endif
