/* goabi audit's policy: a policy JSON file (first byte even) or one rule's
 * flag value (odd: the byte picks the rule), then every rule checked against
 * a small Go artifact. */
#include "fuzz.h"
#include "fuzz_tmp.h"
#include "check/policy.h"

static const uint8_t elf_with_buildinfo[] = {
#include "fuzz_policy_elf.inc"
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	static struct goabi_artifact *a;
	if (!a) {
		struct goabi_opts o = { 0 };
		goabi_inspect_buffer("policy-target", elf_with_buildinfo, sizeof(elf_with_buildinfo), &o, &a);
	}
	struct policy p;
	policy_init(&p);
	char err[512];
	if (!(data[0] & 1)) {
		const char *f = fuzz_file(0, "policy.json", data + 1, size - 1);
		policy_load(&p, f, err, sizeof(err));
	} else {
		char *v = malloc(size);
		memcpy(v, data + 1, size - 1);
		v[size - 1] = 0;
		policy_set(&p, (enum policy_rule)((data[0] >> 1) % RULE_COUNT), v, err, sizeof(err));
		free(v);
	}
	for (int r = 0; r < RULE_COUNT; r++)
		free(policy_rule_value(&p, (enum policy_rule)r));
	struct policy_result res;
	memset(&res, 0, sizeof(res));
	if (a)
		policy_check(&p, a, &res);
	policy_result_release(&res);
	policy_release(&p);
	return 0;
}
