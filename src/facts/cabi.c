/* Fact 7: exported C ABI. Export names come from cgo's _cgoexp_<hash>_<Name>
 * symbols; prototypes come from the DWARF of _cgo_export.c (see cabi_dwarf.c). */
#include <string.h>
#include "facts/facts.h"

struct exp_ctx {
	struct elfview *ev;
	size_t refs; /* _cgoexp_ symbols, defined or not */
};

static bool exp_cb(void *ctx, const char *name, const GElf_Sym *sym, size_t ndx)
{
	struct exp_ctx *c = ctx;
	struct goabi_artifact *a = c->ev->a;
	if (!STR_PFX(name, "_cgoexp_"))
		return true;
	c->refs++;
	if (sym->st_shndx == SHN_UNDEF)
		return true;
	/* _cgoexp_<12 hex>_<Name> */
	const char *p = name + 8;
	const char *us = strchr(p, '_');
	if (!us || !us[1])
		return true;
	const char *ename = us + 1;
	for (size_t i = 0; i < a->cabi.nexports; i++)
		if (strcmp(a->cabi.exports[i].name, ename) == 0)
			return true;
	if (a->cabi.nexports >= GOABI_MAX_LIST ||
	    !arena_grow(a->arena, &a->cabi.exports, &a->cabi.cap, a->cabi.nexports + 1, sizeof(*a->cabi.exports)))
		return false;
	struct goabi_export *e = &a->cabi.exports[a->cabi.nexports++];
	e->name = utf8_sanitize(a->arena, ename, strlen(ename));
	e->prototype = NULL;
	e->evidence = arena_printf(a->arena, "symbol %s", e->name == ename ? name : utf8_sanitize(a->arena, name, strlen(name)));
	return true;
}

/* Defined dynamic symbols of a shared object, with the version each is
 * defined at (SHT_GNU_versym index -> SHT_GNU_verdef name), for diff. */
struct dyn_ctx {
	struct elfview *ev;
	const uint8_t *versym;
	size_t nversym;
	const char **vername; /* index -> version name, nidx entries */
	size_t nidx;
};

static const char *sym_type_name(unsigned t)
{
	switch (t) {
	case STT_NOTYPE: return "NOTYPE";
	case STT_OBJECT: return "OBJECT";
	case STT_FUNC: return "FUNC";
	case STT_SECTION: return "SECTION";
	case STT_FILE: return "FILE";
	case STT_COMMON: return "COMMON";
	case STT_TLS: return "TLS";
	case STT_GNU_IFUNC: return "IFUNC";
	default: return "OTHER";
	}
}

static bool dyn_cb(void *ctx, const char *name, const GElf_Sym *sym, size_t ndx)
{
	struct dyn_ctx *c = ctx;
	struct goabi_artifact *a = c->ev->a;
	unsigned bind = GELF_ST_BIND(sym->st_info), type = GELF_ST_TYPE(sym->st_info);
	if (sym->st_shndx == SHN_UNDEF || (bind != STB_GLOBAL && bind != STB_WEAK && bind != STB_GNU_UNIQUE) ||
	    type == STT_SECTION || type == STT_FILE || !name[0])
		return true;
	const char *version = NULL;
	bool deflt = true;
	if (ndx < c->nversym) {
		const uint8_t *b = c->versym + 2 * ndx;
		unsigned v = c->ev->be ? (unsigned)(b[0] << 8 | b[1]) : (unsigned)(b[1] << 8 | b[0]);
		unsigned idx = v & 0x7fff;
		if (idx >= 2 && idx < c->nidx && c->vername[idx]) {
			version = c->vername[idx];
			deflt = !(v & 0x8000);
		}
	}
	/* the linker's version-definition symbols (ABS, value 0, named like the version) */
	if (version && sym->st_shndx == SHN_ABS && sym->st_value == 0 && strcmp(name, version) == 0)
		return true;
	if (a->cabi.ndynsyms >= GOABI_MAX_LIST ||
	    !arena_grow(a->arena, &a->cabi.dynsyms, &a->cabi.dyncap, a->cabi.ndynsyms + 1, sizeof(*a->cabi.dynsyms)))
		return false;
	struct goabi_dynsym *d = &a->cabi.dynsyms[a->cabi.ndynsyms++];
	d->name = utf8_sanitize(a->arena, name, strlen(name));
	d->type = sym_type_name(type);
	d->size = sym->st_size;
	d->weak = bind == STB_WEAK;
	d->version = version;
	d->default_version = deflt;
	return true;
}

static void dynsyms(struct elfview *ev)
{
	struct dyn_ctx c = { .ev = ev };
	Elf_Scn *scn = NULL;
	while (ev->sections_ok && (scn = elf_nextscn(ev->elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_GNU_versym) {
			const uint8_t *p;
			size_t n;
			if (ev_section_bytes(ev, &sh, &p, &n)) {
				c.versym = p;
				c.nversym = n / 2;
			}
		} else if (sh.sh_type == SHT_GNU_verdef) {
			Elf_Data *d = elf_getdata(scn, NULL);
			if (!d)
				continue;
			c.nidx = 0x8000; /* version indices are 15-bit */
			c.vername = arena_alloc(ev->a->arena, c.nidx * sizeof(char *));
			if (!c.vername)
				return;
			size_t off = 0;
			for (unsigned i = 0; i < 10000; i++) {
				GElf_Verdef vd;
				GElf_Verdaux vda;
				if (!gelf_getverdef(d, (int)off, &vd))
					break;
				if (vd.vd_cnt && off + vd.vd_aux > off && gelf_getverdaux(d, (int)(off + vd.vd_aux), &vda)) {
					const char *vn = elf_strptr(ev->elf, sh.sh_link, vda.vda_name);
					unsigned idx = vd.vd_ndx & 0x7fff;
					if (vn && idx < c.nidx && !(vd.vd_flags & VER_FLG_BASE))
						c.vername[idx] = utf8_sanitize(ev->a->arena, vn, strlen(vn));
				}
				if (!vd.vd_next || off + vd.vd_next <= off)
					break;
				off += vd.vd_next;
			}
		}
	}
	/* shared objects: .dynsym; relocatable C objects (archive members):
	 * the global definitions of .symtab (Go objects are skipped: their
	 * thousands of runtime symbols are not an interface) */
	ev_for_each_symbol(ev, ev->eh.e_type != ET_REL, dyn_cb, &c);
}

void cabi_dwarf_prototypes(struct elfview *ev);

void facts_cabi(struct elfview *ev)
{
	struct exp_ctx c = { .ev = ev };
	ev_for_each_symbol_prefix(ev, false, "_cgoexp_", exp_cb, &c);
	ev_for_each_symbol_prefix(ev, true, "_cgoexp_", exp_cb, &c);
	enum goabi_toolchain tc = ev->a->typed.toolchain;
	if (ev->eh.e_type == ET_DYN || (ev->eh.e_type == ET_REL && (tc == GOABI_TC_UNSET || tc == GOABI_TC_NONE)))
		dynsyms(ev);
	/* only objects that define or call _cgoexp_ wrappers (c-shared, go.o,
	 * the _cgo_export.c member) can hold _cgo_export.c: skip the DWARF of
	 * everything else, e.g. large Go executables built with debug info */
	if (!ev->opts->no_dwarf && c.refs)
		cabi_dwarf_prototypes(ev);
	else
		ev->a->cabi.dwarf = ev_section(ev, ".debug_info", &(GElf_Shdr){ 0 }) != NULL;
}
