/* The layer cache (--cache DIR): what applying one layer produced, keyed by
 * the layer's (compressed) digest, so that images sharing base layers fetch
 * and read each shared layer once.
 *
 * What a layer contributes to the image check is its entries applied to the
 * file table (names, types, modes, symlink targets, hard links, whiteouts)
 * and the bytes of the files kept (ELF objects and the loader configuration);
 * everything else (the verdicts) depends on all layers together and is
 * computed on the merged table each run. So an entry is a plain tar of
 * exactly that: every entry as applied (the cleaned name), kept files with
 * their bytes, other regular files empty. Replaying it through
 * img_apply_layer gives the same table; being uncompressed, its kept files
 * are mapped in place.
 *
 * File: DIR/goabi-layers-v1/sha256/<hex>: a 512-byte text header
 * ("goabi-layer-cache 1", the layer digest, the sha256 of the tar that
 * follows) and the tar. Written only after the layer's bytes matched its
 * digest and the layer was read without a diagnostic, as an unnamed file
 * (O_TMPFILE) linked into place at the end: readers never see a partial
 * entry, and a run that dies leaves nothing behind. Where O_TMPFILE is not
 * supported (some network filesystems; or GOABI_CACHE_NO_TMPFILE=1, for the
 * tests) the entry is written as DIR/.../.tmp-<hex>-XXXXXX and renamed into
 * place: still atomic, and a temp file a killed writer leaves is never read
 * (the next eviction removes it after an hour). Entries are never modified,
 * so several runs may share one directory (a volume). A header or content
 * that does not verify is a miss (with a warning).
 *
 * --cache-max BYTES (docs/fleet.md): a hit sets the entry's mtime to now;
 * after publishing an entry, a writer that finds the entries over BYTES
 * removes the least recently used (oldest mtime) until they fit. Removing
 * an entry another process is reading is harmless (its descriptor stays
 * valid).
 *
 * Verification on read: the content's sha256 is checked the first time a
 * process reads an entry; later reads of the same file (same device, inode
 * and size: entries are never rewritten in place) in that process trust it. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "read/image_int.h"
#include "read/registry.h"

/* Mark an entry used now, for the LRU of --cache-max: an explicit time from
 * CLOCK_REALTIME, strictly increasing within the process. futimens(NULL)
 * and a write take the kernel's coarse clock (a tick of 4 ms): entries made
 * within one tick tied and were evicted in the order of their names, so the
 * last image's layers could go before an older image's (t-fleet failed so
 * in CI). A read-only cache keeps its times (futimens fails). */
static void lru_touch(int fd)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static struct timespec last;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	pthread_mutex_lock(&mu);
	if (ts.tv_sec < last.tv_sec || (ts.tv_sec == last.tv_sec && ts.tv_nsec <= last.tv_nsec)) {
		ts = last;
		if (++ts.tv_nsec >= 1000000000L) {
			ts.tv_nsec = 0;
			ts.tv_sec++;
		}
	}
	last = ts;
	pthread_mutex_unlock(&mu);
	struct timespec t[2] = { ts, ts };
	(void)futimens(fd, t);
}

#define HDR 512
#define MAGIC "goabi-layer-cache 1\n"
#define FACTS_DIR "goabi-facts-v1"
#define FACTS_MAGIC "goabi-fact-cache 1\n"

struct img_layer_rec {
	int fd;
	char *dir, *final, *tmpname, digest[200]; /* tmpname: the O_TMPFILE fallback */
	struct archive *w;
	bool failed;
	void (*prev_rec)(void *, struct img_fs *, const struct img_rec *);
	void *prev_ctx;
};

static bool hex_name(const char *digest, char *out, size_t n)
{
	if (!img_digest_valid(digest))
		return false;
	const char *c = strchr(digest, ':');
	snprintf(out, n, "%.*s/%s", (int)(c - digest), digest, c + 1);
	return true;
}

static bool hash_range(int fd, uint64_t off, uint64_t len, char *hex, size_t hexlen)
{
	struct img_digest d;
	img_digest_init(&d, "sha256:0000000000000000000000000000000000000000000000000000000000000000");
	enum { BUFSZ = 1 << 20 };
	uint8_t *buf = malloc(BUFSZ);
	if (!buf) {
		img_digest_free(&d);
		return false;
	}
	while (len) {
		size_t want = len > BUFSZ ? BUFSZ : (size_t)len;
		ssize_t r = pread(fd, buf, want, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(buf);
			img_digest_free(&d);
			return false;
		}
		img_digest_update(&d, buf, (size_t)r);
		off += (uint64_t)r;
		len -= (uint64_t)r;
	}
	free(buf);
	img_digest_final(&d, hex, hexlen);
	return true;
}

/* Entries this process has verified, by (device, inode, size): entries are
 * never modified in place (a new entry is a new inode), so one image of a
 * fleet run hashes a shared base layer's entry and the others reuse that. */
#define VERIFIED_MAX 4096
static struct {
	dev_t dev;
	ino_t ino;
	off_t size;
} verified[VERIFIED_MAX];
static size_t nverified;
static pthread_mutex_t verified_lock = PTHREAD_MUTEX_INITIALIZER; /* library callers may run checks in threads */

static bool seen_verified(const struct stat *st)
{
	bool seen = false;
	pthread_mutex_lock(&verified_lock);
	for (size_t i = 0; i < nverified && !seen; i++)
		seen = verified[i].ino == st->st_ino && verified[i].dev == st->st_dev && verified[i].size == st->st_size;
	pthread_mutex_unlock(&verified_lock);
	return seen;
}

static void remember_verified(const struct stat *st)
{
	pthread_mutex_lock(&verified_lock);
	size_t i = nverified < VERIFIED_MAX ? nverified++ : (size_t)st->st_ino % VERIFIED_MAX;
	verified[i].dev = st->st_dev;
	verified[i].ino = st->st_ino;
	verified[i].size = st->st_size;
	pthread_mutex_unlock(&verified_lock);
}

int img_cache_apply(struct img_fs *fs, const char *dir, const char *digest, unsigned layer, const char *where)
{
	char rel[300], path[4400];
	if (!hex_name(digest, rel, sizeof(rel)))
		return 0;
	snprintf(path, sizeof(path), "%s/goabi-layers-v1/%s", dir, rel);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return 0;
	struct stat st;
	char hdr[HDR + 1], want[300], got[200];
	bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > HDR &&
		  pread(fd, hdr, HDR, 0) == HDR;
	if (ok) {
		hdr[HDR] = 0;
		snprintf(want, sizeof(want), MAGIC "layer %s\ncontent ", digest);
		ok = strncmp(hdr, want, strlen(want)) == 0;
	}
	if (ok && !seen_verified(&st)) {
		const char *c = hdr + strlen(want);
		size_t cl = strcspn(c, "\n");
		ok = hash_range(fd, HDR, (uint64_t)st.st_size - HDR, got, sizeof(got)) && strlen(got) == cl &&
		     strncmp(c, got, cl) == 0;
		if (ok)
			remember_verified(&st);
	}
	if (!ok) {
		img_diag(fs, false, "%s: cache entry '%s' does not verify: fetching the layer", where, path);
		close(fd);
		return 0;
	}
	lru_touch(fd); /* recently used (LRU) */
	if (!img_keep_fd(fs, fd))
		return GOABI_ENOMEM;
	fs->nlayers = layer;
	int rc = img_apply_layer(fs, fd, HDR, (uint64_t)st.st_size - HDR, layer, where);
	if (rc)
		return rc;
	fs->cached_layers++;
	return 1;
}

static void rec_entry(void *ctx, struct img_fs *fs, const struct img_rec *e)
{
	struct img_layer_rec *r = ctx;
	if (r->prev_rec)
		r->prev_rec(r->prev_ctx, fs, e);
	if (r->failed)
		return;
	struct archive_entry *ae = archive_entry_new();
	if (!ae) {
		r->failed = true;
		return;
	}
	archive_entry_set_pathname(ae, e->path);
	archive_entry_set_perm(ae, (mode_t)(e->perm & 07777));
	archive_entry_set_mtime(ae, 0, 0);
	uint64_t size = e->node && !e->hardlink ? e->node->size : 0;
	if (e->hardlink) {
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_hardlink(ae, e->hardlink);
	} else {
		archive_entry_set_filetype(ae, e->type);
		if (e->type == AE_IFLNK)
			archive_entry_set_symlink(ae, e->symlink ? e->symlink : "");
	}
	archive_entry_set_size(ae, (la_int64_t)size);
	if (archive_write_header(r->w, ae) != ARCHIVE_OK) {
		r->failed = true;
		archive_entry_free(ae);
		return;
	}
	archive_entry_free(ae);
	uint64_t off = e->node && size ? e->node->off : 0;
	enum { BUFSZ = 1 << 18 };
	uint8_t *buf = size ? malloc(BUFSZ) : NULL;
	if (size && !buf) {
		r->failed = true;
		return;
	}
	while (size) {
		size_t want = size > BUFSZ ? BUFSZ : (size_t)size;
		ssize_t n = pread(e->node->fd, buf, want, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || archive_write_data(r->w, buf, (size_t)n) != n) {
			r->failed = true;
			break;
		}
		off += (uint64_t)n;
		size -= (uint64_t)n;
	}
	free(buf);
}

static int mkdirs(char *p)
{
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			if (mkdir(p, 0755) != 0 && errno != EEXIST) {
				*s = '/';
				return -1;
			}
			*s = '/';
		}
	return mkdir(p, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

struct img_layer_rec *img_cache_begin(struct img_fs *fs, const char *dir, const char *digest)
{
	char rel[300];
	if (!hex_name(digest, rel, sizeof(rel)))
		return NULL;
	struct img_layer_rec *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->fd = -1;
	snprintf(r->digest, sizeof(r->digest), "%s", digest);
	char *slash = strrchr(rel, '/');
	if (asprintf(&r->dir, "%s/goabi-layers-v1/%.*s", dir, (int)(slash - rel), rel) < 0 ||
	    asprintf(&r->final, "%s/%s", r->dir, slash + 1) < 0) {
		r->dir = r->final = NULL;
		goto fail;
	}
	if (mkdirs(r->dir) != 0) {
		img_diag(fs, false, "--cache: cannot create '%s': %s (layer not cached)", r->dir, strerror(errno));
		goto fail;
	}
	const char *no_tmpfile = getenv("GOABI_CACHE_NO_TMPFILE");
	r->fd = no_tmpfile && *no_tmpfile == '1' ? -1 : open(r->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
	if (r->fd < 0 && (!no_tmpfile || *no_tmpfile != '1') && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
		img_diag(fs, false, "--cache: cannot write in '%s': %s (layer not cached)", r->dir, strerror(errno));
		goto fail;
	}
	if (r->fd < 0) { /* no O_TMPFILE here: a named temp file, renamed into place */
		if (asprintf(&r->tmpname, "%s/.tmp-%s-XXXXXX", r->dir, slash + 1) < 0) {
			r->tmpname = NULL;
			goto fail;
		}
		r->fd = mkostemp(r->tmpname, O_CLOEXEC);
		if (r->fd >= 0)
			fchmod(r->fd, 0644);
	}
	if (r->fd < 0) {
		img_diag(fs, false, "--cache: cannot write in '%s': %s (layer not cached)", r->dir, strerror(errno));
		goto fail;
	}
	static const char zero[HDR];
	r->w = archive_write_new();
	if (!r->w || pwrite(r->fd, zero, HDR, 0) != HDR || lseek(r->fd, HDR, SEEK_SET) != HDR ||
	    archive_write_set_format_pax_restricted(r->w) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(r->w, 1) != ARCHIVE_OK || archive_write_open_fd(r->w, r->fd) != ARCHIVE_OK)
		goto fail;
	r->prev_rec = fs->rec;
	r->prev_ctx = fs->rec_ctx;
	fs->rec = rec_entry;
	fs->rec_ctx = r;
	return r;
fail:
	if (r->w)
		archive_write_free(r->w);
	if (r->fd >= 0)
		close(r->fd);
	if (r->tmpname && r->fd >= 0)
		unlink(r->tmpname);
	free(r->tmpname);
	free(r->dir);
	free(r->final);
	free(r);
	return NULL;
}

struct centry {
	char *path;
	struct timespec mtime;
	uint64_t size;
};

static int cmp_centry(const void *a, const void *b)
{
	const struct centry *x = a, *y = b;
	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* Remove the least recently used entries (layers and facts together, by
 * mtime to the nanosecond) until the cache holds at most max bytes; temp
 * files older than an hour (killed writers) go too. */
static void evict(struct img_fs *fs, const char *dir, uint64_t max)
{
	static const char *const dirs[] = { "goabi-layers-v1/sha256", "goabi-layers-v1/sha512", FACTS_DIR "/sha256",
					    FACTS_DIR "/sha512" };
	struct centry *v = NULL;
	size_t n = 0, cap = 0;
	uint64_t total = 0;
	time_t now = time(NULL);
	for (size_t a = 0; a < sizeof(dirs) / sizeof(dirs[0]); a++) {
		char *d = NULL;
		if (asprintf(&d, "%s/%s", dir, dirs[a]) < 0)
			break;
		DIR *dh = opendir(d);
		struct dirent *de;
		while (dh && (de = readdir(dh)) != NULL) {
			if (de->d_name[0] == '.' && strncmp(de->d_name, ".tmp-", 5) != 0)
				continue;
			char *p = NULL;
			struct stat st;
			if (asprintf(&p, "%s/%s", d, de->d_name) < 0)
				break;
			if (lstat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
				free(p);
				continue;
			}
			if (de->d_name[0] == '.') {
				if (now - st.st_mtime > 3600)
					unlink(p);
				free(p);
				continue;
			}
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 256;
				struct centry *nv = realloc(v, nc * sizeof(*nv));
				if (!nv) {
					free(p);
					break;
				}
				v = nv, cap = nc;
			}
			v[n++] = (struct centry){ p, st.st_mtim, (uint64_t)st.st_size };
			total += (uint64_t)st.st_size;
		}
		if (dh)
			closedir(dh);
		free(d);
	}
	if (total > max) {
		qsort(v, n, sizeof(*v), cmp_centry);
		size_t removed = 0;
		for (size_t i = 0; i < n && total > max; i++)
			if (unlink(v[i].path) == 0 || errno == ENOENT) {
				total -= v[i].size;
				removed++;
			}
		(void)fs;
		(void)removed;
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

void img_cache_end(struct img_fs *fs, struct img_layer_rec *r, bool ok)
{
	fs->rec = r->prev_rec;
	fs->rec_ctx = r->prev_ctx;
	if (archive_write_close(r->w) != ARCHIVE_OK)
		ok = false;
	archive_write_free(r->w);
	struct stat st;
	char hex[200], hdr[HDR];
	bool published = false;
	if (ok && !r->failed && fstat(r->fd, &st) == 0 && st.st_size > HDR &&
	    hash_range(r->fd, HDR, (uint64_t)st.st_size - HDR, hex, sizeof(hex))) {
		memset(hdr, '\n', sizeof(hdr));
		int n = snprintf(hdr, sizeof(hdr), MAGIC "layer %s\ncontent %s\n", r->digest, hex);
		if (n > 0 && n < HDR && pwrite(r->fd, hdr, HDR, 0) == HDR) {
			if (r->tmpname) {
				/* the bytes reach the disk before the name does */
				if (fdatasync(r->fd) == 0 && rename(r->tmpname, r->final) == 0)
					published = true;
				else
					img_diag(fs, false, "--cache: cannot add '%s': %s", r->final, strerror(errno));
			} else {
				char proc[64];
				snprintf(proc, sizeof(proc), "/proc/self/fd/%d", r->fd);
				if (linkat(AT_FDCWD, proc, AT_FDCWD, r->final, AT_SYMLINK_FOLLOW) == 0)
					published = true;
				else if (errno != EEXIST)
					img_diag(fs, false, "--cache: cannot add '%s': %s", r->final, strerror(errno));
			}
		}
	}
	if (published)
		lru_touch(r->fd);
	close(r->fd);
	if (r->tmpname && !published)
		unlink(r->tmpname);
	const struct img_remote *rm = fs->lim.remote;
	if (published && rm && rm->cache_max && rm->cache_dir)
		evict(fs, rm->cache_dir, rm->cache_max);
	free(r->tmpname);
	free(r->dir);
	free(r->final);
	free(r);
}

/* ---- fact entries (docs/fleet.md "Facts shared across processes") ----
 * What the image check read from the ELF files of one layer, serialised by
 * the check (opaque bytes here), keyed by the layer's digest and a variant
 * the check names (its fact version, goabi's version, the options the facts
 * depend on): DIR/goabi-facts-v1/<alg>/<hex>.<variant>, a 512-byte header
 * ("goabi-fact-cache 1", "layer DIGEST", "facts VARIANT", "content
 * sha256:HEX") and the content. Published as layer entries are (an unnamed
 * O_TMPFILE linked into place, or a temp file renamed), but replaced
 * (renamed over: a new inode, never a rewrite in place) when a process has
 * facts of the layer the entry lacks (an upper layer hid some of its files
 * in the image that wrote it). Every read verifies the content's sha256
 * (an entry is read once per process and is small beside its layer); a
 * hit marks the entry used (mtime), and --cache-max counts fact entries
 * with the layers. */

static bool facts_paths(const char *dir, const char *digest, const char *variant, char **d, char **final)
{
	char rel[300];
	*d = *final = NULL;
	if (!hex_name(digest, rel, sizeof(rel)) || !*variant || strlen(variant) > 100 ||
	    strspn(variant, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(variant))
		return false;
	char *slash = strrchr(rel, '/');
	if (asprintf(d, "%s/" FACTS_DIR "/%.*s", dir, (int)(slash - rel), rel) < 0) {
		*d = NULL;
		return false;
	}
	if (asprintf(final, "%s/%s.%s", *d, slash + 1, variant) < 0) {
		free(*d);
		*d = *final = NULL;
		return false;
	}
	return true;
}

int img_facts_load(struct img_fs *fs, const char *dir, const char *digest, const char *variant, uint64_t max,
		   char **data, size_t *len)
{
	char *d, *path;
	*data = NULL;
	*len = 0;
	if (!facts_paths(dir, digest, variant, &d, &path))
		return 0;
	free(d);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0) {
		free(path);
		return 0;
	}
	struct stat st;
	char *buf = NULL, want[600], got[200];
	uint64_t size = 0;
	bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > HDR && (uint64_t)st.st_size - HDR <= max;
	int rc = 0;
	if (ok) {
		size = (uint64_t)st.st_size;
		buf = malloc((size_t)size + 1);
		if (!buf) {
			close(fd);
			free(path);
			return GOABI_ENOMEM;
		}
		for (uint64_t off = 0; ok && off < size;) {
			ssize_t r = pread(fd, buf + off, (size_t)(size - off), (off_t)off);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				ok = false;
			else
				off += (uint64_t)r;
		}
	}
	if (ok) {
		int n = snprintf(want, sizeof(want), FACTS_MAGIC "layer %s\nfacts %s\ncontent ", digest, variant);
		ok = n > 0 && (size_t)n < sizeof(want) && strncmp(buf, want, (size_t)n) == 0;
		if (ok) {
			const char *c = buf + n;
			size_t cl = strnlen(c, (size_t)(HDR - n));
			cl = strcspn(c, "\n") < cl ? strcspn(c, "\n") : cl;
			struct img_digest dg;
			ok = img_digest_init(&dg, "sha256:0000000000000000000000000000000000000000000000000000000000000000");
			if (ok) {
				img_digest_update(&dg, buf + HDR, (size_t)(size - HDR));
				got[0] = 0;
				img_digest_final(&dg, got, sizeof(got)); /* (its result compares with the zero digest) */
				ok = strlen(got) == cl && strncmp(c, got, cl) == 0;
			}
		}
	}
	if (ok) {
		lru_touch(fd); /* recently used (LRU) */
		memmove(buf, buf + HDR, (size_t)(size - HDR));
		buf[size - HDR] = 0;
		*data = buf;
		*len = (size_t)(size - HDR);
		rc = 1;
	} else {
		img_diag(fs, false, "cache entry '%s' does not verify: reading its layer's binaries", path);
		free(buf);
	}
	close(fd);
	free(path);
	return rc;
}

void img_facts_unusable(struct img_fs *fs, const char *dir, const char *digest, const char *variant)
{
	char *d, *path;
	if (!facts_paths(dir, digest, variant, &d, &path))
		return;
	img_diag(fs, false, "cache entry '%s' verifies but holds no usable facts: reading its layer's binaries", path);
	free(d);
	free(path);
}

bool img_facts_store(struct img_fs *fs, const char *dir, uint64_t cache_max, const char *digest, const char *variant,
		     const void *data, size_t len)
{
	char *d, *final, *tmpname = NULL;
	if (!facts_paths(dir, digest, variant, &d, &final))
		return false;
	bool published = false;
	int fd = -1;
	char hdr[HDR], hex[200];
	struct img_digest dg;
	if (mkdirs(d) != 0) {
		img_diag(fs, false, "--cache: cannot create '%s': %s (facts not cached)", d, strerror(errno));
		goto out;
	}
	const char *no_tmpfile = getenv("GOABI_CACHE_NO_TMPFILE");
	bool named = no_tmpfile && *no_tmpfile == '1';
	fd = named ? -1 : open(d, O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
	if (fd < 0) {
		named = true;
		if (asprintf(&tmpname, "%s/.tmp-%s-XXXXXX", d, strrchr(final, '/') + 1) < 0) {
			tmpname = NULL;
			goto out;
		}
		fd = mkostemp(tmpname, O_CLOEXEC);
		if (fd >= 0)
			fchmod(fd, 0644);
	}
	if (fd < 0) {
		img_diag(fs, false, "--cache: cannot write in '%s': %s (facts not cached)", d, strerror(errno));
		goto out;
	}
	if (!img_digest_init(&dg, "sha256:0000000000000000000000000000000000000000000000000000000000000000"))
		goto out;
	img_digest_update(&dg, data, len);
	hex[0] = 0;
	img_digest_final(&dg, hex, sizeof(hex)); /* (its result compares with the zero digest) */
	if (strncmp(hex, "sha256:", 7) != 0)
		goto out;
	memset(hdr, '\n', sizeof(hdr));
	int n = snprintf(hdr, sizeof(hdr), FACTS_MAGIC "layer %s\nfacts %s\ncontent %s\n", digest, variant, hex);
	if (n <= 0 || n >= HDR || pwrite(fd, hdr, HDR, 0) != HDR)
		goto out;
	for (size_t off = 0; off < len;) {
		ssize_t w = pwrite(fd, (const char *)data + off, len - off, (off_t)(HDR + off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			img_diag(fs, false, "--cache: cannot write '%s': %s (facts not cached)", final, strerror(errno));
			goto out;
		}
		off += (size_t)w;
	}
	if (named) {
		/* the bytes reach the disk before the name does */
		if (fdatasync(fd) == 0 && rename(tmpname, final) == 0)
			published = true;
	} else {
		char proc[64];
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if (linkat(AT_FDCWD, proc, AT_FDCWD, final, AT_SYMLINK_FOLLOW) == 0) {
			published = true;
		} else if (errno == EEXIST) {
			/* replace it: link under a temp name, rename over (a writer
			 * killed between the two leaves a temp file, evicted later) */
			static unsigned long seq;
			if (asprintf(&tmpname, "%s/.tmp-%s-%ld-%lu", d, strrchr(final, '/') + 1, (long)getpid(),
				     __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED)) < 0) {
				tmpname = NULL;
			} else if (linkat(AT_FDCWD, proc, AT_FDCWD, tmpname, AT_SYMLINK_FOLLOW) == 0) {
				published = rename(tmpname, final) == 0;
			} else {
				free(tmpname);
				tmpname = NULL;
			}
		}
	}
	if (!published)
		img_diag(fs, false, "--cache: cannot add '%s': %s", final, strerror(errno));
out:
	if (fd >= 0 && published)
		lru_touch(fd);
	if (fd >= 0)
		close(fd);
	if (tmpname && !published)
		unlink(tmpname);
	if (published && cache_max)
		evict(fs, dir, cache_max);
	free(tmpname);
	free(d);
	free(final);
	return published;
}
