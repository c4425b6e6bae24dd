/* Full symbol tables for the link resolver. Every section index, offset and
 * count taken from the file is checked before use; tables are capped at
 * GOABI_MAX_SYMBOLS entries (elfview), version definitions at MAX_VERDEFS. */
#include <string.h>
#include "read/symtab.h"

#define MAX_VERDEFS 65536u
#define MAX_WARNING 1024u

struct verdef {
	unsigned ndx;
	const char *name;
};

struct rd {
	const struct elfview *ev;
	struct goabi_arena *ar;
	struct symtab *out;
	uint8_t *comdat_scn;   /* by section index: member of a COMDAT group */
	const char **group_of; /* by section index: that group's signature */
	uint8_t *used;         /* by symbol index: a relocation uses it */
	size_t nused;
	Elf_Data *versym;
	size_t nversym;
	struct verdef *vd;
	size_t nvd, vdcap;
};

static void mark_group(struct rd *r, const GElf_Shdr *sh)
{
	const uint8_t *p;
	size_t n;
	if (!ev_section_bytes(r->ev, sh, &p, &n) || n < 4)
		return;
	uint32_t flags = rd32(p, r->ev->be);
	if (!(flags & GRP_COMDAT))
		return;
	r->out->ncomdat++;
	/* the signature: symbol sh_info of the symbol table sh_link (ELF gABI,
	 * "Section Groups") */
	const char *sig = NULL;
	Elf_Scn *ts = sh->sh_link < r->ev->shnum ? elf_getscn(r->ev->elf, sh->sh_link) : NULL;
	GElf_Shdr tsh;
	Elf_Data *td = ts && gelf_getshdr(ts, &tsh) && tsh.sh_type == SHT_SYMTAB ? elf_getdata(ts, NULL) : NULL;
	GElf_Sym gs;
	if (td && tsh.sh_entsize && sh->sh_info < td->d_size / tsh.sh_entsize && gelf_getsym(td, (int)sh->sh_info, &gs)) {
		const char *nm = elf_strptr(r->ev->elf, tsh.sh_link, gs.st_name);
		/* a section symbol names the group after its section */
		if (nm && !*nm && GELF_ST_TYPE(gs.st_info) == STT_SECTION && gs.st_shndx < r->ev->shnum) {
			GElf_Shdr ssh;
			Elf_Scn *ss = elf_getscn(r->ev->elf, gs.st_shndx);
			nm = ss && gelf_getshdr(ss, &ssh) ? ev_section_name(r->ev, &ssh) : NULL;
		}
		if (nm)
			sig = arena_strdup(r->ar, nm);
	}
	struct symtab *o = r->out;
	if (sig && o->ngroups < GOABI_MAX_LIST && arena_grow(r->ar, &o->groups, &o->groupcap, o->ngroups + 1, sizeof(*o->groups)))
		o->groups[o->ngroups++] = sig;
	for (size_t off = 4; n - off >= 4; off += 4) {
		uint32_t idx = rd32(p + off, r->ev->be);
		if (idx < r->ev->shnum) {
			r->comdat_scn[idx] = 1;
			if (r->group_of)
				r->group_of[idx] = sig;
		}
	}
}

static void mark_relocs(struct rd *r, Elf_Scn *scn, const GElf_Shdr *sh)
{
	/* a relocation against an undefined symbol makes ld report it, in
	 * allocated sections and in the others alike (.debug_info, a note:
	 * "c.o:(.debug_info+0x0): undefined reference to `foo'"); an undefined
	 * symbol nothing relocates against is no error. Sections ld drops
	 * (SHF_EXCLUDE) are not linked, nor are their relocations. */
	Elf_Scn *target = sh->sh_info < r->ev->shnum ? elf_getscn(r->ev->elf, sh->sh_info) : NULL;
	GElf_Shdr ts;
	if (!target || !gelf_getshdr(target, &ts) || (ts.sh_flags & SHF_EXCLUDE))
		return;
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d || sh->sh_entsize == 0)
		return;
	size_t n = d->d_size / sh->sh_entsize;
	for (size_t i = 0; i < n; i++) {
		GElf_Rela rel;
		if (!ev_reloc(d, sh->sh_type, i, &rel))
			break;
		size_t sym = GELF_R_SYM(rel.r_info);
		if (sym < r->nused)
			r->used[sym] = 1;
	}
}

static void read_warning(struct rd *r, const GElf_Shdr *sh, const char *name)
{
	const uint8_t *p;
	size_t n;
	if (!ev_section_bytes(r->ev, sh, &p, &n))
		return;
	if (n > MAX_WARNING)
		n = MAX_WARNING;
	const uint8_t *z = memchr(p, 0, n);
	if (z)
		n = (size_t)(z - p);
	struct symtab *o = r->out;
	if (!arena_grow(r->ar, &o->warn, &o->warncap, o->nwarn + 1, sizeof(*o->warn)))
		return;
	o->warn[o->nwarn].sym = arena_strdup(r->ar, name + strlen(".gnu.warning."));
	o->warn[o->nwarn].text = utf8_sanitize(r->ar, (const char *)p, n);
	o->nwarn++;
}

static void read_verdefs(struct rd *r, Elf_Scn *scn, const GElf_Shdr *sh)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d)
		return;
	size_t off = 0;
	for (unsigned guard = 0; guard < MAX_VERDEFS && off < d->d_size; guard++) {
		GElf_Verdef vd;
		GElf_Verdaux va;
		if (!gelf_getverdef(d, (int)off, &vd))
			break;
		if (vd.vd_cnt && vd.vd_aux < d->d_size - off && gelf_getverdaux(d, (int)(off + vd.vd_aux), &va)) {
			const char *nm = elf_strptr(r->ev->elf, sh->sh_link, va.vda_name);
			if (nm && r->nvd < MAX_VERDEFS && arena_grow(r->ar, &r->vd, &r->vdcap, r->nvd + 1, sizeof(*r->vd))) {
				r->vd[r->nvd].ndx = vd.vd_ndx;
				r->vd[r->nvd].name = arena_strdup(r->ar, nm);
				r->nvd++;
			}
		}
		if (vd.vd_next == 0 || vd.vd_next > d->d_size - off)
			break;
		off += vd.vd_next;
	}
}

/* .gnu.version_r: the versions a shared object requires of others; their
 * indexes (vna_other) share the .gnu.version numbering with its verdefs */
static void read_verneeds(struct rd *r, Elf_Scn *scn, const GElf_Shdr *sh)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d)
		return;
	size_t off = 0;
	for (unsigned guard = 0; guard < MAX_VERDEFS && off < d->d_size; guard++) {
		GElf_Verneed vn;
		if (!gelf_getverneed(d, (int)off, &vn))
			break;
		size_t aoff = off + vn.vn_aux;
		for (unsigned k = 0; k < vn.vn_cnt && k < MAX_VERDEFS && vn.vn_aux && aoff < d->d_size; k++) {
			GElf_Vernaux va;
			if (!gelf_getvernaux(d, (int)aoff, &va))
				break;
			const char *nm = elf_strptr(r->ev->elf, sh->sh_link, va.vna_name);
			if (nm && r->nvd < MAX_VERDEFS && arena_grow(r->ar, &r->vd, &r->vdcap, r->nvd + 1, sizeof(*r->vd))) {
				r->vd[r->nvd].ndx = va.vna_other & 0x7fffu;
				r->vd[r->nvd].name = arena_strdup(r->ar, nm);
				r->nvd++;
			}
			if (va.vna_next == 0 || va.vna_next > d->d_size - aoff)
				break;
			aoff += va.vna_next;
		}
		if (vn.vn_next == 0 || vn.vn_next > d->d_size - off)
			break;
		off += vn.vn_next;
	}
}

static const char *verdef_name(const struct rd *r, unsigned ndx)
{
	for (size_t i = 0; i < r->nvd; i++)
		if (r->vd[i].ndx == ndx)
			return r->vd[i].name;
	return NULL;
}

static bool sym_cb(void *ctx, const char *name, const GElf_Sym *s, size_t ndx)
{
	struct rd *r = ctx;
	unsigned bind = GELF_ST_BIND(s->st_info);
	if (bind != STB_GLOBAL && bind != STB_WEAK && bind != STB_GNU_UNIQUE)
		return true;
	struct symtab *o = r->out;
	if (!arena_grow(r->ar, &o->syms, &o->cap, o->n + 1, sizeof(*o->syms)))
		return false;
	struct st_sym *y = &o->syms[o->n++];
	y->name = arena_strdup(r->ar, name);
	y->bind = (uint8_t)bind;
	y->type = (uint8_t)GELF_ST_TYPE(s->st_info);
	y->vis = (uint8_t)GELF_ST_VISIBILITY(s->st_other);
	if (s->st_shndx == SHN_UNDEF) {
		y->kind = ST_UNDEF;
		y->reloc_ref = ndx < r->nused && r->used[ndx];
	} else if (s->st_shndx == SHN_COMMON) {
		y->kind = ST_COMMON;
	} else {
		y->kind = ST_DEF;
		y->comdat = s->st_shndx < r->ev->shnum && r->comdat_scn && r->comdat_scn[s->st_shndx];
		y->group = y->comdat && r->group_of ? r->group_of[s->st_shndx] : NULL;
	}
	if (r->versym && ndx < r->nversym) {
		GElf_Versym vs;
		if (gelf_getversym(r->versym, (int)ndx, &vs)) {
			unsigned idx = vs & 0x7fffu;
			if (y->kind != ST_UNDEF && idx > 1) {
				y->version = verdef_name(r, idx);
				y->ver_hidden = (vs & 0x8000u) != 0;
			} else if (y->kind == ST_UNDEF && idx > 1) {
				y->version = verdef_name(r, idx);
				y->ver_ref = y->version != NULL;
			}
		}
	}
	return true;
}

bool symtab_read(const struct elfview *ev, struct goabi_arena *ar, struct symtab *out)
{
	struct rd r = { .ev = ev, .ar = ar, .out = out };
	if (!ev->sections_ok)
		return false;
	bool dynamic = ev->eh.e_type == ET_DYN;
	out->dynamic = dynamic;
	if (ev->shnum) {
		r.comdat_scn = arena_alloc(ar, ev->shnum);
		r.group_of = arena_alloc(ar, ev->shnum * sizeof(*r.group_of));
	}
	/* size of the symbol table the relocations index */
	Elf_Scn *scn = NULL;
	bool have_table = false;
	while ((scn = elf_nextscn(ev->elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == (dynamic ? SHT_DYNSYM : SHT_SYMTAB) && sh.sh_entsize) {
			have_table = true;
			size_t n = sh.sh_size / sh.sh_entsize;
			if (!dynamic && n <= GOABI_MAX_SYMBOLS) {
				r.used = arena_alloc(ar, n ? n : 1);
				r.nused = r.used ? n : 0;
			}
		}
	}
	if (!have_table)
		return false;
	scn = NULL;
	while ((scn = elf_nextscn(ev->elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_GROUP && r.comdat_scn) {
			mark_group(&r, &sh);
		} else if ((sh.sh_type == SHT_RELA || sh.sh_type == SHT_REL) && r.used) {
			mark_relocs(&r, scn, &sh);
		} else if (dynamic && sh.sh_type == SHT_GNU_versym) {
			r.versym = elf_getdata(scn, NULL);
			r.nversym = r.versym && sh.sh_entsize == 2 ? r.versym->d_size / 2 : 0;
		} else if (dynamic && sh.sh_type == SHT_GNU_verdef) {
			read_verdefs(&r, scn, &sh);
		} else if (dynamic && sh.sh_type == SHT_GNU_verneed) {
			read_verneeds(&r, scn, &sh);
		} else if (!dynamic && sh.sh_type == SHT_PROGBITS) {
			const char *nm = ev_section_name(ev, &sh);
			if (strncmp(nm, ".gnu.warning.", 13) == 0 && nm[13])
				read_warning(&r, &sh, nm);
		}
	}
	ev_for_each_symbol(ev, dynamic, sym_cb, &r);
	return true;
}
