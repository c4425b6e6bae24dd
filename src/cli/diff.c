/* goabi diff OLD NEW: options, the check (goabi_diff: pairing, comparison,
 * the DIFF_EXIT_* bitmask), the shared renderers (cli_emit_result). */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/errors.h"
#include "goabi/checks.h"
#include "goabi/goabi.h"
#include "report/report.h"

static void help(FILE *out)
{
	fprintf(out,
		"usage: goabi diff [options] OLD NEW\n"
		"  OLD and NEW: two ELF files or ar archives, two directories (files paired by path),\n"
		"               or two release packages .deb/.rpm/.apk (binaries paired by path)\n"
		"  --header FILE  cgo header (NAME.h) for the prototypes: give it twice, OLD's then NEW's\n"
		"  --no-dwarf     do not read DWARF prototypes (use --header, or compare names only)\n"
		"  --json         JSON output (schema 2, docs/diff.md)\n"
		"  --format text|json|sarif  output format (sarif: SARIF 2.1.0, one result per change)\n"
		"  -v             evidence and properties of every change\n"
		"  -q             print nothing, only set the exit code\n"
		"exit: a bitmask: 1 input error, 2 usage error, 4 changes found, 8 a breaking change,\n"
		"      16 a possibly breaking change; 0 when nothing changed\n");
}

/* Usage errors: exit 2 (the DIFF_EXIT_USAGE bit), help in text mode. */
static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage(const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (cli_g.format == CLI_FMT_TEXT && !cli_g.quiet)
		help(stderr);
	int rc = cli_usage_error("diff", NULL, "%s", msg ? msg : "out of memory");
	free(msg);
	return rc;
}

int cmd_diff(int argc, char **argv)
{
	struct goabi_diff_opts o = { 0 };
	int nheaders = 0;
	enum { OPT_HEADER = 256, OPT_NO_DWARF };
	static const struct option lo[] = {
		{ "header", required_argument, NULL, OPT_HEADER },
		{ "no-dwarf", no_argument, NULL, OPT_NO_DWARF },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* the shared options first: an option error later is JSON in JSON mode */
	argc = cli_global_take("diff", argc, argv);
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case OPT_HEADER:
			if (nheaders == 2)
				return usage("--header is given at most twice (OLD's, then NEW's)");
			if (nheaders++ == 0)
				o.old_header = optarg;
			else
				o.new_header = optarg;
			break;
		case OPT_NO_DWARF: o.no_dwarf = true; break;
		case 'h': help(stdout); return EXIT_CLEAN;
		default: return usage("unknown option or missing argument: '%s'", argv[optind - 1]);
		}
	}
	if (nheaders == 1)
		return usage("give --header twice: OLD's header, then NEW's");
	if (argc - optind != 2)
		return usage("expected two operands, OLD and NEW, got %d", argc - optind);
	struct goabi_result *r = NULL;
	int err = goabi_diff(argv[optind], argv[optind + 1], &o, &r);
	if (err) { /* out of memory: the input error bit */
		cli_usage_error("diff", NULL, "%s", goabi_strerror(err));
		return GOABI_DIFF_EXIT_ERROR;
	}
	/* text mode: each input error also one line on stderr, as before */
	if (cli_g.format == CLI_FMT_TEXT)
		for (size_t i = 0; i < r->nerrors; i++) {
			fputs("goabi diff: ", stderr);
			if (r->errors[i].file) {
				fputc('\'', stderr);
				report_put(stderr, r->errors[i].file);
				fputs("': ", stderr);
			}
			if (r->errors[i].member) {
				fputs("member '", stderr);
				report_put(stderr, r->errors[i].member);
				fputs("': ", stderr);
			}
			report_put(stderr, r->errors[i].message);
			fputc('\n', stderr);
		}
	int rc = cli_emit_result(r);
	goabi_result_free(r);
	return rc;
}
