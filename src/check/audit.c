/* goabi audit as the one result model (include/goabi/result.h): the audited
 * files are the judged items (pass, unverified, broken), each broken rule a
 * finding "audit/<rule id>" of severity error, each rule that could not be
 * verified a note (confidence unknown: the verdict is WARN, the exit code
 * stays 0), the policy the summary; an input or policy that could not be
 * read makes the verdict ERROR (exit 2). The rules themselves are in
 * policy.c; the command (src/cli/audit.c) adds directories and packages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check/policy.h"
#include "goabi/checks.h"

struct goabi_policy {
	struct policy p;
};

struct goabi_policy *goabi_policy_new(void)
{
	struct goabi_policy *gp = malloc(sizeof(*gp));
	if (gp)
		policy_init(&gp->p);
	return gp;
}

void goabi_policy_free(struct goabi_policy *gp)
{
	if (!gp)
		return;
	policy_release(&gp->p);
	free(gp);
}

int goabi_policy_load(struct goabi_policy *gp, const char *path, char *err, size_t errlen)
{
	return policy_load(&gp->p, path, err, errlen);
}

int goabi_policy_set(struct goabi_policy *gp, const char *rule_id, const char *value, char *err, size_t errlen)
{
	for (int k = 0; k < RULE_COUNT; k++)
		if (strcmp(policy_rule_id((enum policy_rule)k), rule_id) == 0)
			return policy_set(&gp->p, (enum policy_rule)k, value, err, errlen);
	snprintf(err, errlen, "unknown rule '%s'", rule_id);
	return -1;
}

bool goabi_policy_has_rules(const struct goabi_policy *gp)
{
	for (int k = 0; k < RULE_COUNT; k++)
		if (gp->p.set[k])
			return true;
	return false;
}

void goabi_policy_inspect_opts(const struct goabi_policy *gp, struct goabi_opts *o)
{
	o->isa = gp->p.set[RULE_MAX_ISA];
	o->no_dwarf = true; /* no rule reads prototypes */
}

struct goabi_result *goabi_audit_begin(void)
{
	return goabi_result_new("audit");
}

void goabi_audit_input_error(struct goabi_result *r, const char *file, const char *member, const char *message)
{
	goabi_result_add_error(r, file, member, message);
	goabi_result_raise(r, GOABI_VERDICT_ERROR);
}

/* the rules on one artifact that was read */
static void judge(struct goabi_result *r, const struct policy *p, const char *path, const struct goabi_artifact *a)
{
	struct policy_result pr = { 0 };
	policy_check(p, a, &pr);
	/* the file's verdict: broken when one rule is, unverified when one
	 * could not be checked, else it meets the policy */
	enum goabi_verdict v = pr.nbroken ? GOABI_VERDICT_FAIL : pr.nunverified ? GOABI_VERDICT_WARN : GOABI_VERDICT_PASS;
	goabi_result_add_judged(r, path, NULL, v, pr.nbroken ? "broken" : pr.nunverified ? "unverified" : "pass");
	goabi_result_raise(r, v);
	for (size_t i = 0; i < pr.n; i++) {
		const struct policy_finding *pf = &pr.v[i];
		char rule[64];
		snprintf(rule, sizeof(rule), "audit/%s", policy_rule_id(pf->rule));
		struct goabi_finding *f = goabi_result_add_finding(r, rule, pf->broken ? GOABI_SEV_ERROR : GOABI_SEV_NOTE,
								   "%s", pf->message);
		if (!f)
			continue;
		f->conf = pf->broken ? GOABI_KNOWN : GOABI_UNKNOWN;
		f->subject.path = goabi_result_str(r, pf->where);
		f->key = goabi_result_str(r, pf->key);
		char *val = policy_rule_value(p, pf->rule);
		goabi_props_add(r, &f->props, "status", pf->broken ? "broken" : "unverified");
		goabi_props_add(r, &f->props, "policy", val ? val : "");
		free(val);
	}
	policy_result_release(&pr);
}

void goabi_audit_finish(struct goabi_result *r, const struct goabi_policy *gp, const char *policy_path)
{
	const struct policy *p = &gp->p;
	goabi_props_add(r, &r->summary, "policy", policy_path ? policy_path : "(rule flags)");
	for (int k = 0; k < RULE_COUNT; k++)
		if (p->set[k]) {
			char *v = policy_rule_value(p, (enum policy_rule)k);
			goabi_props_add(r, &r->summary, policy_rule_id((enum policy_rule)k), v ? v : "");
			free(v);
		}
	size_t nb = 0, nu = 0;
	for (size_t i = 0; i < r->nfindings; i++)
		nb += r->findings[i].sev == GOABI_SEV_ERROR, nu += r->findings[i].sev != GOABI_SEV_ERROR;
	char n[32];
	snprintf(n, sizeof(n), "%zu", r->njudged);
	goabi_props_add(r, &r->summary, "files", n);
	snprintf(n, sizeof(n), "%zu", nb);
	goabi_props_add(r, &r->summary, "broken", n);
	snprintf(n, sizeof(n), "%zu", nu);
	goabi_props_add(r, &r->summary, "unverified", n);
	static const char *const words[] = {
		[GOABI_VERDICT_PASS] = "pass", [GOABI_VERDICT_WARN] = "unverified", [GOABI_VERDICT_UNKNOWN] = "unknown",
		[GOABI_VERDICT_FAIL] = "broken", [GOABI_VERDICT_ERROR] = "incomplete",
	};
	r->verdict_word = words[r->verdict];
}

/* An artifact with an error diagnostic: the first problem, named (in a
 * member when the archive itself has none) */
static void input_problem(struct goabi_result *r, const char *path, const struct goabi_artifact *a, int err)
{
	const struct goabi_artifact *w = goabi_artifact_first_error(a);
	goabi_audit_input_error(r, path, w && w->member && w->ndiags ? w->member : NULL,
			  w && w->ndiags ? w->diags[0].message : goabi_strerror(err));
}

void goabi_audit_file(struct goabi_result *r, const struct goabi_policy *gp, const char *path,
		      const struct goabi_artifact *a, int err)
{
	if (!a || err || goabi_artifact_has_errors(a)) {
		input_problem(r, path, a, err);
		/* what could be read of a damaged ELF file or archive is still judged */
		if (!a || err || a->kind == GOABI_KIND_OTHER)
			return;
	}
	judge(r, &gp->p, path, a);
}

int goabi_audit(const char *policy_path, char *const *paths, size_t n, struct goabi_result **out)
{
	*out = NULL;
	if (!policy_path || (n && !paths))
		return GOABI_EFORMAT;
	struct goabi_result *r = goabi_audit_begin();
	struct goabi_policy *p = goabi_policy_new();
	if (!r || !p) {
		goabi_result_free(r);
		goabi_policy_free(p);
		return GOABI_ENOMEM;
	}
	char err[512];
	if (goabi_policy_load(p, policy_path, err, sizeof(err)) != 0)
		goabi_audit_input_error(r, policy_path, NULL, err);
	else if (!goabi_policy_has_rules(p))
		goabi_audit_input_error(r, policy_path, NULL, "the policy sets no rule");
	else {
		struct goabi_opts o = { 0 };
		goabi_policy_inspect_opts(p, &o);
		for (size_t i = 0; i < n; i++) {
			struct goabi_artifact *a = NULL;
			int e = goabi_inspect_path(paths[i], &o, &a);
			goabi_audit_file(r, p, paths[i], a, e);
			goabi_artifact_free(a);
		}
	}
	goabi_audit_finish(r, p, policy_path);
	goabi_policy_free(p);
	*out = r;
	return 0;
}
