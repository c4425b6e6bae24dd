/* PE reader (PE32 and PE32+), bounded: DOS stub pointer, COFF header,
 * optional header and its data directories, section table, COFF symbol and
 * string tables, import directory and certificate table, each checked
 * against the file size; counts capped. Layouts from Microsoft's "PE Format"
 * specification (learn.microsoft.com/windows/win32/debug/pe-format). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include "read/foreign.h"

static uint16_t r16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t r32(const uint8_t *p) { return rd32(p, false); }

bool fx_is_pe(const uint8_t *p, size_t n)
{
	if (n < 0x40 || p[0] != 'M' || p[1] != 'Z')
		return false;
	uint32_t lfanew = r32(p + 0x3c);
	return range_ok(lfanew, 4, n) && memcmp(p + lfanew, "PE\0\0", 4) == 0;
}

/* File offset of the bytes at rva, len of them inside one section's raw
 * data (or the headers); false when they are not in the file. */
static bool rva_off(const struct fxview *v, uint64_t rva, uint64_t len, uint64_t *off)
{
	for (size_t i = 0; i < v->nsect; i++) {
		const struct fx_section *s = &v->sect[i];
		uint64_t va = s->addr - v->image_base;
		if (rva >= va && rva - va < s->filesz && len <= s->filesz - (rva - va)) {
			*off = s->off + (rva - va);
			return true;
		}
	}
	return false;
}

/* NUL-terminated string at rva, at most 512 bytes, inside the file. */
static const char *rva_str(const struct fxview *v, uint64_t rva)
{
	uint64_t off;
	if (!rva_off(v, rva, 1, &off))
		return NULL;
	size_t left = v->n - (size_t)off, l = strnlen((const char *)v->p + off, left < 512 ? left : 512);
	if (l == 0 || l == (left < 512 ? left : 512))
		return NULL;
	return utf8_sanitize(v->a->arena, (const char *)v->p + off, l);
}

static void imports(struct fxview *v, uint32_t rva, uint32_t size)
{
	struct goabi_artifact *a = v->a;
	struct goabi_os *os = &a->os;
	size_t nimp = 0;
	(void)size;
	for (uint32_t i = 0; i < FX_MAX_DLLS; i++) {
		uint64_t off;
		if (!rva_off(v, (uint64_t)rva + (uint64_t)i * 20, 20, &off)) {
			diag_add(a, GOABI_DIAG_ERROR, "import descriptor %u at RVA %#llx is outside the file's sections", i,
				 (unsigned long long)rva + (unsigned long long)i * 20);
			v->truncated = true;
			return;
		}
		const uint8_t *d = v->p + off;
		uint32_t oft = r32(d), name = r32(d + 12), ft = r32(d + 16);
		if (!oft && !name && !ft)
			return; /* the all-zero terminator */
		const char *dll = rva_str(v, name);
		if (!dll) {
			diag_add(a, GOABI_DIAG_ERROR, "import descriptor %u: DLL name RVA %#x is outside the file's sections", i, name);
			continue;
		}
		if (os->ndylibs >= GOABI_MAX_LIST ||
		    !arena_grow(a->arena, &os->dylibs, &os->dylibcap, os->ndylibs + 1, sizeof(*os->dylibs)))
			return;
		struct goabi_dylib *dl = &os->dylibs[os->ndylibs++];
		memset(dl, 0, sizeof(*dl));
		dl->name = dll;
		/* the lookup table (or, without one, the address table as linked) */
		uint32_t t = oft ? oft : ft;
		size_t es = v->pe32plus ? 8 : 4;
		for (uint32_t k = 0;; k++) {
			if (nimp >= FX_MAX_IMPORTS) {
				diag_add(a, GOABI_DIAG_WARNING, "more than the limit of %u imported functions: the rest are not listed",
					 FX_MAX_IMPORTS);
				return;
			}
			uint64_t eo;
			if (!rva_off(v, (uint64_t)t + (uint64_t)k * es, es, &eo)) {
				diag_add(a, GOABI_DIAG_ERROR, "import lookup table of %s at RVA %#x runs outside the file's sections", dll, t);
				break;
			}
			uint64_t e = es == 8 ? rd64(v->p + eo, false) : r32(v->p + eo);
			if (!e)
				break;
			nimp++;
			bool ordinal = es == 8 ? (e >> 63) : (e >> 31);
			const char *fn = ordinal ? arena_printf(a->arena, "#%u", (unsigned)(e & 0xffff))
						 : rva_str(v, (e & 0x7fffffffu) + 2);
			if (!fn)
				fn = "?";
			if (dl->imports.n < GOABI_MAX_LIST)
				strv_push(a->arena, &dl->imports, fn);
		}
	}
	diag_add(a, GOABI_DIAG_ERROR, "import directory has more than the limit of %u descriptors without a terminator",
		 FX_MAX_DLLS);
}

/* COFF symbols (Go writes them into PE images unless -s): 18-byte records,
 * the string table right after them. Where they are, checked; decoded by
 * fx_pe_symbols. */
static void symbols(struct fxview *v, uint32_t symoff, uint32_t nsyms)
{
	struct goabi_artifact *a = v->a;
	if (!symoff || !nsyms)
		return;
	if (!range_ok(symoff, (uint64_t)nsyms * 18 + 4, v->n)) {
		diag_add(a, GOABI_DIAG_ERROR, "COFF symbol table: %u symbols at %#x are past the end of the file (%zu bytes)", nsyms,
			 symoff, v->n);
		v->truncated = true;
		return;
	}
	size_t stroff = symoff + (size_t)nsyms * 18;
	uint32_t strsize = r32(v->p + stroff);
	if (strsize < 4 || !range_ok(stroff, strsize, v->n)) {
		diag_add(a, GOABI_DIAG_ERROR, "COFF string table of %u bytes at %#zx is past the end of the file", strsize, stroff);
		strsize = 4;
	}
	if (nsyms > GOABI_MAX_SYMBOLS)
		nsyms = GOABI_MAX_SYMBOLS;
	v->has_symtab = true;
	v->symoff = symoff;
	v->nsyms = nsyms;
	v->stroff = (uint32_t)stroff;
	v->strsize = strsize;
}

/* The symbols as ELF symbols: long names stay in the string table (the
 * symbol walks check that each ends inside it), the short ones (8 bytes in
 * the record, NUL-terminated only when shorter) are copied into a table of
 * their own. Auxiliary records are skipped. */
bool fx_pe_symbols(struct fxview *v)
{
	if (!v->has_symtab || v->nsymtab)
		return true;
	struct goabi_arena *ar = v->a->arena;
	size_t cap = (size_t)v->nsyms + 1;
	GElf_Sym *lng = arena_alloc(ar, cap * sizeof(*lng)), *shrt = arena_alloc(ar, cap * sizeof(*shrt));
	if (!lng || !shrt)
		return false;
	size_t nl = 1, ns = 1, shortsz = 1;
	for (uint32_t i = 0; i < v->nsyms; i += 1 + v->p[v->symoff + (size_t)i * 18 + 17])
		if (r32(v->p + v->symoff + (size_t)i * 18) != 0)
			shortsz += 9;
	char *sstr = arena_alloc(ar, shortsz);
	if (!sstr)
		return false;
	size_t sp = 1;
	const char *str = (const char *)v->p + v->stroff;
	for (uint32_t i = 0; i < v->nsyms; i += 1 + v->p[v->symoff + (size_t)i * 18 + 17]) {
		const uint8_t *e = v->p + v->symoff + (size_t)i * 18;
		int16_t secno = (int16_t)r16(e + 12);
		if (secno < 0 || (size_t)secno > v->nsect)
			continue;
		GElf_Sym s = {
			.st_shndx = (uint16_t)secno,
			.st_value = secno > 0 ? v->sect[secno - 1].addr + r32(e + 8) : 0,
			.st_info = GELF_ST_INFO(STB_GLOBAL, secno == 0 ? STT_NOTYPE : v->sect[secno - 1].exec ? STT_FUNC : STT_OBJECT),
		};
		if (r32(e) == 0) {
			uint32_t so = r32(e + 4);
			if (so < 4 || so >= v->strsize || !str[so])
				continue;
			s.st_name = so;
			lng[nl++] = s;
		} else {
			size_t l = strnlen((const char *)e, 8);
			memcpy(sstr + sp, e, l);
			sstr[sp + l] = 0;
			s.st_name = (uint32_t)sp;
			sp += l + 1;
			shrt[ns++] = s;
		}
	}
	v->symtab[0] = (struct fx_symtab){ lng, nl, str, v->strsize };
	v->symtab[1] = (struct fx_symtab){ shrt, ns, sstr, sp };
	v->nsymtab = 2;
	return true;
}

bool fx_pe_read(struct fxview *v, struct goabi_artifact *a, const uint8_t *p, size_t n)
{
	memset(v, 0, sizeof(*v));
	v->format = FX_PE;
	v->a = a;
	v->p = p;
	v->n = n;
	uint32_t lfanew = r32(p + 0x3c);
	if (!range_ok(lfanew, 24, n)) {
		diag_add(a, GOABI_DIAG_ERROR, "PE COFF header at %#x is past the end of the file (%zu bytes)", lfanew, n);
		return false;
	}
	const uint8_t *coff = p + lfanew + 4;
	v->pe_machine = r16(coff);
	uint16_t nsect = r16(coff + 2);
	uint32_t symoff = r32(coff + 8), nsyms = r32(coff + 12);
	uint16_t optsz = r16(coff + 16);
	v->characteristics = r16(coff + 18);
	v->exec = !(v->characteristics & 0x2000); /* IMAGE_FILE_DLL */
	switch (v->pe_machine) {
	case 0x8664: v->elf_machine = EM_X86_64; v->machine = "x86_64"; break;
	case 0x14c: v->elf_machine = EM_386; v->machine = "i386"; break;
	case 0xaa64: v->elf_machine = EM_AARCH64; v->machine = "aarch64"; break;
	case 0x1c0: case 0x1c4: v->elf_machine = EM_ARM; v->machine = "arm"; break;
	default: v->machine = arena_printf(a->arena, "machine %#x", v->pe_machine); break;
	}
	size_t opt = (size_t)lfanew + 24;
	if (optsz < 2 || !range_ok(opt, optsz, n)) {
		diag_add(a, GOABI_DIAG_ERROR, "PE optional header (%u bytes at %#zx) is missing or past the end of the file", optsz, opt);
		return false;
	}
	const uint8_t *o = p + opt;
	uint16_t magic = r16(o);
	if (magic != 0x10b && magic != 0x20b) {
		diag_add(a, GOABI_DIAG_ERROR, "PE optional header magic %#x is neither PE32 (0x10b) nor PE32+ (0x20b)", magic);
		return false;
	}
	v->pe32plus = magic == 0x20b;
	v->is64 = v->pe32plus;
	size_t ddoff = v->pe32plus ? 112 : 96;
	if (optsz < ddoff) {
		diag_add(a, GOABI_DIAG_ERROR, "PE optional header of %u bytes is shorter than its %zu fixed bytes", optsz, ddoff);
		return false;
	}
	v->image_base = v->pe32plus ? rd64(o + 24, false) : r32(o + 28);
	v->os_major = r16(o + 40);
	v->os_minor = r16(o + 42);
	v->subsys_major = r16(o + 48);
	v->subsys_minor = r16(o + 50);
	v->subsystem = r16(o + 68);
	uint32_t ndd = r32(o + ddoff - 4);
	if (ndd > (optsz - ddoff) / 8) {
		diag_add(a, GOABI_DIAG_ERROR, "PE optional header claims %u data directories; only %zu fit in it", ndd,
			 (size_t)(optsz - ddoff) / 8);
		ndd = (uint32_t)((optsz - ddoff) / 8);
	}
	/* section table */
	size_t st = opt + optsz;
	if (nsect > 96)
		diag_add(a, GOABI_DIAG_WARNING, "PE header lists %u sections; the Windows loader accepts at most 96", nsect);
	if (nsect > FX_MAX_SECTIONS) { /* the section indices of the view the Go readers get must fit */
		diag_add(a, GOABI_DIAG_ERROR, "PE header lists %u sections, more than the limit of %u; reading the first %u", nsect,
			 FX_MAX_SECTIONS, FX_MAX_SECTIONS);
		nsect = FX_MAX_SECTIONS;
	}
	if (!range_ok(st, (uint64_t)nsect * 40, n)) {
		diag_add(a, GOABI_DIAG_ERROR, "PE section table (%u sections at %#zx) is past the end of the file (%zu bytes)", nsect,
			 st, n);
		v->truncated = true;
		nsect = (uint16_t)(st < n ? (n - st) / 40 : 0);
	}
	/* COFF string table for "/123" long section names */
	const char *cstr = NULL;
	uint32_t cstrsz = 0;
	if (symoff && range_ok(symoff, (uint64_t)nsyms * 18 + 4, n)) {
		size_t so = symoff + (size_t)nsyms * 18;
		cstrsz = r32(p + so);
		if (range_ok(so, cstrsz, n))
			cstr = (const char *)p + so;
		else
			cstrsz = 0;
	}
	v->sect = arena_alloc(a->arena, (size_t)nsect * sizeof(*v->sect) + 1);
	if (!v->sect)
		return false;
	for (uint16_t i = 0; i < nsect; i++) {
		const uint8_t *s = p + st + (size_t)i * 40;
		char nm[9];
		memcpy(nm, s, 8);
		nm[8] = 0;
		const char *name = NULL;
		if (nm[0] == '/' && cstr) {
			unsigned long so = strtoul(nm + 1, NULL, 10);
			if (so >= 4 && so < cstrsz) {
				size_t l = strnlen(cstr + so, cstrsz - so);
				if (l < cstrsz - so)
					name = utf8_sanitize(a->arena, cstr + so, l);
			}
		}
		if (!name)
			name = utf8_sanitize(a->arena, nm, strlen(nm));
		uint32_t vsize = r32(s + 8), va = r32(s + 12), rawsz = r32(s + 16), rawoff = r32(s + 20), ch = r32(s + 36);
		struct fx_section x = {
			.name = name, .addr = v->image_base + va, .size = vsize ? vsize : rawsz, .off = rawoff,
			.filesz = rawsz < (vsize ? vsize : rawsz) ? rawsz : (vsize ? vsize : rawsz),
			.exec = ch & 0x20000000u, .write = ch & 0x80000000u,
			.debug = (ch & 0x02000000u) || strncmp(name, ".debug_", 7) == 0 || strncmp(name, ".zdebug_", 8) == 0,
		};
		x.alloc = !x.debug && !(ch & 0x02000000u) && va != 0;
		if (!(ch & 0x40u) && !(ch & 0x20u) && (ch & 0x80u))
			x.filesz = 0; /* uninitialized data only */
		if (x.filesz && !range_ok(x.off, x.filesz, n)) {
			diag_add(a, GOABI_DIAG_ERROR, "section %s: raw data %#llx+%#llx is past the end of the file (%zu bytes)", name,
				 (unsigned long long)x.off, (unsigned long long)x.filesz, n);
			v->truncated = true;
			x.filesz = 0;
		}
		v->sect[v->nsect++] = x;
	}
	const uint8_t *dd = o + ddoff;
	if (ndd > 1 && r32(dd + 8) && r32(dd + 12))
		imports(v, r32(dd + 8), r32(dd + 12));
	if (ndd > 4 && r32(dd + 36)) {
		v->cert_off = r32(dd + 32);
		v->cert_size = r32(dd + 36);
		if (!range_ok(v->cert_off, v->cert_size, n) || v->cert_size < 8) {
			diag_add(a, GOABI_DIAG_ERROR, "certificate table %#x+%#x is past the end of the file (%zu bytes)", v->cert_off,
				 v->cert_size, n);
			v->truncated = true;
		} else {
			v->cert_type = r16(p + v->cert_off + 6);
		}
	}
	symbols(v, symoff, nsyms);
	return true;
}
