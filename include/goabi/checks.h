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

/* Predict, without loading anything, what the Go program host's
 * plugin.Open returns for each of plugins[0..n) opened in that order
 * (docs/plugin.md); libraries the plugins need are resolved under root
 * (NULL: "/"). The result (check "plugin"):
 *   judged    one item per plugin, in load order: verdict PASS "loads",
 *             FAIL "fails" (plugin.Open returns an error) or "aborts" (the
 *             runtime throws: the process exits 2), UNKNOWN "not reached"
 *             (an earlier plugin aborted the process); properties outcome
 *             (loads, error, fatal, not-reached), rule, error (plugin.Open's
 *             words), confidence, real_path, go_version, plugin_path,
 *             pkghashes, evidence
 *   findings  one per plugin that does not load, rule "plugin/RULE" (pkghash,
 *             dlopen, not-implemented, realpath, previous-failure,
 *             no-module-data, not-registered, already-loaded, not-reached);
 *             tool_says = what plugin.Open returns or the runtime prints;
 *             properties package, plugin_hash, provider_hash, provider
 *   summary   host, host_go_version, host_cgo, host_links_plugin,
 *             host_pkghash_exports, host_moduledata_size, root
 *   errors    an input that cannot be used (unreadable, a host that is not
 *             Go or cannot call plugin.Open): verdict ERROR.
 * host and plugins are borrowed for the call only. At most 4096 plugins
 * (more: GOABI_ELIMIT). */
int goabi_plugin_check(const char *host, char *const *plugins, size_t n, const char *root,
		       struct goabi_result **out);

/* ---- diff: changes between two artifacts that can break their users ---- */

/* result.exit_bits of goabi_diff (the exit code of `goabi diff`, like
 * libabigail's abidiff) */
#define GOABI_DIFF_EXIT_ERROR 1u     /* an input could not be (fully) read */
#define GOABI_DIFF_EXIT_USAGE 2u     /* usage error */
#define GOABI_DIFF_EXIT_CHANGE 4u    /* at least one change */
#define GOABI_DIFF_EXIT_BREAKING 8u  /* at least one breaking change */
#define GOABI_DIFF_EXIT_POSSIBLE 16u /* at least one possibly breaking change */

struct goabi_diff_opts {
	/* cgo headers (NAME.h) whose `extern` prototypes stand for OLD's and
	 * NEW's exported functions: both or neither (NULL) */
	const char *old_header, *new_header;
	bool no_dwarf;  /* do not read DWARF prototypes */
};

/* Compare OLD and NEW (docs/diff.md): two ELF files or ar archives (archives
 * member by member), or two directories (regular ELF files and archives
 * paired by relative path; one only in OLD is a breaking change). The
 * result (check "diff"):
 *   findings  one per change, rule "diff/AREA-KIND" (diff/exports-removed,
 *             diff/glibc-raised, diff/go-not-comparable ...); severity error
 *             (breaking), warning (possibly breaking), note (informational,
 *             and not comparable with confidence unknown); subject path =
 *             the NEW file the change is about (OLD's for a removed file),
 *             member = the archive member, symbol = what changed (function,
 *             symbol, setting, module); properties class, where (OLD's label:
 *             the OLD path, or the relative path in directories, with
 *             "(member)"), area, kind, old, new, detail
 *   judged    one item per pair of files compared (and per file only on one
 *             side), the worst of its changes
 *   verdict   FAIL breaking, WARN possibly breaking, PASS otherwise, ERROR
 *             when an input could not be (fully) read
 *   exit_bits the DIFF_EXIT_* bitmask of docs/diff.md: 1 an input could not
 *             be read, 2 usage (one header only; a file against a
 *             directory), 4 a change, 8 a breaking change, 16 a possibly
 *             breaking one
 *   summary   old, new, breaking, possibly_breaking, informational,
 *             not_comparable (counts as decimal strings). */
int goabi_diff(const char *old_path, const char *new_path, const struct goabi_diff_opts *o,
	       struct goabi_result **out);

/* ---- audit: a release policy over artifacts ---- */

#ifdef __cplusplus
}
#endif

#endif
