/* x86 / x86-64 decoding for the ISA scan, by capstone 4.
 *
 * The common general-purpose instructions are decoded without capstone
 * (isa_x86fast.c, about 93% of compiled code). Every other instruction
 * is walked by one capstone handle with detail off
 * (cs_disasm_iter into one preallocated cs_insn: no allocation per
 * instruction); capstone's boundaries are the scan's. Detail (groups) costs
 * about a third more per instruction and is only needed for instructions
 * whose id can belong to an extension, so a second handle with detail on
 * re-decodes only those. Which ids those are is learnt from capstone's own
 * group data, per id, the first time the id is met:
 *
 *  - an id (in one opcode map: one-byte, 0F, 0F 38, 0F 3A) whose first
 *    instance carries only groups that never mark an
 *    extension (jump/call/ret/int/privilege, mode32/64, cmov, fpu) is
 *    "fixed": its extension mask is a function of the id alone (POPCNT,
 *    LZCNT, MOVBE, CMPXCHG16B, LAHF/SAHF, XGETBV, CRC32, FISTTP ... or
 *    nothing), so its later instances need no detail;
 *  - any other id (SSE/MMX/AVX/... groups, VEX/EVEX encoded) is decoded
 *    with detail at every instance, because capstone maps several encodings
 *    of one id to different groups (VPADDD: AVX xmm, AVX2 ymm, AVX-512
 *    EVEX; PEXTRW m16 is SSE4.1, PEXTRW r32 SSE2). Ids shared by a plain
 *    and a SIMD encoding live in different opcode maps (MOVSD: string move
 *    A5, SSE2 F2 0F 10), hence the per-map key.
 *
 * tests/cli/t-isa-decoder.sh checks on whole binaries that this gives, per
 * instruction, the mask that detail on every instruction gives (x86_dis.exact).
 *
 * Operands come from capstone's Intel-syntax op_str, which it formats
 * anyway (capstone 4 prints even with detail off): "[rip + 0x10]" (64-bit),
 * "[0x804a010]" (32-bit absolute), the size before it ("byte ptr"), and
 * direct branch targets ("0x401020"). */
#include <stdlib.h>
#include <string.h>
#include "facts/isa_scan.h"

enum { ID_UNKNOWN = 0, ID_FIXED, ID_GROUPS };

bool x86_dis_open(struct x86_dis *d, bool m64)
{
	memset(d, 0, sizeof(*d));
	d->m64 = m64;
	cs_mode mode = m64 ? CS_MODE_64 : CS_MODE_32;
	if (cs_open(CS_ARCH_X86, mode, &d->cs) != CS_ERR_OK)
		return false;
	d->open = 1;
	if (cs_open(CS_ARCH_X86, mode, &d->csd) != CS_ERR_OK)
		return x86_dis_close(d), false;
	d->open = 2;
	cs_option(d->csd, CS_OPT_DETAIL, CS_OPT_ON);
	d->in = cs_malloc(d->cs);
	d->ind = cs_malloc(d->csd);
	d->state = calloc((size_t)X86_INS_ENDING * 4, 1);
	d->idmask = calloc((size_t)X86_INS_ENDING * 4, sizeof(*d->idmask));
	if (!d->in || !d->ind || !d->state || !d->idmask)
		return x86_dis_close(d), false;
	return true;
}

void x86_dis_close(struct x86_dis *d)
{
	if (d->in)
		cs_free(d->in, 1);
	if (d->ind)
		cs_free(d->ind, 1);
	if (d->open >= 1)
		cs_close(&d->cs);
	if (d->open >= 2)
		cs_close(&d->csd);
	free(d->state);
	free(d->idmask);
	memset(d, 0, sizeof(*d));
}

/* Extensions an id stands for whatever its encoding (capstone gives some
 * of these no group, or one that is too coarse). */
static uint64_t id_mask(unsigned id, bool m64)
{
	switch (id) {
	case X86_INS_POPCNT: return BIT(X_POPCNT);
	case X86_INS_LZCNT: return BIT(X_LZCNT);
	case X86_INS_TZCNT: return BIT(X_TZCNT);
	case X86_INS_ANDN: case X86_INS_BEXTR: case X86_INS_BLSI: case X86_INS_BLSMSK: case X86_INS_BLSR:
		return BIT(X_BMI1);
	case X86_INS_BZHI: case X86_INS_MULX: case X86_INS_PDEP: case X86_INS_PEXT:
	case X86_INS_RORX: case X86_INS_SARX: case X86_INS_SHLX: case X86_INS_SHRX:
		return BIT(X_BMI2);
	case X86_INS_MOVBE: return BIT(X_MOVBE);
	case X86_INS_CMPXCHG16B: return BIT(X_CX16);
	case X86_INS_LAHF: case X86_INS_SAHF: return m64 ? BIT(X_LAHF) : 0;
	case X86_INS_XGETBV: return BIT(X_OSXSAVE);
	case X86_INS_CRC32: return BIT(X_SSE42);
	case X86_INS_MONITOR: case X86_INS_MWAIT: case X86_INS_FISTTP: return BIT(X_SSE3);
	default: return 0;
	}
}

/* Groups that never say "extension" (the id alone decides then). */
static bool plain_group(uint8_t g)
{
	switch (g) {
	case X86_GRP_MODE32: case X86_GRP_MODE64: case X86_GRP_NOT64BITMODE: case X86_GRP_16BITMODE:
	case X86_GRP_CMOV: case X86_GRP_FPU:
		return true;
	default:
		return g < 128; /* generic: jump, call, ret, int, iret, privilege, relative branch */
	}
}

/* The opcode map of a legacy-encoded instruction: 0 one-byte, 1 0F,
 * 2 0F 38, 3 0F 3A; 4 VEX (C4/C5), 5 EVEX (62). Legacy prefixes and REX
 * before the opcode are skipped; capstone decoded the instruction, so in
 * 64-bit mode C4/C5/62 there are VEX/EVEX, and in 32-bit mode they are
 * unless capstone says LES/LDS/BOUND. */
enum { MAP_1, MAP_0F, MAP_0F38, MAP_0F3A, MAP_VEX, MAP_EVEX };
static int opcode_map(const uint8_t *p, size_t n, unsigned id, bool m64)
{
	size_t i = 0;
	for (; i < n; i++) {
		uint8_t b = p[i];
		if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65 || b == 0x66 ||
		    b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 || (m64 && (b & 0xf0) == 0x40))
			continue;
		break;
	}
	if (i >= n)
		return MAP_1;
	if ((p[i] == 0xc4 || p[i] == 0xc5 || p[i] == 0x62) && id != X86_INS_LES && id != X86_INS_LDS &&
	    id != X86_INS_BOUND)
		return p[i] == 0x62 ? MAP_EVEX : MAP_VEX;
	if (p[i] != 0x0f || i + 1 >= n)
		return MAP_1;
	return p[i + 1] == 0x38 ? MAP_0F38 : p[i + 1] == 0x3a ? MAP_0F3A : MAP_0F;
}

/* The extension mask of one instruction decoded with detail. */
static uint64_t classify(const cs_insn *in, int map, bool m64, bool *plain)
{
	uint64_t m = 0;
	const cs_detail *dt = in->detail;
	*plain = true;
	for (unsigned i = 0; dt && i < dt->groups_count; i++) {
		if (!plain_group(dt->groups[i]))
			*plain = false;
		switch (dt->groups[i]) {
		case X86_GRP_AVX: m |= BIT(X_AVX); break;
		case X86_GRP_AVX2: m |= BIT(X_AVX2); break;
		case X86_GRP_AVX512: m |= BIT(X_AVX512F); break;
		case X86_GRP_BWI: m |= BIT(X_AVX512BW); break;
		case X86_GRP_CDI: m |= BIT(X_AVX512CD); break;
		case X86_GRP_DQI: m |= BIT(X_AVX512DQ); break;
		case X86_GRP_VLX: m |= BIT(X_AVX512VL); break;
		case X86_GRP_ERI: case X86_GRP_PFI: m |= BIT(X_AVX512X); break;
		case X86_GRP_BMI: m |= BIT(X_BMI1); break;
		case X86_GRP_BMI2: m |= BIT(X_BMI2); break;
		case X86_GRP_F16C: m |= BIT(X_F16C); break;
		case X86_GRP_FMA: m |= BIT(X_FMA); break;
		case X86_GRP_FMA4: m |= BIT(X_FMA4); break;
		case X86_GRP_SSE3: m |= BIT(X_SSE3); break;
		case X86_GRP_SSSE3: m |= BIT(X_SSSE3); break;
		case X86_GRP_SSE41: m |= BIT(X_SSE41); break;
		case X86_GRP_SSE42: m |= BIT(X_SSE42); break;
		case X86_GRP_SSE4A: m |= BIT(X_SSE4A); break;
		case X86_GRP_AES: m |= BIT(X_AES); break;
		case X86_GRP_PCLMUL: m |= BIT(X_PCLMUL); break;
		case X86_GRP_SHA: m |= BIT(X_SHA); break;
		case X86_GRP_ADX: m |= BIT(X_ADX); break;
		case X86_GRP_XOP: m |= BIT(X_XOP); break;
		case X86_GRP_TBM: m |= BIT(X_TBM); break;
		case X86_GRP_SSE1: if (!m64) m |= BIT(X_SSE); break;
		case X86_GRP_SSE2: if (!m64) m |= BIT(X_SSE2); break;
		default: break;
		}
	}
	m |= id_mask(in->id, m64);
	switch (in->id) {
	case X86_INS_TZCNT:
		/* F3 0F BC runs as BSF without BMI1: reported, no level */
		m &= ~BIT(X_BMI1);
		break;
	case X86_INS_PAUSE:
		/* F3 90: capstone says SSE2, older CPUs run it as NOP */
		m = 0;
		break;
	default:
		break;
	}
	/* VEX without a finer group is AVX; EVEX is AVX-512 */
	if (map >= MAP_VEX)
		*plain = false;
	if (map == MAP_EVEX)
		m |= BIT(X_AVX512F);
	else if (map == MAP_VEX && !(m & (BIT(X_AVX2) | BIT(X_FMA) | BIT(X_F16C) | BIT(X_BMI1) | BIT(X_BMI2) | BIT(X_FMA4) |
				   BIT(X_XOP) | BIT(X_TBM) | BIT(X_AES) | BIT(X_PCLMUL))))
		m |= BIT(X_AVX);
	return m;
}

/* The disp of "[rip + 0x10]" / "[rip - 8]" / "[rip]" or the address of
 * "[0x804a010]"; b points at '['. */
static bool parse_mem(const char *b, bool m64, uint64_t *v, bool *rip)
{
	char *e;
	if (m64) {
		if (strncmp(b, "[rip", 4) != 0)
			return false;
		b += 4;
		*rip = true;
		if (*b == ']') {
			*v = 0;
			return true;
		}
		if (b[0] != ' ' || (b[1] != '+' && b[1] != '-') || b[2] != ' ' || b[3] < '0' || b[3] > '9')
			return false;
		uint64_t d = strtoull(b + 3, &e, 0);
		if (*e != ']')
			return false;
		*v = b[1] == '-' ? (uint64_t)0 - d : d;
		return true;
	}
	if (b[1] < '0' || b[1] > '9')
		return false;
	*rip = false;
	*v = strtoull(b + 1, &e, 0);
	return *e == ']';
}

static unsigned ptr_size(const char *s, const char *b)
{
	static const struct { const char *w; unsigned n; } sz[] = {
		{ "qword ptr ", 8 }, { "dword ptr ", 4 }, { "byte ptr ", 1 }, { "word ptr ", 2 },
	};
	for (size_t i = 0; i < sizeof(sz) / sizeof(sz[0]); i++) {
		size_t l = strlen(sz[i].w);
		if ((size_t)(b - s) >= l && memcmp(b - l, sz[i].w, l) == 0)
			return sz[i].n;
	}
	return 0;
}

static bool parse_num(const char *s, uint64_t *v)
{
	char *e;
	if (*s < '0' || *s > '9')
		return false;
	*v = strtoull(s, &e, 0);
	return *e == 0;
}

bool x86_next(struct x86_dis *d, const uint8_t *p, size_t left, uint64_t addr, struct x86_ins *o)
{
	const uint8_t *q = p;
	size_t n = left;
	uint64_t a = addr;
	memset(o, 0, sizeof(*o));
	if (!d->exact && x86_fast(d->m64, p, left, addr, o)) {
		d->insns++;
		d->fast++;
		return true;
	}
	if (!cs_disasm_iter(d->cs, &q, &n, &a, d->in)) {
		/* capstone 4.0.2 does not know some AVX-512 encodings (KMOVD,
		 * KORTESTQ, EVEX compares of ymm16-31 into mask registers; see
		 * docs/isa.md): the caller moves on by one byte, as objdump does
		 * after "(bad)". Such bytes are not credited as AVX: Go puts
		 * marker bytes in text (crypto/internal/boring/sig) that look like
		 * a VEX escape. */
		d->failed++;
		return false;
	}
	const cs_insn *in = d->in;
	o->id = in->id;
	o->len = (uint8_t)in->size;
	d->insns++;
	/* extensions: the cache is per id and opcode map, since capstone gives
	 * one id to encodings in different maps with different groups (MOVSD:
	 * string move A5 and SSE2 F2 0F 10; PEXTRW: SSE2 0F C5 and SSE4.1
	 * 0F 3A 15) */
	int map = opcode_map(in->bytes, in->size, in->id, d->m64);
	size_t key = in->id < X86_INS_ENDING && map < MAP_VEX ? (size_t)in->id * 4 + (size_t)map : 0;
	uint8_t st = key ? d->state[key] : ID_GROUPS;
	if (st == ID_FIXED && !d->exact) {
		o->ext = d->idmask[key];
	} else {
		const uint8_t *q2 = p;
		size_t n2 = left;
		uint64_t a2 = addr;
		d->detailed++;
		if (cs_disasm_iter(d->csd, &q2, &n2, &a2, d->ind)) {
			bool plain;
			o->ext = classify(d->ind, map, d->m64, &plain);
			if (key && st == ID_UNKNOWN) {
				d->state[key] = plain ? ID_FIXED : ID_GROUPS;
				d->idmask[key] = o->ext;
			}
		}
	}
	/* operands */
	const char *s = in->op_str;
	switch (in->id) {
	case X86_INS_CALL: case X86_INS_JMP:
	case X86_INS_JAE: case X86_INS_JA: case X86_INS_JBE: case X86_INS_JB: case X86_INS_JE:
	case X86_INS_JGE: case X86_INS_JG: case X86_INS_JLE: case X86_INS_JL: case X86_INS_JNE:
	case X86_INS_JNO: case X86_INS_JNP: case X86_INS_JNS: case X86_INS_JO: case X86_INS_JP:
	case X86_INS_JS: case X86_INS_JCXZ: case X86_INS_JECXZ: case X86_INS_JRCXZ:
	case X86_INS_LOOP: case X86_INS_LOOPE: case X86_INS_LOOPNE:
		o->direct = parse_num(s, &o->target);
		return true;
	default:
		break;
	}
	const char *b = strchr(s, '[');
	if (b && (b == s || b[-1] != ':') && parse_mem(b, d->m64, &o->target, &o->rip)) {
		o->mem = true;
		if (o->rip)
			o->target += addr + in->size;
		else
			o->target = (uint32_t)o->target;
		o->memsize = (uint8_t)ptr_size(s, b);
		o->memdst = memchr(s, ',', (size_t)(b - s)) == NULL;
	} else if (!b && in->id == X86_INS_MOV) {
		const char *c = strstr(s, ", ");
		if (c)
			o->has_imm = parse_num(c + 2, &o->imm);
	}
	return true;
}
