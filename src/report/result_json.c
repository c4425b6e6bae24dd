/* The schema-2 JSON envelope of every check (include/goabi/result.h,
 * docs/json-schema.md): one renderer over struct goabi_result. */
#include <string.h>
#include "goabi/result.h"
#include "report/report.h"

static json_t *props_json(const struct goabi_props *p)
{
	json_t *o = json_object();
	for (size_t i = 0; i < p->n; i++) {
		json_t *v = json_str(p->v[i].value);
		/* a key must be UTF-8 (json_object_set_new frees v otherwise) */
		if (json_object_set_new(o, p->v[i].name, v) != 0) {
			json_t *k = json_str(p->v[i].name);
			if (json_is_string(k))
				json_object_set_new(o, json_string_value(k), json_str(p->v[i].value));
			json_decref(k);
		}
	}
	return o;
}

static json_t *subject_json(const struct goabi_subject *s)
{
	return json_pack("{s:o, s:o, s:o, s:o}", "path", json_str(s->path), "member", json_str(s->member), "symbol",
			 json_str(s->symbol), "layer", json_str(s->layer));
}

json_t *report_result_errors_json(const struct goabi_result *r)
{
	json_t *arr = json_array();
	for (size_t i = 0; r && i < r->nerrors; i++) {
		const struct goabi_input_error *e = &r->errors[i];
		json_array_append_new(arr, json_pack("{s:o, s:o, s:o}", "file", json_str(e->file), "member",
						     json_str(e->member), "message", json_str(e->message)));
	}
	return arr;
}

json_t *report_result_json(const struct goabi_result *r, const struct report_opts *o, int exit)
{
	static const struct report_opts dflt;
	if (!o)
		o = &dflt;
	json_t *top = json_object();
	json_object_set_new(top, "tool", json_string("goabi"));
	json_object_set_new(top, "version", json_string(GOABI_VERSION));
	json_object_set_new(top, "schema", json_integer(GOABI_JSON_SCHEMA));
	json_object_set_new(top, "command", json_str(r->check));
	json_object_set_new(top, "verdict", json_str(r->verdict_word ? r->verdict_word : goabi_verdict_name(r->verdict)));
	json_object_set_new(top, "verdict_class", json_string(goabi_verdict_name(r->verdict)));
	json_object_set_new(top, "exit", json_integer(exit));
	json_object_set_new(top, "summary", props_json(&r->summary));
	json_t *judged = json_array();
	for (size_t i = 0; i < r->njudged; i++) {
		const struct goabi_judged *j = &r->judged[i];
		json_t *x = json_pack("{s:o, s:o}", "path", json_str(j->subject.path), "member", json_str(j->subject.member));
		if (j->subject.symbol)
			json_object_set_new(x, "symbol", json_str(j->subject.symbol));
		if (j->subject.layer)
			json_object_set_new(x, "layer", json_str(j->subject.layer));
		json_object_set_new(x, "verdict",
				    json_str(j->verdict_word ? j->verdict_word : goabi_verdict_name(j->verdict)));
		json_object_set_new(x, "verdict_class", json_string(goabi_verdict_name(j->verdict)));
		json_object_set_new(x, "properties", props_json(&j->props));
		if (j->artifact)
			json_object_set_new(x, "artifact", report_json(j->artifact, o));
		json_array_append_new(judged, x);
	}
	json_object_set_new(top, "judged", judged);
	json_t *findings = json_array();
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct goabi_finding *f = &r->findings[i];
		json_t *x = json_object();
		json_object_set_new(x, "check", json_str(f->check ? f->check : r->check));
		json_object_set_new(x, "rule", json_str(f->rule));
		json_object_set_new(x, "severity", json_string(goabi_finding_sev_name(f->sev)));
		json_object_set_new(x, "confidence", json_string(goabi_conf_name(f->conf)));
		json_object_set_new(x, "subject", subject_json(&f->subject));
		json_object_set_new(x, "message", json_str(f->message));
		json_object_set_new(x, "tool_says", json_str(f->tool_says));
		if (f->key)
			json_object_set_new(x, "key", json_str(f->key));
		json_object_set_new(x, "evidence", json_strv(&f->evidence));
		json_object_set_new(x, "properties", props_json(&f->props));
		json_array_append_new(findings, x);
	}
	json_object_set_new(top, "findings", findings);
	json_object_set_new(top, "errors", report_result_errors_json(r));
	return top;
}
