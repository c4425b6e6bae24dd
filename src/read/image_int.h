/* Private to src/read/image*.c: table building blocks shared by the
 * table code (image.c) and the image-format readers (image_oci.c). */
#ifndef GOABI_READ_IMAGE_INT_H
#define GOABI_READ_IMAGE_INT_H

#include "read/image.h"

/* A member of an image tar (docker save, OCI archive), kept in the outer temp file. */
struct img_outer {
	const char *name;  /* cleaned member name */
	int fd;            /* the image tar itself (read in place) or the outer temp file */
	uint64_t off, size;
};

void img_diag(struct img_fs *fs, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
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

#endif
