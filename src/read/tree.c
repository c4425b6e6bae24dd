/* Directory walk for the checks (read/tree.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "read/mapfile.h"
#include "read/tree.h"

#define MAX_DEPTH 64u

struct walk {
	void (*file)(void *ctx, const char *path);
	void (*problem)(void *ctx, const char *path, const char *message);
	void *ctx;
	dev_t dev;
	size_t problems;
};

static void problem(struct walk *w, const char *path, const char *msg)
{
	w->problems++;
	if (w->problem)
		w->problem(w->ctx, path, msg);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(struct walk *w, const char *dir, unsigned depth)
{
	if (depth > MAX_DEPTH) {
		problem(w, dir, "directory nesting deeper than 64, not descending");
		return;
	}
	DIR *d = opendir(dir);
	if (!d) {
		char msg[256];
		snprintf(msg, sizeof(msg), "cannot open directory: %s", strerror(errno));
		problem(w, dir, msg);
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			char **nn = realloc(names, nc * sizeof(*names));
			if (!nn)
				break;
			names = nn;
			cap = nc;
		}
		if ((names[n] = strdup(e->d_name)) != NULL)
			n++;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp);
	int dfd = dirfd(d);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		char *path = NULL;
		if (fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) == 0 && asprintf(&path, "%s/%s", dir, names[i]) > 0) {
			if (S_ISDIR(st.st_mode) && st.st_dev == w->dev)
				walk(w, path, depth + 1);
			else if (S_ISREG(st.st_mode))
				w->file(w->ctx, path);
		}
		free(path);
		free(names[i]);
	}
	free(names);
	closedir(d);
}

size_t rd_walk_tree(const char *dir, void (*file)(void *ctx, const char *path),
		    void (*prob)(void *ctx, const char *path, const char *message), void *ctx)
{
	struct walk w = { file, prob, ctx, 0, 0 };
	struct stat st;
	if (lstat(dir, &st) != 0) {
		problem(&w, dir, strerror(errno));
		return w.problems;
	}
	w.dev = st.st_dev;
	walk(&w, dir, 0);
	return w.problems;
}

bool rd_looks_like_binary(const char *path)
{
	unsigned char b[8];
	ssize_t n = rd_read_head(path, b, sizeof(b));
	if (n < 0)
		return true;
	if (n >= 4 && memcmp(b, "\x7f" "ELF", 4) == 0)
		return true;
	return n >= 8 && (memcmp(b, "!<arch>\n", 8) == 0 || memcmp(b, "!<thin>\n", 8) == 0);
}
