/* Command-line front-end: one file per command, a dispatcher in main.c. */
#ifndef GOABI_CLI_H
#define GOABI_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* Exit codes (docs/goabi.1): */
#define EXIT_CLEAN 0     /* no problem found */
#define EXIT_FINDINGS 1  /* incompatibility predicted / policy broken */
#define EXIT_INPUT 2     /* usage error or unreadable/malformed input */

/* Messages on stderr start "goabi COMMAND: " (file names quoted: 'FILE');
 * only errors before a command is chosen start "goabi: ". */

int cmd_inspect(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_link(int argc, char **argv);
int cmd_image(int argc, char **argv);
int cmd_plugin(int argc, char **argv);

/* Calls fn for every regular file under dir (not following symlinks, not
 * crossing devices), in sorted order. Returns the number of walk errors,
 * each also printed on stderr as "goabi CMD: 'dir': problem". */
int walk_tree(const char *cmd, const char *dir, void (*fn)(void *ctx, const char *path), void *ctx);

/* walk_tree with options: follow symbolic links (-L) to files and to
 * directories (directories on another device are still not entered; a link
 * back to a directory being walked is a loop, reported and not followed;
 * each file and directory is visited once, however many links reach it);
 * counts the links it did not follow. */
struct walk_opts {
	bool follow;
	size_t skipped_links; /* out: symbolic links not followed */
	/* private: (dev, inode) pairs seen when following */
	unsigned long long *seen;
	size_t nseen, seencap;
};
int walk_tree_opts(const char *cmd, const char *dir, void (*fn)(void *ctx, const char *path), void *ctx,
		   struct walk_opts *o);
void walk_opts_free(struct walk_opts *o);
/* True when the file starts like an ELF object or an ar archive. */
bool looks_like_binary(const char *path);

#endif
