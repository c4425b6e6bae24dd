/* Mach-O reader (thin 32/64-bit, either byte order, and universal files),
 * bounded: the load commands must fit in sizeofcmds and the file, each
 * command in its cmdsize, each section table in its segment command; file
 * ranges of segments, sections, the symbol and string tables and the code
 * signature are checked against the object's size. Layouts from Apple's
 * <mach-o/loader.h>, <mach-o/fat.h> and <mach-o/nlist.h>. */
#include <stdio.h>
#include <string.h>
#include <elf.h>
#include "read/foreign.h"

#define MH_MAGIC 0xfeedfaceu
#define MH_MAGIC_64 0xfeedfacfu
#define FAT_MAGIC 0xcafebabeu
#define FAT_MAGIC_64 0xcafebabfu

#define LC_REQ_DYLD 0x80000000u
#define LC_SEGMENT 0x1u
#define LC_SYMTAB 0x2u
#define LC_LOAD_DYLIB 0xcu
#define LC_SEGMENT_64 0x19u
#define LC_CODE_SIGNATURE 0x1du
#define LC_LAZY_LOAD_DYLIB 0x20u
#define LC_VERSION_MIN_MACOSX 0x24u
#define LC_VERSION_MIN_IPHONEOS 0x25u
#define LC_VERSION_MIN_TVOS 0x2fu
#define LC_VERSION_MIN_WATCHOS 0x30u
#define LC_BUILD_VERSION 0x32u
#define LC_LOAD_WEAK_DYLIB (0x18u | LC_REQ_DYLD)
#define LC_RPATH (0x1cu | LC_REQ_DYLD)
#define LC_REEXPORT_DYLIB (0x1fu | LC_REQ_DYLD)
#define LC_LOAD_UPWARD_DYLIB (0x23u | LC_REQ_DYLD)

#define CPU_ARCH_ABI64 0x01000000u
#define CPU_TYPE_X86 7u
#define CPU_TYPE_ARM 12u
#define CPU_TYPE_POWERPC 18u

#define VM_PROT_WRITE 2u
#define VM_PROT_EXECUTE 4u
#define S_ATTR_PURE_INSTRUCTIONS 0x80000000u
#define S_ATTR_SOME_INSTRUCTIONS 0x400u
#define S_ATTR_DEBUG 0x02000000u
#define S_ZEROFILL 0x1u
#define S_GB_ZEROFILL 0xcu
#define S_THREAD_LOCAL_ZEROFILL 0x12u
#define N_STAB 0xe0u
#define N_TYPE 0x0eu
#define N_SECT 0xeu

static uint32_t r32(const struct fxview *v, const uint8_t *p) { return rd32(p, v->be); }
static uint64_t r64(const struct fxview *v, const uint8_t *p) { return rd64(p, v->be); }

const char *fx_macho_arch(uint32_t cputype, uint32_t cpusubtype)
{
	switch (cputype) {
	case CPU_TYPE_X86: return "i386";
	case CPU_TYPE_X86 | CPU_ARCH_ABI64: return (cpusubtype & 0xff) == 8 ? "x86_64h" : "x86_64";
	case CPU_TYPE_ARM: return "arm";
	case CPU_TYPE_ARM | CPU_ARCH_ABI64: return (cpusubtype & 0xff) == 2 ? "arm64e" : "arm64";
	case CPU_TYPE_ARM | 0x02000000u: return "arm64_32";
	case CPU_TYPE_POWERPC: return "ppc";
	case CPU_TYPE_POWERPC | CPU_ARCH_ABI64: return "ppc64";
	default: return NULL;
	}
}

bool fx_is_fat(const uint8_t *p, size_t n)
{
	if (n < 8)
		return false;
	uint32_t m = rd32(p, true), k = rd32(p + 4, true);
	return (m == FAT_MAGIC || m == FAT_MAGIC_64) && k > 0 && k < 45;
}

bool fx_is_macho(const uint8_t *p, size_t n)
{
	if (n < 4)
		return false;
	uint32_t le = rd32(p, false), be = rd32(p, true);
	return le == MH_MAGIC || le == MH_MAGIC_64 || be == MH_MAGIC || be == MH_MAGIC_64;
}

size_t fx_fat_slices(struct goabi_artifact *a, const uint8_t *p, size_t n, struct fx_slice *out)
{
	bool is64 = rd32(p, true) == FAT_MAGIC_64;
	uint32_t k = rd32(p + 4, true);
	size_t esz = is64 ? 32 : 20, hdr_end = 8 + (size_t)k * esz;
	if (k > FX_MAX_SLICES) {
		diag_add(a, GOABI_DIAG_ERROR, "universal header lists %u architectures, more than the limit of %u", k,
			 FX_MAX_SLICES);
		return 0;
	}
	if (hdr_end > n) {
		diag_add(a, GOABI_DIAG_ERROR, "universal header of %u architectures is past the end of the file (%zu bytes)",
			 k, n);
		return 0;
	}
	size_t m = 0;
	for (uint32_t i = 0; i < k; i++) {
		const uint8_t *e = p + 8 + (size_t)i * esz;
		struct fx_slice s = {
			.cputype = rd32(e, true), .cpusubtype = rd32(e + 4, true),
			.off = is64 ? rd64(e + 8, true) : rd32(e + 8, true),
			.size = is64 ? rd64(e + 16, true) : rd32(e + 12, true),
		};
		const char *an = fx_macho_arch(s.cputype, s.cpusubtype);
		s.arch = an ? an : arena_printf(a->arena, "cputype %#x", s.cputype);
		if (!range_ok(s.off, s.size, n) || s.size == 0) {
			diag_add(a, GOABI_DIAG_ERROR, "universal slice %u (%s): offset %#llx size %#llx is outside the file (%zu bytes)",
				 i, s.arch, (unsigned long long)s.off, (unsigned long long)s.size, n);
			continue;
		}
		if (s.off < hdr_end) {
			diag_add(a, GOABI_DIAG_ERROR, "universal slice %u (%s) at offset %#llx overlaps the universal header", i,
				 s.arch, (unsigned long long)s.off);
			continue;
		}
		bool overlap = false;
		for (size_t j = 0; j < m; j++)
			if (s.off < out[j].off + out[j].size && out[j].off < s.off + s.size) {
				diag_add(a, GOABI_DIAG_ERROR, "universal slice %u (%s) overlaps the slice for %s", i, s.arch,
					 out[j].arch);
				overlap = true;
				break;
			}
		if (!overlap)
			out[m++] = s;
	}
	return m;
}

/* A NUL-terminated string inside a command: offset from the command's
 * start, the command cmdsize bytes long. */
static const char *lc_string(struct fxview *v, const uint8_t *c, uint32_t cmdsize, uint32_t off)
{
	if (off >= cmdsize)
		return NULL;
	size_t l = strnlen((const char *)c + off, cmdsize - off);
	return utf8_sanitize(v->a->arena, (const char *)c + off, l);
}

static const char *version_str(struct goabi_arena *ar, uint32_t x)
{
	return arena_printf(ar, "%u.%u.%u", x >> 16, (x >> 8) & 0xff, x & 0xff);
}

static void add_dylib(struct fxview *v, const char *name, uint32_t compat, bool weak)
{
	struct goabi_os *os = &v->a->os;
	if (os->ndylibs >= GOABI_MAX_LIST ||
	    !arena_grow(v->a->arena, &os->dylibs, &os->dylibcap, os->ndylibs + 1, sizeof(*os->dylibs)))
		return;
	struct goabi_dylib *d = &os->dylibs[os->ndylibs++];
	memset(d, 0, sizeof(*d));
	d->name = name;
	d->compat = compat != ~0u ? version_str(v->a->arena, compat) : NULL;
	d->weak = weak;
}

static bool seg_cmd(struct fxview *v, const uint8_t *c, uint32_t cmdsize, bool is64, uint32_t ci)
{
	struct goabi_artifact *a = v->a;
	size_t hs = is64 ? 72 : 56, ss = is64 ? 80 : 68;
	if (cmdsize < hs) {
		diag_add(a, GOABI_DIAG_ERROR, "load command %u: segment command of %u bytes is shorter than its %zu-byte header",
			 ci, cmdsize, hs);
		return false;
	}
	char segname[17];
	memcpy(segname, c + 8, 16);
	segname[16] = 0;
	const char *sn = utf8_sanitize(a->arena, segname, strlen(segname));
	struct fx_segment sg = { .name = sn };
	uint32_t initprot, nsects;
	if (is64) {
		sg.addr = r64(v, c + 24);
		sg.memsz = r64(v, c + 32);
		sg.off = r64(v, c + 40);
		sg.filesz = r64(v, c + 48);
		initprot = r32(v, c + 60);
		nsects = r32(v, c + 64);
	} else {
		sg.addr = r32(v, c + 24);
		sg.memsz = r32(v, c + 28);
		sg.off = r32(v, c + 32);
		sg.filesz = r32(v, c + 36);
		initprot = r32(v, c + 44);
		nsects = r32(v, c + 48);
	}
	sg.write = initprot & VM_PROT_WRITE;
	sg.exec = initprot & VM_PROT_EXECUTE;
	if (sg.filesz && !range_ok(sg.off, sg.filesz, v->n)) {
		diag_add(a, GOABI_DIAG_ERROR, "segment %s: file range %#llx+%#llx is past the end of the object (%zu bytes)", sn,
			 (unsigned long long)sg.off, (unsigned long long)sg.filesz, v->n);
		v->truncated = true;
		sg.filesz = sg.off < v->n ? v->n - sg.off : 0;
	}
	if (nsects > (cmdsize - hs) / ss) {
		diag_add(a, GOABI_DIAG_ERROR, "segment %s: %u sections do not fit in its %u-byte load command", sn, nsects,
			 cmdsize);
		nsects = (uint32_t)((cmdsize - hs) / ss);
	}
	if (v->nseg < FX_MAX_SECTIONS &&
	    arena_grow(a->arena, &v->seg, &v->segcap, v->nseg + 1, sizeof(*v->seg)))
		v->seg[v->nseg++] = sg;
	for (uint32_t i = 0; i < nsects; i++) {
		if (v->nsect >= FX_MAX_SECTIONS) {
			diag_add(a, GOABI_DIAG_ERROR, "more than the limit of %u sections", FX_MAX_SECTIONS);
			return false;
		}
		const uint8_t *s = c + hs + (size_t)i * ss;
		char nm[17], sg2[17];
		memcpy(nm, s, 16);
		nm[16] = 0;
		memcpy(sg2, s + 16, 16);
		sg2[16] = 0;
		struct fx_section x = { 0 };
		uint32_t flags;
		if (is64) {
			x.addr = r64(v, s + 32);
			x.size = r64(v, s + 40);
			x.off = r32(v, s + 48);
			flags = r32(v, s + 64);
		} else {
			x.addr = r32(v, s + 32);
			x.size = r32(v, s + 36);
			x.off = r32(v, s + 40);
			flags = r32(v, s + 56);
		}
		x.name = arena_printf(a->arena, "%s,%s", sg2, nm);
		x.name = utf8_sanitize(a->arena, x.name, strlen(x.name));
		uint8_t type = flags & 0xff;
		bool zerofill = type == S_ZEROFILL || type == S_GB_ZEROFILL || type == S_THREAD_LOCAL_ZEROFILL;
		x.filesz = zerofill ? 0 : x.size;
		x.debug = (flags & S_ATTR_DEBUG) || strcmp(sg2, "__DWARF") == 0;
		x.alloc = !x.debug && x.addr != 0;
		x.write = sg.write && strcmp(sg2, "__DATA_CONST") != 0;
		x.exec = sg.exec && (flags & (S_ATTR_PURE_INSTRUCTIONS | S_ATTR_SOME_INSTRUCTIONS));
		if (x.filesz && !range_ok(x.off, x.filesz, v->n)) {
			diag_add(a, GOABI_DIAG_ERROR, "section %s: file range %#llx+%#llx is past the end of the object (%zu bytes)",
				 x.name, (unsigned long long)x.off, (unsigned long long)x.filesz, v->n);
			v->truncated = true;
			x.filesz = 0;
		}
		if (!arena_grow(a->arena, &v->sect, &v->sectcap, v->nsect + 1, sizeof(*v->sect)))
			return false;
		v->sect[v->nsect++] = x;
	}
	return true;
}

static bool macho_symbols(struct fxview *v);

bool fx_symbols(struct fxview *v)
{
	if (v->nsymtab)
		return true;
	return v->format == FX_PE ? fx_pe_symbols(v) : macho_symbols(v);
}

static void symtab_cmd(struct fxview *v, const uint8_t *c, uint32_t cmdsize)
{
	struct goabi_artifact *a = v->a;
	if (cmdsize < 24) {
		diag_add(a, GOABI_DIAG_ERROR, "LC_SYMTAB of %u bytes is shorter than 24", cmdsize);
		return;
	}
	uint32_t symoff = r32(v, c + 8), nsyms = r32(v, c + 12), stroff = r32(v, c + 16), strsize = r32(v, c + 20);
	size_t es = v->is64 ? 16 : 12;
	if (!range_ok(stroff, strsize, v->n)) {
		diag_add(a, GOABI_DIAG_ERROR, "LC_SYMTAB string table %#x+%#x is past the end of the object (%zu bytes)", stroff,
			 strsize, v->n);
		v->truncated = true;
		return;
	}
	if (!range_ok(symoff, (uint64_t)nsyms * es, v->n)) {
		diag_add(a, GOABI_DIAG_ERROR, "LC_SYMTAB: %u symbols at %#x are past the end of the object (%zu bytes)", nsyms,
			 symoff, v->n);
		v->truncated = true;
		return;
	}
	if (nsyms > GOABI_MAX_SYMBOLS) {
		diag_add(a, GOABI_DIAG_WARNING, "LC_SYMTAB lists %u symbols; only the first %u are read", nsyms, GOABI_MAX_SYMBOLS);
		nsyms = GOABI_MAX_SYMBOLS;
	}
	v->has_symtab = true;
	v->symoff = symoff;
	v->nsyms = nsyms;
	v->stroff = stroff;
	v->strsize = strsize;
}

/* nlist entries as ELF symbols, names left in the string table (the
 * symbol walks check that each ends inside it) */
static bool macho_symbols(struct fxview *v)
{
	if (!v->has_symtab || !v->nsyms)
		return true;
	struct goabi_arena *ar = v->a->arena;
	size_t es = v->is64 ? 16 : 12;
	GElf_Sym *out = arena_alloc(ar, ((size_t)v->nsyms + 1) * sizeof(*out));
	if (!out)
		return false;
	const char *str = (const char *)v->p + v->stroff;
	size_t k = 1;
	for (uint32_t i = 0; i < v->nsyms; i++) {
		const uint8_t *e = v->p + v->symoff + (size_t)i * es;
		uint32_t strx = r32(v, e);
		uint8_t type = e[4], sect = e[5];
		if ((type & N_STAB) || strx == 0 || strx >= v->strsize || !str[strx])
			continue;
		if (str[strx] == '_' && strx + 1 < v->strsize && str[strx + 1])
			strx++;
		bool in_sect = (type & N_TYPE) == N_SECT && sect != 0 && sect <= v->nsect;
		out[k++] = (GElf_Sym){
			.st_name = strx,
			.st_value = v->is64 ? r64(v, e + 8) : r32(v, e + 8),
			.st_shndx = in_sect ? sect : 0,
			.st_info = GELF_ST_INFO(STB_GLOBAL, !in_sect ? STT_NOTYPE : v->sect[sect - 1].exec ? STT_FUNC : STT_OBJECT),
		};
	}
	v->symtab[0] = (struct fx_symtab){ out, k, str, v->strsize };
	v->nsymtab = 1;
	return true;
}

/* CodeDirectory flags of the first code directory in the signature's
 * SuperBlob (big-endian): CS_ADHOC 0x2 says ad-hoc signed (no certificate). */
static void code_signature(struct fxview *v, const uint8_t *c, uint32_t cmdsize)
{
	if (cmdsize < 16)
		return;
	v->code_signature = true;
	v->cs_off = r32(v, c + 8);
	v->cs_size = r32(v, c + 12);
	if (!range_ok(v->cs_off, v->cs_size, v->n)) {
		diag_add(v->a, GOABI_DIAG_ERROR, "LC_CODE_SIGNATURE data %#x+%#x is past the end of the object (%zu bytes)",
			 v->cs_off, v->cs_size, v->n);
		v->truncated = true;
		return;
	}
	const uint8_t *b = v->p + v->cs_off;
	if (v->cs_size < 12 || rd32(b, true) != 0xfade0cc0u)
		return;
	uint32_t count = rd32(b + 8, true);
	for (uint32_t i = 0; i < count && i < 64 && 12 + (uint64_t)(i + 1) * 8 <= v->cs_size; i++) {
		uint32_t type = rd32(b + 12 + i * 8, true), off = rd32(b + 16 + i * 8, true);
		if (type != 0 || !range_ok(off, 16, v->cs_size))
			continue;
		const uint8_t *cd = b + off;
		if (rd32(cd, true) == 0xfade0c02u)
			v->cs_adhoc = rd32(cd + 12, true) & 2u;
		break;
	}
}

bool fx_macho_read(struct fxview *v, struct goabi_artifact *a, const uint8_t *p, size_t n)
{
	memset(v, 0, sizeof(*v));
	v->format = FX_MACHO;
	v->a = a;
	v->p = p;
	v->n = n;
	if (n < 28) {
		diag_add(a, GOABI_DIAG_ERROR, "Mach-O header is truncated (%zu bytes)", n);
		return false;
	}
	uint32_t m = rd32(p, false);
	v->be = !(m == MH_MAGIC || m == MH_MAGIC_64);
	m = rd32(p, v->be);
	v->is64 = m == MH_MAGIC_64;
	size_t hs = v->is64 ? 32 : 28;
	if (n < hs) {
		diag_add(a, GOABI_DIAG_ERROR, "Mach-O header is truncated (%zu bytes)", n);
		return false;
	}
	uint32_t cputype = r32(v, p + 4), cpusub = r32(v, p + 8);
	v->filetype = r32(v, p + 12);
	uint32_t ncmds = r32(v, p + 16), sizeofcmds = r32(v, p + 20);
	v->exec = v->filetype == 2;
	v->machine = fx_macho_arch(cputype, cpusub);
	switch (cputype & ~0xff000000u) {
	case CPU_TYPE_X86: v->elf_machine = (cputype & CPU_ARCH_ABI64) ? EM_X86_64 : EM_386; break;
	case CPU_TYPE_ARM: v->elf_machine = (cputype & CPU_ARCH_ABI64) ? EM_AARCH64 : EM_ARM; break;
	case CPU_TYPE_POWERPC: v->elf_machine = (cputype & CPU_ARCH_ABI64) ? EM_PPC64 : EM_PPC; break;
	default: v->elf_machine = 0; break;
	}
	if (!v->machine)
		v->machine = arena_printf(a->arena, "cputype %#x", cputype);
	if (ncmds > FX_MAX_CMDS) {
		diag_add(a, GOABI_DIAG_ERROR, "Mach-O header lists %u load commands, more than the limit of %u", ncmds, FX_MAX_CMDS);
		return false;
	}
	if (!range_ok(hs, sizeofcmds, n)) {
		diag_add(a, GOABI_DIAG_ERROR, "Mach-O load commands (%u bytes) are past the end of the object (%zu bytes)",
			 sizeofcmds, n);
		v->truncated = true;
		sizeofcmds = (uint32_t)(n - hs);
	}
	const uint8_t *lc = p + hs;
	size_t off = 0;
	for (uint32_t i = 0; i < ncmds; i++) {
		if (sizeofcmds - off < 8) {
			diag_add(a, GOABI_DIAG_ERROR, "load command %u of %u starts past the end of the load commands (%u bytes)",
				 i, ncmds, sizeofcmds);
			break;
		}
		const uint8_t *c = lc + off;
		uint32_t cmd = r32(v, c), cmdsize = r32(v, c + 4);
		if (cmdsize < 8 || cmdsize > sizeofcmds - off) {
			diag_add(a, GOABI_DIAG_ERROR, "load command %u (%#x): size %u is %s", i, cmd, cmdsize,
				 cmdsize < 8 ? "smaller than its 8-byte header" : "past the end of the load commands");
			break;
		}
		switch (cmd) {
		case LC_SEGMENT:
		case LC_SEGMENT_64:
			if (!seg_cmd(v, c, cmdsize, cmd == LC_SEGMENT_64, i))
				goto done;
			break;
		case LC_SYMTAB:
			if (!v->has_symtab)
				symtab_cmd(v, c, cmdsize);
			break;
		case LC_LOAD_DYLIB:
		case LC_LOAD_WEAK_DYLIB:
		case LC_REEXPORT_DYLIB:
		case LC_LAZY_LOAD_DYLIB:
		case LC_LOAD_UPWARD_DYLIB: {
			const char *nm = cmdsize >= 24 ? lc_string(v, c, cmdsize, r32(v, c + 8)) : NULL;
			if (!nm)
				diag_add(a, GOABI_DIAG_ERROR, "load command %u: dylib name is outside the command", i);
			else
				add_dylib(v, nm, r32(v, c + 20), cmd == LC_LOAD_WEAK_DYLIB);
			break;
		}
		case LC_RPATH: {
			const char *rp = cmdsize >= 12 ? lc_string(v, c, cmdsize, r32(v, c + 8)) : NULL;
			if (rp && a->os.rpaths.n < GOABI_MAX_LIST)
				strv_push(a->arena, &a->os.rpaths, rp);
			break;
		}
		case LC_CODE_SIGNATURE:
			code_signature(v, c, cmdsize);
			break;
		case LC_BUILD_VERSION:
			if (cmdsize >= 24 && !v->has_build_version) {
				v->has_build_version = true;
				v->platform = r32(v, c + 8);
				v->minos = r32(v, c + 12);
				v->sdk = r32(v, c + 16);
				v->min_cmd = "LC_BUILD_VERSION";
			}
			break;
		case LC_VERSION_MIN_MACOSX:
		case LC_VERSION_MIN_IPHONEOS:
		case LC_VERSION_MIN_TVOS:
		case LC_VERSION_MIN_WATCHOS:
			if (cmdsize >= 16 && !v->has_build_version && !v->has_version_min) {
				v->has_version_min = true;
				v->platform = cmd == LC_VERSION_MIN_MACOSX ? 1 : cmd == LC_VERSION_MIN_IPHONEOS ? 2
					      : cmd == LC_VERSION_MIN_TVOS ? 3 : 4;
				v->minos = r32(v, c + 8);
				v->sdk = r32(v, c + 12);
				v->min_cmd = cmd == LC_VERSION_MIN_MACOSX ? "LC_VERSION_MIN_MACOSX" : cmd == LC_VERSION_MIN_IPHONEOS
					     ? "LC_VERSION_MIN_IPHONEOS" : cmd == LC_VERSION_MIN_TVOS ? "LC_VERSION_MIN_TVOS"
					     : "LC_VERSION_MIN_WATCHOS";
			}
			break;
		default:
			break;
		}
		off += cmdsize;
	}
done:
	return true;
}
