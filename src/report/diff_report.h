/* Text, JSON and SARIF output of goabi diff (diff_report.c). */
#ifndef GOABI_REPORT_DIFF_H
#define GOABI_REPORT_DIFF_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "check/diff.h"
#include "report/sarif.h"

/* One block per file ("where"), one line per change, then the summary. */
void diff_report_text(FILE *out, const struct diff_set *s, const char *op, const char *np);
/* {"tool", ..., "changes", "summary", "errors", "exit"}; takes the
 * reference to errors (an array). A new reference. */
json_t *diff_report_json(const struct diff_set *s, json_t *errors, const char *op, const char *np, unsigned bits);
/* A SARIF log located at the NEW file of each change (dirs: NEW joined
 * with the relative path; OLD's for a removed file). NULL: out of memory. */
json_t *diff_report_sarif(const struct diff_set *s, const struct sarif_note *notes, size_t nnotes, bool dirs,
			  const char *op, const char *np, unsigned bits);

#endif
