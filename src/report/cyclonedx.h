/* CycloneDX 1.6 SBOM writer (docs/sbom.md). */
#ifndef GOABI_CYCLONEDX_H
#define GOABI_CYCLONEDX_H

#include "report/report.h"

/* A new BOM (caller owns it) with one component per element of artifacts, an
 * array of report_json objects; tool_version names goabi in the metadata. */
json_t *cyclonedx_bom(json_t *artifacts, const char *tool_version);

#endif
