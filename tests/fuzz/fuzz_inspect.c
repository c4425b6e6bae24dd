/* Whole-artifact inspect from a buffer (ELF objects and ar archives,
 * goabi_inspect_buffer), then both reporters. Seeds: real ELF files and
 * archives (fixtures, elfutils corpus, Go debug/elf testdata). */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_inspect("fuzz-input", data, size);
	return 0;
}
