/* ISA level: what the binary declares (GOAMD64/GOARM/GO386 build settings,
 * .note.gnu.property x86 ISA bits); with opts.isa, what its code needs
 * (disassembly: isa_scan.c and the parts listed in isa_priv.h). */
#include <string.h>
#include "facts/isa_scan.h"

#ifndef GNU_PROPERTY_X86_ISA_1_NEEDED
#define GNU_PROPERTY_X86_ISA_1_NEEDED 0xc0008002
#define GNU_PROPERTY_X86_ISA_1_USED 0xc0010002
#endif
#define GNU_PROPERTY_X86_FEATURE_1_AND 0xc0000002

static bool prop_cb(void *ctx, const char *owner, uint32_t type, const uint8_t *desc, size_t descsz,
		    const char *where)
{
	struct elfview *ev = ctx;
	struct goabi_isa *isa = &ev->a->isa;
	if (strcmp(owner, "GNU") != 0 || type != 5 /* NT_GNU_PROPERTY_TYPE_0 */)
		return true;
	struct cur c = cur_make(desc, descsz, ev->be, ev->ptrsize);
	while (cur_left(&c) >= 8) {
		uint32_t pt, sz, v = 0;
		cur_u32(&c, &pt);
		cur_u32(&c, &sz);
		const uint8_t *d;
		if (!cur_bytes(&c, sz, &d))
			break;
		if (sz >= 4)
			v = rd32(d, ev->be);
		size_t pad = (size_t)((ev->ptrsize - c.pos % (size_t)ev->ptrsize) % (size_t)ev->ptrsize);
		cur_skip(&c, pad > cur_left(&c) ? cur_left(&c) : pad);
		if (pt == GNU_PROPERTY_X86_ISA_1_NEEDED) {
			isa->note_isa_needed = v;
			isa->has_note_isa = true;
		} else if (pt == GNU_PROPERTY_X86_ISA_1_USED) {
			isa->note_isa_used = v;
			isa->has_note_isa = true;
		} else if (pt == GNU_PROPERTY_X86_FEATURE_1_AND) {
			isa->note_features = v;
		}
	}
	return true;
}

void facts_isa(struct elfview *ev)
{
	struct goabi_artifact *a = ev->a;
	struct goabi_isa *isa = &a->isa;
	ev_for_each_note(ev, prop_cb, ev);
	/* Go's per-architecture level settings (cmd/go records the one of
	 * GOARCH): the level name is the family and the setting's value,
	 * e.g. GORISCV64=rva22u64 -> riscv64-rva22u64 (goabi_isa_rank) */
	static const struct {
		const char *key, *prefix;
	} go_levels[] = {
		{ "GOAMD64", "x86-64-" },   { "GOARM", "armv" },         { "GO386", "386-" },
		{ "GOARM64", "arm64-" },    { "GORISCV64", "riscv64-" }, { "GOPPC64", "ppc64-" },
		{ "GOMIPS", "mips-" },      { "GOMIPS64", "mips64-" },
	};
	const char *v = NULL;
	for (size_t k = 0; k < sizeof(go_levels) / sizeof(go_levels[0]) && !v; k++)
		if ((v = goabi_go_setting(&a->go, go_levels[k].key)) && *v)
			fact_set_typed(a, FT_ISA_DECLARED, GOABI_KNOWN, arena_printf(a->arena, "%s%s", go_levels[k].prefix, v),
				 "build setting %s=%s", go_levels[k].key, v);
		else
			v = NULL;
	if (v)
		;
	else if (isa->has_note_isa && isa->note_isa_needed) {
		unsigned lvl = 1;
		for (unsigned b = 1; b < 4; b++)
			if (isa->note_isa_needed & (1u << b))
				lvl = b + 1;
		fact_set_typed(a, FT_ISA_DECLARED, GOABI_KNOWN, arena_printf(a->arena, "x86-64-v%u", lvl),
			 ".note.gnu.property GNU_PROPERTY_X86_ISA_1_NEEDED %#x", isa->note_isa_needed);
	}
	if (ev->opts && ev->opts->isa)
		isa_scan(ev);
}

/* Order of a level name within its family (goabi_isa_rank); -1 when unknown. */
static int level_rank(const char *v)
{
	return goabi_isa_rank(v, NULL);
}

static void roll_fact(struct goabi_artifact *a, struct goabi_fact *dst, const struct goabi_artifact *m,
		      const struct goabi_fact *src)
{
	if (!src->value || level_rank(src->value) <= level_rank(dst->value))
		return;
	dst->value = arena_strdup(a->arena, src->value);
	dst->conf = src->conf;
	dst->evidence = arena_printf(a->arena, "highest of the members: %s: %s", m->member ? m->member : "?",
				     src->evidence ? src->evidence : "");
}

void facts_isa_roll_member(struct goabi_artifact *a, const struct goabi_artifact *m)
{
	struct goabi_isa *isa = &a->isa;
	const struct goabi_isa *mi = &m->isa;
	if (!isa->declared.value && mi->declared.value) {
		isa->declared = mi->declared;
		isa->declared.value = arena_strdup(a->arena, mi->declared.value);
		isa->declared.evidence = arena_printf(a->arena, "member %s: %s", m->member ? m->member : "?",
						      mi->declared.evidence ? mi->declared.evidence : "");
	}
	if (!mi->scanned)
		return;
	isa->scanned = true;
	roll_fact(a, &isa->required, m, &mi->required);
	roll_fact(a, &isa->used, m, &mi->used);
	for (size_t k = 0; k < mi->extensions.n; k++)
		strv_push_unique(a->arena, &isa->extensions, mi->extensions.v[k]);
	for (size_t k = 0; k < mi->conflicts.n; k++)
		strv_push(a->arena, &isa->conflicts,
			  arena_printf(a->arena, "member %s: %s", m->member ? m->member : "?", mi->conflicts.v[k]));
	isa->text_bytes += mi->text_bytes;
	isa->nfuncs += mi->nfuncs;
}

void facts_isa_rollup(struct goabi_artifact *a)
{
	for (size_t i = 0; i < a->nmembers; i++)
		facts_isa_roll_member(a, a->members[i]);
}
