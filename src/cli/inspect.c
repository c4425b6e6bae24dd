/* goabi inspect: options, then the text or JSON reporter over each artifact. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli/cli.h"
#include "goabi/goabi.h"
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
	json_t *errors;     /* --json: [{"file", "member", "message"}] */
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
		fprintf(out, ", archive of %zu member%s", a->nmembers, a->nmembers == 1 ? "" : "s");
	if (goabi_artifact_has_errors(a))
		fputs(", NOT FULLY READ", out);
	fputc('\n', out);
}

static void emit(struct inspect_run *r, const char *path, struct goabi_artifact *a, int err);

/* a file's failure that leaves no artifact: stderr, the JSON errors, exit 2 */
static void fail(struct inspect_run *r, const char *path, const char *msg)
{
	fputs("goabi inspect: '", stderr);
	report_put(stderr, path);
	fputs("': ", stderr);
	report_put(stderr, msg);
	fputc('\n', stderr);
	if (r->json)
		json_array_append_new(r->errors, json_pack("{s:o, s:n, s:o}", "file", json_str(path), "member", "message",
							   json_str(msg)));
	r->rc = EXIT_INPUT;
}

/* release packages: every ELF file and archive inside is an artifact named
 * PACKAGE!/path/in/package, like an archive member */
struct pkg_run {
	struct inspect_run *r;
	const char *pkg;
};

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
		if (a)
			emit(pr->r, full, a, err);
		else
			fail(pr->r, full, goabi_strerror(err));
	}
	free(full);
}

static void one(void *ctx, const char *path)
{
	struct inspect_run *r = ctx;
	if (r->recursive && !looks_like_binary(path) && pkg_sniff(path) == PKG_NONE)
		return;
	enum pkg_kind pk = pkg_sniff(path);
	if (pk != PKG_NONE) {
		char err[512];
		struct pkg_run pr = { r, path };
		if (pkg_read(path, pk, pkg_entry, &pr, err, sizeof(err)) != 0) {
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
		fputs("goabi inspect: '", stderr);
		report_put(stderr, path);
		fprintf(stderr, "': %s\n", goabi_strerror(err));
		if (r->json)
			json_array_append_new(r->errors, json_pack("{s:o, s:n, s:o}", "file", json_str(path), "member",
								   "message", json_str(goabi_strerror(err))));
		r->rc = EXIT_INPUT;
		return;
	}
	if (err || goabi_artifact_has_errors(a)) {
		r->rc = EXIT_INPUT;
		/* one line naming the file and the first problem */
		const struct goabi_artifact *w = goabi_artifact_first_error(a);
		if (w && w->ndiags) { /* escaped: names and messages carry bytes from the file */
			fputs("goabi inspect: '", stderr);
			report_put(stderr, path);
			if (w->member) {
				fputc('(', stderr);
				report_put(stderr, w->member);
				fputc(')', stderr);
			}
			fputs("': ", stderr);
			report_put(stderr, w->diags[0].message);
			fputc('\n', stderr);
		}
		if (r->json)
			json_array_append_new(r->errors,
					      json_pack("{s:o, s:o, s:o}", "file", json_str(path), "member", json_str(w ? w->member : NULL),
							"message", json_str(w && w->ndiags ? w->diags[0].message : goabi_strerror(err))));
	}
	if (r->json) {
		json_array_append_new(r->arr, report_json(a, &r->ro));
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
		"usage: goabi inspect [options] FILE|DIR...\n"
		"  --json         JSON output (schema: docs/json-schema.md)\n"
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
		"exit: 0 all read, 2 usage error or a file could not be (fully) read\n");
}

int cmd_inspect(int argc, char **argv)
{
	struct inspect_run r = { 0 };
	enum { OPT_JSON = 256, OPT_FORMAT, OPT_BRIEF, OPT_ISA, OPT_ISA_DETAIL, OPT_NO_DWARF, OPT_NO_ISA };
	bool no_isa = false, isa = false;
	static const struct option lo[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "brief", no_argument, NULL, OPT_BRIEF },
		{ "isa", no_argument, NULL, OPT_ISA },
		{ "isa-detail", no_argument, NULL, OPT_ISA_DETAIL },
		{ "no-isa", no_argument, NULL, OPT_NO_ISA },
		{ "no-dwarf", no_argument, NULL, OPT_NO_DWARF },
		{ "recursive", no_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "rLvqh", lo, NULL)) != -1) {
		switch (c) {
		case OPT_JSON: r.json = true; r.sbom = false; break;
		case OPT_BRIEF: r.brief = true; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0) {
				r.json = r.sbom = false;
			} else if (strcmp(optarg, "json") == 0) {
				r.json = true;
				r.sbom = false;
			} else if (strcmp(optarg, "cyclonedx") == 0) {
				r.json = r.sbom = true;
			} else {
				fprintf(stderr, "goabi inspect: --format '%s': use text, json or cyclonedx\n", optarg);
				return EXIT_INPUT;
			}
			break;
		case OPT_ISA: isa = true; break;
		case OPT_ISA_DETAIL: isa = r.opts.isa_detail = r.ro.isa_detail = true; break;
		case OPT_NO_DWARF: r.opts.no_dwarf = true; break;
		case OPT_NO_ISA: no_isa = true; break;
		case 'r': r.recursive = true; break;
		case 'L': r.walk.follow = true; break;
		case 'v': r.ro.verbose = true; break;
		case 'q': r.quiet = true; break;
		case 'h': help(stdout); return EXIT_CLEAN;
		default: help(stderr); return EXIT_INPUT;
		}
	}
	if (optind >= argc) {
		help(stderr);
		return EXIT_INPUT;
	}
	/* the disassembly costs ~100x the rest of inspect on a big Go binary:
	 * it runs when asked for, and the declared level is always reported */
	r.opts.isa = isa && !no_isa;
	if (no_isa)
		r.opts.isa_detail = r.ro.isa_detail = false;
	if (r.json) {
		r.arr = json_array();
		r.errors = json_array();
	}
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
			if (r.json)
				json_array_append_new(r.errors, json_pack("{s:o, s:n, s:s}", "file", json_str(argv[i]),
									   "member", "message", msg));
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
		json_t *top = json_pack("{s:s, s:s, s:i, s:o, s:o, s:i}", "tool", "goabi", "version", GOABI_VERSION, "schema",
					GOABI_JSON_SCHEMA, "artifacts", r.arr, "errors", r.errors, "exit", r.rc);
		if (r.sbom) {
			json_t *bom = cyclonedx_bom(r.arr, GOABI_VERSION);
			json_decref(top);
			top = bom;
		}
		if (!r.quiet && top) {
			json_dumpf(top, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			fputc('\n', stdout);
		}
		json_decref(top);
	}
	return r.rc;
}
