/* goabi diff: the changes between two inspected artifacts that can break
 * their users, each classified (docs/diff.md). Reads only the model.
 * Internal to the diff check (src/check/diff*.c, its unit and fuzz tests):
 * others call goabi_diff (goabi/checks.h), which returns the one result
 * model. */
#ifndef GOABI_CHECK_DIFF_H
#define GOABI_CHECK_DIFF_H

#include "goabi/checks.h"
#include "goabi/goabi.h"

enum diff_class {
	DIFF_INFO = 0,      /* informational: users are not affected */
	DIFF_POSSIBLE,      /* possibly breaking: some users/machines are affected */
	DIFF_BREAKING,      /* breaking: existing users of OLD fail with NEW */
	DIFF_NOTCMP,        /* not comparable: one side cannot state the fact
			     * (no build info, unknown, a version range); not a
			     * change, sets no exit bit */
	DIFF_NCLASS
};

/* Exit-code bits of `goabi diff` (like libabigail's abidiff; public as
 * GOABI_DIFF_EXIT_* in goabi/checks.h). */
#define DIFF_EXIT_ERROR GOABI_DIFF_EXIT_ERROR
#define DIFF_EXIT_USAGE GOABI_DIFF_EXIT_USAGE
#define DIFF_EXIT_CHANGE GOABI_DIFF_EXIT_CHANGE
#define DIFF_EXIT_BREAKING GOABI_DIFF_EXIT_BREAKING
#define DIFF_EXIT_POSSIBLE GOABI_DIFF_EXIT_POSSIBLE

struct diff_change {
	enum diff_class cls;
	const char *where;    /* file, "archive(member)" or path inside the directories */
	const char *area;     /* exports, dynsym, soname, needed, interp, libc, glibc, elf, go, isa, module, file */
	const char *kind;     /* removed, added, changed, raised, lowered, upgraded, downgraded */
	const char *subject;  /* function, symbol, module, setting... */
	const char *old_value, *new_value; /* NULL when absent on that side */
	const char *detail;   /* e.g. the symbols that raised a floor; may be NULL */
};

struct diff_set {
	struct goabi_arena *arena;
	struct diff_change *v;
	size_t n, cap;
	size_t count[DIFF_NCLASS]; /* per class */
};

/* One cgo header's `extern` prototypes (goabi diff --header). */
struct diff_header {
	struct goabi_export *exports;  /* name, prototype; evidence "header PATH" */
	size_t n, cap;
};

struct diff_opts {
	const struct diff_header *old_header, *new_header; /* may be NULL */
};

/* 0, or GOABI_ENOMEM. */
int diff_set_init(struct diff_set *s);
void diff_set_release(struct diff_set *s);

/* Compare OLD and NEW (files or archives; archives member by member) and
 * append the changes to s, labelled with where. */
void diff_artifacts(struct diff_set *s, const char *where, const struct goabi_artifact *old_a,
		    const struct goabi_artifact *new_a, const struct diff_opts *o);

/* Record one change (also used for files added/removed in directories). */
void diff_add(struct diff_set *s, enum diff_class cls, const char *where, const char *area, const char *kind,
	      const char *subject, const char *old_value, const char *new_value, const char *detail);

/* Directories compared file by file: a file of OLD missing in NEW is a
 * breaking change (its users lose it); a file only in NEW is informational.
 * rel: the path relative to the directory. */
void diff_file_removed(struct diff_set *s, const char *rel);
void diff_file_added(struct diff_set *s, const char *rel);

/* DIFF_EXIT_* bits for the changes in s (0 when nothing changed). */
unsigned diff_exit_bits(const struct diff_set *s);
const char *diff_class_name(enum diff_class c);

/* Read the `extern RET Name(PARAMS);` lines of a cgo-generated header into h
 * (strings in ar). Returns 0, GOABI_EIO (message in err) or GOABI_ENOMEM. */
int diff_header_load(struct goabi_arena *ar, const char *path, struct diff_header *h, char *err, size_t errlen);

/* Prototype in a canonical form for comparison: whitespace normalised,
 * parameter names dropped, "(void)" as "()". Result in ar. */
char *diff_proto_canon(struct goabi_arena *ar, const char *proto, const char *name);


#endif
