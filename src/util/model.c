/* Questions every layer asks of the model (goabi.h), answered once. */
#include <string.h>
#include "goabi/goabi.h"

bool goabi_go_is_go(const struct goabi_go *go)
{
	return go->toolchain.value && strcmp(go->toolchain.value, "none") != 0;
}

const char *goabi_go_setting(const struct goabi_go *go, const char *key)
{
	for (size_t i = 0; i < go->nsettings; i++)
		if (strcmp(go->settings[i].key, key) == 0)
			return go->settings[i].value;
	return NULL;
}

int goabi_x86_level(const char *v)
{
	if (!v || strncmp(v, "x86-64-v", 8) != 0 || v[8] < '1' || v[8] > '4')
		return 0;
	return v[8] - '0';
}

/* "riscv64-rva22u64" -> 22 with family "riscv64"; see goabi.h */
int goabi_isa_rank(const char *v, size_t *family_len)
{
	static const struct {
		const char *family, *prefix;
	} fam[] = {
		{ "x86-64", "x86-64-v" }, { "386", "386-" },       { "arm64", "arm64-v" }, { "armv", "armv" },
		{ "riscv64", "riscv64-rva" }, { "ppc64", "ppc64-power" }, { "mips64", "mips64-" }, { "mips", "mips-" },
	};
	if (!v)
		return -1;
	for (size_t k = 0; k < sizeof(fam) / sizeof(fam[0]); k++) {
		size_t pl = strlen(fam[k].prefix);
		if (strncmp(v, fam[k].prefix, pl) != 0)
			continue;
		const char *r = v + pl;
		int rank = -1;
		if (strcmp(fam[k].family, "386") == 0 || strncmp(fam[k].family, "mips", 4) == 0) {
			/* no FPU code first: softfloat runs everywhere */
			size_t n = strcspn(r, ",");
			if (n == 9 && strncmp(r, "softfloat", 9) == 0)
				rank = 0;
			else if ((n == 4 && strncmp(r, "sse2", 4) == 0) || (n == 9 && strncmp(r, "hardfloat", 9) == 0))
				rank = 1;
		} else if (r[0] >= '0' && r[0] <= '9') {
			/* x86-64-vN, armvN[,softfloat], arm64-vX.Y[,lse], riscv64-rvaNNu64, ppc64-powerN */
			long n = 0;
			for (; *r >= '0' && *r <= '9' && n < 10000; r++)
				n = n * 10 + (*r - '0');
			if (strcmp(fam[k].family, "arm64") == 0) {
				long minor = 0;
				if (*r == '.')
					for (r++; *r >= '0' && *r <= '9' && minor < 100; r++)
						minor = minor * 10 + (*r - '0');
				n = n * 100 + minor;
			}
			rank = (int)n;
		}
		if (rank < 0)
			return -1;
		if (family_len)
			*family_len = strlen(fam[k].family);
		return rank;
	}
	return -1;
}
