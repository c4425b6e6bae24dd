/* The module data (runtime/symtab.go moduledata) of a gc binary: found by
 * symbol (runtime.firstmoduledata), by its Go 1.26+ section (.go.module),
 * or in stripped files as the word in writable data that holds the pclntab
 * address followed by a pointer into the pclntab (moduledata.pcHeader,
 * .funcnametab). Fields read from it: text (where pclntab function offsets
 * start; the pclntab header's textStart is 0 from Go 1.26 on, and an
 * externally linked binary's .text starts with C code) and the type range
 * [types, etypes). Layout, in pointer words, checked on go1.16 (npm
 * esbuild), go1.19, go1.20-go1.26 and go1.27.3 binaries:
 *   magic 0xfffffffb (Go < 1.16): text 12, types 25, etypes 26
 *   0xfffffffa, 0xfffffff0 (1.16-1.19): text 22, types 35, etypes 36
 *   0xfffffff1 (1.20-1.26): text 22, types 37, etypes 38
 *   go1.27: a length word between: etypes 39 (types in .go.type) */
#include <string.h>
#include "facts/gofacts.h"

/* Module data layout (runtime/symtab.go moduledata), in pointer words:
 * the index of types and etypes, by pclntab magic. Checked on go1.16,
 * go1.19, go1.20-go1.26 (types 37, etypes 38) and go1.27 (a word between:
 * etypes 39). Before Go 1.16 the table starts with three slices. */
static bool types_range(const struct elfview *ev, const uint8_t *md, size_t avail, uint32_t magic,
			     uint64_t *lo, uint64_t *hi)
{
	size_t ps = (size_t)ev->ptrsize;
	size_t ti = magic == 0xfffffffb ? 25 : magic == 0xfffffff1 ? 37 : 35;
	if (avail < (ti + 3) * ps)
		return false;
	uint64_t t = rdptr(md + ti * ps, ev->be, (int)ps);
	/* etypes follows types, or (go1.27) the word after a length */
	for (size_t e = ti + 1; e <= ti + 2; e++) {
		uint64_t et = rdptr(md + e * ps, ev->be, (int)ps);
		if (et > t && et - t < (1ull << 30) && t >= 0x1000) {
			*lo = t;
			*hi = et;
			return true;
		}
	}
	return false;
}

/* First pointer-aligned offset in p[0, n) holding value (the target's size
 * and byte order) whose following word satisfies next_ok; -1 if none. */
static int64_t go_find_word_pair(const struct elfview *ev, const uint8_t *p, size_t n, uint64_t value,
				 bool (*next_ok)(const void *ctx, uint64_t next), const void *ctx)
{
	size_t ps = (size_t)ev->ptrsize;
	uint8_t needle[8];
	for (size_t i = 0; i < ps; i++)
		needle[i] = (uint8_t)(ev->be ? value >> (8 * (ps - 1 - i)) : value >> (8 * i));
	size_t off = 0;
	while (off < n) {
		int64_t at = find_bytes(p + off, n - off, needle, ps, ps);
		if (at < 0)
			return -1;
		size_t pos = off + (size_t)at;
		if (n - pos >= 2 * ps && next_ok(ctx, rdptr(p + pos + ps, ev->be, (int)ps)))
			return (int64_t)pos;
		off = pos + ps;
	}
	return -1;
}

/* moduledata.pcHeader is followed by funcnametab's pointer into the pclntab */
static bool into_pclntab(const void *ctx, uint64_t next)
{
	const struct pclntab *pt = ctx;
	return next > pt->vaddr && next - pt->vaddr < pt->len;
}

/* Find the module data: by symbol, by its Go 1.26 section, or as the
 * pointer-aligned word in writable data that holds the pclntab address and
 * is followed by a pointer into it (moduledata.pcHeader, .funcnametab). */
static const uint8_t *locate(const struct elfview *ev, const struct pclntab *pt, size_t *avail,
				      const char **where)
{
	GElf_Sym sym;
	GElf_Shdr sh;
	const uint8_t *p;
	uint64_t av;
	size_t n;
	if (ev_find_symbol(ev, "runtime.firstmoduledata", &sym) && ev_vaddr(ev, sym.st_value, 64, &p, &av)) {
		*avail = (size_t)av;
		*where = "symbol runtime.firstmoduledata";
		return p;
	}
	if (ev->sections_ok && ev_section(ev, ".go.module", &sh) && ev_section_bytes(ev, &sh, &p, &n)) {
		*avail = n;
		*where = "section .go.module";
		return p;
	}
	if (!pt || !pt->vaddr)
		return NULL;
	for (size_t i = 0; i < ev->phnum; i++) {
		GElf_Phdr ph;
		if (!ev_phdr(ev, i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_W) || (ph.p_flags & PF_X) ||
		    !range_ok(ph.p_offset, ph.p_filesz, ev->size))
			continue;
		const uint8_t *seg = ev->raw + ph.p_offset;
		int64_t pos = go_find_word_pair(ev, seg, ph.p_filesz, pt->vaddr, into_pclntab, pt);
		if (pos >= 0) {
			*avail = ph.p_filesz - (size_t)pos;
			*where = arena_printf(ev->a->arena, "moduledata at vaddr %#llx (word pointing at the pclntab)",
					      (unsigned long long)(ph.p_vaddr + (uint64_t)pos));
			return seg + pos;
		}
	}
	return NULL;
}

static bool text_word(const struct elfview *ev, const uint8_t *md, size_t avail, uint32_t magic, uint64_t *text)
{
	size_t ps = (size_t)ev->ptrsize, ti = magic == 0xfffffffb ? 12 : 22;
	if (avail < (ti + 1) * ps)
		return false;
	uint64_t t = rdptr(md + ti * ps, ev->be, (int)ps);
	for (size_t i = 0; i < ev->phnum; i++) {
		GElf_Phdr ph;
		if (ev_phdr(ev, i, &ph) && ph.p_type == PT_LOAD && (ph.p_flags & PF_X) && t >= ph.p_vaddr &&
		    t - ph.p_vaddr < ph.p_memsz) {
			*text = t;
			return true;
		}
	}
	return false;
}

bool go_moduledata_find(struct elfview *ev, const struct pclntab *pt, struct go_moduledata *out)
{
	memset(out, 0, sizeof(*out));
	if (!pt || !pt->magic || ev->eh.e_type == ET_REL)
		return false;
	size_t avail = 0;
	const uint8_t *md = locate(ev, pt, &avail, &out->where);
	if (!md)
		return false;
	if (!types_range(ev, md, avail, pt->magic, &out->types, &out->etypes))
		out->types = out->etypes = 0;
	if (!text_word(ev, md, avail, pt->magic, &out->text))
		out->text = 0;
	return out->types || out->text;
}
