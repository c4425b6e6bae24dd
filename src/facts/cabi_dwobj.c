/* A libdwarf object that holds only the sections the prototype walk reads.
 *
 * dwarf_elf_init_b() hands libdwarf every .debug_* section, and while it
 * walks the compilation unit headers libdwarf loads (and, for compressed
 * sections, inflates) .debug_loclists and .debug_rnglists of every DWARF 5
 * unit as well: in a cgo executable of Go 1.26 that is a third of the zlib
 * work of `inspect`, for data the walk never reads. The walk reads names,
 * types and parameters: the unit DIEs (.debug_info, .debug_abbrev), strings
 * (.debug_str, .debug_line_str, .debug_str_offsets), .debug_addr for
 * DW_FORM_addrx, and .debug_types for DWARF 4 type units. Only these are
 * offered, through libdwarf's object-access interface; SHF_COMPRESSED
 * (zlib) sections are inflated here, once, bounded by DWOBJ_MAX_INFLATED.
 *
 * Relocatable objects need their .rela.debug_* applied, which libdwarf's
 * own ELF reader does: for ET_REL the caller uses dwarf_elf_init_b(). */
#include <stdlib.h>
#include <string.h>
#include <libdwarf.h>
#include <dwarf.h>
#include <zlib.h>
#include "facts/facts.h"
#include "facts/cabi_dwobj.h"

#define DWOBJ_MAX_INFLATED (256u << 20) /* one inflated section */

static const char *const wanted[] = {
	".debug_info", ".debug_abbrev", ".debug_str", ".debug_line_str",
	".debug_str_offsets", ".debug_addr", ".debug_types",
};
#define NWANTED (sizeof(wanted) / sizeof(wanted[0]))

struct dwobj_sec {
	const char *name;
	GElf_Shdr sh;
	const uint8_t *p; /* file bytes, or the inflated copy */
	uint64_t size;    /* what libdwarf sees: the inflated size when compressed */
	uint8_t *owned;
	bool compressed;
};

struct dwobj {
	struct elfview *ev;
	struct dwobj_sec sec[NWANTED + 1]; /* [0]: the null section, as in ELF */
	unsigned nsec;
	Dwarf_Obj_Access_Interface iface;
};

static int get_section_info(void *obj, Dwarf_Half i, Dwarf_Obj_Access_Section *out, int *error)
{
	struct dwobj *o = obj;
	if (i >= o->nsec) {
		*error = DW_DLE_MDE;
		return DW_DLV_ERROR;
	}
	memset(out, 0, sizeof(*out));
	const struct dwobj_sec *s = &o->sec[i];
	out->name = s->name;
	out->type = s->sh.sh_type;
	out->addr = s->sh.sh_addr;
	out->size = s->size;
	return DW_DLV_OK;
}

static Dwarf_Endianness get_byte_order(void *obj)
{
	return ((struct dwobj *)obj)->ev->be ? DW_OBJECT_MSB : DW_OBJECT_LSB;
}

static Dwarf_Small get_size(void *obj)
{
	return (Dwarf_Small)((struct dwobj *)obj)->ev->ptrsize;
}

static Dwarf_Unsigned get_section_count(void *obj)
{
	return ((struct dwobj *)obj)->nsec;
}

static bool inflate_all(struct dwobj_sec *s, const uint8_t *z, size_t zn, uint64_t size)
{
	/* deflate expands at most ~1032:1: a larger claimed size is a lie */
	if (size == 0 || size > DWOBJ_MAX_INFLATED || zn > UINT32_MAX || size / 1032 > zn + 1)
		return false;
	s->owned = malloc((size_t)size);
	if (!s->owned)
		return false;
	z_stream st;
	memset(&st, 0, sizeof(st));
	if (inflateInit(&st) != Z_OK)
		return false;
	st.next_in = (Bytef *)z;
	st.avail_in = (uInt)zn;
	st.next_out = s->owned;
	st.avail_out = (uInt)size;
	int rc = inflate(&st, Z_FINISH);
	bool ok = rc == Z_STREAM_END && st.total_out == size;
	inflateEnd(&st);
	return ok;
}

static int load_section(void *obj, Dwarf_Half i, Dwarf_Small **data, int *error)
{
	struct dwobj *o = obj;
	if (i == 0 || i >= o->nsec) {
		*error = DW_DLE_MDE;
		return DW_DLV_ERROR;
	}
	struct dwobj_sec *s = &o->sec[i];
	if (s->compressed && !s->owned) {
		size_t hdr = o->ev->ptrsize == 8 ? sizeof(Elf64_Chdr) : sizeof(Elf32_Chdr);
		if (!inflate_all(s, s->p + hdr, (size_t)s->sh.sh_size - hdr, s->size)) {
			free(s->owned);
			s->owned = NULL;
			*error = DW_DLE_ZLIB_UNCOMPRESS_ERROR;
			return DW_DLV_ERROR;
		}
	}
	/* libdwarf reads but never writes section data */
	*data = (Dwarf_Small *)(s->owned ? s->owned : s->p);
	return DW_DLV_OK;
}

static const Dwarf_Obj_Access_Methods methods = {
	.get_section_info = get_section_info,
	.get_byte_order = get_byte_order,
	.get_length_size = get_size,
	.get_pointer_size = get_size,
	.get_section_count = get_section_count,
	.load_section = load_section,
	.relocate_a_section = NULL,
};

/* One wanted section: its bytes, and for SHF_COMPRESSED the zlib header's
 * size (ELFCOMPRESS_ZLIB only; anything else is left to libdwarf's reader). */
static bool add_section(struct dwobj *o, Elf_Scn *scn, const GElf_Shdr *sh, const char *name)
{
	struct dwobj_sec *s = &o->sec[o->nsec];
	if (sh->sh_type == SHT_NOBITS || !ev_section_bytes(o->ev, sh, &s->p, &s->size))
		return true; /* absent data: not offered */
	s->name = name;
	s->sh = *sh;
	if (sh->sh_flags & SHF_COMPRESSED) {
		GElf_Chdr ch;
		size_t hdr = o->ev->ptrsize == 8 ? sizeof(Elf64_Chdr) : sizeof(Elf32_Chdr);
		if (!gelf_getchdr(scn, &ch) || ch.ch_type != ELFCOMPRESS_ZLIB || s->size < hdr)
			return false;
		s->compressed = true;
		s->size = ch.ch_size;
	}
	o->nsec++;
	return true;
}

int dwobj_init(struct elfview *ev, struct dwobj **out, Dwarf_Debug *dbg, Dwarf_Error *err)
{
	*out = NULL;
	if (ev->eh.e_type == ET_REL || !ev->sections_ok)
		return DW_DLV_NO_ENTRY;
	struct dwobj *o = calloc(1, sizeof(*o));
	if (!o)
		return DW_DLV_NO_ENTRY;
	o->ev = ev;
	o->sec[0].name = "";
	o->nsec = 1;
	for (size_t w = 0; w < NWANTED; w++) {
		GElf_Shdr sh;
		Elf_Scn *scn = ev_section(ev, wanted[w], &sh);
		if (scn && !add_section(o, scn, &sh, wanted[w])) {
			free(o);
			return DW_DLV_NO_ENTRY; /* unusual compression: libdwarf's reader judges */
		}
	}
	o->iface.object = o;
	o->iface.methods = &methods;
	int rc = dwarf_object_init_b(&o->iface, NULL, NULL, DW_GROUPNUMBER_ANY, dbg, err);
	if (rc != DW_DLV_OK) {
		dwobj_free(o);
		return rc;
	}
	*out = o;
	return DW_DLV_OK;
}

void dwobj_free(struct dwobj *o)
{
	if (!o)
		return;
	for (unsigned i = 0; i < o->nsec; i++)
		free(o->sec[i].owned);
	free(o);
}
