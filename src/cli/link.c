/* goabi link: options, then the link prediction's text or JSON report.
 *   goabi link [--json] [-v] [-q] FILE...            linked as "gcc FILE..."
 *   goabi link [--json] [-v] [-q] -- CC-OR-LD ARGS... the user's real command */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "check/link.h"
#include "cli/cli.h"
#include "cli/exitcode.h"
#include "goabi/goabi.h"
#include "report/link_report.h"

static void help(FILE *out)
{
	fprintf(out,
		"usage: goabi link [options] FILE...\n"
		"       goabi link [options] -- gcc|g++|clang|clang++|musl-gcc|CROSS-gcc|ld ARGS...\n"
		"  --json   JSON output (docs/link.md)\n"
		"  --no-driver  do not ask the driver for its link line (DRIVER -###): use goabi's default\n"
		"  -v       also list every input, the archive members pulled and why, the search path\n"
		"  -q       print nothing, only set the exit code\n"
		"exit: 0 links (with or without hazards), 1 fails or links but cannot work (two Go runtimes),\n"
		"      2 usage error, 3 unknown: depends on source files (or a driver) goabi cannot read\n");
}

int cmd_link(int argc, char **argv)
{
	bool json = false, verbose = false, quiet = false, no_driver = false;
	enum { OPT_JSON = 256, OPT_NO_DRIVER };
	static const struct option lo[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "no-driver", no_argument, NULL, OPT_NO_DRIVER },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	optind = 1;
	/* '+': stop at the first non-option, so "-- gcc -o x" reaches us intact */
	while ((c = getopt_long(argc, argv, "+vqh", lo, NULL)) != -1) {
		switch (c) {
		case OPT_JSON: json = true; break;
		case OPT_NO_DRIVER: no_driver = true; break;
		case 'v': verbose = true; break;
		case 'q': quiet = true; break;
		case 'h': help(stdout); return EXIT_CLEAN;
		default: help(stderr); return EXIT_INPUT;
		}
	}
	bool command = optind > 0 && strcmp(argv[optind - 1], "--") == 0;
	if (optind >= argc) {
		help(stderr);
		return EXIT_INPUT;
	}
	struct goabi_arena *ar = arena_new();
	if (!ar) {
		fprintf(stderr, "goabi link: out of memory\n");
		return EXIT_INPUT;
	}
	struct lk_cmd cmd;
	lk_cmd_init(&cmd, ar);
	cmd.no_driver = no_driver;
	if (command)
		lk_parse_command(&cmd, argc - optind, argv + optind);
	else
		lk_parse_files(&cmd, argc - optind, argv + optind);
	struct lk_result *r = lk_run(&cmd);
	if (!r) {
		fprintf(stderr, "goabi link: out of memory\n");
		arena_free(ar);
		return EXIT_INPUT;
	}
	int rc = exit_link(r);
	if (json) {
		json_t *top = json_pack("{s:s, s:s, s:i, s:o}", "tool", "goabi", "version", GOABI_VERSION, "schema",
					GOABI_JSON_SCHEMA, "link", lk_report_json(r));
		if (!quiet) {
			json_dumpf(top, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			fputc('\n', stdout);
		}
		json_decref(top);
	} else if (!quiet) {
		lk_report_text(stdout, r, verbose);
	}
	lk_result_free(r);
	return rc;
}
