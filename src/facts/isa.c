/* ISA level: what the binary declares (GOAMD64/GOARM/GO386 build settings,
 * .note.gnu.property x86 ISA bits); with opts.isa, what its code needs
 * (disassembly in isa_scan.c). */
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

static const char *setting(const struct goabi_go *go, const char *key)
{
	for (size_t i = 0; i < go->nsettings; i++)
		if (strcmp(go->settings[i].key, key) == 0)
			return go->settings[i].value;
	return NULL;
}

void facts_isa(struct elfview *ev)
{
	struct goabi_artifact *a = ev->a;
	struct goabi_isa *isa = &a->isa;
	ev_for_each_note(ev, prop_cb, ev);
	const char *v;
	if ((v = setting(&a->go, "GOAMD64")))
		fact_set(a, &isa->declared, GOABI_KNOWN, arena_printf(a->arena, "x86-64-%s", v), "build setting GOAMD64=%s", v);
	else if ((v = setting(&a->go, "GOARM")))
		fact_set(a, &isa->declared, GOABI_KNOWN, arena_printf(a->arena, "armv%s", v), "build setting GOARM=%s", v);
	else if ((v = setting(&a->go, "GO386")))
		fact_set(a, &isa->declared, GOABI_KNOWN, arena_printf(a->arena, "386-%s", v), "build setting GO386=%s", v);
	else if ((v = setting(&a->go, "GOARM64")))
		fact_set(a, &isa->declared, GOABI_KNOWN, arena_printf(a->arena, "arm64-%s", v), "build setting GOARM64=%s", v);
	else if (isa->has_note_isa && isa->note_isa_needed) {
		unsigned lvl = 1;
		for (unsigned b = 1; b < 4; b++)
			if (isa->note_isa_needed & (1u << b))
				lvl = b + 1;
		fact_set(a, &isa->declared, GOABI_KNOWN, arena_printf(a->arena, "x86-64-v%u", lvl),
			 ".note.gnu.property GNU_PROPERTY_X86_ISA_1_NEEDED %#x", isa->note_isa_needed);
	}
	if (ev->opts && ev->opts->isa)
		isa_scan(ev);
}
