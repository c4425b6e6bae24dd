/* Library search (GNU ld's -l rules) and the linker scripts that stand in
 * for libraries (glibc's libc.so, libm.so, libgcc_s.so: GROUP, INPUT,
 * AS_NEEDED). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check/link_int.h"
#include "read/mapfile.h"

static bool regular(const char *p)
{
	return rd_is_regular(p);
}

/* ld skips a library of another machine while searching ("skipping
 * incompatible ... when searching for -lfoo"). Archives and scripts are
 * accepted here and checked when loaded. The file is read through the
 * link's loader: the library found is not read again when it is loaded. */
static bool compatible(struct lk_result *r, const char *path)
{
	const struct ldr_file *f = lk_load(r, path);
	if (!f || f->kind == LDR_MISSING)
		return false;
	if (!f->ident_machine && !f->ident_class)
		return true;
	return f->ident_machine == r->target_machine && (!r->target_class || f->ident_class == r->target_class);
}

static const char *try_dir(struct lk_result *r, const char *dir, const char *name, bool static_only)
{
	if (name[0] == ':') {
		const char *p = arena_printf(r->ar, "%s/%s", dir, name + 1);
		return regular(p) && compatible(r, p) ? p : NULL;
	}
	if (!static_only) {
		const char *p = arena_printf(r->ar, "%s/lib%s.so", dir, name);
		if (regular(p) && compatible(r, p))
			return p;
	}
	const char *p = arena_printf(r->ar, "%s/lib%s.a", dir, name);
	return regular(p) && compatible(r, p) ? p : NULL;
}

const char *lk_find_lib(struct lk_result *r, const char *name, bool static_only)
{
	const struct lk_cmd *c = &r->cmd;
	for (size_t i = 0; i < c->user_dirs.n; i++) {
		const char *d = c->user_dirs.v[i];
		if (d[0] == '=' && c->sysroot) /* -L=dir: inside the sysroot */
			d = arena_printf(r->ar, "%s%s", c->sysroot, d + 1);
		const char *p = try_dir(r, d, name, static_only);
		if (p)
			return p;
	}
	for (size_t i = 0; i < c->sys_dirs.n; i++) {
		const char *p = try_dir(r, c->sys_dirs.v[i], name, static_only);
		if (p)
			return p;
	}
	return NULL;
}

/* A linker script standing in for a library. Only the commands that name
 * inputs matter here: INPUT(...), GROUP(...), AS_NEEDED(...); everything
 * else (OUTPUT_FORMAT, SEARCH_DIR, comments) is skipped. Appends items to
 * out; returns false when the text does not look like a linker script. */
bool lk_script_items(struct lk_result *r, const char *path, const char *text, size_t n, struct lk_item **out,
		     size_t *nout)
{
	size_t cap = 0;
	*out = NULL;
	*nout = 0;
	int depth = 0;
	enum { NONE, IN_INPUT, IN_GROUP, IN_ASNEEDED } cmd[16] = { NONE };
	bool saw = false;
	size_t i = 0;
	while (i < n) {
		char ch = text[i];
		if (ch == '/' && i + 1 < n && text[i + 1] == '*') {
			const char *e = memmem(text + i + 2, n - i - 2, "*/", 2);
			i = e ? (size_t)(e - text) + 2 : n;
			continue;
		}
		/* NUL too: strchr() below would match it and the word never advance */
		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == ',' || ch == ';' || ch == '\0') {
			i++;
			continue;
		}
		if (ch == '(' || ch == ')') {
			if (ch == ')' && depth > 0) {
				enum lk_item_kind k = LK_I_POP;
				bool emit = true;
				if (cmd[depth] == IN_GROUP)
					k = LK_I_GROUP_END;
				else if (cmd[depth] != IN_ASNEEDED)
					emit = false;
				depth--;
				if (emit && arena_grow(r->ar, out, &cap, *nout + 1, sizeof(**out)))
					(*out)[(*nout)++] = (struct lk_item){ k, NULL, true };
			}
			i++;
			continue;
		}
		size_t s = i;
		if (ch == '"') {
			s = ++i;
			while (i < n && text[i] != '"')
				i++;
		} else {
			while (i < n && !strchr(" \t\n\r(),;\"", text[i]))
				i++;
		}
		const char *w = arena_strndup(r->ar, text + s, i - s);
		if (ch == '"' && i < n)
			i++;
		/* a command is a word followed by '(' */
		size_t j = i;
		while (j < n && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n'))
			j++;
		if (j < n && text[j] == '(') {
			if (depth >= 15)
				return false;
			depth++;
			i = j + 1;
			struct lk_item it = { LK_I_FILE, NULL, true };
			bool emit = true;
			if (strcmp(w, "GROUP") == 0) {
				cmd[depth] = IN_GROUP;
				it.kind = LK_I_GROUP_START;
				saw = true;
			} else if (strcmp(w, "INPUT") == 0) {
				cmd[depth] = IN_INPUT;
				emit = false;
				saw = true;
			} else if (strcmp(w, "AS_NEEDED") == 0) {
				cmd[depth] = IN_ASNEEDED;
				saw = true;
				/* push state, as-needed on; the closing ')' pops */
				if (arena_grow(r->ar, out, &cap, *nout + 2, sizeof(**out))) {
					(*out)[(*nout)++] = (struct lk_item){ LK_I_PUSH, NULL, true };
					(*out)[(*nout)++] = (struct lk_item){ LK_I_ASNEEDED_ON, NULL, true };
				}
				emit = false;
			} else {
				cmd[depth] = NONE; /* OUTPUT_FORMAT(...), SEARCH_DIR(...): skip words inside */
				emit = false;
				if (strcmp(w, "OUTPUT_FORMAT") == 0 || strcmp(w, "SEARCH_DIR") == 0 || strcmp(w, "OUTPUT_ARCH") == 0)
					saw = true;
			}
			if (emit && arena_grow(r->ar, out, &cap, *nout + 1, sizeof(**out)))
				(*out)[(*nout)++] = it;
			continue;
		}
		if (depth == 0 || cmd[depth] == NONE)
			continue;
		struct lk_item it = { LK_I_FILE, w, true };
		if (strncmp(w, "-l", 2) == 0) {
			it.kind = LK_I_LIB;
			it.arg = w + 2;
		} else if (w[0] == '/') {
			/* a script inside the sysroot names files inside it */
			const char *sr = r->cmd.sysroot;
			if (sr && strncmp(path, sr, strlen(sr)) == 0)
				it.arg = arena_printf(r->ar, "%s%s", sr, w);
		} else if (!regular(w)) {
			/* relative: current directory, then the directory of the
			 * script (where libgcc_s.so.1 sits), then the search path */
			const char *slash = strrchr(path, '/');
			const char *beside = slash ? arena_printf(r->ar, "%.*s/%s", (int)(slash - path), path, w) : w;
			if (regular(beside))
				it.arg = beside;
			else {
				const char *p = lk_find_lib(r, arena_printf(r->ar, ":%s", w), false);
				if (p)
					it.arg = p;
			}
		}
		if (arena_grow(r->ar, out, &cap, *nout + 1, sizeof(**out)))
			(*out)[(*nout)++] = it;
	}
	return saw;
}
