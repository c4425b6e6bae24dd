/* Private to src/read/image*.c: table building blocks shared by the
 * table code (image.c) and the image-format readers (image_oci.c). */
#ifndef GOABI_READ_IMAGE_INT_H
#define GOABI_READ_IMAGE_INT_H

#include <archive.h>
#include <jansson.h>
#include <sys/types.h>
#include "read/image.h"

/* A member of an image tar (docker save, OCI archive), kept in the outer temp file. */
struct img_outer {
	const char *name;  /* cleaned member name */
	int fd;            /* the image tar itself (read in place) or the outer temp file */
	uint64_t off, size;
};

void img_diag(struct img_fs *fs, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* An error that ends the reading of the whole input ('INPUT': message): a
 * registry or daemon that cannot give the image. */
void img_fail_input(struct img_fs *fs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int img_init(struct img_fs *fs, const char *input, const struct img_limits *lim);
struct img_node *img_child(const struct img_fs *fs, const struct img_node *dir, const char *name, size_t len);
struct img_node *img_new_child(struct img_fs *fs, struct img_node *dir, const char *name, size_t len,
			       enum img_type t);
void img_remove(struct img_fs *fs, struct img_node *n);
int img_tmp_write(struct img_fs *fs, int *fdp, uint64_t *lenp, const void *p, size_t n);
/* Keep fd open until img_close (nodes may refer to it). Returns false (and
 * closes fd) when out of memory. */
bool img_keep_fd(struct img_fs *fs, int fd);
/* Apply the layer stored in fd at [off, off+len): fd must be kept. */
int img_apply_layer(struct img_fs *fs, int fd, uint64_t off, uint64_t len, unsigned layer, const char *where);
int img_read_rootfs(struct img_fs *fs, const char *dir);

/* A layer whose bytes arrive through read (a libarchive read callback: a
 * network stream). Nothing is referenced in place: kept files go to the
 * temp file. */
int img_apply_layer_stream(struct img_fs *fs, archive_read_callback *read, void *ctx, unsigned layer,
			   const char *where);

/* One entry as applied to the table (fs->rec): the cleaned path, its type
 * and, for a kept regular file, the node holding its bytes. */
struct img_rec {
	const char *path;       /* cleaned, relative ("usr/bin/x", ".wh.name" kept as is) */
	mode_t type;            /* AE_IFREG, AE_IFDIR, AE_IFLNK, ... */
	uint32_t perm;
	const char *symlink;    /* AE_IFLNK */
	const char *hardlink;   /* cleaned target of a hard link, else NULL */
	const struct img_node *node; /* regular file with kept bytes, else NULL */
};

/* Formats implemented in image_oci.c, used by the remote sources too. */
/* Read the members of an image tar from an opened archive (any source);
 * base/len: the tar mapped in memory, for members read in place (NULL for
 * a stream), fd the descriptor behind that mapping (-1 for a stream). */
int img_read_outer_archive(struct img_fs *fs, struct archive *a, const uint8_t *base, size_t len, int fd,
			   bool *docker, bool *oci);
int img_read_docker(struct img_fs *fs, const char *want_ref);
int img_read_oci(struct img_fs *fs, const char *os, const char *arch, const char *var, const char *want_ref);
/* The host's platform as OCI names it (linux/amd64, linux/arm/v7...). */
void img_host_platform(const char **os, const char **arch, const char **variant);
void img_set_platform_from_config(struct img_fs *fs, json_t *cfg);

/* Remote sources: read/registry.c (docker://REF) and read/daemon.c
 * (docker-daemon:NAME). */
int img_read_registry(struct img_fs *fs, const char *ref, const char *os, const char *arch, const char *var,
		      bool platform_given);
int img_read_daemon(struct img_fs *fs, const char *name, const char *os, const char *arch, const char *var);

/* IMG_FOREIGN_* of a file from its first n bytes (PE: "MZ" and the "PE\0\0"
 * e_lfanew points to, when it lies in those bytes). */
uint8_t img_foreign_kind(const uint8_t *p, size_t n);
/* Read the first bytes of fd: n->elf and n->foreign. */
void img_sniff_fd(struct img_node *n, int fd);

#endif
