/* OS floors ("macos 11.0", "windows 10", "linux 3.2": goabi_os.floor,
 * docs/macho-pe.md) compared by their numbers, for diff and audit. */
#ifndef GOABI_UTIL_OSFLOOR_H
#define GOABI_UTIL_OSFLOOR_H

#include <stdbool.h>
#include <stddef.h>

/* Split a floor "OS VERSION" into the OS word (copied into os, at most
 * cap-1 bytes) and the version, as two numbers: macOS / Linux "11.0" ->
 * 11, 0 (a third part ignored: "3.2.0"); Windows names ("10", "8.1", "7",
 * "vista", "xp-x64", "xp", "2000", "ntX.Y") -> their NT version (10.0, 6.3,
 * 6.1, 6.0, 5.2, 5.1, 5.0, X.Y). False when the value is not of that form. */
bool osfloor_parse(const char *value, char *os, size_t cap, unsigned *major, unsigned *minor);
/* A version alone ("11.0", "10", "7", "nt6.1") read as osfloor_parse reads
 * it for the OS os ("macos", "windows", "linux"). */
bool osfloor_parse_version(const char *os, const char *v, unsigned *major, unsigned *minor);
/* <0, 0, >0 as a is below, equal to or above b (a third part counts here:
 * "linux 2.6.18" < "linux 2.6.32"); *ok false (result 0) when they are not
 * floors of one OS. */
int osfloor_cmp(const char *a, const char *b, bool *ok);

#endif
