/* goabi inspect: options, then the text or JSON reporter over each artifact. */
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/errors.h"
#include "facts/facts.h"
#include "goabi/goabi.h"
#include "goabi/result.h"
#include "read/package.h"
#include "report/cyclonedx.h"
#include "report/report.h"

struct inspect_run {
	struct goabi_opts opts;
	struct report_opts ro;
	bool json, recursive, quiet;
	bool sbom;          /* --format cyclonedx: the JSON objects become a CycloneDX BOM */
	bool brief;         /* --brief: one line per file, in the spirit of go version */
	struct walk_opts walk; /* -L follows symbolic links */
	json_t *arr;
	json_t *pkgj;       /* the package of the file being emitted (JSON "package") */
	struct goabi_result *res; /* --json: the envelope's verdict and "errors" */
	int rc;
	size_t nfiles;
};

static const char *fv(const struct goabi_fact *f)
{
	return f->value && *f->value ? f->value : NULL;
}

/* --brief: PATH: GO-VERSION (or "not Go"), libc and its floor, ISA level, the
 * flags that decide where it runs (cgo, linkage, build mode) */
static void brief_line(FILE *out, const char *path, const struct goabi_artifact *a)
{
	report_put(out, path);
	fputs(":", out);
	const char *tc = fv(&a->go.toolchain), *ver = fv(&a->go.version);
	if (tc && strcmp(tc, "gc") == 0) {
		fprintf(out, " %s", ver ? ver : fv(&a->go.version_range) ? fv(&a->go.version_range) : "Go, version unknown");
	} else if (tc && strcmp(tc, "none") != 0) {
		fprintf(out, " %s%s%s", tc, ver ? " " : "", ver ? ver : "");
	} else if (tc) {
		fputs(" not Go", out);
	} else {
		fputs(" Go unknown", out);
	}
	const char *osf = fv(&a->os.floor), *sig = fv(&a->os.signature);
	if (a->kind == GOABI_KIND_MACHO || a->kind == GOABI_KIND_PE)
		fprintf(out, ", %s %s, floor %s%s%s", a->kind == GOABI_KIND_PE ? "PE" : "Mach-O",
			a->nmembers ? "universal" : fv(&a->machine) ? fv(&a->machine) : "?", osf ? osf : "unknown",
			sig ? ", signature " : "", sig ? sig : "");
	const char *fam = fv(&a->libc.family), *floor = fv(&a->libc.glibc_floor), *link = fv(&a->libc.linkage);
	if (fam && strcmp(fam, "none") != 0)
		fprintf(out, ", %s%s%s", fam, floor ? " " : "", floor ? floor + (strncmp(floor, "GLIBC_", 6) == 0 ? 6 : 0) : "");
	if (link)
		fprintf(out, ", %s", link);
	const char *isa = fv(&a->isa.required) ? fv(&a->isa.required) : fv(&a->isa.declared);
	if (isa)
		fprintf(out, ", %s%s", isa, fv(&a->isa.required) ? " required" : "");
	if (tc && strcmp(tc, "none") != 0) {
		const char *cgo = fv(&a->go.cgo), *bm = fv(&a->go.buildmode);
		if (cgo)
			fprintf(out, ", cgo %s", cgo);
		if (bm)
			fprintf(out, ", %s", bm);
	}
	if (a->kind == GOABI_KIND_AR)
		fprintf(out, ", archive of %zu member%s", a->nmembers + a->nfolded, a->nmembers + a->nfolded == 1 ? "" : "s");
	if (goabi_artifact_has_errors(a))
		fputs(", NOT FULLY READ", out);
	fputc('\n', out);
}

static void emit(struct inspect_run *r, const char *path, struct goabi_artifact *a, int err);

/* "goabi inspect: 'PATH(MEMBER)': MSG[ TAIL]" on stderr in one write: stderr
 * is unbuffered, and report_put's escaping goes byte by byte (on /usr, 900
 * such lines were 95 000 write calls) */
static void say(const char *path, const char *member, const char *msg, const char *tail)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	FILE *out = m ? m : stderr;
	fputs("goabi inspect: '", out);
	report_put(out, path);
	if (member) {
		fputc('(', out);
		report_put(out, member);
		fputc(')', out);
	}
	fputs("': ", out);
	report_put(out, msg);
	if (tail)
		fputs(tail, out);
	fputc('\n', out);
	if (m) {
		fclose(m);
		fputs(buf, stderr);
		free(buf);
	}
}

/* a file's failure that leaves no artifact: stderr, the JSON errors, exit 2 */
static void fail(struct inspect_run *r, const char *path, const char *msg)
{
	say(path, NULL, msg, NULL);
	if (r->res)
		goabi_result_add_error(r->res, path, NULL, msg);
	r->rc = EXIT_INPUT;
}

/* release packages: every ELF file and archive inside is an artifact named
 * PACKAGE!/path/in/package, like an archive member */
struct pkg_run {
	struct inspect_run *r;
	const char *pkg;
	enum pkg_kind kind;
	struct pkg_meta meta; /* filled before the first binary */
	bool said;            /* the package line was printed */
};

/* text: one line naming the package and what it declares, before its files */
static void pkg_say(struct pkg_run *pr)
{
	if (pr->said || !pr->meta.read || pr->r->json || pr->r->brief || pr->r->quiet)
		return;
	pr->said = true;
	report_put(stdout, pr->pkg);
	printf(": %s package %s %s, architecture %s, libc declared: ", pkg_kind_name(pr->kind), pr->meta.name,
	       pr->meta.version, pr->meta.arch[0] ? pr->meta.arch : "?");
	report_put(stdout, pr->meta.libc_decl[0] ? pr->meta.libc_decl : "none");
	fputs("\n\n", stdout);
}

/* JSON: the package and the comparison of its declaration with this file */
json_t *cli_pkg_json(const struct pkg_meta *m, int kind, const char *rule, const char *msg)
{
	json_t *o = json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}", "format", pkg_kind_name((enum pkg_kind)kind), "name",
			      m->name[0] ? m->name : NULL, "version", m->version[0] ? m->version : NULL, "architecture",
			      m->arch[0] ? m->arch : NULL, "libc_declared", m->libc_decl[0] ? m->libc_decl : NULL,
			      "libc_family", m->libc_family[0] ? m->libc_family : NULL, "glibc_min",
			      m->glibc_min[0] ? m->glibc_min : NULL);
	if (o)
		json_object_set_new(o, "mismatch", rule ? json_pack("{s:s, s:s}", "rule", rule, "message", msg) : json_null());
	return o;
}

static void pkg_entry(void *ctx, const char *name, const uint8_t *buf, size_t len, const char *why)
{
	struct pkg_run *pr = ctx;
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	char *full = NULL;
	if (asprintf(&full, "%s!/%s", pr->pkg, name) < 0)
		return;
	pr->r->nfiles++;
	if (!buf) {
		fail(pr->r, full, why);
	} else {
		struct goabi_artifact *a = NULL;
		int err = goabi_inspect_buffer(full, buf, len, &pr->r->opts, &a);
		if (why)
			fail(pr->r, full, why);
		if (a) {
			char msg[1024];
			bool elf = a->kind == GOABI_KIND_ELF;
			const char *link = a->libc.linkage.value;
			const char *rule = pkg_compare(&pr->meta, a->libc.family.value, a->libc.glibc_floor.value,
						       elf ? a->id.machine_name : NULL,
						       elf && link && strcmp(link, "dynamic") == 0, msg, sizeof(msg));
			pkg_say(pr);
			if (rule && !pr->r->json && !pr->r->quiet) { /* a fact about the package, not an error */
				fputs("goabi inspect: '", stderr);
				report_put(stderr, full);
				fprintf(stderr, "': %s [%s]\n", msg, rule);
			}
			if (pr->r->json)
				pr->r->pkgj = cli_pkg_json(&pr->meta, pr->kind, rule, msg);
			emit(pr->r, full, a, err);
			json_decref(pr->r->pkgj);
			pr->r->pkgj = NULL;
		} else {
			fail(pr->r, full, goabi_strerror(err));
		}
	}
	free(full);
}

static void one(void *ctx, const char *path)
{
	struct inspect_run *r = ctx;
	enum pkg_kind pk = PKG_NONE;
	if (r->recursive) {
		/* one open: the first bytes tell binaries from the rest, and a
		 * binary is read on from there (the walk's directory descriptor
		 * saves a lookup of the whole path for each file) */
		unsigned char head[96];
		size_t n;
		bool bin;
		int fd = sniff_open(&r->walk, path, head, sizeof(head), &n, &bin, &pk);
		if (fd >= 0 && !bin && pk == PKG_NONE) {
			walk_close(&r->walk, fd);
			return;
		}
		if (fd >= 0 && pk == PKG_NONE) {
			struct goabi_artifact *a = NULL;
			int err = facts_inspect_fd(path, fd, head, n, &r->opts, &a);
			walk_close(&r->walk, fd);
			r->nfiles++;
			emit(r, path, a, err);
			return;
		}
		walk_close(&r->walk, fd);
	} else {
		pk = pkg_sniff(path);
	}
	if (pk != PKG_NONE) {
		char err[512];
		struct pkg_run pr = { r, path, pk, { 0 }, false };
		int prc = pkg_read(path, pk, pkg_entry, &pr, &pr.meta, err, sizeof(err));
		pkg_say(&pr); /* a package with no binary inside */
		if (prc != 0) {
			char msg[600];
			snprintf(msg, sizeof(msg), "%s package: %s", pkg_kind_name(pk), err);
			r->nfiles++;
			fail(r, path, msg);
		}
		return;
	}
	struct goabi_artifact *a = NULL;
	int err = goabi_inspect_path(path, &r->opts, &a);
	r->nfiles++;
	emit(r, path, a, err);
}

static void emit(struct inspect_run *r, const char *path, struct goabi_artifact *a, int err)
{
	if (!a) {
		say(path, NULL, goabi_strerror(err), NULL);
		if (r->res)
			goabi_result_add_error(r->res, path, NULL, goabi_strerror(err));
		r->rc = EXIT_INPUT;
		return;
	}
	if (err || goabi_artifact_has_errors(a)) {
		r->rc = EXIT_INPUT;
		/* one line naming the file and the first problem */
		const struct goabi_artifact *w = goabi_artifact_first_error(a);
		if (w && w->ndiags) /* escaped: names and messages carry bytes from the file */
			say(path, w->member, w->diags[0].message, NULL);
		if (r->res)
			goabi_result_add_error(r->res, path, w ? w->member : NULL,
					       w && w->ndiags ? w->diags[0].message : goabi_strerror(err));
	}
	if (r->json) {
		json_t *j = report_json(a, &r->ro);
		if (j && r->pkgj) /* a file from a release package */
			json_object_set(j, "package", r->pkgj);
		json_array_append_new(r->arr, j);
	} else if (r->brief && !r->quiet) {
		if (a->kind != GOABI_KIND_OTHER) /* a file that is no ELF, ar or Go object: stderr said so */
			brief_line(stdout, path, a);
	} else if (!r->quiet) {
		report_text(stdout, a, &r->ro);
		fputc('\n', stdout);
	}
	goabi_artifact_free(a);
}

static void help(FILE *out)
{
	fprintf(out,
		"usage: goabi [shared options] inspect [options] FILE|DIR...\n"
		"  --json         JSON output (schema %d: docs/json-schema.md)\n"
		"  --format F     text, json, or cyclonedx (a CycloneDX 1.6 SBOM: docs/sbom.md)\n"
		"  -r             walk directories, inspecting ELF files and archives\n"
		"  -L             with -r, follow symbolic links (loops and repeats visited once)\n"
		"  -v             verbose: all dependencies, symbols and evidence lists\n"
		"  --brief        one line per file: Go version, libc floor, ISA level, cgo, linkage\n"
		"  --isa          disassemble (capstone) for the ISA level the code requires and uses\n"
		"  --isa-detail   --isa, and list extensions and the functions that use them\n"
		"  --no-isa       no disassembly (the default: declared ISA level only)\n"
		"  --no-dwarf     skip DWARF prototypes of exported functions\n"
		"  -q             print nothing, only set the exit code\n"
		"exit: 0 all read, 2 usage error or a file could not be (fully) read\n",
		GOABI_JSON_SCHEMA);
}

/* the schema-2 envelope of inspect: the result model's envelope with
 * "artifacts" in place of "judged" and "findings" */
static json_t *envelope(struct inspect_run *r)
{
	struct goabi_result *res = r->res;
	res->verdict = r->rc ? GOABI_VERDICT_ERROR : GOABI_VERDICT_PASS;
	res->verdict_word = r->rc ? "not fully read" : "read";
	char n[32];
	snprintf(n, sizeof(n), "%zu", r->nfiles);
	goabi_props_add(res, &res->summary, "files", n);
	snprintf(n, sizeof(n), "%zu", res->nerrors);
	goabi_props_add(res, &res->summary, "errors", n);
	json_t *top = report_result_json(res, &r->ro, r->rc);
	if (!top)
		return NULL;
	json_t *errs = json_incref(json_object_get(top, "errors"));
	json_object_del(top, "judged");
	json_object_del(top, "findings");
	json_object_del(top, "errors");
	json_object_set_new(top, "artifacts", r->arr);
	r->arr = NULL;
	json_object_set_new(top, "errors", errs ? errs : json_array());
	return top;
}

int cmd_inspect(int argc, char **argv)
{
	struct inspect_run r = { 0 };
	enum { OPT_BRIEF = 256, OPT_ISA, OPT_ISA_DETAIL, OPT_NO_DWARF, OPT_NO_ISA };
	bool no_isa = false, isa = false;
	static const struct option lo[] = {
		{ "brief", no_argument, NULL, OPT_BRIEF },
		{ "isa", no_argument, NULL, OPT_ISA },
		{ "isa-detail", no_argument, NULL, OPT_ISA_DETAIL },
		{ "no-isa", no_argument, NULL, OPT_NO_ISA },
		{ "no-dwarf", no_argument, NULL, OPT_NO_DWARF },
		{ "recursive", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	argc = cli_global_take("inspect", argc, argv);
	if (cli_g.format == CLI_FMT_SARIF)
		return cli_usage_error("inspect", NULL, "--format sarif: inspect reports facts, not findings; use text, json or cyclonedx");
	r.json = cli_g.format == CLI_FMT_JSON || cli_g.format == CLI_FMT_CYCLONEDX;
	r.sbom = cli_g.format == CLI_FMT_CYCLONEDX;
	r.quiet = cli_g.quiet;
	r.ro.verbose = cli_g.verbose > 0;
	r.ro.color = cli_g.color;
	r.ro.width = cli_text_width();
	int c;
	optind = 1;
	opterr = !r.json; /* JSON mode: the error is in the JSON */
	while ((c = getopt_long(argc, argv, "rLvqh", lo, NULL)) != -1) {
		switch (c) {
		case OPT_BRIEF: r.brief = true; break;
		case OPT_ISA: isa = true; break;
		case OPT_ISA_DETAIL: isa = r.opts.isa_detail = r.ro.isa_detail = true; break;
		case OPT_NO_DWARF: r.opts.no_dwarf = true; break;
		case OPT_NO_ISA: no_isa = true; break;
		case 'r': r.recursive = true; break;
		case 'L': r.walk.follow = true; break;
		case 'v': r.ro.verbose = true; cli_g.verbose++; break; /* in a cluster: -rv */
		case 'q': r.quiet = cli_g.quiet = true; break;
		case 'h': help(stdout); return EXIT_CLEAN;
		default:
			if (r.json)
				return cli_usage_error("inspect", NULL, "unknown option or missing argument: '%s' (goabi inspect --help)",
						       argv[optind - 1 < argc && optind > 1 ? optind - 1 : 0]);
			help(stderr);
			return EXIT_INPUT;
		}
	}
	opterr = 1;
	if (optind >= argc) {
		if (r.json)
			return cli_usage_error("inspect", NULL, "no FILE or DIR to inspect (goabi inspect --help)");
		help(stderr);
		return EXIT_INPUT;
	}
	/* the disassembly costs ~100x the rest of inspect on a big Go binary:
	 * it runs when asked for, and the declared level is always reported */
	r.opts.isa = isa && !no_isa;
	/* --brief reads only the facts of its line (with --json the JSON wins) */
	r.opts.brief = r.brief && !r.json;
	if (no_isa)
		r.opts.isa_detail = r.ro.isa_detail = false;
	if (r.json) {
		r.arr = json_array();
		r.res = goabi_result_new("inspect");
		if (!r.arr || !r.res) {
			json_decref(r.arr);
			goabi_result_free(r.res);
			fprintf(stderr, "goabi inspect: out of memory\n");
			return EXIT_INPUT;
		}
	}
#ifdef __GLIBC__
	/* -r inspects file after file, each with its own arenas: keep the freed
	 * heap (no trim at every artifact, no mmap for a large arena chunk) so
	 * the next file reuses pages already mapped instead of faulting in
	 * fresh ones (glibc's libc.a: 2070 members, each an artifact) */
	if (r.recursive) {
		mallopt(M_MMAP_THRESHOLD, 64 << 20);
		mallopt(M_TRIM_THRESHOLD, 256 << 20);
		mallopt(M_TOP_PAD, 1 << 20);
	}
#endif
	/* -r progress: on a terminal only, never with a JSON/SBOM document */
	r.walk.progress = !r.json && !r.quiet && isatty(STDERR_FILENO) == 1;
	for (int i = optind; i < argc; i++) {
		struct stat st;
		if (r.recursive && stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (walk_tree_opts("inspect", argv[i], one, &r, &r.walk))
				r.rc = EXIT_INPUT;
		} else if (!r.recursive && stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			/* go version reads a directory; say how goabi does */
			const char *msg = "is a directory (use -r to inspect every ELF file and archive under it)";
			fputs("goabi inspect: '", stderr);
			report_put(stderr, argv[i]);
			fprintf(stderr, "': %s\n", msg);
			if (r.res)
				goabi_result_add_error(r.res, argv[i], NULL, msg);
			r.rc = EXIT_INPUT;
		} else {
			one(&r, argv[i]);
		}
	}
	if (r.walk.skipped_links && !r.quiet)
		fprintf(stderr, "goabi inspect: %zu symbolic link%s to files or directories not followed (-L follows them)\n",
			r.walk.skipped_links, r.walk.skipped_links == 1 ? "" : "s");
	walk_opts_free(&r.walk);
	if (r.json) {
		json_t *top = NULL;
		if (r.sbom) {
			top = cyclonedx_bom(r.arr, GOABI_VERSION);
			json_decref(r.arr);
		} else {
			top = envelope(&r);
		}
		if (!r.quiet && top)
			cli_print_json(top);
		json_decref(top);
		goabi_result_free(r.res);
	}
	return r.rc;
}
