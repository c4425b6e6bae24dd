/* Command lines of gcc, g++, clang, clang++, musl-gcc, cross drivers and ld
 * -> an ordered list of link inputs (source files among them) and
 * position-dependent options, plus what the compiler driver adds implicitly
 * (crt objects, libgcc, -lc, -lstdc++ -lm).
 *
 * A driver is asked first: "DRIVER -### ARGS" prints the link command it
 * would run (and runs nothing), which is read as an ld command line
 * (ask_driver; docs/link.md "Drivers"). When it cannot be asked
 * (--no-driver, not installed), the default below stands in for it.
 *
 * The default search path is derived WITHOUT running the compiler: for a
 * gcc driver it is the Debian multiarch layout gcc itself uses
 * (`gcc -print-search-dirs`: /usr/lib/gcc/TRIPLET/VER, /usr/lib/TRIPLET,
 * /lib/TRIPLET, /lib, /usr/lib), then LIBRARY_PATH, then GNU ld's built-in
 * SEARCH_DIRs (`ld --verbose`); for musl-gcc it is read from the specs file
 * the wrapper passes (musl-gcc.specs: *link_libgcc, *startfile, *endfile),
 * and ld's built-ins are off because that spec passes -nostdlib. Every
 * system directory is prefixed with --sysroot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <elf.h>
#include "check/link_int.h"
#include "read/driver.h"
#include "read/mapfile.h"

void lk_cmd_init(struct lk_cmd *c, struct goabi_arena *ar)
{
	memset(c, 0, sizeof(*c));
	c->ar = ar;
	c->flavor = LK_GCC;
}

static void item(struct lk_cmd *c, enum lk_item_kind k, const char *arg, bool implicit)
{
	if (c->nitems >= LK_MAX_INPUTS) {
		if (c->nitems == LK_MAX_INPUTS)
			strv_push(c->ar, &c->errors, arena_printf(c->ar, "more than %u link inputs; the rest are ignored",
								  LK_MAX_INPUTS));
		return;
	}
	if (!arena_grow(c->ar, &c->items, &c->itemcap, c->nitems + 1, sizeof(*c->items)))
		return;
	c->items[c->nitems].kind = k;
	c->items[c->nitems].arg = arg ? arena_strdup(c->ar, arg) : NULL;
	c->items[c->nitems].implicit = implicit || c->cur_implicit;
	c->nitems++;
}

const char *lk_triplet(unsigned machine)
{
	switch (machine) {
	case EM_X86_64: return "x86_64-linux-gnu";
	case EM_386: return "i386-linux-gnu";
	case EM_AARCH64: return "aarch64-linux-gnu";
	case EM_ARM: return "arm-linux-gnueabihf";
	case EM_RISCV: return "riscv64-linux-gnu";
	case EM_PPC64: return "powerpc64le-linux-gnu";
	case EM_S390: return "s390x-linux-gnu";
	case EM_MIPS: return "mips64el-linux-gnuabi64";
	default: return NULL;
	}
}

static const char *sys(struct lk_cmd *c, const char *path)
{
	return c->sysroot ? arena_printf(c->ar, "%s%s", c->sysroot, path) : arena_strdup(c->ar, path);
}

/* a crt object: gcc finds them install-relative (not in the sysroot) first */
static const char *crt(struct lk_cmd *c, const char *name)
{
	const char *host = arena_printf(c->ar, "/usr/lib/%s/%s", c->triplet, name);
	if (c->sysroot && rd_is_readable(host))
		return host;
	return sys(c, host);
}

static void sysdir(struct lk_cmd *c, const char *path)
{
	const char *d = sys(c, path);
	if (rd_is_dir(d))
		strv_push_unique(c->ar, &c->sys_dirs, d);
}

struct gcc_ver {
	struct lk_cmd *c;
	const char *base, *want_ver;
	long best;
	char bestname[256];
};

/* one entry of /usr/lib/gcc/TRIPLET: a version directory with crtbegin.o */
static void gcc_ver_entry(const char *name, void *ctx)
{
	struct gcc_ver *g = ctx;
	if (name[0] < '0' || name[0] > '9' || strlen(name) >= sizeof(g->bestname))
		return;
	if (g->want_ver && strcmp(name, g->want_ver) != 0)
		return;
	if (!rd_is_regular(arena_printf(g->c->ar, "%s/%s/crtbegin.o", g->base, name)))
		return;
	long v = strtol(name, NULL, 10);
	if (v > g->best) {
		g->best = v;
		snprintf(g->bestname, sizeof(g->bestname), "%s", name);
	}
}

/* /usr/lib/gcc/TRIPLET/VER with the highest VER that has crtbegin.o */
static void find_gcc_dir(struct lk_cmd *c, const char *want_ver)
{
	/* the compiler's own directory: never inside the sysroot */
	struct gcc_ver g = { .c = c, .want_ver = want_ver, .best = -1 };
	g.base = arena_printf(c->ar, "/usr/lib/gcc/%s", c->triplet);
	if (!rd_list_dir(g.base, gcc_ver_entry, &g))
		return;
	if (g.best >= 0)
		c->gcc_dir = arena_printf(c->ar, "%s/%s", g.base, g.bestname);
}

/* ---- tokenising response files and specs ---- */
/* @file: whitespace-separated words, '' and "" quoting, backslash escapes
 * (libiberty's expandargv). *reads counts the @files read for the whole
 * command: a file naming itself 10 times would otherwise be read 10^8 times
 * within the depth limit (libiberty stops at 2000 too). */
#define LK_MAX_RESPONSE_READS 2000u
static void expand_args(struct lk_cmd *c, int argc, char **argv, struct goabi_strv *out, unsigned depth,
			unsigned *reads)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '@' || !a[1]) {
			strv_push(c->ar, out, a);
			continue;
		}
		if (*reads >= LK_MAX_RESPONSE_READS) {
			if (*reads == LK_MAX_RESPONSE_READS)
				strv_push(c->ar, &c->errors, arena_printf(c->ar, "more than %u response files read; '%s' and the rest ignored",
									  LK_MAX_RESPONSE_READS, a + 1));
			++*reads;
			continue;
		}
		if (depth >= LK_MAX_RESPONSE_DEPTH) {
			/* once per file: a file naming itself ten times hit the
			 * limit 18000 times, one finding each */
			strv_push_unique(c->ar, &c->errors, arena_printf(c->ar, "response file '%s' nested deeper than %u", a + 1,
								  LK_MAX_RESPONSE_DEPTH));
			continue;
		}
		size_t n;
		++*reads;
		char *buf = rd_read_text(a + 1, 1u << 20, &n);
		if (!buf) {
			/* gcc passes an unreadable @file through as a word */
			strv_push(c->ar, out, a);
			continue;
		}
		struct goabi_strv words = { 0 };
		char *w = malloc(n + 1);
		size_t wl = 0;
		bool inword = false;
		char q = 0;
		for (size_t k = 0; w && k <= n; k++) {
			char ch = k < n ? buf[k] : 0;
			if (k == n || (!q && (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v'))) {
				if (inword) {
					strv_push(c->ar, &words, arena_strndup(c->ar, w, wl));
					wl = 0;
					inword = false;
				}
				continue;
			}
			inword = true;
			if (ch == '\\' && k + 1 < n) {
				w[wl++] = buf[++k];
			} else if (q && ch == q) {
				q = 0;
			} else if (!q && (ch == '\'' || ch == '"')) {
				q = ch;
			} else {
				w[wl++] = ch;
			}
		}
		free(w);
		free(buf);
		expand_args(c, (int)words.n, (char **)words.v, out, depth + 1, reads);
	}
}

/* ---- linker options (ld itself, -Wl, and -Xlinker) ---- */
static const char *const ld_arg_opts[] = {
	"-m", "-e", "-u", "-z", "-T", "-R", "-rpath", "-rpath-link", "-soname", "-h", "-dynamic-linker",
	"-Map", "-y", "-plugin", "-plugin-opt", "--version-script", "--dynamic-list", "-Y", "-a", "-A",
	"-b", "-c", "-F", "-f", "-G", "-O", "-P", "--defsym", "--entry", "--hash-style", "-init", "-fini",
	"--sort-section", "--section-start", "-Ttext", "-Tdata", "-Tbss", "--script", "--undefined", NULL
};

static bool takes_arg(const char *a, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(a, list[i]) == 0)
			return true;
	return false;
}

/* One linker word; *next gets the following word when the option takes one
 * (returns true when it was consumed). */
static bool ld_word(struct lk_cmd *c, const char *a, const char *next)
{
	if (a[0] != '-' || !a[1]) {
		item(c, LK_I_FILE, a, false);
		return false;
	}
	/* ld accepts both -opt and --opt for long options */
	const char *o = a[1] == '-' ? a + 1 : a;
	if (strcmp(o, "-whole-archive") == 0) item(c, LK_I_WHOLE_ON, NULL, false);
	else if (strcmp(o, "-no-whole-archive") == 0) item(c, LK_I_WHOLE_OFF, NULL, false);
	else if (strcmp(o, "-start-group") == 0 || strcmp(a, "-(") == 0) item(c, LK_I_GROUP_START, NULL, false);
	else if (strcmp(o, "-end-group") == 0 || strcmp(a, "-)") == 0) item(c, LK_I_GROUP_END, NULL, false);
	else if (strcmp(o, "-as-needed") == 0) item(c, LK_I_ASNEEDED_ON, NULL, false);
	else if (strcmp(o, "-no-as-needed") == 0) item(c, LK_I_ASNEEDED_OFF, NULL, false);
	else if (strcmp(o, "-push-state") == 0) item(c, LK_I_PUSH, NULL, false);
	else if (strcmp(o, "-pop-state") == 0) item(c, LK_I_POP, NULL, false);
	else if (strcmp(a, "-Bstatic") == 0 || strcmp(a, "-dn") == 0 || strcmp(a, "-non_shared") == 0 ||
		 (c->flavor == LK_LD && strcmp(a, "-static") == 0)) {
		item(c, LK_I_BSTATIC, NULL, false);
		/* a driver's line says -static for a static link, -Bstatic for the user's */
		if (c->flavor == LK_LD && (!c->in_driver_line || strcmp(a, "-static") == 0))
			c->is_static = true;
	} else if (strcmp(a, "-Bdynamic") == 0 || strcmp(a, "-dy") == 0 || strcmp(a, "-call_shared") == 0)
		item(c, LK_I_BDYNAMIC, NULL, false);
	else if (strcmp(o, "-allow-multiple-definition") == 0) c->allow_multiple = true;
	else if (strcmp(o, "-no-undefined") == 0) c->defs = true;
	else if (strcmp(a, "-shared") == 0 || strcmp(a, "-Bshareable") == 0) c->shared = true;
	else if (strcmp(o, "-pie") == 0 || strcmp(o, "-pic-executable") == 0) c->pie = true;
	else if (strcmp(o, "-no-pie") == 0) c->no_pie = true;
	else if (strcmp(a, "-r") == 0 || strcmp(o, "-relocatable") == 0) c->relocatable = true;
	else if (c->flavor == LK_LD && strcmp(a, "-nostdlib") == 0) c->nostdlib = c->ld_nostdlib = true;
	else if (strncmp(o, "-sysroot=", 9) == 0) c->sysroot = arena_strdup(c->ar, o + 9);
	else if (strcmp(a, "-o") == 0 && next) { c->output = arena_strdup(c->ar, next); return true; }
	else if (strncmp(a, "-o", 2) == 0 && a[2]) c->output = arena_strdup(c->ar, a + 2);
	else if (strcmp(a, "-L") == 0 && next) { strv_push(c->ar, &c->user_dirs, arena_strdup(c->ar, next)); return true; }
	else if (strncmp(a, "-L", 2) == 0) strv_push(c->ar, &c->user_dirs, arena_strdup(c->ar, a + 2));
	else if (strncmp(o, "-library-path=", 14) == 0) strv_push(c->ar, &c->user_dirs, arena_strdup(c->ar, o + 14));
	else if (strcmp(a, "-l") == 0 && next) { item(c, LK_I_LIB, next, false); return true; }
	else if (strncmp(a, "-l", 2) == 0) item(c, LK_I_LIB, a + 2, false);
	else if (strncmp(o, "-library=", 9) == 0) item(c, LK_I_LIB, o + 9, false);
	else if (strcmp(a, "-z") == 0 && next) {
		if (strcmp(next, "muldefs") == 0) c->allow_multiple = true;
		if (strcmp(next, "defs") == 0) c->defs = true;
		return true;
	} else if (takes_arg(a, ld_arg_opts) && next) {
		if (strcmp(a, "-T") == 0 || strcmp(a, "--script") == 0)
			strv_push_unique(c->ar, &c->notes, arena_printf(c->ar, "linker script '%s' given with -T is not modelled", next));
		return true;
	} else if (strncmp(a, "-T", 2) == 0 && strncmp(a, "-Ttext", 6) != 0 && strncmp(a, "-Tdata", 6) != 0 &&
		   strncmp(a, "-Tbss", 5) != 0) {
		strv_push_unique(c->ar, &c->notes, arena_printf(c->ar, "linker script '%s' given with -T is not modelled", a + 2));
	}
	/* other options do not change which symbols resolve */
	return false;
}

/* ---- gcc driver options ---- */
static const char *const gcc_arg_opts[] = {
	"-x", "-MF", "-MT", "-MQ", "-include", "-imacros", "-isystem", "-iquote", "-idirafter", "-I", "-D",
	"-U", "-e", "-u", "-T", "-Xassembler", "-Xpreprocessor", "-aux-info", "-dumpdir", "-dumpbase",
	"-wrapper", "-B", "--param", NULL
};

static void read_specs(struct lk_cmd *c, const char *path);

/* 1 a source file the driver compiles (C, C++, Objective-C, Fortran, Go,
 * preprocessed), 2 assembly (it can define any symbol name), 0 an input
 * for the linker (gcc's own suffix table, gcc/gcc.cc default_compilers) */
static int source_kind(const char *path)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	if (!dot || (slash && dot < slash))
		return 0;
	static const char *const src[] = { ".c", ".cc", ".cp", ".cxx", ".cpp", ".CPP", ".c++", ".C", ".i", ".ii",
					   ".m", ".mm", ".M", ".mi", ".mii", ".f", ".for", ".f90", ".f95", ".F",
					   ".F90", ".go", ".d", NULL };
	for (size_t i = 0; src[i]; i++)
		if (strcmp(dot, src[i]) == 0)
			return 1;
	if (strcmp(dot, ".s") == 0 || strcmp(dot, ".S") == 0 || strcmp(dot, ".sx") == 0 || strcmp(dot, ".asm") == 0)
		return 2;
	return 0;
}

static void gcc_args(struct lk_cmd *c, struct goabi_strv *w)
{
	int xlang = 0;
	for (size_t i = 0; i < w->n; i++) {
		const char *a = w->v[i];
		const char *next = i + 1 < w->n ? w->v[i + 1] : NULL;
		if (a[0] != '-' || !a[1]) {
			int lang = xlang ? xlang : source_kind(a);
			if (lang) {
				item(c, LK_I_SOURCE, a, false);
				strv_push(c->ar, &c->sources, a);
				if (lang == 2)
					c->asm_source = true;
			} else {
				item(c, LK_I_FILE, a, false);
			}
			continue;
		}
		if (strcmp(a, "-x") == 0 && next) {
			/* -x LANG: the following files are LANG sources ("none": by suffix again) */
			xlang = strcmp(next, "none") == 0 ? 0 : strncmp(next, "assembler", 9) == 0 ? 2 : 1;
			i++;
			continue;
		}
		if (strncmp(a, "-x", 2) == 0 && a[2]) {
			xlang = strcmp(a + 2, "none") == 0 ? 0 : strncmp(a + 2, "assembler", 9) == 0 ? 2 : 1;
			continue;
		}
		if (strncmp(a, "-Wl,", 4) == 0) {
			/* split at commas; an option taking an argument consumes the next part */
			char *dup = arena_strdup(c->ar, a + 4);
			struct goabi_strv parts = { 0 };
			for (char *s = dup, *tok; (tok = strsep(&s, ",")) != NULL;)
				strv_push(c->ar, &parts, tok);
			for (size_t k = 0; k < parts.n; k++)
				if (ld_word(c, parts.v[k], k + 1 < parts.n ? parts.v[k + 1] : NULL))
					k++;
		} else if (strcmp(a, "-Xlinker") == 0 && next) {
			const char *after = i + 2 < w->n && strcmp(w->v[i + 2], "-Xlinker") == 0 && i + 3 < w->n ? w->v[i + 3] : NULL;
			if (ld_word(c, next, after))
				i += 2;
			i++;
		} else if (strcmp(a, "-static") == 0) {
			c->is_static = true;
		} else if (strcmp(a, "-static-pie") == 0) {
			c->is_static = c->pie = true;
		} else if (strcmp(a, "-shared") == 0) {
			c->shared = true;
		} else if (strcmp(a, "-pie") == 0) {
			c->pie = true;
		} else if (strcmp(a, "-no-pie") == 0 || strcmp(a, "-nopie") == 0) {
			c->no_pie = true;
		} else if (strcmp(a, "-r") == 0) {
			c->relocatable = true;
		} else if (strcmp(a, "-nostdlib") == 0) {
			c->nostdlib = true;
		} else if (strcmp(a, "-nostartfiles") == 0) {
			c->nostartfiles = true;
		} else if (strcmp(a, "-nodefaultlibs") == 0) {
			c->nodefaultlibs = true;
		} else if (strcmp(a, "-pthread") == 0) {
			c->pthread_flag = true;
		} else if (strcmp(a, "-c") == 0 || strcmp(a, "-S") == 0 || strcmp(a, "-E") == 0) {
			strv_push(c->ar, &c->errors, arena_printf(c->ar, "'%s' means the driver does not link", a));
			c->no_link = true;
		} else if (strncmp(a, "--sysroot=", 10) == 0) {
			c->sysroot = arena_strdup(c->ar, a + 10);
		} else if (strcmp(a, "--sysroot") == 0 && next) {
			c->sysroot = arena_strdup(c->ar, next);
			i++;
		} else if (strncmp(a, "-specs=", 7) == 0 || strncmp(a, "--specs=", 8) == 0) {
			read_specs(c, strchr(a, '=') + 1);
		} else if (strcmp(a, "-specs") == 0 && next) {
			read_specs(c, next);
			i++;
		} else if (strcmp(a, "-o") == 0 || strcmp(a, "-L") == 0 || strcmp(a, "-l") == 0 ||
			   strncmp(a, "-o", 2) == 0 || strncmp(a, "-L", 2) == 0 || strncmp(a, "-l", 2) == 0) {
			if (ld_word(c, a, next))
				i++;
		} else if (strcmp(a, "-m32") == 0 || strcmp(a, "-mx32") == 0) {
			strv_push_unique(c->ar, &c->notes, arena_printf(c->ar, "'%s' selects another ABI; the %s search path is used",
								 a, c->triplet));
		} else if (strcmp(a, "-u") == 0 && next) {
			strv_push(c->ar, &c->undef_syms, arena_strdup(c->ar, next));
			i++;
		} else if (takes_arg(a, gcc_arg_opts) && next) {
			if (strcmp(a, "-T") == 0)
				strv_push_unique(c->ar, &c->notes, arena_printf(c->ar, "linker script '%s' given with -T is not modelled", next));
			i++;
		}
		/* everything else (-O2, -g, -fPIC, -m...) does not change symbol resolution */
	}
}

/* musl-gcc.specs (and other specs files): the -L directories of
 * *link_libgcc and the crt objects of *startfile / *endfile. */
static void read_specs(struct lk_cmd *c, const char *path)
{
	char *buf = rd_read_text(path, 1u << 16, NULL);
	if (!buf) {
		strv_push(c->ar, &c->errors, arena_printf(c->ar, "cannot read specs file '%s'", path));
		return;
	}
	c->specs = arena_strdup(c->ar, path);
	const char *sections[] = { "*link_libgcc:", "*startfile:", "*endfile:", "*link:" };
	for (size_t s = 0; s < 4; s++) {
		char *p = strstr(buf, sections[s]);
		if (!p)
			continue;
		p = strchr(p, '\n');
		if (!p)
			continue;
		char *end = strchr(p + 1, '\n');
		char *line = arena_strndup(c->ar, p + 1, end ? (size_t)(end - p - 1) : strlen(p + 1));
		if (s == 0) {
			c->specs_libgcc = line;
			c->flavor = LK_MUSL_GCC;
		} else if (s == 1) {
			c->specs_start = line;
		} else if (s == 2) {
			c->specs_end = line;
		} else if (strstr(line, "-nostdlib")) {
			c->specs_nostdlib = true;
		}
	}
	free(buf);
}

static const char *gcc_file(struct lk_cmd *c, const char *name)
{
	if (c->gcc_dir) {
		const char *p = arena_printf(c->ar, "%s/%s", c->gcc_dir, name);
		if (rd_is_regular(p))
			return p;
	}
	return arena_printf(c->ar, "%s/%s", c->gcc_dir ? c->gcc_dir : "/usr/lib/gcc", name);
}

/* Expand one specs line: plain words, NAME%s (searched in the gcc dir), and
 * %{shared:...} / %{!shared:...} conditionals. */
static void specs_files(struct lk_cmd *c, const char *line)
{
	char *dup = arena_strdup(c->ar, line);
	bool skip = false;
	for (char *s = dup, *tok; (tok = strsep(&s, " \t")) != NULL;) {
		if (!*tok)
			continue;
		if (strncmp(tok, "%{!shared:", 10) == 0) {
			skip = c->shared;
			tok += 10;
		} else if (strncmp(tok, "%{shared:", 9) == 0) {
			skip = !c->shared;
			tok += 9;
		} else if (strncmp(tok, "%{", 2) == 0) {
			skip = true;
			continue;
		}
		size_t l = strlen(tok);
		bool close = l && tok[l - 1] == '}';
		if (close)
			tok[--l] = 0;
		if (*tok && !skip) {
			if (l > 2 && strcmp(tok + l - 2, "%s") == 0) {
				tok[l - 2] = 0;
				item(c, LK_I_FILE, gcc_file(c, tok), true);
			} else if (tok[0] == '/') {
				item(c, LK_I_FILE, sys(c, tok), true);
			}
		}
		if (close)
			skip = false;
	}
}

/* The machine of a GNU ld emulation (ld -V lists them), 0 when unknown. */
static unsigned ld_emulation_machine(const char *e)
{
	static const struct { const char *name; unsigned m; } emu[] = {
		{ "elf_x86_64", EM_X86_64 }, { "elf_i386", EM_386 }, { "aarch64linux", EM_AARCH64 },
		{ "aarch64elf", EM_AARCH64 }, { "armelf_linux_eabi", EM_ARM }, { "elf64lriscv", EM_RISCV },
		{ "elf64lppc", EM_PPC64 }, { "elf64_s390", EM_S390 },
	};
	for (size_t i = 0; i < sizeof(emu) / sizeof(emu[0]); i++)
		if (strcmp(e, emu[i].name) == 0)
			return emu[i].m;
	return 0;
}

static void detect_target(struct lk_cmd *c, const char *driver)
{
	const char *base = driver ? strrchr(driver, '/') : NULL;
	base = base ? base + 1 : driver;
	unsigned machine = EM_X86_64;
	struct utsname u;
	if (uname(&u) == 0) {
		if (strcmp(u.machine, "aarch64") == 0) machine = EM_AARCH64;
		else if (strncmp(u.machine, "arm", 3) == 0) machine = EM_ARM;
		else if (strncmp(u.machine, "riscv64", 7) == 0) machine = EM_RISCV;
		else if (strcmp(u.machine, "ppc64le") == 0) machine = EM_PPC64;
		else if (strcmp(u.machine, "s390x") == 0) machine = EM_S390;
		else if (u.machine[0] == 'i' && strstr(u.machine, "86")) machine = EM_386;
	}
	c->machine = machine;
	c->triplet = lk_triplet(machine);
	/* a cross driver names its target: aarch64-linux-gnu-gcc */
	if (base) {
		static const struct { const char *prefix; unsigned m; } cross[] = {
			{ "x86_64-linux-gnu-", EM_X86_64 }, { "aarch64-linux-gnu-", EM_AARCH64 },
			{ "arm-linux-gnueabihf-", EM_ARM }, { "riscv64-linux-gnu-", EM_RISCV },
			{ "i686-linux-gnu-", EM_386 }, { "powerpc64le-linux-gnu-", EM_PPC64 },
			{ "s390x-linux-gnu-", EM_S390 },
		};
		for (size_t i = 0; i < sizeof(cross) / sizeof(cross[0]); i++)
			if (strncmp(base, cross[i].prefix, strlen(cross[i].prefix)) == 0) {
				c->machine = cross[i].m;
				c->triplet = lk_triplet(cross[i].m);
				c->cross = true;
			}
	}
	if (!c->triplet)
		c->triplet = "x86_64-linux-gnu";
}

/* ld's built-in SEARCH_DIRs on Debian (ld --verbose of binutils 2.40), for
 * the target triplet */
static void ld_builtin_dirs(struct lk_cmd *c)
{
	const char *t = c->triplet;
	sysdir(c, arena_printf(c->ar, "/usr/local/lib/%s", t));
	sysdir(c, arena_printf(c->ar, "/lib/%s", t));
	sysdir(c, arena_printf(c->ar, "/usr/lib/%s", t));
	sysdir(c, "/usr/local/lib64");
	sysdir(c, "/lib64");
	sysdir(c, "/usr/lib64");
	sysdir(c, "/usr/local/lib");
	sysdir(c, "/lib");
	sysdir(c, "/usr/lib");
}

static void implicit_gcc(struct lk_cmd *c, size_t user_start, size_t user_end)
{
	/* the user's items were parsed into c->items[user_start..user_end);
	 * rebuild the list as: crt start, user items, libraries, crt end */
	size_t nuser = user_end - user_start;
	struct lk_item *saved = arena_alloc(c->ar, (nuser ? nuser : 1) * sizeof(*saved));
	if (!saved)
		return;
	if (nuser) /* c->items is NULL when there are none */
		memcpy(saved, c->items + user_start, nuser * sizeof(*saved));
	c->nitems = user_start;
	bool pie = !c->no_pie && !c->shared && !c->is_static && (c->pie || c->flavor != LK_LD);
	const char *t = c->triplet;
	bool start = !c->nostdlib && !c->nostartfiles && !c->relocatable;
	bool libs = !c->nostdlib && !c->nodefaultlibs && !c->relocatable;

	if (c->flavor == LK_MUSL_GCC) {
		if (c->specs_libgcc) {
			char *dup = arena_strdup(c->ar, c->specs_libgcc);
			bool dash_l_next = false;
			for (char *s = dup, *tok; (tok = strsep(&s, " \t")) != NULL;) {
				if (!*tok)
					continue;
				const char *d = NULL;
				if (dash_l_next) {
					d = tok;
					dash_l_next = false;
				} else if (strcmp(tok, "-L") == 0) {
					dash_l_next = true;
				} else if (strncmp(tok, "-L", 2) == 0) {
					d = tok + 2;
				}
				if (!d)
					continue;
				if (strcmp(d, ".%s") == 0) {
					if (c->gcc_dir)
						strv_push_unique(c->ar, &c->sys_dirs, c->gcc_dir);
				} else if (d[0] == '/') {
					sysdir(c, d);
					if (!c->musl_dir)
						c->musl_dir = sys(c, d);
				}
			}
		}
		if (!c->specs_nostdlib)
			ld_builtin_dirs(c);
		if (start && c->specs_start)
			specs_files(c, c->specs_start);
		item(c, LK_I_ASNEEDED_OFF, NULL, true);
	} else if (c->flavor == LK_GCC) {
		/* gcc's own install-relative directories (GCC_DIR/../../../TRIPLET,
		 * GCC_DIR/../../../../lib) are not under the sysroot; the standard
		 * ones are (gcc -v --sysroot=X shows both) */
		if (c->gcc_dir)
			strv_push_unique(c->ar, &c->sys_dirs, c->gcc_dir);
		const char *host_tdir = arena_printf(c->ar, "/usr/lib/%s", t);
		if (rd_is_dir(host_tdir))
			strv_push_unique(c->ar, &c->sys_dirs, host_tdir);
		if (rd_is_dir("/lib"))
			strv_push_unique(c->ar, &c->sys_dirs, "/lib");
		sysdir(c, arena_printf(c->ar, "/lib/%s", t));
		sysdir(c, "/lib");
		sysdir(c, arena_printf(c->ar, "/usr/lib/%s", t));
		sysdir(c, "/usr/lib");
		const char *lp = getenv("LIBRARY_PATH");
		if (lp) {
			char *dup = arena_strdup(c->ar, lp);
			for (char *s = dup, *tok; (tok = strsep(&s, ":")) != NULL;)
				if (*tok && rd_is_dir(tok))
					strv_push_unique(c->ar, &c->sys_dirs, tok);
		}
		ld_builtin_dirs(c);
		if (start) {
			const char *crt1 = c->shared ? NULL : c->is_static ? (c->pie ? "rcrt1.o" : "crt1.o") : pie ? "Scrt1.o" : "crt1.o";
			if (crt1)
				item(c, LK_I_FILE, crt(c, crt1), true);
			item(c, LK_I_FILE, crt(c, "crti.o"), true);
			item(c, LK_I_FILE, gcc_file(c, c->is_static && !c->pie ? "crtbeginT.o" :
						       (c->shared || pie || c->pie) ? "crtbeginS.o" : "crtbegin.o"), true);
		}
		/* Debian's gcc passes --as-needed before every input (clang does not) */
		if (!c->clang)
			item(c, LK_I_ASNEEDED_ON, NULL, true);
	} else {
		if (!c->nostdlib)
			ld_builtin_dirs(c);
	}

	for (size_t i = 0; i < nuser; i++) {
		if (!arena_grow(c->ar, &c->items, &c->itemcap, c->nitems + 1, sizeof(*c->items)))
			return;
		c->items[c->nitems++] = saved[i];
	}
	if (c->pthread_flag)
		item(c, LK_I_LIB, "pthread", true);

	if (c->flavor == LK_MUSL_GCC) {
		if (libs) {
			const char *lg = gcc_file(c, "libgcc.a"), *leh = gcc_file(c, "libgcc_eh.a");
			for (int k = 0; k < 2; k++) {
				item(c, LK_I_FILE, lg, true);
				if (rd_is_regular(leh))
					item(c, LK_I_FILE, leh, true);
				if (k == 0)
					item(c, LK_I_LIB, "c", true);
			}
		}
		if (start && c->specs_end)
			specs_files(c, c->specs_end);
	} else if (c->flavor == LK_GCC) {
		if (libs && c->cxx) {
			/* g++/clang++ add the C++ runtime and libm (g++ -###) */
			item(c, LK_I_LIB, "stdc++", true);
			item(c, LK_I_LIB, "m", true);
		}
		if (libs && c->cxx && !c->is_static) {
			/* g++ links libgcc_s whole (-shared-libgcc): g++ -### */
			for (int k = 0; k < 2; k++) {
				item(c, LK_I_LIB, "gcc_s", true);
				item(c, LK_I_LIB, "gcc", true);
				if (k == 0)
					item(c, LK_I_LIB, "c", true);
			}
		} else if (libs) {
			if (c->is_static) {
				item(c, LK_I_GROUP_START, NULL, true);
				item(c, LK_I_LIB, "gcc", true);
				item(c, LK_I_LIB, "gcc_eh", true);
				item(c, LK_I_LIB, "c", true);
				item(c, LK_I_GROUP_END, NULL, true);
			} else {
				for (int k = 0; k < 2; k++) {
					item(c, LK_I_LIB, "gcc", true);
					item(c, LK_I_PUSH, NULL, true);
					item(c, LK_I_ASNEEDED_ON, NULL, true);
					item(c, LK_I_LIB, "gcc_s", true);
					item(c, LK_I_POP, NULL, true);
					if (k == 0)
						item(c, LK_I_LIB, "c", true);
				}
			}
		}
		if (start) {
			item(c, LK_I_FILE, gcc_file(c, c->is_static && !c->pie ? "crtend.o" :
						       (c->shared || pie || c->pie) ? "crtendS.o" : "crtend.o"), true);
			item(c, LK_I_FILE, crt(c, "crtn.o"), true);
		}
	}
}

static const char *musl_specs_path(struct lk_cmd *c)
{
	const char *cands[] = {
		arena_printf(c->ar, "/usr/lib/%s/musl-gcc.specs",
			     c->machine == EM_X86_64 ? "x86_64-linux-musl" :
			     c->machine == EM_AARCH64 ? "aarch64-linux-musl" :
			     c->machine == EM_386 ? "i386-linux-musl" : "x86_64-linux-musl"),
		"/usr/local/musl/lib/musl-gcc.specs", "/usr/lib/musl/lib/musl-gcc.specs",
	};
	for (size_t i = 0; i < 3; i++)
		if (rd_is_regular(cands[i]))
			return cands[i];
	return NULL;
}

/* ---- asking the driver (gcc -###) ---- */
#define LK_DRIVER_TIMEOUT_MS 10000u
#define LK_DRIVER_MAX_OUTPUT (4u << 20)
#define LK_DRIVER_MAX_WORDS 100000u /* as LK_MAX_INPUTS */

/* argv[0]'s basename names a compiler driver goabi may run with -###:
 * [PREFIX-]gcc|g++|cc|c++|clang|clang++[-VERSION] (musl-gcc,
 * aarch64-linux-gnu-g++, clang++-14, gcc-12). Nothing else is run. */
static bool known_driver(const char *base)
{
	size_t l = strlen(base);
	/* a trailing -VERSION: digits and dots */
	const char *dash = strrchr(base, '-');
	if (dash && dash[1] && strspn(dash + 1, "0123456789.") == strlen(dash + 1))
		l = (size_t)(dash - base);
	static const char *const names[] = { "gcc", "g++", "cc", "c++", "clang", "clang++", NULL };
	for (size_t i = 0; names[i]; i++) {
		size_t n = strlen(names[i]);
		if (l >= n && strncmp(base + l - n, names[i], n) == 0 && (l == n || base[l - n - 1] == '-'))
			return true;
	}
	return false;
}

/* the words of one command line as gcc and clang print them for -###:
 * separated by blanks, "..." quoted with \ escaping ", \ and $ */
static void split_command(struct lk_cmd *c, const char *line, struct goabi_strv *out)
{
	size_t n = strlen(line);
	char *w = arena_alloc(c->ar, n + 1);
	if (!w)
		return;
	size_t i = 0;
	while (i < n) {
		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i >= n)
			break;
		size_t wl = 0;
		bool q = false;
		for (; i < n && (q || (line[i] != ' ' && line[i] != '\t')); i++) {
			if (line[i] == '"') {
				q = !q;
			} else if (q && line[i] == '\\' && i + 1 < n) {
				w[wl++] = line[++i];
			} else {
				w[wl++] = line[i];
			}
		}
		strv_push(c->ar, out, arena_strndup(c->ar, w, wl));
	}
}

static bool is_linker(const char *prog)
{
	const char *b = strrchr(prog, '/');
	b = b ? b + 1 : prog;
	size_t l = strlen(b);
	return strcmp(b, "collect2") == 0 || strcmp(b, "ld") == 0 || strncmp(b, "ld.", 3) == 0 ||
	       strncmp(b, "ld64.", 5) == 0 || (l > 3 && strcmp(b + l - 3, "-ld") == 0) || strstr(b, "-ld.") != NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* v sorted (strv_sort): binary search, so a command line of 10^5 words
 * costs no 10^10 compares */
static void strv_sort(struct goabi_strv *v)
{
	if (v->n)
		qsort(v->v, v->n, sizeof(*v->v), cmp_str);
}

static bool strv_has(const struct goabi_strv *v, const char *s)
{
	return v->n && bsearch(&s, v->v, v->n, sizeof(*v->v), cmp_str) != NULL;
}

/* The words of the user's command line that the driver hands to the linker
 * unchanged, in order (files, -lNAME, -Wl and -Xlinker words): the linker
 * line's words that match them, in order, are the user's; the rest are the
 * driver's own (crt objects, default libraries, search path). */
static void user_link_words(struct lk_cmd *c, const struct goabi_strv *w, struct goabi_strv *out)
{
	int xlang = 0;
	for (size_t i = 0; i < w->n; i++) {
		const char *a = w->v[i], *next = i + 1 < w->n ? w->v[i + 1] : NULL;
		if (a[0] != '-' || !a[1]) {
			if (!(xlang ? xlang : source_kind(a)))
				strv_push(c->ar, out, a);
		} else if (strcmp(a, "-x") == 0 && next) {
			xlang = strcmp(next, "none") == 0 ? 0 : 1;
			i++;
		} else if (strcmp(a, "-l") == 0 && next) {
			strv_push(c->ar, out, arena_printf(c->ar, "-l%s", next));
			i++;
		} else if (strncmp(a, "-l", 2) == 0) {
			strv_push(c->ar, out, a);
		} else if (strncmp(a, "-Wl,", 4) == 0) {
			char *dup = arena_strdup(c->ar, a + 4);
			for (char *s = dup, *tok; (tok = strsep(&s, ",")) != NULL;)
				strv_push(c->ar, out, tok);
		} else if (strcmp(a, "-Xlinker") == 0 && next) {
			strv_push(c->ar, out, next);
			i++;
		} else if (takes_arg(a, gcc_arg_opts) || strcmp(a, "-o") == 0 || strcmp(a, "-L") == 0 ||
			   strcmp(a, "-specs") == 0 || strcmp(a, "--sysroot") == 0) {
			i++;
		}
	}
}

/* Run "DRIVER -### ARGS" and read the link line it would run: the
 * linker, its options, the crt objects, libraries and -L directories the
 * driver adds, and where the objects of compiled source files go.
 * False when the driver cannot be run or prints no link line. */
static bool ask_driver(struct lk_cmd *c, const char *prog, const struct goabi_strv *words, size_t start)
{
	char **argv = arena_alloc(c->ar, (words->n + 3) * sizeof(*argv));
	if (!argv)
		return false;
	argv[0] = (char *)prog;
	argv[1] = (char *)"-###";
	for (size_t i = 0; i < words->n; i++)
		argv[i + 2] = (char *)words->v[i];
	argv[words->n + 2] = NULL;
	size_t len = 0;
	int status;
	char *out = rd_run_capture(argv, LK_DRIVER_TIMEOUT_MS, LK_DRIVER_MAX_OUTPUT, &len, &status);
	if (!out) {
		c->driver_why = arena_printf(c->ar, "'%s' could not be run (not installed?)", prog);
		return false;
	}
	struct goabi_strv link = { 0 }, temps = { 0 };
	const char *err = NULL;
	for (char *s = out, *line; (line = strsep(&s, "\n")) != NULL;) {
		if (line[0] != ' ') {
			if (!err && strstr(line, "error"))
				err = arena_strdup(c->ar, line);
			continue;
		}
		struct goabi_strv cw = { 0 };
		split_command(c, line, &cw);
		if (!cw.n)
			continue;
		if (is_linker(cw.v[0])) {
			link = cw;
			continue;
		}
		for (size_t k = 0; k + 1 < cw.n; k++)
			if (strcmp(cw.v[k], "-o") == 0)
				strv_push(c->ar, &temps, cw.v[k + 1]);
	}
	free(out);
	if (!link.n) {
		c->driver_why = arena_printf(c->ar, "'%s -###' printed no link command%s%s", prog, err ? ": " : "",
					     err ? err : "");
		return false;
	}
	c->linker_prog = link.v[0];
	strv_sort(&temps);
	/* the linker line replaces the model: its -L directories, in order */
	c->nitems = start;
	struct goabi_strv udirs = { 0 };
	for (size_t i = 0; i < c->user_dirs.n; i++)
		strv_push(c->ar, &udirs, c->user_dirs.v[i]);
	strv_sort(&udirs);
	c->user_dirs = (struct goabi_strv){ 0 };
	c->sys_dirs = (struct goabi_strv){ 0 };
	struct goabi_strv uw = { 0 };
	user_link_words(c, words, &uw);
	enum lk_flavor saved = c->flavor;
	c->flavor = LK_LD;
	c->in_driver_line = true;
	c->is_static = c->shared = c->relocatable = c->pie = false;
	size_t ui = 0, si = 0;
	for (size_t i = 1; i < link.n; i++) {
		const char *a = link.v[i];
		if (strcmp(a, "-m") == 0 && i + 1 < link.n) {
			unsigned m = ld_emulation_machine(link.v[i + 1]);
			if (m) {
				c->machine = m;
				c->triplet = lk_triplet(m);
			}
		}
		if (a[0] != '-' && strv_has(&temps, a)) {
			/* the object of a compiled source file */
			c->cur_implicit = false;
			item(c, LK_I_SOURCE, si < c->sources.n ? c->sources.v[si] : a, false);
			si++;
			continue;
		}
		/* an input is the user's when it is the next of the user's
		 * link words still unmatched (skipping words the driver
		 * rewrote); an option word only when it is the very next */
		bool input = a[0] != '-' || (strncmp(a, "-l", 2) == 0 && a[2]);
		c->cur_implicit = true;
		if (input) {
			for (size_t k = ui; k < uw.n; k++)
				if (strcmp(a, uw.v[k]) == 0) {
					c->cur_implicit = false;
					ui = k + 1;
					break;
				}
		} else if (ui < uw.n && strcmp(a, uw.v[ui]) == 0) {
			c->cur_implicit = false;
			ui++;
		}
		const char *next = i + 1 < link.n ? link.v[i + 1] : NULL;
		if (strncmp(a, "-L", 2) == 0 && (a[2] || next)) {
			/* the user's -L directories come first (as given), then the driver's */
			const char *d = a[2] ? a + 2 : next;
			if (!a[2])
				i++;
			if (strv_has(&udirs, d))
				strv_push(c->ar, &c->user_dirs, d);
			else
				strv_push_unique(c->ar, &c->sys_dirs, d);
			continue;
		}
		if (strcmp(a, "-l") == 0 && next) {
			const char *l = arena_printf(c->ar, "-l%s", next);
			for (size_t k = ui; k < uw.n; k++)
				if (strcmp(l, uw.v[k]) == 0) {
					c->cur_implicit = false;
					ui = k + 1;
					break;
				}
		}
		if (ld_word(c, a, next)) {
			i++;
			if (ui < uw.n && next && strcmp(next, uw.v[ui]) == 0)
				ui++;
		}
	}
	c->cur_implicit = false;
	c->in_driver_line = false;
	c->flavor = saved;
	if (!c->ld_nostdlib)
		ld_builtin_dirs(c);
	c->driver_facts = LK_DRV_ASKED;
	/* what the model would have said about -m32 does not hold for the driver's own line */
	struct goabi_strv kept = { 0 };
	for (size_t i = 0; i < c->notes.n; i++)
		if (!strstr(c->notes.v[i], "selects another ABI"))
			strv_push_unique(c->ar, &kept, c->notes.v[i]);
	c->notes = kept;
	const char *lb = strrchr(c->linker_prog, '/');
	lb = lb ? lb + 1 : c->linker_prog;
	if (strstr(lb, "lld") || strstr(lb, "gold") || strstr(lb, "mold"))
		strv_push_unique(c->ar, &c->notes, arena_printf(c->ar, "the driver links with %s; goabi models GNU ld (bfd), whose archive rules are stricter", lb));
	return true;
}

void lk_parse_command(struct lk_cmd *c, int argc, char **argv)
{
	if (argc < 1)
		return;
	c->driver = arena_strdup(c->ar, argv[0]);
	const char *base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];
	c->driver_name = arena_strdup(c->ar, base);
	c->cxx = strstr(base, "++") != NULL;
	c->clang = strstr(base, "clang") != NULL;
	detect_target(c, argv[0]);
	if (strcmp(base, "ld") == 0 || strncmp(base, "ld.", 3) == 0 || (strlen(base) > 3 && strcmp(base + strlen(base) - 3, "-ld") == 0) ||
	    strstr(base, "-ld.") != NULL)
		c->flavor = LK_LD;
	else if (strstr(base, "musl-gcc") || strstr(base, "-linux-musl-"))
		c->flavor = LK_MUSL_GCC;
	else if (strstr(base, "gcc") || strstr(base, "clang") || strcmp(base, "cc") == 0 || strstr(base, "g++") ||
		 strstr(base, "c++"))
		c->flavor = LK_GCC;
	else {
		strv_push_unique(c->ar, &c->notes, arena_printf(c->ar, "'%s' is not a known compiler driver or linker; treated as gcc", base));
		c->flavor = LK_GCC;
	}
	const char *want_ver = NULL;
	const char *dash = strrchr(base, '-');
	if (dash && dash[1] >= '0' && dash[1] <= '9')
		want_ver = arena_strdup(c->ar, dash + 1); /* gcc-12 */
	struct goabi_strv words = { 0 };
	unsigned reads = 0;
	expand_args(c, argc - 1, argv + 1, &words, 0, &reads);
	/* --sysroot first: it decides every system path */
	for (size_t i = 0; i < words.n; i++) {
		if (strncmp(words.v[i], "--sysroot=", 10) == 0)
			c->sysroot = arena_strdup(c->ar, words.v[i] + 10);
		else if (strcmp(words.v[i], "--sysroot") == 0 && i + 1 < words.n)
			c->sysroot = arena_strdup(c->ar, words.v[i + 1]);
	}
	/* ld -m EMULATION (or -mEMULATION) names the target, as a cross
	 * driver's name does: ld -m elf_i386 links i386 objects */
	for (size_t i = 0; c->flavor == LK_LD && i < words.n; i++) {
		const char *w = words.v[i], *e = NULL;
		if (strcmp(w, "-m") == 0 && i + 1 < words.n)
			e = words.v[++i];
		else if (strncmp(w, "-m", 2) == 0 && w[2])
			e = w + 2;
		if (!e)
			continue;
		unsigned m = ld_emulation_machine(e);
		if (m) {
			c->machine = m;
			c->triplet = lk_triplet(m);
		} else {
			strv_push_unique(c->ar, &c->notes, arena_printf(c->ar, "emulation '%s' (ld -m) is not modelled; the %s target is assumed",
								 e, c->triplet));
		}
	}
	find_gcc_dir(c, want_ver);
	if (!c->gcc_dir && want_ver)
		find_gcc_dir(c, NULL);
	if (c->flavor == LK_MUSL_GCC && !c->specs) {
		const char *sp = musl_specs_path(c);
		if (sp)
			read_specs(c, sp);
		else
			strv_push(c->ar, &c->errors, arena_printf(c->ar, "musl-gcc.specs not found: is musl-tools installed?"));
		c->flavor = LK_MUSL_GCC;
	}
	size_t start = c->nitems;
	if (c->flavor == LK_LD) {
		for (size_t i = 0; i < words.n; i++)
			if (ld_word(c, words.v[i], i + 1 < words.n ? words.v[i + 1] : NULL))
				i++;
		c->driver_facts = LK_DRV_NONE;
		implicit_gcc(c, start, c->nitems);
		return;
	}
	gcc_args(c, &words);
	if (c->no_driver)
		c->driver_why = "not run (--no-driver)";
	else if (!known_driver(base))
		c->driver_why = arena_printf(c->ar, "'%s' is not a compiler driver goabi runs", base);
	else if (words.n > LK_DRIVER_MAX_WORDS)
		c->driver_why = arena_printf(c->ar, "more than %u words: not passed to the driver", LK_DRIVER_MAX_WORDS);
	else if (!c->errors.n && ask_driver(c, argv[0], &words, start))
		return;
	/* the documented default (docs/link.md): Debian's gcc 12 layout; for a
	 * cross target whose files are not here, unknown */
	c->driver_facts = c->cross && (!c->gcc_dir || !rd_is_regular(crt(c, "crti.o"))) ? LK_DRV_UNKNOWN : LK_DRV_DEFAULT;
	implicit_gcc(c, start, c->nitems);
}

void lk_parse_files(struct lk_cmd *c, int argc, char **argv)
{
	struct goabi_strv words = { 0 };
	strv_push(c->ar, &words, "gcc");
	for (int i = 0; i < argc; i++)
		strv_push(c->ar, &words, argv[i]);
	lk_parse_command(c, (int)words.n, (char **)words.v);
	c->driver = NULL;
}
