/* Facts about the image's loaders and libraries that the per-file
 * inspection does not give: musl's version string (a string search, not ELF
 * parsing) and the library search path the loaders would use. All reads are
 * bounded. ELF structures come from goabi_inspect (libelf). */
#include <ctype.h>
#include <elf.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check/image_check_int.h"
#include "facts/facts.h"

#define MAX_MUSL_SCAN (8u << 20) /* musl's libc.so is under 1 MB */
#define MAX_CONF_DEPTH 8u
#define MAX_CONF_BYTES (1u << 20)

const char *imgc_musl_version(const uint8_t *p, size_t n, struct goabi_arena *ar)
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

unsigned imgc_arch_machine(const char *arch)
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
	static const struct { const char *arch, *tuple, *musl; } t[] = {
		{ "amd64", "x86_64-linux-gnu", "x86_64" }, { "arm64", "aarch64-linux-gnu", "aarch64" },
		{ "386", "i386-linux-gnu", "i386" }, { "arm", "arm-linux-gnueabihf", "armhf" },
		{ "ppc64le", "powerpc64le-linux-gnu", "powerpc64le" }, { "s390x", "s390x-linux-gnu", "s390x" },
		{ "riscv64", "riscv64-linux-gnu", "riscv64" },
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

static void add_dir(struct imgchk *c, struct goabi_strv *sv, const char *d, size_t len)
{
	while (len > 1 && d[len - 1] == '/')
		len--;
	if (!len || d[0] != '/')
		return;
	const char *s = arena_strndup(c->ar, d, len);
	if (s && sv->n < 256)
		strv_push_unique(c->ar, sv, s);
}

static void read_conf(struct imgchk *c, const char *path, unsigned depth);

static void conf_include(struct imgchk *c, const char *pat, unsigned depth)
{
	char full[4096];
	if (pat[0] == '/')
		snprintf(full, sizeof(full), "%s", pat);
	else
		snprintf(full, sizeof(full), "/etc/%s", pat);
	char *slash = strrchr(full, '/');
	*slash = 0;
	const char *base = slash + 1;
	struct img_node *dir = img_lookup(c->fs, full[0] ? full : "/", true, NULL);
	if (!dir || dir->type != IMG_DIR)
		return;
	/* glob(3) order: sorted names */
	const char *names[512];
	size_t nn = 0;
	struct img_node *ch;
	img_for_each_child(dir, ch)
		if (nn < 512 && fnmatch(base, ch->name, FNM_PERIOD) == 0)
			names[nn++] = ch->name;
	for (size_t i = 1; i < nn; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			const char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	for (size_t i = 0; i < nn; i++) {
		char p[4096 + 256];
		snprintf(p, sizeof(p), "%s/%s", full, names[i]);
		read_conf(c, p, depth + 1);
	}
}

/* ld.so.conf syntax (glibc elf/ldconfig.c parse_conf): '#' comments,
 * "include PATTERN", "hwcap ..." (ignored), directories separated by
 * white space, ':' or ','. */
static void read_conf(struct imgchk *c, const char *path, unsigned depth)
{
	if (depth > MAX_CONF_DEPTH)
		return;
	struct img_node *n = img_lookup(c->fs, path, true, NULL);
	const uint8_t *p;
	size_t len;
	if (!n || !img_map(c->fs, n, &p, &len))
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
			char *tok, *save;
			for (tok = strtok_r(s + 8, " \t\r", &save); tok; tok = strtok_r(NULL, " \t\r", &save))
				conf_include(c, tok, depth);
			continue;
		}
		if (strncmp(s, "hwcap", 5) == 0 && isspace((unsigned char)s[5]))
			continue;
		char *tok, *save;
		for (tok = strtok_r(s, " \t\r:,", &save); tok; tok = strtok_r(NULL, " \t\r:,", &save))
			add_dir(c, &c->glibc_dirs, tok, strlen(tok));
	}
	img_unmap(n, p, len);
}

void imgchk_search_paths(struct imgchk *c)
{
	const char *arch = c->fs->arch;
	read_conf(c, "/etc/ld.so.conf", 0);
	/* Debian's glibc searches the multiarch directories by default, then the
	 * upstream system directories (lib64 on 64-bit targets). */
	const char *tuple = multiarch(arch);
	char d[256];
	snprintf(d, sizeof(d), "/lib/%s", tuple);
	add_dir(c, &c->glibc_dirs, d, strlen(d));
	snprintf(d, sizeof(d), "/usr/lib/%s", tuple);
	add_dir(c, &c->glibc_dirs, d, strlen(d));
	bool is64 = !arch || strstr(arch, "64") || strcmp(arch, "s390x") == 0;
	if (is64) {
		add_dir(c, &c->glibc_dirs, "/lib64", 6);
		add_dir(c, &c->glibc_dirs, "/usr/lib64", 10);
	}
	add_dir(c, &c->glibc_dirs, "/lib", 4);
	add_dir(c, &c->glibc_dirs, "/usr/lib", 8);

	/* musl ldso/dynlink.c: $prefix/etc/ld-musl-$ARCH.path, entries separated
	 * by newlines or ':'; default "/lib:/usr/local/lib:/usr/lib" */
	char path[256];
	snprintf(path, sizeof(path), "/etc/ld-musl-%s.path", musl_arch(arch));
	struct img_node *n = img_lookup(c->fs, path, true, NULL);
	const uint8_t *p;
	size_t len;
	if (n && img_map(c->fs, n, &p, &len)) {
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
			add_dir(c, &c->musl_dirs, (const char *)p + s, t - s);
			i = e + 1;
		}
		img_unmap(n, p, len);
	} else {
		add_dir(c, &c->musl_dirs, "/lib", 4);
		add_dir(c, &c->musl_dirs, "/usr/local/lib", 14);
		add_dir(c, &c->musl_dirs, "/usr/lib", 8);
	}
}

void imgchk_search_dirs(struct img_fs *fs, struct goabi_arena *ar, struct goabi_strv *glibc, struct goabi_strv *musl)
{
	struct imgchk *c = calloc(1, sizeof(*c));
	if (!c)
		return;
	c->fs = fs;
	c->ar = ar;
	imgchk_search_paths(c);
	*glibc = c->glibc_dirs;
	*musl = c->musl_dirs;
	free(c);
}
