/* Text and JSON output of goabi link (link_report.c): read only the
 * prediction (check/link.h). */
#ifndef GOABI_REPORT_LINK_H
#define GOABI_REPORT_LINK_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "check/link.h"

/* Verdict line, then one line per finding (ld's message, the diagnosis);
 * verbose: every input, the members pulled and why, the search path. */
void lk_report_text(FILE *out, const struct lk_result *r, bool verbose);
/* The "link" object of docs/link.md, a new reference. */
json_t *lk_report_json(const struct lk_result *r);

#endif
