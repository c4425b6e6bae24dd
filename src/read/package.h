/* Release packages (.deb, .rpm, .apk) as inputs: their ELF files and ar
 * archives, read with libarchive (src/read/package.c). */
#ifndef GOABI_READ_PACKAGE_H
#define GOABI_READ_PACKAGE_H

#include <stddef.h>
#include <stdint.h>

enum pkg_kind { PKG_NONE, PKG_DEB, PKG_RPM, PKG_APK };

/* the package format the first bytes show (.apk also by its name: a gzip stream) */
enum pkg_kind pkg_detect(const uint8_t *p, size_t len, const char *name);
const char *pkg_kind_name(enum pkg_kind k);
/* pkg_detect on the first bytes of a file (PKG_NONE when it cannot be read) */
enum pkg_kind pkg_sniff(const char *path);

/* called for each ELF file or ar archive in the package, in package order:
 * name as the package stores it ("./usr/bin/tool"), its bytes (valid during
 * the call; NULL with why set when the file was not read), why non-NULL when
 * the bytes are incomplete or missing */
typedef void (*pkg_entry_fn)(void *ctx, const char *name, const uint8_t *buf, size_t len, const char *why);

/* 0, or -1 with err set when the package could not be (fully) read; the
 * callback has then seen the files before the problem */
int pkg_read(const char *path, enum pkg_kind kind, pkg_entry_fn fn, void *ctx, char *err, size_t errlen);

#endif
