/* Errors of goabi diff and audit as text or JSON (errors.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/errors.h"
#include "goabi/goabi.h"
#include "goabi/result.h"
#include "report/report.h"

bool cli_wants_json(int argc, char **argv)
{
	/* given before the command name (goabi --json CMD ...) */
	bool json = cli_g.format == CLI_FMT_JSON;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "--format=json") == 0)
			json = true;
		else if (strncmp(argv[i], "--format=", 9) == 0)
			json = false;
		else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			json = strcmp(argv[++i], "json") == 0;
	}
	return json;
}

void cli_error(struct cli_errors *e, const char *cmd, const char *file, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!e->json) {
		if (file)
			fprintf(stderr, "goabi %s: '%s': %s\n", cmd, file, msg ? msg : "out of memory");
		else
			fprintf(stderr, "goabi %s: %s\n", cmd, msg ? msg : "out of memory");
	}
	if (!msg)
		return;
	if (e->n == e->cap) {
		size_t nc = e->cap ? e->cap * 2 : 8;
		struct sarif_note *nv = e->n < GOABI_MAX_LIST ? realloc(e->v, nc * sizeof(*nv)) : NULL;
		if (!nv) {
			free(msg);
			return;
		}
		e->v = nv;
		e->cap = nc;
	}
	e->v[e->n].file = file ? strdup(file) : NULL;
	e->v[e->n].message = msg;
	e->n++;
}

json_t *cli_errors_json(const struct cli_errors *e)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < e->n; i++)
		json_array_append_new(arr, json_pack("{s:o, s:o}", "file", e->v[i].file ? json_str(e->v[i].file) : json_null(),
						     "message", json_str(e->v[i].message)));
	return arr;
}

void cli_errors_release(struct cli_errors *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free((char *)e->v[i].file);
		free((char *)e->v[i].message);
	}
	free(e->v);
	memset(e, 0, sizeof(*e));
}

/* The run's errors as a result of verdict ERROR (exit rc): the schema-2
 * envelope, or a SARIF log whose toolExecutionNotifications carry them. */
static struct goabi_result *errors_result(const struct cli_errors *e, const char *cmd, int rc)
{
	struct goabi_result *r = goabi_result_new(cmd);
	if (!r)
		return NULL;
	r->verdict = rc == EXIT_CLEAN ? GOABI_VERDICT_PASS : GOABI_VERDICT_ERROR;
	if (strcmp(cmd, "diff") == 0)
		r->exit_bits = (unsigned)rc;
	for (size_t i = 0; e && i < e->n; i++)
		goabi_result_add_error(r, e->v[i].file, NULL, e->v[i].message);
	return r;
}

static void print_errors(const struct cli_errors *e, const char *cmd, int rc, bool sarif)
{
	struct goabi_result *r = errors_result(e, cmd, rc);
	json_t *top = NULL;
	if (r)
		top = sarif ? report_result_sarif(r) : report_result_json(r, NULL, rc);
	if (!top) /* out of memory: still valid JSON with the exit code */
		top = json_pack("{s:s, s:s, s:i, s:s, s:i, s:[]}", "tool", "goabi", "version", GOABI_VERSION, "schema",
				GOABI_JSON_SCHEMA, "command", cmd, "exit", rc, "errors");
	cli_print_json(top);
	json_decref(top);
	goabi_result_free(r);
}

int cli_fail(struct cli_errors *e, const char *cmd, int rc)
{
	if (e->json && !e->quiet && !cli_g.quiet)
		print_errors(e, cmd, rc, false);
	cli_errors_release(e);
	return rc;
}

int cli_usage_error(const char *cmd, const char *file, const char *fmt, ...)
{
	struct cli_errors e = { .json = cli_g.format == CLI_FMT_JSON || cli_g.format == CLI_FMT_SARIF };
	char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	cli_error(&e, cmd, file, "%s", msg ? msg : "out of memory");
	free(msg);
	if (e.json && !cli_g.quiet)
		print_errors(&e, cmd, EXIT_INPUT, cli_g.format == CLI_FMT_SARIF);
	cli_errors_release(&e);
	return EXIT_INPUT;
}
