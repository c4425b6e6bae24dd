/* goabi diff: the cgo header reader (mode 0), prototype canonicalisation
 * (1), version comparison (2), and the whole comparison of two artifacts
 * inspected from the two halves of the input (3, split at the first u16). */
#include "fuzz.h"
#include "fuzz_tmp.h"
#include "check/diff.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > (1u << 20))
		return 0;
	uint8_t mode = data[0] & 3;
	data++;
	size--;
	struct goabi_arena *ar = arena_new();
	if (!ar)
		return 0;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	if (mode == 0) {
		struct diff_header h;
		memset(&h, 0, sizeof(h));
		char err[512];
		diff_header_load(ar, fuzz_file(0, "h.h", data, size), &h, err, sizeof(err));
		for (size_t i = 0; i < h.n; i++)
			diff_proto_canon(ar, h.exports[i].prototype ? h.exports[i].prototype : "", h.exports[i].name ? h.exports[i].name : "");
	} else if (mode == 1) {
		char *nl = strchr(s, '\n');
		if (nl)
			*nl = 0;
		diff_proto_canon(ar, s, nl ? nl + 1 : "f");
	} else if (mode == 2) {
		char *nl = strchr(s, '\n');
		if (nl)
			*nl = 0;
		int x = version_cmp(s, nl ? nl + 1 : ""), y = version_cmp(nl ? nl + 1 : "", s);
		if ((x > 0 && y >= 0) || (x < 0 && y <= 0) || (x == 0 && y != 0))
			abort(); /* not antisymmetric */
	} else if (size >= 2) {
		size_t cut = (size_t)(data[0] | data[1] << 8);
		if (cut > size - 2)
			cut = size - 2;
		struct goabi_opts o = { 0 };
		struct goabi_artifact *a = NULL, *b = NULL;
		goabi_inspect_buffer("old", data + 2, cut, &o, &a);
		goabi_inspect_buffer("new", data + 2 + cut, size - 2 - cut, &o, &b);
		struct diff_set ds;
		if (a && b && diff_set_init(&ds) == 0) {
			struct diff_opts dopt = { 0 };
			diff_artifacts(&ds, "fuzz", a, b, &dopt);
			diff_exit_bits(&ds);
			diff_set_release(&ds);
		}
		goabi_artifact_free(a);
		goabi_artifact_free(b);
	}
	free(s);
	arena_free(ar);
	return 0;
}
