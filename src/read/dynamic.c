/* PT_DYNAMIC, read once per object (dynamic.h). */
#include <string.h>
#include "read/dynamic.h"

static void read_tags(const struct elfview *ev, struct ev_dynamic *d)
{
	for (size_t i = 0; i < ev->phnum; i++) {
		GElf_Phdr ph;
		if (!ev_phdr(ev, i, &ph) || ph.p_type != PT_DYNAMIC)
			continue;
		d->present = true;
		if (ev->debug_only)
			return; /* a debug file's .dynamic is SHT_NOBITS */
		if (!range_ok(ph.p_offset, ph.p_filesz, ev->size)) {
			diag_add(ev->a, GOABI_DIAG_ERROR, "PT_DYNAMIC (offset %#llx, size %#llx) extends past the end of the file",
				 (unsigned long long)ph.p_offset, (unsigned long long)ph.p_filesz);
			return;
		}
		d->readable = true;
		struct cur c = cur_make(ev->raw + ph.p_offset, ph.p_filesz, ev->be, ev->ptrsize);
		for (;;) {
			uint64_t tag, val;
			if (!cur_ptr(&c, &tag) || !cur_ptr(&c, &val) || tag == DT_NULL)
				break;
			switch (tag) {
			case DT_NEEDED:
				if (d->nneeded < EV_DYN_MAX_NEEDED)
					d->needed[d->nneeded++] = val;
				break;
			case DT_STRTAB: d->strtab = val; break;
			case DT_STRSZ: d->strsz = val; break;
			case DT_SONAME: d->soname = val; d->has_soname = true; break;
			case DT_RPATH: d->rpath = val; d->has_rpath = true; break;
			case DT_RUNPATH: d->runpath = val; d->has_runpath = true; break;
			case DT_VERNEED: d->verneed = val; break;
			case DT_VERNEEDNUM: d->verneednum = val; break;
			case DT_VERDEF: d->verdef = val; break;
			case DT_VERDEFNUM: d->verdefnum = val; break;
			case DT_FLAGS_1: d->flags_1 = val; break;
			case DT_HASH: d->has_hash = true; d->hash = val; break;
			case DT_GNU_HASH: d->has_gnu_hash = true; d->gnu_hash = val; break;
			case DT_SYMTAB: d->symtab = val; break;
			case DT_SYMENT: d->syment = val; break;
			case DT_VERSYM: d->versym = val; break;
			default: break;
			}
		}
		return;
	}
}

const struct ev_dynamic *ev_dynamic(const struct elfview *ev)
{
	static const struct ev_dynamic none; /* out of memory: no tags */
	if (!ev->dynamic) {
		/* the memo is the view's own, not a change to what it views */
		struct elfview *mev = (struct elfview *)ev;
		struct ev_dynamic *d = arena_alloc(ev->a->arena, sizeof(*d));
		if (!d)
			return &none;
		memset(d, 0, sizeof(*d));
		read_tags(ev, d);
		mev->dynamic = d;
	}
	return ev->dynamic;
}

const char *ev_dynstr(const struct elfview *ev, const struct ev_dynamic *d, uint64_t off)
{
	if (off >= d->strsz)
		return NULL;
	const uint8_t *p;
	uint64_t avail;
	if (!ev_vaddr(ev, d->strtab + off, 1, &p, &avail))
		return NULL;
	uint64_t max = d->strsz - off < avail ? d->strsz - off : avail;
	if (max > GOABI_MAX_STRING)
		max = GOABI_MAX_STRING;
	const uint8_t *z = memchr(p, 0, (size_t)max);
	if (!z)
		return NULL;
	return utf8_sanitize(ev->a->arena, (const char *)p, (size_t)(z - p));
}
