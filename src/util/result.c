/* The one result model's builders and accessors (include/goabi/result.h).
 * Everything a result holds lives in its arena. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "goabi/result.h"
#include "util/util.h"

struct goabi_result *goabi_result_new(const char *check)
{
	struct goabi_arena *ar = arena_new();
	if (!ar)
		return NULL;
	struct goabi_result *r = arena_alloc(ar, sizeof(*r));
	if (!r) {
		arena_free(ar);
		return NULL;
	}
	r->arena = ar;
	r->verdict = GOABI_VERDICT_PASS;
	r->check = arena_strdup(ar, check ? check : "");
	if (!r->check) {
		arena_free(ar);
		return NULL;
	}
	return r;
}

void goabi_result_free(struct goabi_result *r)
{
	if (!r)
		return;
	if (r->priv_free && r->priv)
		r->priv_free(r->priv);
	arena_free(r->arena); /* r itself lives in the arena */
}

const char *goabi_result_str(struct goabi_result *r, const char *s)
{
	if (!r || !s)
		return NULL;
	return arena_strdup(r->arena, s);
}

struct goabi_finding *goabi_result_add_finding(struct goabi_result *r, const char *rule, enum goabi_finding_sev sev,
					       const char *fmt, ...)
{
	if (!r || !arena_grow(r->arena, &r->findings, &r->findingcap, r->nfindings + 1, sizeof(*r->findings)))
		return NULL;
	char *msg = NULL;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(NULL, 0, fmt, ap);
		va_end(ap);
		if (n < 0 || !(msg = arena_alloc(r->arena, (size_t)n + 1)))
			return NULL;
		va_start(ap, fmt);
		vsnprintf(msg, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	struct goabi_finding *f = &r->findings[r->nfindings];
	memset(f, 0, sizeof(*f));
	f->check = r->check;
	f->rule = rule ? arena_strdup(r->arena, rule) : NULL;
	if (rule && !f->rule)
		return NULL;
	f->sev = sev;
	f->conf = GOABI_KNOWN;
	f->message = msg;
	r->nfindings++;
	return f;
}

struct goabi_judged *goabi_result_add_judged(struct goabi_result *r, const char *path, const char *member,
					     enum goabi_verdict v, const char *verdict_word)
{
	if (!r || !arena_grow(r->arena, &r->judged, &r->judgedcap, r->njudged + 1, sizeof(*r->judged)))
		return NULL;
	struct goabi_judged *j = &r->judged[r->njudged];
	memset(j, 0, sizeof(*j));
	j->subject.path = goabi_result_str(r, path);
	j->subject.member = goabi_result_str(r, member);
	j->verdict = v;
	j->verdict_word = goabi_result_str(r, verdict_word);
	if ((path && !j->subject.path) || (member && !j->subject.member) || (verdict_word && !j->verdict_word))
		return NULL;
	r->njudged++;
	return j;
}

bool goabi_result_add_error(struct goabi_result *r, const char *file, const char *member, const char *message)
{
	if (!r || !arena_grow(r->arena, &r->errors, &r->errorcap, r->nerrors + 1, sizeof(*r->errors)))
		return false;
	struct goabi_input_error *e = &r->errors[r->nerrors];
	e->file = goabi_result_str(r, file);
	e->member = goabi_result_str(r, member);
	e->message = goabi_result_str(r, message ? message : "unknown error");
	if ((file && !e->file) || (member && !e->member) || !e->message)
		return false;
	r->nerrors++;
	return true;
}

bool goabi_props_add(struct goabi_result *r, struct goabi_props *p, const char *name, const char *value)
{
	if (!r || !p || !name || !arena_grow(r->arena, &p->v, &p->cap, p->n + 1, sizeof(*p->v)))
		return false;
	struct goabi_prop *e = &p->v[p->n];
	e->name = goabi_result_str(r, name);
	e->value = goabi_result_str(r, value);
	if (!e->name || (value && !e->value))
		return false;
	p->n++;
	return true;
}

void goabi_result_raise(struct goabi_result *r, enum goabi_verdict v)
{
	if (r && v > r->verdict && v <= GOABI_VERDICT_ERROR)
		r->verdict = v;
}

const char *goabi_verdict_name(enum goabi_verdict v)
{
	switch (v) {
	case GOABI_VERDICT_PASS: return "pass";
	case GOABI_VERDICT_WARN: return "warn";
	case GOABI_VERDICT_UNKNOWN: return "unknown";
	case GOABI_VERDICT_FAIL: return "fail";
	case GOABI_VERDICT_ERROR: return "error";
	}
	return "unknown";
}

const char *goabi_finding_sev_name(enum goabi_finding_sev s)
{
	switch (s) {
	case GOABI_SEV_NOTE: return "note";
	case GOABI_SEV_WARNING: return "warning";
	case GOABI_SEV_UNKNOWN: return "unknown";
	case GOABI_SEV_ERROR: return "error";
	}
	return "unknown";
}

int goabi_exit_code(const struct goabi_result *r)
{
	if (!r)
		return 2;
	if (r->check && strcmp(r->check, "diff") == 0)
		return (int)r->exit_bits;
	switch (r->verdict) {
	case GOABI_VERDICT_PASS:
	case GOABI_VERDICT_WARN:
		return 0;
	case GOABI_VERDICT_FAIL:
		return 1;
	case GOABI_VERDICT_ERROR:
		return 2;
	case GOABI_VERDICT_UNKNOWN:
		return 3;
	}
	return 2;
}
