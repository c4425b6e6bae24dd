/* A directory tree's regular files for the layers above src/read (the diff
 * check pairs two trees by relative path). The walk of src/cli/walk.c
 * without its printing: problems go to a callback. */
#ifndef GOABI_READ_TREE_H
#define GOABI_READ_TREE_H

#include <stdbool.h>
#include <stddef.h>

/* Calls file(ctx, path) for every regular file under dir, in sorted order
 * ("dir/a/b"): symbolic links are not followed, directories on another
 * device are not entered, nesting is bounded (64). Each problem (a
 * directory that cannot be opened, nesting too deep) calls
 * problem(ctx, path, message) with a lowercase message. Returns the number
 * of problems. */
size_t rd_walk_tree(const char *dir, void (*file)(void *ctx, const char *path),
		    void (*problem)(void *ctx, const char *path, const char *message), void *ctx);

/* True when the file starts like an ELF object or an ar archive, or cannot
 * be read (the caller's reader then says why). */
bool rd_looks_like_binary(const char *path);

#endif
