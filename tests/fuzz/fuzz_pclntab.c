/* Go pclntab: the input is a candidate pcHeader plus tables, placed in a
 * synthetic ELF as .gopclntab (found by name), as an unnamed read-only
 * section or segment (found by scanning), or as go.o's
 * .data.rel.ro.gopclntab; no symbols, so the function-name table is read. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t mode = data[0];
	static const char *names[] = { ".gopclntab", ".rodata", ".data.rel.ro.gopclntab", ".go.pclntab" };
	int which = (mode >> 2) & 3;
	struct synth s = { .is64 = !(mode & 1), .be = (mode >> 1) & 1, .type = which == 2 ? ET_REL : ET_EXEC,
			   .no_shdrs = which != 2 && ((mode >> 4) & 1), .load_flags = PF_R };
	struct synth_sec sec[] = {
		{ names[which], SHT_PROGBITS, SHF_ALLOC, data + 1, size - 1, -1, 0, 0 },
	};
	size_t n;
	uint8_t *elf = synth_elf(&s, sec, 1, &n);
	fuzz_inspect("fuzz-pclntab", elf, n);
	free(elf);
	return 0;
}
