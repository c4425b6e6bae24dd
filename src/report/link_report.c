/* Text and JSON renderings of a link prediction (docs/link.md). */
#include <string.h>
#include "report/link_report.h"

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

static const char *sev_label(enum lk_sev s)
{
	switch (s) {
	case LK_LINK_ERROR: return "error";
	case LK_ERROR: return "error (links, cannot work)";
	case LK_WARNING: return "warning";
	case LK_UNKNOWN: return "unknown";
	default: return "note";
	}
}

void lk_report_text(FILE *out, const struct lk_result *r, bool verbose)
{
	const struct lk_cmd *c = &r->cmd;
	size_t user = 0, pulled = 0;
	for (size_t i = 0; i < r->ninputs; i++)
		user += !r->inputs[i].implicit;
	for (size_t i = 0; i < r->nobjs; i++)
		pulled += r->objs[i].loaded;
	fprintf(out, "verdict: %s", lk_verdict_name(r->verdict));
	if (r->verdict == LK_UNKNOWN_VERDICT && r->needs_from_sources.n) {
		fprintf(out, " (links only if %s define%s:", r->nsources ? "the source files" : "the driver's libraries",
			r->nsources ? "" : "");
		for (size_t i = 0; i < r->needs_from_sources.n && i < 8; i++)
			fprintf(out, " %s", r->needs_from_sources.v[i]);
		fprintf(out, "%s)", r->needs_from_sources.n > 8 ? " ..." : "");
	}
	fputc('\n', out);
	fprintf(out, "  link: %s%s%s, %s, libc %s, %zu inputs (%zu implicit), %zu objects linked\n", driver_name(c),
		c->driver_facts == LK_DRV_DEFAULT ? " (not asked: goabi's default, inferred)" : c->driver_facts == LK_DRV_UNKNOWN ? " (not installed: unknown)" : "",
		c->linker_prog ? arena_printf(r->ar, " -> %s", c->linker_prog) : "", mode_name(c), r->libc ? r->libc : "unknown",
		r->ninputs, r->ninputs - user, pulled);
	for (size_t i = 0; i < r->nf; i++) {
		const struct lk_finding *f = &r->f[i];
		fprintf(out, "%s: %s\n", sev_label(f->sev), f->message);
		if (f->linker)
			fprintf(out, "    ld says: %s\n", f->linker);
		if (f->diagnosis)
			fprintf(out, "    why: %s\n", f->diagnosis);
		if (f->symbols.n > 1 && verbose) {
			fprintf(out, "    symbols:");
			for (size_t k = 0; k < f->symbols.n; k++)
				fprintf(out, " %s", f->symbols.v[k]);
			fputc('\n', out);
		}
		if (f->files.n && (verbose || strncmp(f->kind, "undefined", 9) == 0)) {
			fprintf(out, "    files:");
			for (size_t k = 0; k < f->files.n; k++)
				fprintf(out, " %s", f->files.v[k]);
			fputc('\n', out);
		}
	}
	if (r->duplicates.n) {
		fprintf(out, "multiply defined (%zu):", r->duplicates.n);
		for (size_t i = 0; i < r->duplicates.n; i++)
			fprintf(out, " %s", r->duplicates.v[i]);
		fputc('\n', out);
	}
	if (r->undefined.n) {
		fprintf(out, "undefined (%zu):", r->undefined.n);
		for (size_t i = 0; i < r->undefined.n; i++)
			fprintf(out, " %s", r->undefined.v[i]);
		fputc('\n', out);
	}
	if (!verbose)
		return;
	fprintf(out, "inputs:\n");
	for (size_t i = 0; i < r->ninputs; i++) {
		const struct lk_input *in = &r->inputs[i];
		size_t np = 0;
		for (size_t k = 0; k < in->nobj; k++)
			np += r->objs[in->first + k].loaded;
		fprintf(out, "  %-8s %s%s%s%s", input_kind(in->kind), in->path, in->implicit ? " (implicit)" : "",
			in->whole ? " (whole-archive)" : "", in->group >= 0 ? " (group)" : "");
		if (in->kind == LK_IN_ARCHIVE)
			fprintf(out, ": %zu of %zu members pulled", np, in->nobj);
		if (in->kind == LK_IN_SHARED)
			fprintf(out, "%s", in->used ? ": used" : in->as_needed ? ": unused, dropped (--as-needed)" : ": unused");
		fputc('\n', out);
		for (size_t k = 0; k < in->nobj && in->kind == LK_IN_ARCHIVE; k++) {
			const struct lk_obj *o = &r->objs[in->first + k];
			if (o->loaded)
				fprintf(out, "           %s (for %s)\n", o->member, o->why ? o->why : "?");
		}
	}
	fprintf(out, "search path:");
	for (size_t i = 0; i < c->user_dirs.n; i++)
		fprintf(out, " %s", c->user_dirs.v[i]);
	for (size_t i = 0; i < c->sys_dirs.n; i++)
		fprintf(out, " %s", c->sys_dirs.v[i]);
	fputc('\n', out);
}

static json_t *strv_json(const struct goabi_strv *v)
{
	json_t *a = json_array();
	for (size_t i = 0; i < v->n; i++)
		json_array_append_new(a, json_string(v->v[i]));
	return a;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *lk_report_json(const struct lk_result *r)
{
	const struct lk_cmd *c = &r->cmd;
	json_t *o = json_object();
	json_object_set_new(o, "verdict", json_string(lk_verdict_name(r->verdict)));
	json_object_set_new(o, "driver", json_string(driver_name(c)));
	json_object_set_new(o, "flavor", json_string(flavor_name(c->flavor)));
	json_object_set_new(o, "driver_facts", json_string(driver_facts_name(c->driver_facts)));
	/* how far the verdict rests on known facts: the driver's own line (or
	 * plain ld) is known; goabi's default for a driver not asked is inferred */
	json_object_set_new(o, "confidence", json_string(r->verdict == LK_UNKNOWN_VERDICT || c->driver_facts == LK_DRV_UNKNOWN ? "unknown"
							 : c->driver_facts == LK_DRV_DEFAULT ? "inferred" : "known"));
	json_object_set_new(o, "linker", str_or_null(c->linker_prog));
	json_object_set_new(o, "mode", json_string(mode_name(c)));
	json_object_set_new(o, "libc", str_or_null(r->libc));
	json_object_set_new(o, "duplicates", strv_json(&r->duplicates));
	json_object_set_new(o, "undefined", strv_json(&r->undefined));
	json_object_set_new(o, "needs_from_sources", strv_json(&r->needs_from_sources));
	json_object_set_new(o, "sources", strv_json(&c->sources));
	json_t *fs = json_array();
	for (size_t i = 0; i < r->nf; i++) {
		const struct lk_finding *f = &r->f[i];
		json_t *j = json_object();
		json_object_set_new(j, "severity", json_string(lk_sev_name(f->sev)));
		json_object_set_new(j, "kind", json_string(f->kind));
		json_object_set_new(j, "symbol", str_or_null(f->symbol));
		json_object_set_new(j, "message", json_string(f->message));
		json_object_set_new(j, "linker_message", str_or_null(f->linker));
		json_object_set_new(j, "diagnosis", str_or_null(f->diagnosis));
		json_object_set_new(j, "files", strv_json(&f->files));
		if (f->symbols.n)
			json_object_set_new(j, "symbols", strv_json(&f->symbols));
		json_array_append_new(fs, j);
	}
	json_object_set_new(o, "findings", fs);
	json_t *ins = json_array();
	for (size_t i = 0; i < r->ninputs; i++) {
		const struct lk_input *in = &r->inputs[i];
		json_t *j = json_object();
		json_object_set_new(j, "spec", json_string(in->spec));
		json_object_set_new(j, "path", json_string(in->path));
		json_object_set_new(j, "kind", json_string(input_kind(in->kind)));
		json_object_set_new(j, "implicit", json_boolean(in->implicit));
		json_object_set_new(j, "whole_archive", json_boolean(in->whole));
		json_object_set_new(j, "group", in->group >= 0 ? json_integer(in->group) : json_null());
		if (in->kind == LK_IN_SHARED) {
			json_object_set_new(j, "used", json_boolean(in->used));
			json_object_set_new(j, "as_needed", json_boolean(in->as_needed));
		}
		json_t *pl = json_array();
		for (size_t k = 0; k < in->nobj; k++) {
			const struct lk_obj *ob = &r->objs[in->first + k];
			if (!ob->loaded || !ob->member)
				continue;
			json_array_append_new(pl, json_pack("{s:s, s:o}", "member", ob->member, "for", str_or_null(ob->why)));
		}
		if (in->kind == LK_IN_ARCHIVE) {
			json_object_set_new(j, "members", json_integer((json_int_t)in->nobj));
			json_object_set_new(j, "pulled", pl);
		} else {
			json_decref(pl);
		}
		if (in->facts && goabi_go_is_go(&in->facts->go))
			json_object_set_new(j, "go", json_pack("{s:o, s:o, s:o, s:o}", "toolchain",
							       str_or_null(in->facts->go.toolchain.value), "version",
							       str_or_null(in->facts->go.version.value), "scheme",
							       str_or_null(in->facts->go.scheme.value), "typehash",
							       str_or_null(in->facts->go.typehash.value)));
		json_array_append_new(ins, j);
	}
	json_object_set_new(o, "inputs", ins);
	/* DT_NEEDED of the output: shared libraries linked without --as-needed,
	 * or that satisfied a reference when ld reached them */
	json_t *need = json_array();
	for (size_t i = 0; i < r->ninputs; i++) {
		const struct lk_input *in = &r->inputs[i];
		if (in->kind != LK_IN_SHARED || (in->as_needed && !in->used))
			continue;
		const char *b = strrchr(in->path, '/');
		b = b ? b + 1 : in->path;
		bool dup = false;
		for (size_t k = 0; k < json_array_size(need); k++)
			dup |= strcmp(json_string_value(json_array_get(need, k)), b) == 0;
		if (!dup)
			json_array_append_new(need, json_string(b));
	}
	json_object_set_new(o, "needed", need);
	json_t *sp = json_array();
	for (size_t i = 0; i < c->user_dirs.n; i++)
		json_array_append_new(sp, json_string(c->user_dirs.v[i]));
	for (size_t i = 0; i < c->sys_dirs.n; i++)
		json_array_append_new(sp, json_string(c->sys_dirs.v[i]));
	json_object_set_new(o, "search_path", sp);
	return o;
}
