/* goabi link's parsers: the command line (argv from the input's lines; the
 * first byte picks gcc, musl-gcc, ld or a cross gcc, and whether the part
 * after the first NUL becomes a response file passed as @FILE) and linker
 * scripts standing in for libraries (INPUT/GROUP/AS_NEEDED). The link
 * itself (lk_run) is not run: it would open whatever files the input names. */
#include "fuzz.h"
#include "fuzz_tmp.h"
#include "check/link_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	uint8_t mode = data[0];
	data++;
	size--;
	struct goabi_arena *ar = arena_new();
	if (!ar)
		return 0;
	if ((mode & 3) == 3) {
		struct lk_result r;
		memset(&r, 0, sizeof(r));
		r.ar = ar;
		lk_cmd_init(&r.cmd, ar);
		struct lk_item *items;
		size_t n;
		lk_script_items(&r, "fuzz/libfuzz.so", (const char *)data, size, &items, &n);
		for (size_t i = 0; i < n; i++)
			if (!items[i].arg && items[i].kind == LK_I_FILE)
				abort();
		arena_free(ar);
		return 0;
	}
	static const char *drivers[] = { "gcc", "musl-gcc", "ld", "aarch64-linux-gnu-gcc" };
	const uint8_t *nul = memchr(data, 0, size);
	size_t argn = nul ? (size_t)(nul - data) : size;
	char *text = malloc(argn + 1);
	memcpy(text, data, argn);
	text[argn] = 0;
	char *argv[260];
	int argc = 0;
	argv[argc++] = (char *)drivers[mode & 3];
	char *save = NULL;
	for (char *w = strtok_r(text, "\n", &save); w && argc < 256; w = strtok_r(NULL, "\n", &save))
		argv[argc++] = w;
	char rsp[160];
	if (nul && (mode & 4)) {
		const char *p = fuzz_file(0, "args.rsp", nul + 1, size - argn - 1);
		snprintf(rsp, sizeof(rsp), "@%s", p);
		argv[argc++] = rsp;
	}
	argv[argc] = NULL;
	struct lk_cmd c;
	lk_cmd_init(&c, ar);
	c.no_driver = true; /* never run gcc -### with random words */
	lk_parse_command(&c, argc, argv);
	free(text);
	arena_free(ar);
	return 0;
}
