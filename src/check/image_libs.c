/* Facts about the image's loaders and libraries that the per-file
 * inspection does not give: version definitions of libraries (what
 * .gnu.version_r entries are checked against), musl's version string and
 * the library search path the loaders would use. All reads are bounded. */
#include <ctype.h>
#include <elf.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include "check/image_int.h"
#include "facts/facts.h"

#define MAX_VERDEF 10000u
#define MAX_CONF_DEPTH 8u
#define MAX_CONF_BYTES (1u << 20)

struct rawelf {
	const uint8_t *p;
	size_t n;
	bool be, is64;
};

static uint64_t rd(const struct rawelf *e, uint64_t off, unsigned sz)
{
	if (!range_ok(off, sz, e->n))
		return 0;
	const uint8_t *q = e->p + off;
	uint64_t v = 0;
	for (unsigned i = 0; i < sz; i++)
		v |= (uint64_t)q[e->be ? sz - 1 - i : i] << (8 * i);
	return v;
}

/* File offset of a virtual address through the PT_LOAD segments. */
static bool vaddr_off(const struct rawelf *e, uint64_t phoff, unsigned phnum, unsigned phentsize, uint64_t va,
		      uint64_t *off)
{
	for (unsigned i = 0; i < phnum; i++) {
		uint64_t ph = phoff + (uint64_t)i * phentsize;
		if (rd(e, ph, 4) != PT_LOAD)
			continue;
		uint64_t o, v, fsz;
		if (e->is64) {
			o = rd(e, ph + 8, 8);
			v = rd(e, ph + 16, 8);
			fsz = rd(e, ph + 32, 8);
		} else {
			o = rd(e, ph + 4, 4);
			v = rd(e, ph + 8, 4);
			fsz = rd(e, ph + 16, 4);
		}
		if (va >= v && va - v < fsz) {
			*off = o + (va - v);
			return *off < e->n;
		}
	}
	return false;
}

bool imgc_read_verdef(const uint8_t *p, size_t n, struct goabi_arena *ar, const char ***out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	if (n < 52 || memcmp(p, "\x7f" "ELF", 4) != 0 || (p[4] != 1 && p[4] != 2) || (p[5] != 1 && p[5] != 2))
		return false;
	struct rawelf e = { p, n, p[5] == 2, p[4] == 2 };
	uint64_t phoff = e.is64 ? rd(&e, 32, 8) : rd(&e, 28, 4);
	unsigned phentsize = (unsigned)rd(&e, e.is64 ? 54 : 42, 2);
	unsigned phnum = (unsigned)rd(&e, e.is64 ? 56 : 44, 2);
	if (phentsize < (e.is64 ? 56u : 32u) || !range_ok(phoff, (uint64_t)phnum * phentsize, n))
		return false;
	uint64_t dyn = 0, dynsz = 0;
	for (unsigned i = 0; i < phnum; i++) {
		uint64_t ph = phoff + (uint64_t)i * phentsize;
		if (rd(&e, ph, 4) == PT_DYNAMIC) {
			dyn = e.is64 ? rd(&e, ph + 8, 8) : rd(&e, ph + 4, 4);
			dynsz = e.is64 ? rd(&e, ph + 32, 8) : rd(&e, ph + 16, 4);
		}
	}
	if (!dynsz || !range_ok(dyn, dynsz, n))
		return true;
	unsigned es = e.is64 ? 16 : 8, ws = e.is64 ? 8 : 4;
	uint64_t strtab = 0, strsz = 0, verdef = 0, verdefnum = 0;
	for (uint64_t o = dyn; o + es <= dyn + dynsz; o += es) {
		uint64_t tag = rd(&e, o, ws), val = rd(&e, o + ws, ws);
		if (tag == DT_NULL)
			break;
		if (tag == DT_STRTAB)
			strtab = val;
		else if (tag == DT_STRSZ)
			strsz = val;
		else if (tag == DT_VERDEF)
			verdef = val;
		else if (tag == DT_VERDEFNUM)
			verdefnum = val;
	}
	uint64_t stroff, vdoff;
	if (!verdef || !verdefnum || !strtab || !vaddr_off(&e, phoff, phnum, phentsize, strtab, &stroff) ||
	    !vaddr_off(&e, phoff, phnum, phentsize, verdef, &vdoff))
		return true;
	if (strsz > n - stroff)
		strsz = n - stroff;
	if (verdefnum > MAX_VERDEF)
		verdefnum = MAX_VERDEF;
	const char **v = arena_alloc(ar, (size_t)verdefnum * sizeof(*v));
	if (!v)
		return true;
	size_t k = 0;
	uint64_t o = vdoff;
	/* Elf*_Verdef: half version, flags, ndx, cnt; word hash, aux, next (20 bytes both classes) */
	for (uint64_t i = 0; i < verdefnum && range_ok(o, 20, n); i++) {
		unsigned flags = (unsigned)rd(&e, o + 2, 2);
		uint64_t aux = rd(&e, o + 12, 4), next = rd(&e, o + 16, 4);
		uint64_t name = rd(&e, o + aux, 4); /* Verdaux.vda_name */
		if (range_ok(o + aux, 8, n) && !(flags & VER_FLG_BASE) && name < strsz) {
			const char *s = (const char *)p + stroff + name;
			const char *z = memchr(s, 0, (size_t)(strsz - name));
			if (z)
				v[k++] = arena_strndup(ar, s, (size_t)(z - s));
		}
		if (!next)
			break;
		o += next;
	}
	*out = v;
	*nout = k;
	return true;
}

const char *imgc_musl_version(const uint8_t *p, size_t n, struct goabi_arena *ar)
{
	static const char tag[] = "musl libc (";
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

static void add_dir(struct imgc *c, struct goabi_strv *sv, const char *d, size_t len)
{
	while (len > 1 && d[len - 1] == '/')
		len--;
	if (!len || d[0] != '/')
		return;
	const char *s = arena_strndup(c->ar, d, len);
	if (s && sv->n < 256)
		strv_push_unique(c->ar, sv, s);
}

static void read_conf(struct imgc *c, const char *path, unsigned depth);

static void conf_include(struct imgc *c, const char *pat, unsigned depth)
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
static void read_conf(struct imgc *c, const char *path, unsigned depth)
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

void imgc_search_paths(struct imgc *c)
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

/* ---- a fast reader for dynamic, non-Go objects ----
 * goabi_inspect extracts every fact family (Go build info and pclntab scans
 * read whole files); the image check needs only the loader's view: header,
 * PT_INTERP, the dynamic section, version needs and definitions. Those sit
 * in the first pages, so this reads a few pages per file. Files it cannot
 * fully judge (static, Go, section-less) go to goabi_inspect. */
static const char *strat(const struct rawelf *e, uint64_t stroff, uint64_t strsz, uint64_t off,
			 struct goabi_arena *ar)
{
	if (off >= strsz || stroff >= e->n)
		return NULL;
	uint64_t max = strsz - off;
	if (max > e->n - stroff - off || stroff + off >= e->n)
		max = e->n > stroff + off ? e->n - stroff - off : 0;
	if (max > 4096)
		max = 4096;
	const char *s = (const char *)e->p + stroff + off;
	const char *z = memchr(s, 0, (size_t)max);
	return z ? utf8_sanitize(ar, s, (size_t)(z - s)) : NULL;
}

static bool go_section(const char *s)
{
	return strcmp(s, ".go.buildinfo") == 0 || strcmp(s, ".gopclntab") == 0 || strcmp(s, ".note.go.buildid") == 0 ||
	       strcmp(s, ".go_export") == 0 || strcmp(s, ".data.rel.ro.gopclntab") == 0 || strcmp(s, ".gosymtab") == 0;
}

int imgc_read_elf_fast(const uint8_t *p, size_t n, struct goabi_arena *ar, struct imgc_bin *b)
{
	if (n < 52 || memcmp(p, "\x7f" "ELF", 4) != 0 || (p[4] != 1 && p[4] != 2) || (p[5] != 1 && p[5] != 2))
		return -1;
	struct rawelf e = { p, n, p[5] == 2, p[4] == 2 };
	if (e.is64 && n < 64)
		return -1;
	b->elfclass = e.is64 ? 64 : 32;
	b->etype = (unsigned)rd(&e, 16, 2);
	b->machine = (unsigned)rd(&e, 18, 2);
	uint64_t phoff = e.is64 ? rd(&e, 32, 8) : rd(&e, 28, 4);
	uint64_t shoff = e.is64 ? rd(&e, 40, 8) : rd(&e, 32, 4);
	unsigned phentsize = (unsigned)rd(&e, e.is64 ? 54 : 42, 2);
	unsigned phnum = (unsigned)rd(&e, e.is64 ? 56 : 44, 2);
	unsigned shentsize = (unsigned)rd(&e, e.is64 ? 58 : 46, 2);
	unsigned shnum = (unsigned)rd(&e, e.is64 ? 60 : 48, 2);
	unsigned shstrndx = (unsigned)rd(&e, e.is64 ? 62 : 50, 2);
	if (b->etype != ET_EXEC && b->etype != ET_DYN)
		return 0;
	if (phentsize < (e.is64 ? 56u : 32u) || !range_ok(phoff, (uint64_t)phnum * phentsize, n))
		return 0;
	/* sections: Go objects go to the full inspection */
	if (!shnum || shentsize < (e.is64 ? 64u : 40u) || !range_ok(shoff, (uint64_t)shnum * shentsize, n) ||
	    shstrndx >= shnum)
		return 0;
	uint64_t sh = shoff + (uint64_t)shstrndx * shentsize;
	uint64_t sso = e.is64 ? rd(&e, sh + 24, 8) : rd(&e, sh + 16, 4);
	uint64_t ssz = e.is64 ? rd(&e, sh + 32, 8) : rd(&e, sh + 20, 4);
	if (!range_ok(sso, ssz, n))
		return 0;
	for (unsigned i = 0; i < shnum && i < 65536; i++) {
		uint64_t nm = rd(&e, shoff + (uint64_t)i * shentsize, 4);
		if (nm >= ssz)
			continue;
		const char *s = (const char *)p + sso + nm;
		if (memchr(s, 0, (size_t)(ssz - nm)) && go_section(s))
			return 0;
	}
	uint64_t dyn = 0, dynsz = 0;
	bool has_dyn = false;
	for (unsigned i = 0; i < phnum; i++) {
		uint64_t ph = phoff + (uint64_t)i * phentsize;
		uint32_t type = (uint32_t)rd(&e, ph, 4);
		uint64_t off = e.is64 ? rd(&e, ph + 8, 8) : rd(&e, ph + 4, 4);
		uint64_t fsz = e.is64 ? rd(&e, ph + 32, 8) : rd(&e, ph + 16, 4);
		if (type == PT_INTERP && range_ok(off, fsz, n) && fsz > 1) {
			const char *s = (const char *)p + off;
			const char *z = memchr(s, 0, (size_t)(fsz < 4096 ? fsz : 4096));
			b->interp = utf8_sanitize(ar, s, z ? (size_t)(z - s) : (size_t)(fsz < 4096 ? fsz : 4096));
		} else if (type == PT_DYNAMIC && range_ok(off, fsz, n)) {
			dyn = off;
			dynsz = fsz;
			has_dyn = true;
		}
	}
	if (!has_dyn)
		return 0; /* static: the family needs a symbol scan */
	unsigned es = e.is64 ? 16 : 8, ws = e.is64 ? 8 : 4;
	uint64_t strtab = 0, strsz = 0, verneed = 0, verneednum = 0;
	uint64_t needed[256], soname = 0, rpath = 0, runpath = 0;
	size_t nneeded = 0;
	bool has_soname = false, has_rpath = false, has_runpath = false;
	for (uint64_t o = dyn; o + es <= dyn + dynsz; o += es) {
		uint64_t tag = rd(&e, o, ws), val = rd(&e, o + ws, ws);
		if (tag == DT_NULL)
			break;
		switch (tag) {
		case DT_NEEDED:
			if (nneeded < 256)
				needed[nneeded++] = val;
			break;
		case DT_STRTAB: strtab = val; break;
		case DT_STRSZ: strsz = val; break;
		case DT_SONAME: soname = val; has_soname = true; break;
		case DT_RPATH: rpath = val; has_rpath = true; break;
		case DT_RUNPATH: runpath = val; has_runpath = true; break;
		case DT_VERNEED: verneed = val; break;
		case DT_VERNEEDNUM: verneednum = val; break;
		default: break;
		}
	}
	uint64_t stroff;
	if (!strtab || !vaddr_off(&e, phoff, phnum, phentsize, strtab, &stroff))
		return 0;
	if (nneeded) {
		b->needed = arena_alloc(ar, nneeded * sizeof(*b->needed));
		if (!b->needed)
			return 0;
		for (size_t i = 0; i < nneeded; i++) {
			const char *s = strat(&e, stroff, strsz, needed[i], ar);
			if (s)
				b->needed[b->nneeded++] = s;
		}
	}
	if (has_soname)
		b->soname = strat(&e, stroff, strsz, soname, ar);
	if (has_rpath)
		b->rpath = strat(&e, stroff, strsz, rpath, ar);
	if (has_runpath)
		b->runpath = strat(&e, stroff, strsz, runpath, ar);
	for (size_t i = 0; i < b->nneeded; i++)
		if (strncmp(b->needed[i], "libgo.so", 8) == 0)
			return 0; /* gccgo */
	/* .gnu.version_r (Elf*_Verneed 16 bytes, Elf*_Vernaux 16 bytes, both classes) */
	uint64_t vo;
	if (verneed && vaddr_off(&e, phoff, phnum, phentsize, verneed, &vo)) {
		if (verneednum > 1000)
			verneednum = 1000;
		b->vn = arena_alloc(ar, (size_t)(verneednum + 1) * sizeof(*b->vn));
		for (uint64_t i = 0; b->vn && i < verneednum && range_ok(vo, 16, n); i++) {
			unsigned cnt = (unsigned)rd(&e, vo + 2, 2);
			uint64_t file = rd(&e, vo + 4, 4), aux = rd(&e, vo + 8, 4), next = rd(&e, vo + 12, 4);
			struct imgc_verneed *v = &b->vn[b->nvn++];
			v->file = strat(&e, stroff, strsz, file, ar);
			if (!v->file)
				v->file = "?";
			v->vers = arena_alloc(ar, (cnt < 1000 ? cnt : 1000) * sizeof(*v->vers) + sizeof(*v->vers));
			uint64_t ax = vo + aux;
			for (unsigned j = 0; v->vers && j < cnt && j < 1000 && range_ok(ax, 16, n); j++) {
				/* a weak reference (VER_FLG_WEAK) does not stop the loader */
				const char *s = (rd(&e, ax + 4, 2) & VER_FLG_WEAK) ? NULL : strat(&e, stroff, strsz, rd(&e, ax + 8, 4), ar);
				if (s)
					v->vers[v->nvers++] = s;
				uint64_t an = rd(&e, ax + 12, 4);
				if (!an)
					break;
				ax += an;
			}
			if (!next)
				break;
			vo += next;
		}
	}
	/* libc family: the same rules as src/facts/libc.c for dynamic objects */
	const char *fam = NULL, *ev = NULL;
	if (b->interp && strstr(b->interp, "ld-musl"))
		fam = "musl", ev = "PT_INTERP";
	else if (b->interp && (strstr(b->interp, "ld-linux") || strstr(b->interp, "ld64.so") || strstr(b->interp, "ld.so.1")))
		fam = "glibc", ev = "PT_INTERP";
	for (size_t i = 0; !fam && i < b->nneeded; i++) {
		const char *nm = b->needed[i];
		if (strcmp(nm, "libc.so.6") == 0 || strcmp(nm, "libc.so.6.1") == 0 || strcmp(nm, "libc.so.7") == 0)
			fam = "glibc", ev = "DT_NEEDED";
		else if (strncmp(nm, "libc.musl-", 10) == 0 || strncmp(nm, "ld-musl-", 8) == 0 || strcmp(nm, "libc.so") == 0)
			fam = "musl", ev = "DT_NEEDED";
	}
	for (size_t i = 0; !fam && i < b->nvn; i++)
		for (size_t j = 0; j < b->vn[i].nvers; j++)
			if (strncmp(b->vn[i].vers[j], "GLIBC_", 6) == 0) {
				fam = "glibc", ev = ".gnu.version_r";
				break;
			}
	b->family = fam ? fam : "unknown";
	b->family_evidence = ev;
	b->linkage = "dynamic";
	b->type_name = b->etype == ET_EXEC ? "EXEC" : "DYN";
	b->machine_name = elf_machine_name(b->machine);
	b->ok = true;
	return 1;
}
