/* The image file table: tree of nodes, path resolution inside the image
 * root, layer application (whiteouts, hard links), the root-filesystem
 * walk and the private temp file holding kept file bytes. See image.h. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "read/image_int.h"
#include "read/foreign.h"
#include "read/mapfile.h"
#include "read/package.h"

void img_diag(struct img_fs *fs, bool error, const char *fmt, ...)
{
	va_list ap;
	char buf[1024];
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (fs->diags.n >= 1000) /* a hostile image may produce endless problems */
		return;
	strv_push(fs->ar, &fs->diags, utf8_sanitize(fs->ar, buf, strlen(buf)));
	if (error)
		fs->nerrors++;
}

void img_fail_input(struct img_fs *fs, const char *fmt, ...)
{
	char buf[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	img_diag(fs, true, "'%s': %s", fs->input, buf);
	fs->fatal = true;
}

/* ---- tree and hash ---- */
static size_t hkey(const struct img_node *parent, const char *name, size_t len)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)(uintptr_t)parent;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 1099511628211ull;
	return (size_t)(h ^ (h >> 29));
}

static bool rehash(struct img_fs *fs)
{
	size_t nsz = fs->tabsz ? fs->tabsz * 2 : 4096;
	struct img_node **nt = calloc(nsz, sizeof(*nt));
	if (!nt)
		return false;
	for (size_t i = 0; i < fs->tabsz; i++) {
		struct img_node *n = fs->tab[i], *next;
		for (; n; n = next) {
			next = n->hnext;
			size_t k = hkey(n->parent, n->name, strlen(n->name)) & (nsz - 1);
			n->hnext = nt[k];
			nt[k] = n;
		}
	}
	free(fs->tab);
	fs->tab = nt;
	fs->tabsz = nsz;
	return true;
}

struct img_node *img_child(const struct img_fs *fs, const struct img_node *dir, const char *name, size_t len)
{
	if (!fs->tabsz)
		return NULL;
	for (struct img_node *n = fs->tab[hkey(dir, name, len) & (fs->tabsz - 1)]; n; n = n->hnext)
		if (n->parent == dir && strncmp(n->name, name, len) == 0 && n->name[len] == 0)
			return n;
	return NULL;
}

static void unhash(struct img_fs *fs, struct img_node *n)
{
	struct img_node **pp = &fs->tab[hkey(n->parent, n->name, strlen(n->name)) & (fs->tabsz - 1)];
	for (; *pp; pp = &(*pp)->hnext)
		if (*pp == n) {
			*pp = n->hnext;
			break;
		}
}

/* Remove a node and everything under it (memory stays in the arena). */
void img_remove(struct img_fs *fs, struct img_node *n)
{
	if (!n || n == fs->root)
		return;
	while (n->child)
		img_remove(fs, n->child);
	unhash(fs, n);
	if (n->prev)
		n->prev->next = n->next;
	else
		n->parent->child = n->next;
	if (n->next)
		n->next->prev = n->prev;
	fs->nnodes--;
}

struct img_node *img_new_child(struct img_fs *fs, struct img_node *dir, const char *name, size_t len, enum img_type t)
{
	if ((fs->nnodes + 1) * 4 > fs->tabsz * 3 && !rehash(fs))
		return NULL;
	struct img_node *n = arena_alloc(fs->ar, sizeof(*n));
	if (!n)
		return NULL;
	n->name = arena_strndup(fs->ar, name, len);
	if (!n->name)
		return NULL;
	n->type = t;
	n->parent = dir;
	n->bin = -1;
	n->next = dir->child;
	if (dir->child)
		dir->child->prev = n;
	dir->child = n;
	size_t k = hkey(dir, name, len) & (fs->tabsz - 1);
	n->hnext = fs->tab[k];
	fs->tab[k] = n;
	fs->nnodes++;
	return n;
}

/* ---- resolution inside the root ---- */
struct resolve {
	const struct img_fs *fs;
	unsigned links;
	const char *why;
};

static struct img_node *resolve_from(struct resolve *r, struct img_node *cur, const char *path, bool follow,
				     unsigned depth);

static struct img_node *follow_link(struct resolve *r, struct img_node *dir, struct img_node *ln, unsigned depth)
{
	if (++r->links > r->fs->lim.max_symlinks) {
		r->why = "too many symlinks (loop or limit)";
		return NULL;
	}
	if (depth > 64) {
		r->why = "symlinks nested too deeply";
		return NULL;
	}
	const char *t = ln->link ? ln->link : "";
	return resolve_from(r, t[0] == '/' ? r->fs->root : dir, t, true, depth + 1);
}

static struct img_node *resolve_from(struct resolve *r, struct img_node *cur, const char *path, bool follow,
				     unsigned depth)
{
	const char *p = path;
	if (*p == '/')
		cur = r->fs->root;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		bool last = true;
		for (const char *q = p + len; *q; q++)
			if (*q != '/') {
				last = false;
				break;
			}
		if (cur->type != IMG_DIR) {
			r->why = "not a directory";
			return NULL;
		}
		if (len == 1 && p[0] == '.') {
			p += len;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (cur->parent)
				cur = cur->parent; /* never above the root */
			p += len;
			continue;
		}
		struct img_node *n = img_child(r->fs, cur, p, len);
		if (!n) {
			r->why = "not found";
			return NULL;
		}
		if (n->type == IMG_SYMLINK && (!last || follow)) {
			n = follow_link(r, cur, n, depth);
			if (!n)
				return NULL;
		}
		cur = n;
		p += len;
	}
	return cur;
}

struct img_node *img_lookup(const struct img_fs *fs, const char *path, bool follow, const char **why)
{
	struct resolve r = { fs, 0, NULL };
	if (strlen(path) > fs->lim.max_path) {
		if (why)
			*why = "path longer than the limit";
		return NULL;
	}
	struct img_node *n = resolve_from(&r, fs->root, path, follow, 0);
	if (!n && why)
		*why = r.why ? r.why : "not found";
	return n;
}

const char *img_path(const struct img_fs *fs, const struct img_node *n, char *buf, size_t len)
{
	if (!len)
		return buf;
	if (n == fs->root || !n->parent) {
		snprintf(buf, len, "/");
		return buf;
	}
	/* fill from the end */
	size_t pos = len - 1;
	buf[pos] = 0;
	for (; n && n->parent; n = n->parent) {
		size_t l = strlen(n->name);
		if (l + 1 > pos) {
			snprintf(buf, len, "/...");
			return buf;
		}
		pos -= l;
		memcpy(buf + pos, n->name, l);
		buf[--pos] = '/';
	}
	memmove(buf, buf + pos, len - pos);
	return buf;
}

static void walk_nodes(struct img_node *n, void (*fn)(void *, struct img_node *), void *ctx)
{
	fn(ctx, n);
	for (struct img_node *c = n->child; c; c = c->next)
		walk_nodes(c, fn, ctx);
}

void img_walk(const struct img_fs *fs, void (*fn)(void *ctx, struct img_node *n), void *ctx)
{
	walk_nodes(fs->root, fn, ctx);
}

/* ---- the temp file ---- */
static int tmpfile_open(void)
{
	const char *d = getenv("TMPDIR");
	if (!d || !*d)
		d = "/tmp";
	int fd = open(d, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	char path[4096];
	snprintf(path, sizeof(path), "%s/goabi-image-XXXXXX", d);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

int img_tmp_write(struct img_fs *fs, int *fdp, uint64_t *lenp, const void *p, size_t n)
{
	if (*fdp < 0) {
		*fdp = tmpfile_open();
		if (*fdp < 0) {
			img_diag(fs, true, "cannot create a temp file in $TMPDIR: %s", strerror(errno));
			return GOABI_EIO;
		}
	}
	const char *c = p;
	while (n) {
		ssize_t w = write(*fdp, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			img_diag(fs, true, "cannot write the temp file: %s", strerror(errno));
			return GOABI_EIO;
		}
		c += w;
		n -= (size_t)w;
		*lenp += (uint64_t)w;
	}
	return 0;
}

int img_finish(struct img_fs *fs)
{
	(void)fs; /* writes went through write(2): mappings see them */
	return 0;
}

bool img_keep_fd(struct img_fs *fs, int fd)
{
	if (!arena_grow(fs->ar, &fs->fds, &fs->fdcap, fs->nfds + 1, sizeof(*fs->fds))) {
		close(fd);
		return false;
	}
	fs->fds[fs->nfds++] = fd;
	return true;
}

static uint64_t page_mask(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	return (uint64_t)(ps > 0 ? ps : 4096) - 1;
}

bool img_map_private(const struct img_fs *fs, const struct img_node *n, uint8_t **p, size_t *len)
{
	(void)fs;
	*p = NULL;
	*len = 0;
	if (n->type != IMG_REG)
		return false;
	if (n->src == IMG_SRC_HOST) {
		struct rd_map m;
		char err[256];
		if (rd_map_file(n->host, RD_MAP_NOFOLLOW, &m, err, sizeof(err)) != RD_MAP_OK)
			return false;
		*p = m.p;
		*len = m.len;
		return true;
	}
	if (n->src != IMG_SRC_BLOB || n->size > SIZE_MAX / 2)
		return false;
	if (n->size == 0)
		return true;
	uint64_t base = n->off & ~page_mask(), d = n->off - base;
	void *m = mmap(NULL, (size_t)(n->size + d), PROT_READ | PROT_WRITE, MAP_PRIVATE, n->fd, (off_t)base);
	if (m == MAP_FAILED)
		return false;
	*p = (uint8_t *)m + d;
	*len = (size_t)n->size;
	return true;
}

/* Read-only use of the same mapping; an empty file is not mapped (false). */
bool img_map(const struct img_fs *fs, const struct img_node *n, const uint8_t **p, size_t *len)
{
	uint8_t *q;
	if (!img_map_private(fs, n, &q, len) || !q)
		return false;
	*p = q;
	return true;
}

void img_unmap(const struct img_node *n, const uint8_t *p, size_t len)
{
	if (!p)
		return;
	uint64_t d = n->src == IMG_SRC_BLOB ? n->off - (n->off & ~page_mask()) : 0;
	munmap((void *)(p - d), len + (size_t)d);
}

void img_close(struct img_fs *fs)
{
	for (size_t i = 0; i < fs->nfds; i++)
		close(fs->fds[i]);
	if (fs->blobfd >= 0)
		close(fs->blobfd);
	if (fs->outerfd >= 0)
		close(fs->outerfd);
	free(fs->tab);
	arena_free(fs->ar);
	memset(fs, 0, sizeof(*fs));
	fs->blobfd = fs->outerfd = -1;
}

int img_init(struct img_fs *fs, const char *input, const struct img_limits *lim)
{
	memset(fs, 0, sizeof(*fs));
	fs->blobfd = fs->outerfd = -1;
	fs->ar = arena_new();
	if (!fs->ar || !rehash(fs))
		return GOABI_ENOMEM;
	fs->root = arena_alloc(fs->ar, sizeof(*fs->root));
	if (!fs->root)
		return GOABI_ENOMEM;
	fs->root->name = "";
	fs->root->type = IMG_DIR;
	fs->root->bin = -1;
	fs->input = arena_strdup(fs->ar, input);
	if (lim)
		fs->lim = *lim;
	if (!fs->lim.max_bytes)
		fs->lim.max_bytes = IMG_DEF_MAX_BYTES;
	if (!fs->lim.max_entries)
		fs->lim.max_entries = IMG_DEF_MAX_ENTRIES;
	if (!fs->lim.max_path)
		fs->lim.max_path = IMG_DEF_MAX_PATH;
	if (!fs->lim.max_symlinks)
		fs->lim.max_symlinks = IMG_DEF_MAX_SYMLINKS;
	if (!fs->lim.max_file)
		fs->lim.max_file = IMG_DEF_MAX_FILE;
	return 0;
}

/* Files whose bytes are kept besides ELF objects: what the loaders read. */
static bool wanted_config(const char *path)
{
	return strcmp(path, "etc/ld.so.conf") == 0 || strncmp(path, "etc/ld.so.conf.d/", 17) == 0 ||
	       (strncmp(path, "etc/ld-musl-", 12) == 0 && strstr(path, ".path")) ||
	       strcmp(path, "etc/os-release") == 0 || strcmp(path, "usr/lib/os-release") == 0 ||
	       strcmp(path, "etc/nsswitch.conf") == 0;
}

/* ---- layer application ---- */

/* Split a tar entry name into a clean relative path (no "", ".", leading
 * "/"). Returns false for names with ".." (they could escape) or too long. */
static bool clean_name(struct img_fs *fs, const char *name, char *out, size_t outlen, const char *where)
{
	size_t o = 0;
	const char *p = name;
	if (strlen(name) > fs->lim.max_path) {
		img_diag(fs, true, "%s: entry name longer than the limit of %zu bytes: skipped", where, fs->lim.max_path);
		return false;
	}
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == 1 && p[0] == '.') {
			p += len;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			img_diag(fs, true, "%s: entry '%.200s' has a '..' component: skipped", where, name);
			return false;
		}
		if (o + len + 2 > outlen)
			return false;
		if (o)
			out[o++] = '/';
		memcpy(out + o, p, len);
		o += len;
		p += len;
	}
	out[o] = 0;
	return true;
}

/* The directory that will hold path's last component, creating missing
 * directories; intermediate symlinks are followed inside the image (as
 * umoci and securejoin do), a non-directory in the way is replaced. */
static struct img_node *parent_dir(struct img_fs *fs, const char *path, const char **base, unsigned layer)
{
	struct img_node *cur = fs->root;
	const char *p = path;
	for (;;) {
		const char *e = strchr(p, '/');
		if (!e) {
			*base = p;
			return cur;
		}
		size_t len = (size_t)(e - p);
		struct img_node *n = img_child(fs, cur, p, len);
		if (n && n->type == IMG_SYMLINK) {
			struct resolve r = { fs, 0, NULL };
			struct img_node *t = follow_link(&r, cur, n, 0);
			if (t && t->type == IMG_DIR)
				n = t;
			else {
				img_remove(fs, n);
				n = NULL;
			}
		} else if (n && n->type != IMG_DIR) {
			img_remove(fs, n);
			n = NULL;
		}
		if (!n) {
			n = img_new_child(fs, cur, p, len, IMG_DIR);
			if (!n)
				return NULL;
			n->mode = 0755;
			n->layer = layer;
		}
		cur = n;
		p = e + 1;
	}
}

static void opaque(struct img_fs *fs, struct img_node *dir, unsigned layer)
{
	struct img_node *c = dir->child, *next;
	for (; c; c = next) {
		next = c->next;
		if (c->layer < layer)
			img_remove(fs, c);
	}
}

/* The layer being applied: its bytes are mapped at base, read from fd at off. */
struct layer_src {
	const uint8_t *base;
	size_t len;
	int fd;
	uint64_t off;
};

/* A regular file's bytes: referenced in place when the layer is not
 * compressed (libarchive hands out pointers into the mapping), else copied
 * to the temp file. The first block tells whether the file is ELF. */
uint8_t img_foreign_kind(const uint8_t *p, size_t n)
{
	return fx_is_fat(p, n) ? IMG_FOREIGN_FAT : fx_is_macho(p, n) ? IMG_FOREIGN_MACHO
	       : fx_is_pe(p, n) ? IMG_FOREIGN_PE : IMG_FOREIGN_NONE;
}

void img_sniff_fd(struct img_node *n, int fd)
{
	unsigned char b[512];
	ssize_t got = read(fd, b, sizeof(b));
	n->elf = got >= 4 && memcmp(b, "\x7f" "ELF", 4) == 0;
	n->foreign = got > 0 && !n->elf ? img_foreign_kind(b, (size_t)got) : IMG_FOREIGN_NONE;
}

static int keep_file(struct img_fs *fs, struct archive *a, struct img_node *n, const char *path,
		     const struct layer_src *ls, const char *where)
{
	const void *buf;
	size_t sz;
	la_int64_t boff;
	n->foreign = IMG_FOREIGN_NONE;
	int r = archive_read_data_block(a, &buf, &sz, &boff);
	if (r == ARCHIVE_EOF)
		return 0;
	if (r < ARCHIVE_WARN)
		return GOABI_EFORMAT;
	fs->bytes += sz;
	n->elf = boff == 0 && sz >= 4 && memcmp(buf, "\x7f" "ELF", 4) == 0;
	n->foreign = boff == 0 && !n->elf ? img_foreign_kind(buf, sz) : IMG_FOREIGN_NONE;
	if (!n->elf && !wanted_config(path))
		return 0; /* the rest is skipped by archive_read_next_header */
	const uint8_t *b = buf;
	if (boff == 0 && (uint64_t)sz == n->size && b >= ls->base && sz <= ls->len && (size_t)(b - ls->base) <= ls->len - sz) {
		n->src = IMG_SRC_BLOB;
		n->fd = ls->fd;
		n->off = ls->off + (uint64_t)(b - ls->base);
		fs->kept += sz;
		return 0;
	}
	n->src = IMG_SRC_BLOB;
	n->off = fs->bloblen;
	uint64_t total = 0;
	int rc = 0;
	/* on every way out the node describes what is in the temp file: its fd
	 * and the bytes written (a corrupt layer ends a file early; a size from
	 * the tar header would map past the end of the file: SIGBUS) */
	for (;;) {
		if ((uint64_t)boff > total) { /* sparse hole */
			static const char zero[4096];
			while ((uint64_t)boff > total) {
				size_t z = (uint64_t)boff - total > sizeof(zero) ? sizeof(zero) : (size_t)((uint64_t)boff - total);
				rc = img_tmp_write(fs, &fs->blobfd, &fs->bloblen, zero, z);
				if (rc)
					goto out;
				total += z;
			}
		}
		if (total + sz > fs->lim.max_file) {
			img_diag(fs, true, "%s: file larger than the limit of %llu bytes (--max-file): not checked", where,
				 (unsigned long long)fs->lim.max_file);
			n->src = IMG_SRC_NONE;
			n->elf = false;
			return 0;
		}
		rc = img_tmp_write(fs, &fs->blobfd, &fs->bloblen, buf, sz);
		if (rc)
			goto out;
		total += sz;
		r = archive_read_data_block(a, &buf, &sz, &boff);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			rc = GOABI_EFORMAT;
			goto out;
		}
		fs->bytes += sz;
		if (fs->bytes > fs->lim.max_bytes) {
			rc = GOABI_ELIMIT;
			goto out;
		}
	}
out:
	n->fd = fs->blobfd;
	n->size = total;
	if (total == 0 || n->fd < 0) {
		n->src = IMG_SRC_NONE;
		n->elf = false;
	}
	fs->kept += total;
	return rc;
}

#define IMG_PATH_BUF (IMG_DEF_MAX_PATH * 4 + 16)

static int apply_entry1(struct img_fs *fs, struct archive *a, struct archive_entry *e, unsigned layer,
			const struct layer_src *ls, const char *where, char *path, char *tpath, struct img_rec *rec)
{
	const char *raw = archive_entry_pathname(e);
	if (!raw)
		raw = archive_entry_pathname_utf8(e);
	if (!raw) {
		img_diag(fs, false, "%s: entry without a name: skipped", where);
		return 0;
	}
	if (!clean_name(fs, raw, path, IMG_PATH_BUF, where))
		return 0;
	if (!path[0])
		return 0; /* "./" itself */
	rec->path = path;
	const char *base;
	struct img_node *dir = parent_dir(fs, path, &base, layer);
	if (!dir)
		return GOABI_ENOMEM;
	/* whiteouts (OCI image-spec layer.md, "Whiteouts") */
	if (strncmp(base, ".wh.", 4) == 0) {
		if (strcmp(base, ".wh..wh..opq") == 0)
			opaque(fs, dir, layer);
		else
			img_remove(fs, img_child(fs, dir, base + 4, strlen(base + 4)));
		rec->type = AE_IFREG;
		return 0;
	}
	struct img_node *old = img_child(fs, dir, base, strlen(base));
	const char *hl = archive_entry_hardlink(e);
	mode_t ft = archive_entry_filetype(e);
	if (old && old->type == IMG_DIR && ft == AE_IFDIR && !hl) {
		old->mode = archive_entry_perm(e);
		rec->type = AE_IFDIR;
		rec->perm = old->mode;
		return 0; /* directories merge */
	}
	struct img_node *target = NULL;
	if (hl) {
		if (!clean_name(fs, hl, tpath, IMG_PATH_BUF, where))
			return 0;
		target = img_lookup(fs, tpath, false, NULL);
		if (!target || target->type != IMG_REG) {
			img_diag(fs, false, "%s: hard link '%.200s' to '%.200s': target is not a regular file in the image",
				 where, path, tpath);
			return 0;
		}
		rec->type = AE_IFREG;
		rec->hardlink = tpath;
		if (target == old)
			return 0;
	}
	if (old)
		img_remove(fs, old);
	enum img_type t = hl ? IMG_REG : ft == AE_IFDIR ? IMG_DIR : ft == AE_IFREG ? IMG_REG
				  : ft == AE_IFLNK ? IMG_SYMLINK : IMG_OTHER;
	struct img_node *n = img_new_child(fs, dir, base, strlen(base), t);
	if (!n)
		return GOABI_ENOMEM;
	n->layer = layer;
	n->pkg = (uint16_t)fs->cur_pkg;
	n->mode = archive_entry_perm(e);
	rec->perm = n->mode;
	if (!hl)
		rec->type = ft;
	if (hl) {
		n->size = target->size;
		n->src = target->src;
		n->fd = target->fd;
		n->off = target->off;
		n->host = target->host;
		n->elf = target->elf;
		n->foreign = target->foreign;
		n->lower_bytes = target->lower_bytes || target->layer != layer;
		n->mode = target->mode;
		return 0;
	}
	if (t == IMG_SYMLINK) {
		const char *l = archive_entry_symlink(e);
		n->link = arena_strdup(fs->ar, l ? l : "");
		rec->symlink = n->link;
		return n->link ? 0 : GOABI_ENOMEM;
	}
	if (t != IMG_REG)
		return 0;
	n->size = archive_entry_size_is_set(e) ? (uint64_t)archive_entry_size(e) : 0;
	int rc = keep_file(fs, a, n, path, ls, where);
	if (n->src == IMG_SRC_BLOB)
		rec->node = n;
	return rc;
}

static int apply_entry(struct img_fs *fs, struct archive *a, struct archive_entry *e, unsigned layer,
		       const struct layer_src *ls, const char *where)
{
	char path[IMG_PATH_BUF], tpath[IMG_PATH_BUF];
	struct img_rec rec = { 0 };
	int rc = apply_entry1(fs, a, e, layer, ls, where, path, tpath, &rec);
	if (rc == 0 && rec.path && rec.type && fs->rec)
		fs->rec(fs->rec_ctx, fs, &rec);
	return rc;
}


/* Compressed layers are read through pread(2) (nothing of them stays
 * mapped); uncompressed ones are mapped so that kept files can be referenced
 * in place, and the pages behind the reading position are dropped as it
 * advances, so memory does not grow with the layer. */
struct fdreader {
	int fd;
	uint64_t off, len, pos;
	char buf[1 << 18];
};

static la_ssize_t fd_read(struct archive *a, void *ctx, const void **out)
{
	struct fdreader *r = ctx;
	(void)a;
	if (r->pos >= r->len)
		return 0;
	size_t want = r->len - r->pos < sizeof(r->buf) ? (size_t)(r->len - r->pos) : sizeof(r->buf);
	ssize_t n;
	do
		n = pread(r->fd, r->buf, want, (off_t)(r->off + r->pos));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		archive_set_error(a, errno, "read error: %s", strerror(errno));
		return -1;
	}
	r->pos += (uint64_t)n;
	*out = r->buf;
	return n;
}

static bool compressed(int fd, uint64_t off)
{
	unsigned char m[6] = { 0 };
	if (pread(fd, m, sizeof(m), (off_t)off) < 4)
		return false;
	return (m[0] == 0x1f && m[1] == 0x8b) || memcmp(m, "\x28\xb5\x2f\xfd", 4) == 0 || memcmp(m, "BZh", 3) == 0 ||
	       memcmp(m, "\xfd" "7zXZ", 5) == 0 || (m[0] == 0x04 && m[1] == 0x22 && m[2] == 0x4d && m[3] == 0x18);
}

static struct archive *layer_archive(void)
{
	struct archive *a = archive_read_new();
	if (!a)
		return NULL;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	return a;
}

/* A release package's entry that is not applied as a layer's would be
 * (pkg: its enum pkg_kind): the package's control files (.apk), directories
 * (created as their files need them: a package's "./lib/" must not replace
 * the image's /lib -> usr/lib symlink, dpkg keeps it too) and names a
 * layer would take for whiteouts (".wh.*": a package has none). */
static bool package_skip(struct img_fs *fs, int pkg, struct archive_entry *e, const char *where)
{
	const char *name = archive_entry_pathname(e);
	if (!name || pkg_data_skip((enum pkg_kind)pkg, name) || archive_entry_filetype(e) == AE_IFDIR)
		return true;
	const char *b = strrchr(name, '/');
	if (strncmp(b ? b + 1 : name, ".wh.", 4) == 0) {
		img_diag(fs, false, "%s: '%.200s' is named like a layer whiteout: skipped", where, name);
		return true;
	}
	return false;
}

/* The entries of an opened layer archive, applied in order. m/mlen: the
 * mapping behind an uncompressed layer (MAP_FAILED otherwise), d the offset
 * of the layer in it; pages behind the reading position are dropped. */
static int apply_entries(struct img_fs *fs, struct archive *a, const struct layer_src *ls, void *m, uint64_t len,
			 uint64_t d, unsigned layer, const char *where, int pkg)
{
	int rc = 0;
	uint64_t base = fs->bytes, dropped = 0;
	struct archive_entry *e;
	for (;;) {
		int h = archive_read_next_header(a, &e);
		if (h == ARCHIVE_EOF)
			break;
		if (h == ARCHIVE_FATAL || h == ARCHIVE_RETRY) {
			img_diag(fs, true, "%s: corrupt layer after %llu entries: %s; the rest of this layer is ignored",
				 where, (unsigned long long)fs->nentries, archive_error_string(a));
			break;
		}
		if (++fs->nentries > fs->lim.max_entries) {
			img_diag(fs, true, "%s: more than the limit of %llu entries (--max-entries): reading stopped", where,
				 (unsigned long long)fs->lim.max_entries);
			fs->limit_hit = true;
			rc = GOABI_ELIMIT;
			break;
		}
		if (pkg && package_skip(fs, pkg, e, where))
			continue;
		rc = apply_entry(fs, a, e, layer, ls, where);
		if (fs->lim.progress && (fs->nentries & 255) == 0)
			fs->lim.progress(fs->lim.progress_ctx, fs->nentries, fs->bytes);
		if (m != MAP_FAILED) {
			int64_t hp = archive_read_header_position(a);
			uint64_t drop = hp > (1 << 20) ? ((uint64_t)hp + d - (1 << 20)) & ~page_mask() : 0;
			if (drop > dropped + (8u << 20) && drop <= len + d) {
				madvise((uint8_t *)m + dropped, (size_t)(drop - dropped), MADV_DONTNEED);
				dropped = drop;
			}
		}
		int64_t fb = archive_filter_bytes(a, 0);
		if (fb > 0 && base + (uint64_t)fb > fs->bytes)
			fs->bytes = base + (uint64_t)fb;
		if (rc == GOABI_EFORMAT) {
			img_diag(fs, true, "%s: corrupt data in entry '%.200s': %s; the rest of this layer is ignored", where,
				 archive_entry_pathname(e) ? archive_entry_pathname(e) : "?", archive_error_string(a));
			rc = 0;
			break;
		}
		if (rc == 0 && fs->bytes > fs->lim.max_bytes)
			rc = GOABI_ELIMIT;
		if (rc == GOABI_ELIMIT) {
			img_diag(fs, true, "%s: more than the limit of %llu decompressed bytes (--max-size): reading stopped",
				 where, (unsigned long long)fs->lim.max_bytes);
			fs->limit_hit = true;
			break;
		}
		if (rc)
			break;
	}
	return rc;
}

/* Apply one layer (any compression libarchive detects: gzip, zstd, none...). */
int img_apply_layer(struct img_fs *fs, int fd, uint64_t off, uint64_t len, unsigned layer, const char *where)
{
	if (!len) {
		img_diag(fs, true, "%s: empty layer", where);
		return 0;
	}
	struct archive *a = layer_archive();
	if (!a)
		return GOABI_ENOMEM;
	struct layer_src ls = { NULL, 0, fd, off };
	void *m = MAP_FAILED;
	uint64_t d = 0;
	struct fdreader *rd = NULL;
	int orc;
	if (compressed(fd, off)) {
		rd = malloc(sizeof(*rd));
		if (!rd) {
			archive_read_free(a);
			return GOABI_ENOMEM;
		}
		rd->fd = fd;
		rd->off = off;
		rd->len = len;
		rd->pos = 0;
		orc = archive_read_open(a, rd, NULL, fd_read, NULL);
	} else {
		uint64_t mbase = off & ~page_mask();
		d = off - mbase;
		m = mmap(NULL, (size_t)(len + d), PROT_READ, MAP_PRIVATE, fd, (off_t)mbase);
		if (m == MAP_FAILED) {
			img_diag(fs, true, "%s: cannot map: %s", where, strerror(errno));
			archive_read_free(a);
			return 0;
		}
		ls.base = (const uint8_t *)m + d;
		ls.len = (size_t)len;
		orc = archive_read_open_memory(a, ls.base, ls.len);
	}
	int rc = 0;
	if (orc != ARCHIVE_OK)
		img_diag(fs, true, "%s: not a readable tar layer: %s", where, archive_error_string(a));
	else
		rc = apply_entries(fs, a, &ls, m, len, d, layer, where, 0);
	archive_read_free(a);
	if (m != MAP_FAILED)
		munmap(m, (size_t)(len + d));
	free(rd);
	return rc;
}

int img_apply_layer_stream(struct img_fs *fs, archive_read_callback *read, void *ctx, unsigned layer,
			   const char *where)
{
	struct archive *a = layer_archive();
	if (!a)
		return GOABI_ENOMEM;
	struct layer_src ls = { NULL, 0, -1, 0 };
	int rc = 0;
	if (archive_read_open(a, ctx, NULL, read, NULL) != ARCHIVE_OK)
		img_diag(fs, true, "%s: not a readable tar layer: %s", where, archive_error_string(a));
	else
		rc = apply_entries(fs, a, &ls, MAP_FAILED, 0, 0, layer, where, 0);
	archive_read_free(a);
	return rc;
}

/* ---- root filesystem directory ---- */
static int walk_dir(struct img_fs *fs, int dfd, const char *hostdir, struct img_node *dir, dev_t dev, unsigned depth)
{
	if (depth > 256) {
		img_diag(fs, true, "'%s': directories nested deeper than 256: not descending", hostdir);
		return 0;
	}
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		img_diag(fs, true, "'%s': cannot read directory: %s", hostdir, strerror(errno));
		return 0;
	}
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (++fs->nentries > fs->lim.max_entries) {
			img_diag(fs, true, "'%s': more than the limit of %llu entries (--max-entries): reading stopped",
				 fs->input, (unsigned long long)fs->lim.max_entries);
			fs->limit_hit = true;
			rc = GOABI_ELIMIT;
			break;
		}
		if (fs->lim.progress && (fs->nentries & 1023) == 0)
			fs->lim.progress(fs->lim.progress_ctx, fs->nentries, fs->bytes);
		size_t hl = strlen(hostdir) + 1 + strlen(de->d_name);
		if (hl > fs->lim.max_path + strlen(fs->rootdir)) {
			img_diag(fs, true, "'%s/%s': path longer than the limit: skipped", hostdir, de->d_name);
			continue;
		}
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		char *hp = arena_printf(fs->ar, "%s/%s", hostdir, de->d_name);
		if (!hp) {
			rc = GOABI_ENOMEM;
			break;
		}
		enum img_type t = S_ISDIR(st.st_mode) ? IMG_DIR : S_ISREG(st.st_mode) ? IMG_REG
				  : S_ISLNK(st.st_mode) ? IMG_SYMLINK : IMG_OTHER;
		struct img_node *n = img_new_child(fs, dir, de->d_name, strlen(de->d_name), t);
		if (!n) {
			rc = GOABI_ENOMEM;
			break;
		}
		n->mode = st.st_mode & 07777;
		if (t == IMG_SYMLINK) {
			char buf[4097];
			ssize_t l = readlinkat(dirfd(d), de->d_name, buf, sizeof(buf) - 1);
			buf[l > 0 ? l : 0] = 0;
			n->link = arena_strdup(fs->ar, buf);
		} else if (t == IMG_REG) {
			n->size = (uint64_t)st.st_size;
			n->src = IMG_SRC_HOST;
			n->host = hp;
			int fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
			if (fd >= 0) {
				img_sniff_fd(n, fd);
				close(fd);
			}
			fs->bytes += (uint64_t)st.st_size;
		} else if (t == IMG_DIR && st.st_dev == dev) {
			int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				rc = walk_dir(fs, sub, hp, n, dev, depth + 1);
			if (rc)
				break;
		}
	}
	closedir(d);
	return rc;
}

int img_read_rootfs(struct img_fs *fs, const char *dir)
{
	fs->format = "rootfs";
	size_t l = strlen(dir);
	while (l > 1 && dir[l - 1] == '/')
		l--;
	fs->rootdir = arena_strndup(fs->ar, dir, l);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	if (dfd < 0 || fstat(dfd, &st) != 0) {
		img_diag(fs, true, "'%s': cannot open directory: %s", dir, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return GOABI_EIO;
	}
	return walk_dir(fs, dfd, fs->rootdir, fs->root, st.st_dev, 0);
}

/* --add PKG.deb / .rpm / .apk: the package's files at their paths, as its
 * package manager installs them, in a fresh layer on top (docs/packages.md) */
static int add_package(struct img_fs *fs, const char *hostfile, const char *path, enum pkg_kind k)
{
	char err[512];
	char where[IMG_DEF_MAX_PATH + 64];
	snprintf(where, sizeof(where), "--add '%.*s'", IMG_DEF_MAX_PATH, hostfile);
	const char *base = strrchr(hostfile, '/') ? strrchr(hostfile, '/') + 1 : hostfile;
	const char *pbase = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (strcmp(base, pbase) != 0 || strchr(path + (path[0] == '/'), '/'))
		img_diag(fs, false, "%s: a %s package's files go to their own paths; '%.200s' ignored", where,
			 pkg_kind_name(k), path);
	struct pkg_data *d;
	struct archive *a = pkg_data_open(hostfile, k, &d, err, sizeof(err));
	if (!a) {
		img_diag(fs, true, "%s: %s package: %s", where, pkg_kind_name(k), err);
		return GOABI_EFORMAT;
	}
	/* its own metadata, for the check to compare with its files' needs;
	 * its files' nodes carry its index */
	struct pkg_meta *meta = arena_alloc(fs->ar, sizeof(*meta));
	struct img_pkg *np = arena_alloc(fs->ar, (fs->npkgs + 1) * sizeof(*np));
	if (!meta || !np) {
		pkg_data_close(d);
		return GOABI_ENOMEM;
	}
	if (fs->npkgs < IMG_MAX_PKGS) {
		int mrc = pkg_meta_read(hostfile, k, meta, err, sizeof(err));
		if (mrc != 0 || !meta->read)
			img_diag(fs, false, "%s: %s package without its own metadata (%s): its declared libc and "
				 "architecture are not compared", where, pkg_kind_name(k), mrc ? err : "none found");
		if (fs->npkgs)
			memcpy(np, fs->pkgs, fs->npkgs * sizeof(*np));
		np[fs->npkgs] = (struct img_pkg){ arena_strdup(fs->ar, hostfile), (int)k, meta };
		fs->pkgs = np;
		fs->cur_pkg = ++fs->npkgs;
	}
	struct layer_src ls = { NULL, 0, -1, 0 };
	int rc = apply_entries(fs, a, &ls, MAP_FAILED, 0, 0, fs->nlayers + 1, where, (int)k);
	fs->cur_pkg = 0;
	pkg_data_close(d);
	return rc;
}

int img_add_host(struct img_fs *fs, const char *hostfile, const char *path)
{
	char clean[IMG_DEF_MAX_PATH * 4 + 16];
	struct stat st;
	if (stat(hostfile, &st) != 0) {
		img_diag(fs, true, "--add '%s': %s", hostfile, strerror(errno));
		return GOABI_EIO;
	}
	if (!S_ISREG(st.st_mode)) {
		img_diag(fs, true, "--add '%s': not a regular file", hostfile);
		return GOABI_EIO;
	}
	enum pkg_kind pk = pkg_sniff(hostfile);
	if (pk != PKG_NONE)
		return add_package(fs, hostfile, path, pk);
	if (!clean_name(fs, path, clean, sizeof(clean), "--add") || !clean[0])
		return GOABI_EFORMAT;
	const char *base;
	/* a fresh layer on top of everything */
	struct img_node *dir = parent_dir(fs, clean, &base, fs->nlayers + 1);
	if (!dir)
		return GOABI_ENOMEM;
	struct img_node *old = img_child(fs, dir, base, strlen(base));
	if (old && old->type == IMG_DIR) {
		dir = old;
		base = strrchr(hostfile, '/') ? strrchr(hostfile, '/') + 1 : hostfile;
		old = img_child(fs, dir, base, strlen(base));
	}
	if (old)
		img_remove(fs, old);
	struct img_node *n = img_new_child(fs, dir, base, strlen(base), IMG_REG);
	if (!n)
		return GOABI_ENOMEM;
	n->layer = fs->nlayers + 1;
	n->mode = st.st_mode & 07777;
	n->size = (uint64_t)st.st_size;
	n->src = IMG_SRC_HOST;
	n->host = arena_strdup(fs->ar, hostfile);
	int fd = open(hostfile, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		img_sniff_fd(n, fd);
		close(fd);
	}
	if (!n->elf)
		img_diag(fs, false, "--add '%s': not an ELF file", hostfile);
	return 0;
}

bool img_map_path(const struct img_fs *fs, const char *path, const uint8_t **p, size_t *len, void **tok)
{
	struct img_node *node = img_lookup(fs, path, true, NULL);
	if (!node || !img_map(fs, node, p, len))
		return false;
	*tok = node;
	return true;
}

bool img_list_dir(const struct img_fs *fs, const char *dir, void (*cb)(void *, const char *), void *cbctx)
{
	struct img_node *d = img_lookup(fs, dir, true, NULL);
	if (!d || d->type != IMG_DIR)
		return false;
	struct img_node *ch;
	img_for_each_child(d, ch)
		cb(cbctx, ch->name);
	return true;
}
