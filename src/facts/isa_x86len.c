/* x86-64 instruction length decoder and extension pre-filter for the ISA
 * scan. Capstone 4 formats every instruction's text even with detail off,
 * which makes a full pass over 5 MB of Go text cost about a second; almost
 * all of that text is baseline code (MOV, LEA, CALL, Jcc, SSE2), so this
 * decoder walks instruction boundaries from the opcode maps (Intel SDM
 * vol. 2, appendix A) and hands only the opcodes that can belong to an
 * extension (VEX/EVEX, 0F 38/0F 3A, POPCNT/LZCNT/TZCNT, CMPXCHG16B,
 * LAHF/SAHF, SSE3, XGETBV, FISTTP; in 32-bit mode also SSE/SSE2) to
 * capstone. tests/cli/t-isa-decoder.sh checks its lengths against capstone
 * on whole binaries. */
#include <string.h>
#include "facts/isa_scan.h"

/* one-byte map: bit0 = has ModRM, bits 1-3 = immediate kind */
enum { I0 = 0, IB = 2, IZ = 4, IW = 6, IMOFF = 8, IENTER = 10, IREL32 = 12 };
#define M 1

static const uint8_t map1[256] = {
	/* 00 */ M, M, M, M, IB, IZ, 0, 0, M, M, M, M, IB, IZ, 0, 0,
	/* 10 */ M, M, M, M, IB, IZ, 0, 0, M, M, M, M, IB, IZ, 0, 0,
	/* 20 */ M, M, M, M, IB, IZ, 0, 0, M, M, M, M, IB, IZ, 0, 0,
	/* 30 */ M, M, M, M, IB, IZ, 0, 0, M, M, M, M, IB, IZ, 0, 0,
	/* 40 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 50 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 60 */ 0, 0, 0, M, 0, 0, 0, 0, IZ, M | IZ, IB, M | IB, 0, 0, 0, 0,
	/* 70 */ IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB,
	/* 80 */ M | IB, M | IZ, M | IB, M | IB, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 90 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* a0 */ IMOFF, IMOFF, IMOFF, IMOFF, 0, 0, 0, 0, IB, IZ, 0, 0, 0, 0, 0, 0,
	/* b0 */ IB, IB, IB, IB, IB, IB, IB, IB, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ,
	/* c0 */ M | IB, M | IB, IW, 0, 0, 0, M | IB, M | IZ, IENTER, 0, IW, 0, 0, IB, 0, 0,
	/* d0 */ M, M, M, M, IB, IB, 0, 0, M, M, M, M, M, M, M, M,
	/* e0 */ IB, IB, IB, IB, IB, IB, IB, IB, IREL32, IREL32, 0, IB, 0, 0, 0, 0,
	/* f0 */ 0, 0, 0, 0, 0, 0, M, M, 0, 0, 0, 0, 0, 0, M, M,
};

/* two-byte map 0F xx: ModRM presence and imm8 */
static bool map2_modrm(uint8_t op)
{
	switch (op) {
	case 0x05: case 0x06: case 0x07: case 0x08: case 0x09: case 0x0b: case 0x0e:
	case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35: case 0x37:
	case 0x77: case 0xa0: case 0xa1: case 0xa2: case 0xa8: case 0xa9: case 0xaa:
		return false;
	default:
		if (op >= 0x80 && op <= 0x8f)
			return false;
		if (op >= 0xc8 && op <= 0xcf)
			return false;
		return true;
	}
}

static bool map2_imm8(uint8_t op)
{
	return (op >= 0x70 && op <= 0x73) || op == 0xa4 || op == 0xac || op == 0xba || op == 0xc2 ||
	       (op >= 0xc4 && op <= 0xc6) || op == 0x0f;
}

/* Bytes taken by ModRM and what follows it (SIB, displacement), or 0 when
 * the buffer ends first. p points at ModRM. *disp32: offset (from p) of a
 * RIP-relative disp32 in 64-bit mode or an absolute one in 32-bit mode. */
static size_t modrm_len(const uint8_t *p, size_t left, bool mode64, bool a16, size_t *disp32)
{
	if (left < 1)
		return 0;
	uint8_t m = p[0], mod = m >> 6, rm = m & 7;
	size_t n = 1;
	*disp32 = 0;
	if (mod == 3)
		return 1;
	if (a16) { /* 16-bit addressing in 32-bit mode with 0x67 */
		if (mod == 0 && rm == 6)
			n += 2;
		else if (mod == 1)
			n += 1;
		else if (mod == 2)
			n += 2;
		return n <= left ? n : 0;
	}
	if (rm == 4) {
		if (left < 2)
			return 0;
		n++;
		if (mod == 0 && (p[1] & 7) == 5)
			n += 4;
	} else if (mod == 0 && rm == 5) {
		*disp32 = 1;
		n += 4;
	}
	if (mod == 1)
		n += 1;
	else if (mod == 2)
		n += 4;
	return n <= left ? n : 0;
}

static bool is_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return true;
	default:
		return false;
	}
}

/* 0F-map opcodes of SSE/SSE2 and later (the 32-bit scan classifies SSE2
 * too, for GO386=sse2 against softfloat) */
static bool map2_simd(uint8_t op)
{
	return (op >= 0x10 && op <= 0x18) || (op >= 0x28 && op <= 0x2f) || (op >= 0x50 && op <= 0x7f) ||
	       op == 0xae || op == 0xc2 || op == 0xc3 || (op >= 0xc4 && op <= 0xc6) || op >= 0xd0;
}

size_t isa_x86_decode(const uint8_t *p, size_t left, bool mode64, struct x86_dec *d)
{
	size_t i = 0, n, disp;
	bool p66 = false, p67 = false, prep = false, rexw = false;
	memset(d, 0, sizeof(*d));
	/* a REX byte only counts right before the opcode: one followed by a
	 * legacy prefix is ignored, as the CPU (and capstone) do */
	while (i < left && i < 14 && (is_prefix(p[i]) || (mode64 && (p[i] & 0xf0) == 0x40))) {
		if ((p[i] & 0xf0) == 0x40) {
			rexw = (p[i] & 8) != 0;
		} else {
			rexw = false;
			if (p[i] == 0x66)
				p66 = true;
			else if (p[i] == 0x67)
				p67 = true;
			else if (p[i] == 0xf2 || p[i] == 0xf3)
				prep = true;
		}
		i++;
	}
	if (i >= left)
		return 0;
	bool a16 = !mode64 && p67;
	uint8_t op = p[i++];
	d->op = op;
	d->opsize = rexw ? 8 : p66 ? 2 : 4;
	/* in 32-bit mode C4/C5/62 are LES/LDS/BOUND unless ModRM.mod is 3 */
	if ((op == 0xc4 || op == 0xc5 || op == 0x62) && (mode64 || (i < left && (p[i] & 0xc0) == 0xc0))) {
		d->cand = d->vex = true;
		unsigned map;
		uint8_t opc;
		if (op == 0xc5) {
			if (i + 2 > left)
				return 0;
			map = 1;
			opc = p[i + 1];
			i += 2;
		} else if (op == 0xc4) {
			if (i + 3 > left)
				return 0;
			map = p[i] & 0x1f;
			opc = p[i + 2];
			i += 3;
		} else {
			if (i + 4 > left)
				return 0;
			map = p[i] & 7;
			opc = p[i + 3];
			i += 4;
		}
		d->op2 = opc;
		if (map == 1 && opc == 0x77 && op != 0x62)
			return d->len = (uint8_t)i; /* VZEROUPPER / VZEROALL */
		if (!(n = modrm_len(p + i, left - i, mode64, a16, &disp)))
			return 0;
		if (disp)
			d->dispoff = (uint8_t)(i + disp);
		i += n;
		if (map == 3 || (map == 1 && ((opc >= 0x70 && opc <= 0x73) || opc == 0xc2 || (opc >= 0xc4 && opc <= 0xc6))))
			i++;
		return i <= left ? (d->len = (uint8_t)i) : 0;
	}
	if (op == 0x0f) {
		if (i >= left)
			return 0;
		uint8_t op2 = p[i++];
		d->op2 = op2;
		if (op2 == 0x38 || op2 == 0x3a) {
			d->cand = true;
			if (i >= left)
				return 0;
			i++;
			if (!(n = modrm_len(p + i, left - i, mode64, a16, &disp)))
				return 0;
			if (disp)
				d->dispoff = (uint8_t)(i + disp);
			i += n + (op2 == 0x3a ? 1 : 0);
			return i <= left ? (d->len = (uint8_t)i) : 0;
		}
		switch (op2) {
		case 0x01: case 0xc7:
			d->cand = true;
			break;
		case 0xb8: case 0xbc: case 0xbd: case 0x12: case 0x16:
			d->cand = prep;
			break;
		case 0x7c: case 0x7d: case 0xd0: case 0xf0:
			d->cand = prep || p66;
			break;
		default:
			break;
		}
		if (!mode64 && map2_simd(op2))
			d->cand = true;
		if (op2 >= 0x80 && op2 <= 0x8f) {
			i += p66 && !mode64 ? 2 : 4;
		} else if (map2_modrm(op2)) {
			if (!(n = modrm_len(p + i, left - i, mode64, a16, &disp)))
				return 0;
			if (disp)
				d->dispoff = (uint8_t)(i + disp);
			d->modrm_reg = (p[i] >> 3) & 7;
			i += n;
			if (map2_imm8(op2))
				i++;
		}
		return i <= left ? (d->len = (uint8_t)i) : 0;
	}
	uint8_t t = map1[op];
	if (!mode64) {
		/* opcodes that differ in 32-bit mode */
		if (op == 0x82)
			t = M | IB;
		else if (op == 0x9a || op == 0xea)
			t = IENTER + 100; /* ptr16:32, handled below */
		else if (op == 0xd4 || op == 0xd5)
			t = IB;
	}
	if (op == 0x9e || op == 0x9f)
		d->cand = mode64; /* LAHF/SAHF are baseline in 32-bit mode */
	if (op == 0x88 || op == 0xc6)
		d->opsize = 1;
	if (t & M) {
		if (!(n = modrm_len(p + i, left - i, mode64, a16, &disp)))
			return 0;
		if (disp)
			d->dispoff = (uint8_t)(i + disp);
		uint8_t reg = (p[i] >> 3) & 7;
		d->modrm_reg = reg;
		if ((op == 0xdb || op == 0xdd || op == 0xdf) && reg == 1 && (p[i] >> 6) != 3)
			d->cand = true; /* FISTTP (SSE3) */
		if ((op == 0xf6 || op == 0xf7) && reg < 2)
			t = op == 0xf6 ? IB : IZ;
		i += n;
	}
	if (t == IENTER + 100) {
		i += p66 ? 4 : 6;
	} else {
		switch (t & ~M) {
		case IB: i += 1; break;
		case IZ: i += (op >= 0xb8 && op <= 0xbf && rexw) ? 8 : (p66 && !rexw ? 2 : 4); break;
		case IW: i += 2; break;
		case IMOFF: i += mode64 ? (p67 ? 4 : 8) : (p67 ? 2 : 4); break;
		case IENTER: i += 3; break;
		case IREL32: i += p66 && !mode64 ? 2 : 4; break;
		default: break;
		}
	}
	return i <= left ? (d->len = (uint8_t)i) : 0;
}
