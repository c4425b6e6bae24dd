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
			int64_t at = find_bytes(p + off, n - off, m, sizeof(m), 4);
			if (at < 0)
				break;
			size_t pos = off + (size_t)at;
			if (valid_header(ev, p + pos, n - pos, pt)) {
				pt->vaddr = vaddr ? vaddr + pos : 0;
				return true;
			}
			off = pos + 4;
		}
	}
	return false;
}

/* The function names of go_pclntab_names, kept (offset and length) or,
 * when fn is set, handed to fn as they are found. */
struct pcln_name {
	uint32_t off, len;
};

struct pcln_names {
	const uint8_t *table; /* the pclntab these offsets index */
	struct pcln_name *v;
	size_t n, cap;
	bool failed; /* out of memory: the list is incomplete */
	funcname_fn fn;
	void *ctx;
	bool stop;
};

struct go_pcln_memo {
	bool found, with_sym;
	struct pclntab pt;
	struct pcln_names names;
};

static bool pclntab_locate(struct elfview *ev, const GElf_Sym *sym, struct pclntab *pt);

/* facts_go, the NSS, type-hash and ISA extractors all want the table: the
 * search (a scan of read-only data in stripped PIE and c-shared builds)
 * runs once per object. A later call with the runtime.pclntab symbol
 * retries a search that found nothing without it. */
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
				pt->where = arena_printf(ev->a->arena, "section %s, found by scanning", ev_section_name(ev, &sh));
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
			pt->where = arena_printf(ev->a->arena, "PT_LOAD[%zu], found by scanning", i);
			return true;
		}
	}
	return false;
}

/* The names any reader wants, by their first two bytes: facts_go's
 * classify() ("ty"pe, "go"., "ru"ntime., "x_"cgo_init, "cr"osscall2,
 * "_c"go) and facts_nss's ("os"/user., "ne"t.). The walk keeps only these
 * (in esbuild about one name in five) and keeps them for the next reader. */
static inline bool wanted_key(const uint8_t *s, size_t len)
{
	if (len < 2)
		return false;
	switch (s[0]) {
	case 't': return s[1] == 'y';
	case 'g': return s[1] == 'o';
	case 'r': return s[1] == 'u';
	case 'x': return s[1] == '_';
	case 'c': return s[1] == 'r';
	case '_': return s[1] == 'c';
	case 'o': return s[1] == 's';
	case 'n': return s[1] == 'e';
	default: return false;
	}
}

static inline void keep(struct goabi_arena *ar, struct pcln_names *ns, uint64_t off, size_t len)
{
	if (ns->fn) {
		if (!ns->stop && !ns->fn(ns->ctx, (const char *)ns->table + off, len))
			ns->stop = true;
		return;
	}
	if (ns->failed || len >= 512)
		return;
	if (ns->n == ns->cap && !arena_grow(ar, &ns->v, &ns->cap, ns->n + 1, sizeof(*ns->v))) {
		ns->failed = true;
		return;
	}
	ns->v[ns->n++] = (struct pcln_name){ (uint32_t)off, (uint32_t)len };
}

/* NUL_BLOCK bytes at p to a mask with bit k set where p[k] is 0: SSE2 on
 * x86 (every x86-64 has it), eight bytes of plain C elsewhere. */
#ifdef __SSE2__
#include <emmintrin.h>
enum { NUL_BLOCK = 32 };
static inline uint32_t nul_mask(const uint8_t *p)
{
	__m128i z = _mm_setzero_si128();
	__m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
	return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a, z)) |
	       (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, z)) << 16;
}
#else
enum { NUL_BLOCK = 8 };
static inline uint32_t nul_mask(const uint8_t *p)
{
	uint32_t m = 0;
	uint64_t v, lo7 = 0x7f7f7f7f7f7f7f7full;
	memcpy(&v, p, 8);
	/* the high bit of each zero byte, exactly (no borrow between bytes) */
	uint64_t hi = ~(((v & lo7) + lo7) | v | lo7);
	if (hi)
		for (int k = 0; k < 8; k++)
			if (!p[k])
				m |= 1u << k;
	return m;
}
#endif

/* Go 1.16+: funcnametab is a run of NUL-terminated names in [start, end).
 * A block of bytes at a time: each NUL ends a name; only the wanted ones
 * are kept (no call per name). */
static void walk_nametab(struct goabi_arena *ar, const uint8_t *p, uint64_t start, uint64_t end, struct pcln_names *ns)
{
	uint64_t name = start, i = start, count = 0;
	for (; end - i >= NUL_BLOCK && count < GOABI_MAX_FUNCS; i += NUL_BLOCK) {
		for (uint32_t m = nul_mask(p + i); m; m &= m - 1) {
			uint64_t z = i + (uint64_t)__builtin_ctz(m);
			count++;
			if (wanted_key(p + name, (size_t)(z - name)))
				keep(ar, ns, name, (size_t)(z - name));
			name = z + 1;
		}
	}
	for (; i < end && count < GOABI_MAX_FUNCS; i++)
		if (!p[i]) {
			count++;
			if (wanted_key(p + name, (size_t)(i - name)))
				keep(ar, ns, name, (size_t)(i - name));
			name = i + 1;
		}
}

static void name_at(struct goabi_arena *ar, const struct pclntab *pt, uint64_t off, struct pcln_names *ns)
{
	if (off >= pt->len || pt->len - off < 2 || !wanted_key(pt->p + off, 2))
		return;
	const char *s = (const char *)pt->p + off;
	size_t max = pt->len - off < 4096 ? pt->len - off : 4096;
	const char *z = memchr(s, 0, max);
	if (z)
		keep(ar, ns, off, (size_t)(z - s));
}

static void walk_names(struct elfview *ev, const struct pclntab *pt, struct pcln_names *ns)
{
	int ps = pt->ptrsize;
	struct goabi_arena *ar = ev->a->arena;
	ns->table = pt->p;
	if (!ns->fn && pt->len > UINT32_MAX) {
		/* offsets do not fit the list: the caller reads names direct */
		ns->failed = true;
		return;
	}
	if (pt->magic == 0xfffffffb) {
		/* functab of nfunc {entry, funcoff} pairs after the header; _func
		 * starts with entry (ptr) then nameoff (int32), both table-relative */
		size_t ft = 8 + (size_t)ps;
		for (uint64_t i = 0; i < pt->nfunc; i++) {
			size_t e = ft + (size_t)i * 2 * ps;
			if (e + 2 * (size_t)ps > pt->len)
				break;
			uint64_t funcoff = rdptr(pt->p + e + ps, ev->be, ps);
			if (funcoff > pt->len || pt->len - funcoff < (uint64_t)ps + 4)
				continue;
			name_at(ar, pt, rd32(pt->p + funcoff + ps, ev->be), ns);
		}
		return;
	}
	int first = pt->magic == 0xfffffffa ? 2 : 3;
	uint64_t start = rdptr(pt->p + 8 + (size_t)first * ps, ev->be, ps);
	uint64_t end = rdptr(pt->p + 8 + (size_t)(first + 1) * ps, ev->be, ps);
	if (end > pt->len || start >= end)
		return;
	walk_nametab(ar, pt->p, start, end, ns);
}

void go_pclntab_names(struct elfview *ev, const struct pclntab *pt, funcname_fn fn, void *ctx)
{
	struct go_pcln_memo *m = ev->pcln_memo;
	struct pcln_names local = { 0 }, *ns = &local;
	if (m && m->found && m->pt.p == pt->p && m->pt.len == pt->len) {
		ns = &m->names;
		if (!ns->table)
			walk_names(ev, pt, ns);
	} else {
		walk_names(ev, pt, ns);
	}
	if (ns->failed) {
		/* out of memory for the list: read the table again, each name
		 * to fn as it is found */
		struct pcln_names direct = { .fn = fn, .ctx = ctx };
		walk_names(ev, pt, &direct);
		return;
	}
	for (size_t i = 0; i < ns->n; i++)
		if (!fn(ctx, (const char *)pt->p + ns->v[i].off, ns->v[i].len))
			break;
}

/* go_pclntab_names_prefixed: the callback of the fallback (Go 1.2-1.15
 * tables, whose names are not one run) sees only the prefixed names */
struct pfx_filter {
	const char *const *pfx;
	size_t npfx;
	funcname_fn fn;
	void *ctx;
};

static bool has_prefix(const char *const *pfx, size_t npfx, const uint8_t *s, size_t len)
{
	for (size_t k = 0; k < npfx; k++) {
		size_t l = strlen(pfx[k]);
		if (len >= l && memcmp(s, pfx[k], l) == 0)
			return true;
	}
	return false;
}

static bool pfx_filter_cb(void *ctx, const char *name, size_t len)
{
	struct pfx_filter *f = ctx;
	if (!has_prefix(f->pfx, f->npfx, (const uint8_t *)name, len))
		return true;
	return f->fn(f->ctx, name, len);
}

/* One name candidate at p + name (a name starts there): handed to fn when
 * its NUL is inside [name, end), it is shorter than 512 bytes (longer ones
 * are never kept, see keep) and carries a prefix. false: fn said stop. */
static bool pfx_name(const uint8_t *p, uint64_t name, uint64_t end, const char *const *pfx, size_t npfx,
		     funcname_fn fn, void *ctx)
{
	uint64_t max = end - name < 512 ? end - name : 512;
	const uint8_t *z = memchr(p + name, 0, (size_t)max);
	if (!z)
		return true;
	size_t len = (size_t)(z - (p + name));
	if (len < 2 || !has_prefix(pfx, npfx, p + name, len))
		return true;
	return fn(ctx, (const char *)p + name, len);
}

void go_pclntab_names_prefixed(struct elfview *ev, const struct pclntab *pt, const char *const *pfx, size_t npfx,
			       funcname_fn fn, void *ctx)
{
	int ps = pt->ptrsize;
	struct pfx_filter f = { pfx, npfx, fn, ctx };
	if (pt->magic == 0xfffffffb || npfx == 0 || npfx > 4) {
		go_pclntab_names(ev, pt, pfx_filter_cb, &f);
		return;
	}
	int first = pt->magic == 0xfffffffa ? 2 : 3;
	uint64_t start = rdptr(pt->p + 8 + (size_t)first * ps, ev->be, ps);
	uint64_t end = rdptr(pt->p + 8 + (size_t)(first + 1) * ps, ev->be, ps);
	if (end > pt->len || start >= end)
		return;
	/* a table that could hold GOABI_MAX_FUNCS names: the walk's own count
	 * decides where it stops (below that, every name is read) */
	if (end - start >= GOABI_MAX_FUNCS) {
		go_pclntab_names(ev, pt, pfx_filter_cb, &f);
		return;
	}
	const uint8_t *p = pt->p;
	/* the names walk_nametab reads: one starts at start and after each NUL */
	if (!pfx_name(p, start, end, pfx, npfx, fn, ctx))
		return;
	uint64_t i = start;
#ifdef __SSE2__
	__m128i c0[4], c1[4];
	for (size_t k = 0; k < npfx; k++) {
		c0[k] = _mm_set1_epi8((char)pfx[k][0]);
		c1[k] = _mm_set1_epi8((char)pfx[k][1]);
	}
	/* a NUL whose next two bytes are a prefix's first two: one mask of 16
	 * positions, nearly always empty (the loads stay inside the table) */
	const __m128i zero = _mm_setzero_si128();
	for (; end - i >= 16 + 2; i += 16) {
		__m128i b0 = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i b1 = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 1));
		__m128i b2 = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 2));
		__m128i m = _mm_and_si128(_mm_cmpeq_epi8(b1, c0[0]), _mm_cmpeq_epi8(b2, c1[0]));
		for (size_t k = 1; k < npfx; k++)
			m = _mm_or_si128(m, _mm_and_si128(_mm_cmpeq_epi8(b1, c0[k]), _mm_cmpeq_epi8(b2, c1[k])));
		uint32_t cand = (uint32_t)_mm_movemask_epi8(_mm_and_si128(m, _mm_cmpeq_epi8(b0, zero)));
		for (; cand; cand &= cand - 1)
			if (!pfx_name(p, i + (uint64_t)__builtin_ctz(cand) + 1, end, pfx, npfx, fn, ctx))
				return;
	}
#endif
	for (; i < end; i++)
		if (!p[i] && i + 1 < end && !pfx_name(p, i + 1, end, pfx, npfx, fn, ctx))
			return;
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
