/* Go module info text (path/mod/dep/=>/build lines, quoted values) straight
 * into go_modinfo_parse, then the reporters over the result. */
#include "fuzz.h"
#include "facts/gofacts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct goabi_arena *ar = arena_new();
	if (!ar)
		return 0;
	struct goabi_artifact *a = arena_alloc(ar, sizeof(*a));
	if (!a) {
		arena_free(ar);
		return 0;
	}
	a->arena = ar;
	a->path = "fuzz-modinfo";
	a->kind = GOABI_KIND_ELF;
	go_modinfo_parse(a, (const char *)data, size);
	fuzz_report(a);
	goabi_artifact_free(a);
	return 0;
}
