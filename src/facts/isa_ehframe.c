/* Function boundaries from .eh_frame for binaries whose symbol table is
 * stripped (C/C++ shared libraries keep only .dynsym): every FDE gives a
 * function's start and length. Format: LSB "Exception Frame" (CIE/FDE,
 * 'z' augmentation with the 'R' pointer encoding) and .eh_frame_hdr for
 * files without section headers (PT_GNU_EH_FRAME). */
#include <string.h>
#include "facts/isa_scan.h"

#define PE_OMIT 0xff

static bool sleb(struct cur *c, int64_t *v)
{
	uint64_t r = 0;
	unsigned shift = 0;
	uint8_t b;
	do {
		if (!cur_u8(c, &b) || shift > 63)
			return false;
		r |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	if (shift < 64 && (b & 0x40))
		r |= ~(uint64_t)0 << shift;
	*v = (int64_t)r;
	return true;
}

/* Read a pointer with DWARF EH encoding enc; base is the address of the
 * field (for pcrel). */
static bool read_enc(struct cur *c, uint8_t enc, uint64_t base, int ptrsize, uint64_t *out)
{
	uint64_t v = 0;
	size_t at = c->pos;
	switch (enc & 0x0f) {
	case 0x00: if (!cur_ptr(c, &v)) return false; break;
	case 0x01: if (!cur_uvarint(c, &v)) return false; break;
	case 0x02: { uint16_t x; if (!cur_u16(c, &x)) return false; v = x; break; }
	case 0x03: { uint32_t x; if (!cur_u32(c, &x)) return false; v = x; break; }
	case 0x04: if (!cur_u64(c, &v)) return false; break;
	case 0x09: { int64_t x; if (!sleb(c, &x)) return false; v = (uint64_t)x; break; }
	case 0x0a: { uint16_t x; if (!cur_u16(c, &x)) return false; v = (uint64_t)(int64_t)(int16_t)x; break; }
	case 0x0b: { uint32_t x; if (!cur_u32(c, &x)) return false; v = (uint64_t)(int64_t)(int32_t)x; break; }
	case 0x0c: if (!cur_u64(c, &v)) return false; break;
	default: return false;
	}
	(void)ptrsize;
	switch (enc & 0x70) {
	case 0x00: break;
	case 0x10: v += base + at; break;
	default: return false; /* datarel/textrel/funcrel: not used on Linux */
	}
	if (enc & 0x80)
		return false; /* indirect: not for code addresses */
	*out = v;
	return true;
}

/* Walk .eh_frame bytes p[0..n) loaded at vaddr; fn(ctx, start, size) per FDE. */
static size_t walk(const struct elfview *ev, const uint8_t *p, size_t n, uint64_t vaddr, ehfde_fn fn, void *ctx)
{
	struct cur c = cur_make(p, n, ev->be, ev->ptrsize);
	size_t count = 0;
	/* FDE pointer encodings of the CIEs seen so far (they precede their FDEs) */
	struct { size_t at; uint8_t enc; } cies[256];
	size_t ncie = 0;
	while (cur_left(&c) >= 4 && count < GOABI_MAX_FUNCS) {
		size_t rec = c.pos;
		uint32_t l32;
		uint64_t len;
		cur_u32(&c, &l32);
		if (l32 == 0)
			break;
		if (l32 == 0xffffffffu) {
			if (!cur_u64(&c, &len))
				break;
		} else {
			len = l32;
		}
		size_t body = c.pos;
		if (len > cur_left(&c))
			break;
		size_t next = body + (size_t)len;
		uint32_t id;
		if (!cur_u32(&c, &id))
			break;
		if (id == 0) { /* CIE */
			uint8_t ver, cie_enc = 0;
			if (!cur_u8(&c, &ver))
				break;
			const char *aug = (const char *)c.p + c.pos;
			const char *z = memchr(aug, 0, cur_left(&c));
			if (!z)
				break;
			cur_skip(&c, (size_t)(z - aug) + 1);
			uint64_t u;
			int64_t sv;
			uint8_t b;
			if (!cur_uvarint(&c, &u) || !sleb(&c, &sv))
				break;
			if (ver == 1 ? !cur_u8(&c, &b) : !cur_uvarint(&c, &u))
				break;
			if (aug[0] == 'z') {
				if (!cur_uvarint(&c, &u))
					break;
				for (const char *a = aug + 1; *a; a++) {
					if (*a == 'R') {
						if (!cur_u8(&c, &cie_enc))
							break;
					} else if (*a == 'L') {
						if (!cur_u8(&c, &b))
							break;
					} else if (*a == 'P') {
						uint8_t pe;
						uint64_t pv;
						if (!cur_u8(&c, &pe) || !read_enc(&c, pe & 0x7f, vaddr, ev->ptrsize, &pv))
							break;
					} else if (*a != 'S' && *a != 'B') {
						break;
					}
				}
			}
			if (ncie == sizeof(cies) / sizeof(cies[0]))
				ncie = 0; /* reuse: recent CIEs matter most */
			cies[ncie].at = rec;
			cies[ncie++].enc = cie_enc;
		} else if (id <= body) {
			/* the CIE pointer counts back from its own field */
			size_t k;
			for (k = 0; k < ncie && cies[k].at != body - id; k++)
				;
			if (k == ncie) {
				if (!cur_seek(&c, next))
					break;
				continue;
			}
			uint8_t cie_enc = cies[k].enc;
			uint64_t start, size;
			if (read_enc(&c, cie_enc, vaddr, ev->ptrsize, &start) &&
			    read_enc(&c, cie_enc & 0x0f, 0, ev->ptrsize, &size) && size && size < (1u << 30)) {
				count++;
				if (!fn(ctx, start, size))
					break;
			}
		}
		if (!cur_seek(&c, next))
			break;
	}
	return count;
}

size_t isa_eh_frame_fdes(const struct elfview *ev, ehfde_fn fn, void *ctx)
{
	GElf_Shdr sh;
	const uint8_t *p;
	size_t n;
	if (ev->sections_ok && ev_section(ev, ".eh_frame", &sh) && ev_section_bytes(ev, &sh, &p, &n))
		return walk(ev, p, n, sh.sh_addr, fn, ctx);
	/* PT_GNU_EH_FRAME -> .eh_frame_hdr: version, eh_frame_ptr_enc, ..., eh_frame_ptr */
	for (size_t i = 0; i < ev->phnum; i++) {
		GElf_Phdr ph;
		uint64_t avail;
		if (!ev_phdr(ev, i, &ph) || ph.p_type != PT_GNU_EH_FRAME)
			continue;
		if (!ev_vaddr(ev, ph.p_vaddr, 8, &p, &avail) || p[0] != 1)
			return 0;
		struct cur c = cur_make(p, (size_t)avail, ev->be, ev->ptrsize);
		uint64_t ehf;
		cur_skip(&c, 4);
		if (!read_enc(&c, p[1], ph.p_vaddr, ev->ptrsize, &ehf) || !ev_vaddr(ev, ehf, 4, &p, &avail))
			return 0;
		return walk(ev, p, (size_t)avail, ehf, fn, ctx);
	}
	return 0;
}
