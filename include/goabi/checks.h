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
/* Audit the files paths[0..n) against the policy file policy_path (JSON,
 * docs/audit.md): each file is inspected (ELF files and ar archives) and
 * judged by every rule the policy sets. The result: one judged item per
 * file ("pass", "unverified", "broken"), one finding per broken rule
 * (rule "audit/<rule id>", severity error) and per rule that could not be
 * verified (severity note, confidence unknown: verdict WARN, exit 0), the
 * policy's rules and the counts as summary. A policy that cannot be read
 * or sets no rule, and files that cannot be (fully) read, are in
 * result.errors with verdict ERROR (exit 2); no file is judged without a
 * policy. Directories and release packages (.deb, .rpm, .apk) are walked
 * by the command only (goabi audit -r, PKG!/path). Returns 0 and *out (free
 * with goabi_result_free), GOABI_ENOMEM, or GOABI_EFORMAT when policy_path
 * is NULL or paths is NULL with n > 0. */
int goabi_audit(const char *policy_path, char *const *paths, size_t n, struct goabi_result **out);

#ifdef __cplusplus
}
#endif

#endif
