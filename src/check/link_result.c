/* goabi link as a library call: the command line (or files) in, the one
 * result model out (include/goabi/checks.h, docs/link.md "Result").
 *
 * The prediction (struct lk_result, link_int.h) is turned into a struct
 * goabi_result and freed: every string the result keeps is copied into its
 * arena. Mapping:
 *   finding   rule "link/KIND", severity from lk_sev, subject = the file or
 *             archive member ld's message names (and the symbol or library),
 *             tool_says = what ld prints, evidence = the files involved,
 *             properties: diagnosis, link_severity, lib_group, symbols
 *   judged    every input (kind, spec, implicit, ... as properties), then
 *             every archive member pulled (member, "for" = the symbol)
 *   summary   the header facts: driver, flavor, driver_facts, linker,
 *             mode, libc, confidence, counts, the condition of an unknown
 *             verdict, the search path
 *   verdict   links PASS, links with hazards WARN, unknown UNKNOWN, links
 *             but cannot work and fails FAIL; nothing read or no link
 *             (-c, -S, -E) ERROR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check/link_int.h"
#include "goabi/checks.h"

static const char *flavor_name(enum lk_flavor f)
{
	return f == LK_MUSL_GCC ? "musl-gcc" : f == LK_LD ? "ld" : "gcc";
}

/* the driver as the user named it ("g++", "clang-14"); "gcc" for FILE... */
static const char *driver_name(const struct lk_cmd *c)
{
	return c->driver && c->driver_name ? c->driver_name : flavor_name(c->flavor);
}

static const char *driver_facts_name(enum lk_driver_facts d)
{
	switch (d) {
	case LK_DRV_ASKED: return "asked";
	case LK_DRV_DEFAULT: return "default";
	case LK_DRV_UNKNOWN: return "unknown";
	default: return "none";
	}
}

static const char *mode_name(const struct lk_cmd *c)
{
	if (c->relocatable)
		return "relocatable";
	if (c->shared)
		return "shared";
	if (c->is_static)
		return c->pie ? "static-pie" : "static";
	if (c->no_pie || ((c->flavor == LK_LD || c->driver_facts == LK_DRV_ASKED) && !c->pie))
		return "no-pie";
	return "pie";
}

static const char *input_kind(enum lk_input_kind k)
{
	switch (k) {
	case LK_IN_OBJECT: return "object";
	case LK_IN_ARCHIVE: return "archive";
	case LK_IN_SHARED: return "shared";
	case LK_IN_SCRIPT: return "script";
	case LK_IN_MISSING: return "missing";
	case LK_IN_SOURCE: return "source";
	default: return "bad";
	}
}

static enum goabi_finding_sev finding_sev(enum lk_sev s)
{
	switch (s) {
	case LK_LINK_ERROR:
	case LK_ERROR: return GOABI_SEV_ERROR;
	case LK_WARNING: return GOABI_SEV_WARNING;
	case LK_UNKNOWN: return GOABI_SEV_UNKNOWN;
	default: return GOABI_SEV_NOTE;
	}
}

/* the verdict of the shared scale for lk_verdict (the exit code follows
 * from it: README.md's table) */
static enum goabi_verdict link_verdict(enum lk_verdict v)
{
	switch (v) {
	case LK_FAILS:
	case LK_LINKS_BROKEN: return GOABI_VERDICT_FAIL;
	case LK_UNKNOWN_VERDICT: return GOABI_VERDICT_UNKNOWN;
	case LK_LINKS_WITH_HAZARDS: return GOABI_VERDICT_WARN;
	case LK_LINKS: break;
	}
	return GOABI_VERDICT_PASS;
}

/* what a finding of severity s does to the verdict of the input it names */
static enum goabi_verdict sev_verdict(enum lk_sev s)
{
	switch (s) {
	case LK_LINK_ERROR:
	case LK_ERROR: return GOABI_VERDICT_FAIL;
	case LK_UNKNOWN: return GOABI_VERDICT_UNKNOWN;
	case LK_WARNING: return GOABI_VERDICT_WARN;
	default: return GOABI_VERDICT_PASS;
	}
}

/* ---- "path(member)" and plain paths -> the input (and member) ---- */
struct oname {
	const char *name;
	size_t input;
	const char *member;
};

static int cmp_oname(const void *a, const void *b)
{
	return strcmp(((const struct oname *)a)->name, ((const struct oname *)b)->name);
}

struct onames {
	struct oname *v;
	size_t n;
};

static bool onames_build(const struct lk_result *r, struct onames *ix)
{
	ix->n = 0;
	ix->v = malloc((r->nobjs + r->ninputs + 1) * sizeof(*ix->v));
	if (!ix->v)
		return false;
	for (size_t i = 0; i < r->nobjs; i++)
		if (r->objs[i].name)
			ix->v[ix->n++] = (struct oname){ r->objs[i].name, r->objs[i].input, r->objs[i].member };
	for (size_t i = 0; i < r->ninputs; i++)
		if (r->inputs[i].path)
			ix->v[ix->n++] = (struct oname){ r->inputs[i].path, i, NULL };
	if (ix->n)
		qsort(ix->v, ix->n, sizeof(*ix->v), cmp_oname);
	return true;
}

static const struct oname *onames_find(const struct onames *ix, const char *name)
{
	if (!name || !ix->n)
		return NULL;
	struct oname key = { name, 0, NULL };
	return bsearch(&key, ix->v, ix->n, sizeof(*ix->v), cmp_oname);
}

static const char *bool_word(bool b)
{
	return b ? "true" : "false";
}

/* strings joined by sep into the result's arena */
static const char *joined(struct goabi_result *res, const struct goabi_strv *v, size_t from, const struct goabi_strv *w,
			  const char *sep)
{
	size_t len = 1, sl = strlen(sep);
	const struct goabi_strv *lists[2] = { v, w };
	for (size_t l = 0; l < 2; l++)
		for (size_t i = l ? 0 : from; lists[l] && i < lists[l]->n; i++)
			len += strlen(lists[l]->v[i]) + sl;
	char *buf = malloc(len);
	if (!buf)
		return NULL;
	size_t o = 0;
	for (size_t l = 0; l < 2; l++)
		for (size_t i = l ? 0 : from; lists[l] && i < lists[l]->n; i++) {
			if (o) {
				memcpy(buf + o, sep, sl);
				o += sl;
			}
			size_t n = strlen(lists[l]->v[i]);
			memcpy(buf + o, lists[l]->v[i], n);
			o += n;
		}
	buf[o] = 0;
	const char *s = goabi_result_str(res, buf);
	free(buf);
	return s;
}

static bool add_prop(struct goabi_result *res, struct goabi_props *p, const char *name, const char *value, bool *ok)
{
	if (!goabi_props_add(res, p, name, value))
		*ok = false;
	return *ok;
}

static bool add_summary(struct goabi_result *res, const struct lk_result *r)
{
	const struct lk_cmd *c = &r->cmd;
	struct goabi_props *s = &res->summary;
	bool ok = true;
	size_t user = 0, pulled = 0;
	for (size_t i = 0; i < r->ninputs; i++)
		user += !r->inputs[i].implicit;
	for (size_t i = 0; i < r->nobjs; i++)
		pulled += r->objs[i].loaded;
	char num[64];
	add_prop(res, s, "driver", driver_name(c), &ok);
	add_prop(res, s, "flavor", flavor_name(c->flavor), &ok);
	add_prop(res, s, "driver_facts", driver_facts_name(c->driver_facts), &ok);
	if (c->driver_facts == LK_DRV_DEFAULT || c->driver_facts == LK_DRV_UNKNOWN)
		add_prop(res, s, "driver_why", c->driver_why, &ok);
	add_prop(res, s, "linker", c->linker_prog, &ok);
	add_prop(res, s, "mode", mode_name(c), &ok);
	add_prop(res, s, "libc", r->libc ? r->libc : "unknown", &ok);
	/* how far the verdict rests on known facts: the driver's own line (or
	 * plain ld) is known; goabi's default for a driver not asked is inferred */
	add_prop(res, s, "confidence",
		 r->verdict == LK_UNKNOWN_VERDICT || c->driver_facts == LK_DRV_UNKNOWN ? "unknown"
		 : c->driver_facts == LK_DRV_DEFAULT				  ? "inferred"
										  : "known",
		 &ok);
	snprintf(num, sizeof(num), "%zu", r->ninputs);
	add_prop(res, s, "inputs", num, &ok);
	snprintf(num, sizeof(num), "%zu", r->ninputs - user);
	add_prop(res, s, "implicit_inputs", num, &ok);
	snprintf(num, sizeof(num), "%zu", pulled);
	add_prop(res, s, "objects_linked", num, &ok);
	snprintf(num, sizeof(num), "%zu", r->duplicates.n);
	add_prop(res, s, "duplicates", num, &ok);
	snprintf(num, sizeof(num), "%zu", r->undefined.n);
	add_prop(res, s, "undefined", num, &ok);
	if (r->verdict == LK_UNKNOWN_VERDICT && r->needs_from_sources.n) {
		struct goabi_strv few = { .v = r->needs_from_sources.v, .n = r->needs_from_sources.n < 8 ? r->needs_from_sources.n : 8 };
		const char *list = joined(res, &few, 0, NULL, " ");
		add_prop(res, s, "condition",
			 arena_printf(r->ar, "links only if %s define: %s%s",
				      r->nsources ? "the source files" : "the driver's libraries", list ? list : "",
				      r->needs_from_sources.n > 8 ? " ..." : ""),
			 &ok);
	}
	/* the directories -l searches, in order (-L, then the driver's and ld's) */
	add_prop(res, s, "search_path", joined(res, &c->user_dirs, 0, &c->sys_dirs, ":"), &ok);
	return ok;
}

static bool add_findings(struct goabi_result *res, const struct lk_result *r, const struct onames *ix,
			 enum goabi_verdict *inv)
{
	const struct lk_cmd *c = &r->cmd;
	bool ok = true;
	for (size_t i = 0; i < r->nf && ok; i++) {
		const struct lk_finding *lf = &r->f[i];
		/* the diagnosis joins the message: it is the fix ("add -lm"),
		 * shown without -v; it is also the property "diagnosis" */
		struct goabi_finding *f =
			lf->diagnosis ? goabi_result_add_finding(res, arena_printf(r->ar, "link/%s", lf->kind), finding_sev(lf->sev),
								 "%s; why: %s", lf->message, lf->diagnosis)
				      : goabi_result_add_finding(res, arena_printf(r->ar, "link/%s", lf->kind), finding_sev(lf->sev),
								 "%s", lf->message);
		if (!f)
			return false;
		f->conf = lf->sev == LK_UNKNOWN ? GOABI_UNKNOWN
			  : c->driver_facts == LK_DRV_DEFAULT || c->driver_facts == LK_DRV_UNKNOWN ? GOABI_INFERRED
												   : GOABI_KNOWN;
		const char *at = lf->at ? lf->at : lf->files.n ? lf->files.v[0] : NULL;
		const struct oname *on = onames_find(ix, at);
		if (on) {
			f->subject.path = goabi_result_str(res, r->inputs[on->input].path);
			f->subject.member = goabi_result_str(res, on->member);
			if (sev_verdict(lf->sev) > inv[on->input])
				inv[on->input] = sev_verdict(lf->sev);
		} else {
			f->subject.path = goabi_result_str(res, at);
		}
		f->subject.symbol = goabi_result_str(res, lf->symbol);
		f->tool_says = goabi_result_str(res, lf->linker);
		if (strcmp(lf->kind, "multiple-definition") == 0 && lf->files.n == 2)
			/* one finding per pair of definers of one symbol */
			f->key = arena_printf(r->ar, "%s %s", lf->files.v[0], lf->files.v[1]);
		for (size_t k = 0; k < lf->files.n; k++)
			if (!strv_push(res->arena, &f->evidence, goabi_result_str(res, lf->files.v[k])))
				ok = false;
		if (f->key)
			f->key = goabi_result_str(res, f->key);
		add_prop(res, &f->props, "link_severity", lk_sev_name(lf->sev), &ok);
		if (lf->diagnosis)
			add_prop(res, &f->props, "diagnosis", lf->diagnosis, &ok);
		if (lf->lib_group)
			add_prop(res, &f->props, "lib_group", lf->lib_group, &ok);
		if (lf->symbols.n)
			add_prop(res, &f->props, "symbols", joined(res, &lf->symbols, 0, NULL, " "), &ok);
	}
	return ok;
}

static const char *fact(const struct goabi_fact *f)
{
	return f->value;
}

static bool add_judged(struct goabi_result *res, const struct lk_result *r, const enum goabi_verdict *inv)
{
	bool ok = true;
	for (size_t i = 0; i < r->ninputs && ok; i++) {
		const struct lk_input *in = &r->inputs[i];
		size_t np = 0;
		for (size_t k = 0; k < in->nobj; k++)
			np += r->objs[in->first + k].loaded;
		enum goabi_verdict v = GOABI_VERDICT_PASS;
		const char *word = "linked";
		switch (in->kind) {
		case LK_IN_OBJECT: word = np ? "linked" : "not linked"; break;
		case LK_IN_ARCHIVE: word = arena_printf(r->ar, "%zu of %zu members pulled", np, in->nobj); break;
		case LK_IN_SHARED: word = in->used ? "used" : in->as_needed ? "unused, dropped (--as-needed)" : "unused"; break;
		case LK_IN_SCRIPT: word = "linker script"; break;
		case LK_IN_SOURCE: word = "not read (a source file)"; v = GOABI_VERDICT_UNKNOWN; break;
		case LK_IN_MISSING:
			word = in->problem ? in->problem : "missing";
			v = in->problem ? GOABI_VERDICT_UNKNOWN : GOABI_VERDICT_FAIL;
			break;
		case LK_IN_BAD: word = "unusable"; v = GOABI_VERDICT_FAIL; break;
		}
		if (inv[i] > v)
			v = inv[i];
		struct goabi_judged *j = goabi_result_add_judged(res, in->path, NULL, v, word);
		if (!j)
			return false;
		add_prop(res, &j->props, "kind", input_kind(in->kind), &ok);
		add_prop(res, &j->props, "spec", in->spec, &ok);
		add_prop(res, &j->props, "implicit", bool_word(in->implicit), &ok);
		add_prop(res, &j->props, "whole_archive", bool_word(in->whole), &ok);
		add_prop(res, &j->props, "group", in->group >= 0 ? arena_printf(r->ar, "%d", in->group) : NULL, &ok);
		if (in->kind == LK_IN_SHARED) {
			add_prop(res, &j->props, "used", bool_word(in->used), &ok);
			add_prop(res, &j->props, "as_needed", bool_word(in->as_needed), &ok);
			/* a DT_NEEDED entry of the output: linked without
			 * --as-needed, or it satisfied a reference when ld reached it */
			add_prop(res, &j->props, "dt_needed", bool_word(!in->as_needed || in->used), &ok);
		}
		if (in->kind == LK_IN_ARCHIVE) {
			add_prop(res, &j->props, "members", arena_printf(r->ar, "%zu", in->nobj), &ok);
			add_prop(res, &j->props, "pulled", arena_printf(r->ar, "%zu", np), &ok);
		}
		if (in->facts && goabi_go_is_go(&in->facts->go)) {
			add_prop(res, &j->props, "go.toolchain", fact(&in->facts->go.toolchain), &ok);
			add_prop(res, &j->props, "go.version", fact(&in->facts->go.version), &ok);
			add_prop(res, &j->props, "go.scheme", fact(&in->facts->go.scheme), &ok);
			add_prop(res, &j->props, "go.typehash", fact(&in->facts->go.typehash), &ok);
		}
		if (in->kind != LK_IN_ARCHIVE)
			continue;
		/* the members ld pulls, each with the symbol that pulled it */
		for (size_t k = 0; k < in->nobj && ok; k++) {
			const struct lk_obj *o = &r->objs[in->first + k];
			if (!o->loaded || !o->member)
				continue;
			struct goabi_judged *m = goabi_result_add_judged(res, in->path, o->member, GOABI_VERDICT_PASS, "pulled");
			if (!m)
				return false;
			add_prop(res, &m->props, "kind", "member", &ok);
			add_prop(res, &m->props, "for", o->why, &ok);
		}
	}
	return ok;
}

/* lk_result -> goabi_result; NULL when out of memory */
static struct goabi_result *lk_to_result(const struct lk_result *r)
{
	struct goabi_result *res = goabi_result_new("link");
	if (!res)
		return NULL;
	const struct lk_cmd *c = &r->cmd;
	res->verdict = link_verdict(r->verdict);
	res->verdict_word = goabi_result_str(res, lk_verdict_name(r->verdict));
	/* no verdict: the driver does not link (-c, -S, -E), or the command
	 * line was unusable and no input was read */
	if (c->no_link || (c->errors.n && !r->ninputs)) {
		res->verdict = GOABI_VERDICT_ERROR;
		res->verdict_word = goabi_result_str(res, c->no_link ? "no link" : "nothing read");
		for (size_t i = 0; i < c->errors.n; i++)
			if (!goabi_result_add_error(res, NULL, NULL, c->errors.v[i]))
				goto oom;
	}
	struct onames ix;
	enum goabi_verdict *inv = calloc(r->ninputs + 1, sizeof(*inv));
	if (!inv || !onames_build(r, &ix)) {
		free(inv);
		goto oom;
	}
	bool ok = add_summary(res, r) && add_findings(res, r, &ix, inv) && add_judged(res, r, inv);
	free(ix.v);
	free(inv);
	if (ok)
		return res;
oom:
	goabi_result_free(res);
	return NULL;
}

int goabi_link_check(int argc, char **argv, struct goabi_result **out)
{
	*out = NULL;
	bool no_driver = false, command = false;
	int i = 0;
	for (; i < argc && argv && argv[i]; i++) {
		if (strcmp(argv[i], "--no-driver") == 0) {
			no_driver = true;
		} else if (strcmp(argv[i], "--") == 0) {
			command = true;
			i++;
			break;
		} else {
			break;
		}
	}
	if (!argv || i >= argc) {
		struct goabi_result *res = goabi_result_new("link");
		if (!res)
			return GOABI_ENOMEM;
		res->verdict = GOABI_VERDICT_ERROR;
		res->verdict_word = goabi_result_str(res, "nothing read");
		if (!goabi_result_add_error(res, NULL, NULL, command ? "no command after --" : "no input")) {
			goabi_result_free(res);
			return GOABI_ENOMEM;
		}
		*out = res;
		return 0;
	}
	struct goabi_arena *ar = arena_new();
	if (!ar)
		return GOABI_ENOMEM;
	struct lk_cmd cmd;
	lk_cmd_init(&cmd, ar);
	cmd.no_driver = no_driver;
	if (command)
		lk_parse_command(&cmd, argc - i, argv + i);
	else
		lk_parse_files(&cmd, argc - i, argv + i);
	struct lk_result *r = lk_run(&cmd);
	if (!r) {
		arena_free(ar);
		return GOABI_ENOMEM;
	}
	struct goabi_result *res = lk_to_result(r);
	lk_result_free(r);
	if (!res)
		return GOABI_ENOMEM;
	*out = res;
	return 0;
}
