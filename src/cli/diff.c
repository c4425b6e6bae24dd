/* goabi diff OLD NEW: options, pairing of files (directories by relative
 * path), output (report/diff_report.h) and the exit-code bitmask
 * (exitcode.h, docs/diff.md). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "check/diff.h"
#include "cli/cli.h"
#include "cli/exitcode.h"
#include "cli/errors.h"
#include "goabi/goabi.h"
#include "report/diff_report.h"
#include "report/report.h"
#include "util/util.h"

struct diff_run {
	struct goabi_opts opts;
	struct diff_opts dopts;
	struct diff_set set;
	bool json, quiet, sarif;
	unsigned errbits;
	struct cli_errors errs;
	char **paths;        /* collect: relative paths of one tree */
	size_t npaths, cap;
	size_t rootlen;
};

static void help(FILE *out)
{
	fprintf(out,
		"usage: goabi diff [options] OLD NEW\n"
		"  OLD and NEW: two ELF files or ar archives, or two directories (files paired by path)\n"
		"  --header FILE  cgo header (NAME.h) for the prototypes: give it twice, OLD's then NEW's\n"
		"  --no-dwarf     do not read DWARF prototypes (use --header, or compare names only)\n"
		"  --json         JSON output (docs/diff.md)\n"
		"  --format text|json|sarif  output format (sarif: SARIF 2.1.0, one result per change)\n"
		"  -q             print nothing, only set the exit code\n"
		"exit: a bitmask: 1 input error, 2 usage error, 4 changes found, 8 a breaking change,\n"
		"      16 a possibly breaking change; 0 when nothing changed\n");
}

/* Inspect one file; NULL (with a message and the error bit) when unreadable. */
static struct goabi_artifact *load(struct diff_run *r, const char *path)
{
	struct goabi_artifact *a = NULL;
	int err = goabi_inspect_path(path, &r->opts, &a);
	if (!a) {
		cli_error(&r->errs, "diff", path, "%s", goabi_strerror(err));
		r->errbits |= DIFF_EXIT_ERROR;
		return NULL;
	}
	if (err || goabi_artifact_has_errors(a)) {
		const struct goabi_artifact *w = goabi_artifact_first_error(a);
		if (w && w->member)
			cli_error(&r->errs, "diff", path, "member '%s': %s", w->member,
				  w->ndiags ? w->diags[0].message : goabi_strerror(err));
		else
			cli_error(&r->errs, "diff", path, "%s", w && w->ndiags ? w->diags[0].message : goabi_strerror(err));
		r->errbits |= DIFF_EXIT_ERROR;
		if (err || a->kind == GOABI_KIND_OTHER) {
			goabi_artifact_free(a);
			return NULL;
		}
	}
	return a;
}

static void diff_files(struct diff_run *r, const char *where, const char *op, const char *np)
{
	struct goabi_artifact *o = load(r, op), *n = o ? load(r, np) : NULL;
	if (o && n)
		diff_artifacts(&r->set, where, o, n, &r->dopts);
	goabi_artifact_free(o);
	goabi_artifact_free(n);
}

static void collect(void *ctx, const char *path)
{
	struct diff_run *r = ctx;
	if (!looks_like_binary(path) || r->npaths >= GOABI_MAX_LIST)
		return;
	if (r->npaths == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 64;
		char **nv = realloc(r->paths, nc * sizeof(*nv));
		if (!nv)
			return;
		r->paths = nv;
		r->cap = nc;
	}
	const char *rel = path + r->rootlen;
	while (*rel == '/')
		rel++;
	r->paths[r->npaths] = strdup(rel);
	if (r->paths[r->npaths])
		r->npaths++;
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **tree(struct diff_run *r, const char *dir, size_t *n)
{
	r->paths = NULL;
	r->npaths = r->cap = 0;
	r->rootlen = strlen(dir);
	if (walk_tree("diff", dir, collect, r)) {
		cli_error(&r->errs, "diff", dir, "some entries could not be read");
		r->errbits |= DIFF_EXIT_ERROR;
	}
	qsort(r->paths, r->npaths, sizeof(char *), cmpstr);
	*n = r->npaths;
	return r->paths;
}

static void diff_dirs(struct diff_run *r, const char *od, const char *nd)
{
	size_t no, nn;
	char **po = tree(r, od, &no);
	char **pn = tree(r, nd, &nn);
	size_t i = 0, j = 0;
	while (i < no || j < nn) {
		int c = i == no ? 1 : j == nn ? -1 : strcmp(po[i], pn[j]);
		if (c < 0) {
			diff_file_removed(&r->set, po[i]);
			i++;
		} else if (c > 0) {
			diff_file_added(&r->set, pn[j]);
			j++;
		} else {
			char *a = NULL, *b = NULL;
			if (asprintf(&a, "%s/%s", od, po[i]) >= 0 && asprintf(&b, "%s/%s", nd, pn[j]) >= 0)
				diff_files(r, po[i], a, b);
			free(a);
			free(b);
			i++;
			j++;
		}
	}
	for (size_t k = 0; k < no; k++)
		free(po[k]);
	for (size_t k = 0; k < nn; k++)
		free(pn[k]);
	free(po);
	free(pn);
}

int cmd_diff(int argc, char **argv)
{
	struct diff_run r = { 0 };
	const char *headers[2] = { NULL, NULL };
	int nheaders = 0;
	enum { OPT_JSON = 256, OPT_HEADER, OPT_NO_DWARF, OPT_FORMAT };
	static const struct option lo[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "header", required_argument, NULL, OPT_HEADER },
		{ "no-dwarf", no_argument, NULL, OPT_NO_DWARF },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* JSON mode is known before parsing: option errors are JSON too */
	r.errs.json = cli_wants_json(argc, argv);
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "qh", lo, NULL)) != -1) {
		switch (c) {
		case OPT_JSON: r.json = true; r.sarif = false; break;
		case OPT_HEADER:
			if (nheaders == 2) {
				cli_error(&r.errs, "diff", NULL, "--header is given at most twice (OLD's, then NEW's)");
				return cli_fail(&r.errs, "diff", DIFF_EXIT_USAGE);
			}
			headers[nheaders++] = optarg;
			break;
		case OPT_NO_DWARF: r.opts.no_dwarf = true; break;
		case OPT_FORMAT:
			r.json = strcmp(optarg, "json") == 0;
			r.sarif = strcmp(optarg, "sarif") == 0;
			if (!r.json && !r.sarif && strcmp(optarg, "text") != 0) {
				cli_error(&r.errs, "diff", NULL, "--format '%s': use text, json or sarif", optarg);
				return cli_fail(&r.errs, "diff", DIFF_EXIT_USAGE);
			}
			break;
		case 'q': r.quiet = r.errs.quiet = true; break;
		case 'h': help(stdout); return EXIT_CLEAN;
		default:
			cli_error(&r.errs, "diff", NULL, "unknown option or missing argument: '%s'", argv[optind - 1]);
			if (!r.errs.json)
				help(stderr);
			return cli_fail(&r.errs, "diff", DIFF_EXIT_USAGE);
		}
	}
	r.errs.json = r.json; /* the last --json / --format wins */
	if (argc - optind != 2 || nheaders == 1) {
		if (nheaders == 1)
			cli_error(&r.errs, "diff", NULL, "give --header twice: OLD's header, then NEW's");
		else
			cli_error(&r.errs, "diff", NULL, "expected two operands, OLD and NEW, got %d", argc - optind);
		if (!r.errs.json)
			help(stderr);
		return cli_fail(&r.errs, "diff", DIFF_EXIT_USAGE);
	}
	const char *op = argv[optind], *np = argv[optind + 1];
	if (diff_set_init(&r.set) != 0) {
		cli_error(&r.errs, "diff", NULL, "out of memory");
		return cli_fail(&r.errs, "diff", DIFF_EXIT_ERROR);
	}
	struct diff_header hdr[2] = { { 0 }, { 0 } };
	for (int i = 0; i < nheaders; i++) {
		char err[256];
		if (diff_header_load(r.set.arena, headers[i], &hdr[i], err, sizeof(err)) != 0) {
			cli_error(&r.errs, "diff", headers[i], "%s", err);
			diff_set_release(&r.set);
			return cli_fail(&r.errs, "diff", DIFF_EXIT_ERROR);
		}
	}
	if (nheaders == 2) {
		r.dopts.old_header = &hdr[0];
		r.dopts.new_header = &hdr[1];
	}
	r.opts.isa = true;
	struct stat so, sn;
	bool dir_o = stat(op, &so) == 0 && S_ISDIR(so.st_mode), dir_n = stat(np, &sn) == 0 && S_ISDIR(sn.st_mode);
	if (dir_o != dir_n) {
		cli_error(&r.errs, "diff", NULL, "'%s' and '%s': compare two files or two directories", op, np);
		diff_set_release(&r.set);
		return cli_fail(&r.errs, "diff", DIFF_EXIT_USAGE);
	}
	if (dir_o)
		diff_dirs(&r, op, np);
	else
		diff_files(&r, op, op, np);
	unsigned bits = exit_diff(r.errbits, &r.set);
	if (!r.quiet) {
		json_t *j = NULL;
		if (r.sarif)
			j = diff_report_sarif(&r.set, r.errs.v, r.errs.n, dir_o, op, np, bits);
		else if (r.json)
			j = diff_report_json(&r.set, cli_errors_json(&r.errs), op, np, bits);
		else
			diff_report_text(stdout, &r.set, op, np);
		if (j) {
			json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			fputc('\n', stdout);
			json_decref(j);
		}
	}
	diff_set_release(&r.set);
	cli_errors_release(&r.errs);
	return (int)bits;
}
