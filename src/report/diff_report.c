/* Text, JSON and SARIF output of goabi diff (docs/diff.md): read only the
 * changes (check/diff.h). */
#include <stdlib.h>
#include <string.h>
#include "report/diff_report.h"
#include "report/report.h"
#include "util/util.h"

void diff_report_text(FILE *out, const struct diff_set *s, const char *op, const char *np)
{
	const char *last = NULL;
	for (size_t i = 0; i < s->n; i++) {
		const struct diff_change *c = &s->v[i];
		if (!last || strcmp(last, c->where) != 0) {
			fprintf(out, "%s\n", c->where);
			last = c->where;
		}
		fprintf(out, "  [%s] %s %s: %s", diff_class_name(c->cls), c->area, c->kind, c->subject);
		if (c->old_value && c->new_value)
			fprintf(out, ": %s -> %s", c->old_value, c->new_value);
		else if (c->old_value && strcmp(c->old_value, c->subject) != 0)
			fprintf(out, ": %s", c->old_value);
		else if (c->new_value && strcmp(c->new_value, c->subject) != 0)
			fprintf(out, ": %s", c->new_value);
		if (c->detail)
			fprintf(out, "  (%s)", c->detail);
		fputc('\n', out);
	}
	fprintf(out, "%s -> %s: %zu breaking, %zu possibly breaking, %zu informational", op, np,
	       s->count[DIFF_BREAKING], s->count[DIFF_POSSIBLE], s->count[DIFF_INFO]);
	if (s->count[DIFF_NOTCMP])
		fprintf(out, ", %zu not comparable", s->count[DIFF_NOTCMP]);
	fputc('\n', out);
}

static json_t *opt_str(const char *s)
{
	return s ? json_str(s) : json_null();
}

json_t *diff_report_json(const struct diff_set *s, json_t *errors, const char *op, const char *np, unsigned bits)
{
	json_t *arr = json_array();
	static const char *const cls_id[] = { "informational", "possibly-breaking", "breaking", "not-comparable" };
	for (size_t i = 0; i < s->n; i++) {
		const struct diff_change *c = &s->v[i];
		json_array_append_new(arr, json_pack("{s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:o}", "class", cls_id[c->cls],
						     "where", json_str(c->where), "area", c->area, "kind", c->kind,
						     "subject", json_str(c->subject), "old", opt_str(c->old_value),
						     "new", opt_str(c->new_value), "detail", opt_str(c->detail)));
	}
	json_t *top = json_pack("{s:s, s:s, s:i, s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I}, s:o, s:i}", "tool", "goabi",
				"version", GOABI_VERSION, "schema", GOABI_JSON_SCHEMA, "old", json_str(op), "new",
				json_str(np), "changes", arr, "summary", "breaking", (json_int_t)s->count[DIFF_BREAKING],
				"possibly_breaking", (json_int_t)s->count[DIFF_POSSIBLE], "informational",
				(json_int_t)s->count[DIFF_INFO], "not_comparable", (json_int_t)s->count[DIFF_NOTCMP], "errors", errors, "exit", (int)bits);
	return top;
}

/* SARIF locations: the NEW file each change is about (for directories, NEW
 * joined with the relative path, the archive member dropped; OLD's for a
 * file that is gone). */
json_t *diff_report_sarif(const struct diff_set *s, const struct sarif_note *notes, size_t nnotes, bool dirs,
			  const char *op, const char *np, unsigned bits)
{
	const char **locs = calloc(s->n ? s->n : 1, sizeof(char *));
	if (!locs)
		return NULL;
	for (size_t i = 0; i < s->n; i++) {
		if (!dirs) {
			locs[i] = np;
			continue;
		}
		const char *w = s->v[i].where;
		const char *paren = strchr(w, '(');
		size_t n = paren ? (size_t)(paren - w) : strlen(w);
		bool gone = strcmp(s->v[i].area, "file") == 0 && strcmp(s->v[i].kind, "removed") == 0;
		locs[i] = arena_printf(s->arena, "%s/%.*s", gone ? op : np, (int)n, w);
	}
	json_t *log = sarif_diff(s, locs, (int)bits, notes, nnotes);
	free(locs);
	return log;
}
