/* The loader behind src/util/lazylib.c and lazynet.c: one library, its
 * function names in the order of its table, loaded once (pthread_once). */
#ifndef GOABI_UTIL_LAZYLIB_INT_H
#define GOABI_UTIL_LAZYLIB_INT_H

#include <pthread.h>
#include "util/lazylib.h"

struct lazylib {
	const char *soname, *fallback;
	const char *const *names; /* NULL-terminated, in the order of fn[] */
	void **fn;
	pthread_once_t once;
	int ok;
	char err[256];
};

/* dlopen(soname, else fallback) and dlsym every name; a name the library
 * lacks stays NULL, a library that cannot be loaded leaves ok 0 and err set */
void lazylib_load(struct lazylib *l);

/* lazylib_error() for LAZYLIB_ID_CURL and LAZYLIB_ID_CRYPTO */
const char *lazynet_error(enum lazylib_id id);

#endif
