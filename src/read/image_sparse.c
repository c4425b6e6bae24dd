/* A root filesystem directory as an image file table, without walking it:
 * only the paths asked for become nodes, with the directories and symlinks
 * on their way (symlinks resolved inside the root, as img_lookup does).
 * For checks that need a handful of files of a large root such as "/"
 * (goabi plugin: one plugin's DT_NEEDED closure). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "read/image_int.h"
#include "read/image_sparse.h"

int img_open_sparse(struct img_fs *fs, const char *rootdir, const struct img_limits *lim)
{
	int rc = img_init(fs, rootdir, lim);
	if (rc)
		return rc;
	fs->format = "rootfs";
	size_t l = strlen(rootdir);
	while (l > 1 && rootdir[l - 1] == '/')
		l--;
	fs->rootdir = arena_strndup(fs->ar, rootdir, l);
	struct stat st;
	if (!fs->rootdir || stat(fs->rootdir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		img_diag(fs, true, "'%s': not a directory", rootdir);
		return GOABI_EIO;
	}
	return 0;
}

static const char *host_path(const struct img_fs *fs, const char *path)
{
	/* rootdir "/" -> "/path", rootdir "/r" -> "/r/path" */
	return arena_printf(fs->ar, "%s%s", strcmp(fs->rootdir, "/") == 0 ? "" : fs->rootdir, path);
}

static struct img_node *add_one(struct img_fs *fs, struct img_node *dir, const char *name, size_t len,
				const char *hp)
{
	struct img_node *n = img_child(fs, dir, name, len);
	if (n)
		return n;
	struct stat st;
	if (lstat(hp, &st) != 0)
		return NULL;
	enum img_type t = S_ISDIR(st.st_mode) ? IMG_DIR : S_ISREG(st.st_mode) ? IMG_REG
			  : S_ISLNK(st.st_mode) ? IMG_SYMLINK : IMG_OTHER;
	n = img_new_child(fs, dir, name, len, t);
	if (!n)
		return NULL;
	n->mode = st.st_mode & 07777;
	if (t == IMG_SYMLINK) {
		char buf[4097];
		ssize_t l = readlink(hp, buf, sizeof(buf) - 1);
		buf[l > 0 ? l : 0] = 0;
		n->link = arena_strdup(fs->ar, buf);
	} else if (t == IMG_REG) {
		n->size = (uint64_t)st.st_size;
		n->src = IMG_SRC_HOST;
		n->host = arena_strdup(fs->ar, hp);
		int fd = open(hp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
		if (fd >= 0) {
			img_sniff_fd(n, fd);
			close(fd);
		}
	}
	return n;
}

static void sparse_add(struct img_fs *fs, const char *path, unsigned depth)
{
	if (depth > fs->lim.max_symlinks || path[0] != '/' || strlen(path) > fs->lim.max_path)
		return;
	struct img_node *dir = fs->root;
	char prefix[IMG_DEF_MAX_PATH * 2 + 2] = "";
	size_t pl = 0;
	const char *p = path;
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
			/* symlinks on the way are resolved already: prefix is dir's
			 * real path, ".." its parent (stopping at the root) */
			if (dir->parent)
				dir = dir->parent;
			while (pl > 0 && prefix[pl - 1] != '/')
				pl--;
			if (pl > 0)
				pl--;
			prefix[pl] = 0;
			p += len;
			continue;
		}
		if (pl + 1 + len >= sizeof(prefix))
			return;
		prefix[pl++] = '/';
		memcpy(prefix + pl, p, len);
		pl += len;
		prefix[pl] = 0;
		struct img_node *n = add_one(fs, dir, p, len, host_path(fs, prefix));
		if (!n)
			return;
		p += len;
		if (n->type == IMG_SYMLINK && n->link) {
			/* add the target, then the rest of the path from there */
			char next[IMG_DEF_MAX_PATH * 2 + 2];
			const char *rest = p;
			if (n->link[0] == '/')
				snprintf(next, sizeof(next), "%s%s", n->link, rest);
			else
				snprintf(next, sizeof(next), "%.*s/%s%s", (int)(pl - len), prefix, n->link, rest);
			sparse_add(fs, next, depth + 1);
			return;
		}
		if (n->type != IMG_DIR)
			return;
		dir = n;
	}
}

void img_sparse_add(struct img_fs *fs, const char *path)
{
	sparse_add(fs, path, 0);
}

void img_sparse_add_dir(struct img_fs *fs, const char *dir)
{
	sparse_add(fs, dir, 0);
	const char *hp = host_path(fs, dir);
	DIR *d = hp ? opendir(hp) : NULL;
	if (!d)
		return;
	struct dirent *de;
	size_t n = 0;
	while ((de = readdir(d)) != NULL && n++ < 4096) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		const char *p = arena_printf(fs->ar, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, de->d_name);
		if (p)
			sparse_add(fs, p, 0);
	}
	closedir(d);
}
