/* goabi plugin: options, the check (goabi_plugin_check), the shared
 * renderers and exit rule (cli_emit_result). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/errors.h"
#include "goabi/checks.h"
#include "goabi/goabi.h"
#include "report/report.h"

#define MAX_PLUGINS 4096u /* goabi_plugin_check's limit (checks.h) */

static void help(FILE *out)
{
	fprintf(out,
		"usage: goabi plugin [options] HOST PLUGIN...\n"
		"  predicts, in load order, whether the Go program HOST's plugin.Open succeeds for each\n"
		"  PLUGIN and the exact error it returns, without loading anything (docs/plugin.md)\n"
		"  --json        JSON output (schema 2, docs/json-schema.md)\n"
		"  --format text|json|sarif  output format (sarif: SARIF 2.1.0, one result per plugin\n"
		"                that does not load)\n"
		"  --root DIR    resolve the plugins' libraries under DIR (default /)\n"
		"  -v            all evidence for every plugin\n"
		"  -q            print nothing, only set the exit code\n"
		"exit: 0 every plugin loads, 1 some plugin fails to load (or aborts the process),\n"
		"      2 usage error or unreadable input\n");
}

/* Input errors on stderr as every command prints them in text mode
 * ("goabi plugin: 'FILE': message"); JSON and SARIF carry them. */
static void errors_to_stderr(const struct goabi_result *r)
{
	if (cli_g.format != CLI_FMT_TEXT)
		return;
	for (size_t i = 0; i < r->nerrors; i++) {
		fputs("goabi plugin: ", stderr);
		if (r->errors[i].file) {
			fputc('\'', stderr);
			report_put(stderr, r->errors[i].file);
			fputs("': ", stderr);
		}
		report_put(stderr, r->errors[i].message);
		fputc('\n', stderr);
	}
}

int cmd_plugin(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "root", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = "/";
	argc = cli_global_take("plugin", argc, argv);
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
		switch (c) {
		case 'R': root = optarg; break;
		case 'h': help(stdout); return EXIT_CLEAN;
		default:
			if (cli_g.format == CLI_FMT_TEXT)
				help(stderr);
			return cli_usage_error("plugin", NULL, "unknown option or missing argument: '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind < 2) {
		if (cli_g.format == CLI_FMT_TEXT)
			help(stderr);
		return cli_usage_error("plugin", NULL, "need a HOST and at least one PLUGIN");
	}
	if ((size_t)(argc - optind - 1) > MAX_PLUGINS)
		return cli_usage_error("plugin", NULL, "more than %u plugins", MAX_PLUGINS);
	struct goabi_result *r = NULL;
	int err = goabi_plugin_check(argv[optind], argv + optind + 1, (size_t)(argc - optind - 1), root, &r);
	if (err)
		return cli_usage_error("plugin", NULL, "%s", goabi_strerror(err));
	errors_to_stderr(r);
	int rc = cli_emit_result(r);
	goabi_result_free(r);
	return rc;
}
