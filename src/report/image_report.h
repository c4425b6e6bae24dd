/* Text and JSON output of goabi image (image_report.c): read only the
 * check's result (check/image_int.h). */
#ifndef GOABI_REPORT_IMAGE_H
#define GOABI_REPORT_IMAGE_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "check/image_int.h"

/* The image, its libc and loaders, the verdict counts and inventories,
 * then one line per binary with findings (every binary when verbose). */
void image_report_text(FILE *out, const struct imgc *c, const struct img_fs *fs, bool verbose);
/* The whole JSON document of docs/image.md (schema, image, libc, ...,
 * binaries, diagnostics), a new reference. */
json_t *image_report_json(const struct imgc *c, const struct img_fs *fs, bool verbose);

#endif
