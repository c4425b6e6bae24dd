/* The dynamic section of an object, read once from PT_DYNAMIC through the
 * segment map (so files without section headers work), for every extractor
 * that needs a tag or a string of it (libc facts, version definitions). */
#ifndef GOABI_READ_DYNAMIC_H
#define GOABI_READ_DYNAMIC_H

#include "read/elfview.h"

#define EV_DYN_MAX_NEEDED 256u

struct ev_dynamic {
	bool present; /* a PT_DYNAMIC segment (even one outside the file) */
	bool readable; /* ... whose content is in the file (not in a debug file's) */
	uint64_t strtab, strsz, verneed, verneednum, verdef, verdefnum, flags_1;
	bool has_hash, has_gnu_hash;
	/* string offsets into DT_STRTAB */
	uint64_t needed[EV_DYN_MAX_NEEDED];
	size_t nneeded;
	uint64_t soname, rpath, runpath;
	bool has_soname, has_rpath, has_runpath;
	/* dynamic symbols through segments */
	uint64_t symtab, syment, versym, hash, gnu_hash;
};

/* The object's dynamic tags, read on the first call (a PT_DYNAMIC past the
 * end of the file is reported then, once). Never NULL. */
const struct ev_dynamic *ev_dynamic(const struct elfview *ev);
/* The DT_STRTAB string at off (bounded by DT_STRSZ, the file and
 * GOABI_MAX_STRING), UTF-8-sanitised into the artifact's arena; NULL when
 * it is outside the table or unterminated. */
const char *ev_dynstr(const struct elfview *ev, const struct ev_dynamic *d, uint64_t off);

#endif
