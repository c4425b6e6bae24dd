/* ar archives: the input follows the "!<arch>\n" magic (first byte even) or
 * the GNU thin "!<thin>\n" magic (odd), so every mutation exercises the
 * member walk: headers, sizes, long names, symbol index, nesting. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t *b = malloc(size + 7);
	if (!b)
		return 0;
	memcpy(b, data[0] & 1 ? "!<thin>\n" : "!<arch>\n", 8);
	memcpy(b + 8, data + 1, size - 1);
	fuzz_inspect("fuzz.a", b, size + 7);
	free(b);
	return 0;
}
