/* C++ symbol names demangled for messages (goabi link). */
#ifndef GOABI_UTIL_DEMANGLE_H
#define GOABI_UTIL_DEMANGLE_H

#include "util/util.h"

/* The demangled form of a C++ (Itanium ABI, "_Z...") name in the arena, or
 * NULL when name is not mangled, cannot be demangled, or libstdc++ is not
 * there. Uses __cxa_demangle from libstdc++.so.6, loaded on first use with
 * dlopen: goabi is not linked with libstdc++ (docs/link.md, "Demangling"). */
const char *goabi_demangle(struct goabi_arena *ar, const char *name);

#endif
