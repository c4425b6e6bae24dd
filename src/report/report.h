/* Reporters: read only the model, never the file. */
#ifndef GOABI_REPORT_H
#define GOABI_REPORT_H

#include <stdio.h>
#include <jansson.h>
#include "goabi/goabi.h"

struct report_opts {
	bool verbose;     /* evidence for every fact, full lists */
	bool isa_detail;
	bool color;
	int width;        /* text: wrap lines at this many columns (0: never), cli_text_width() */
};

void report_text(FILE *out, const struct goabi_artifact *a, const struct report_opts *o);
/* Print s with control characters escaped (\n, \t, \xNN, C1 as \u00NN):
 * names and strings from a file must not break lines or drive the terminal. */
void report_put(FILE *out, const char *s);
/* text (lines already escaped) with each line longer than width columns
 * broken at spaces, continuation lines indented 4 past the line's own
 * indentation; SGR colour sequences take no columns; width < 20: as is */
void report_wrap_text(FILE *out, const char *text, size_t len, int width);
/* A new JSON object describing the artifact (caller owns the reference). */
json_t *report_json(const struct goabi_artifact *a, const struct report_opts *o);
/* A JSON string from bytes that may not be valid UTF-8 (bad bytes -> U+FFFD). */
json_t *json_str(const char *s);
json_t *json_fact(const struct goabi_fact *f);
json_t *json_strv(const struct goabi_strv *sv);

/* The shared renderers over the one result model (include/goabi/result.h):
 * every check's output goes through these. */
struct goabi_result;
void report_result_text(FILE *out, const struct goabi_result *r, const struct report_opts *o);
/* The schema-2 envelope (caller owns the reference); exit is the exit code. */
json_t *report_result_json(const struct goabi_result *r, const struct report_opts *o, int exit);
/* r's "errors" as a JSON array [{"file", "member", "message"}] (new reference). */
json_t *report_result_errors_json(const struct goabi_result *r);
/* A SARIF 2.1.0 log with one run (rules from the findings' rule ids). */
json_t *report_result_sarif(const struct goabi_result *r);

#endif
