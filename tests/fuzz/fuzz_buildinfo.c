/* Go build info: the input is the content of .go.buildinfo in a synthetic
 * ELF (class, byte order, file type and stripping from the first byte), so
 * both layouts (inline uvarint strings, pre-1.18 pointers into the file) and
 * the module-info parser see every mutation. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t mode = data[0];
	static const uint16_t types[] = { ET_EXEC, ET_DYN, ET_REL, ET_EXEC };
	struct synth s = { .is64 = !(mode & 1), .be = (mode >> 1) & 1, .type = types[(mode >> 2) & 3],
			   .no_shdrs = (mode >> 4) & 1, .load_flags = PF_R | PF_W };
	struct synth_sec sec[] = {
		{ ".go.buildinfo", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, data + 1, size - 1, -1, 0, 0 },
	};
	size_t n;
	uint8_t *elf = synth_elf(&s, sec, 1, &n);
	fuzz_inspect("fuzz-buildinfo", elf, n);
	free(elf);
	return 0;
}
