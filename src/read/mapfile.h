/* File access for the layers above src/read (src/facts, src/check): a
 * whole file mapped copy-on-write, a file's first bytes, a small text file
 * read whole, a text file line by line, a directory listed, a path's type.
 * They call these instead of open/fopen/opendir/stat; tests/cli/t-layers.sh
 * keeps it so. */
#ifndef GOABI_MAPFILE_H
#define GOABI_MAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A file mapped with MAP_PRIVATE: pages may be written (libelf converts in
 * place), the file never changes. p is NULL when len is 0. */
struct rd_map {
	void *p;
	size_t len;
	bool scratch; /* p is the thread's scratch buffer (RD_MAP_SCRATCH), not a mapping */
	bool sparse;  /* p is the thread's sparse buffer (RD_MAP_GO_ARCHIVE) */
};

enum rd_map_status {
	RD_MAP_OK = 0,
	RD_MAP_EOPEN = -1,   /* cannot open or stat it (errno in the message) */
	RD_MAP_ENOTREG = -2, /* a directory, device, FIFO, socket */
	RD_MAP_EBIG = -3,    /* larger than can be mapped */
	RD_MAP_EMAP = -4,    /* mmap failed */
};

/* flags: RD_MAP_NOFOLLOW refuses a symlink as the last component;
 * RD_MAP_SCRATCH reads a small file (up to RD_SCRATCH_MAX bytes) into a
 * buffer of the calling thread, reused by its next RD_MAP_SCRATCH call, in
 * place of a mapping: a mapping's page faults and munmap (a TLB shootdown)
 * cost more than the copy. One such map per thread at a time. */
enum { RD_MAP_NOFOLLOW = 1, RD_MAP_SCRATCH = 2, RD_MAP_GO_ARCHIVE = 4, RD_MAP_SCRATCH_SMALL = 8,
       RD_MAP_ARCHIVE_WHOLE = 16 };
/* RD_MAP_ARCHIVE_WHOLE: with RD_MAP_SCRATCH, an ar archive (not read
 * sparsely as RD_MAP_GO_ARCHIVE) of up to RD_ARCHIVE_WHOLE_MAX bytes is read
 * whole into the scratch buffer (that much address space is reserved for
 * it once; its pages stay once filled): a reader that
 * visits every member's headers and symbols touches most of its pages, and
 * one read costs less than their page faults and the munmap (libc.a,
 * 5.3 MB: 0.95 ms read, 2.7 ms mapped and touched). */
#define RD_ARCHIVE_WHOLE_MAX ((size_t)16 << 20)
/* RD_MAP_SCRATCH_SMALL: with RD_MAP_SCRATCH, only files up to
 * RD_SCRATCH_SMALL_MAX bytes are read; larger ones are mapped. For a reader
 * that touches a few pages of a file (inspect --brief: the headers, the
 * dynamic and version tables, the build info), where copying a whole 2 MiB
 * program costs more than the page faults of those pages (measured in
 * src/facts/inspect.c map_flags). */
#define RD_SCRATCH_SMALL_MAX ((size_t)256 << 10)
/* RD_MAP_GO_ARCHIVE: an ar archive whose members are all in Go's own object
 * format ("go object ...": go build -buildmode=archive, the pkg/ of a Go
 * installation) is read sparsely into a buffer of the calling thread: the
 * member headers, the symbol and long-name tables, and the first 4 KiB of
 * each member at their own offsets, every other byte zero. For a reader
 * that reads no more of a Go object than its header line (inspect --brief:
 * facts_goobj). Any other archive or file is read as without the flag.
 * One such map per thread at a time. */
#define RD_SCRATCH_MAX ((size_t)2 << 20)

/* Map path (opened O_RDONLY|O_NOCTTY|O_NONBLOCK, so a FIFO or terminal
 * never blocks; non-regular files are refused). On failure err holds a
 * lowercase reason without the path ("cannot open: No such file or
 * directory", "is a directory", "not a regular file", "cannot map: ...")
 * and *m is zeroed. Release with rd_unmap. */
enum rd_map_status rd_map_file(const char *path, unsigned flags, struct rd_map *m, char *err, size_t errlen);
void rd_unmap(struct rd_map *m);
/* rd_map_file on a file the caller opened (O_RDONLY) and whose first nhead
 * bytes it has read into head, the file offset just past them (a walk that
 * reads every file's first bytes: no second open, no second read of them).
 * The caller closes fd (the mapping stays valid). */
enum rd_map_status rd_map_fd(int fd, const void *head, size_t nhead, unsigned flags, struct rd_map *m, char *err,
			     size_t errlen);

/* Up to n bytes from the start of a file into buf; the count read, or -1
 * when it cannot be opened or read. */
ssize_t rd_read_head(const char *path, void *buf, size_t n);

/* At most max bytes of path, NUL-terminated, in a malloc'd buffer the
 * caller frees; *len (may be NULL) gets the count. NULL when the file
 * cannot be opened or memory runs out. Reads pipes too (@<(...) response
 * files): opened blocking, like fopen. */
char *rd_read_text(const char *path, size_t max, size_t *len);

/* Calls line(buf, ctx) for each line of a text file, as fgets(buf, bufsz)
 * splits it (a line longer than bufsz - 1 comes in pieces); stops early when
 * line returns a positive value, which is then returned. 0 at the end of
 * the file; -1 with errno set when the file cannot be opened. */
int rd_for_each_line(const char *path, char *buf, size_t bufsz, int (*line)(char *buf, void *ctx), void *ctx);

/* Calls entry(name, ctx) for each entry of directory dir (".", ".."
 * included, readdir order); false when dir cannot be opened. */
bool rd_list_dir(const char *dir, void (*entry)(const char *name, void *ctx), void *ctx);

bool rd_is_regular(const char *path);   /* stat(2): follows symlinks */
bool rd_is_dir(const char *path);
bool rd_is_readable(const char *path);  /* access(R_OK) */

/* stat(2) of path: device and inode; false when it cannot be stat'ed. */
bool rd_file_id(const char *path, dev_t *dev, ino_t *ino);

#endif
