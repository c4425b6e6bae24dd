/* Image formats: `docker save` tarballs (manifest.json), OCI image layouts
 * (index.json -> manifest -> config -> layers; image-spec image-layout.md)
 * as a directory or a tar, a plain root-filesystem tar (`docker export`),
 * and root-filesystem directories. Layers go to img_apply_layer in order. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "read/image_int.h"
#include "read/registry.h"

#define MAX_JSON (16u << 20)   /* manifest, index or config */
#define MAX_MANIFESTS 4096u    /* leaf manifests in an index */
#define MAX_INDEX_DEPTH 4u
#define MAX_OUTER 100000u      /* members of an image tar */

/* A member of the image: a file of the layout directory (fd owned) or a
 * range of the image tar or of the outer temp file (fd not owned). */
struct blob {
	int fd;
	uint64_t off, n;
	bool owned;
};

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool get_member(struct img_fs *fs, const char *name, struct blob *b)
{
	memset(b, 0, sizeof(*b));
	b->fd = -1;
	if (strstr(name, "..") || name[0] == '/') {
		img_diag(fs, true, "'%s': refers to '%.200s', outside the image layout", fs->input, name);
		return false;
	}
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	if (fs->outer) {
		for (size_t i = 0; i < fs->nouter; i++)
			if (strcmp(fs->outer[i].name, name) == 0) {
				b->fd = fs->outer[i].fd;
				b->off = fs->outer[i].off;
				b->n = fs->outer[i].size;
				return true;
			}
		img_diag(fs, true, "'%s': member '%.200s' is missing", fs->input, name);
		return false;
	}
	char path[8192];
	snprintf(path, sizeof(path), "%s/%s", fs->input, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		img_diag(fs, true, "'%s': cannot read '%.200s': %s", fs->input, name, fd < 0 ? strerror(errno) : "not a file");
		if (fd >= 0)
			close(fd);
		return false;
	}
	b->fd = fd;
	b->n = (uint64_t)st.st_size;
	b->owned = true;
	return true;
}

static void put_member(struct blob *b)
{
	if (b->owned && b->fd >= 0)
		close(b->fd);
	b->fd = -1;
}

/* "blobs/sha256/HEX" or "HEX.json" (docker save's config) -> "sha256:HEX" */
static const char *name_digest(struct img_fs *fs, const char *name)
{
	const char *d = NULL;
	if (strncmp(name, "blobs/", 6) == 0 && strchr(name + 6, '/')) {
		char *s = arena_strdup(fs->ar, name + 6);
		if (s)
			*strchr(s, '/') = ':';
		d = s;
	} else if (strlen(name) == 69 && strcmp(name + 64, ".json") == 0) {
		d = arena_printf(fs->ar, "sha256:%.64s", name);
	}
	return d && img_digest_valid(d) ? d : NULL;
}

/* fs->verify_members (an engine's output): the member's bytes against a digest */
static bool verify_blob(struct img_fs *fs, const char *name, const struct blob *b, const char *digest)
{
	struct img_digest d;
	if (!img_digest_init(&d, digest)) {
		img_diag(fs, true, "'%s': member '%.200s': no usable digest to check it against", fs->input, name);
		return false;
	}
	uint8_t *buf = malloc(1 << 20);
	uint64_t off = 0;
	while (buf && off < b->n) {
		size_t want = b->n - off > (1 << 20) ? 1 << 20 : (size_t)(b->n - off);
		ssize_t r = pread(b->fd, buf, want, (off_t)(b->off + off));
		if (r <= 0)
			break;
		img_digest_update(&d, buf, (size_t)r);
		off += (uint64_t)r;
	}
	free(buf);
	char got[200] = "";
	if (off != b->n || !img_digest_final(&d, got, sizeof(got))) {
		img_diag(fs, true, "'%s': member '%.200s' does not match its digest %s (received %s)", fs->input, name,
			 digest, got);
		return false;
	}
	return true;
}

static json_t *load_json(struct img_fs *fs, const char *name)
{
	struct blob b;
	if (!get_member(fs, name, &b))
		return NULL;
	const char *nd = fs->verify_members ? name_digest(fs, name) : NULL;
	if (nd && !verify_blob(fs, name, &b, nd)) {
		put_member(&b);
		return NULL;
	}
	json_t *j = NULL;
	char *buf = NULL;
	if (b.n > MAX_JSON) {
		img_diag(fs, true, "'%s': '%.200s' is larger than %u bytes", fs->input, name, MAX_JSON);
	} else if (!(buf = malloc(b.n + 1)) || pread(b.fd, buf, (size_t)b.n, (off_t)b.off) != (ssize_t)b.n) {
		img_diag(fs, true, "'%s': cannot read '%.200s'", fs->input, name);
	} else {
		json_error_t err;
		j = json_loadb(buf, (size_t)b.n, 0, &err);
		if (!j)
			img_diag(fs, true, "'%s': '%.200s' is not valid JSON: %s (line %d)", fs->input, name, err.text,
				 err.line);
	}
	free(buf);
	put_member(&b);
	return j;
}

/* "sha256:abc" -> "blobs/sha256/abc"; NULL for anything else. */
static const char *blob_name(struct img_fs *fs, const char *digest)
{
	if (!digest)
		return NULL;
	const char *c = strchr(digest, ':');
	if (!c || c == digest || !c[1])
		return NULL;
	for (const char *p = digest; *p; p++)
		if (p != c && !((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
				 *p == '+' || *p == '.' || *p == '_' || *p == '-'))
			return NULL;
	return arena_printf(fs->ar, "blobs/%.*s/%s", (int)(c - digest), digest, c + 1);
}

void img_host_platform(const char **os, const char **arch, const char **variant)
{
	static struct utsname u;
	*os = "linux";
	*variant = NULL;
	*arch = "amd64";
	if (uname(&u) != 0)
		return;
	const char *m = u.machine;
	if (strcmp(m, "x86_64") == 0)
		*arch = "amd64";
	else if (strcmp(m, "aarch64") == 0)
		*arch = "arm64";
	else if (m[0] == 'i' && strcmp(m + 2, "86") == 0)
		*arch = "386";
	else if (strncmp(m, "armv7", 5) == 0) {
		*arch = "arm";
		*variant = "v7";
	} else
		*arch = m; /* ppc64le, s390x, riscv64, mips64 ... */
}

void img_set_platform_from_config(struct img_fs *fs, json_t *cfg)
{
	const char *os = json_string_value(json_object_get(cfg, "os"));
	const char *arch = json_string_value(json_object_get(cfg, "architecture"));
	const char *var = json_string_value(json_object_get(cfg, "variant"));
	if (os)
		fs->os = arena_strdup(fs->ar, os);
	if (arch)
		fs->arch = arena_strdup(fs->ar, arch);
	if (var)
		fs->variant = arena_strdup(fs->ar, var);
}

static int apply_layers(struct img_fs *fs, json_t *layers, bool docker, json_t *diff_ids)
{
	size_t i;
	json_t *l;
	int rc = 0;
	json_array_foreach(layers, i, l) {
		const char *name = docker ? json_string_value(l)
					  : blob_name(fs, json_string_value(json_object_get(l, "digest")));
		if (!name) {
			img_diag(fs, true, "'%s': layer %zu has no usable name or digest", fs->input, i + 1);
			continue;
		}
		struct blob b;
		if (!get_member(fs, name, &b))
			continue;
		if (fs->verify_members) {
			const char *want = docker ? json_string_value(json_array_get(diff_ids, i))
						  : json_string_value(json_object_get(l, "digest"));
			if (!verify_blob(fs, name, &b, want)) {
				put_member(&b);
				continue;
			}
		}
		if (b.owned && !img_keep_fd(fs, b.fd))
			return GOABI_ENOMEM; /* nodes may point into the layer file */
		char where[512];
		snprintf(where, sizeof(where), "layer %zu (%.200s)", i + 1, name);
		fs->nlayers = (unsigned)i + 1;
		rc = img_apply_layer(fs, b.fd, b.off, b.n, (unsigned)i + 1, where);
		if (rc == GOABI_ELIMIT || rc == GOABI_ENOMEM || rc == GOABI_EIO)
			return rc;
	}
	return 0;
}

int img_read_docker(struct img_fs *fs, const char *want_ref)
{
	fs->format = "docker-save";
	json_t *m = load_json(fs, "manifest.json");
	if (!m)
		return GOABI_EFORMAT;
	int rc = GOABI_EFORMAT;
	json_t *img = json_array_get(m, 0);
	const char *tag = NULL;
	if (want_ref) {
		size_t i, j;
		json_t *cand, *t;
		img = NULL;
		json_array_foreach(m, i, cand) {
			json_array_foreach(json_object_get(cand, "RepoTags"), j, t)
				if (json_string_value(t) && strcmp(json_string_value(t), want_ref) == 0) {
					img = cand;
					tag = want_ref;
				}
		}
		if (!img) {
			img_diag(fs, true, "'%s': no image tagged '%s' in manifest.json", fs->input, want_ref);
			goto out;
		}
	}
	if (!json_is_object(img)) {
		img_diag(fs, true, "'%s': manifest.json lists no image", fs->input);
		goto out;
	}
	if (json_array_size(m) > 1 && !want_ref)
		img_diag(fs, false, "'%s': manifest.json lists %zu images: checking the first (choose with --ref TAG)",
			 fs->input, json_array_size(m));
	if (!tag)
		tag = json_string_value(json_array_get(json_object_get(img, "RepoTags"), 0));
	if (tag)
		fs->ref = arena_strdup(fs->ar, tag);
	const char *cfgname = json_string_value(json_object_get(img, "Config"));
	json_t *cfg = cfgname ? load_json(fs, cfgname) : NULL;
	if (cfg)
		img_set_platform_from_config(fs, cfg);
	json_t *layers = json_object_get(img, "Layers");
	if (!json_is_array(layers)) {
		img_diag(fs, true, "'%s': manifest.json has no Layers list", fs->input);
		json_decref(cfg);
		goto out;
	}
	rc = apply_layers(fs, layers, true, json_object_get(json_object_get(cfg, "rootfs"), "diff_ids"));
	json_decref(cfg);
out:
	json_decref(m);
	return rc;
}

/* ---- OCI ---- */
struct leaf {
	const char *digest, *ref;
	const char *os, *arch, *variant; /* from the descriptor, or NULL */
};

struct leaves {
	struct leaf v[MAX_MANIFESTS];
	size_t n;
};

static const char *jdup(struct img_fs *fs, json_t *j)
{
	const char *s = json_string_value(j);
	return s ? arena_strdup(fs->ar, s) : NULL;
}

static void collect(struct img_fs *fs, json_t *index, unsigned depth, const char *pref, struct leaves *out)
{
	json_t *ms = json_object_get(index, "manifests");
	size_t i;
	json_t *d;
	json_array_foreach(ms, i, d) {
		const char *mt = json_string_value(json_object_get(d, "mediaType"));
		const char *dg = json_string_value(json_object_get(d, "digest"));
		if (mt && (strstr(mt, "image.index") || strstr(mt, "manifest.list"))) {
			if (depth >= MAX_INDEX_DEPTH) {
				img_diag(fs, true, "'%s': image indexes nested deeper than %u", fs->input, MAX_INDEX_DEPTH);
				continue;
			}
			const char *bn = blob_name(fs, dg);
			json_t *sub = bn ? load_json(fs, bn) : NULL;
			const char *r = jdup(fs, json_object_get(json_object_get(d, "annotations"),
								 "org.opencontainers.image.ref.name"));
			if (sub) {
				collect(fs, sub, depth + 1, r ? r : pref, out);
				json_decref(sub);
			}
			continue;
		}
		if (out->n >= MAX_MANIFESTS)
			return;
		struct leaf *l = &out->v[out->n++];
		l->digest = jdup(fs, json_object_get(d, "digest"));
		l->ref = jdup(fs, json_object_get(json_object_get(d, "annotations"), "org.opencontainers.image.ref.name"));
		if (!l->ref)
			l->ref = pref;
		json_t *p = json_object_get(d, "platform");
		l->os = jdup(fs, json_object_get(p, "os"));
		l->arch = jdup(fs, json_object_get(p, "architecture"));
		l->variant = jdup(fs, json_object_get(p, "variant"));
	}
}

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

int img_read_oci(struct img_fs *fs, const char *want_os, const char *want_arch, const char *want_var,
		 const char *want_ref)
{
	fs->format = fs->outer ? "oci-archive" : "oci-layout";
	json_t *idx = load_json(fs, "index.json");
	if (!idx)
		return GOABI_EFORMAT;
	struct leaves *lv = calloc(1, sizeof(*lv));
	if (!lv) {
		json_decref(idx);
		return GOABI_ENOMEM;
	}
	collect(fs, idx, 0, NULL, lv);
	json_decref(idx);
	int rc = GOABI_EFORMAT;
	json_t *chosen = NULL, *chosen_cfg = NULL;
	const struct leaf *cl = NULL;
	char avail[1024] = "";
	size_t nmatch = 0;
	for (size_t i = 0; i < lv->n; i++) {
		struct leaf *l = &lv->v[i];
		if (want_ref && !streq(l->ref, want_ref))
			continue;
		const char *bn = blob_name(fs, l->digest);
		json_t *man = bn ? load_json(fs, bn) : NULL;
		if (!man)
			continue;
		const char *cbn = blob_name(fs, json_string_value(json_object_get(json_object_get(man, "config"), "digest")));
		json_t *cfg = cbn ? load_json(fs, cbn) : NULL;
		const char *os = l->os, *arch = l->arch, *var = l->variant;
		if (!arch && cfg) {
			os = json_string_value(json_object_get(cfg, "os"));
			arch = json_string_value(json_object_get(cfg, "architecture"));
			var = json_string_value(json_object_get(cfg, "variant"));
		}
		size_t al = strlen(avail);
		if (al < sizeof(avail) - 64)
			snprintf(avail + al, sizeof(avail) - al, "%s%s/%s%s%s", al ? ", " : "", os ? os : "?",
				 arch ? arch : "?", var ? "/" : "", var ? var : "");
		bool match = streq(os, want_os) && streq(arch, want_arch) && (!want_var || !var || streq(var, want_var));
		nmatch += match;
		if (match && !chosen) {
			chosen = man;
			chosen_cfg = cfg;
			cl = l;
		} else {
			json_decref(man);
			json_decref(cfg);
		}
	}
	if (!chosen) {
		img_diag(fs, true, "'%s': no image%s%s for platform %s/%s%s%s in the index (available: %s)", fs->input,
			 want_ref ? " named " : "", want_ref ? want_ref : "", want_os, want_arch, want_var ? "/" : "",
			 want_var ? want_var : "", avail[0] ? avail : "none");
		goto out;
	}
	if (nmatch > 1)
		img_diag(fs, false, "'%s': %zu images for %s/%s in the index: checking '%s' (choose with --ref NAME)",
			 fs->input, nmatch, want_os, want_arch, cl->ref ? cl->ref : cl->digest);
	if (cl->ref)
		fs->ref = cl->ref;
	if (chosen_cfg)
		img_set_platform_from_config(fs, chosen_cfg);
	if (!fs->arch) {
		fs->os = cl->os;
		fs->arch = cl->arch;
		fs->variant = cl->variant;
	}
	json_t *layers = json_object_get(chosen, "layers");
	if (!json_is_array(layers))
		img_diag(fs, true, "'%s': manifest %s has no layers list", fs->input, cl->digest);
	else
		rc = apply_layers(fs, layers, false, NULL);
	json_decref(chosen);
	json_decref(chosen_cfg);
out:
	free(lv);
	return rc;
}

/* ---- image tars: members read in place when the tar is not compressed,
 * else copied to a private temp file ---- */
static int read_outer(struct img_fs *fs, bool *docker, bool *oci)
{
	int fd = open(fs->input, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0) {
		img_diag(fs, true, "'%s': %s", fs->input, fd < 0 ? strerror(errno) : "empty file");
		if (fd >= 0)
			close(fd);
		return GOABI_EIO;
	}
	if (!img_keep_fd(fs, fd))
		return GOABI_ENOMEM;
	size_t len = (size_t)st.st_size;
	void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		img_diag(fs, true, "'%s': cannot map: %s", fs->input, strerror(errno));
		return GOABI_EIO;
	}
	const uint8_t *base = m;
	struct archive *a = archive_read_new();
	if (!a) {
		munmap(m, len);
		return GOABI_ENOMEM;
	}
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	int rc = 0;
	if (archive_read_open_memory(a, m, len) != ARCHIVE_OK) {
		img_diag(fs, true, "'%s': not a readable tar: %s", fs->input, archive_error_string(a));
		archive_read_free(a);
		munmap(m, len);
		return GOABI_EFORMAT;
	}
	rc = img_read_outer_archive(fs, a, base, len, fd, docker, oci);
	archive_read_free(a);
	munmap(m, len);
	return rc;
}

int img_read_outer_archive(struct img_fs *fs, struct archive *a, const uint8_t *base, size_t len, int fd,
			   bool *docker, bool *oci)
{
	int rc = 0;
	struct archive_entry *e;
	int h;
	while ((h = archive_read_next_header(a, &e)) == ARCHIVE_OK || h == ARCHIVE_WARN) {
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		const char *name = archive_entry_pathname(e);
		if (!name)
			continue;
		while (name[0] == '.' && name[1] == '/')
			name += 2;
		if (fs->nouter >= MAX_OUTER) {
			img_diag(fs, true, "'%s': more than %u members", fs->input, MAX_OUTER);
			rc = GOABI_ELIMIT;
			break;
		}
		if (!arena_grow(fs->ar, &fs->outer, &fs->outercap, fs->nouter + 1, sizeof(*fs->outer))) {
			rc = GOABI_ENOMEM;
			break;
		}
		struct img_outer *o = &fs->outer[fs->nouter++];
		o->name = arena_strdup(fs->ar, name);
		if (strcmp(name, "manifest.json") == 0)
			*docker = true;
		if (strcmp(name, "index.json") == 0)
			*oci = true;
		uint64_t esize = archive_entry_size_is_set(e) ? (uint64_t)archive_entry_size(e) : 0;
		const void *buf;
		size_t sz;
		la_int64_t boff;
		int r = archive_read_data_block(a, &buf, &sz, &boff);
		const uint8_t *b = buf;
		if (r == ARCHIVE_EOF) {
			o->fd = fd;
			o->off = o->size = 0;
			continue;
		}
		if (base && r >= ARCHIVE_WARN && boff == 0 && sz == esize && b >= base && sz <= len &&
		    (size_t)(b - base) <= len - sz) {
			o->fd = fd; /* in place */
			o->off = (uint64_t)(b - base);
			o->size = sz;
			continue;
		}
		o->off = fs->outerlen;
		while (r >= ARCHIVE_WARN && r != ARCHIVE_EOF) {
			if (fs->outerlen - o->off + sz > fs->lim.max_bytes || (!base && fs->outerlen + sz > fs->lim.max_bytes)) {
				img_diag(fs, true, "'%s': member '%.200s' larger than the limit of %llu bytes (--max-size)",
					 fs->input, name, (unsigned long long)fs->lim.max_bytes);
				fs->limit_hit = true;
				rc = GOABI_ELIMIT;
				break;
			}
			if ((rc = img_tmp_write(fs, &fs->outerfd, &fs->outerlen, buf, sz)) != 0)
				break;
			r = archive_read_data_block(a, &buf, &sz, &boff);
		}
		o->fd = fs->outerfd;
		o->size = fs->outerlen - o->off;
		if (rc)
			break;
		if (r < ARCHIVE_WARN) {
			img_diag(fs, true, "'%s': member '%.200s' is truncated or corrupt: %s", fs->input, name,
				 archive_error_string(a));
			break;
		}
	}
	if (h == ARCHIVE_FATAL)
		img_diag(fs, true, "'%s': corrupt tar: %s", fs->input, archive_error_string(a));
	return rc;
}

/* Headers only: is this tar an image (manifest.json / index.json + oci-layout)? */
static int sniff_tar(struct img_fs *fs, bool *image)
{
	struct archive *a = archive_read_new();
	if (!a)
		return GOABI_ENOMEM;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_filename(a, fs->input, 65536) != ARCHIVE_OK) {
		img_diag(fs, true, "'%s': neither a directory nor a readable tar: %s", fs->input, archive_error_string(a));
		archive_read_free(a);
		return GOABI_EFORMAT;
	}
	struct archive_entry *e;
	int h, n = 0;
	*image = false;
	while ((h = archive_read_next_header(a, &e)) == ARCHIVE_OK || h == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(e);
		if (name && (strcmp(name, "manifest.json") == 0 || strcmp(name, "./manifest.json") == 0 ||
			     strcmp(name, "oci-layout") == 0 || strcmp(name, "./oci-layout") == 0)) {
			*image = true;
			break;
		}
		if (++n > 100000)
			break;
	}
	int rc = 0;
	if (h == ARCHIVE_FATAL && n == 0) {
		img_diag(fs, true, "'%s': neither a directory nor a readable tar: %s", fs->input, archive_error_string(a));
		rc = GOABI_EFORMAT;
	}
	archive_read_free(a);
	return rc;
}

/* A plain root-filesystem tar (`docker export`, a single layer). */
static int read_rootfs_tar(struct img_fs *fs)
{
	fs->format = "rootfs-tar";
	int fd = open(fs->input, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		img_diag(fs, true, "'%s': %s", fs->input, strerror(errno));
		if (fd >= 0)
			close(fd);
		return GOABI_EIO;
	}
	if (!img_keep_fd(fs, fd))
		return GOABI_ENOMEM;
	fs->nlayers = 1;
	return img_apply_layer(fs, fd, 0, (uint64_t)st.st_size, 1, fs->input);
}

int img_open(struct img_fs *fs, const char *input, const char *platform, const char *ref,
	     const struct img_limits *lim)
{
	int rc = img_init(fs, input, lim);
	if (rc)
		return rc;
	const char *os, *arch, *var;
	img_host_platform(&os, &arch, &var);
	if (platform && *platform) {
		char *p = arena_strdup(fs->ar, platform);
		char *s1 = strchr(p, '/');
		if (!s1) {
			img_diag(fs, true, "--platform '%s': expected OS/ARCH[/VARIANT]", platform);
			return GOABI_EFORMAT;
		}
		*s1++ = 0;
		char *s2 = strchr(s1, '/');
		if (s2)
			*s2++ = 0;
		os = p;
		arch = s1;
		var = s2;
	}
	/* transports, named as skopeo and podman name them (containers-transports(5)) */
	if (strncmp(input, "docker://", 9) == 0)
		return img_read_registry(fs, input + 9, os, arch, var, platform && *platform);
	if (strncmp(input, "docker-daemon:", 14) == 0)
		return img_read_daemon(fs, input + 14, os, arch, var);
	static const char *const local[] = { "oci:", "oci-archive:", "docker-archive:" };
	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++) {
		size_t pl = strlen(local[i]);
		if (strncmp(input, local[i], pl) != 0)
			continue;
		char *path = arena_strdup(fs->ar, input + pl);
		char *c = path ? strchr(path, ':') : NULL;
		if (!path)
			return GOABI_ENOMEM;
		if (c) { /* PATH:REF, split at the first colon as containers/image does */
			*c = 0;
			if (ref && strcmp(ref, c + 1) != 0) {
				img_diag(fs, true, "'%s': names image '%s' but --ref says '%s'", input, c + 1, ref);
				return GOABI_EFORMAT;
			}
			ref = c + 1;
		}
		input = fs->input = path;
		struct stat lst;
		bool dir = stat(path, &lst) == 0 && S_ISDIR(lst.st_mode);
		if (i == 0 && !dir) {
			img_diag(fs, true, "'%s': oci: needs an OCI layout directory", path);
			return GOABI_EFORMAT;
		}
		if (i > 0 && dir) {
			img_diag(fs, true, "'%s': %s needs a tar file, not a directory", path, local[i]);
			return GOABI_EFORMAT;
		}
		break;
	}
	struct stat st;
	if (stat(input, &st) != 0) {
		img_diag(fs, true, "'%s': %s", input, strerror(errno));
		return GOABI_EIO;
	}
	if (S_ISDIR(st.st_mode)) {
		char p[8192];
		snprintf(p, sizeof(p), "%s/index.json", input);
		bool idx = access(p, F_OK) == 0;
		snprintf(p, sizeof(p), "%s/oci-layout", input);
		if (idx && access(p, F_OK) == 0)
			return img_read_oci(fs, os, arch, var, ref);
		snprintf(p, sizeof(p), "%s/manifest.json", input);
		snprintf(p + 4000, sizeof(p) - 4000, "%s/etc", input);
		if (access(p, F_OK) == 0 && !is_dir(p + 4000))
			return img_read_docker(fs, ref);
		fs->os = os;
		fs->arch = arch;
		fs->variant = var;
		return img_read_rootfs(fs, input);
	}
	bool image = false;
	if ((rc = sniff_tar(fs, &image)) != 0)
		return rc;
	if (!image) {
		fs->os = os;
		fs->arch = arch;
		fs->variant = var;
		return read_rootfs_tar(fs);
	}
	bool docker = false, oci = false;
	rc = read_outer(fs, &docker, &oci);
	if (rc)
		return rc;
	if (oci)
		return img_read_oci(fs, os, arch, var, ref);
	if (docker)
		return img_read_docker(fs, ref);
	img_diag(fs, true, "'%s': image tar without index.json or manifest.json", input);
	return GOABI_EFORMAT;
}
