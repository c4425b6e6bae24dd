/* libarchive, capstone, libcurl and libcrypto are loaded on first use (src/util/lazylib.c): the
 * goabi binary is not linked with them, so runs that read no image and
 * disassemble nothing do not pay for loading them. Callers use the
 * libraries' own API unchanged. */
#ifndef GOABI_UTIL_LAZYLIB_H
#define GOABI_UTIL_LAZYLIB_H

enum lazylib_id { LAZYLIB_ID_ARCHIVE, LAZYLIB_ID_CAPSTONE, LAZYLIB_ID_CURL, LAZYLIB_ID_CRYPTO };

/* loads the library if that has not been tried; NULL when it is loaded, else
 * a message naming it ("unable to load libarchive.so.13: ..."), static storage */
const char *lazylib_error(enum lazylib_id id);

#endif
