/* Errors of goabi diff and goabi audit (and image's fatal ones): plain lines on stderr in text mode;
 * in --json mode part of the JSON on stdout ("errors" beside the results,
 * or one error object when nothing else can be printed), so that a consumer
 * of the JSON never has to parse stderr (docs/diff.md, docs/audit.md). */
#ifndef GOABI_CLI_ERRORS_H
#define GOABI_CLI_ERRORS_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "report/sarif.h"

struct cli_errors {
	bool json;            /* collect silently (JSON mode) instead of printing */
	bool quiet;           /* -q: cli_fail prints no JSON either */
	struct sarif_note *v; /* file (may be NULL) and message, both owned */
	size_t n, cap;
};

/* True when argv asks for JSON output (--json, --format json, --format=json)
 * before "--"; decided before option parsing so that option errors are JSON. */
bool cli_wants_json(int argc, char **argv);

/* Record an error about file (NULL: not about one file); prints
 * "goabi CMD: 'file': message" on stderr unless e->json. */
void cli_error(struct cli_errors *e, const char *cmd, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* [{"file": ..., "message": ...}], a new reference. */
json_t *cli_errors_json(const struct cli_errors *e);
void cli_errors_release(struct cli_errors *e);

/* The whole output of a run that stopped on an error (usage, policy,
 * header): in JSON mode the schema-2 envelope (verdict "error", exit rc,
 * "errors" [{file, member, message}]) on stdout; else the errors were already on stderr. Returns rc. */
int cli_fail(struct cli_errors *e, const char *cmd, int rc);

/* One usage or input error that ends the run (exit 2), for every command:
 * "goabi CMD: 'file': message" on stderr in text mode; in JSON mode (cli_g,
 * from the shared options) the schema-2 envelope with "errors" on stdout,
 * in SARIF mode a log whose invocation carries it. Returns EXIT_INPUT (2). */
int cli_usage_error(const char *cmd, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Print j on stdout as goabi prints JSON (indent 2, keys in order, newline). */
void cli_print_json(json_t *j);

#endif
