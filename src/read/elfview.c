/* ELF view over libelf. All file offsets and sizes read from headers are
 * checked against the object's size before any byte is touched. */
#include <limits.h>
#include <string.h>
#include "read/elfview.h"

static const char *segment_type_name(uint32_t t)
{
	switch (t) {
	case PT_LOAD: return "PT_LOAD";
	case PT_DYNAMIC: return "PT_DYNAMIC";
	case PT_INTERP: return "PT_INTERP";
	case PT_NOTE: return "PT_NOTE";
	case PT_PHDR: return "PT_PHDR";
	case PT_TLS: return "PT_TLS";
	case PT_GNU_EH_FRAME: return "PT_GNU_EH_FRAME";
	case PT_GNU_RELRO: return "PT_GNU_RELRO";
	case PT_GNU_PROPERTY: return "PT_GNU_PROPERTY";
	default: return "segment";
	}
}

/* A code or data section that holds no bytes (SHT_NOBITS but not .bss-like:
 * executable, or the loader's .interp/.dynamic): what objcopy
 * --only-keep-debug and eu-strip -f leave in a separate debug file. */
static bool nobits_by_design(const struct elfview *ev, const GElf_Shdr *sh)
{
	if (sh->sh_type != SHT_NOBITS || !(sh->sh_flags & SHF_ALLOC) || sh->sh_size == 0)
		return false;
	if (sh->sh_flags & SHF_EXECINSTR)
		return true;
	const char *n = ev_section_name(ev, sh);
	return strcmp(n, ".interp") == 0 || strcmp(n, ".dynamic") == 0 || strcmp(n, ".dynsym") == 0;
}

/* Where a section's bytes are: in a split view the symbol and string
 * tables are in the header image, everything else in the object. */
static void section_base(const struct elfview *ev, const GElf_Shdr *sh, const uint8_t **base, size_t *size)
{
	bool hdr = ev->hdr_raw && (sh->sh_type == SHT_SYMTAB || sh->sh_type == SHT_STRTAB || sh->sh_type == SHT_DYNSYM);
	*base = hdr ? ev->hdr_raw : ev->raw;
	*size = hdr ? ev->hdr_size : ev->size;
}

/* Every section and segment with bytes in the file must have them inside
 * it: a file whose headers promise more is truncated (one diagnostic per
 * kind, naming the first and counting the rest). A separate debug file is
 * recognised instead: its segments' content is absent by design. */
static void check_contents(struct elfview *ev)
{
	size_t nsec = 0, nseg = 0, firstsec = 0;
	GElf_Shdr fs = { 0 };
	bool nobits_code = false;
	if (ev->sections_ok) {
		Elf_Scn *scn = NULL;
		while ((scn = elf_nextscn(ev->elf, scn)) != NULL) {
			GElf_Shdr sh;
			if (!gelf_getshdr(scn, &sh))
				continue;
			if (nobits_by_design(ev, &sh))
				nobits_code = true;
			const uint8_t *base;
			size_t size;
			section_base(ev, &sh, &base, &size);
			if (sh.sh_type == SHT_NOBITS || sh.sh_type == SHT_NULL || sh.sh_size == 0 ||
			    range_ok(sh.sh_offset, sh.sh_size, size))
				continue;
			if (!nsec++) {
				fs = sh;
				firstsec = elf_ndxscn(scn);
			}
		}
	}
	ev->debug_only = nobits_code && nsec == 0 && ev->eh.e_type != ET_REL;
	GElf_Phdr fp = { 0 };
	size_t firstseg = 0;
	for (size_t i = 0; i < ev->phnum && !ev->debug_only; i++) {
		GElf_Phdr ph;
		if (!ev_phdr(ev, i, &ph) || ph.p_type == PT_NULL || ph.p_filesz == 0 ||
		    range_ok(ph.p_offset, ph.p_filesz, ev->size))
			continue;
		if (!nseg++) {
			fp = ph;
			firstseg = i;
		}
	}
	if (nseg) {
		/* a core file (often cut by a size limit) is read for its
		 * identity only, which its segments do not change */
		bool core = ev->eh.e_type == ET_CORE;
		diag_add(ev->a, core ? GOABI_DIAG_WARNING : GOABI_DIAG_ERROR,
			 "%s (program header %zu: offset %#llx, file size %#llx) extends past the end of the file (%zu bytes)%s%s",
			 segment_type_name(fp.p_type), firstseg, (unsigned long long)fp.p_offset,
			 (unsigned long long)fp.p_filesz, ev->size,
			 nseg > 1 ? arena_printf(ev->a->arena, ", and %zu more segments", nseg - 1) : "",
			 core ? " (a truncated core file)" : "");
		ev->truncated = true;
	}
	if (nsec) {
		diag_add(ev->a, GOABI_DIAG_ERROR,
			 "section [%zu] '%s' (offset %#llx, size %#llx) extends past the end of the file (%zu bytes)%s",
			 firstsec, ev_section_name(ev, &fs), (unsigned long long)fs.sh_offset,
			 (unsigned long long)fs.sh_size, ev->size,
			 nsec > 1 ? arena_printf(ev->a->arena, ", and %zu more sections", nsec - 1) : "");
		ev->truncated = true;
	}
}

/* The section count the ELF header promises: e_shnum, or with e_shnum 0
 * (extended numbering) section 0's sh_size, read from the bytes (section 0
 * is known to be inside the object). */
static uint64_t section_count(const struct elfview *ev)
{
	if (ev->eh.e_shnum || !range_ok(ev->eh.e_shoff, ev->ptrsize == 8 ? 40 : 24, ev->size))
		return ev->eh.e_shnum;
	const uint8_t *s0 = ev->raw + ev->eh.e_shoff;
	return ev->ptrsize == 8 ? rd64(s0 + 32, ev->be) : rd32(s0 + 20, ev->be);
}

static bool init(struct elfview *ev, Elf *elf, const uint8_t *bytes, size_t n, struct goabi_artifact *a,
		 const struct goabi_opts *opts)
{
	memset(ev, 0, sizeof(*ev));
	ev->elf = elf;
	ev->a = a;
	ev->opts = opts;
	size_t sz = 0;
	ev->raw = (const uint8_t *)elf_rawfile(elf, &sz);
	ev->size = ev->raw ? sz : 0;
	if (!gelf_getehdr(elf, &ev->eh)) {
		diag_add(a, GOABI_DIAG_ERROR, "unreadable ELF header: %s", elf_errmsg(-1));
		return false;
	}
	int cls = gelf_getclass(elf);
	ev->ptrsize = cls == ELFCLASS64 ? 8 : 4;
	ev->be = ev->eh.e_ident[EI_DATA] == ELFDATA2MSB;
	if (elf_getphdrnum(elf, &ev->phnum) != 0) {
		diag_add(a, GOABI_DIAG_ERROR, "unreadable program header count: %s", elf_errmsg(-1));
		ev->phnum = 0;
	}
	/* libelf counts only the program headers that fit in the object (and
	 * 0 sections when their table does not): the ELF header's own counts
	 * say what it promises */
	uint64_t phn = ev->eh.e_phnum == PN_XNUM ? ev->phnum : ev->eh.e_phnum;
	uint64_t phent = ev->eh.e_phentsize ? ev->eh.e_phentsize : gelf_fsize(elf, ELF_T_PHDR, 1, EV_CURRENT);
	if (phn && !range_ok(ev->eh.e_phoff, phn * phent, ev->size)) {
		diag_add(a, GOABI_DIAG_ERROR,
			 "program headers (e_phoff %#llx, %llu entries of %llu bytes) extend past the end of the file (%zu bytes)",
			 (unsigned long long)ev->eh.e_phoff, (unsigned long long)phn, (unsigned long long)phent, ev->size);
		ev->phnum = 0;
		ev->phdrs_missing = true;
		ev->truncated = true;
	}
	ev->sections_ok = false;
	uint64_t shent = ev->eh.e_shentsize ? ev->eh.e_shentsize : gelf_fsize(elf, ELF_T_SHDR, 1, EV_CURRENT), shn;
	if (ev->eh.e_shoff && !range_ok(ev->eh.e_shoff, shent, ev->size)) {
		/* not even section 0 (which holds the counts when e_shnum is 0) */
		diag_add(a, GOABI_DIAG_ERROR,
			 "section headers (e_shoff %#llx, %u entries of %llu bytes) are past the end of the file (%zu bytes)",
			 (unsigned long long)ev->eh.e_shoff, ev->eh.e_shnum, (unsigned long long)shent, ev->size);
		ev->shnum = 0;
		ev->truncated = true;
	} else if (ev->eh.e_shoff && (shn = section_count(ev)) > 0 &&
		   (shn > ev->size / shent || !range_ok(ev->eh.e_shoff, shn * shent, ev->size))) {
		diag_add(a, GOABI_DIAG_ERROR,
			 "section headers (e_shoff %#llx, %llu entries of %llu bytes) extend past the end of the file (%zu bytes)",
			 (unsigned long long)ev->eh.e_shoff, (unsigned long long)shn, (unsigned long long)shent, ev->size);
		ev->shnum = 0;
		ev->truncated = true;
	} else if (elf_getshdrnum(elf, &ev->shnum) != 0) {
		diag_add(a, GOABI_DIAG_ERROR, "unreadable section header count: %s", elf_errmsg(-1));
		ev->shnum = 0;
	} else if (ev->shnum > 0) {
		/* load the section headers first: for e_shstrndx == SHN_XINDEX in
		 * a foreign byte order, libelf (0.188) otherwise pread()s section 0
		 * from the file descriptor, which a memory image does not have */
		GElf_Shdr sh0;
		Elf_Scn *scn0 = elf_getscn(elf, 0);
		if (scn0)
			(void)gelf_getshdr(scn0, &sh0);
		if (elf_getshdrstrndx(elf, &ev->shstrndx) != 0) {
			diag_add(a, GOABI_DIAG_WARNING, "unreadable section name table index: %s", elf_errmsg(-1));
		} else if (!elf_getscn(elf, 1) && ev->shnum > 1) {
			diag_add(a, GOABI_DIAG_ERROR, "section headers (e_shoff %#llx) are unreadable: %s",
				 (unsigned long long)ev->eh.e_shoff, elf_errmsg(-1));
			ev->shnum = 0;
		} else {
			ev->sections_ok = true;
		}
	}
	if (bytes) {
		ev->hdr_raw = ev->raw;
		ev->hdr_size = ev->size;
		ev->raw = bytes;
		ev->size = n;
	}
	check_contents(ev);
	return true;
}

bool ev_init(struct elfview *ev, Elf *elf, struct goabi_artifact *a, const struct goabi_opts *opts)
{
	return init(ev, elf, NULL, 0, a, opts);
}

bool ev_init_split(struct elfview *ev, Elf *elf, const uint8_t *bytes, size_t n, struct goabi_artifact *a,
		   const struct goabi_opts *opts)
{
	return init(ev, elf, bytes, n, a, opts);
}

const char *ev_section_name(const struct elfview *ev, const GElf_Shdr *sh)
{
	const char *n = ev->sections_ok ? elf_strptr(ev->elf, ev->shstrndx, sh->sh_name) : NULL;
	return n ? n : "?";
}

/* Each lookup compares the names read once (an object's extractors look up
 * a dozen sections by name; an archive of 2 000 members, each of them) */
const char *const *ev_section_names(const struct elfview *ev, size_t *n)
{
	*n = 0;
	if (!ev->sections_ok)
		return NULL;
	if (!ev->secnames) {
		struct elfview *mev = (struct elfview *)ev; /* a cache, not the view's content */
		size_t cnt = ev->shnum;
		const char **v = cnt ? arena_alloc(ev->a->arena, cnt * sizeof(*v)) : NULL;
		if (!v)
			return NULL;
		memset(v, 0, cnt * sizeof(*v));
		Elf_Scn *scn = NULL;
		while ((scn = elf_nextscn(ev->elf, scn)) != NULL) {
			GElf_Shdr s;
			size_t i = elf_ndxscn(scn);
			if (i < cnt && gelf_getshdr(scn, &s))
				v[i] = elf_strptr(ev->elf, ev->shstrndx, s.sh_name);
		}
		mev->secnames = v;
		mev->nsecnames = cnt;
	}
	*n = ev->nsecnames;
	return ev->secnames;
}

Elf_Scn *ev_section(const struct elfview *ev, const char *name, GElf_Shdr *sh)
{
	size_t n;
	const char *const *names = ev_section_names(ev, &n);
	if (!names)
		return NULL;
	for (size_t i = 1; i < n; i++) {
		if (!names[i] || strcmp(names[i], name) != 0)
			continue;
		Elf_Scn *scn = elf_getscn(ev->elf, i);
		GElf_Shdr s;
		if (!scn || !gelf_getshdr(scn, &s))
			continue;
		if (sh)
			*sh = s;
		return scn;
	}
	return NULL;
}

bool ev_section_bytes(const struct elfview *ev, const GElf_Shdr *sh,
		      const uint8_t **p, size_t *n)
{
	const uint8_t *base;
	size_t size;
	section_base(ev, sh, &base, &size);
	if (sh->sh_type == SHT_NOBITS || !base)
		return false;
	if (!range_ok(sh->sh_offset, sh->sh_size, size)) {
		diag_add(ev->a, GOABI_DIAG_ERROR,
			 "section '%s' (offset %#llx, size %#llx) extends past the end of the file",
			 ev_section_name(ev, sh), (unsigned long long)sh->sh_offset,
			 (unsigned long long)sh->sh_size);
		return false;
	}
	*p = base + sh->sh_offset;
	*n = (size_t)sh->sh_size;
	return true;
}

bool ev_phdr(const struct elfview *ev, size_t i, GElf_Phdr *ph)
{
	if (i >= ev->phnum || !gelf_getphdr(ev->elf, (int)i, ph))
		return false;
	/* a debug file's segments keep their addresses, not their bytes */
	if (ev->debug_only)
		ph->p_filesz = 0;
	return true;
}

bool ev_vaddr(const struct elfview *ev, uint64_t vaddr, uint64_t len,
	      const uint8_t **p, uint64_t *avail)
{
	if (!ev->raw)
		return false;
	/* Relocatable objects have no addresses; only executables and shared
	 * objects are resolved here. Segments first: they survive stripping. */
	for (size_t i = 0; i < ev->phnum; i++) {
		GElf_Phdr ph;
		if (!ev_phdr(ev, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (vaddr < ph.p_vaddr || vaddr - ph.p_vaddr >= ph.p_filesz)
			continue;
		uint64_t off = ph.p_offset + (vaddr - ph.p_vaddr);
		if (off < ph.p_offset) /* wrapped */
			continue;
		uint64_t left = ph.p_filesz - (vaddr - ph.p_vaddr);
		if (off > ev->size)
			continue;
		if (left > ev->size - off)
			left = ev->size - off;
		if (left < len)
			continue;
		*p = ev->raw + off;
		if (avail)
			*avail = left;
		return true;
	}
	if ((ev->phnum && !ev->debug_only) || !ev->sections_ok)
		return false;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(ev->elf, scn)) != NULL) {
		GElf_Shdr s;
		if (!gelf_getshdr(scn, &s) || !(s.sh_flags & SHF_ALLOC) || s.sh_type == SHT_NOBITS)
			continue;
		if (vaddr < s.sh_addr || vaddr - s.sh_addr >= s.sh_size)
			continue;
		if (!range_ok(s.sh_offset, s.sh_size, ev->size))
			continue;
		uint64_t left = s.sh_size - (vaddr - s.sh_addr);
		if (left < len)
			continue;
		*p = ev->raw + s.sh_offset + (vaddr - s.sh_addr);
		if (avail)
			*avail = left;
		return true;
	}
	return false;
}

const char *ev_vaddr_string(const struct elfview *ev, uint64_t vaddr, uint64_t n)
{
	const uint8_t *p;
	if (n > GOABI_MAX_STRING || !ev_vaddr(ev, vaddr, n, &p, NULL))
		return NULL;
	return utf8_sanitize(ev->a->arena, (const char *)p, (size_t)n);
}

/* One symbol table: its entries (GElf_Sym layout) and its string table. */
struct ev_symtab_part {
	const GElf_Sym *syms;
	size_t n;
	const char *str;
	size_t strsz;
	/* entry i: 0 when it has no usable name (empty, or not ending inside
	 * str), else its first two bytes (name[0] | name[1] << 8) */
	uint16_t *key;
};

struct ev_symcache {
	struct ev_symtab_part *parts;
	size_t nparts;
};

/* Each entry's key, names checked once here: the iterations after this one
 * touch only the names their callbacks read (the string table of a C++
 * program is megabytes, in an order unrelated to the symbols') */
static bool part_keys(const struct elfview *ev, struct ev_symtab_part *t)
{
	t->key = arena_alloc(ev->a->arena, t->n * sizeof(*t->key));
	if (!t->key)
		return false;
	bool nul_ended = t->str[t->strsz - 1] == 0;
	for (size_t i = 1; i < t->n; i++) {
		size_t off = t->syms[i].st_name;
		if (off == 0 || off >= t->strsz || !t->str[off] ||
		    (!nul_ended && !memchr(t->str + off, 0, t->strsz - off)))
			continue;
		t->key[i] = (uint16_t)((uint8_t)t->str[off] | (uint8_t)t->str[off + 1] << 8);
	}
	return true;
}

/* Collect the tables of one type. A 64-bit table in the host's byte order is
 * used where libelf has it (GElf_Sym is Elf64_Sym): nothing is copied, which
 * matters for large C++ programs (Node.js: 150 000 symbols, read by five
 * extractors). Other tables (ELF32, misaligned archive members) are decoded
 * once into the arena. Names are checked when iterating. */
static struct ev_symcache *symcache_build(const struct elfview *ev, bool dynamic)
{
	struct goabi_arena *ar = ev->a->arena;
	struct ev_symcache *c = arena_alloc(ar, sizeof(*c));
	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c));
	Elf_Scn *scn = NULL;
	Elf64_Word want = dynamic ? SHT_DYNSYM : SHT_SYMTAB;
	size_t cap = 0;
	while ((scn = elf_nextscn(ev->elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != want)
			continue;
		if (sh.sh_entsize == 0 || sh.sh_entsize != gelf_fsize(ev->elf, ELF_T_SYM, 1, EV_CURRENT)) {
			diag_add(ev->a, GOABI_DIAG_ERROR, "symbol table '%s' has a bad entry size %llu",
				 ev_section_name(ev, &sh), (unsigned long long)sh.sh_entsize);
			continue;
		}
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d) {
			diag_add(ev->a, GOABI_DIAG_ERROR, "symbol table '%s' is unreadable: %s",
				 ev_section_name(ev, &sh), elf_errmsg(-1));
			continue;
		}
		size_t n = d->d_size / sh.sh_entsize;
		if (n > GOABI_MAX_SYMBOLS) {
			diag_add(ev->a, GOABI_DIAG_ERROR, "symbol table '%s' has %zu entries, more than the limit of %u; reading the first %u",
				 ev_section_name(ev, &sh), n, GOABI_MAX_SYMBOLS, GOABI_MAX_SYMBOLS);
			n = GOABI_MAX_SYMBOLS;
		}
		Elf_Scn *strscn = elf_getscn(ev->elf, sh.sh_link);
		Elf_Data *sd = strscn ? elf_getdata(strscn, NULL) : NULL;
		if (!sd || !sd->d_buf || !sd->d_size || n < 2 || !d->d_buf)
			continue;
		if (!arena_grow(ar, &c->parts, &cap, c->nparts + 1, sizeof(*c->parts))) {
			diag_add(ev->a, GOABI_DIAG_ERROR, "out of memory reading %zu symbols", n);
			return c;
		}
		struct ev_symtab_part *t = &c->parts[c->nparts];
		t->str = sd->d_buf;
		t->strsz = sd->d_size;
		if (gelf_getclass(ev->elf) == ELFCLASS64 && d->d_type == ELF_T_SYM &&
		    (uintptr_t)d->d_buf % _Alignof(GElf_Sym) == 0) {
			t->syms = d->d_buf;
			t->n = n;
		} else {
			GElf_Sym *syms = arena_alloc(ar, n * sizeof(*syms));
			if (!syms) {
				diag_add(ev->a, GOABI_DIAG_ERROR, "out of memory reading %zu symbols", n);
				return c;
			}
			size_t i;
			for (i = 0; i < n; i++)
				if (!gelf_getsym(d, (int)i, &syms[i]))
					break;
			t->syms = syms;
			t->n = i;
		}
		if (!part_keys(ev, t)) {
			diag_add(ev->a, GOABI_DIAG_ERROR, "out of memory reading %zu symbols", n);
			return c;
		}
		c->nparts++;
	}
	return c;
}

static struct ev_symcache *symcache_get(const struct elfview *ev, bool dynamic)
{
	if (!ev->sections_ok)
		return NULL;
	/* the cache is the view's own memo, not a change to what it views */
	struct elfview *mev = (struct elfview *)ev;
	if (!ev->symcache[dynamic])
		mev->symcache[dynamic] = symcache_build(ev, dynamic);
	return ev->symcache[dynamic];
}

/* Every named symbol, or (set not NULL) only those whose key (first two
 * name bytes) is in the bitmap set of the 65536 possible keys; returns the
 * number of named symbols, those left out included */
static size_t symcache_iter(const struct ev_symcache *c, const uint64_t *set, ev_sym_fn fn, void *ctx)
{
	size_t seen = 0;
	for (size_t k = 0; c && k < c->nparts; k++) {
		const struct ev_symtab_part *t = &c->parts[k];
		for (size_t i = 1; i < t->n; i++) {
			uint16_t key = t->key[i];
			if (!key)
				continue;
			seen++;
			if (set && !(set[key >> 6] >> (key & 63) & 1))
				continue;
			const GElf_Sym *sym = &t->syms[i];
			if (!fn(ctx, t->str + sym->st_name, sym, i))
				return seen;
		}
	}
	return seen;
}

#define KEYSET_WORDS (65536 / 64)

/* the keys a prefix's names have: its first two bytes; a one-byte prefix
 * every key starting with that byte (its own one-byte name included) */
static void keyset_add(uint64_t *set, const char *prefix)
{
	uint8_t b0 = (uint8_t)prefix[0];
	if (prefix[0] && prefix[1]) {
		uint16_t k = (uint16_t)(b0 | (uint8_t)prefix[1] << 8);
		set[k >> 6] |= 1ull << (k & 63);
		return;
	}
	for (unsigned b = 0; b < 256; b++) {
		uint16_t k = (uint16_t)(b0 | b << 8);
		set[k >> 6] |= 1ull << (k & 63);
	}
}

size_t ev_for_each_symbol(const struct elfview *ev, bool dynamic, ev_sym_fn fn, void *ctx)
{
	return symcache_iter(symcache_get(ev, dynamic), NULL, fn, ctx);
}

size_t ev_for_each_symbol_keys(const struct elfview *ev, bool dynamic, const char *const *prefixes, size_t n,
			       ev_sym_fn fn, void *ctx)
{
	uint64_t set[KEYSET_WORDS] = { 0 };
	for (size_t i = 0; i < n; i++)
		keyset_add(set, prefixes[i]);
	return symcache_iter(symcache_get(ev, dynamic), set, fn, ctx);
}

size_t ev_for_each_symbol_prefix(const struct elfview *ev, bool dynamic, const char *prefix, ev_sym_fn fn, void *ctx)
{
	return ev_for_each_symbol_keys(ev, dynamic, &prefix, 1, fn, ctx);
}

bool ev_add_symbols(struct elfview *ev, const GElf_Sym *syms, size_t n, const char *str, size_t strsz)
{
	struct goabi_arena *ar = ev->a->arena;
	struct ev_symcache *c = ev->symcache[0];
	if (!c) {
		c = arena_alloc(ar, sizeof(*c));
		if (!c)
			return false;
		ev->symcache[0] = c;
	}
	if (n < 2 || !syms || !str || !strsz)
		return true;
	if (n > GOABI_MAX_SYMBOLS)
		n = GOABI_MAX_SYMBOLS;
	struct ev_symtab_part *parts = arena_alloc(ar, (c->nparts + 1) * sizeof(*parts));
	if (!parts)
		return false;
	if (c->nparts)
		memcpy(parts, c->parts, c->nparts * sizeof(*parts));
	parts[c->nparts] = (struct ev_symtab_part){ .syms = syms, .n = n, .str = str, .strsz = strsz };
	if (!part_keys(ev, &parts[c->nparts]))
		return false;
	c->parts = parts;
	c->nparts++;
	return true;
}

/* The string tables of the symbol tables of one type (at most max): the
 * cache's when it is built (or given: ev_add_symbols), else the sections'
 * own, without building the cache (its keys read every name) */
static size_t symtab_strings(const struct elfview *ev, bool dynamic, const char **str, size_t *len, size_t max)
{
	size_t k = 0;
	const struct ev_symcache *c = ev->symcache[dynamic];
	if (c) {
		for (size_t i = 0; i < c->nparts && k < max; i++, k++) {
			str[k] = c->parts[i].str;
			len[k] = c->parts[i].strsz;
		}
		return k;
	}
	if (!ev->sections_ok)
		return 0;
	Elf64_Word want = dynamic ? SHT_DYNSYM : SHT_SYMTAB;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(ev->elf, scn)) != NULL && k < max) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != want)
			continue;
		Elf_Scn *ss = elf_getscn(ev->elf, sh.sh_link);
		Elf_Data *sd = ss ? elf_getdata(ss, NULL) : NULL;
		if (sd && sd->d_buf && sd->d_size) {
			str[k] = sd->d_buf;
			len[k++] = sd->d_size;
		}
	}
	return k;
}

bool ev_symbol_strings_have(const struct elfview *ev, bool dynamic, const char pair[2])
{
	const char *str[4];
	size_t len[4], n = symtab_strings(ev, dynamic, str, len, 4);
	for (size_t k = 0; k < n; k++)
		if (find_bytes((const uint8_t *)str[k], len[k], pair, 2, 1) >= 0)
			return true;
	return false;
}

size_t ev_symbol_count(const struct elfview *ev, bool dynamic)
{
	if (ev->symcache[dynamic]) {
		size_t n = 0;
		for (size_t k = 0; k < ev->symcache[dynamic]->nparts; k++)
			n += ev->symcache[dynamic]->parts[k].n > 1 ? ev->symcache[dynamic]->parts[k].n - 1 : 0;
		return n;
	}
	if (!ev->sections_ok)
		return 0;
	size_t n = 0;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(ev->elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) && sh.sh_type == (dynamic ? SHT_DYNSYM : SHT_SYMTAB) && sh.sh_entsize &&
		    sh.sh_size / sh.sh_entsize > 1)
			n += sh.sh_size / sh.sh_entsize - 1;
	}
	return n;
}

bool ev_symbol_strings_match(const struct elfview *ev, bool dynamic, const char *needle,
			     bool (*ok)(const char *at, size_t left))
{
	const char *str[4];
	size_t len[4], n = symtab_strings(ev, dynamic, str, len, 4), nl = strlen(needle);
	for (size_t k = 0; k < n; k++) {
		const uint8_t *p = (const uint8_t *)str[k];
		size_t off = 0;
		int64_t at;
		while (off < len[k] && (at = find_bytes(p + off, len[k] - off, needle, nl, 1)) >= 0) {
			off += (size_t)at;
			if (ok((const char *)p + off, len[k] - off))
				return true;
			off++;
		}
	}
	return false;
}

size_t ev_for_each_symbol_skip(const struct elfview *ev, bool dynamic, const char *skip, ev_sym_fn fn, void *ctx)
{
	uint64_t set[KEYSET_WORDS];
	memset(set, 0xff, sizeof(set));
	uint64_t drop[KEYSET_WORDS] = { 0 };
	keyset_add(drop, skip);
	for (size_t i = 0; i < KEYSET_WORDS; i++)
		set[i] &= ~drop[i];
	return symcache_iter(symcache_get(ev, dynamic), set, fn, ctx);
}

struct find_ctx {
	const char *want;
	GElf_Sym *out;
	bool found;
};

static bool find_cb(void *ctx, const char *name, const GElf_Sym *sym, size_t ndx)
{
	struct find_ctx *f = ctx;
	if (strcmp(name, f->want) != 0)
		return true;
	*f->out = *sym;
	f->found = true;
	return false;
}

bool ev_reloc(Elf_Data *d, Elf64_Word type, size_t i, GElf_Rela *out)
{
	if (i > INT_MAX)
		return false;
	if (type == SHT_RELA)
		return gelf_getrela(d, (int)i, out) != NULL;
	GElf_Rel rl;
	if (type != SHT_REL || !gelf_getrel(d, (int)i, &rl))
		return false;
	*out = (GElf_Rela){ .r_offset = rl.r_offset, .r_info = rl.r_info, .r_addend = 0 };
	return true;
}

/* Whether .dynsym holds an undefined (imported) symbol called name, without
 * decoding every entry's name: only undefined entries' names are read. With
 * a .gnu.hash for the table only the entries below its symoffset are read:
 * the linker puts the symbols it leaves out of the hash table, undefined
 * ones, first (a Go program that exports its whole symbol table for plugins
 * has 140 000 .dynsym entries and a hundred imports). An import placed
 * among the hashed entries is then not seen: callers take a "no" as "not
 * known", never as evidence. */
bool ev_dynsym_imports(const struct elfview *ev, const char *name)
{
	if (!ev->sections_ok)
		return false;
	Elf_Scn *scn = NULL, *sym = NULL;
	size_t limit = SIZE_MAX;
	while ((scn = elf_nextscn(ev->elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_DYNSYM && !sym)
			sym = scn;
		if (sh.sh_type == SHT_GNU_HASH && limit == SIZE_MAX) {
			/* nbuckets, symoffset, bloom size, bloom shift: 32-bit words */
			Elf_Data *h = elf_rawdata(scn, NULL);
			if (h && h->d_buf && h->d_size >= 16)
				limit = rd32((const uint8_t *)h->d_buf + 4, ev->be);
		}
	}
	GElf_Shdr sh;
	Elf_Data *d = sym ? elf_getdata(sym, NULL) : NULL;
	if (!d || !gelf_getshdr(sym, &sh) || sh.sh_entsize != gelf_fsize(ev->elf, ELF_T_SYM, 1, EV_CURRENT))
		return false;
	size_t n = d->d_size / sh.sh_entsize;
	if (n > limit)
		n = limit;
	if (n > GOABI_MAX_SYMBOLS)
		n = GOABI_MAX_SYMBOLS;
	for (size_t i = 1; i < n; i++) {
		GElf_Sym st;
		if (!gelf_getsym(d, (int)i, &st))
			break;
		if (st.st_shndx != SHN_UNDEF || st.st_name == 0)
			continue;
		const char *nm = elf_strptr(ev->elf, sh.sh_link, st.st_name);
		if (nm && strcmp(nm, name) == 0)
			return true;
	}
	return false;
}

bool ev_find_symbol(const struct elfview *ev, const char *name, GElf_Sym *out)
{
	struct find_ctx f = { name, out, false };
	ev_for_each_symbol(ev, false, find_cb, &f);
	if (!f.found)
		ev_for_each_symbol(ev, true, find_cb, &f);
	return f.found;
}
