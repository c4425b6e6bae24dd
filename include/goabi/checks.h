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
/* A release policy (docs/audit.md): rules by their ids ("max-glibc",
 * "libc", "require-static", "cgo", "min-go", "max-isa", "require-trimpath",
 * "forbid-vcs-modified", "forbid-module", "buildmode",
 * "forbid-pure-go-nss"). Opaque; goabi_policy_free releases it. */
struct goabi_policy;
struct goabi_policy *goabi_policy_new(void); /* NULL when out of memory */
void goabi_policy_free(struct goabi_policy *p);
/* Read a policy JSON file into p (its rules are set). 0, or -1 with a
 * message naming the file and what is wrong in err. */
int goabi_policy_load(struct goabi_policy *p, const char *path, char *err, size_t errlen);
/* Set one rule from its text (the file's syntax; lists comma-separated,
 * "true"/"false" for the switches). 0, or -1 with a message in err. */
int goabi_policy_set(struct goabi_policy *p, const char *rule_id, const char *value, char *err, size_t errlen);
/* True when p sets at least one rule. */
bool goabi_policy_has_rules(const struct goabi_policy *p);
/* The inspection options the rules need (the ISA scan for max-isa; no
 * DWARF prototypes), for callers that inspect the files themselves. */
void goabi_policy_inspect_opts(const struct goabi_policy *p, struct goabi_opts *o);

/* Audit, one file at a time (the command adds directories and release
 * packages this way): goabi_audit_begin makes the result; goabi_audit_file
 * judges one inspected file (a and err as goabi_inspect_* returned them; a
 * stays the caller's; a file that could not be (fully) read becomes an
 * input error, what could be read of it is still judged);
 * goabi_audit_input_error records any other input problem; goabi_audit_finish
 * writes the summary (the policy, counts) and the verdict word. */
struct goabi_result *goabi_audit_begin(void);
void goabi_audit_file(struct goabi_result *r, const struct goabi_policy *p, const char *path,
		      const struct goabi_artifact *a, int err);
void goabi_audit_input_error(struct goabi_result *r, const char *file, const char *member, const char *message);
void goabi_audit_finish(struct goabi_result *r, const struct goabi_policy *p, const char *policy_path);

/* Audit the files paths[0..n) against the policy file policy_path: each
 * file is inspected (ELF files and ar archives) and judged by every rule
 * the policy sets. The result: one judged item per file ("pass",
 * "unverified", "broken"), one finding per broken rule (rule
 * "audit/<rule id>", severity error) and per rule that could not be
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
