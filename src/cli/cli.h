/* Command-line front-end: one file per command, a dispatcher in main.c. */
#ifndef GOABI_CLI_H
#define GOABI_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include "read/package.h"

/* Exit codes (docs/goabi.1): */
#define EXIT_CLEAN 0     /* no problem found */
#define EXIT_FINDINGS 1  /* incompatibility predicted / policy broken */
#define EXIT_INPUT 2     /* usage error or unreadable/malformed input */

/* Messages on stderr start "goabi COMMAND: " (file names quoted: 'FILE');
 * only errors before a command is chosen start "goabi: ". */

/* ---- options every command shares (issue 21), parsed once by main.c
 * before the command name (`goabi --json link ...`) and, for compatibility,
 * also where a command finds them after its name. */
enum cli_format { CLI_FMT_TEXT, CLI_FMT_JSON, CLI_FMT_SARIF, CLI_FMT_CYCLONEDX };
struct cli_global {
	enum cli_format format;  /* --json (= --format json), --format text|json|sarif|cyclonedx */
	bool format_set;         /* given on the command line */
	bool quiet;              /* -q */
	int verbose;             /* -v (repeatable) */
	bool color;              /* --color[=auto|always|never]: auto = stdout is a terminal */
};
extern struct cli_global cli_g;
/* Consume one shared option at argv[*i] (advancing *i past a separate
 * argument); true when it was one. A bad value prints "goabi CMD: ..." and
 * exits 2. */
bool cli_global_opt(const char *cmd, int argc, char **argv, int *i);
/* Take every shared option out of argv[1..argc) before "--" into cli_g (so
 * that the command's own getopt loop sees only its own options); returns
 * the new argc (argv[argc] = NULL). Only for commands none of whose own
 * options takes an argument that could be a shared option ("-v", "--json"). */
int cli_global_take(const char *cmd, int argc, char **argv);
struct goabi_result;
/* Render r on stdout in cli_g.format (text, JSON schema 2, SARIF 2.1.0) and
 * return its exit code (goabi_exit_code). */
int cli_emit_result(const struct goabi_result *r);
/* --format cyclonedx of a check's result (cyclonedx_result_bom): artifacts is
 * a JSON array of report_json objects (audit), NULL for image; the exit code
 * as cli_emit_result's. */
typedef struct json_t json_t;
int cli_emit_sbom(const struct goabi_result *r, json_t *artifacts);
/* A release package's metadata and the comparison with one of its files
 * (rule and msg from pkg_compare, rule NULL when consistent) as the JSON
 * "package" object of that file (docs/packages.md). */
struct pkg_meta;
json_t *cli_pkg_json(const struct pkg_meta *m, int kind, const char *rule, const char *msg);

/* Text output's wrap width: COLUMNS when set (>= 20), else the terminal's
 * width when stdout is one, else 0 (no wrapping: piped text stays one line
 * a fact). JSON is never wrapped. */
int cli_text_width(void);

int cmd_inspect(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_link(int argc, char **argv);
int cmd_image(int argc, char **argv);
int cmd_plugin(int argc, char **argv);

/* Calls fn for every regular file under dir (not following symlinks, not
 * crossing devices), in sorted order. Returns the number of walk errors,
 * each also printed on stderr as "goabi CMD: 'dir': problem". */
int walk_tree(const char *cmd, const char *dir, void (*fn)(void *ctx, const char *path), void *ctx);

/* walk_tree with options: follow symbolic links (-L) to files and to
 * directories (directories on another device are still not entered; a link
 * back to a directory being walked is a loop, reported and not followed;
 * each file and directory is visited once, however many links reach it);
 * counts the links it did not follow. */
struct walk_opts {
	bool follow;
	bool progress;        /* a progress line on stderr (the caller decides: stderr a terminal, text output) */
	size_t skipped_links; /* out: symbolic links not followed */
	/* during fn(ctx, path): the file's directory (a descriptor) and its
	 * name there, for openat without a lookup of the whole path (name is
	 * NULL outside the walk) */
	int dirfd;
	const char *name;
	/* private: progress */
	size_t nfiles;
	double start, last;
	bool shown;
	/* private: (dev, inode) pairs seen when following */
	unsigned long long *seen;
	size_t nseen, seencap;
	/* private: descriptors walk_close has not closed yet, a run of
	 * consecutive numbers [close_lo, close_lo + nclose) */
	int close_lo;
	unsigned nclose;
};
int walk_tree_opts(const char *cmd, const char *dir, void (*fn)(void *ctx, const char *path), void *ctx,
		   struct walk_opts *o);
void walk_opts_free(struct walk_opts *o);
/* True when the file starts like an ELF object or an ar archive. */
bool looks_like_binary(const char *path);
/* looks_like_binary, and *pk = pkg_sniff(path), with one open and one read */
bool sniff_file(const char *path, enum pkg_kind *pk);
/* sniff_file that keeps the file open: returns the descriptor (openat in
 * the walk's directory when o names one) with the first bytes read into
 * b[0..*n), *bin and *pk as sniff_file's result; -1 when it cannot be
 * opened (the caller lets inspect report why). */
int sniff_open(const struct walk_opts *o, const char *path, unsigned char *b, size_t cap, size_t *n, bool *bin,
	       enum pkg_kind *pk);
/* Close a descriptor sniff_open gave, perhaps later: a run of consecutive
 * descriptors (each file's, opened one after another and held by nothing
 * else) is closed with one close_range call, at the latest when
 * walk_tree_opts returns or walk_close_all is called (o may be NULL:
 * closed now). */
void walk_close(struct walk_opts *o, int fd);
void walk_close_all(struct walk_opts *o);

#endif
