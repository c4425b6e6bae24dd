/* A root filesystem directory read on demand (image_sparse.c): the file
 * table holds only the paths added, with the directories and symlinks on
 * their way, so img_lookup and the image check work on a few files of a
 * large root such as "/" without walking it. */
#ifndef GOABI_READ_IMAGE_SPARSE_H
#define GOABI_READ_IMAGE_SPARSE_H

#include "read/image.h"

/* An empty table over rootdir; fs->diags says what is wrong on failure. */
int img_open_sparse(struct img_fs *fs, const char *rootdir, const struct img_limits *lim);
/* Add an absolute path inside the root when it exists (symlinks followed
 * inside the root, their targets added too). */
void img_sparse_add(struct img_fs *fs, const char *path);
/* Add a directory and its entries (one level; ld.so.conf.d globbing). */
void img_sparse_add_dir(struct img_fs *fs, const char *dir);

#endif
