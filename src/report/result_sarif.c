/* SARIF 2.1.0 log of any check's result (OASIS SARIF v2.1.0; tests validate
 * it against testdata/sarif-2.1.0-schema.json): one rule per rule id of the
 * findings, one result per finding with its level from the severity, a
 * physical location on the file (region 1: binaries have no lines) and
 * logical locations for an archive member and a symbol, stable
 * partialFingerprints from rule, subject and key, and the inputs that could
 * not be read as invocations[0].toolExecutionNotifications. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "goabi/result.h"
#include "report/report.h"
#include "report/sarif.h"

static json_t *text(const char *s)
{
	return json_pack("{s:o}", "text", json_str(s ? s : ""));
}

/* a relative uri is resolved against %SRCROOT% (SARIF 3.4.4, 3.14.14) */
static json_t *art_location(const char *uri)
{
	json_t *al = json_pack("{s:o}", "uri", json_str(uri ? uri : ""));
	if (uri && strncmp(uri, "file:", 5) != 0)
		json_object_set_new(al, "uriBaseId", json_string("%SRCROOT%"));
	return al;
}

static json_t *srcroot(void)
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

static void fnv(uint64_t *h, const char *s)
{
	for (const char *p = s ? s : ""; *p; p++)
		*h = (*h ^ (unsigned char)*p) * 1099511628211ull;
	*h = (*h ^ 0) * 1099511628211ull; /* separator: ("ab","c") != ("a","bc") */
}

/* rule, path, member, symbol, layer and key: the same finding on the same
 * thing has the same fingerprint in every run */
static json_t *fingerprint(const struct goabi_finding *f)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a 64 */
	fnv(&h, f->rule);
	fnv(&h, f->subject.path);
	fnv(&h, f->subject.member);
	fnv(&h, f->subject.symbol);
	fnv(&h, f->subject.layer);
	fnv(&h, f->key);
	char buf[17];
	snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)h);
	return json_pack("{s:s}", "goabiFinding/v1", buf);
}

static const char *level(enum goabi_finding_sev s)
{
	switch (s) {
	case GOABI_SEV_NOTE: return "note";
	case GOABI_SEV_ERROR: return "error";
	case GOABI_SEV_WARNING:
	case GOABI_SEV_UNKNOWN: break;
	}
	return "warning";
}

static void add_props(json_t *o, const struct goabi_props *p)
{
	for (size_t i = 0; i < p->n; i++) {
		json_t *k = json_str(p->v[i].name);
		if (json_is_string(k))
			json_object_set_new(o, json_string_value(k), json_str(p->v[i].value));
		json_decref(k);
	}
}

/* index of path in arts (added when new) */
static json_int_t artifact_index(json_t *arts, const char *uri)
{
	size_t i;
	json_t *a;
	json_array_foreach(arts, i, a) {
		const char *u = json_string_value(json_object_get(json_object_get(a, "location"), "uri"));
		if (u && strcmp(u, uri) == 0)
			return (json_int_t)i;
	}
	json_array_append_new(arts, json_pack("{s:o, s:[s]}", "location", art_location(uri), "roles", "analysisTarget"));
	return (json_int_t)json_array_size(arts) - 1;
}

static json_t *logical(const struct goabi_subject *s)
{
	json_t *l = json_array();
	if (s->member)
		json_array_append_new(l, json_pack("{s:o, s:s}", "name", json_str(s->member), "kind", "module"));
	if (s->symbol) {
		json_t *x = json_pack("{s:o}", "name", json_str(s->symbol));
		if (s->member) {
			char *fq = NULL;
			if (asprintf(&fq, "%s::%s", s->member, s->symbol) >= 0) {
				json_object_set_new(x, "fullyQualifiedName", json_str(fq));
				free(fq);
			}
		}
		json_array_append_new(l, x);
	}
	if (!json_array_size(l)) {
		json_decref(l);
		return NULL;
	}
	return l;
}

json_t *report_result_sarif(const struct goabi_result *r)
{
	int exit_code = goabi_exit_code(r);
	bool is_diff = r->check && strcmp(r->check, "diff") == 0;
	json_t *rules = json_array(), *results = json_array(), *arts = json_array();
	for (size_t i = 0; i < r->njudged; i++)
		if (r->judged[i].subject.path) {
			char *u = sarif_uri(r->judged[i].subject.path);
			if (u)
				artifact_index(arts, u);
			free(u);
		}
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct goabi_finding *f = &r->findings[i];
		const char *rule = f->rule ? f->rule : r->check;
		size_t ri;
		json_t *ru;
		json_array_foreach(rules, ri, ru)
			if (strcmp(json_string_value(json_object_get(ru, "id")), rule) == 0)
				break;
		if (ri == json_array_size(rules)) {
			const char *name = strrchr(rule, '/') ? strrchr(rule, '/') + 1 : rule;
			char *d = NULL;
			if (asprintf(&d, "goabi %s: %s", f->check ? f->check : r->check, name) < 0)
				d = NULL;
			json_array_append_new(rules, json_pack("{s:s, s:s, s:o, s:{s:s}}", "id", rule, "name", name,
							       "shortDescription", text(d ? d : rule),
							       "defaultConfiguration", "level", level(f->sev)));
			free(d);
		}
		json_t *res = json_pack("{s:s, s:i, s:s, s:o}", "ruleId", rule, "ruleIndex", (int)ri, "level", level(f->sev),
					"message", text(f->message ? f->message : rule));
		if (f->subject.path) {
			char *u = sarif_uri(f->subject.path);
			json_t *al = art_location(u);
			if (u)
				json_object_set_new(al, "index", json_integer(artifact_index(arts, u)));
			json_t *loc = json_pack("{s:{s:o, s:{s:i}}}", "physicalLocation", "artifactLocation", al, "region",
						"startLine", 1);
			json_t *ll = logical(&f->subject);
			if (ll)
				json_object_set_new(loc, "logicalLocations", ll);
			json_object_set_new(res, "locations", json_pack("[o]", loc));
			free(u);
		} else {
			json_t *ll = logical(&f->subject);
			if (ll)
				json_object_set_new(res, "locations", json_pack("[{s:o}]", "logicalLocations", ll));
		}
		json_object_set_new(res, "partialFingerprints", fingerprint(f));
		json_t *pr = json_object();
		json_object_set_new(pr, "check", json_str(f->check ? f->check : r->check));
		json_object_set_new(pr, "severity", json_string(goabi_finding_sev_name(f->sev)));
		json_object_set_new(pr, "confidence", json_string(goabi_conf_name(f->conf)));
		if (f->tool_says)
			json_object_set_new(pr, "toolSays", json_str(f->tool_says));
		if (f->subject.layer)
			json_object_set_new(pr, "layer", json_str(f->subject.layer));
		if (f->key)
			json_object_set_new(pr, "key", json_str(f->key));
		if (f->evidence.n)
			json_object_set_new(pr, "evidence", json_strv(&f->evidence));
		add_props(pr, &f->props);
		json_object_set_new(res, "properties", pr);
		json_array_append_new(results, res);
	}
	json_t *inv = json_pack("{s:b, s:i}", "executionSuccessful", is_diff ? !(exit_code & 3) : exit_code != 2,
				"exitCode", exit_code);
	if (r->nerrors) {
		json_t *notes = json_array();
		for (size_t i = 0; i < r->nerrors; i++) {
			const struct goabi_input_error *e = &r->errors[i];
			json_t *n = json_pack("{s:s, s:o}", "level", "error", "message", text(e->message));
			if (e->file) {
				char *u = sarif_uri(e->file);
				json_t *loc = json_pack("{s:{s:o}}", "physicalLocation", "artifactLocation", art_location(u));
				if (e->member)
					json_object_set_new(loc, "logicalLocations",
							    json_pack("[{s:o, s:s}]", "name", json_str(e->member), "kind", "module"));
				json_object_set_new(n, "locations", json_pack("[o]", loc));
				free(u);
			}
			json_array_append_new(notes, n);
		}
		json_object_set_new(inv, "toolExecutionNotifications", notes);
	}
	json_t *run = json_pack("{s:{s:{s:s, s:s, s:s, s:o}}, s:o, s:o, s:[o]}", "tool", "driver", "name", "goabi",
				"semanticVersion", GOABI_VERSION, "version", GOABI_VERSION, "rules", rules, "artifacts", arts, "results", results,
				"invocations", inv);
	json_t *props = json_pack("{s:o, s:s, s:o}", "command", json_str(r->check), "verdictClass",
				  goabi_verdict_name(r->verdict), "verdict",
				  json_str(r->verdict_word ? r->verdict_word : goabi_verdict_name(r->verdict)));
	add_props(props, &r->summary);
	json_object_set_new(run, "properties", props);
	json_t *b = srcroot();
	if (b)
		json_object_set_new(run, "originalUriBaseIds", b);
	return json_pack("{s:s, s:s, s:[o]}", "$schema", "https://json.schemastore.org/sarif-2.1.0.json", "version",
			 "2.1.0", "runs", run);
}
