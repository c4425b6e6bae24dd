/* The options every command shares (cli.h): parsed by main.c before the
 * command name and by the commands after it; and the one way a command
 * prints its result (text, JSON schema 2, SARIF 2.1.0) and gets its exit
 * code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/errors.h"
#include "goabi/result.h"
#include "report/cyclonedx.h"
#include "report/report.h"

struct cli_global cli_g;
static bool color_decided; /* --color given: do not look at the terminal again */

static bool want_color_auto(void)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
	if (nc && *nc)
		return false;
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(STDOUT_FILENO) == 1;
}

int cli_text_width(void)
{
	const char *c = getenv("COLUMNS");
	if (c && *c) {
		char *e;
		long v = strtol(c, &e, 10);
		if (!*e && v >= 20 && v <= 100000)
			return (int)v;
	}
	struct winsize ws;
	if (isatty(STDOUT_FILENO) == 1 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 0;
}

static void bad(const char *cmd, const char *opt, const char *val, const char *use)
{
	if (cmd && *cmd)
		fprintf(stderr, "goabi %s: %s '%s': use %s\n", cmd, opt, val, use);
	else
		fprintf(stderr, "goabi: %s '%s': use %s\n", opt, val, use);
	exit(EXIT_INPUT);
}

static void set_format(const char *cmd, const char *v)
{
	if (strcmp(v, "text") == 0)
		cli_g.format = CLI_FMT_TEXT;
	else if (strcmp(v, "json") == 0)
		cli_g.format = CLI_FMT_JSON;
	else if (strcmp(v, "sarif") == 0)
		cli_g.format = CLI_FMT_SARIF;
	else if (strcmp(v, "cyclonedx") == 0)
		cli_g.format = CLI_FMT_CYCLONEDX;
	else
		bad(cmd, "--format", v, "text, json, sarif or cyclonedx");
	cli_g.format_set = true;
}

static void set_color(const char *cmd, const char *v)
{
	if (!v || strcmp(v, "always") == 0)
		cli_g.color = true;
	else if (strcmp(v, "never") == 0)
		cli_g.color = false;
	else if (strcmp(v, "auto") == 0)
		cli_g.color = want_color_auto();
	else
		bad(cmd, "--color", v, "auto, always or never");
	color_decided = true;
}

bool cli_global_opt(const char *cmd, int argc, char **argv, int *i)
{
	if (!color_decided) { /* the default: auto */
		cli_g.color = want_color_auto();
		color_decided = true;
	}
	const char *a = argv[*i];
	if (strcmp(a, "--json") == 0) {
		cli_g.format = CLI_FMT_JSON;
		cli_g.format_set = true;
	} else if (strcmp(a, "--format") == 0) {
		if (*i + 1 >= argc) {
			if (cmd && *cmd)
				fprintf(stderr, "goabi %s: --format needs a value (text, json, sarif or cyclonedx)\n", cmd);
			else
				fprintf(stderr, "goabi: --format needs a value (text, json, sarif or cyclonedx)\n");
			exit(EXIT_INPUT);
		}
		set_format(cmd, argv[++*i]);
	} else if (strncmp(a, "--format=", 9) == 0) {
		set_format(cmd, a + 9);
	} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
		cli_g.quiet = true;
	} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
		cli_g.verbose++;
	} else if (a[0] == '-' && a[1] == 'v' && a[2] && strspn(a + 1, "v") == strlen(a + 1)) {
		cli_g.verbose += (int)strlen(a + 1); /* -vv */
	} else if (strcmp(a, "--color") == 0 || strcmp(a, "--colour") == 0) {
		set_color(cmd, NULL);
	} else if (strncmp(a, "--color=", 8) == 0) {
		set_color(cmd, a + 8);
	} else if (strncmp(a, "--colour=", 9) == 0) {
		set_color(cmd, a + 9);
	} else if (strcmp(a, "--no-color") == 0) {
		set_color(cmd, "never");
	} else {
		return false;
	}
	++*i;
	return true;
}

int cli_global_take(const char *cmd, int argc, char **argv)
{
	int out = 1, i = 1;
	while (i < argc) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!cli_global_opt(cmd, argc, argv, &i))
			argv[out++] = argv[i++];
	}
	argv[out] = NULL;
	return out;
}

void cli_print_json(json_t *j)
{
	if (!j)
		return;
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	fflush(stdout);
}

int cli_emit_sbom(const struct goabi_result *r, json_t *artifacts)
{
	int rc = goabi_exit_code(r);
	if (!r || cli_g.quiet)
		return rc;
	json_t *j = cyclonedx_result_bom(r, artifacts, GOABI_VERSION);
	cli_print_json(j);
	json_decref(j);
	return rc;
}

int cli_emit_result(const struct goabi_result *r)
{
	int rc = goabi_exit_code(r);
	if (!r || cli_g.quiet)
		return rc;
	if (!color_decided) {
		cli_g.color = want_color_auto();
		color_decided = true;
	}
	struct report_opts ro = { .verbose = cli_g.verbose > 0, .color = cli_g.color };
	switch (cli_g.format) {
	case CLI_FMT_TEXT: {
		int width = cli_text_width();
		char *buf = NULL;
		size_t len = 0;
		FILE *m = width ? open_memstream(&buf, &len) : NULL;
		if (m) { /* rendered, then wrapped to the width */
			report_result_text(m, r, &ro);
			fclose(m);
			report_wrap_text(stdout, buf, len, width);
			free(buf);
		} else {
			report_result_text(stdout, r, &ro);
		}
		fflush(stdout);
		break;
	}
	case CLI_FMT_SARIF: {
		json_t *j = report_result_sarif(r);
		cli_print_json(j);
		json_decref(j);
		break;
	}
	case CLI_FMT_CYCLONEDX:
		if (strcmp(r->check, "image") == 0) { /* the image's binaries (docs/sbom.md) */
			json_t *j = cyclonedx_result_bom(r, NULL, GOABI_VERSION);
			cli_print_json(j);
			json_decref(j);
			break;
		}
		/* the other checks' results have no SBOM form: their JSON */
		__attribute__((fallthrough));
	case CLI_FMT_JSON: {
		json_t *j = report_result_json(r, &ro, rc);
		cli_print_json(j);
		json_decref(j);
		break;
	}
	}
	return rc;
}
