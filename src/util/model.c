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
