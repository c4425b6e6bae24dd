/* ISA scan, x86: the threaded pass over the code (isa_x86.c decodes),
 * operands resolved through relocations, and dead code inside functions. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "facts/isa_priv.h"

/* ET_REL: the relocation at address at, if any */
static const struct reloc *reloc_at(const struct region *r, uint64_t at)
{
	size_t lo = 0, hi = r->nrel;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r->rel[mid].at < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->nrel && r->rel[lo].at == at ? &r->rel[lo] : NULL;
}

/* ET_REL: the first relocation in [lo, hi), if any */
static const struct reloc *reloc_in(const struct region *r, uint64_t lo, uint64_t hi)
{
	size_t a = 0, b = r->nrel;
	while (a < b) {
		size_t mid = (a + b) / 2;
		if (r->rel[mid].at < lo)
			a = mid + 1;
		else
			b = mid;
	}
	return a < r->nrel && r->rel[a].at < hi ? &r->rel[a] : NULL;
}

/* Target of the instruction's RIP-relative (64-bit) or absolute (32-bit)
 * memory operand, if any. */
bool isa_x86_target(const struct scan *s, const struct region *r, uint64_t addr, const struct x86_ins *d,
		    uint64_t *t)
{
	if (!d->mem)
		return false;
	if (r->rel && d->len >= 5) {
		/* the disp32 field is the first relocated field of the
		 * instruction (an immediate follows it): S + A - P = disp,
		 * target = end + disp; a field without a relocation was resolved
		 * within the section already */
		const struct reloc *rl = reloc_in(r, addr + 1, addr + d->len - 3);
		if (rl) {
			*t = d->rip ? rl->s_a + (addr + d->len - rl->at) : rl->s_a;
			return true;
		}
	}
	*t = d->target;
	return true;
}

/* MOV to memory */
bool isa_x86_is_store(const struct x86_ins *d)
{
	return d->id == X86_INS_MOV && d->memdst;
}

/* MOV/CMP/TEST/MOVZX/MOVSX of a byte in memory */
static bool byte_access(const struct x86_ins *d)
{
	switch (d->id) {
	case X86_INS_MOV: case X86_INS_CMP: case X86_INS_TEST: case X86_INS_MOVZX: case X86_INS_MOVSX:
		return d->memsize == 1;
	default:
		return false;
	}
}

/* One thread's share of the x86 pass: code from (k0, off0) to (k1, off1),
 * split at a function start so that each function is written by one
 * thread; what crosses functions (call edges, byte accesses, ifunc
 * targets) is collected here and merged after the join. */
struct part {
	struct scan *s;
	size_t k0, off0, k1, off1;
	struct x86_dis *dis;
	uint32_t (*edge)[2];
	size_t ne, cape;
	struct bacc *acc;
	size_t nacc, capacc;
	uint32_t *tgt; /* functions whose address an ifunc resolver takes */
	size_t ntgt, captgt;
	bool oom;
};

static bool part_grow(struct part *p, void *arrp, size_t *cap, size_t need, size_t esz)
{
	struct scan tmp = { 0 };
	if (isa_grow(&tmp, arrp, cap, need, esz))
		return true;
	p->oom = true;
	return false;
}

static void part_edge(struct part *p, const struct fn *from, const struct fn *to, bool addr)
{
	const struct fn *f0 = p->s->f;
	if (!to || from == to || to->lo == from->lo || p->ne >= (1u << 25) ||
	    !part_grow(p, &p->edge, &p->cape, p->ne + 1, sizeof(*p->edge)))
		return;
	uint32_t a = (uint32_t)(from - f0) | (addr ? EDGE_ADDR : 0), b = (uint32_t)(to - f0);
	if (p->ne && p->edge[p->ne - 1][0] == a && p->edge[p->ne - 1][1] == b)
		return;
	p->edge[p->ne][0] = a;
	p->edge[p->ne][1] = b;
	p->ne++;
}

static void part_target(struct part *p, const struct fn *g)
{
	if (part_grow(p, &p->tgt, &p->captgt, p->ntgt + 1, sizeof(*p->tgt)))
		p->tgt[p->ntgt++] = (uint32_t)(g - p->s->f);
}

static void *pass_x86_part(void *arg)
{
	struct part *p = arg;
	struct scan *s = p->s;
	bool m64 = s->arch == A_X64;
	for (size_t k = p->k0; k <= p->k1 && k < s->nrg; k++) {
		const struct region *r = &s->rg[k];
		size_t off = k == p->k0 ? p->off0 : 0, end = k == p->k1 ? p->off1 : r->n;
		struct fn *f = isa_fn_at(s, r->addr + off);
		while (off < end) {
			uint64_t a = r->addr + off;
			if (!f || a >= f->hi || a < f->lo)
				f = isa_fn_at(s, a);
			if (f && (f->flags & F_GAP) && s->segments && s->nnamed && f->hi > a) {
				/* between known functions in a segment: headers, notes, data */
				off += (size_t)(f->hi - a);
				continue;
			}
			struct x86_ins d;
			if (!x86_next(p->dis, r->p + off, r->n - off, a, &d)) {
				off++;
				continue;
			}
			size_t len = d.len;
			if (f) {
				uint64_t t;
				f->ext |= d.ext;
				/* XGETBV reads which register states the OS saves:
				 * feature detection too, run only after CPUID said
				 * OSXSAVE */
				if (d.id == X86_INS_CPUID || d.id == X86_INS_XGETBV)
					f->flags |= F_CPUID;
				if (d.direct) {
					/* CALL, JMP, Jcc (a tail call or a split-off .cold
					 * part) into another function; ET_REL: through the
					 * relocation of the rel32 field, S + A - P = disp */
					const struct reloc *rl = r->rel && len >= 5 ? reloc_at(r, a + len - 4) : NULL;
					part_edge(p, f, isa_fn_at(s, rl ? rl->s_a + 4 : d.target), false);
				} else if (isa_x86_target(s, r, a, &d, &t)) {
					if (s->nfl)
						isa_mark_flag(s, f, t);
					if (byte_access(&d) && p->nacc < (1u << 21) &&
					    part_grow(p, &p->acc, &p->capacc, p->nacc + 1, sizeof(*p->acc)))
						p->acc[p->nacc++] = (struct bacc){ (uint32_t)(f - s->f), isa_x86_is_store(&d), t };
					if (d.id == X86_INS_LEA) {
						struct fn *g = isa_fn_at(s, t);
						if (g && g->lo == t) {
							if (f->flags & F_RESOLVER)
								part_target(p, g);
							else
								part_edge(p, f, g, true); /* address taken */
						}
					}
				} else if (d.has_imm && ((f->flags & F_RESOLVER) ? !m64 : s->entry && f->lo <= s->entry && s->entry < f->hi)) {
					/* MOV r32, imm32 of a function address: a 32-bit
					 * resolver's target; main passed to
					 * __libc_start_main by a non-PIE entry */
					struct fn *g = isa_fn_at(s, d.imm);
					if (g && g->lo == d.imm) {
						if (f->flags & F_RESOLVER)
							part_target(p, g);
						else
							part_edge(p, f, g, true);
					}
				}
			}
			off += len;
		}
	}
	return NULL;
}

/* Below this much code one thread does it all. */
#define X86_SPLIT_MIN ((size_t)1 << 20)

void isa_pass_x86(struct scan *s)
{
	struct part pt[2] = { { 0 }, { 0 } };
	size_t total = 0, np = 1;
	for (size_t k = 0; k < s->nrg; k++)
		total += s->rg[k].n;
	s->a->isa.text_bytes += total;
	if (!s->cs_ok || !s->nrg)
		return;
	pt[0] = (struct part){ .s = s, .k0 = 0, .off0 = 0, .k1 = s->nrg - 1, .off1 = s->rg[s->nrg - 1].n, .dis = &s->dis };
	struct x86_dis dis2;
	pthread_t th;
	if (total >= X86_SPLIT_MIN && x86_dis_open(&dis2, s->arch == A_X64)) {
		/* the half-way byte, moved to the end of its function */
		size_t k = 0, half = total / 2;
		while (k + 1 < s->nrg && half >= s->rg[k].n)
			half -= s->rg[k++].n;
		const struct region *r = &s->rg[k];
		const struct fn *f = isa_fn_at(s, r->addr + half);
		bool split = true;
		if (f && f->lo < r->addr + half) {
			split = f->hi - r->addr <= r->n; /* else f would be written by both */
			half = (size_t)(f->hi - r->addr);
		}
		pt[1] = pt[0];
		pt[1].dis = &dis2;
		pt[0].k1 = pt[1].k0 = k;
		pt[0].off1 = pt[1].off0 = half;
		np = split && pthread_create(&th, NULL, pass_x86_part, &pt[1]) == 0 ? 2 : 1;
		if (np == 1) {
			pt[0] = pt[1];
			pt[0].k0 = 0;
			pt[0].off0 = 0;
			pt[0].dis = &s->dis;
			x86_dis_close(&dis2);
		}
	}
	pass_x86_part(&pt[0]);
	if (np == 2) {
		pthread_join(th, NULL);
		x86_dis_close(&dis2);
	}
	for (size_t i = 0; i < np; i++) {
		struct part *p = &pt[i];
		if (p->oom)
			s->oom = true;
		if (p->ne && isa_grow(s, &s->edge, &s->cape, s->ne + p->ne, sizeof(*s->edge))) {
			memcpy(s->edge + s->ne, p->edge, p->ne * sizeof(*p->edge));
			s->ne += p->ne;
		}
		if (p->nacc && isa_grow(s, &s->acc, &s->capacc, s->nacc + p->nacc, sizeof(*s->acc))) {
			memcpy(s->acc + s->nacc, p->acc, p->nacc * sizeof(*p->acc));
			s->nacc += p->nacc;
		}
		for (size_t j = 0; j < p->ntgt; j++)
			s->f[p->tgt[j]].flags |= F_IFUNC_TARGET;
		free(p->edge);
		free(p->acc);
		free(p->tgt);
	}
}

/* Extensions of f counting only code reachable from its entry: Go's
 * GO386=softfloat assembly jumps over its SSE2 paths (#ifdef in
 * runtime/internal/bytealg), leaving them dead. Gives up (returns f->ext)
 * on indirect jumps or branches into the middle of an instruction. */
static uint64_t reachable_ext(struct scan *s, const struct fn *f)
{
	const struct region *r = isa_region_of(s, f->lo);
	if (!r || f->hi - f->lo > (1u << 20) || !s->cs_ok)
		return f->ext;
	size_t n = 0, cap = 0;
	struct ins { uint64_t a, t, ext; uint8_t len, kind; bool seen; } *v = NULL;
	enum { K_SEQ, K_JMP, K_JCC, K_END };
	uint64_t res = f->ext;
	for (uint64_t a = f->lo; a < f->hi;) {
		size_t off = (size_t)(a - r->addr);
		struct x86_ins d;
		if (!x86_next(&s->dis, r->p + off, r->n - off, a, &d) || a + d.len > f->hi)
			goto out;
		if (!isa_grow(s, &v, &cap, n + 1, sizeof(*v)))
			goto out;
		struct ins *in = &v[n++];
		*in = (struct ins){ a, 0, d.ext, d.len, K_SEQ, false };
		switch (d.id) {
		case X86_INS_JMP:
			if (!d.direct)
				goto out; /* indirect jump: successors unknown */
			in->kind = K_JMP;
			in->t = d.target;
			break;
		case X86_INS_LJMP:
			goto out;
		case X86_INS_JAE: case X86_INS_JA: case X86_INS_JBE: case X86_INS_JB: case X86_INS_JE:
		case X86_INS_JGE: case X86_INS_JG: case X86_INS_JLE: case X86_INS_JL: case X86_INS_JNE:
		case X86_INS_JNO: case X86_INS_JNP: case X86_INS_JNS: case X86_INS_JO: case X86_INS_JP:
		case X86_INS_JS: case X86_INS_JCXZ: case X86_INS_JECXZ: case X86_INS_JRCXZ:
		case X86_INS_LOOP: case X86_INS_LOOPE: case X86_INS_LOOPNE:
			if (!d.direct)
				goto out;
			in->kind = K_JCC;
			in->t = d.target;
			break;
		case X86_INS_RET: case X86_INS_INT3: case X86_INS_UD2:
			in->kind = K_END;
			break;
		default:
			break;
		}
		a += d.len;
	}
	/* worklist over instruction indexes */
	size_t *work = malloc((n + 1) * sizeof(*work)), nw = 0;
	if (!work)
		goto out;
	if (n) {
		v[0].seen = true;
		work[nw++] = 0;
	}
	bool bad = false;
	while (nw && !bad) {
		size_t i = work[--nw];
		size_t succ[2];
		int ns = 0;
		if (v[i].kind == K_SEQ || v[i].kind == K_JCC)
			if (i + 1 < n)
				succ[ns++] = i + 1;
		if ((v[i].kind == K_JMP || v[i].kind == K_JCC) && v[i].t >= f->lo && v[i].t < f->hi) {
			size_t lo = 0, hi = n;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (v[mid].a < v[i].t)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo == n || v[lo].a != v[i].t)
				bad = true;
			else
				succ[ns++] = lo;
		}
		for (int k = 0; k < ns; k++)
			if (!v[succ[k]].seen) {
				v[succ[k]].seen = true;
				work[nw++] = succ[k];
			}
	}
	free(work);
	if (bad)
		goto out;
	res = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].seen)
			res |= v[i].ext;
out:
	free(v);
	return res;
}

void isa_dead_code(struct scan *s)
{
	if (s->arch != A_X64 && s->arch != A_X32)
		return;
	for (size_t i = 0; i < s->nf; i++)
		if (s->f[i].ext)
			s->f[i].ext = reachable_ext(s, &s->f[i]);
}
