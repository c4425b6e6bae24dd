/* goabi link: options, then the link prediction (goabi_link_check) rendered
 * by the shared renderers (text, JSON schema 2, SARIF).
 *   goabi link [options] FILE...            linked as "gcc FILE..."
 *   goabi link [options] -- CC-OR-LD ARGS... the user's real command */
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/errors.h"
#include "goabi/checks.h"

static void help(FILE *out)
{
	fprintf(out,
		"usage: goabi link [options] FILE...\n"
		"       goabi link [options] -- gcc|g++|clang|clang++|musl-gcc|CROSS-gcc|ld ARGS...\n"
		"  --json   JSON output (schema 2: docs/json-schema.md, docs/link.md)\n"
		"  --format text|json|sarif  output format (sarif: SARIF 2.1.0, one result per finding)\n"
		"  --no-driver  do not ask the driver for its link line (DRIVER -###): use goabi's default\n"
		"  -v       also list every input, the archive members pulled and why, the search path\n"
		"  -q       print nothing, only set the exit code\n"
		"exit: 0 links (with or without hazards), 1 fails or links but cannot work (two Go runtimes),\n"
		"      2 usage error, 3 unknown: depends on source files (or a driver) goabi cannot read\n");
}

int cmd_link(int argc, char **argv)
{
	bool no_driver = false, command = false;
	int i = 1;
	/* options end at the first word that is not one ("--" included), so
	 * that "-- gcc -o x" reaches the check intact */
	while (i < argc) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			command = true;
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == 0)
			break;
		if (cli_global_opt("link", argc, argv, &i))
			continue; /* i is past it */
		if (strcmp(a, "--no-driver") == 0) {
			no_driver = true;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			help(stdout);
			return EXIT_CLEAN;
		} else if (a[1] != '-' && strspn(a + 1, "vqh") == strlen(a + 1)) {
			/* bundled short options, as getopt took them: -vq */
			for (const char *c = a + 1; *c; c++) {
				if (*c == 'h') {
					help(stdout);
					return EXIT_CLEAN;
				}
				if (*c == 'v')
					cli_g.verbose++;
				else
					cli_g.quiet = true;
			}
		} else {
			if (cli_g.format == CLI_FMT_TEXT)
				help(stderr);
			return cli_usage_error("link", NULL, "unknown option '%s'", a);
		}
		i++;
	}
	if (i >= argc) {
		if (cli_g.format == CLI_FMT_TEXT)
			help(stderr);
		return cli_usage_error("link", NULL, "%s", command ? "no command after '--'" : "no input files");
	}
	/* the check's own arguments: [--no-driver] [--] WORDS... */
	char **args = malloc((size_t)(argc - i + 3) * sizeof(*args));
	if (!args)
		return cli_usage_error("link", NULL, "out of memory");
	static char opt_no_driver[] = "--no-driver", opt_command[] = "--";
	int n = 0;
	if (no_driver)
		args[n++] = opt_no_driver;
	if (command)
		args[n++] = opt_command;
	for (; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	struct goabi_result *r = NULL;
	int err = goabi_link_check(n, args, &r);
	free(args);
	if (err < 0 || !r) {
		return cli_usage_error("link", NULL, "%s", goabi_strerror(err));
	}
	int rc = cli_emit_result(r);
	goabi_result_free(r);
	return rc;
}
