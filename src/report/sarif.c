/* SARIF 2.1.0 log of goabi audit findings (OASIS SARIF v2.1.0; checked in
 * tests against the published JSON schema, testdata/sarif-2.1.0-schema.json). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "goabi/goabi.h"
#include "report/report.h"
#include "report/sarif.h"
#include "check/diff.h"

char *sarif_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	size_t n = strlen(path);
	if (n > GOABI_MAX_STRING)
		n = GOABI_MAX_STRING;
	char *out = malloc(3 * n + 8);
	if (!out)
		return NULL;
	size_t k = 0;
	if (path[0] == '/') {
		memcpy(out, "file://", 7);
		k = 7;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)path[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~/", c)) {
			out[k++] = (char)c;
		} else {
			out[k++] = '%';
			out[k++] = hex[c >> 4];
			out[k++] = hex[c & 15];
		}
	}
	out[k] = 0;
	return out;
}

/* A stable fingerprint of (rule, location) so that code-scanning UIs match
 * a result across runs without hashing source lines (binaries have none). */
static json_t *fingerprint(const char *rule, const char *uri)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a 64 */
	for (const char *p = rule; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	h = (h ^ 0) * 1099511628211ull;
	for (const char *p = uri ? uri : ""; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	char buf[17];
	snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)h);
	return json_pack("{s:s}", "goabiRuleArtifact/v1", buf);
}

static json_t *text(const char *s);

/* An artifactLocation: a relative uri is resolved against %SRCROOT%, which
 * run.originalUriBaseIds maps to the working directory (SARIF 2.1.0
 * 3.4.4, 3.14.14). */
static json_t *location(const char *uri)
{
	json_t *al = json_pack("{s:o}", "uri", json_str(uri ? uri : ""));
	if (uri && strncmp(uri, "file:", 5) != 0)
		json_object_set_new(al, "uriBaseId", json_string("%SRCROOT%"));
	return al;
}

/* run.originalUriBaseIds: %SRCROOT% = the working directory as a file URI
 * ending in '/'; NULL when it cannot be had. */
static json_t *base_ids(void)
{
	char *cwd = getcwd(NULL, 0);
	if (!cwd)
		return NULL;
	char *u = sarif_uri(cwd);
	free(cwd);
	json_t *r = NULL;
	if (u && u[0] == 'f')
		r = json_pack("{s:{s:s+}}", "%SRCROOT%", "uri", u, strcmp(u, "file:///") ? "/" : "");
	free(u);
	return r;
}

/* Finish a log: the run's originalUriBaseIds and, for errors that kept an
 * input from being read, invocations[0].toolExecutionNotifications. */
static json_t *finish(json_t *log, const struct sarif_note *notes, size_t nnotes)
{
	json_t *run = json_array_get(json_object_get(log, "runs"), 0);
	json_t *b = base_ids();
	if (run && b)
		json_object_set_new(run, "originalUriBaseIds", b);
	else
		json_decref(b);
	json_t *inv = json_array_get(json_object_get(run, "invocations"), 0);
	if (inv && nnotes) {
		json_t *arr = json_array();
		for (size_t i = 0; i < nnotes; i++) {
			json_t *n = json_pack("{s:s, s:o}", "level", "error", "message", text(notes[i].message));
			if (notes[i].file) {
				char *u = sarif_uri(notes[i].file);
				json_object_set_new(n, "locations",
						    json_pack("[{s:{s:o}}]", "physicalLocation", "artifactLocation", location(u)));
				free(u);
			}
			json_array_append_new(arr, n);
		}
		json_object_set_new(inv, "toolExecutionNotifications", arr);
	}
	return log;
}

static json_t *text(const char *s)
{
	return json_pack("{s:o}", "text", json_str(s));
}

json_t *sarif_audit(const struct policy *p, const struct policy_result *res, const char *const *files,
		    size_t nfiles, int exit_code, const struct sarif_note *notes, size_t nnotes)
{
	json_t *rules = json_array();
	int index[RULE_COUNT];
	int nr = 0;
	for (int r = 0; r < RULE_COUNT; r++) {
		index[r] = -1;
		if (!p->set[r])
			continue;
		char *val = policy_rule_value(p, (enum policy_rule)r);
		char *help = NULL;
		if (asprintf(&help, "%s Policy setting: %s = %s.", policy_rule_summary((enum policy_rule)r),
			     policy_rule_id((enum policy_rule)r), val ? val : "") < 0)
			help = NULL;
		json_array_append_new(rules,
				      json_pack("{s:s, s:s, s:o, s:o, s:o, s:{s:s}, s:{s:o}}", "id",
						policy_rule_id((enum policy_rule)r), "name", policy_rule_name((enum policy_rule)r),
						"shortDescription", text(policy_rule_summary((enum policy_rule)r)),
						"fullDescription", text(help ? help : policy_rule_summary((enum policy_rule)r)),
						"help", text(help ? help : ""), "defaultConfiguration", "level", "error",
						"properties", "policy", json_str(val ? val : "")));
		free(val);
		free(help);
		index[r] = nr++;
	}
	json_t *artifacts = json_array();
	for (size_t i = 0; i < nfiles; i++) {
		char *u = sarif_uri(files[i]);
		json_array_append_new(artifacts, json_pack("{s:o, s:[s]}", "location", location(u), "roles", "analysisTarget"));
		free(u);
	}
	json_t *results = json_array();
	for (size_t i = 0; i < res->n; i++) {
		const struct policy_finding *f = &res->v[i];
		char *u = sarif_uri(f->where);
		int ai = -1;
		for (size_t k = 0; k < nfiles && ai < 0; k++)
			if (strcmp(files[k], f->where) == 0)
				ai = (int)k;
		json_t *al = location(u);
		if (ai >= 0)
			json_object_set_new(al, "index", json_integer(ai));
		char *fk = NULL;
		if (f->key && asprintf(&fk, "%s\n%s", policy_rule_id(f->rule), f->key) < 0)
			fk = NULL;
		/* binaries have no lines: region 1 keeps code-scanning UIs that
		 * require a region (GitHub) happy */
		json_array_append_new(
			results,
			json_pack("{s:s, s:i, s:s, s:o, s:[{s:{s:o, s:{s:i}}}], s:o}", "ruleId", policy_rule_id(f->rule),
				  "ruleIndex", index[f->rule], "level", f->broken ? "error" : "note", "message",
				  text(f->message), "locations", "physicalLocation", "artifactLocation", al, "region",
				  "startLine", 1, "partialFingerprints", fingerprint(fk ? fk : policy_rule_id(f->rule), u)));
		free(fk);
		free(u);
	}
	return finish(json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:s, s:o}}, s:o, s:o, s:[{s:b, s:i}]}]}", "$schema",
			 "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs", "tool", "driver",
			 "name", "goabi", "semanticVersion", GOABI_VERSION, "version", GOABI_VERSION, "rules", rules,
			 "artifacts", artifacts, "results", results, "invocations", "executionSuccessful", exit_code != 2,
			 "exitCode", exit_code), notes, nnotes);
}

json_t *sarif_diff(const struct diff_set *s, const char *const *locs, int exit_code, const struct sarif_note *notes,
		   size_t nnotes)
{
	static const char *const levels[] = { "note", "warning", "error", "note" };
	json_t *rules = json_array(), *results = json_array(), *artifacts = json_array();
	const char *ids[64];
	size_t nids = 0;
	const char *arts[256];
	size_t narts = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct diff_change *c = &s->v[i];
		size_t r;
		for (r = 0; r < nids; r++)
			if (strcmp(ids[r], c->area) == 0)
				break;
		if (r == nids && nids < 64) {
			ids[nids++] = c->area;
			char *d = NULL;
			if (asprintf(&d, "goabi diff: changes of the %s area between two releases (docs/diff.md)", c->area) < 0)
				d = NULL;
			json_array_append_new(rules, json_pack("{s:s, s:o, s:{s:s}}", "id", c->area, "shortDescription",
							       text(d ? d : c->area), "defaultConfiguration", "level", "warning"));
			free(d);
		}
		if (r >= nids)
			continue;
		const char *loc = locs && locs[i] ? locs[i] : c->where;
		size_t a;
		for (a = 0; a < narts; a++)
			if (strcmp(arts[a], loc) == 0)
				break;
		char *u = sarif_uri(loc);
		if (a == narts && narts < 256) {
			arts[narts++] = loc;
			json_array_append_new(artifacts,
					      json_pack("{s:o, s:[s]}", "location", location(u), "roles", "analysisTarget"));
		}
		char *msg = NULL;
		if (asprintf(&msg, "%s: %s %s %s: %s%s%s%s%s%s", diff_class_name(c->cls), c->area, c->kind, c->subject,
			     c->old_value ? c->old_value : "(none)", " -> ", c->new_value ? c->new_value : "(none)",
			     c->detail ? " (" : "", c->detail ? c->detail : "", c->detail ? ")" : "") < 0)
			msg = NULL;
		json_t *al = location(u);
		if (a < narts)
			json_object_set_new(al, "index", json_integer((json_int_t)a));
		json_array_append_new(results,
				      json_pack("{s:s, s:i, s:s, s:o, s:[{s:{s:o, s:{s:i}}}], s:{s:s, s:s}}", "ruleId",
						c->area, "ruleIndex", (int)r, "level", levels[c->cls], "message",
						text(msg ? msg : c->subject), "locations", "physicalLocation", "artifactLocation",
						al, "region", "startLine", 1, "properties", "where", c->where, "kind", c->kind));
		char *fp = NULL;
		if (asprintf(&fp, "%s\n%s\n%s\n%s", u ? u : "", c->where, c->kind, c->subject) < 0)
			fp = NULL;
		json_object_set_new(json_array_get(results, json_array_size(results) - 1), "partialFingerprints",
				    fingerprint(c->area, fp ? fp : c->subject));
		free(fp);
		free(msg);
		free(u);
	}
	return finish(json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:s, s:o}}, s:o, s:o, s:[{s:b, s:i}]}]}", "$schema",
			 "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs", "tool", "driver",
			 "name", "goabi", "semanticVersion", GOABI_VERSION, "version", GOABI_VERSION, "rules", rules,
			 "artifacts", artifacts, "results", results, "invocations", "executionSuccessful",
			 !(exit_code & 3), "exitCode", exit_code), notes, nnotes);
}
