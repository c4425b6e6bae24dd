/* C++ names for people: __cxa_demangle, the demangler GNU ld's messages use
 * (through libiberty, the same code), taken from libstdc++.so.6 at run time.
 * libstdc++6 is installed wherever C++ objects are linked; goabi is a C
 * program and is not linked with it, so runs that demangle nothing do not
 * load it. Without it, names stay mangled. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "util/demangle.h"

typedef char *(*cxa_demangle_fn)(const char *mangled, char *buf, size_t *n, int *status);
static cxa_demangle_fn demangle_fn;
static pthread_once_t demangle_once = PTHREAD_ONCE_INIT;

static void demangle_load(void)
{
	void *h = dlopen("libstdc++.so.6", RTLD_NOW | RTLD_LOCAL);
	if (h)
		*(void **)&demangle_fn = dlsym(h, "__cxa_demangle");
}

const char *goabi_demangle(struct goabi_arena *ar, const char *name)
{
	if (!name || strncmp(name, "_Z", 2) != 0 || strlen(name) > 4096)
		return NULL;
	pthread_once(&demangle_once, demangle_load);
	if (!demangle_fn)
		return NULL;
	int status = -1;
	char *d = demangle_fn(name, NULL, NULL, &status);
	if (!d || status != 0) {
		free(d);
		return NULL;
	}
	const char *out = arena_strdup(ar, d);
	free(d);
	return out;
}
