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

/* One library: its function table NAME_fn (COUNT slots, names in the order
 * of NAMES), its struct lazylib NAME_lib, the pthread_once trampoline
 * NAME_load and the getter NAME_get(i), which loads on first use. */
#define LAZYLIB_DEFINE(name, soname, fallback, names, count)                                   \
	static void *name##_fn[count];                                                         \
	static struct lazylib name##_lib = { soname, fallback, names, name##_fn,                \
					     PTHREAD_ONCE_INIT, 0, "" };                        \
	static void name##_load(void) { lazylib_load(&name##_lib); }                           \
	static void *name##_get(int i)                                                         \
	{                                                                                      \
		pthread_once(&name##_lib.once, name##_load);                                   \
		return name##_fn[i];                                                           \
	}

/* A definition of ret NAME params that calls slot idx of get(), or returns
 * fail when the library or the function is missing. attr: a calling
 * convention macro, or nothing. */
#define LAZYLIB_FWD(attr, get, idx, ret, name, params, args, fail) \
	ret attr name params                                         \
	{                                                            \
		ret(*f) params = (ret(*) params)get(idx);            \
		return f ? f args : (fail);                          \
	}

/* The same for a function returning nothing: a no-op when it is missing */
#define LAZYLIB_VOID(attr, get, idx, name, params, args)      \
	void attr name params                                 \
	{                                                     \
		void(*f) params = (void(*) params)get(idx);   \
		if (f)                                        \
			f args;                               \
	}

/* NULL when the library is loaded (loading it now if need be), else why not */
static inline const char *lazylib_status(struct lazylib *l, void (*load)(void))
{
	pthread_once(&l->once, load);
	return l->ok ? NULL : l->err;
}

/* lazylib_error() for LAZYLIB_ID_CURL and LAZYLIB_ID_CRYPTO */
const char *lazynet_error(enum lazylib_id id);

#endif
