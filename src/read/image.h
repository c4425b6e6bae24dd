/* Container images and root filesystems as an in-memory file table.
 *
 * Design (docs/image.md): nothing from the image is written outside one
 * private temp file and nothing is executed. Layers are read with libarchive
 * in order; each entry becomes a node of a tree held in an arena (names,
 * types, symlink targets, whiteouts applied). Only files that start with an
 * ELF header (and the loader configuration under /etc) are kept: an
 * uncompressed layer is read in place (the node records the offset of the
 * file's bytes in the layer file), a compressed one is decompressed once and
 * the kept files' bytes are appended to an unlinked temp file. Each file is
 * mapped only while it is checked, so memory stays bounded by the files in
 * flight. A root filesystem directory is walked instead; its file bytes
 * stay where they are. Paths are always resolved inside the
 * image root: ".." stops at the root and absolute symlinks start at it.
 */
#ifndef GOABI_READ_IMAGE_H
#define GOABI_READ_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util/util.h"

enum img_type { IMG_DIR, IMG_REG, IMG_SYMLINK, IMG_OTHER };
enum img_src { IMG_SRC_NONE, IMG_SRC_BLOB, IMG_SRC_HOST };
struct img_remote;
struct img_rec;

struct img_node {
	struct img_node *parent, *child, *next, *prev; /* tree (siblings doubly linked) */
	struct img_node *hnext;                         /* hash chain, key (parent, name) */
	const char *name;                               /* one path component */
	enum img_type type;
	uint32_t mode;
	uint64_t size;
	unsigned layer;        /* layer that created it (0 for a directory walk) */
	const char *link;      /* symlink target */
	enum img_src src;
	const char *host;      /* IMG_SRC_HOST: file on the host (rootfs walk, --add) */
	int fd;                /* IMG_SRC_BLOB: a descriptor the table keeps open: the */
	uint64_t off;          /* temp file, or an uncompressed layer/tar read in place */
	bool elf;              /* starts with \x7fELF */
	bool lower_bytes;      /* a hard link to a file of an earlier layer: its bytes are not its layer's */
	uint8_t foreign;       /* IMG_FOREIGN_*: a Mach-O or PE file (issue 23), not checked */
	uint16_t pkg;          /* --add PKG: its index in img_fs.pkgs + 1; 0 when not from a package */
	int bin;               /* index given by the checker, -1 when none */
};

/* A release package given to --add (img_add_host): what it says of itself,
 * compared by the check with its files' needs (read/package.h pkg_compare) */
struct pkg_meta;
struct img_pkg {
	const char *host;         /* the package file as given */
	int kind;                 /* enum pkg_kind */
	const struct pkg_meta *meta; /* meta->read false when it has none */
};
#define IMG_MAX_PKGS 4096u

enum { IMG_FOREIGN_NONE, IMG_FOREIGN_MACHO, IMG_FOREIGN_FAT, IMG_FOREIGN_PE };

/* Limits, all configurable (goabi image --max-*); 0 means the default. */
struct img_limits {
	uint64_t max_bytes;     /* decompressed bytes read from all layers */
	uint64_t max_entries;   /* tar entries / directory entries in all */
	size_t max_path;        /* bytes of one path */
	unsigned max_symlinks;  /* symlinks followed resolving one path */
	uint64_t max_file;      /* bytes of one kept (ELF) file */
	/* optional: called now and then while layers are read (not a limit,
	 * but it travels with the reading options) */
	void (*progress)(void *ctx, uint64_t entries, uint64_t bytes);
	void *progress_ctx;
	/* registry and engine sources (docker://, docker-daemon:), the layer
	 * cache; NULL: defaults (read/registry.h) */
	const struct img_remote *remote;
};
#define IMG_DEF_MAX_BYTES ((uint64_t)16 << 30)
#define IMG_DEF_MAX_ENTRIES 2000000u
#define IMG_DEF_MAX_PATH 4096u
#define IMG_DEF_MAX_SYMLINKS 40u
#define IMG_DEF_MAX_FILE ((uint64_t)2 << 30)

struct img_fs {
	struct goabi_arena *ar;
	struct img_node *root;
	struct img_node **tab;
	size_t tabsz, nnodes;
	struct img_limits lim;
	const char *input;     /* as given */
	const char *format;    /* "rootfs", "docker-save", "oci-layout", "oci-archive" */
	const char *rootdir;   /* rootfs input: the directory */
	const char *os, *arch, *variant; /* image platform from its config, NULL if unknown */
	const char *ref;       /* image name/tag when the input names one */
	unsigned nlayers;
	uint64_t nentries, bytes, kept;
	bool limit_hit;        /* a limit stopped reading: the table is incomplete */
	struct goabi_strv diags; /* problems with the input, lower case */
	size_t nerrors;
	int blobfd;            /* temp file: bytes of kept files from compressed layers */
	uint64_t bloblen;
	int *fds;              /* descriptors nodes refer to, closed by img_close */
	size_t nfds, fdcap;
	/* reading state */
	int outerfd;           /* temp file holding members of a compressed image tar */
	uint64_t outerlen;
	struct img_outer *outer;
	size_t nouter, outercap;
	/* remote sources (read/registry.c, read/daemon.c, read/layercache.c) */
	const char *digest;      /* manifest digest of the image read, when known */
	const char **layer_digest; /* [layer - 1]: the digest of a layer whose bytes were verified, else NULL */
	unsigned nlayer_digest;
	unsigned cached_layers;  /* layers applied from the --cache directory */
	bool fatal;              /* reading stopped on an error that leaves no usable image */
	bool verify_members;     /* check docker-save members against their digests (engine output) */
	struct img_pkg *pkgs;    /* --add packages, in order (img_node.pkg) */
	unsigned npkgs;
	unsigned cur_pkg;        /* reading state: the package being applied (index + 1), 0 */
	/* called for every entry applied (the layer cache records them) */
	void (*rec)(void *ctx, struct img_fs *fs, const struct img_rec *e);
	void *rec_ctx;
};

/* Open INPUT (directory, docker-save tar, OCI layout directory or tar;
 * or a transport reference: docker://, docker-daemon:, oci:, oci-archive:,
 * docker-archive:, see read/registry.h).
 * platform is "os/arch[/variant]" or NULL for the host's; ref selects an
 * image by its org.opencontainers.image.ref.name annotation or docker tag
 * (NULL: the first for the platform). Returns 0 or a negative goabi_err;
 * fs->diags says what went wrong either way. */
int img_open(struct img_fs *fs, const char *input, const char *platform, const char *ref,
	     const struct img_limits *lim);
/* Put a host file into the image at path (--add). */
int img_add_host(struct img_fs *fs, const char *hostfile, const char *path);
/* Call once after the last img_open/img_add_host (flushes the temp file). */
int img_finish(struct img_fs *fs);
void img_close(struct img_fs *fs);

/* Resolve an absolute image path (symlinks followed inside the image,
 * the last one too when follow). NULL when absent; *why (may be NULL) gets
 * "not found", "symlink loop", "too many symlinks" or "not a directory". */
struct img_node *img_lookup(const struct img_fs *fs, const char *path, bool follow, const char **why);
/* The node's absolute path in the image ("/" for the root). */
const char *img_path(const struct img_fs *fs, const struct img_node *n, char *buf, size_t len);
/* The bytes of a regular file that was kept, mapped copy-on-write (libelf
 * may convert the pages in place; the file or layer never changes); a host
 * file is opened without following a symlink. An empty file maps as
 * (NULL, 0) and returns true. Release with img_unmap. */
bool img_map_private(const struct img_fs *fs, const struct img_node *n, uint8_t **p, size_t *len);
/* The same for reading; false also for an empty file. */
bool img_map(const struct img_fs *fs, const struct img_node *n, const uint8_t **p, size_t *len);
void img_unmap(const struct img_node *n, const uint8_t *p, size_t len);
/* For views over the table (facts/resolve.h's rsv_view): map the file at
 * path (symlinks followed), its node in *tok for img_unmap; call cb with the
 * name of each entry of the directory dir. false when there is none. */
bool img_map_path(const struct img_fs *fs, const char *path, const uint8_t **p, size_t *len, void **tok);
bool img_list_dir(const struct img_fs *fs, const char *dir, void (*cb)(void *, const char *), void *cbctx);
/* Children of a directory, in insertion order (for ld.so.conf.d globbing). */
#define img_for_each_child(d, c) for ((c) = (d)->child; (c); (c) = (c)->next)
/* Visit every node depth-first. */
void img_walk(const struct img_fs *fs, void (*fn)(void *ctx, struct img_node *n), void *ctx);

#endif
