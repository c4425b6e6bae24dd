/* goabi — the one result model of every check (link, image, plugin, diff,
 * audit and those to come). Public API.
 *
 * A check reads inspected artifacts (struct goabi_artifact, goabi.h) and
 * returns a struct goabi_result: a verdict on a small shared scale, the
 * findings that decided it, and the things it judged (inputs, image
 * binaries, plugins, files), each with its own verdict. Reporters render a
 * result without knowing which check made it (text, JSON schema 2, SARIF
 * 2.1.0); one rule turns the verdict into the exit code.
 *
 * Ownership: everything reachable from a goabi_result lives in its arena
 * and is freed by goabi_result_free(). Artifacts a result points to
 * (goabi_judged.artifact) are owned by the result too unless the check's
 * documentation says they are borrowed.
 *
 * JSON schema 2 (docs/json-schema.md), one envelope for every command:
 *   { "tool": "goabi", "version": "0.1.0", "schema": 2,
 *     "command": "link",                  check name
 *     "verdict": "fails",                 the check's own word (verdict_word)
 *     "verdict_class": "fail",            goabi_verdict_name(verdict)
 *     "exit": 1,                          what the process exits with
 *     "summary": { KEY: VALUE, ... },     result.summary, in order (strings)
 *     "judged": [ { "path", "member", "verdict", "verdict_class",
 *                   "properties": {..}, "artifact": {..} | absent } ],
 *     "findings": [ { "check", "rule", "severity", "confidence",
 *                     "subject": { "path", "member", "symbol", "layer" },
 *                     "message", "tool_says", "evidence": [..],
 *                     "properties": {..} } ],
 *     "errors": [ { "file", "member", "message" } ] }
 * Absent (NULL) strings are JSON null; empty lists are []. `inspect` uses the
 * same envelope with "artifacts" in place of "judged"/"findings".
 */
#ifndef GOABI_RESULT_H
#define GOABI_RESULT_H

#include "goabi/goabi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The shared verdict scale, ordered: the worst item decides. Exit codes
 * (one rule, goabi_exit_code): PASS and WARN 0, FAIL 1, ERROR 2, UNKNOWN 3
 * — except `diff`, whose exit code stays a bitmask (DIFF_EXIT_* in docs). */
enum goabi_verdict {
	GOABI_VERDICT_PASS = 0,  /* links / loads / will start / policy holds / no change */
	GOABI_VERDICT_WARN,      /* works, with hazards or unverifiable rules ("may fail") */
	GOABI_VERDICT_UNKNOWN,   /* depends on inputs goabi cannot read (source files ...) */
	GOABI_VERDICT_FAIL,      /* predicted failure, broken rule, breaking change */
	GOABI_VERDICT_ERROR,     /* an input could not be read: the check is incomplete */
};

/* Finding severity (SARIF level: error, warning, note; unknown -> warning). */
enum goabi_finding_sev {
	GOABI_SEV_NOTE = 0,      /* worth knowing, no effect on the verdict */
	GOABI_SEV_WARNING,       /* may break some users / machines */
	GOABI_SEV_UNKNOWN,       /* goabi cannot tell (an input it cannot read) */
	GOABI_SEV_ERROR,         /* breaks */
};

/* What a finding (or a judged item) is about. Any field may be NULL. */
struct goabi_subject {
	const char *path;    /* file, directory entry, or image reference */
	const char *member;  /* archive member, path inside an image or package */
	const char *symbol;  /* the symbol, library or module concerned */
	const char *layer;   /* image layer digest that brings the file */
};

/* A name/value pair (check-specific detail, rendered as JSON "properties"
 * and SARIF result properties; text shows them with -v). */
struct goabi_prop {
	const char *name;
	const char *value;
};

struct goabi_props {
	struct goabi_prop *v;
	size_t n, cap;
};

struct goabi_finding {
	const char *check;         /* "link", "image", "plugin", "diff", "audit" */
	const char *rule;          /* stable rule id, "link/undefined", "audit/max-glibc" */
	enum goabi_finding_sev sev;
	enum goabi_conf conf;      /* how sure: proven, inferred, unknown */
	struct goabi_subject subject;
	const char *message;       /* one plain sentence */
	const char *tool_says;     /* the tool's own words (ld, plugin.Open, the loader), NULL */
	const char *key;           /* tells two findings of one rule and subject apart
				    * (SARIF fingerprints include it), NULL */
	struct goabi_strv evidence;
	struct goabi_props props;
};

/* One thing the check judged: a link input, an image binary, a plugin, a
 * file pair of a diff, an audited file. */
struct goabi_judged {
	struct goabi_subject subject;
	enum goabi_verdict verdict;
	const char *verdict_word;  /* the check's own word ("will not start") */
	struct goabi_props props;
	const struct goabi_artifact *artifact; /* its facts, NULL when none */
};

/* An input that could not be read (the command's "errors"). */
struct goabi_input_error {
	const char *file, *member, *message;
};

struct goabi_result {
	struct goabi_arena *arena;
	const char *check;            /* "link", "image", ... */
	enum goabi_verdict verdict;
	const char *verdict_word;     /* "links with hazards", "will not start", "breaking" */
	struct goabi_props summary;   /* header lines, in order ("driver": "gcc", "libc": "glibc") */
	struct goabi_judged *judged;
	size_t njudged, judgedcap;
	struct goabi_finding *findings;
	size_t nfindings, findingcap;
	struct goabi_input_error *errors;
	size_t nerrors, errorcap;
	unsigned exit_bits;           /* diff only: DIFF_EXIT_* bitmask; 0 for the others */
	void *priv;                   /* the check's own working state, freed with the result */
	void (*priv_free)(void *priv);
};

/* ---- building a result (for checks) ---- */
/* NULL when out of memory. */
struct goabi_result *goabi_result_new(const char *check);
void goabi_result_free(struct goabi_result *r);
/* New zeroed finding with check, rule, severity and a formatted message;
 * NULL when out of memory. Strings are copied into the result's arena. */
struct goabi_finding *goabi_result_add_finding(struct goabi_result *r, const char *rule,
					       enum goabi_finding_sev sev, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
struct goabi_judged *goabi_result_add_judged(struct goabi_result *r, const char *path, const char *member,
					     enum goabi_verdict v, const char *verdict_word);
bool goabi_result_add_error(struct goabi_result *r, const char *file, const char *member, const char *message);
/* Append name=value (value copied; NULL kept as null). */
bool goabi_props_add(struct goabi_result *r, struct goabi_props *p, const char *name, const char *value);
/* Copy s into the result's arena (NULL stays NULL). */
const char *goabi_result_str(struct goabi_result *r, const char *s);
/* verdict = the worst of verdict and v */
void goabi_result_raise(struct goabi_result *r, enum goabi_verdict v);

/* ---- reading a result ---- */
const char *goabi_verdict_name(enum goabi_verdict v);        /* "pass", "warn", "unknown", "fail", "error" */
const char *goabi_finding_sev_name(enum goabi_finding_sev s); /* "note", "warning", "unknown", "error" */
/* The process exit code for r (the README's table): diff's exit_bits when
 * r->check is "diff", else from the verdict. */
int goabi_exit_code(const struct goabi_result *r);

/* ---- the checks, callable from the library ---- */
/* Each returns 0 and sets *out (caller frees with goabi_result_free), or a
 * negative goabi_err (out of memory, usage) with *out NULL. Input problems
 * are not errors of the call: they are in the result (verdict ERROR and
 * result.errors). Options structures are documented with each function in
 * include/goabi/checks.h. */

#ifdef __cplusplus
}
#endif

#endif
