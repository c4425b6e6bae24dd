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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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
/* goabi_image_check reads INPUT (a root filesystem directory, a docker-save
 * or OCI tarball, an OCI layout, or TRANSPORT:REF: docker://, docker-daemon:,
 * oci:, oci-archive:, docker-archive:; docs/image.md) and predicts for every
 * ELF file whether it will start, without running anything.
 *
 * The result (check "image"):
 *   judged: every ELF file, sorted by path: subject.path the input,
 *     subject.member the path inside the image; verdict PASS "will start",
 *     WARN "may fail", FAIL "will not start", PASS "not checked" (not
 *     loaded by itself: relocatable objects, separate debug files, files
 *     that are not readable ELF; props "reason" says why); props: the
 *     loader's facts (type, machine, class, executable, interp, needed,
 *     resolved, rpath, runpath, libc, linkage, glibc_floor, go.*, nss.*,
 *     isa_*, layer; lists joined with ", ", resolved with "; ").
 *   findings: one per problem of a binary, rule "image/KIND" (docs/image.md
 *     lists them), subject path/member as its judged item, tool_says the
 *     loader's (kernel's, Go runtime's) own words where known.
 *   summary: the image (input, format, platform, ref, digest, layers,
 *     cached_layers, entries, bytes_read, read = complete|incomplete|failed),
 *     its C libraries with evidence (libc, libc[N].family/version/path/
 *     evidence), loaders, search paths, nsswitch.conf, the counts per verdict
 *     and per libc family (by_libc[FAMILY]) and the Go inventory
 *     (go[VERSION].binaries/cgo/static).
 *   errors: what could not be read (one per diagnostic of the reader when
 *     the image was not read completely).
 * Verdict: ERROR when the image could not be read completely (read =
 * incomplete or failed), else the worst binary: FAIL when one will not
 * start, else WARN or PASS. Exit code (goabi_exit_code): 2, 1, 0.
 * Warnings of the reader that do not make the read incomplete are in the
 * summary ("warning[N]"). Nothing is printed. */
struct goabi_image_opts {
	const char *platform;     /* "os/arch[/variant]", NULL: the host's */
	const char *ref;          /* image name in an index or docker-save, NULL: the first */
	const char *const *adds;  /* --add specs "FILE[:/PATH]", checked as if copied in */
	size_t nadds;
	int cpu_level;            /* 1..4 for x86-64-vN, 0: no CPU given */
	int jobs;                 /* worker threads, 0: the default (docs/image.md) */
	bool isa_scan;            /* disassemble for the ISA level binaries require */
	bool go_modules;          /* judged property go.modules: each Go binary's module
				   * lines as go version -m prints them (the SBOM's) */
	bool share_facts;         /* keep each binary's facts for the later checks of this
				   * process: a file of a registry layer (layer digest, path)
				   * is inspected once however many images hold it
				   * (docs/fleet.md); the verdicts stay per image */
	/* limits, 0 for the defaults */
	uint64_t max_bytes, max_entries, max_file;
	size_t max_path;
	unsigned max_symlinks;
	/* registries (docker://) and engines (docker-daemon:) */
	const char *creds;        /* "USER:PASS", NULL: auth files, credential helpers */
	int tls_verify;           /* -1 default, 0 false, 1 true */
	const char *cache_dir;    /* layer cache, NULL: none */
	unsigned timeout;         /* seconds, 0: the default (30) */
	uint64_t cache_max;       /* bytes the layer cache may hold (LRU eviction), 0: unbounded */
	/* progress, all optional; called from the calling thread except
	 * check_progress (worker threads, serialised) */
	void (*read_progress)(void *ctx, uint64_t entries, uint64_t bytes);
	void (*layer_progress)(void *ctx, unsigned layer, unsigned nlayers, const char *digest, uint64_t done,
			       uint64_t total, bool finished);
	void (*check_progress)(void *ctx, size_t done, size_t total, uint64_t bytes);
	void *progress_ctx;
};
int goabi_image_check(const char *input, const struct goabi_image_opts *o, struct goabi_result **out);
/* Binaries the image checks of this process inspected, and those whose
 * facts they reused (share_facts). */
void goabi_image_fact_stats(unsigned long long *inspected, unsigned long long *reused);

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
/* A release policy (docs/audit.md): rules by their ids ("max-glibc",
 * "libc", "require-static", "cgo", "min-go", "max-isa", "require-trimpath",
 * "forbid-vcs-modified", "forbid-module", "buildmode",
 * "forbid-pure-go-nss", "max-macos", "max-windows", "require-signature",
 * "forbid-dll"). Opaque; goabi_policy_free releases it. */
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
