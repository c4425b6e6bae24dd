/* libarchive and capstone, loaded on first use (libcurl and libcrypto the
 * same way, in lazynet.c).
 *
 * Linked normally, the two libraries cost most of goabi's process start-up:
 * libarchive pulls in libxml2, libicu (with libstdc++), nettle, acl and five
 * compressors, and capstone's 6.6 MB of tables carry ~77 000 relative
 * relocations. Together ~5 ms of CPU on every run, against ~1.3 ms for a
 * program linked only with libelf, jansson, libmd and zlib -- and most runs
 * read neither an image/tarball (libarchive) nor disassemble (capstone,
 * `inspect --isa`). So the binary is not linked with them: the functions
 * goabi calls are defined here, with the libraries' own prototypes, and
 * forward through a table filled by dlopen/dlsym the first time any of them
 * is called (pthread_once: image and ISA workers call them from threads).
 *
 * When a library cannot be loaded, the calls fail the way the library's own
 * would on a resource error (NULL handle, ARCHIVE_FATAL, CS_ERR_MEM) and
 * archive_error_string() / lazylib_error() say which library is missing. */
#include <archive.h>
#include <archive_entry.h>
#include <capstone/capstone.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "util/lazylib.h"
#include "util/lazylib_int.h"

/* sonames of the Debian bookworm runtime packages (libarchive13, libcapstone4);
 * the unversioned names (from the -dev packages) as a fallback */
#ifndef LAZYLIB_ARCHIVE
#define LAZYLIB_ARCHIVE "libarchive.so.13"
#endif
#ifndef LAZYLIB_CAPSTONE
#define LAZYLIB_CAPSTONE "libcapstone.so." CS_STRINGIFY(CS_API_MAJOR)
#endif
#define CS_STRINGIFY(x) CS_STRINGIFY2(x)
#define CS_STRINGIFY2(x) #x

void lazylib_load(struct lazylib *l)
{
	void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h && l->fallback)
		h = dlopen(l->fallback, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(l->err, sizeof(l->err), "unable to load %s: %s", l->soname, e ? e : "not found");
		return;
	}
	/* a symbol this library version lacks stays NULL: only its callers fail */
	for (size_t i = 0; l->names[i]; i++)
		l->fn[i] = dlsym(h, l->names[i]);
	l->ok = 1;
}

/* ---- libarchive */
#define ARCHIVE_FNS(X)                                                                       \
	X(archive_read_new) X(archive_read_free) X(archive_read_close)                      \
	X(archive_read_support_format_tar) X(archive_read_support_format_gnutar)            \
	X(archive_read_support_format_all) X(archive_read_support_filter_all)               \
	X(archive_read_support_filter_gzip) X(archive_read_open) X(archive_read_open_memory) \
	X(archive_read_open_filename) X(archive_read_open_fd) X(archive_read_next_header)  \
	X(archive_read_data_block) X(archive_read_data) X(archive_read_data_skip)           \
	X(archive_read_header_position) X(archive_filter_bytes) X(archive_error_string)    \
	X(archive_errno) X(archive_set_error) X(archive_entry_pathname)                     \
	X(archive_entry_pathname_utf8) X(archive_entry_symlink_utf8) X(archive_entry_hardlink_utf8) \
	X(archive_entry_size) X(archive_entry_size_is_set) X(archive_entry_perm)            \
	X(archive_entry_mode) X(archive_entry_filetype) X(archive_entry_symlink)            \
	X(archive_entry_hardlink) X(archive_entry_new) X(archive_entry_free)                 \
	X(archive_entry_set_pathname) X(archive_entry_set_perm) X(archive_entry_set_mtime)   \
	X(archive_entry_set_filetype) X(archive_entry_set_hardlink) X(archive_entry_set_symlink) \
	X(archive_entry_set_size) X(archive_write_new) X(archive_write_free)                 \
	X(archive_write_close) X(archive_write_header) X(archive_write_data)                 \
	X(archive_write_open_fd) X(archive_write_set_bytes_in_last_block)                    \
	X(archive_write_set_format_pax_restricted)

#define X_ENUM(n) AR_##n,
#define X_NAME(n) #n,
enum { ARCHIVE_FNS(X_ENUM) AR_COUNT };
static const char *const archive_names[] = {ARCHIVE_FNS(X_NAME) NULL};
LAZYLIB_DEFINE(archive, LAZYLIB_ARCHIVE, "libarchive.so", archive_names, AR_COUNT)

/* FN(ret, name, (params), (args), value when unavailable) */
#define AR_FWD(ret, name, params, args, fail) LAZYLIB_FWD(, archive_get, AR_##name, ret, name, params, args, fail)
#define AR_INT(name) AR_FWD(int, name, (struct archive * a), (a), ARCHIVE_FATAL)

AR_FWD(struct archive *, archive_read_new, (void), (), NULL)
AR_INT(archive_read_free)
AR_INT(archive_read_close)
AR_INT(archive_read_support_format_tar)
AR_INT(archive_read_support_format_gnutar)
AR_INT(archive_read_support_format_all)
AR_INT(archive_read_support_filter_all)
AR_INT(archive_read_support_filter_gzip)
AR_INT(archive_read_data_skip)
AR_FWD(int, archive_read_open,
       (struct archive * a, void *data, archive_open_callback *o, archive_read_callback *r,
	archive_close_callback *c),
       (a, data, o, r, c), ARCHIVE_FATAL)
AR_FWD(int, archive_read_open_memory, (struct archive * a, const void *buf, size_t n), (a, buf, n),
       ARCHIVE_FATAL)
AR_FWD(int, archive_read_open_filename, (struct archive * a, const char *path, size_t block),
       (a, path, block), ARCHIVE_FATAL)
AR_FWD(int, archive_read_open_fd, (struct archive * a, int fd, size_t block), (a, fd, block),
       ARCHIVE_FATAL)
AR_FWD(int, archive_read_next_header, (struct archive * a, struct archive_entry **e), (a, e),
       ARCHIVE_FATAL)
AR_FWD(int, archive_read_data_block,
       (struct archive * a, const void **buf, size_t *n, la_int64_t *off), (a, buf, n, off),
       ARCHIVE_FATAL)
AR_FWD(la_ssize_t, archive_read_data, (struct archive * a, void *buf, size_t n), (a, buf, n),
       ARCHIVE_FATAL)
AR_FWD(la_int64_t, archive_read_header_position, (struct archive * a), (a), ARCHIVE_FATAL)
AR_FWD(la_int64_t, archive_filter_bytes, (struct archive * a, int n), (a, n), -1)
AR_FWD(int, archive_errno, (struct archive * a), (a), 0)
AR_FWD(const char *, archive_entry_pathname, (struct archive_entry * e), (e), NULL)
AR_FWD(la_int64_t, archive_entry_size, (struct archive_entry * e), (e), 0)
AR_FWD(int, archive_entry_size_is_set, (struct archive_entry * e), (e), 0)
AR_FWD(__LA_MODE_T, archive_entry_perm, (struct archive_entry * e), (e), 0)
AR_FWD(__LA_MODE_T, archive_entry_mode, (struct archive_entry * e), (e), 0)
AR_FWD(__LA_MODE_T, archive_entry_filetype, (struct archive_entry * e), (e), 0)
AR_FWD(const char *, archive_entry_pathname_utf8, (struct archive_entry * e), (e), NULL)
AR_FWD(const char *, archive_entry_symlink, (struct archive_entry * e), (e), NULL)
AR_FWD(const char *, archive_entry_symlink_utf8, (struct archive_entry * e), (e), NULL)
AR_FWD(const char *, archive_entry_hardlink_utf8, (struct archive_entry * e), (e), NULL)
AR_FWD(const char *, archive_entry_hardlink, (struct archive_entry * e), (e), NULL)
/* writing (the layer cache, src/read/layercache.c) */
AR_FWD(struct archive_entry *, archive_entry_new, (void), (), NULL)
AR_FWD(struct archive *, archive_write_new, (void), (), NULL)
AR_INT(archive_write_free)
AR_INT(archive_write_close)
AR_INT(archive_write_set_format_pax_restricted)
AR_FWD(int, archive_write_set_bytes_in_last_block, (struct archive * a, int n), (a, n), ARCHIVE_FATAL)
AR_FWD(int, archive_write_open_fd, (struct archive * a, int fd), (a, fd), ARCHIVE_FATAL)
AR_FWD(int, archive_write_header, (struct archive * a, struct archive_entry * e), (a, e), ARCHIVE_FATAL)
AR_FWD(la_ssize_t, archive_write_data, (struct archive * a, const void *buf, size_t n), (a, buf, n), ARCHIVE_FATAL)

LAZYLIB_VOID(, archive_get, AR_archive_entry_free, archive_entry_free, (struct archive_entry * e), (e))

#define AR_SETV(name, type)                                                                  \
	void name(struct archive_entry *e, type v)                                            \
	{                                                                                     \
		void (*f)(struct archive_entry *, type) = (void (*)(struct archive_entry *, type))archive_get(AR_##name); \
		if (f)                                                                        \
			f(e, v);                                                              \
	}
AR_SETV(archive_entry_set_pathname, const char *)
AR_SETV(archive_entry_set_hardlink, const char *)
AR_SETV(archive_entry_set_symlink, const char *)
AR_SETV(archive_entry_set_perm, __LA_MODE_T)
AR_SETV(archive_entry_set_filetype, unsigned int)
AR_SETV(archive_entry_set_size, la_int64_t)

LAZYLIB_VOID(, archive_get, AR_archive_entry_set_mtime, archive_entry_set_mtime,
	     (struct archive_entry * e, time_t t, long ns), (e, t, ns))

const char *archive_error_string(struct archive *a)
{
	const char *(*f)(struct archive *) = (const char *(*)(struct archive *))archive_get(AR_archive_error_string);
	if (!archive_lib.ok)
		return archive_lib.err;
	return f && a ? f(a) : NULL;
}

/* variadic: formatted here, passed on as one string */
void archive_set_error(struct archive *a, int err, const char *fmt, ...)
{
	void (*f)(struct archive *, int, const char *, ...) =
		(void (*)(struct archive *, int, const char *, ...))archive_get(AR_archive_set_error);
	if (!f)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f(a, err, "%s", msg);
}

/* ---- capstone */
#define CS_FNS(X) X(cs_open) X(cs_close) X(cs_option) X(cs_malloc) X(cs_free) X(cs_disasm_iter)
#define X_CSENUM(n) CSF_##n,
enum { CS_FNS(X_CSENUM) CSF_COUNT };
static const char *const cs_names[] = {CS_FNS(X_NAME) NULL};
LAZYLIB_DEFINE(cs, LAZYLIB_CAPSTONE, "libcapstone.so", cs_names, CSF_COUNT)

#define CS_FWD(ret, name, params, args, fail) LAZYLIB_FWD(CAPSTONE_API, cs_get, CSF_##name, ret, name, params, args, fail)

CS_FWD(cs_err, cs_open, (cs_arch arch, cs_mode mode, csh *h), (arch, mode, h), CS_ERR_MEM)
CS_FWD(cs_err, cs_close, (csh * h), (h), CS_ERR_CSH)
CS_FWD(cs_err, cs_option, (csh h, cs_opt_type type, size_t value), (h, type, value), CS_ERR_CSH)
CS_FWD(cs_insn *, cs_malloc, (csh h), (h), NULL)
CS_FWD(bool, cs_disasm_iter, (csh h, const uint8_t **code, size_t *size, uint64_t *addr, cs_insn *in),
       (h, code, size, addr, in), false)

LAZYLIB_VOID(CAPSTONE_API, cs_get, CSF_cs_free, cs_free, (cs_insn * insn, size_t count), (insn, count))

const char *lazylib_error(enum lazylib_id id)
{
	if (id == LAZYLIB_ID_CURL || id == LAZYLIB_ID_CRYPTO)
		return lazynet_error(id);
	return id == LAZYLIB_ID_ARCHIVE ? lazylib_status(&archive_lib, archive_load) : lazylib_status(&cs_lib, cs_load);
}
