/* CycloneDX 1.6 SBOM writer (docs/sbom.md). */
#ifndef GOABI_CYCLONEDX_H
#define GOABI_CYCLONEDX_H

#include "report/report.h"

/* A new BOM (caller owns it) with one component per element of artifacts, an
 * array of report_json objects; tool_version names goabi in the metadata. */
json_t *cyclonedx_bom(json_t *artifacts, const char *tool_version);

struct goabi_result;
/* A BOM of a check's result: with artifacts (audit: the report_json objects
 * of the files judged) one component per artifact as cyclonedx_bom, without
 * (image) one per judged item from its properties (go.modules: the nested
 * module components); each with the result's verdict, findings (rule,
 * severity, message, evidence) and errors about it as goabi: properties,
 * the summary and verdict in metadata.properties. */
json_t *cyclonedx_result_bom(const struct goabi_result *r, json_t *artifacts, const char *tool_version);

/* A BOM of a fleet (goabi fleet merge): images is the array of the merged
 * JSON lines of `goabi image --json` (docs/fleet.md); one container
 * component per image (digest as version; references, platform, status,
 * reason, verdict, layers as goabi:image.* properties) with its binaries
 * nested (verdict, the layer that brings it, findings), as image's BOM does
 * for one image; meta_props (taken) go to metadata.properties. */
json_t *cyclonedx_fleet_bom(json_t *images, json_t *meta_props, const char *tool_version);

#endif
