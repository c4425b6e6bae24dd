/* Release packages (.deb, .rpm, .apk) as inputs: their ELF files and ar
 * archives, read with libarchive (src/read/package.c). */
#ifndef GOABI_READ_PACKAGE_H
#define GOABI_READ_PACKAGE_H

#include <stdbool.h>
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

/* What the package says of itself: .deb control (Package, Version,
 * Architecture, Depends/Pre-Depends on libc6), .rpm header (NAME, VERSION-
 * RELEASE, ARCH, REQUIRENAME libc.so.6(GLIBC_x.y) / glibc >= x.y), .apk
 * .PKGINFO (pkgname, pkgver, arch, depend = so:libc.musl-ARCH.so.1). Empty
 * strings when absent. */
struct pkg_meta {
	bool read;               /* the metadata was found */
	char name[256], version[256], arch[64];
	char libc_decl[512];     /* the declaration as written: "libc6 (>= 2.34)", "libc.so.6(GLIBC_2.34)(64bit), ..." */
	char libc_family[16];    /* "glibc", "musl" or "" (no libc declared) */
	char glibc_min[32];      /* the newest glibc version the declaration names ("2.34"), "" if none */
	char libc_field[64];     /* the field(s) it was read from: "Depends", "Pre-Depends" (.deb
				  * control), "Requires" (.rpm header REQUIRENAME), "depend" (.apk
				  * .PKGINFO); ", "-separated */
};

/* 0, or -1 with err set when the package could not be (fully) read; the
 * callback has then seen the files before the problem. meta (may be NULL)
 * receives the package's own metadata. */
int pkg_read(const char *path, enum pkg_kind kind, pkg_entry_fn fn, void *ctx, struct pkg_meta *meta, char *err,
	     size_t errlen);

/* Only the package's own metadata (no file is read): 0, or -1 with err set
 * when the package cannot be opened (meta->read false when it has none). */
int pkg_meta_read(const char *path, enum pkg_kind kind, struct pkg_meta *meta, char *err, size_t errlen);
/* "deb jq 1.6-2.1 amd64; libc: libc6 (>= 2.34)" (the summary's package[PATH]) */
void pkg_describe(const struct pkg_meta *m, enum pkg_kind kind, char *buf, size_t len);

/* The package's declaration against one binary's real needs (family
 * "glibc"/"musl"/NULL, glibc_floor "GLIBC_2.34" or NULL, machine as
 * elf_machine_name, interp or NULL): NULL when consistent, else a rule
 * ("package-libc", "package-arch", "package-libc-undeclared") and a
 * sentence in msg. */
const char *pkg_compare(const struct pkg_meta *m, const char *family, const char *glibc_floor, const char *machine,
			bool dynamic, char *msg, size_t msglen);
/* A rule of pkg_compare that says "cannot tell" (package-libc-undeclared:
 * a warning, the file unverified) rather than "wrong" (package-libc,
 * package-arch: an error). audit and image --add report them alike. */
bool pkg_rule_unverified(const char *rule);

/* Every entry of the package's files (.deb: data.tar.*, .rpm: the cpio
 * payload, .apk: the tar streams) as an opened libarchive stream, for a
 * reader that applies them all (image --add: src/read/image.c); NULL with
 * err set when the package cannot be opened. Free with pkg_data_close. */
struct pkg_data;
struct archive *pkg_data_open(const char *path, enum pkg_kind kind, struct pkg_data **d, char *err, size_t errlen);
void pkg_data_close(struct pkg_data *d);
/* an entry of that stream that is not one of the package's files (.apk's
 * control files at the top: .PKGINFO, .SIGN.*, install scripts) */
bool pkg_data_skip(enum pkg_kind kind, const char *name);

#endif
