/* goabi — the checks as library calls, each returning the one result model
 * (include/goabi/result.h). Public API.
 *
 * Each function returns 0 and sets *out (the caller frees it with
 * goabi_result_free), or a negative goabi_err (out of memory; a usage
 * problem with the arguments) with *out NULL. Problems with the inputs are
 * not errors of the call: they are in the result (result.errors, verdict
 * GOABI_VERDICT_ERROR). Option structures may be NULL for the defaults.
 */
#ifndef GOABI_CHECKS_H
#define GOABI_CHECKS_H

#include "goabi/result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- link: predict what the link command line does (argv[0] the driver
 * or linker: gcc, g++, clang, ld, ...; or only files with no driver) ---- */

/* ---- image: every binary of a container image or root filesystem ---- */

/* ---- plugin: what plugin.Open returns for each plugin, in order ---- */

/* ---- diff: changes between two artifacts that can break their users ---- */

/* ---- audit: a release policy over artifacts ---- */

#ifdef __cplusplus
}
#endif

#endif
