/* x86 fast path for the ISA scan: the common general-purpose instructions
 * decoded here, without capstone.
 *
 * About 90% of the scan's time was capstone decoding and printing every
 * instruction (capstone 4 formats the text even with detail off), while
 * most instructions of compiled code are plain integer moves, arithmetic,
 * branches and calls, none of which can belong to an extension. This
 * decoder takes exactly those: no legacy prefix (at most a REX prefix in
 * 64-bit mode), an opcode from the table below, a complete ModRM/SIB/disp/
 * immediate. It fills struct x86_ins as x86_next does from capstone's
 * output: the capstone id, the length, no extension, and the operand facts
 * that x86_next reads from capstone's Intel-syntax text (a RIP-relative or,
 * in 32-bit code, absolute memory operand, its "byte/word/dword/qword ptr"
 * size, whether it comes first; a direct branch target; a MOV immediate).
 * Anything else (prefixes, SSE/AVX, x87, segment overrides, rare opcodes,
 * truncated bytes) returns false and goes to capstone.
 *
 * tests/cli/t-isa-decoder.sh checks over whole binaries (64- and 32-bit)
 * that every instruction taken here is what capstone gives (x86_dis.exact
 * turns this path off). */
#include <capstone/capstone.h>
#include <string.h>
#include "facts/isa_scan.h"

static const unsigned jcc_id[16] = {
	X86_INS_JO, X86_INS_JNO, X86_INS_JB, X86_INS_JAE, X86_INS_JE, X86_INS_JNE, X86_INS_JBE, X86_INS_JA,
	X86_INS_JS, X86_INS_JNS, X86_INS_JP, X86_INS_JNP, X86_INS_JL, X86_INS_JGE, X86_INS_JLE, X86_INS_JG,
};
static const unsigned cmov_id[16] = {
	X86_INS_CMOVO, X86_INS_CMOVNO, X86_INS_CMOVB, X86_INS_CMOVAE, X86_INS_CMOVE, X86_INS_CMOVNE,
	X86_INS_CMOVBE, X86_INS_CMOVA, X86_INS_CMOVS, X86_INS_CMOVNS, X86_INS_CMOVP, X86_INS_CMOVNP,
	X86_INS_CMOVL, X86_INS_CMOVGE, X86_INS_CMOVLE, X86_INS_CMOVG,
};
static const unsigned setcc_id[16] = {
	X86_INS_SETO, X86_INS_SETNO, X86_INS_SETB, X86_INS_SETAE, X86_INS_SETE, X86_INS_SETNE,
	X86_INS_SETBE, X86_INS_SETA, X86_INS_SETS, X86_INS_SETNS, X86_INS_SETP, X86_INS_SETNP,
	X86_INS_SETL, X86_INS_SETGE, X86_INS_SETLE, X86_INS_SETG,
};
static const unsigned alu_id[8] = {
	X86_INS_ADD, X86_INS_OR, X86_INS_ADC, X86_INS_SBB, X86_INS_AND, X86_INS_SUB, X86_INS_XOR, X86_INS_CMP,
};
/* C0/C1/D0/D1/D3 /r; /6 (an alias of SHL) is left to capstone */
static const unsigned shift_id[8] = {
	X86_INS_ROL, X86_INS_ROR, X86_INS_RCL, X86_INS_RCR, X86_INS_SHL, X86_INS_SHR, 0, X86_INS_SAR,
};
/* F6/F7 /r; /1 (an alias of TEST) is left to capstone */
static const unsigned grp3_id[8] = {
	X86_INS_TEST, 0, X86_INS_NOT, X86_INS_NEG, X86_INS_MUL, X86_INS_IMUL, X86_INS_DIV, X86_INS_IDIV,
};

/* Operand shapes */
enum {
	M_RM_R,  /* ModRM, r/m first (destination) */
	M_R_RM,  /* ModRM, register first */
	M_RM,    /* ModRM, r/m only (or r/m, imm) */
	M_NONE,  /* no ModRM */
};

static uint64_t rd_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static uint64_t sext(uint64_t v, unsigned bytes)
{
	unsigned sh = 64 - 8 * bytes;
	return (uint64_t)((int64_t)(v << sh) >> sh);
}

bool x86_fast(bool m64, const uint8_t *p, size_t left, uint64_t addr, struct x86_ins *o)
{
	size_t i = 0;
	uint8_t rex = 0;
	if (left > 15)
		left = 15;
	if (m64 && left && (p[0] & 0xf0) == 0x40)
		rex = p[i++];
	if (i >= left)
		return false;
	bool w = rex & 8;
	uint8_t op = p[i++];
	unsigned id = 0, shape = M_NONE, imm = 0; /* immediate bytes */
	unsigned osz = w ? 8 : 4;                 /* operand size of r/m */
	bool immval = false;                      /* MOV: the immediate is the value (has_imm) */
	int rel = 0;                              /* direct branch: displacement bytes */
	int reg_need = -1;                        /* required ModRM.reg (opcode extension) */
	bool mem_only = false;
	unsigned regext = 0;                      /* opcode extension table */
	if (op == 0x0f) {
		if (i >= left)
			return false;
		uint8_t op2 = p[i++];
		if (op2 >= 0x80 && op2 <= 0x8f) {
			id = jcc_id[op2 & 15];
			rel = 4;
		} else if (op2 >= 0x40 && op2 <= 0x4f) {
			id = cmov_id[op2 & 15];
			shape = M_R_RM;
		} else if (op2 >= 0x90 && op2 <= 0x9f) {
			id = setcc_id[op2 & 15];
			shape = M_RM;
			osz = 1;
			reg_need = 0;
		} else if (op2 == 0xaf) {
			id = X86_INS_IMUL;
			shape = M_R_RM;
		} else if (op2 == 0xb6 || op2 == 0xbe) {
			id = op2 == 0xb6 ? X86_INS_MOVZX : X86_INS_MOVSX;
			shape = M_R_RM;
			osz = 1;
		} else if (op2 == 0xb7 || op2 == 0xbf) {
			id = op2 == 0xb7 ? X86_INS_MOVZX : X86_INS_MOVSX;
			shape = M_R_RM;
			osz = 2;
		} else if (op2 == 0xa3) {
			id = X86_INS_BT;
			shape = M_RM_R;
		} else if (op2 == 0xa2 && !rex) {
			id = X86_INS_CPUID;
		} else {
			return false;
		}
	} else if (op < 0x40 && (op & 7) < 4) {
		id = alu_id[op >> 3];
		shape = op & 2 ? M_R_RM : M_RM_R;
		if (!(op & 1))
			osz = 1;
	} else if (op < 0x40 && (op & 7) == 5) {
		id = alu_id[op >> 3];
		imm = 4;
	} else if (op < 0x40 && (op & 7) == 4) {
		id = alu_id[op >> 3];
		imm = 1;
	} else if (op >= 0x50 && op <= 0x5f && (!rex || rex == 0x41)) {
		id = op < 0x58 ? X86_INS_PUSH : X86_INS_POP;
	} else if (op == 0x63 && m64 && w) {
		id = X86_INS_MOVSXD;
		shape = M_R_RM;
		osz = 4;
	} else if (op == 0x69 || op == 0x6b) {
		id = X86_INS_IMUL;
		shape = M_R_RM;
		imm = op == 0x69 ? 4 : 1;
	} else if (op >= 0x70 && op <= 0x7f) {
		id = jcc_id[op & 15];
		rel = 1;
	} else if (op == 0x80 || op == 0x81 || op == 0x83) {
		shape = M_RM;
		regext = 1;
		imm = op == 0x81 ? 4 : 1;
		if (op == 0x80)
			osz = 1;
	} else if (op == 0x84 || op == 0x85) {
		id = X86_INS_TEST;
		shape = M_RM_R;
		if (op == 0x84)
			osz = 1;
	} else if (op >= 0x88 && op <= 0x8b) {
		id = X86_INS_MOV;
		shape = op & 2 ? M_R_RM : M_RM_R;
		if (!(op & 1))
			osz = 1;
	} else if (op == 0x8d) {
		id = X86_INS_LEA;
		shape = M_R_RM;
		osz = 0; /* no size in the text */
		mem_only = true;
	} else if (op == 0x90 && !rex) {
		id = X86_INS_NOP;
	} else if (op == 0xc3 && !rex) {
		id = X86_INS_RET;
	} else if (op == 0xcc && !rex) {
		id = X86_INS_INT3;
	} else if (op == 0xc6 || op == 0xc7) {
		id = X86_INS_MOV;
		shape = M_RM;
		reg_need = 0;
		imm = op == 0xc6 ? 1 : 4;
		immval = true;
		if (op == 0xc6)
			osz = 1;
	} else if (op >= 0xb8 && op <= 0xbf && !w) {
		id = X86_INS_MOV;
		imm = 4;
		immval = true;
	} else if (op == 0xc1 || op == 0xd1 || op == 0xd3) {
		shape = M_RM;
		regext = 2;
		imm = op == 0xc1 ? 1 : 0;
	} else if (op == 0xf7) {
		shape = M_RM;
		regext = 3;
	} else if (op == 0xe8 || op == 0xe9) {
		id = op == 0xe8 ? X86_INS_CALL : X86_INS_JMP;
		rel = 4;
	} else if (op == 0xeb) {
		id = X86_INS_JMP;
		rel = 1;
	} else {
		return false;
	}
	if (rel) {
		if (rex || left - i < (size_t)rel)
			return false;
		uint64_t d = sext(rd_le(p + i, (unsigned)rel), (unsigned)rel);
		i += (size_t)rel;
		uint64_t t = addr + i + d;
		o->id = id;
		o->len = (uint8_t)i;
		o->direct = true;
		o->target = m64 ? t : (uint32_t)t;
		return true;
	}
	bool mem = false, rip = false, anymem = false;
	uint64_t disp = 0;
	unsigned reg = 0;
	if (shape != M_NONE) {
		if (i >= left)
			return false;
		uint8_t modrm = p[i++];
		unsigned mod = modrm >> 6, rm = modrm & 7;
		reg = (modrm >> 3) & 7;
		if (reg_need >= 0 && reg != (unsigned)reg_need)
			return false;
		if (mem_only && mod == 3)
			return false;
		if (regext == 1)
			id = alu_id[reg];
		else if (regext == 2)
			id = shift_id[reg];
		else if (regext == 3) {
			id = grp3_id[reg];
			if (reg == 0)
				imm = 4;
		}
		if (!id)
			return false;
		if (mod != 3) {
			anymem = true;
			if (rm == 4) {
				if (i >= left)
					return false;
				uint8_t sib = p[i++];
				/* no base (disp32): absolute or index-only, printed
				 * without rip; left to capstone */
				if (mod == 0 && (sib & 7) == 5)
					return false;
			} else if (mod == 0 && rm == 5) {
				mem = true;
				rip = m64;
			}
			unsigned dn = mod == 1 ? 1 : mod == 2 || (mod == 0 && rm == 5) ? 4 : 0;
			if (left - i < dn)
				return false;
			if (dn)
				disp = sext(rd_le(p + i, dn), dn);
			i += dn;
		}
	}
	uint64_t iv = 0;
	if (imm) {
		if (left - i < imm)
			return false;
		iv = rd_le(p + i, imm);
		i += imm;
	}
	o->id = id;
	o->len = (uint8_t)i;
	if (mem) {
		o->mem = true;
		o->rip = rip;
		o->target = rip ? addr + i + disp : (uint32_t)disp;
		o->memsize = (uint8_t)osz;
		o->memdst = shape != M_R_RM;
	} else if (anymem) {
		/* another memory operand: not an address the scan follows */
	} else if (immval) {
		/* MOV reg, imm: x86_next parses capstone's text, which shows an
		 * immediate with its sign bit set as negative ("mov rcx, -1"),
		 * not a number it takes; left to capstone */
		if (iv >> (8 * imm - 1))
			return false;
		o->has_imm = true;
		o->imm = iv;
	}
	return true;
}
