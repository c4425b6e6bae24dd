/* Mach-O and PE (issue 23, docs/macho-pe.md): the Go facts and the OS floor.
 *
 * The Go extractors (build info, pclntab, version string scan, type-hash
 * era, symbol naming scheme, cgo, build mode) read an elfview. Their input
 * is format-independent once the sections are found, so the sections,
 * segments and symbols that src/read/macho.c / pe.c read are presented to
 * them as a small ELF image built in memory: an ELF header, one PT_LOAD per
 * allocated section, one section header per section (Mach-O's Go sections
 * under the names Go's ELF linker gives the same data: __go_buildinfo as
 * .go.buildinfo, __gopclntab as .gopclntab ...). The Mach-O nlist / PE
 * COFF symbols are handed to the view as ELF symbols whose names stay in
 * the file (ev_add_symbols). The image holds no section bytes: the offsets in
 * its headers are the Mach-O/PE file's own, and the elfview is a split one
 * (ev_init_split) that reads them in place from the mapped file, so a
 * reader touches only the pages it reads. Evidence strings are then
 * rewritten back to the native names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "facts/facts.h"
#include "read/foreign.h"

/* ---- the Go toolchain's own minimum OS, from Go's release notes
 * ("Go 1.N is the last release that will run on X; Go 1.N+1 will require
 * Y") and the MinimumRequirements wiki page; docs/macho-pe.md cites each. */
struct os_min {
	int minor;              /* from this Go 1.minor on */
	unsigned major, sub;    /* macOS major.minor, or Windows NT major.minor */
	const char *name, *source;
};
static const struct os_min macos_min[] = {
	{ 27, 13, 0, "macOS 13 Ventura", "Go 1.27 release notes: Go 1.27 requires macOS 13 Ventura or later (announced in Go 1.26's)" },
	{ 25, 12, 0, "macOS 12 Monterey", "Go 1.24 release notes: Go 1.25 will require macOS 12 Monterey or later" },
	{ 23, 11, 0, "macOS 11 Big Sur", "Go 1.22 release notes: Go 1.23 will require macOS 11 Big Sur or later" },
	{ 21, 10, 15, "macOS 10.15 Catalina", "Go 1.20 release notes: Go 1.21 will require macOS 10.15 Catalina or later" },
	{ 17, 10, 13, "macOS 10.13 High Sierra", "Go 1.16 release notes: Go 1.17 will require macOS 10.13 High Sierra or later" },
	{ 15, 10, 12, "macOS 10.12 Sierra", "Go 1.14 release notes: Go 1.15 will require macOS 10.12 Sierra or later" },
	{ 13, 10, 11, "macOS 10.11 El Capitan", "Go 1.12 release notes: Go 1.13 will require macOS 10.11 El Capitan or later" },
	{ 11, 10, 10, "macOS 10.10 Yosemite", "Go 1.10 release notes: Go 1.11 will require macOS 10.10 Yosemite or later" },
};
static const struct os_min windows_min[] = {
	{ 21, 10, 0, "Windows 10 / Server 2016", "Go 1.20 release notes: Go 1.21 will require at least Windows 10 or Server 2016" },
	{ 11, 6, 1, "Windows 7 / Server 2008 R2", "Go 1.10 release notes: Go 1.11 will require Windows 7 or later" },
	{ 0, 5, 1, "Windows XP", "Go 1.10 release notes: the last release that will run on Windows XP or Vista" },
};

static const struct os_min *os_min_for(const struct os_min *t, size_t n, int minor)
{
	for (size_t i = 0; i < n; i++)
		if (minor >= 100 + t[i].minor) /* go_minor: 121 = Go 1.21 */
			return &t[i];
	return NULL;
}

/* ---- the in-memory ELF image ------------------------------------------- */
struct wr {
	uint8_t *b;
	bool be, c64;
};
static void w16(struct wr *w, size_t o, uint64_t v)
{
	for (int i = 0; i < 2; i++)
		w->b[o + (size_t)i] = (uint8_t)(w->be ? v >> (8 * (1 - i)) : v >> (8 * i));
}
static void w32(struct wr *w, size_t o, uint64_t v)
{
	for (int i = 0; i < 4; i++)
		w->b[o + (size_t)i] = (uint8_t)(w->be ? v >> (8 * (3 - i)) : v >> (8 * i));
}
static void w64(struct wr *w, size_t o, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		w->b[o + (size_t)i] = (uint8_t)(w->be ? v >> (8 * (7 - i)) : v >> (8 * i));
}
static void waddr(struct wr *w, size_t o, uint64_t v) { w->c64 ? w64(w, o, v) : w32(w, o, v); }

/* Go's ELF name for a Mach-O section holding the same data, or NULL. */
static const char *elf_name(const struct fxview *v, const char *native)
{
	if (v->format != FX_MACHO)
		return NULL;
	const char *c = strchr(native, ',');
	const char *s = c ? c + 1 : native;
	static const char *const map[][2] = {
		{ "__text", ".text" }, { "__rodata", ".rodata" }, { "__gopclntab", ".gopclntab" },
		{ "__go_buildinfo", ".go.buildinfo" }, { "__go_module", ".go.module" }, { "__typelink", ".typelink" },
		{ "__itablink", ".itablink" }, { "__noptrdata", ".noptrdata" }, { "__data", ".data" },
		{ "__bss", ".bss" }, { "__noptrbss", ".noptrbss" }, { "__gosymtab", ".gosymtab" },
		{ "__go_fipsinfo", ".go.fipsinfo" },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(s, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

struct synth {
	uint8_t *buf;
	size_t len;
	const char **elfnames; /* per section: the name in the ELF image */
	const char **phnames;  /* per PT_LOAD: the native segment or section */
	size_t nph;
};

static size_t al(size_t x, size_t a) { return (x + a - 1) & ~(a - 1); }

/* The sections the Go readers look at: allocated ones with bytes, code
 * only when the ISA scan will disassemble it (with_code); DWARF and the
 * link-edit data are left out (the symbols come by ev_add_symbols). One PT_LOAD
 * per allocated section, so "PT_LOAD[i]" names a section. */
static bool presented(const struct fx_section *s, bool with_code)
{
	return s->alloc && s->filesz && (with_code || !s->exec);
}

/* The image holds headers and tables only: every presented section's and
 * segment's offset is its offset in the Mach-O or PE object, whose bytes
 * the split view (ev_init_split) reads in place. */
static bool synth_build(const struct fxview *v, unsigned etype, bool with_code, struct synth *out)
{
	struct goabi_arena *ar = v->a->arena;
	bool c64 = v->is64;
	size_t ehs = c64 ? 64 : 52, phs = c64 ? 56 : 32, shs = c64 ? 64 : 40;
	size_t nph = 0;
	for (size_t i = 0; i < v->nsect; i++)
		if (v->sect[i].alloc)
			nph++;
	const char **names = arena_alloc(ar, (v->nsect + 1) * sizeof(*names));
	const char **phn = arena_alloc(ar, (nph + 1) * sizeof(*phn));
	if (!names || !phn)
		return false;
	size_t shstrsz = 1 + sizeof(".shstrtab");
	for (size_t i = 0; i < v->nsect; i++) {
		const char *e = elf_name(v, v->sect[i].name);
		names[i] = e ? e : v->sect[i].name;
		shstrsz += strlen(names[i]) + 1;
	}
	size_t nsh = v->nsect + 2; /* SHN_UNDEF, the sections, .shstrtab */
	size_t shoff = al(ehs + nph * phs, 8);
	size_t shstroff = shoff + nsh * shs;
	size_t len = shstroff + shstrsz;
	uint8_t *b = calloc(1, len);
	if (!b)
		return false;
	struct wr w = { b, v->be, c64 };
	memcpy(b, "\x7f" "ELF", 4);
	b[4] = c64 ? 2 : 1;
	b[5] = v->be ? 2 : 1;
	b[6] = 1;
	w16(&w, 16, etype);
	w16(&w, 18, v->elf_machine);
	w32(&w, 20, 1);
	if (c64) {
		w64(&w, 32, nph ? ehs : 0);
		w64(&w, 40, shoff);
		w16(&w, 52, ehs);
		w16(&w, 54, phs);
		w16(&w, 56, nph);
		w16(&w, 58, shs);
		w16(&w, 60, nsh);
		w16(&w, 62, nsh - 1);
	} else {
		w32(&w, 28, nph ? ehs : 0);
		w32(&w, 32, shoff);
		w16(&w, 40, ehs);
		w16(&w, 42, phs);
		w16(&w, 44, nph);
		w16(&w, 46, shs);
		w16(&w, 48, nsh);
		w16(&w, 50, nsh - 1);
	}
	/* program headers: PT_LOAD per allocated section, R + W/X from its flags */
	size_t k = 0;
	for (size_t i = 0; i < v->nsect; i++) {
		const struct fx_section *s = &v->sect[i];
		if (!s->alloc)
			continue;
		bool cp = presented(s, with_code);
		uint64_t addr = s->addr, filesz = cp ? s->filesz : 0, off = cp ? s->off : 0;
		uint64_t memsz = s->size > filesz ? s->size : filesz;
		phn[k] = s->name;
		size_t o = ehs + k++ * phs;
		uint32_t flags = 4u | (s->write ? 2u : 0u) | (s->exec ? 1u : 0u);
		w32(&w, o, 1); /* PT_LOAD */
		if (c64) {
			w32(&w, o + 4, flags);
			w64(&w, o + 8, off);
			w64(&w, o + 16, addr);
			w64(&w, o + 24, addr);
			w64(&w, o + 32, filesz);
			w64(&w, o + 40, memsz);
			w64(&w, o + 48, 1);
		} else {
			w32(&w, o + 4, off);
			w32(&w, o + 8, addr);
			w32(&w, o + 12, addr);
			w32(&w, o + 16, filesz);
			w32(&w, o + 20, memsz);
			w32(&w, o + 24, flags);
			w32(&w, o + 28, 1);
		}
	}
	/* section headers and their names */
	size_t sp = shstroff + 1;
	for (size_t i = 0; i <= v->nsect; i++) {
		size_t o = shoff + (i + 1) * shs;
		const char *nm;
		uint32_t type;
		uint64_t flags = 0, addr = 0, off, size;
		if (i < v->nsect) {
			const struct fx_section *s = &v->sect[i];
			nm = names[i];
			bool cp = presented(s, with_code);
			/* code not presented: PROGBITS of size 0, not NOBITS (NOBITS
			 * code is how elfview recognises a separate debug file) */
			bool skipped_code = !cp && s->exec && s->filesz;
			type = cp || skipped_code ? 1 /* PROGBITS */ : 8 /* NOBITS: bss, or bytes not presented */;
			flags = (s->alloc ? 2u : 0u) | (s->write ? 1u : 0u) | (s->exec ? 4u : 0u);
			addr = s->alloc ? s->addr : 0;
			off = cp ? s->off : 0;
			size = cp ? s->filesz : skipped_code ? 0 : s->size;
		} else {
			nm = ".shstrtab";
			type = 3;
			off = shstroff;
			size = shstrsz;
		}
		size_t l = strlen(nm);
		memcpy(b + sp, nm, l + 1);
		w32(&w, o, sp - shstroff);
		sp += l + 1;
		w32(&w, o + 4, type);
		if (c64) {
			w64(&w, o + 8, flags);
			w64(&w, o + 16, addr);
			w64(&w, o + 24, off);
			w64(&w, o + 32, size);
			w64(&w, o + 48, 1);
		} else {
			w32(&w, o + 8, flags);
			w32(&w, o + 12, addr);
			w32(&w, o + 16, off);
			w32(&w, o + 20, size);
			w32(&w, o + 32, 1);
		}
	}
	(void)waddr;
	out->buf = b;
	out->len = len;
	out->elfnames = names;
	out->phnames = phn;
	out->nph = nph;
	return true;
}

/* Replace the ELF image's names in an evidence string by the native ones. */
static const char *native_text(struct goabi_artifact *a, const struct fxview *v, const struct synth *sy, const char *s)
{
	if (!s)
		return s;
	const char *cur = s;
	for (size_t i = 0; i < v->nsect; i++) {
		if (sy->elfnames[i] == v->sect[i].name)
			continue;
		const char *hit = strstr(cur, sy->elfnames[i]);
		size_t l = strlen(sy->elfnames[i]);
		/* whole names only: ".data" is not the start of ".data.rel.ro" */
		while (hit && (hit[l] == '.' || hit[l] == '_' || (hit[l] >= 'a' && hit[l] <= 'z')))
			hit = strstr(hit + 1, sy->elfnames[i]);
		if (!hit)
			continue;
		cur = arena_printf(a->arena, "%.*s%s%s", (int)(hit - cur), cur, v->sect[i].name, hit + l);
	}
	const char *pt = strstr(cur, "PT_LOAD[");
	if (pt) {
		char *end;
		unsigned long i = strtoul(pt + 8, &end, 10);
		if (*end == ']' && i < sy->nph)
			cur = arena_printf(a->arena, "%.*s%s %s%s", (int)(pt - cur), cur,
					   v->format == FX_MACHO ? "segment" : "section", sy->phnames[i], end + 1);
	}
	const char *et = strstr(cur, "ET_EXEC");
	if (!et)
		et = strstr(cur, "ET_DYN");
	if (et)
		cur = arena_printf(a->arena, "%.*s%s%s", (int)(et - cur), cur, v->format == FX_MACHO
				   ? (v->exec ? "MH_EXECUTE" : "MH_DYLIB") : (v->exec ? "PE image" : "PE DLL"),
				   et + (et[3] == 'E' ? 7 : 6));
	return cur;
}

static void native_fact(struct goabi_artifact *a, const struct fxview *v, const struct synth *sy, struct goabi_fact *f)
{
	f->evidence = native_text(a, v, sy, f->evidence);
}

static void go_facts(struct goabi_artifact *a, struct fxview *v, const struct goabi_opts *opts)
{
	struct synth sy;
	if (!synth_build(v, v->exec ? 2 /* ET_EXEC */ : 3 /* ET_DYN */, opts->isa, &sy)) {
		diag_add(a, GOABI_DIAG_ERROR, "out of memory presenting the sections to the Go readers");
		return;
	}
	Elf *elf = elf_memory((char *)sy.buf, sy.len);
	struct elfview ev;
	enum goabi_kind kind = a->kind;
	struct goabi_opts o = *opts;
	o.loader_only = false;
	if (elf && ev_init_split(&ev, elf, v->p, v->n, a, &o)) {
		/* the symbols go to the view as they are: nlist / COFF entries
		 * as ELF symbols, the names read in place */
		bool symok = fx_symbols(v);
		for (size_t i = 0; symok && i < v->nsymtab; i++)
			symok = ev_add_symbols(&ev, v->symtab[i].syms, v->symtab[i].n, v->symtab[i].str, v->symtab[i].strsz);
		if (!symok)
			diag_add(a, GOABI_DIAG_ERROR, "out of memory reading %u symbols", v->nsyms);
		facts_go(&ev);
		facts_isa(&ev);
	} else {
		diag_add(a, GOABI_DIAG_ERROR, "cannot present the sections to the Go readers: %s", elf_errmsg(-1));
	}
	a->kind = kind;
	struct goabi_go *go = &a->go;
	native_fact(a, v, &sy, &go->toolchain);
	native_fact(a, v, &sy, &go->version);
	native_fact(a, v, &sy, &go->version_range);
	native_fact(a, v, &sy, &go->scheme);
	native_fact(a, v, &sy, &go->typehash);
	native_fact(a, v, &sy, &go->buildmode);
	native_fact(a, v, &sy, &go->cgo);
	native_fact(a, v, &sy, &a->isa.declared);
	go->buildinfo_where = native_text(a, v, &sy, go->buildinfo_where);
	go->pclntab_where = native_text(a, v, &sy, go->pclntab_where);
	/* diagnostics from the readers name sections too */
	for (size_t i = 0; i < a->ndiags; i++)
		a->diags[i].message = native_text(a, v, &sy, a->diags[i].message);
	if (elf)
		elf_end(elf);
	free(sy.buf);
}

/* ---- OS facts ------------------------------------------------------------ */
static const char *platform_name(uint32_t p)
{
	static const char *const n[] = { NULL, "macos", "ios", "tvos", "watchos", "bridgeos", "maccatalyst",
					 "iossimulator", "tvossimulator", "watchossimulator", "driverkit", "visionos" };
	return p < sizeof(n) / sizeof(n[0]) ? n[p] : NULL;
}

static const char *vstr(struct goabi_arena *ar, uint32_t x)
{
	if (x & 0xff)
		return arena_printf(ar, "%u.%u.%u", x >> 16, (x >> 8) & 0xff, x & 0xff);
	return arena_printf(ar, "%u.%u", x >> 16, (x >> 8) & 0xff);
}

/* The floor: the higher of the binary's own minimum (bmaj.bmin, known when
 * have_b) and the Go toolchain's (tm, when the version is known). */
static void set_floor(struct goabi_artifact *a, const char *os, bool have_b, unsigned bmaj, unsigned bmin,
		      const char *bwhere, const struct os_min *tm, const char *(*label)(struct goabi_arena *, unsigned, unsigned))
{
	struct goabi_os *o = &a->os;
	if (have_b)
		fact_set(a, &o->binary_min, GOABI_KNOWN, arena_printf(a->arena, "%s %s", os, label(a->arena, bmaj, bmin)), "%s",
			 bwhere);
	else
		fact_set(a, &o->binary_min, GOABI_UNKNOWN, NULL, "%s", bwhere);
	const char *gv = a->go.version.value;
	if (tm)
		fact_set(a, &o->toolchain_min, GOABI_KNOWN, arena_printf(a->arena, "%s %s", os, label(a->arena, tm->major, tm->sub)),
			 "Go %s needs %s (%s)", gv, tm->name, tm->source);
	else if (gv && go_minor(gv) > 0)
		fact_set(a, &o->toolchain_min, GOABI_UNKNOWN, NULL, "Go %s is older than goabi's table of minimums", gv);
	else
		fact_set(a, &o->toolchain_min, GOABI_UNKNOWN, NULL, a->go.toolchain.value && strcmp(a->go.toolchain.value, "none")
			 ? "the Go version is unknown" : "not a Go program");
	if (!have_b && !tm) {
		fact_set(a, &o->floor, GOABI_UNKNOWN, NULL, "neither the binary nor its Go version names a minimum");
		return;
	}
	int cmp = !have_b ? -1 : !tm ? 1 : (bmaj != tm->major ? (bmaj > tm->major ? 1 : -1)
					  : bmin != tm->sub ? (bmin > tm->sub ? 1 : -1) : 0);
	if (cmp >= 0)
		fact_set(a, &o->floor, GOABI_KNOWN, o->binary_min.value, "%s%s%s", cmp == 0 ? "the binary and Go agree: " :
			 "the binary decides: ", bwhere, tm ? arena_printf(a->arena, "; Go %s needs %s", gv, tm->name) : "");
	else
		fact_set(a, &o->floor, have_b ? GOABI_KNOWN : GOABI_INFERRED, o->toolchain_min.value, "Go decides: %s needs %s (%s)%s%s",
			 gv, tm->name, tm->source, have_b ? "; the binary says " : "; the binary names no minimum",
			 have_b ? o->binary_min.value : "");
}

static const char *mac_label(struct goabi_arena *ar, unsigned ma, unsigned mi)
{
	return arena_printf(ar, "%u.%u", ma, mi);
}

static const char *win_label(struct goabi_arena *ar, unsigned ma, unsigned mi)
{
	(void)ar;
	if (ma >= 10)
		return "10";
	static const struct { unsigned ma, mi; const char *n; } t[] = {
		{ 6, 3, "8.1" }, { 6, 2, "8" }, { 6, 1, "7" }, { 6, 0, "vista" }, { 5, 2, "xp-x64" }, { 5, 1, "xp" }, { 5, 0, "2000" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (ma > t[i].ma || (ma == t[i].ma && mi >= t[i].mi))
			return t[i].n;
	return arena_printf(ar, "nt%u.%u", ma, mi);
}

static void macho_os(struct goabi_artifact *a, const struct fxview *v)
{
	struct goabi_os *o = &a->os;
	static const char *const ft[] = { NULL, "MH_OBJECT", "MH_EXECUTE", "MH_FVMLIB", "MH_CORE", "MH_PRELOAD",
					  "MH_DYLIB", "MH_DYLINKER", "MH_BUNDLE" };
	o->filetype = v->filetype < sizeof(ft) / sizeof(ft[0]) && ft[v->filetype] ? ft[v->filetype]
		      : arena_printf(a->arena, "filetype %u", v->filetype);
	const char *pn = platform_name(v->platform);
	bool mac = !v->platform || v->platform == 1;
	o->platform = pn ? pn : v->platform ? arena_printf(a->arena, "platform %u", v->platform) : NULL;
	/* sdk 0: none recorded (llvm-objdump prints "n/a"; clang -c writes 0) */
	o->sdk = v->min_cmd && v->sdk ? vstr(a->arena, v->sdk) : NULL;
	fact_set(a, &o->name, mac ? (v->min_cmd ? GOABI_KNOWN : GOABI_INFERRED) : GOABI_KNOWN, mac ? "darwin" : pn ? pn : "unknown",
		 v->min_cmd ? "%s platform %s" : "Mach-O file without LC_BUILD_VERSION or LC_VERSION_MIN_*%s",
		 v->min_cmd ? v->min_cmd : "", v->min_cmd ? (pn ? pn : "unknown") : "");
	if (v->code_signature)
		fact_set(a, &o->signature, GOABI_KNOWN, v->cs_adhoc ? "ad-hoc" : "present",
			 "LC_CODE_SIGNATURE: %u bytes at %#x%s", v->cs_size, v->cs_off,
			 v->cs_adhoc ? ", CodeDirectory flag CS_ADHOC (no certificate)" : "");
	else
		fact_set(a, &o->signature, GOABI_KNOWN, "none", "no LC_CODE_SIGNATURE load command%s",
			 v->elf_machine == 183 /* EM_AARCH64 */ && v->filetype == 2
			 ? ": macOS on Apple silicon kills an unsigned arm64 executable" : "");
	const char *bwhere = v->min_cmd ? arena_printf(a->arena, "%s minos %s (sdk %s)", v->min_cmd, vstr(a->arena, v->minos),
						       o->sdk ? o->sdk : "n/a") : "no LC_BUILD_VERSION or LC_VERSION_MIN_MACOSX";
	const struct os_min *tm = NULL;
	const char *gv = a->go.version.value;
	int minor = gv && a->go.toolchain.value && strcmp(a->go.toolchain.value, "gc") == 0 ? go_minor(gv) : -1;
	if (mac && minor > 0)
		tm = os_min_for(macos_min, sizeof(macos_min) / sizeof(macos_min[0]), minor);
	/* darwin/arm64 (Apple silicon) starts at macOS 11 whatever the table says */
	static const struct os_min arm64_mac = { 16, 11, 0, "macOS 11 Big Sur (darwin/arm64, Go 1.16 release notes: the first macOS on Apple silicon)",
						 "Go 1.16 release notes: darwin/arm64 port" };
	if (mac && minor >= 116 && v->elf_machine == 183 && (!tm || tm->major < 11))
		tm = &arm64_mac;
	if (!mac) {
		fact_set(a, &o->binary_min, v->min_cmd ? GOABI_KNOWN : GOABI_UNKNOWN, v->min_cmd ?
			 arena_printf(a->arena, "%s %s", o->platform, vstr(a->arena, v->minos)) : NULL, "%s", bwhere);
		fact_set(a, &o->floor, o->binary_min.conf, o->binary_min.value, "the binary decides: %s", bwhere);
		return;
	}
	set_floor(a, "macos", v->min_cmd != NULL, v->minos >> 16, (v->minos >> 8) & 0xff, bwhere, tm, mac_label);
}

static void pe_crt(struct goabi_artifact *a);

static void pe_os(struct goabi_artifact *a, const struct fxview *v)
{
	struct goabi_os *o = &a->os;
	o->pe_magic = v->pe32plus ? "PE32+" : "PE32";
	o->filetype = v->exec ? "exe" : "dll";
	static const char *const ss[] = { "unknown", "native", "gui", "console", NULL, "os2-console", NULL, "posix-console",
					  "native-win9x", "windows-ce-gui", "efi-application", "efi-boot-driver",
					  "efi-runtime-driver", "efi-rom", "xbox", NULL, "windows-boot-application" };
	o->subsystem = v->subsystem < sizeof(ss) / sizeof(ss[0]) && ss[v->subsystem] ? ss[v->subsystem]
		       : arena_printf(a->arena, "subsystem %u", v->subsystem);
	o->subsystem_version = arena_printf(a->arena, "%u.%u", v->subsys_major, v->subsys_minor);
	o->os_version = arena_printf(a->arena, "%u.%u", v->os_major, v->os_minor);
	fact_set(a, &o->name, GOABI_KNOWN, "windows", "PE image (%s, machine %#x, subsystem %s)", o->pe_magic, v->pe_machine,
		 o->subsystem);
	if (v->cert_size && v->cert_type)
		fact_set(a, &o->signature, GOABI_KNOWN, "present", "certificate table: %u bytes at %#x, WIN_CERTIFICATE type %#x%s",
			 v->cert_size, v->cert_off, v->cert_type, v->cert_type == 2 ? " (PKCS#7 SignedData: Authenticode)" : "");
	else
		fact_set(a, &o->signature, GOABI_KNOWN, "none", "no certificate table (data directory 4 is empty)");
	/* the loader refuses an image whose subsystem version is above the
	 * running Windows; MajorOperatingSystemVersion is not enforced */
	const char *bwhere = arena_printf(a->arena, "subsystem version %u.%u (MajorOperatingSystemVersion %u.%u)",
					  v->subsys_major, v->subsys_minor, v->os_major, v->os_minor);
	const char *gv = a->go.version.value;
	int minor = gv && a->go.toolchain.value && strcmp(a->go.toolchain.value, "gc") == 0 ? go_minor(gv) : -1;
	const struct os_min *tm = minor > 0 ? os_min_for(windows_min, sizeof(windows_min) / sizeof(windows_min[0]), minor) : NULL;
	set_floor(a, "windows", v->subsys_major != 0, v->subsys_major, v->subsys_minor, bwhere, tm, win_label);
	pe_crt(a);
}

/* The C runtime a PE image imports (struct goabi_os.crt): from the DLL
 * names alone, compared without case as the Windows loader does. */
static void pe_crt(struct goabi_artifact *a)
{
	struct goabi_os *o = &a->os;
	const char *kind = NULL, *first = NULL;
	size_t nfun = 0, ndll = 0;
	bool mixed = false;
	for (size_t i = 0; i < o->ndylibs; i++) {
		const char *n = o->dylibs[i].name;
		const char *k = NULL;
		if (!n)
			continue;
		if (strncasecmp(n, "api-ms-win-crt-", 15) == 0 || strcasecmp(n, "ucrtbase.dll") == 0 ||
		    strcasecmp(n, "ucrtbased.dll") == 0)
			k = "ucrt";
		else if (strcasecmp(n, "msvcrt.dll") == 0)
			k = "msvcrt";
		else if (strncasecmp(n, "msvcr", 5) == 0 && strlen(n) > 9 && strcasecmp(n + strlen(n) - 4, ".dll") == 0) {
			char *lk = arena_printf(a->arena, "%.*s", (int)(strlen(n) - 4), n);
			for (char *c = lk; c && *c; c++)
				*c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
			k = lk;
		}
		if (!k)
			continue;
		if (kind && strcmp(kind, k) != 0)
			mixed = true;
		if (!kind) {
			kind = k;
			first = n;
		}
		ndll++;
		nfun += o->dylibs[i].imports.n;
	}
	if (!kind)
		fact_set(a, &o->crt, GOABI_KNOWN, "none", "no C runtime DLL among the %zu imported (msvcrt.dll, ucrtbase.dll, api-ms-win-crt-*, msvcrNNN.dll)",
			 o->ndylibs);
	else if (mixed)
		fact_set(a, &o->crt, GOABI_KNOWN, "mixed", "imports %zu C runtime DLLs of more than one kind (first %s)", ndll, first);
	else
		fact_set(a, &o->crt, GOABI_KNOWN, kind, "imports %s%s (%zu DLL%s, %zu function%s)", first,
			 ndll > 1 ? " and others of the same runtime" : "", ndll, ndll == 1 ? "" : "s", nfun, nfun == 1 ? "" : "s");
}

static void ident(struct goabi_artifact *a, const struct fxview *v)
{
	/* named as elf.machine_name names ELF machines (docs/json-schema.md) */
	const char *n = v->elf_machine ? elf_machine_name(v->elf_machine) : v->machine;
	if (v->format == FX_MACHO)
		fact_set(a, &a->machine, GOABI_KNOWN, n, "Mach-O cputype %s", v->machine);
	else
		fact_set(a, &a->machine, GOABI_KNOWN, n, "PE machine %#x", v->pe_machine);
}

/* One thin Mach-O or PE image. */
static void one(struct goabi_artifact *a, const uint8_t *p, size_t n, const struct goabi_opts *opts, bool macho)
{
	struct fxview v;
	a->kind = macho ? GOABI_KIND_MACHO : GOABI_KIND_PE;
	bool ok = macho ? fx_macho_read(&v, a, p, n) : fx_pe_read(&v, a, p, n);
	if (!ok)
		return;
	ident(a, &v);
	if (!opts->loader_only)
		go_facts(a, &v, opts);
	if (macho)
		macho_os(a, &v);
	else
		pe_os(a, &v);
}

bool facts_foreign(struct goabi_artifact *a, const uint8_t *p, size_t n, const struct goabi_opts *opts,
		   struct goabi_artifact *(*new_member)(struct goabi_artifact *parent, const char *name))
{
	if (fx_is_pe(p, n)) {
		one(a, p, n, opts, false);
		return true;
	}
	if (fx_is_macho(p, n)) {
		one(a, p, n, opts, true);
		return true;
	}
	if (!fx_is_fat(p, n))
		return false;
	a->kind = GOABI_KIND_MACHO;
	struct fx_slice sl[FX_MAX_SLICES];
	size_t k = fx_fat_slices(a, p, n, sl);
	struct goabi_artifact *first = NULL;
	for (size_t i = 0; i < k; i++) {
		struct goabi_artifact *m = new_member(a, sl[i].arch);
		if (!m)
			break;
		m->size = sl[i].size;
		if (!fx_is_macho(p + sl[i].off, (size_t)sl[i].size)) {
			m->kind = GOABI_KIND_OTHER;
			diag_add(m, GOABI_DIAG_ERROR, "universal slice %s at offset %#llx is not a thin Mach-O file", sl[i].arch,
				 (unsigned long long)sl[i].off);
			continue;
		}
		one(m, p + sl[i].off, (size_t)sl[i].size, opts, true);
		if (!first && m->go.toolchain.value)
			first = m;
	}
	{
		char archs[256] = "";
		size_t used = 0;
		for (size_t i = 0; i < k && used < sizeof(archs) - 32; i++)
			used += (size_t)snprintf(archs + used, sizeof(archs) - used, "%s%s", i ? ", " : "", sl[i].arch);
		a->os.filetype = arena_printf(a->arena, "universal (%s)", archs);
	}
	/* the file as a whole: the Go facts of the first slice, the OS of all */
	if (first) {
		a->go.toolchain = first->go.toolchain;
		a->go.version = first->go.version;
		a->go.toolchain.evidence = arena_printf(a->arena, "slice %s: %s", first->member, first->go.toolchain.evidence);
		a->go.version.evidence = arena_printf(a->arena, "slice %s: %s", first->member,
						      first->go.version.evidence ? first->go.version.evidence : "");
		a->os.name = first->os.name;
		/* the file runs where any slice runs: the lowest floor; each slice keeps its own */
		a->os.floor = first->os.floor;
		for (size_t i = 0; i < a->nmembers; i++) {
			const struct goabi_fact *f = &a->members[i]->os.floor;
			if (f->value && a->os.floor.value && version_cmp(f->value, a->os.floor.value) < 0)
				a->os.floor = *f;
		}
		if (a->os.floor.value)
			a->os.floor.evidence = arena_printf(a->arena, "the lowest floor of the %zu slices (each slice has its own): %s",
							    a->nmembers, a->os.floor.evidence);
	} else if (k) {
		fact_set(a, &a->go.toolchain, GOABI_UNKNOWN, NULL, "no slice was read");
	}
	return true;
}

/* ---- ELF: the target OS and the kernel floor (issue 23, "Linux too") --- */
struct abitag {
	bool be, found;
	uint32_t os, v[3];
	const char *where;
};

static bool elf_abitag_cb(void *ctx, const char *owner, uint32_t type, const uint8_t *desc, size_t descsz,
			  const char *where)
{
	struct abitag *t = ctx;
	/* NT_GNU_ABI_TAG: four words in the object's byte order, the OS (0
	 * Linux, 1 Hurd, 2 Solaris, 3 FreeBSD) then the oldest kernel version */
	if (type != 1 || strcmp(owner, "GNU") != 0 || descsz < 16)
		return true;
	t->found = true;
	t->os = rd32(desc, t->be);
	for (int i = 0; i < 3; i++)
		t->v[i] = rd32(desc + 4 + 4 * i, t->be);
	t->where = where;
	return false;
}

static const char *kver(struct goabi_arena *ar, const uint32_t v[3])
{
	return v[2] ? arena_printf(ar, "%u.%u.%u", v[0], v[1], v[2]) : arena_printf(ar, "%u.%u", v[0], v[1]);
}

static int kcmp(const uint32_t x[3], const uint32_t y[3])
{
	for (int i = 0; i < 3; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

void facts_os_elf(struct elfview *ev)
{
	struct goabi_artifact *a = ev->a;
	struct goabi_os *o = &a->os;
	if (ev->eh.e_type == ET_REL || ev->eh.e_type == ET_CORE)
		return;
	struct abitag tag = { .be = ev->be };
	ev_for_each_note(ev, elf_abitag_cb, &tag);
	const char *goos = goabi_go_setting(&a->go, "GOOS");
	unsigned osabi = ev->eh.e_ident[EI_OSABI];
	if (goos)
		fact_set(a, &o->name, GOABI_KNOWN, goos, "build setting GOOS=%s", goos);
	else if (osabi == ELFOSABI_FREEBSD || osabi == ELFOSABI_NETBSD || osabi == ELFOSABI_OPENBSD || osabi == ELFOSABI_SOLARIS)
		fact_set(a, &o->name, GOABI_KNOWN, osabi == ELFOSABI_FREEBSD ? "freebsd" : osabi == ELFOSABI_NETBSD ? "netbsd"
			 : osabi == ELFOSABI_OPENBSD ? "openbsd" : "solaris", "EI_OSABI %u", osabi);
	else if (tag.found && tag.os <= 3)
		fact_set(a, &o->name, GOABI_KNOWN, (const char *const[]){ "linux", "hurd", "solaris", "freebsd" }[tag.os],
			 "%s: NT_GNU_ABI_TAG OS %u", tag.where, tag.os);
	else if (a->libc.interp && (strstr(a->libc.interp, "ld-linux") || strstr(a->libc.interp, "ld-musl") ||
				    strstr(a->libc.interp, "ld64.so")))
		fact_set(a, &o->name, GOABI_INFERRED, "linux", "PT_INTERP %s (a Linux dynamic loader)", a->libc.interp);
	else
		fact_set(a, &o->name, GOABI_UNKNOWN, NULL, "no GOOS build setting, OS ABI byte, ABI note or Linux loader");
	if (!o->name.value || strcmp(o->name.value, "linux") != 0)
		return;
	/* the binary's own minimum: glibc's crt1.o ABI note (static or dynamic glibc programs) */
	bool have_b = tag.found && tag.os == 0;
	const char *bwhere = have_b ? arena_printf(a->arena, "%s: NT_GNU_ABI_TAG Linux %s (glibc's crt1.o)", tag.where,
						    kver(a->arena, tag.v))
				    : "no .note.ABI-tag (Go's own linker and musl write none)";
	if (have_b)
		fact_set(a, &o->binary_min, GOABI_KNOWN, arena_printf(a->arena, "linux %s", kver(a->arena, tag.v)), "%s", bwhere);
	else
		fact_set(a, &o->binary_min, GOABI_UNKNOWN, NULL, "%s", bwhere);
	/* Go's own minimum kernel: Go 1.24 release notes ("Go 1.24 requires
	 * Linux kernel version 3.2 or later"); before, 2.6.32 (Go 1.23 release
	 * notes, the MinimumRequirements wiki page) */
	const char *gv = a->go.version.value;
	int minor = gv && a->go.toolchain.value && strcmp(a->go.toolchain.value, "gc") == 0 ? go_minor(gv) : -1;
	uint32_t tm[3] = { 0 };
	bool have_t = minor > 0;
	if (minor >= 124)
		tm[0] = 3, tm[1] = 2;
	else if (have_t)
		tm[0] = 2, tm[1] = 6, tm[2] = 32;
	const char *tsrc = minor >= 124 ? "Go 1.24 release notes: Linux kernel 3.2 or later"
					: "Go 1.23 release notes and the MinimumRequirements wiki page: Linux kernel 2.6.32 or later";
	if (have_t)
		fact_set(a, &o->toolchain_min, GOABI_KNOWN, arena_printf(a->arena, "linux %s", kver(a->arena, tm)), "Go %s (%s)",
			 gv, tsrc);
	else
		fact_set(a, &o->toolchain_min, GOABI_UNKNOWN, NULL, a->go.toolchain.value && strcmp(a->go.toolchain.value, "none")
			 ? "the gc Go version is unknown" : "not a gc Go program");
	if (!have_b && !have_t) {
		fact_set(a, &o->floor, GOABI_UNKNOWN, NULL, "neither an ABI note nor a Go version names a minimum kernel");
		return;
	}
	int cmp = !have_b ? -1 : !have_t ? 1 : kcmp(tag.v, tm);
	if (cmp >= 0)
		fact_set(a, &o->floor, GOABI_KNOWN, o->binary_min.value, "%s%s%s", cmp == 0 ? "the binary and Go agree: " :
			 "the binary decides: ", bwhere, have_t ? arena_printf(a->arena, "; Go %s needs %s", gv, o->toolchain_min.value) : "");
	else
		fact_set(a, &o->floor, GOABI_KNOWN, o->toolchain_min.value, "Go decides: %s needs %s (%s)%s%s", gv,
			 o->toolchain_min.value, tsrc, have_b ? "; the binary says " : "; ", have_b ? o->binary_min.value : bwhere);
}
