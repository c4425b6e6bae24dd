/* goabi plugin: text and JSON reporters over the prediction. */
#include <string.h>
#include "report/plugin_report.h"
#include "report/report.h"

static const char *verdict_word(enum plg_outcome o)
{
	switch (o) {
	case PLG_LOADS: return "loads";
	case PLG_ERROR: return "fails";
	case PLG_FATAL: return "aborts";
	default: return "not reached";
	}
}

void plugin_report_text(FILE *out, const struct plg_result *r, bool verbose)
{
	const struct plg_module *h = &r->host;
	fputs("host         ", out);
	report_put(out, h->path);
	fputs(": ", out);
	report_put(out, r->host_notes.n ? r->host_notes.v[0] : "?");
	fputc('\n', out);
	for (size_t i = 0; i < r->nplugins; i++) {
		const struct plg_verdict *v = &r->verdicts[i];
		fprintf(out, "%-12s ", verdict_word(v->outcome));
		report_put(out, r->plugins[i].path);
		if (v->error) {
			fputs(": ", out);
			report_put(out, v->error);
		}
		if (v->evidence.n) {
			/* the decisive evidence first; all of it with -v */
			size_t n = verbose ? v->evidence.n : 1;
			size_t first = 0;
			if (!verbose) /* the last line names the cause */
				first = v->evidence.n - 1;
			fputs("  [", out);
			for (size_t k = first; k < first + n && k < v->evidence.n; k++) {
				if (k > first)
					fputs("; ", out);
				report_put(out, v->evidence.v[k]);
			}
			fputc(']', out);
		}
		if (v->conf == GOABI_INFERRED)
			fputs(" (inferred)", out);
		fputc('\n', out);
	}
}

static json_t *jstr(const char *s)
{
	return s ? json_str(s) : json_null();
}

json_t *plugin_report_json(const struct plg_result *r, const char *root)
{
	const struct plg_module *h = &r->host;
	json_t *o = json_object();
	json_object_set_new(o, "tool", json_string("goabi"));
	json_object_set_new(o, "version", json_string(GOABI_VERSION));
	json_object_set_new(o, "schema", json_integer(GOABI_JSON_SCHEMA));
	json_object_set_new(o, "command", json_string("plugin"));
	json_t *jh = json_object();
	json_object_set_new(jh, "path", jstr(h->path));
	json_object_set_new(jh, "go_version", jstr(h->go_version));
	json_object_set_new(jh, "cgo", jstr(h->cgo));
	json_object_set_new(jh, "links_plugin", json_boolean(h->links_plugin_pkg));
	json_object_set_new(jh, "pkghash_exports", json_integer((json_int_t)h->nexports));
	json_object_set_new(jh, "moduledata_size", h->moduledata_size ? json_integer((json_int_t)h->moduledata_size)
								     : json_null());
	json_object_set_new(o, "host", jh);
	json_object_set_new(o, "root", jstr(root ? root : "/"));
	json_t *arr = json_array();
	for (size_t i = 0; i < r->nplugins; i++) {
		const struct plg_verdict *v = &r->verdicts[i];
		const struct plg_module *m = &r->plugins[i];
		json_t *p = json_object();
		json_object_set_new(p, "path", jstr(m->path));
		json_object_set_new(p, "loads", json_boolean(v->outcome == PLG_LOADS));
		json_object_set_new(p, "error", jstr(v->error));
		json_object_set_new(p, "outcome", json_string(v->outcome == PLG_NOT_REACHED ? "not-reached"
								 : plg_outcome_name(v->outcome)));
		json_object_set_new(p, "rule", jstr(v->rule));
		json_object_set_new(p, "confidence", json_string(goabi_conf_name(v->conf)));
		json_object_set_new(p, "real_path", jstr(m->real));
		json_object_set_new(p, "go_version", jstr(m->go_version));
		json_object_set_new(p, "plugin_path", jstr(m->pluginpath));
		json_object_set_new(p, "pkghashes", json_integer((json_int_t)m->npkghashes));
		json_object_set_new(p, "package", jstr(v->package));
		json_object_set_new(p, "plugin_hash", jstr(v->plugin_hash));
		json_object_set_new(p, "provider_hash", jstr(v->provider_hash));
		json_object_set_new(p, "provider", jstr(v->provider));
		json_object_set_new(p, "evidence", json_strv(&v->evidence));
		json_array_append_new(arr, p);
	}
	json_object_set_new(o, "plugins", arr);
	return o;
}
