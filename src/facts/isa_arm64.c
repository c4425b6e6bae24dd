/* ISA scan, arm64: A64 is fixed 4-byte words, decoded by encoding
 * (capstone 4.0.2 predates ARMv8.1 and cannot decode LSE). */
#include "facts/isa_priv.h"

static bool a64_lse(uint32_t w)
{
	return (w & 0x3f200c00) == 0x38200000 || /* LDADD/LDCLR/LDEOR/LDSET/LD{S,U}{MAX,MIN}/SWP */
	       (w & 0x3fa07c00) == 0x08a07c00 || /* CAS{,A,L,AL}{,B,H} */
	       (w & 0xbfa07c00) == 0x08207c00;   /* CASP */
}

/* Track ADRP/ADD address materialisation; for loads/stores with an
 * unsigned immediate offset, return the address (and whether it stores). */
bool isa_a64_step(struct a64regs *r, uint32_t w, uint64_t pc, uint64_t *t, bool *store, unsigned *size)
{
	unsigned rd = w & 31, rn = (w >> 5) & 31;
	if ((w & 0x9f000000) == 0x90000000) { /* ADRP */
		uint64_t imm = ((w >> 29) & 3) | (((uint64_t)(w >> 5) & 0x7ffff) << 2);
		if (imm & (1u << 20))
			imm |= ~(uint64_t)0x1fffff;
		r->v[rd] = (pc & ~(uint64_t)0xfff) + (imm << 12);
		r->known |= 1u << rd;
		return false;
	}
	if ((w & 0xff800000) == 0x91000000) { /* ADD Xd, Xn, #imm{, lsl 12} */
		uint64_t imm = (w >> 10) & 0xfff;
		if (w & (1u << 22))
			imm <<= 12;
		if (rn != 31 && (r->known & (1u << rn))) {
			r->v[rd] = r->v[rn] + imm;
			r->known |= 1u << rd;
		} else {
			r->known &= ~(1u << rd);
		}
		return false;
	}
	if ((w & 0x3b000000) == 0x39000000) { /* LDR/STR (unsigned immediate), integer */
		unsigned sz = w >> 30, opc = (w >> 22) & 3;
		if (rn == 31 || !(r->known & (1u << rn)))
			return false;
		*t = r->v[rn] + (((w >> 10) & 0xfff) << sz);
		*store = opc == 0;
		*size = 1u << sz;
		if (!*store && rd != rn)
			r->known &= ~(1u << rd);
		return true;
	}
	return false;
}

static void edge(struct scan *s, const struct fn *from, const struct fn *to)
{
	if (!to || from == to || to->lo == from->lo || s->ne >= (1u << 26) ||
	    !isa_grow(s, &s->edge, &s->cape, s->ne + 1, sizeof(*s->edge)))
		return;
	uint32_t a = (uint32_t)(from - s->f), b = (uint32_t)(to - s->f);
	if (s->ne && s->edge[s->ne - 1][0] == a && s->edge[s->ne - 1][1] == b)
		return;
	s->edge[s->ne][0] = a;
	s->edge[s->ne][1] = b;
	s->ne++;
}

void isa_pass_a64(struct scan *s)
{
	for (size_t k = 0; k < s->nrg; k++) {
		const struct region *r = &s->rg[k];
		struct fn *f = NULL;
		struct a64regs regs = { { 0 }, 0 };
		for (size_t off = (size_t)((4 - (r->addr & 3)) & 3); off + 4 <= r->n; off += 4) {
			uint64_t a = r->addr + off;
			if (!f || a >= f->hi || a < f->lo) {
				f = isa_fn_at(s, a);
				regs.known = 0;
			}
			if (!f || ((f->flags & F_GAP) && s->segments && s->nnamed))
				continue;
			uint32_t w = rd32(r->p + off, s->ev->be);
			if (a64_lse(w))
				f->ext |= BIT(X_LSE);
			if ((w & 0x7c000000) == 0x14000000) { /* B / BL */
				int64_t imm = w & 0x3ffffff;
				if (imm & 0x2000000)
					imm -= 0x4000000;
				edge(s, f, isa_fn_at(s, a + (uint64_t)(imm * 4)));
				continue;
			}
			uint64_t t;
			bool st;
			unsigned sz;
			if (isa_a64_step(&regs, w, a, &t, &st, &sz) && s->nfl)
				isa_mark_flag(s, f, t);
		}
		s->a->isa.text_bytes += r->n;
	}
}
