/* Note iteration over sections, or segments when sections are stripped. */
#include <string.h>
#include "facts/facts.h"

static bool walk(const struct elfview *ev, const uint8_t *p, size_t n, uint64_t align,
		 const char *where, note_fn fn, void *ctx)
{
	struct cur c = cur_make(p, n, ev->be, ev->ptrsize);
	size_t al = align == 8 ? 8 : 4;
	for (int guard = 0; guard < 100000 && cur_left(&c) >= 12; guard++) {
		uint32_t namesz, descsz, type;
		cur_u32(&c, &namesz);
		cur_u32(&c, &descsz);
		cur_u32(&c, &type);
		const uint8_t *name, *desc;
		if (!cur_bytes(&c, namesz, &name))
			return true;
		size_t pad = (al - c.pos % al) % al;
		if (!cur_skip(&c, pad > cur_left(&c) ? cur_left(&c) : pad))
			return true;
		if (!cur_bytes(&c, descsz, &desc))
			return true;
		pad = (al - c.pos % al) % al;
		cur_skip(&c, pad > cur_left(&c) ? cur_left(&c) : pad);
		char owner[64];
		size_t on = namesz < sizeof(owner) - 1 ? namesz : sizeof(owner) - 1;
		memcpy(owner, name, on);
		owner[on] = 0;
		if (on && owner[on - 1] == 0)
			on--;
		if (!fn(ctx, owner, type, desc, descsz, where))
			return false;
	}
	return true;
}

void ev_for_each_note(const struct elfview *ev, note_fn fn, void *ctx)
{
	bool any = false;
	if (ev->sections_ok) {
		Elf_Scn *scn = NULL;
		while ((scn = elf_nextscn(ev->elf, scn)) != NULL) {
			GElf_Shdr sh;
			const uint8_t *p;
			size_t n;
			if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
				continue;
			any = true;
			if (!ev_section_bytes(ev, &sh, &p, &n))
				continue;
			if (!walk(ev, p, n, sh.sh_addralign, ev_section_name(ev, &sh), fn, ctx))
				return;
		}
	}
	if (any)
		return;
	for (size_t i = 0; i < ev->phnum; i++) {
		GElf_Phdr ph;
		if (!ev_phdr(ev, i, &ph) || ph.p_type != PT_NOTE)
			continue;
		if (!range_ok(ph.p_offset, ph.p_filesz, ev->size))
			continue;
		if (!walk(ev, ev->raw + ph.p_offset, ph.p_filesz, ph.p_align, "PT_NOTE", fn, ctx))
			return;
	}
}
