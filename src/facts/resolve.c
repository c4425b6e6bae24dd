/* The library resolver (facts/resolve.h): search directories, DT_NEEDED
 * lookup, the dependency tree and symbol versions, over a file system view.
 * Every read is bounded: configuration files to 1 MB, include depth 8,
 * 256 directories, 512 names per include pattern. */
#include <ctype.h>
#include <elf.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "facts/resolve.h"

#define MAX_CONF_DEPTH 8u
#define MAX_CONF_BYTES (1u << 20)
#define MAX_CONF_FILES 256u /* ld.so.conf and its includes, distinct files */
#define MAX_DIRS 256u
#define MAX_INCLUDE 512u
#define MAX_MUSL_SCAN (8u << 20) /* musl's libc.so is under 1 MB */

struct rsv_cached {
	struct rsv_cached *next;
	const char *name, *other;
	enum rsv_loader ld;
	int elfclass;
	unsigned machine;
	ssize_t idx;
};

void rsv_init(struct rsv *r, const struct rsv_view *v, struct goabi_arena *ar)
{
	memset(r, 0, sizeof(*r));
	r->v = v;
	r->ar = ar;
}

const char *rsv_kind_name(enum rsv_kind k)
{
	switch (k) {
	case RSV_MISSING_LIBRARY: return "missing-library";
	case RSV_WRONG_MACHINE: return "library-wrong-machine";
	case RSV_GO_RUNTIMES: return "go-runtimes";
	case RSV_GLIBC_TOO_OLD: return "glibc-too-old";
	case RSV_MISSING_VERSION: return "missing-version";
	case RSV_GLIBC_ON_MUSL: return "glibc-symbols-on-musl";
	}
	return "?";
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* ---- search directories ---- */
const char *const rsv_conf_files[] = {
	"/etc/ld.so.conf", "/etc/ld-musl-x86_64.path", "/etc/ld-musl-aarch64.path", "/etc/ld-musl-i386.path",
	"/etc/ld-musl-armhf.path", "/etc/ld-musl-riscv64.path", "/etc/ld-musl-s390x.path",
	"/etc/ld-musl-powerpc64le.path", NULL,
};
const char *const rsv_conf_dirs[] = { "/etc/ld.so.conf.d", NULL };

unsigned rsv_arch_machine(const char *arch)
{
	static const struct { const char *arch; unsigned m; } t[] = {
		{ "amd64", EM_X86_64 }, { "arm64", EM_AARCH64 }, { "386", EM_386 }, { "arm", EM_ARM },
		{ "ppc64le", EM_PPC64 }, { "ppc64", EM_PPC64 }, { "s390x", EM_S390 }, { "riscv64", EM_RISCV },
		{ "mips64le", EM_MIPS }, { "mipsle", EM_MIPS }, { "loong64", 258 },
	};
	for (size_t i = 0; arch && i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(arch, t[i].arch) == 0)
			return t[i].m;
	return 0;
}

static const char *multiarch(const char *arch)
{
	static const struct { const char *arch, *tuple; } t[] = {
		{ "amd64", "x86_64-linux-gnu" }, { "arm64", "aarch64-linux-gnu" },
		{ "386", "i386-linux-gnu" }, { "arm", "arm-linux-gnueabihf" },
		{ "ppc64le", "powerpc64le-linux-gnu" }, { "s390x", "s390x-linux-gnu" },
		{ "riscv64", "riscv64-linux-gnu" },
	};
	for (size_t i = 0; arch && i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(arch, t[i].arch) == 0)
			return t[i].tuple;
	return "x86_64-linux-gnu";
}

static const char *musl_arch(const char *arch)
{
	if (!arch || strcmp(arch, "amd64") == 0)
		return "x86_64";
	if (strcmp(arch, "arm64") == 0)
		return "aarch64";
	if (strcmp(arch, "386") == 0)
		return "i386";
	if (strcmp(arch, "arm") == 0)
		return "armhf";
	return arch;
}

static void add_dir(struct rsv *r, struct goabi_strv *sv, const char *d, size_t len)
{
	while (len > 1 && d[len - 1] == '/')
		len--;
	if (!len || d[0] != '/')
		return;
	const char *s = arena_strndup(r->ar, d, len);
	if (s && sv->n < MAX_DIRS)
		strv_push_unique(r->ar, sv, s);
}

static void read_conf(struct rsv *r, const char *path, unsigned depth);

struct names {
	const char *pat;
	const char *v[MAX_INCLUDE];
	size_t n;
	struct goabi_arena *ar;
};

static void name_cb(void *ctx, const char *name)
{
	struct names *k = ctx;
	if (k->n < MAX_INCLUDE && fnmatch(k->pat, name, FNM_PERIOD) == 0) {
		const char *s = arena_strdup(k->ar, name);
		if (s)
			k->v[k->n++] = s;
	}
}

static void conf_include(struct rsv *r, const char *pat, unsigned depth)
{
	char full[4096];
	if (pat[0] == '/')
		snprintf(full, sizeof(full), "%s", pat);
	else
		snprintf(full, sizeof(full), "/etc/%s", pat);
	char *slash = strrchr(full, '/');
	*slash = 0;
	struct names *k = calloc(1, sizeof(*k));
	if (!k)
		return;
	k->pat = slash + 1;
	k->ar = r->ar;
	if (!r->v->list || !r->v->list(r->v->ctx, full[0] ? full : "/", name_cb, k)) {
		free(k);
		return;
	}
	/* glob(3) order: sorted names */
	for (size_t i = 1; i < k->n; i++)
		for (size_t j = i; j > 0 && strcmp(k->v[j - 1], k->v[j]) > 0; j--) {
			const char *t = k->v[j];
			k->v[j] = k->v[j - 1];
			k->v[j - 1] = t;
		}
	for (size_t i = 0; i < k->n; i++) {
		char p[4096 + 256];
		snprintf(p, sizeof(p), "%s/%s", full, k->v[i]);
		read_conf(r, p, depth + 1);
	}
	free(k);
}

/* ld.so.conf syntax (glibc elf/ldconfig.c parse_conf): '#' comments,
 * "include PATTERN", "hwcap ..." (ignored), directories separated by
 * white space, ':' or ','. */
static void read_conf(struct rsv *r, const char *path, unsigned depth)
{
	if (depth > MAX_CONF_DEPTH || !r->v->map)
		return;
	/* A file included again adds no directory (each is kept once, at its
	 * first place), and a hostile root's file that includes itself on
	 * every line would otherwise cost lines^depth reads. */
	if (strv_contains(&r->conf_read, path) || r->conf_read.n >= MAX_CONF_FILES)
		return;
	const char *seen = arena_strdup(r->ar, path);
	if (!seen || !strv_push_unique(r->ar, &r->conf_read, seen))
		return;
	const uint8_t *p;
	size_t len;
	void *tok = NULL;
	if (!r->v->map(r->v->ctx, path, &p, &len, &tok))
		return;
	size_t lim = len < MAX_CONF_BYTES ? len : MAX_CONF_BYTES;
	size_t i = 0;
	while (i < lim) {
		size_t e = i;
		while (e < lim && p[e] != '\n')
			e++;
		char line[4096];
		size_t l = e - i < sizeof(line) - 1 ? e - i : sizeof(line) - 1;
		memcpy(line, p + i, l);
		line[l] = 0;
		i = e + 1;
		char *h = strchr(line, '#');
		if (h)
			*h = 0;
		char *s = line;
		while (isspace((unsigned char)*s))
			s++;
		if (strncmp(s, "include", 7) == 0 && isspace((unsigned char)s[7])) {
			char *t, *save;
			for (t = strtok_r(s + 8, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save))
				conf_include(r, t, depth);
			continue;
		}
		if (strncmp(s, "hwcap", 5) == 0 && isspace((unsigned char)s[5]))
			continue;
		char *t, *save;
		for (t = strtok_r(s, " \t\r:,", &save); t; t = strtok_r(NULL, " \t\r:,", &save))
			add_dir(r, &r->glibc_dirs, t, strlen(t));
	}
	r->v->unmap(r->v->ctx, tok, p, len);
}

void rsv_search_dirs(struct rsv *r, const char *arch)
{
	read_conf(r, "/etc/ld.so.conf", 0);
	/* Debian's glibc searches the multiarch directories by default, then the
	 * upstream system directories (lib64 on 64-bit targets). */
	const char *tuple = multiarch(arch);
	char d[256];
	snprintf(d, sizeof(d), "/lib/%s", tuple);
	add_dir(r, &r->glibc_dirs, d, strlen(d));
	snprintf(d, sizeof(d), "/usr/lib/%s", tuple);
	add_dir(r, &r->glibc_dirs, d, strlen(d));
	bool is64 = !arch || strstr(arch, "64") || strcmp(arch, "s390x") == 0;
	if (is64) {
		add_dir(r, &r->glibc_dirs, "/lib64", 6);
		add_dir(r, &r->glibc_dirs, "/usr/lib64", 10);
	}
	add_dir(r, &r->glibc_dirs, "/lib", 4);
	add_dir(r, &r->glibc_dirs, "/usr/lib", 8);

	/* musl ldso/dynlink.c: $prefix/etc/ld-musl-$ARCH.path, entries separated
	 * by newlines or ':'; default "/lib:/usr/local/lib:/usr/lib" */
	char path[256];
	snprintf(path, sizeof(path), "/etc/ld-musl-%s.path", musl_arch(arch));
	const uint8_t *p;
	size_t len;
	void *tok = NULL;
	if (r->v->map && r->v->map(r->v->ctx, path, &p, &len, &tok)) {
		size_t lim = len < MAX_CONF_BYTES ? len : MAX_CONF_BYTES, i = 0;
		while (i < lim) {
			size_t e = i;
			while (e < lim && p[e] != '\n' && p[e] != ':')
				e++;
			size_t s = i;
			while (s < e && isspace(p[s]))
				s++;
			size_t t = e;
			while (t > s && isspace(p[t - 1]))
				t--;
			add_dir(r, &r->musl_dirs, (const char *)p + s, t - s);
			i = e + 1;
		}
		r->v->unmap(r->v->ctx, tok, p, len);
	} else {
		add_dir(r, &r->musl_dirs, "/lib", 4);
		add_dir(r, &r->musl_dirs, "/usr/local/lib", 14);
		add_dir(r, &r->musl_dirs, "/usr/lib", 8);
	}
}

/* ---- one name ---- */
const char *rsv_expand(struct goabi_arena *ar, const char *dir, const char *origin, int elfclass)
{
	char out[4096];
	size_t o = 0;
	for (const char *p = dir; *p && o < sizeof(out) - 1;) {
		const char *rep = NULL;
		size_t skip = 0;
		if (p[0] == '$') {
			if (strncmp(p, "$ORIGIN", 7) == 0 || strncmp(p, "${ORIGIN}", 9) == 0) {
				rep = origin;
				skip = p[1] == '{' ? 9 : 7;
			} else if (strncmp(p, "$LIB", 4) == 0 || strncmp(p, "${LIB}", 6) == 0) {
				rep = elfclass == 64 ? "lib64" : "lib";
				skip = p[1] == '{' ? 6 : 4;
			} else if (strncmp(p, "$PLATFORM", 9) == 0 || strncmp(p, "${PLATFORM}", 11) == 0) {
				rep = "x86_64";
				skip = p[1] == '{' ? 11 : 9;
			}
		}
		if (rep) {
			size_t l = strlen(rep);
			if (o + l >= sizeof(out) - 1)
				break;
			memcpy(out + o, rep, l);
			o += l;
			p += skip;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = 0;
	return arena_strdup(ar, out);
}

const char *rsv_origin(struct goabi_arena *ar, const char *path)
{
	const char *s = strrchr(path, '/');
	if (!s)
		return ".";
	if (s == path)
		return "/";
	return arena_strndup(ar, path, (size_t)(s - path));
}

void rsv_path_list(struct goabi_arena *ar, const char *list, const char *origin, int elfclass, const char *name,
		   struct goabi_strv *out)
{
	if (!list)
		return;
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s", list);
	char *save, *tok;
	for (tok = strtok_r(buf, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		const char *d = rsv_expand(ar, tok, origin, elfclass);
		const char *p = d ? arena_printf(ar, "%s/%s", d, name) : NULL;
		if (p)
			strv_push(ar, out, p);
	}
}

static const struct rsv_obj *obj(const struct rsv *r, size_t i)
{
	return r->v->obj(r->v->ctx, i);
}

static bool compatible(const struct rsv_obj *a, const struct rsv_obj *b)
{
	return b && b->ok && a->machine == b->machine && a->elfclass == b->elfclass;
}

/* NAME in a DT_RPATH/DT_RUNPATH list; *other: a same-named file for another
 * machine or class */
static ssize_t find_in(struct rsv *r, const struct rsv_obj *from, const char *list, const char *origin,
		       const char *name, const char **other)
{
	struct goabi_strv cand = { 0 };
	rsv_path_list(r->ar, list, origin, from->elfclass, name, &cand);
	for (size_t i = 0; i < cand.n; i++) {
		ssize_t n = r->v->lookup(r->v->ctx, cand.v[i]);
		if (n < 0)
			continue;
		const struct rsv_obj *o = obj(r, (size_t)n);
		if (compatible(from, o))
			return n;
		if (!*other && o)
			*other = o->path;
	}
	return -1;
}

ssize_t rsv_find(struct rsv *r, enum rsv_loader ld, size_t from_i, ssize_t exe_i, const char *name, const char **other)
{
	const struct rsv_obj *from = obj(r, from_i);
	if (!from)
		return -1;
	if (strchr(name, '/')) {
		ssize_t n = r->v->lookup(r->v->ctx, name);
		return n >= 0 && compatible(from, obj(r, (size_t)n)) ? n : -1;
	}
	/* $ORIGIN: only a DT_RPATH/DT_RUNPATH list needs it */
	const char *origin = from->rpath || from->runpath ? rsv_origin(r->ar, from->path) : NULL;
	ssize_t x;
	if (ld == RSV_GLIBC) {
		/* DT_RPATH of the loading object and then of the executable, unless
		 * the loading object has DT_RUNPATH (glibc dl-load.c _dl_map_object) */
		if (!from->runpath) {
			if (from->rpath && (x = find_in(r, from, from->rpath, origin, name, other)) >= 0)
				return x;
			const struct rsv_obj *exe = exe_i >= 0 && (size_t)exe_i != from_i ? obj(r, (size_t)exe_i) : NULL;
			if (exe && exe->rpath && !exe->runpath &&
			    (x = find_in(r, from, exe->rpath, rsv_origin(r->ar, exe->path), name, other)) >= 0)
				return x;
		}
		if (from->runpath && (x = find_in(r, from, from->runpath, origin, name, other)) >= 0)
			return x;
	} else {
		/* musl and ld: DT_RUNPATH, else DT_RPATH, before the directories */
		const char *rp = from->runpath ? from->runpath : from->rpath;
		if (rp && (x = find_in(r, from, rp, origin, name, other)) >= 0)
			return x;
	}
	/* the search directories give the same answer for every object of one
	 * class and machine: remember it */
	size_t h = 1469598103934665603ull ^ (size_t)ld ^ ((size_t)from->elfclass << 2) ^ ((size_t)from->machine << 8);
	for (const char *q = name; *q; q++)
		h = (h ^ (unsigned char)*q) * 1099511628211ull;
	struct rsv_cached **slot = &r->cache[h % RSV_CACHE];
	for (struct rsv_cached *e = *slot; e; e = e->next)
		if (e->ld == ld && e->elfclass == from->elfclass && e->machine == from->machine &&
		    strcmp(e->name, name) == 0) {
			if (!*other)
				*other = e->other;
			return e->idx;
		}
	const struct goabi_strv *sys = ld == RSV_MUSL ? &r->musl_dirs : &r->glibc_dirs;
	ssize_t found = -1;
	const char *oth = NULL;
	for (size_t i = 0; i < sys->n && found < 0; i++) {
		const char *path = arena_printf(r->ar, "%s/%s", sys->v[i], name);
		ssize_t n = path ? r->v->lookup(r->v->ctx, path) : -1;
		if (n < 0)
			continue;
		const struct rsv_obj *o = obj(r, (size_t)n);
		if (compatible(from, o))
			found = n;
		else if (!oth && o)
			oth = o->path;
	}
	struct rsv_cached *e = arena_alloc(r->ar, sizeof(*e));
	if (e) {
		e->name = arena_strdup(r->ar, name);
		e->ld = ld;
		e->elfclass = from->elfclass;
		e->machine = from->machine;
		e->idx = found;
		e->other = oth;
		e->next = *slot;
		if (e->name)
			*slot = e;
	}
	if (!*other)
		*other = oth;
	return found;
}

/* ---- the tree ---- */
static bool is_musl_libc_name(const char *n)
{
	return strcmp(n, "libc.so") == 0 || strncmp(n, "libc.musl-", 10) == 0 || strncmp(n, "ld-musl-", 8) == 0;
}

static bool in_tree(const struct rsv_tree *t, size_t i)
{
	for (size_t k = 0; k < t->n; k++)
		if (t->obj[k] == i)
			return true;
	return false;
}

static const char *needed_by(struct rsv *r, size_t q, const struct rsv_obj *o)
{
	return q ? arena_printf(r->ar, " (needed by %s)", o->path) : "";
}

void rsv_closure(struct rsv *r, size_t root, const struct rsv_load *ld, struct rsv_tree *t, struct goabi_strv *deps,
		 rsv_report_fn fn, void *ctx)
{
	bool musl = ld->musl;
	t->n = 0;
	const struct rsv_obj *b = obj(r, root);
	if (!b)
		return;
	t->obj[t->n] = root;
	t->loaded_as[t->n++] = b->path;
	for (size_t q = 0; q < t->n; q++) {
		const struct rsv_obj *o = obj(r, t->obj[q]);
		for (size_t k = 0; o && k < o->nneeded; k++) {
			const char *name = o->needed[k];
			if (ld->interp_path && (strcmp(name, ld->loader_name) == 0 || (musl && is_musl_libc_name(name)))) {
				if (q == 0 && deps)
					strv_push(r->ar, deps, arena_printf(r->ar, "%s => %s (the interpreter)", name, ld->interp_path));
				continue;
			}
			if (musl && !ld->interp_path && is_musl_libc_name(name) && ld->interp_missing)
				continue; /* already reported: the interpreter is missing */
			const char *other = NULL;
			ssize_t x = rsv_find(r, musl ? RSV_MUSL : RSV_GLIBC, t->obj[q], (ssize_t)t->obj[0], name, &other);
			if (x < 0) {
				/* the loaders' words: glibc dl-load.c _dl_map_object, musl
				 * ldso/dynlink.c load_library's caller */
				struct rsv_problem p = { 0 };
				p.fatal = true;
				p.name = name;
				p.needed_by = o->path;
				p.says = musl ? arena_printf(r->ar, "Error loading shared library %s: No such file or directory (needed by %s)",
							     name, o->path)
					      : arena_printf(r->ar, "error while loading shared libraries: %s: cannot open shared object file: No such file or directory",
							     name);
				if (other) {
					p.kind = RSV_WRONG_MACHINE;
					p.lib = other;
					p.msg = arena_printf(r->ar, "%s%s: only %s found, for another machine or class", name,
							     needed_by(r, q, o), other);
				} else {
					p.kind = RSV_MISSING_LIBRARY;
					p.msg = arena_printf(r->ar, "%s%s not found", name, needed_by(r, q, o));
				}
				if (p.msg)
					fn(ctx, &p);
				continue;
			}
			if (q == 0 && deps)
				strv_push(r->ar, deps, arena_printf(r->ar, "%s => %s", name, obj(r, (size_t)x)->path));
			if (!in_tree(t, (size_t)x) && t->n < RSV_MAX_TREE) {
				t->obj[t->n] = (size_t)x;
				t->loaded_as[t->n++] = name;
			}
		}
	}
}

void rsv_runtimes(struct rsv *r, const struct rsv_tree *t, rsv_report_fn fn, void *ctx)
{
	char who[1024];
	size_t wl = 0, nrt = 0;
	bool gccgo = false;
	who[0] = 0;
	for (size_t q = 0; q < t->n; q++) {
		const struct rsv_obj *o = obj(r, t->obj[q]);
		if (!o || !o->go_version)
			continue;
		bool gc = strstr(o->go_version, "gccgo") == NULL;
		if (!gc && gccgo)
			continue;
		gccgo |= !gc;
		nrt++;
		if (wl < sizeof(who) - 200) {
			int w = snprintf(who + wl, sizeof(who) - wl, "%s%s (%s)", wl ? ", " : "", o->path, o->go_version);
			wl += w > 0 ? (size_t)w : 0;
		}
	}
	if (nrt < 2)
		return;
	struct rsv_problem p = { 0 };
	p.kind = RSV_GO_RUNTIMES;
	p.msg = arena_printf(r->ar, "%zu Go runtimes in one process: %s; Go supports one runtime per process "
			     "(golang/go#18976, #65050)", nrt, who);
	if (p.msg)
		fn(ctx, &p);
}

static bool has_str(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

void rsv_versions(struct rsv *r, const struct rsv_tree *t, const struct rsv_load *ld, rsv_report_fn fn, void *ctx)
{
	for (size_t q = 0; q < t->n; q++) {
		const struct rsv_obj *o = obj(r, t->obj[q]);
		for (size_t k = 0; o && k < o->nvn; k++) {
			const struct rsv_verneed *v = &o->vn[k];
			const struct rsv_obj *lib = NULL;
			for (size_t j = 0; j < t->n && !lib; j++) {
				const struct rsv_obj *cand = obj(r, t->obj[j]);
				if (cand && (strcmp(t->loaded_as[j], v->file) == 0 || (cand->soname && strcmp(cand->soname, v->file) == 0)))
					lib = cand;
			}
			if (!lib && ld->interp_path && strcmp(v->file, ld->loader_name) == 0) {
				ssize_t n = r->v->lookup(r->v->ctx, ld->interp_path);
				if (n >= 0)
					lib = obj(r, (size_t)n);
			}
			if (!lib)
				continue;
			if (ld->musl) {
				if (q == 0 && v->nvers && strncmp(v->vers[0], "GLIBC_", 6) == 0 && !lib->nverdef && lib->musl_version) {
					struct rsv_problem p = { 0 };
					p.kind = RSV_GLIBC_ON_MUSL;
					p.lib = lib->path;
					p.needed_by = o->path;
					p.msg = arena_printf(r->ar, "needs %s from %s, provided by musl: symbols may be missing",
							     v->vers[0], v->file);
					if (p.msg)
						fn(ctx, &p);
				}
				continue;
			}
			if (!lib->nverdef)
				continue; /* glibc only warns ("no version information available") */
			/* A glibc libc.so.6 of a known release: its release decides,
			 * against the object's glibc floor (the libc.glibc_floor fact:
			 * the newest GLIBC_x.y it needs). glibc never drops a version
			 * node, so GLIBC_x.y is defined exactly when x.y is not newer
			 * than the release: the same answer as looking each one up.
			 * Other versions (GLIBC_PRIVATE, other libraries'
			 * GLIBCXX_3.4.30 ...) are looked up in the library's
			 * definitions, as dl-version.c does. */
			const char *rel = lib->libc_family && strcmp(lib->libc_family, "glibc") == 0 && lib->libc_version
						  ? arena_printf(r->ar, "GLIBC_%s", lib->libc_version)
						  : NULL;
			bool floor_ok = rel && (!o->glibc_floor || version_cmp(o->glibc_floor, rel) <= 0);
			char miss[512];
			size_t mo = 0, nmiss = 0, nnum = 0;
			miss[0] = 0;
			for (size_t j = 0; j < v->nvers; j++) {
				bool numbered = rel && strncmp(v->vers[j], "GLIBC_", 6) == 0 && v->vers[j][6] >= '0' &&
						v->vers[j][6] <= '9';
				bool missing = numbered ? !floor_ok && version_cmp(v->vers[j], rel) > 0
							: !has_str(lib->verdef, lib->nverdef, v->vers[j]);
				if (missing) {
					nnum += numbered;
					if (mo < sizeof(miss) - 80) {
						int w = snprintf(miss + mo, sizeof(miss) - mo, "%s%s", nmiss ? ", " : "", v->vers[j]);
						mo += w > 0 ? (size_t)w : 0;
					}
					nmiss++;
				}
			}
			if (!nmiss)
				continue;
			/* glibc names the first missing version (dl-version.c match_symbol) */
			size_t fl = strcspn(miss, ",");
			struct rsv_problem p = { 0 };
			p.kind = nnum ? RSV_GLIBC_TOO_OLD : RSV_MISSING_VERSION;
			p.fatal = true;
			p.lib = lib->path;
			p.needed_by = o->path;
			p.first_missing = arena_strndup(r->ar, miss, fl);
			p.says = arena_printf(r->ar, "%s: version `%.*s' not found (required by %s)", lib->path, (int)fl, miss,
					      o->path);
			const char *label = lib->libc_family && lib->libc_version
						    ? arena_printf(r->ar, " (%s %s)", lib->libc_family, lib->libc_version)
						    : "";
			p.msg = arena_printf(r->ar, "%s not defined by %s%s%s", miss, lib->path, label ? label : "",
					     needed_by(r, q, o));
			if (p.msg)
				fn(ctx, &p);
		}
	}
}

/* ---- facts of the view's files ---- */
bool rsv_is_loader_name(const char *bn)
{
	return strncmp(bn, "ld-linux", 8) == 0 || strncmp(bn, "ld-musl-", 8) == 0 || strcmp(bn, "ld64.so.1") == 0 ||
	       strcmp(bn, "ld64.so.2") == 0 || strncmp(bn, "ld.so.1", 7) == 0;
}

bool rsv_musl_candidate(const char *bn)
{
	return strncmp(bn, "ld-musl-", 8) == 0 || strncmp(bn, "libc.so", 7) == 0 || strncmp(bn, "libc.musl-", 10) == 0;
}

bool rsv_libc(const struct rsv_obj *o, const char **family, const char **version, const char **best)
{
	*family = *version = *best = NULL;
	if (!o->ok)
		return false;
	/* by file name, else by SONAME: before glibc 2.34 the files are
	 * libc-2.31.so and ld-2.31.so behind the libc.so.6 and
	 * ld-linux-x86-64.so.2 symlinks (bullseye, focal, EL8) */
	const char *bn = base_name(o->path);
	if (o->soname && (strncmp(bn, "libc-", 5) == 0 || strncmp(bn, "ld-", 3) == 0))
		bn = o->soname;
	if (strcmp(bn, "libc.so.6") == 0 && o->nverdef) {
		for (size_t j = 0; j < o->nverdef; j++)
			if (strncmp(o->verdef[j], "GLIBC_2.", 8) == 0 && (!*best || version_cmp(o->verdef[j], *best) > 0))
				*best = o->verdef[j];
		*family = "glibc";
		*version = *best ? *best + 6 : NULL;
		return true;
	}
	if (o->musl_version && (strncmp(bn, "ld-musl-", 8) == 0 || strcmp(bn, "libc.so") == 0 ||
				strncmp(bn, "libc.musl-", 10) == 0)) {
		*family = "musl";
		*version = o->musl_version;
		return true;
	}
	return false;
}

const char *rsv_musl_version(const uint8_t *p, size_t n, struct goabi_arena *ar)
{
	static const char tag[] = "musl libc (";
	if (n > MAX_MUSL_SCAN)
		n = MAX_MUSL_SCAN;
	if (!memmem(p, n, tag, sizeof(tag) - 1))
		return NULL;
	/* the only NUL-delimited string of the form N.N.N (musl's VERSION) */
	const char *found = NULL;
	size_t flen = 0;
	for (size_t i = 1; i + 6 < n; i++) {
		if (p[i - 1] != 0 || !isdigit(p[i]))
			continue;
		size_t j = i, dots = 0;
		while (j < n && j - i < 16 && (isdigit(p[j]) || p[j] == '.')) {
			dots += p[j] == '.';
			j++;
		}
		if (j < n && p[j] == 0 && dots == 2 && isdigit(p[j - 1]) && j - i >= 5) {
			if (found && (flen != j - i || memcmp(found, p + i, flen) != 0))
				return NULL; /* ambiguous */
			found = (const char *)p + i;
			flen = j - i;
		}
		i = j;
	}
	return found ? arena_strndup(ar, found, flen) : NULL;
}

void rsv_obj_from_artifact(struct goabi_arena *ar, const char *path, const struct goabi_artifact *a, struct rsv_obj *o)
{
	memset(o, 0, sizeof(*o));
	o->path = path;
	if (!a || a->kind != GOABI_KIND_ELF || !a->id.elfclass)
		return;
	o->ok = true;
	o->machine = a->id.machine;
	o->elfclass = a->id.elfclass;
	const struct goabi_libc *l = &a->libc;
	o->soname = l->soname;
	o->rpath = l->rpath;
	o->runpath = l->runpath;
	o->needed = (const char *const *)l->needed.v;
	o->nneeded = l->needed.n;
	o->verdef = (const char *const *)l->verdef.v;
	o->nverdef = l->verdef.n;
	o->glibc_floor = l->glibc_floor.value;
	if (l->nverneed) {
		struct rsv_verneed *vn = arena_alloc(ar, l->nverneed * sizeof(*vn));
		for (size_t i = 0; vn && i < l->nverneed; i++) {
			struct rsv_verneed *v = &vn[o->nvn++];
			memset(v, 0, sizeof(*v));
			v->file = l->verneed[i].file;
			v->vers = arena_alloc(ar, (l->verneed[i].versions.n + 1) * sizeof(*v->vers));
			/* a weak reference (VER_FLG_WEAK) does not stop the loader */
			for (size_t j = 0; v->vers && j < l->verneed[i].versions.n; j++)
				if (!strv_contains(&l->verneed[i].weak, l->verneed[i].versions.v[j]))
					v->vers[v->nvers++] = l->verneed[i].versions.v[j];
		}
		o->vn = vn;
	}
	/* programs and shared objects, not gccgo's export data (.gox), other
	 * relocatables or debug files (the image check's Go inventory too) */
	const struct goabi_go *g = &a->go;
	if ((a->id.type == ET_EXEC || a->id.type == ET_DYN) && !a->id.debug_file && goabi_go_is_go(g))
		o->go_version = g->version.value ? g->version.value
				: g->version_range.value ? g->version_range.value
				: a->typed.toolchain == GOABI_TC_GCCGO ? "gccgo (version unknown)" : "go (version unknown)";
}
