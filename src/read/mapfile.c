/* File access for everything below src/cli (see mapfile.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "read/mapfile.h"
#include "util/util.h"

/* read(2) until n bytes or end of file; -1 on an error before any byte */
static ssize_t read_full(int fd, char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t k = read(fd, buf + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return got ? (ssize_t)got : -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

/* RD_MAP_GO_ARCHIVE: an ar archive of Go objects read sparsely into a
 * buffer of the thread's that is all zero between uses: the bytes read are
 * at their own offsets, the rest reads as zero. The regions written are
 * listed so that rd_unmap (or a refusal) zeroes them again. */
static _Thread_local struct sparse {
	uint8_t *buf;
	size_t cap;
	size_t (*reg)[2]; /* offset, length */
	size_t nreg, regcap;
} sp;

#define RD_GO_AR_HEAD ((size_t)4096)  /* bytes of each member: the Go object header line */
#define RD_GO_AR_MAX ((size_t)256 << 20)

static void sparse_clear(void)
{
	for (size_t i = 0; i < sp.nreg; i++)
		memset(sp.buf + sp.reg[i][0], 0, sp.reg[i][1]);
	sp.nreg = 0;
}

/* [off, off + n) listed for sparse_clear; false when the list cannot grow */
static bool sparse_note(size_t off, size_t n)
{
	if (sp.nreg == sp.regcap) {
		size_t nc = sp.regcap ? sp.regcap * 2 : 64;
		void *nr = realloc(sp.reg, nc * sizeof(*sp.reg));
		if (!nr)
			return false;
		sp.reg = nr;
		sp.regcap = nc;
	}
	sp.reg[sp.nreg][0] = off;
	sp.reg[sp.nreg][1] = n;
	sp.nreg++;
	return true;
}

/* pread n bytes at off into the buffer at off; false on a short read */
static bool sparse_read(int fd, size_t off, size_t n)
{
	if (!sparse_note(off, n))
		return false;
	size_t got = 0;
	while (got < n) {
		ssize_t k = pread(fd, sp.buf + off + got, n - got, (off_t)(off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		got += (size_t)k;
	}
	return true;
}

/* whether the file starts "!<arch>\n": from head, the bytes already read,
 * or read now when head holds fewer */
static bool is_ar(int fd, const void *head, size_t nhead)
{
	uint8_t magic[8];
	if (nhead >= 8)
		memcpy(magic, head, 8);
	else if (pread(fd, magic, 8, 0) != 8)
		return false;
	return memcmp(magic, "!<arch>\n", 8) == 0;
}

/* The member headers, the symbol and long-name tables whole, and the first
 * RD_GO_AR_HEAD bytes of every other member, which must each begin "go
 * object " (Go's own object format); anything else (an ELF member, BSD
 * names, a malformed or truncated header) refuses, and the file is read as
 * usual. The caller has seen the ar magic (is_ar). */
static bool sparse_go_archive(int fd, size_t len, struct rd_map *m)
{
	if (len < 8 + 60 || len > RD_GO_AR_MAX)
		return false;
	if (sp.cap < len) {
		/* anonymous pages: zero, and never touched until read into
		 * (calloc would clear reused heap memory); doubling, so a walk
		 * over archives of growing size maps a few times only */
		size_t cap = sp.cap ? sp.cap : (size_t)2 << 20;
		while (cap < len)
			cap *= 2;
		if (sp.buf)
			munmap(sp.buf, sp.cap);
		void *p = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		sp.buf = p == MAP_FAILED ? NULL : p;
		sp.cap = sp.buf ? cap : 0;
		if (!sp.buf)
			return false;
	}
	sp.nreg = 0;
	size_t off = 8;
	if (!sparse_note(0, 8)) /* the magic, known: not read again */
		goto refuse;
	memcpy(sp.buf, "!<arch>\n", 8);
	while (off < len) {
		if (len - off < 60)
			goto refuse;
		size_t left = len - off - 60;
		if (!sparse_read(fd, off, 60 + (left < RD_GO_AR_HEAD ? left : RD_GO_AR_HEAD)))
			goto refuse;
		const uint8_t *h = sp.buf + off;
		if (h[58] != '`' || h[59] != '\n')
			goto refuse;
		size_t size = 0, i = 48;
		for (; i < 58 && h[i] >= '0' && h[i] <= '9'; i++)
			size = size * 10 + (size_t)(h[i] - '0');
		if (i == 48)
			goto refuse;
		for (; i < 58; i++)
			if (h[i] != ' ')
				goto refuse;
		if (size > left)
			goto refuse;
		size_t data = off + 60;
		bool table = h[0] == '/' && (h[1] == ' ' || h[1] == '/' || memcmp(h, "/SYM64/", 7) == 0);
		if (table) {
			if (size > RD_GO_AR_HEAD && !sparse_read(fd, data + RD_GO_AR_HEAD, size - RD_GO_AR_HEAD))
				goto refuse;
		} else if (size < 10 || memcmp(sp.buf + data, "go object ", 10) != 0 || memcmp(h, "#1/", 3) == 0 ||
			   memcmp(h, "__.SYMDEF", 9) == 0) {
			goto refuse;
		}
		off = data + size;
		if (size & 1) { /* the pad byte, when there is one */
			if (off < len && size > RD_GO_AR_HEAD && !sparse_read(fd, off, 1))
				goto refuse;
			off++;
		}
	}
	m->p = sp.buf;
	m->len = len;
	m->sparse = true;
	return true;
refuse:
	sparse_clear();
	return false;
}

/* the mapping of an open regular file; head: its first nhead bytes, already
 * read (the file offset is past them) */
static enum rd_map_status map_fd(int fd, const void *head, size_t nhead, unsigned flags, struct rd_map *m, char *err,
				 size_t errlen)
{
	struct stat st;
	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "cannot stat: %s", strerror(errno));
		return RD_MAP_EOPEN;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s", S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
		return RD_MAP_ENOTREG;
	}
	if (st.st_size < 0 || (uint64_t)st.st_size > SIZE_MAX / 2) {
		snprintf(err, errlen, "too large to map (%lld bytes)", (long long)st.st_size);
		return RD_MAP_EBIG;
	}
	size_t len = (size_t)st.st_size;
	if (len == 0)
		return RD_MAP_OK;
	/* the archive flags' one look at the magic */
	bool ar = (flags & (RD_MAP_GO_ARCHIVE | RD_MAP_ARCHIVE_WHOLE)) && is_ar(fd, head, nhead);
	if (ar && (flags & RD_MAP_GO_ARCHIVE) && sparse_go_archive(fd, len, m))
		return RD_MAP_OK;
	size_t smax = flags & RD_MAP_SCRATCH_SMALL ? RD_SCRATCH_SMALL_MAX : RD_SCRATCH_MAX;
	if (ar && (flags & RD_MAP_ARCHIVE_WHOLE) && len > smax && len <= RD_ARCHIVE_WHOLE_MAX && nhead <= len)
		smax = RD_ARCHIVE_WHOLE_MAX;
	if ((flags & RD_MAP_SCRATCH) && len <= smax && nhead <= len) {
		/* one buffer per thread, its address space reserved once for the
		 * largest file it may hold: its pages are faulted in when first
		 * used, once, not per file and not again when a larger file
		 * comes (a grown copy would fault them all anew) */
		static _Thread_local char *scratch;
		static _Thread_local size_t scap;
		if (!scratch) {
			size_t cap = RD_SCRATCH_MAX > RD_ARCHIVE_WHOLE_MAX ? RD_SCRATCH_MAX : RD_ARCHIVE_WHOLE_MAX;
			scratch = huge_pages(cap); /* one fault per 2 MiB filled the first time, not per 4 KiB */
			scap = scratch ? cap : 0;
		}
		/* a short read (the file shrank, an I/O error) or no buffer:
		 * map it instead */
		if (scratch && scap >= len) {
			if (nhead)
				memcpy(scratch, head, nhead);
			if (read_full(fd, scratch + nhead, len - nhead) == (ssize_t)(len - nhead)) {
				m->p = scratch;
				m->len = len;
				m->scratch = true;
				return RD_MAP_OK;
			}
		}
	}
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		snprintf(err, errlen, "cannot map: %s", strerror(errno));
		return RD_MAP_EMAP;
	}
	m->p = p;
	m->len = len;
	return RD_MAP_OK;
}

enum rd_map_status rd_map_file(const char *path, unsigned flags, struct rd_map *m, char *err, size_t errlen)
{
	m->p = NULL;
	m->len = 0;
	m->scratch = false;
	m->sparse = false;
	int oflags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	if (flags & RD_MAP_NOFOLLOW)
		oflags |= O_NOFOLLOW;
	int fd = open(path, oflags);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return RD_MAP_EOPEN;
	}
	enum rd_map_status rc = map_fd(fd, NULL, 0, flags, m, err, errlen);
	close(fd);
	return rc;
}

enum rd_map_status rd_map_fd(int fd, const void *head, size_t nhead, unsigned flags, struct rd_map *m, char *err,
			     size_t errlen)
{
	m->p = NULL;
	m->len = 0;
	m->scratch = false;
	m->sparse = false;
	return map_fd(fd, head, nhead, flags, m, err, errlen);
}

void rd_unmap(struct rd_map *m)
{
	if (m->sparse)
		sparse_clear();
	else if (m->p && !m->scratch)
		munmap(m->p, m->len);
	m->p = NULL;
	m->len = 0;
	m->scratch = false;
	m->sparse = false;
}

ssize_t rd_read_head(const char *path, void *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	ssize_t k = read_full(fd, buf, n);
	close(fd);
	return k;
}

char *rd_read_text(const char *path, size_t max, size_t *len)
{
	if (max == SIZE_MAX)
		return NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return NULL;
	char *buf = malloc(max + 1);
	if (!buf) {
		close(fd);
		return NULL;
	}
	ssize_t k = read_full(fd, buf, max);
	close(fd);
	size_t n = k > 0 ? (size_t)k : 0;
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

int rd_for_each_line(const char *path, char *buf, size_t bufsz, int (*line)(char *buf, void *ctx), void *ctx)
{
	if (bufsz > INT_MAX)
		bufsz = INT_MAX;
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	int rc = 0;
	while (rc == 0 && fgets(buf, (int)bufsz, f))
		rc = line(buf, ctx);
	fclose(f);
	return rc;
}

bool rd_list_dir(const char *dir, void (*entry)(const char *name, void *ctx), void *ctx)
{
	DIR *d = opendir(dir);
	if (!d)
		return false;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		entry(e->d_name, ctx);
	closedir(d);
	return true;
}

bool rd_is_regular(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool rd_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool rd_is_readable(const char *path)
{
	return access(path, R_OK) == 0;
}

bool rd_file_id(const char *path, dev_t *dev, ino_t *ino)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return false;
	*dev = st.st_dev;
	*ino = st.st_ino;
	return true;
}
