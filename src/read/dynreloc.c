/* Dynamic relocations and a file opened as an elfview (read/dynreloc.h). */
#include <string.h>
#include "read/dynreloc.h"

bool rd_elf_open(struct rd_elf *f, struct goabi_arena *ar, const char *path)
{
	memset(f, 0, sizeof(*f));
	char err[256];
	if (rd_map_file(path, 0, &f->map, err, sizeof(err)) != RD_MAP_OK || f->map.len == 0)
		return false;
	return rd_elf_open_mem(f, ar, path, f->map.p, f->map.len);
}

bool rd_elf_open_mem(struct rd_elf *f, struct goabi_arena *ar, const char *path, void *buf, size_t len)
{
	if (!buf || !len)
		return false;
	f->scratch.arena = ar;
	f->scratch.path = path;
	f->elf = elf_memory(buf, len);
	return f->elf && elf_kind(f->elf) == ELF_K_ELF && ev_init(&f->ev, f->elf, &f->scratch, NULL);
}

void rd_elf_close(struct rd_elf *f)
{
	if (f->elf)
		elf_end(f->elf);
	rd_unmap(&f->map);
	memset(f, 0, sizeof(*f));
}

size_t ev_dynrelocs(const struct elfview *ev, struct goabi_arena *ar, struct ev_dynreloc **out)
{
	*out = NULL;
	if (!ev->sections_ok)
		return 0;
	struct ev_dynreloc *v = NULL;
	size_t n = 0, cap = 0;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(ev->elf, scn)) != NULL && n < GOABI_MAX_SYMBOLS) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_RELA && sh.sh_type != SHT_REL) || !sh.sh_entsize)
			continue;
		Elf_Scn *symscn = elf_getscn(ev->elf, sh.sh_link);
		GElf_Shdr ssh;
		if (!symscn || !gelf_getshdr(symscn, &ssh) || ssh.sh_type != SHT_DYNSYM)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL), *sd = elf_getdata(symscn, NULL);
		if (!d || !sd)
			continue;
		size_t cnt = sh.sh_size / sh.sh_entsize;
		for (size_t i = 0; i < cnt && n < GOABI_MAX_SYMBOLS; i++) {
			GElf_Rela ra;
			if (!ev_reloc(d, sh.sh_type, i, &ra))
				break;
			size_t si = GELF_R_SYM(ra.r_info);
			const char *name = NULL;
			if (si) {
				GElf_Sym s;
				if (si > INT32_MAX || !gelf_getsym(sd, (int)si, &s))
					continue;
				name = elf_strptr(ev->elf, ssh.sh_link, s.st_name);
				if (!name)
					continue;
			}
			if (!arena_grow(ar, &v, &cap, n + 1, sizeof(*v)))
				goto done;
			v[n++] = (struct ev_dynreloc){ ra.r_offset, ra.r_addend, name };
		}
	}
done:
	*out = v;
	return n;
}

bool ev_read_ptr(const struct elfview *ev, uint64_t vaddr, uint64_t *out)
{
	const uint8_t *p;
	if ((ev->ptrsize != 4 && ev->ptrsize != 8) || !ev_vaddr(ev, vaddr, (uint64_t)ev->ptrsize, &p, NULL))
		return false;
	*out = rdptr(p, ev->be, ev->ptrsize);
	return true;
}
