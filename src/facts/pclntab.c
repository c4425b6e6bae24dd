/* pclntab: found by name when sections exist, else by scanning read-only
 * segments for a header that validates. Header layouts (runtime/symtab.go):
 *   0xfffffffb Go 1.2-1.15:  magic, 0, 0, minLC, ptrsize, nfunc, functab...
 *   0xfffffffa Go 1.16-1.17: ..., nfunc, nfiles, funcnameOff, cuOff, filetabOff, pctabOff, pclnOff
 *   0xfffffff0 Go 1.18-1.19, 0xfffffff1 Go 1.20+: ..., nfunc, nfiles, textStart, funcnameOff, ...
 * Offsets are relative to the header. */
#include <string.h>
#include "facts/gofacts.h"

const char *go_pclntab_range(uint32_t magic)
{
	switch (magic) {
	case 0xfffffffb: return "go1.2-go1.15";
	case 0xfffffffa: return "go1.16-go1.17";
	case 0xfffffff0: return "go1.18-go1.19";
	case 0xfffffff1: return "go1.20+";
	default: return NULL;
	}
}

uint32_t go_pclntab_magic_for(int minor)
{
	return minor >= 120 ? 0xfffffff1 : minor >= 118 ? 0xfffffff0 : minor >= 116 ? 0xfffffffa : 0xfffffffb;
}

/* Validate a candidate header at p (len bytes available). */
static bool valid_header(const struct elfview *ev, const uint8_t *p, size_t len, struct pclntab *pt)
{
	if (len < 16)
		return false;
	uint32_t m = rd32(p, ev->be);
	if (!go_pclntab_range(m) || p[4] || p[5])
		return false;
	uint8_t minlc = p[6], ps = p[7];
	if ((minlc != 1 && minlc != 2 && minlc != 4) || (ps != 4 && ps != 8))
		return false;
	if (len < 8 + (size_t)ps)
		return false;
	uint64_t nfunc = rdptr(p + 8, ev->be, ps);
	if (nfunc == 0 || nfunc > GOABI_MAX_FUNCS)
		return false;
	if (m != 0xfffffffb) {
		size_t hdr = 8 + (size_t)ps * (m == 0xfffffffa ? 7 : 8);
		if (len < hdr)
			return false;
		int first = m == 0xfffffffa ? 2 : 3;
		for (int i = first; i < first + 5; i++) {
			uint64_t off = rdptr(p + 8 + (size_t)i * ps, ev->be, ps);
			if (off < hdr || off > len)
				return false;
		}
	} else if ((uint64_t)(len - 8 - ps) / (2 * (uint64_t)ps) < nfunc) {
		return false;
	}
	pt->p = p;
	pt->len = len;
	pt->magic = m;
	pt->ptrsize = ps;
	pt->nfunc = nfunc;
	return true;
}

static bool scan(const struct elfview *ev, const uint8_t *p, size_t n, uint64_t vaddr, struct pclntab *pt)
{
	uint32_t magics[] = { 0xfffffff1, 0xfffffff0, 0xfffffffa, 0xfffffffb };
	/* speed only: try the magic the build-info version suggests first (each
	 * miss is a pass over the data); the header must still validate */
	int minor = go_minor(ev->a->go.version.value);
	if (minor) {
		uint32_t want = go_pclntab_magic_for(minor);
		for (size_t k = 1; k < 4; k++)
			if (magics[k] == want) {
				magics[k] = magics[0];
				magics[0] = want;
			}
	}
	for (size_t k = 0; k < sizeof(magics) / sizeof(magics[0]); k++) {
		uint8_t m[6];
		uint32_t v = magics[k];
		for (int i = 0; i < 4; i++)
			m[i] = (uint8_t)(ev->be ? v >> (24 - 8 * i) : v >> (8 * i));
		m[4] = m[5] = 0;
		size_t off = 0;
		while (off < n) {
			int64_t at = find_bytes(p + off, n - off, m, sizeof(m), 1);
			if (at < 0)
				break;
			size_t pos = off + (size_t)at;
			if (pos % 4 == 0 && valid_header(ev, p + pos, n - pos, pt)) {
				pt->vaddr = vaddr ? vaddr + pos : 0;
				return true;
			}
			off = pos + 1;
		}
	}
	return false;
}

static bool pclntab_locate(struct elfview *ev, const GElf_Sym *sym, struct pclntab *pt);

/* facts_go, the NSS, type-hash and ISA extractors all want the table: the
 * search (a scan of read-only data in stripped PIE and c-shared builds)
 * runs once per object. A later call with the runtime.pclntab symbol
 * retries a search that found nothing without it. */
struct go_pcln_memo {
	bool found, with_sym;
	struct pclntab pt;
};

bool go_pclntab_find(struct elfview *ev, const GElf_Sym *sym, struct pclntab *pt)
{
	struct go_pcln_memo *m = ev->pcln_memo;
	if (m && (m->found || m->with_sym || !sym)) {
		*pt = m->pt;
		return m->found;
	}
	bool found = pclntab_locate(ev, sym, pt);
	if (!m)
		m = ev->pcln_memo = arena_alloc(ev->a->arena, sizeof(*m));
	if (m) {
		m->found = found;
		m->with_sym = sym != NULL;
		m->pt = *pt;
	}
	return found;
}

static bool pclntab_locate(struct elfview *ev, const GElf_Sym *sym, struct pclntab *pt)
{
	memset(pt, 0, sizeof(*pt));
	static const char *names[] = { ".gopclntab", ".data.rel.ro.gopclntab", ".go.pclntab" };
	GElf_Shdr sh;
	const uint8_t *p;
	size_t n;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (ev_section(ev, names[i], &sh) && ev_section_bytes(ev, &sh, &p, &n)) {
			if (valid_header(ev, p, n, pt)) {
				pt->vaddr = sh.sh_addr;
				pt->where = names[i];
				return true;
			}
			/* e.g. nfunc over GOABI_MAX_FUNCS or offsets past the section */
			diag_add(ev->a, GOABI_DIAG_WARNING, "section %s does not start with a valid pclntab header "
				 "(magic, sizes, offsets within %zu bytes, at most %u functions)", names[i], n, GOABI_MAX_FUNCS);
		}
	}
	/* c-shared and PIE: inside .data.rel.ro; symbol runtime.pclntab when present */
	if (ev->eh.e_type != ET_REL && sym) {
		uint64_t avail;
		if (ev_vaddr(ev, sym->st_value, 16, &p, &avail) && valid_header(ev, p, (size_t)avail, pt)) {
			pt->vaddr = sym->st_value;
			pt->where = "symbol runtime.pclntab";
			return true;
		}
	}
	/* scan: read-only sections, or read-only non-executable segments */
	if (ev->sections_ok) {
		Elf_Scn *scn = NULL;
		while ((scn = elf_nextscn(ev->elf, scn)) != NULL) {
			if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS || (sh.sh_flags & SHF_EXECINSTR))
				continue;
			if (ev->eh.e_type != ET_REL && !(sh.sh_flags & SHF_ALLOC))
				continue;
			if (ev_section_bytes(ev, &sh, &p, &n) && scan(ev, p, n, sh.sh_addr, pt)) {
				pt->where = arena_printf(ev->a->arena, "found by scanning section %s", ev_section_name(ev, &sh));
				return true;
			}
		}
		return false;
	}
	for (size_t i = 0; i < ev->phnum; i++) {
		GElf_Phdr ph;
		if (!ev_phdr(ev, i, &ph) || ph.p_type != PT_LOAD || (ph.p_flags & PF_X))
			continue;
		if (!range_ok(ph.p_offset, ph.p_filesz, ev->size))
			continue;
		if (scan(ev, ev->raw + ph.p_offset, ph.p_filesz, ph.p_vaddr, pt)) {
			pt->where = arena_printf(ev->a->arena, "found by scanning PT_LOAD[%zu]", i);
			return true;
		}
	}
	return false;
}

static bool name_at(const struct pclntab *pt, uint64_t off, funcname_fn fn, void *ctx, bool *stop)
{
	if (off >= pt->len)
		return false;
	const char *s = (const char *)pt->p + off;
	size_t max = pt->len - off < 4096 ? pt->len - off : 4096;
	const char *z = memchr(s, 0, max);
	if (!z)
		return false;
	if (!fn(ctx, s, (size_t)(z - s)))
		*stop = true;
	return true;
}

void go_pclntab_names(struct elfview *ev, const struct pclntab *pt, funcname_fn fn, void *ctx)
{
	int ps = pt->ptrsize;
	bool stop = false;
	if (pt->magic == 0xfffffffb) {
		/* functab of nfunc {entry, funcoff} pairs after the header; _func
		 * starts with entry (ptr) then nameoff (int32), both table-relative */
		size_t ft = 8 + (size_t)ps;
		for (uint64_t i = 0; i < pt->nfunc && !stop; i++) {
			size_t e = ft + (size_t)i * 2 * ps;
			if (e + 2 * (size_t)ps > pt->len)
				break;
			uint64_t funcoff = rdptr(pt->p + e + ps, ev->be, ps);
			if (funcoff > pt->len || pt->len - funcoff < (uint64_t)ps + 4)
				continue;
			uint32_t nameoff = rd32(pt->p + funcoff + ps, ev->be);
			name_at(pt, nameoff, fn, ctx, &stop);
		}
		return;
	}
	/* Go 1.16+: funcnametab is a run of NUL-terminated names between
	 * funcnameOffset and cuOffset */
	int first = pt->magic == 0xfffffffa ? 2 : 3;
	uint64_t start = rdptr(pt->p + 8 + (size_t)first * ps, ev->be, ps);
	uint64_t end = rdptr(pt->p + 8 + (size_t)(first + 1) * ps, ev->be, ps);
	if (end > pt->len || start >= end)
		return;
	uint64_t off = start, count = 0;
	while (off < end && !stop && count < GOABI_MAX_FUNCS) {
		const char *s = (const char *)pt->p + off;
		const char *z = memchr(s, 0, (size_t)(end - off));
		if (!z)
			break;
		size_t l = (size_t)(z - s);
		if (l && !fn(ctx, s, l))
			stop = true;
		off += l + 1;
		count++;
	}
}

/* Function entries (debug/gosym/pclntab.go funcTab and funcData): the
 * functab holds nfunc {entry, funcoff} pairs, uint32 offsets from the text
 * start since Go 1.18, pointers before; _func begins with the entry and the
 * name offset (into funcnametab since Go 1.16, into the table before). */
void go_pclntab_funcs(struct elfview *ev, const struct pclntab *pt, uint64_t text_start, funcentry_fn fn, void *ctx)
{
	int ps = pt->ptrsize;
	uint64_t ftab, names = 0, nfunc = pt->nfunc;
	size_t fsz = pt->magic == 0xfffffff0 || pt->magic == 0xfffffff1 ? 4 : (size_t)ps;
	if (pt->magic == 0xfffffffb) {
		ftab = 8 + (uint64_t)ps;
	} else {
		int first = pt->magic == 0xfffffffa ? 2 : 3;
		names = rdptr(pt->p + 8 + (size_t)first * ps, ev->be, ps);
		ftab = rdptr(pt->p + 8 + (size_t)(first + 4) * ps, ev->be, ps);
		if (fsz == 4) {
			uint64_t ts = rdptr(pt->p + 8 + 2 * (size_t)ps, ev->be, ps);
			if (ts)
				text_start = ts;
		}
	}
	uint64_t base = pt->magic == 0xfffffffb ? 0 : ftab; /* funcoff is relative to this */
	for (uint64_t i = 0; i < nfunc && i < GOABI_MAX_FUNCS; i++) {
		uint64_t e = ftab + i * 2 * fsz;
		if (e > pt->len || pt->len - e < 2 * fsz)
			break;
		uint64_t entry = fsz == 4 ? rd32(pt->p + e, ev->be) + text_start : rdptr(pt->p + e, ev->be, ps);
		uint64_t funcoff = fsz == 4 ? rd32(pt->p + e + 4, ev->be) : rdptr(pt->p + e + fsz, ev->be, ps);
		const char *name = NULL;
		size_t nlen = 0;
		if (funcoff <= pt->len - base && pt->len - base - funcoff >= fsz + 4) {
			uint64_t nameoff = names + rd32(pt->p + base + funcoff + fsz, ev->be);
			if (nameoff < pt->len) {
				const char *s = (const char *)pt->p + nameoff;
				size_t max = pt->len - nameoff < 4096 ? pt->len - nameoff : 4096;
				const char *z = memchr(s, 0, max);
				if (z) {
					name = s;
					nlen = (size_t)(z - s);
				}
			}
		}
		if (!fn(ctx, entry, name, nlen))
			break;
	}
}
