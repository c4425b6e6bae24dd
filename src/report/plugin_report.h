/* Text and JSON output of goabi plugin (plugin_report.c): read only the
 * prediction (check/plugin.h). */
#ifndef GOABI_REPORT_PLUGIN_H
#define GOABI_REPORT_PLUGIN_H

#include <stdio.h>
#include <jansson.h>
#include "check/plugin.h"

/* One verdict line per plugin, in load order: verdict, path, message, evidence. */
void plugin_report_text(FILE *out, const struct plg_result *r, bool verbose);
/* {"host": {...}, "root": ..., "plugins": [...]} (docs/json-schema.md), a new reference. */
json_t *plugin_report_json(const struct plg_result *r, const char *root);

#endif
