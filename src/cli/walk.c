/* Directory walk for -r: sorted, no device crossing; symbolic links followed
 * only with -L (walk_opts.follow), with loop and repeat guards. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/cli.h"
#include "read/package.h"

/* the first bytes: an ELF, PE, Mach-O (or universal) file or an ar archive */
static bool magic_binary(int fd, const unsigned char *b, ssize_t n)
{
	/* PE: "MZ", then "PE\0\0" where e_lfanew (offset 0x3c) points */
	unsigned char pe[4] = { 0 };
	if (n >= 64 && b[0] == 'M' && b[1] == 'Z' &&
	    pread(fd, pe, 4, (off_t)((unsigned)b[60] | (unsigned)b[61] << 8 | (unsigned)b[62] << 16 |
				      (unsigned)b[63] << 24)) == 4 && memcmp(pe, "PE\0\0", 4) == 0)
		return true;
	if (n >= 4 && memcmp(b, "\x7f" "ELF", 4) == 0)
		return true;
	/* Mach-O (either byte order, 32/64-bit), universal (big-endian
	 * 0xcafebabe/0xcafebabf with fewer than 45 slices: not a Java class) */
	static const unsigned char mo[][4] = { { 0xfe, 0xed, 0xfa, 0xce }, { 0xfe, 0xed, 0xfa, 0xcf },
						{ 0xce, 0xfa, 0xed, 0xfe }, { 0xcf, 0xfa, 0xed, 0xfe } };
	for (size_t i = 0; n >= 4 && i < 4; i++)
		if (memcmp(b, mo[i], 4) == 0)
			return true;
	if (n >= 8 && b[0] == 0xca && b[1] == 0xfe && b[2] == 0xba && (b[3] == 0xbe || b[3] == 0xbf) && !b[4] && !b[5] &&
	    !b[6] && b[7] && b[7] < 45)
		return true;
	return n >= 8 && (memcmp(b, "!<arch>\n", 8) == 0 || memcmp(b, "!<thin>\n", 8) == 0);
}

bool looks_like_binary(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return true; /* let inspect report why it cannot be read */
	unsigned char b[64];
	ssize_t n = read(fd, b, sizeof(b));
	bool bin = magic_binary(fd, b, n);
	close(fd);
	return bin;
}

/* looks_like_binary and pkg_sniff with one open and one read (-r reads the
 * head of every file under the tree: on /usr most are neither) */
bool sniff_file(const char *path, enum pkg_kind *pk)
{
	*pk = PKG_NONE;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return true; /* let inspect report why it cannot be read */
	unsigned char b[96];
	ssize_t n = read(fd, b, sizeof(b));
	bool bin = magic_binary(fd, b, n);
	if (n > 0) { /* pkg_sniff: packages are regular files only */
		struct stat st;
		enum pkg_kind k = pkg_detect(b, (size_t)n, path);
		if (k != PKG_NONE && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
			*pk = k;
	}
	close(fd);
	return bin;
}

/* path, opened for reading: in the walk's directory when o names the file */
static int open_file(const struct walk_opts *o, const char *path)
{
	int fl = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	return o && o->name ? openat(o->dirfd, o->name, fl) : open(path, fl);
}

int sniff_open(const struct walk_opts *o, const char *path, unsigned char *b, size_t cap, size_t *n, bool *bin,
	       enum pkg_kind *pk)
{
	*pk = PKG_NONE;
	*bin = true;
	*n = 0;
	int fd = open_file(o, path);
	if (fd < 0 && errno == EMFILE && o && o->nclose) {
		/* the descriptors walk_close holds back count against the limit */
		walk_close_all((struct walk_opts *)o);
		fd = open_file(o, path);
	}
	if (fd < 0)
		return -1;
	ssize_t k = read(fd, b, cap);
	*bin = magic_binary(fd, b, k);
	if (k > 0) { /* pkg_sniff: packages are regular files only */
		struct stat st;
		enum pkg_kind pkk = pkg_detect(b, (size_t)k, path);
		if (pkk != PKG_NONE && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
			*pk = pkk;
		*n = (size_t)k;
	}
	return fd;
}

/* A walk opens and closes a file a time, so each file's descriptor is the
 * one after the last (the lowest free), and a run of them can go in one
 * close_range call instead of a close each: on /usr that is 150 000 system
 * calls fewer. Only a run of numbers this process got from sniff_open one
 * after another, all still open, is closed so: any other descriptor opened
 * in between and kept would break the run and flush it first. */
#define WALK_CLOSE_RUN 32

void walk_close_all(struct walk_opts *o)
{
	if (!o || !o->nclose)
		return;
	unsigned lo = (unsigned)o->close_lo, hi = lo + o->nclose - 1;
	if (close_range(lo, hi, 0) != 0) /* an older kernel: one by one */
		for (unsigned f = lo; f <= hi; f++)
			close((int)f);
	o->nclose = 0;
}

void walk_close(struct walk_opts *o, int fd)
{
	if (!o || fd < 0) {
		if (fd >= 0)
			close(fd);
		return;
	}
	if (o->nclose && o->nclose < WALK_CLOSE_RUN && fd == o->close_lo + (int)o->nclose) {
		o->nclose++;
		return;
	}
	walk_close_all(o);
	o->close_lo = fd;
	o->nclose = 1;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the (dev, inode) set of files and directories reached while following
 * links: open addressing, two words a slot, zero-free keys (inode+1) */
static bool seen_add(struct walk_opts *o, dev_t dev, ino_t ino)
{
	unsigned long long k0 = (unsigned long long)dev + 1, k1 = (unsigned long long)ino + 1;
	if ((o->nseen + 1) * 2 > o->seencap) {
		size_t ncap = o->seencap ? o->seencap * 2 : 1024;
		unsigned long long *nt = calloc(ncap, 2 * sizeof(*nt));
		if (!nt)
			return true; /* no memory: treat as new (worst case a repeat) */
		for (size_t i = 0; i < o->seencap; i++) {
			if (!o->seen[2 * i])
				continue;
			size_t h = (size_t)((o->seen[2 * i] * 0x9e3779b97f4a7c15ULL) ^ o->seen[2 * i + 1]) & (ncap - 1);
			while (nt[2 * h])
				h = (h + 1) & (ncap - 1);
			nt[2 * h] = o->seen[2 * i];
			nt[2 * h + 1] = o->seen[2 * i + 1];
		}
		free(o->seen);
		o->seen = nt;
		o->seencap = ncap;
	}
	size_t h = (size_t)((k0 * 0x9e3779b97f4a7c15ULL) ^ k1) & (o->seencap - 1);
	while (o->seen[2 * h]) {
		if (o->seen[2 * h] == k0 && o->seen[2 * h + 1] == k1)
			return false;
		h = (h + 1) & (o->seencap - 1);
	}
	o->seen[2 * h] = k0;
	o->seen[2 * h + 1] = k1;
	o->nseen++;
	return true;
}

void walk_opts_free(struct walk_opts *o)
{
	walk_close_all(o);
	free(o->seen);
	o->seen = NULL;
	o->nseen = o->seencap = 0;
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_erase(struct walk_opts *o)
{
	if (o && o->shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		o->shown = false;
	}
}

/* "goabi inspect: 1234 files, 5.6 s: /usr/lib/..." at most ten times a
 * second, cut to the terminal's width; erased before a file's output when
 * stdout is the same terminal */
static void progress_tick(const char *cmd, struct walk_opts *o, const char *path)
{
	if (!o || !o->progress)
		return;
	double t = mono();
	if (!o->start)
		o->start = t;
	o->nfiles++;
	if (o->shown && isatty(STDOUT_FILENO))
		progress_erase(o);
	if (o->nfiles > 1 && t - o->last < 0.1)
		return;
	o->last = t;
	struct winsize ws;
	int cols = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20 ? ws.ws_col : 80;
	char line[1024];
	int n = snprintf(line, sizeof(line), "goabi %s: %zu file%s, %.1f s: ", cmd, o->nfiles, o->nfiles == 1 ? "" : "s", t - o->start);
	if (n < 0 || n >= cols - 1)
		n = 0;
	int room = cols - 1 - n;
	size_t pl = strlen(path);
	const char *tail = pl > (size_t)room ? path + pl - (size_t)room : path;
	if (room > 0) { /* control bytes in a file name are not sent to the terminal */
		int k = n;
		for (const char *c = tail; *c && k < (int)sizeof(line) - 1 && k < cols - 1; c++)
			line[k++] = (unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c;
		line[k] = 0;
	}
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
	o->shown = true;
}

/* ancestors: the directories being walked (a link to one of them is a loop) */
struct anc {
	const struct anc *up;
	dev_t dev;
	ino_t ino;
};

/* dir is opened by its path, or (pfd >= 0) as name under the directory pfd:
 * no lookup of the whole path, and readdir's DT_DIR needs no stat first
 * (the opened directory's own fstat gives the device and inode the
 * device and loop guards compare; O_NOFOLLOW: a name replaced by a link
 * since readdir is not followed) */
static int walk(const char *cmd, const char *dir, int pfd, const char *name, dev_t dev, unsigned depth,
		void (*fn)(void *, const char *), void *ctx, struct walk_opts *o, const struct anc *up)
{
	if (depth > 64) {
		fprintf(stderr, "goabi %s: '%s': directory nesting deeper than 64, not descending\n", cmd, dir);
		return 1;
	}
	/* the directory is read with getdents64 on the descriptor opened here:
	 * opendir/fdopendir would stat and fcntl it again (4 system calls more
	 * per directory; this machine's /usr has 19 000) */
	int dfd = pfd >= 0 ? openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
			   : open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK);
	if (dfd < 0 && pfd >= 0 && (errno == ELOOP || errno == ENOTDIR))
		return 0; /* replaced by a link or a file since readdir */
	struct stat self;
	if (dfd < 0 || fstat(dfd, &self) != 0) {
		fprintf(stderr, "goabi %s: '%s': cannot open directory: %s\n", cmd, dir, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return 1;
	}
	if (pfd >= 0 && self.st_dev != dev) {
		close(dfd); /* another file system: not crossed */
		return 0;
	}
	bool again = false;
	for (const struct anc *a = up; pfd >= 0 && a; a = a->up)
		again |= a->dev == self.st_dev && a->ino == self.st_ino;
	if (again) {
		fprintf(stderr, "goabi %s: '%s': directory loop, not followed\n", cmd, dir);
		close(dfd);
		return 0;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	static _Thread_local char dbuf[32768];
	ssize_t got;
	bool oom = false;
	while (!oom && (got = getdents64(dfd, dbuf, sizeof(dbuf))) > 0) {
		for (ssize_t at = 0; at < got;) {
			struct dirent64 *e = (struct dirent64 *)(void *)(dbuf + at);
			at += e->d_reclen;
			if (e->d_reclen == 0)
				break;
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				char **nn = realloc(names, cap * sizeof(*names));
				if (!nn) {
					oom = true;
					break;
				}
				names = nn;
			}
			/* the type the directory gives rides behind the name's
			 * NUL: a regular file needs no stat unless -L (the
			 * repeat guard wants its inode) */
			size_t l = strlen(e->d_name);
			char *nm = malloc(l + 2);
			if (nm) {
				memcpy(nm, e->d_name, l + 1);
				nm[l + 1] = (char)e->d_type;
			}
			names[n++] = nm;
		}
	}
	if (got < 0)
		fprintf(stderr, "goabi %s: '%s': cannot read directory: %s\n", cmd, dir, strerror(errno));
	int errs = got < 0 ? 1 : 0;
	if (n) /* an empty directory: names is NULL, which qsort must not get */
		qsort(names, n, sizeof(*names), cmp);
	struct anc me = { up, self.st_dev, self.st_ino };
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		char *path = NULL;
		char dt = names[i] ? names[i][strlen(names[i]) + 1] : 0;
		if (dt == (char)DT_DIR && !(o && o->follow)) {
			if (asprintf(&path, "%s/%s", dir, names[i]) > 0)
				errs += walk(cmd, path, dfd, names[i], dev, depth + 1, fn, ctx, o, &me);
			else
				path = NULL;
		} else if (dt == (char)DT_REG && !(o && o->follow)) {
			if (asprintf(&path, "%s/%s", dir, names[i]) > 0) {
				progress_tick(cmd, o, path);
				if (o) {
					o->dirfd = dfd;
					o->name = names[i];
				}
				fn(ctx, path);
				if (o)
					o->name = NULL;
			} else {
				path = NULL;
			}
		} else if (names[i] && fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    asprintf(&path, "%s/%s", dir, names[i]) > 0) {
			bool link = S_ISLNK(st.st_mode);
			if (link && o && o->follow && fstatat(dfd, names[i], &st, 0) != 0)
				link = false, st.st_mode = 0; /* a dangling link: nothing to read */
			else if (link && !(o && o->follow)) {
				if (o && fstatat(dfd, names[i], &st, 0) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
					o->skipped_links++;
				st.st_mode = 0;
			}
			if (S_ISDIR(st.st_mode) && st.st_dev == dev) {
				bool loop = false;
				for (const struct anc *a = &me; a; a = a->up)
					loop |= a->dev == st.st_dev && a->ino == st.st_ino;
				if (loop) {
					fprintf(stderr, "goabi %s: '%s': symbolic link loop, not followed\n", cmd, path);
				} else if (!(o && o->follow) || seen_add(o, st.st_dev, st.st_ino)) {
					errs += walk(cmd, path, -1, NULL, dev, depth + 1, fn, ctx, o, &me);
				}
			} else if (S_ISREG(st.st_mode)) {
				if (!(o && o->follow) || seen_add(o, st.st_dev, st.st_ino)) {
					progress_tick(cmd, o, path);
					if (o) {
						o->dirfd = dfd;
						o->name = names[i];
					}
					fn(ctx, path);
					if (o)
						o->name = NULL;
				}
			}
		}
		free(path);
		free(names[i]);
	}
	free(names);
	close(dfd);
	return errs;
}

int walk_tree(const char *cmd, const char *dir, void (*fn)(void *ctx, const char *path), void *ctx)
{
	struct stat st;
	if (lstat(dir, &st) != 0) {
		fprintf(stderr, "goabi %s: '%s': %s\n", cmd, dir, strerror(errno));
		return 1;
	}
	return walk(cmd, dir, -1, NULL, st.st_dev, 0, fn, ctx, NULL, NULL);
}

int walk_tree_opts(const char *cmd, const char *dir, void (*fn)(void *ctx, const char *path), void *ctx,
		   struct walk_opts *o)
{
	struct stat st;
	if ((o->follow ? stat(dir, &st) : lstat(dir, &st)) != 0) {
		fprintf(stderr, "goabi %s: '%s': %s\n", cmd, dir, strerror(errno));
		return 1;
	}
	if (o->follow)
		seen_add(o, st.st_dev, st.st_ino);
	int errs = walk(cmd, dir, -1, NULL, st.st_dev, 0, fn, ctx, o, NULL);
	walk_close_all(o);
	progress_erase(o);
	return errs;
}
