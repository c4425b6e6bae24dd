/* SARIF 2.1.0 output of goabi audit (docs/audit.md): one rule per policy
 * item in force, one result per broken (error) or unverifiable (note) rule
 * and artifact, with the artifact's location. */
#ifndef GOABI_REPORT_SARIF_H
#define GOABI_REPORT_SARIF_H

#include <jansson.h>
#include "check/policy.h"

/* A new SARIF log (caller owns the reference). files: the artifacts
 * audited, in order (listed in run.artifacts). */
json_t *sarif_audit(const struct policy *p, const struct policy_result *res, const char *const *files,
		    size_t nfiles, int exit_code);

struct diff_set;
/* A new SARIF log of goabi diff changes: one rule per change area present
 * (exports, dynsym, glibc ...), one result per change (breaking: error,
 * possibly breaking: warning, informational: note) located at locs[i]
 * (the NEW file the change is about). */
json_t *sarif_diff(const struct diff_set *s, const char *const *locs, int exit_code);

/* A path as a SARIF uri-reference: relative paths stay relative (percent-
 * encoded), absolute ones become file:// URIs. Caller frees. */
char *sarif_uri(const char *path);

#endif
