/* Release packages as inputs: .deb (an ar archive whose data.tar.{gz,xz,zst,bz2}
 * member holds the files), .rpm (a cpio payload under any compression
 * libarchive reads) and Alpine .apk (concatenated gzip'd tar streams), read
 * with libarchive (loaded on first use); every regular file that starts like
 * an ELF object or an ar archive is handed to a callback with its path in the
 * package and its bytes. Bounded: an entry larger than PKG_MAX_ENTRY or a
 * package past PKG_MAX_TOTAL bytes of such files is skipped with a note. */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "read/package.h"
#include "util/lazylib.h"

#define PKG_MAX_ENTRY ((int64_t)2 << 30) /* 2 GiB */
#define PKG_MAX_TOTAL ((int64_t)16 << 30)

enum pkg_kind pkg_detect(const uint8_t *p, size_t len, const char *name)
{
	if (len >= 8 + 60 + 13 && memcmp(p, "!<arch>\n", 8) == 0 && memcmp(p + 8, "debian-binary", 13) == 0)
		return PKG_DEB;
	if (len >= 4 && p[0] == 0xed && p[1] == 0xab && p[2] == 0xee && p[3] == 0xdb)
		return PKG_RPM;
	size_t n = name ? strlen(name) : 0;
	if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b && n > 4 && strcmp(name + n - 4, ".apk") == 0)
		return PKG_APK;
	return PKG_NONE;
}

enum pkg_kind pkg_sniff(const char *path)
{
	/* never block on a FIFO or a device: open without waiting and sniff
	 * regular files only (the caller reports what the path is) */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return PKG_NONE;
	struct stat st;
	uint8_t b[96];
	ssize_t n = -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		n = read(fd, b, sizeof(b));
	close(fd);
	return n > 0 ? pkg_detect(b, (size_t)n, path) : PKG_NONE;
}

const char *pkg_kind_name(enum pkg_kind k)
{
	static const char *const names[] = { "none", "deb", "rpm", "apk" };
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

/* a nested archive (the .deb's data.tar.*) read straight from the outer one */
struct nested {
	struct archive *outer;
};

static la_ssize_t nested_read(struct archive *a, void *ctx, const void **buf)
{
	(void)a;
	struct nested *n = ctx;
	const void *b;
	size_t sz;
	la_int64_t off;
	int r = archive_read_data_block(n->outer, &b, &sz, &off);
	if (r == ARCHIVE_EOF)
		return 0;
	if (r != ARCHIVE_OK)
		return -1;
	*buf = b;
	return (la_ssize_t)sz;
}

struct walk {
	pkg_entry_fn fn;
	void *ctx;
	int64_t total;
	size_t nfiles;
	char *err;
	size_t errlen;
};

/* every regular file of archive a: ELF and ar ones to the callback */
static int entries(struct archive *a, struct walk *w, const char *what)
{
	struct archive_entry *e;
	int r;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
		const char *name = archive_entry_pathname(e);
		if (!name)
			continue;
		if (size < 8)
			continue;
		uint8_t head[8];
		la_ssize_t got = archive_read_data(a, head, sizeof(head));
		if (got < 0)
			break;
		if (got < 8 || (memcmp(head, "\x7f" "ELF", 4) != 0 && memcmp(head, "!<arch>\n", 8) != 0 &&
				memcmp(head, "!<thin>\n", 8) != 0))
			continue;
		if (size > PKG_MAX_ENTRY || w->total + size > PKG_MAX_TOTAL) {
			w->fn(w->ctx, name, NULL, (size_t)size, "larger than goabi reads from a package");
			continue;
		}
		uint8_t *buf = malloc((size_t)size);
		if (!buf) {
			w->fn(w->ctx, name, NULL, (size_t)size, "out of memory");
			continue;
		}
		memcpy(buf, head, 8);
		size_t have = 8;
		while (have < (size_t)size) {
			got = archive_read_data(a, buf + have, (size_t)size - have);
			if (got <= 0)
				break;
			have += (size_t)got;
		}
		w->total += size;
		w->nfiles++;
		w->fn(w->ctx, name, buf, have, have < (size_t)size ? "the package ends inside this file" : NULL);
		free(buf);
	}
	if (r != ARCHIVE_EOF) {
		snprintf(w->err, w->errlen, "%s: %s", what, archive_error_string(a) ? archive_error_string(a) : "unreadable");
		return -1;
	}
	return 0;
}

int pkg_read(const char *path, enum pkg_kind kind, pkg_entry_fn fn, void *ctx, char *err, size_t errlen)
{
	const char *le = lazylib_error(LAZYLIB_ID_ARCHIVE);
	if (le) {
		snprintf(err, errlen, "%s", le);
		return -1;
	}
	struct walk w = { fn, ctx, 0, 0, err, errlen };
	struct archive *a = archive_read_new();
	if (!a) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	int rc = 0;
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
		snprintf(err, errlen, "%s", archive_error_string(a) ? archive_error_string(a) : "cannot open");
		archive_read_free(a);
		return -1;
	}
	if (kind != PKG_DEB) {
		rc = entries(a, &w, pkg_kind_name(kind));
	} else {
		/* the ar members: debian-binary, control.tar.*, data.tar.* */
		struct archive_entry *e;
		int r;
		bool data = false;
		while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
			const char *m = archive_entry_pathname(e);
			if (!m || strncmp(m, "data.tar", 8) != 0)
				continue;
			data = true;
			struct nested n = { a };
			struct archive *in = archive_read_new();
			if (!in) {
				rc = -1;
				snprintf(err, errlen, "out of memory");
				break;
			}
			archive_read_support_filter_all(in);
			archive_read_support_format_tar(in);
			archive_read_support_format_gnutar(in);
			if (archive_read_open(in, &n, NULL, nested_read, NULL) != ARCHIVE_OK) {
				snprintf(err, errlen, "%s: %s", m, archive_error_string(in) ? archive_error_string(in) : "unreadable");
				rc = -1;
			} else {
				rc = entries(in, &w, m);
			}
			archive_read_free(in);
			break;
		}
		if (rc == 0 && !data) {
			snprintf(err, errlen, "no data.tar member: not a Debian binary package");
			rc = -1;
		}
	}
	archive_read_free(a);
	return rc;
}
