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

/* Predict whether the link will succeed with GNU ld, and why not
 * (docs/link.md). argv holds the arguments of `goabi link` after its output
 * options: `[--no-driver] -- DRIVER ARGS...` for a real command line
 * (DRIVER: gcc, g++, cc, c++, clang[++][-N], musl-gcc, a cross gcc, ld, ...;
 * --no-driver: do not run `DRIVER -###` for its link line), or `FILE...`
 * (linked as "gcc FILE..."). A driver is run only with -### (it prints its
 * commands and exits); nothing is compiled or linked.
 *
 * The result: check "link"; verdict_word "links", "links with hazards",
 * "unknown", "links but cannot work", "fails" (PASS, WARN, UNKNOWN, FAIL,
 * FAIL), or "no link" / "nothing read" (ERROR: -c/-S/-E, or no input could
 * be read; result.errors says why). Findings: rule "link/KIND" (the kinds
 * of docs/link.md "Findings"), tool_says what ld prints, subject the file
 * or archive member ld names and the symbol (or the library, for
 * link/missing-library), evidence the files and members involved,
 * properties link_severity (link-error, error, warning, unknown, note),
 * diagnosis, lib_group and symbols (a grouped finding: the mangled names,
 * space-separated). Judged: every input in command-line order (properties
 * kind, spec, implicit, whole_archive, group, for shared libraries used,
 * as_needed, dt_needed, for archives members and pulled, for Go inputs
 * go.toolchain, go.version, go.scheme, go.typehash), each archive followed
 * by the members ld pulls (member set, property "for": the symbol that
 * pulled it). Summary: driver, flavor, driver_facts, driver_why (when the
 * driver was not asked), linker, mode, libc,
 * confidence, inputs, implicit_inputs, objects_linked, duplicates,
 * undefined, condition (an unknown verdict: what the sources must define),
 * search_path (':'-separated). No artifact is attached to judged items. */
int goabi_link_check(int argc, char **argv, struct goabi_result **out);

/* ---- image: every binary of a container image or root filesystem ---- */

/* ---- plugin: what plugin.Open returns for each plugin, in order ---- */

/* ---- diff: changes between two artifacts that can break their users ---- */

/* ---- audit: a release policy over artifacts ---- */

#ifdef __cplusplus
}
#endif

#endif
