/* Directory walk for -r: no symlinks followed, no device crossing, sorted. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/cli.h"

bool looks_like_binary(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return true; /* let inspect report why it cannot be read */
	unsigned char b[8];
	ssize_t n = read(fd, b, sizeof(b));
	close(fd);
	if (n >= 4 && memcmp(b, "\x7f" "ELF", 4) == 0)
		return true;
	return n >= 8 && (memcmp(b, "!<arch>\n", 8) == 0 || memcmp(b, "!<thin>\n", 8) == 0);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(const char *cmd, const char *dir, dev_t dev, unsigned depth, void (*fn)(void *, const char *),
		void *ctx)
{
	if (depth > 64) {
		fprintf(stderr, "goabi %s: '%s': directory nesting deeper than 64, not descending\n", cmd, dir);
		return 1;
	}
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "goabi %s: '%s': cannot open directory: %s\n", cmd, dir, strerror(errno));
		return 1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof(*names));
			if (!nn)
				break;
			names = nn;
		}
		names[n++] = strdup(e->d_name);
	}
	int errs = 0;
	int dfd = dirfd(d);
	if (n) /* an empty directory: names is NULL, which qsort must not get */
		qsort(names, n, sizeof(*names), cmp);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		char *path = NULL;
		if (names[i] && fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    asprintf(&path, "%s/%s", dir, names[i]) > 0) {
			if (S_ISDIR(st.st_mode) && st.st_dev == dev)
				errs += walk(cmd, path, dev, depth + 1, fn, ctx);
			else if (S_ISREG(st.st_mode))
				fn(ctx, path);
		}
		free(path);
		free(names[i]);
	}
	free(names);
	closedir(d);
	return errs;
}

int walk_tree(const char *cmd, const char *dir, void (*fn)(void *ctx, const char *path), void *ctx)
{
	struct stat st;
	if (lstat(dir, &st) != 0) {
		fprintf(stderr, "goabi %s: '%s': %s\n", cmd, dir, strerror(errno));
		return 1;
	}
	return walk(cmd, dir, st.st_dev, 0, fn, ctx);
}
