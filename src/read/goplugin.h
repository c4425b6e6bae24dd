/* What the plugin check needs of one ELF file's bytes (src/read/goplugin.c):
 * the package hashes it exports in .dynsym (with their bytes), the
 * moduledata pkghashes of a plugin (from the dynamic relocations that fill
 * their runtimehash pointers), its plugin path and the size of
 * runtime.firstmoduledata. Strings are in the caller's arena. */
#ifndef GOABI_READ_GOPLUGIN_H
#define GOABI_READ_GOPLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util/util.h"

#define RD_PKGHASH_MAX 32u /* bytes of one package hash kept (Go writes 8) */

/* One package hash: the bytes behind go:link.pkghash.P (pkghashbytes.P). */
struct rd_pkghash {
	const char *pkg;      /* import path P */
	const char *sym;      /* "go:link.pkghash.P" or "go.link.pkghash.P" */
	uint8_t bytes[RD_PKGHASH_MAX];
	size_t len;           /* 0 when the bytes could not be read */
};

struct rd_goplugin {
	const char *pluginpath;          /* NULL when unknown */
	const char *pluginpath_evidence;
	uint64_t moduledata_size;        /* st_size of runtime.firstmoduledata, 0 unknown */
	/* go:link.pkghash.P defined in .dynsym: what the file provides to
	 * later dlopens (global scope) */
	struct rd_pkghash *exports;
	size_t nexports, expcap;
	/* plugins: moduledata pkghashes in order; bytes = the link-time hash
	 * (the plugin's own pkghashbytes.P, written from the same fingerprint) */
	struct rd_pkghash *pkghashes;
	size_t npkghashes, pkcap;
	const char *pkghash_evidence;
	bool links_plugin_pkg;           /* exports go:link.pkghash.plugin */
};

/* Fill g (zeroed first) from the file at path; nothing is filled when it
 * cannot be mapped or is not ELF (the caller's inspect says why). */
void rd_goplugin_read(struct goabi_arena *ar, const char *path, struct rd_goplugin *g);
/* The same over a file mapped already (the shared loader, facts/loader.h);
 * libelf may write buf (it converts in place). */
void rd_goplugin_read_mem(struct goabi_arena *ar, const char *path, void *buf, size_t len, struct rd_goplugin *g);
/* The export named sym ("go:link.pkghash.P"), NULL when absent. */
const struct rd_pkghash *rd_goplugin_export(const struct rd_goplugin *g, const char *sym);

#endif
