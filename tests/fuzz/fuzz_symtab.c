/* Symbol and version tables: .dynsym/.dynstr/.gnu.version/.gnu.version_r/
 * .symtab/.strtab bytes from the input, a .dynamic written here so that
 * DT_STRTAB/DT_VERNEED point at them (DT_NEEDED, DT_SONAME offsets and
 * DT_VERNEEDNUM from the input), in a synthetic ET_DYN or ET_REL. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	uint8_t mode = data[0], vnnum = data[1], needed = data[2], soname = data[3];
	data += 4;
	size -= 4;
	const uint8_t *part[6];
	size_t len[6];
	fuzz_split(data, size, 6, part, len);
	int is64 = !(mode & 1), be = (mode >> 1) & 1;
	struct synth s = { .is64 = is64, .be = be, .type = (mode >> 2) & 1 ? ET_REL : ET_DYN,
			   .no_shdrs = (mode >> 3) & 1, .load_flags = PF_R | PF_W };
	uint64_t symsz = (mode >> 4) & 1 ? 0 : is64 ? 24 : 16; /* sometimes sh_entsize 0 */
	/* section file offsets are only known after layout: lay out once with a
	 * placeholder .dynamic of the final size, then fill it and lay out again */
	enum { DYNSYM, DYNSTR, VERSYM, VERNEED, SYMTAB, STRTAB, DYNAMIC, NSEC };
	uint8_t dyn[11 * 16];
	size_t dynlen = 11 * 2 * (size_t)(is64 ? 8 : 4);
	memset(dyn, 0, sizeof(dyn));
	struct synth_sec sec[NSEC] = {
		{ ".dynsym", SHT_DYNSYM, SHF_ALLOC, part[0], len[0], DYNSTR, 1, symsz },
		{ ".dynstr", SHT_STRTAB, SHF_ALLOC, part[1], len[1], -1, 0, 0 },
		{ ".gnu.version", SHT_GNU_versym, SHF_ALLOC, part[2], len[2], DYNSYM, 0, 2 },
		{ ".gnu.version_r", SHT_GNU_verneed, SHF_ALLOC, part[3], len[3], DYNSTR, vnnum, 0 },
		{ ".symtab", SHT_SYMTAB, 0, part[4], len[4], STRTAB, 1, symsz },
		{ ".strtab", SHT_STRTAB, 0, part[5], len[5], -1, 0, 0 },
		{ ".dynamic", SHT_DYNAMIC, SHF_ALLOC | SHF_WRITE, dyn, dynlen, DYNSTR, 0, is64 ? 16 : 8 },
	};
	if (s.type == ET_REL)
		sec[DYNAMIC].len = 0;
	size_t n;
	uint8_t *elf = synth_elf(&s, sec, NSEC, &n);
	/* offsets: sections are 8-aligned after the headers, in order */
	size_t at = (is64 ? 64 : 52) + (s.type == ET_REL ? 0 : 2) * (is64 ? 56 : 32), off[NSEC];
	for (int i = 0; i < NSEC; i++) {
		at = (at + 7) & ~(size_t)7;
		off[i] = at;
		at += sec[i].len;
	}
	free(elf);
	struct sbuf d = { 0 };
	int w = is64 ? 8 : 4;
	uint64_t tags[][2] = {
		{ DT_NEEDED, needed }, { DT_SONAME, soname }, { DT_STRTAB, off[DYNSTR] }, { DT_STRSZ, len[1] },
		{ DT_SYMTAB, off[DYNSYM] }, { DT_VERSYM, off[VERSYM] }, { DT_VERNEED, off[VERNEED] },
		{ DT_VERNEEDNUM, vnnum }, { DT_GNU_HASH, 0 }, { DT_FLAGS_1, mode & 0x80 ? 0x08000000 : 0 },
		{ DT_NULL, 0 },
	};
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		sb_int(&d, tags[i][0], w, be);
		sb_int(&d, tags[i][1], w, be);
	}
	if (d.n <= sizeof(dyn))
		memcpy(dyn, d.p, d.n);
	free(d.p);
	elf = synth_elf(&s, sec, NSEC, &n);
	fuzz_inspect("fuzz-symtab", elf, n);
	free(elf);
	return 0;
}
