/* Version definitions (.gnu.version_d): the versions a shared object
 * defines, which the glibc loader checks every .gnu.version_r entry of its
 * users against (glibc elf/dl-version.c match_symbol). Read as the loader
 * reads them: DT_VERDEF/DT_VERDEFNUM/DT_STRTAB of PT_DYNAMIC (read/dynamic.c,
 * read once with the tags libc.c uses), so files without section headers
 * work too. The base entry (VER_FLG_BASE, the soname) is left out. Every
 * entry is bounds-checked; the count is capped. */
#include <string.h>
#include "facts/facts.h"
#include "read/dynamic.h"

#define MAX_VERDEF 10000u

void facts_verdef(struct elfview *ev)
{
	struct goabi_artifact *a = ev->a;
	if (ev->eh.e_type != ET_DYN)
		return;
	const struct ev_dynamic *d = ev_dynamic(ev);
	if (!d->present || !d->verdef || !d->strtab)
		return;
	uint64_t n = d->verdefnum;
	if (n > MAX_VERDEF) {
		diag_add(a, GOABI_DIAG_ERROR, "DT_VERDEFNUM %llu exceeds the limit of %u", (unsigned long long)n, MAX_VERDEF);
		n = MAX_VERDEF;
	}
	uint64_t at = d->verdef;
	for (uint64_t i = 0; i < n; i++) {
		/* Elf32_Verdef and Elf64_Verdef are the same 20 bytes: half vd_version,
		 * vd_flags, vd_ndx, vd_cnt; word vd_hash, vd_aux, vd_next */
		const uint8_t *p;
		if (!ev_vaddr(ev, at, 20, &p, NULL)) {
			diag_add(a, GOABI_DIAG_ERROR, "version-definition entry at %#llx is outside the file",
				 (unsigned long long)at);
			return;
		}
		struct cur c = cur_make(p, 20, ev->be, ev->ptrsize);
		uint16_t ver, flags, ndx, cnt;
		uint32_t hash, aux, next;
		cur_u16(&c, &ver);
		cur_u16(&c, &flags);
		cur_u16(&c, &ndx);
		cur_u16(&c, &cnt);
		cur_u32(&c, &hash);
		cur_u32(&c, &aux);
		cur_u32(&c, &next);
		/* the first Verdaux names the version (vda_name, vda_next) */
		const uint8_t *q;
		if (!(flags & VER_FLG_BASE) && ev_vaddr(ev, at + aux, 8, &q, NULL)) {
			struct cur e = cur_make(q, 8, ev->be, ev->ptrsize);
			uint32_t name;
			cur_u32(&e, &name);
			const char *s = ev_dynstr(ev, d, name);
			if (s && a->libc.verdef.n < GOABI_MAX_LIST)
				strv_push(a->arena, &a->libc.verdef, s);
		}
		if (!next)
			break;
		at += next;
	}
}
