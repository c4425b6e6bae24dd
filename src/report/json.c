/* JSON reporter (jansson). Schema: docs/json-schema.md, version GOABI_JSON_SCHEMA. */
#include <stdlib.h>
#include <string.h>
#include "report/report.h"
#include "util/util.h"

json_t *json_str(const char *s)
{
	if (!s)
		return json_null();
	json_t *j = json_string(s);
	if (j)
		return j;
	struct goabi_arena *ar = arena_new();
	j = json_string(utf8_sanitize(ar, s, strlen(s)));
	arena_free(ar);
	return j ? j : json_null();
}

json_t *json_fact(const struct goabi_fact *f)
{
	return json_pack("{s:o, s:s, s:o}", "value", json_str(f->value), "confidence",
			 goabi_conf_name(f->conf), "evidence", json_str(f->evidence));
}

json_t *json_strv(const struct goabi_strv *sv)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < sv->n; i++)
		json_array_append_new(arr, json_str(sv->v[i]));
	return arr;
}

static json_t *module(const struct goabi_module *m)
{
	json_t *o = json_pack("{s:o, s:o, s:o}", "path", json_str(m->path), "version", json_str(m->version), "sum",
			      json_str(m->sum));
	if (m->repl_path)
		json_object_set_new(o, "replace", json_pack("{s:o, s:o, s:o}", "path", json_str(m->repl_path), "version",
							   json_str(m->repl_version), "sum", json_str(m->repl_sum)));
	return o;
}

static json_t *go_json(const struct goabi_go *g)
{
	json_t *o = json_object();
	json_object_set_new(o, "toolchain", json_fact(&g->toolchain));
	json_object_set_new(o, "version", json_fact(&g->version));
	json_object_set_new(o, "version_range", json_fact(&g->version_range));
	json_object_set_new(o, "buildinfo", json_str(g->buildinfo_where));
	json_object_set_new(o, "pclntab", json_str(g->pclntab_where));
	if (g->pclntab_magic)
		json_object_set_new(o, "pclntab_magic", json_integer(g->pclntab_magic));
	json_object_set_new(o, "path", json_str(g->main_path));
	json_object_set_new(o, "main", g->main.path ? module(&g->main) : json_null());
	json_t *deps = json_array();
	for (size_t i = 0; i < g->ndeps; i++)
		json_array_append_new(deps, module(&g->deps[i]));
	json_object_set_new(o, "deps", deps);
	json_t *set = json_object();
	/* json_object_set_new rejects a key that is not UTF-8 and frees the value */
	for (size_t i = 0; i < g->nsettings; i++)
		if (g->settings[i].key) /* keys are UTF-8: the module text was sanitised */
			json_object_set_new(set, g->settings[i].key, json_str(g->settings[i].value));
	json_object_set_new(o, "settings", set);
	json_object_set_new(o, "scheme", json_fact(&g->scheme));
	json_object_set_new(o, "eq_funcs", json_strv(&g->eq_funcs));
	json_object_set_new(o, "hash_funcs", json_strv(&g->hash_funcs));
	json_object_set_new(o, "itabs", json_integer((json_int_t)g->nitabs));
	json_object_set_new(o, "typehash", json_fact(&g->typehash));
	json_object_set_new(o, "cgo", json_fact(&g->cgo));
	json_object_set_new(o, "cgo_setting", json_fact(&g->cgo_setting));
	json_object_set_new(o, "cgo_evidence", json_strv(&g->cgo_evidence));
	json_object_set_new(o, "buildmode", json_fact(&g->buildmode));
	json_object_set_new(o, "conflicts", json_strv(&g->conflicts));
	return o;
}

static json_t *libc_json(const struct goabi_libc *l)
{
	json_t *o = json_object();
	json_object_set_new(o, "linkage", json_fact(&l->linkage));
	json_object_set_new(o, "interp", json_str(l->interp));
	json_object_set_new(o, "needed", json_strv(&l->needed));
	json_object_set_new(o, "soname", json_str(l->soname));
	json_object_set_new(o, "rpath", json_str(l->rpath));
	json_object_set_new(o, "runpath", json_str(l->runpath));
	json_object_set_new(o, "family", json_fact(&l->family));
	json_t *vn = json_array();
	for (size_t i = 0; i < l->nverneed; i++)
		json_array_append_new(vn, json_pack("{s:o, s:o, s:o}", "file", json_str(l->verneed[i].file), "versions",
						    json_strv(&l->verneed[i].versions), "symbols",
						    json_strv(&l->verneed[i].symbols)));
	json_object_set_new(o, "verneed", vn);
	json_object_set_new(o, "verdef", json_strv(&l->verdef));
	json_object_set_new(o, "glibc_floor", json_fact(&l->glibc_floor));
	json_object_set_new(o, "glibcxx_floor", json_fact(&l->glibcxx_floor));
	json_object_set_new(o, "cxxabi_floor", json_fact(&l->cxxabi_floor));
	json_object_set_new(o, "hash_style", json_fact(&l->hash_style));
	json_object_set_new(o, "undefined_libc", json_strv(&l->undef_libc));
	json_object_set_new(o, "defined_libc_names", json_strv(&l->def_libc));
	return o;
}

static json_t *id_json(const struct goabi_elfid *id)
{
	return json_pack("{s:i, s:s, s:i, s:o, s:i, s:o, s:o, s:b, s:i, s:o, s:b, s:b, s:i, s:i, s:o}", "class", id->elfclass,
			 "byte_order", id->big_endian ? "big" : "little", "machine", (int)id->machine, "machine_name",
			 json_str(id->machine_name), "osabi", (int)id->osabi, "osabi_name", json_str(id->osabi_name),
			 "type", json_str(id->type_name), "pie", id->pie, "flags", (int)id->flags, "flag_notes",
			 json_strv(&id->flag_notes), "has_sections", id->has_sections, "debug_file", id->debug_file, "sections", (int)id->nsections,
			 "segments", (int)id->nsegments, "build_id", json_str(id->build_id));
}

static json_t *isa_json(const struct goabi_isa *i)
{
	json_t *o = json_object();
	json_object_set_new(o, "declared", json_fact(&i->declared));
	json_object_set_new(o, "required", json_fact(&i->required));
	json_object_set_new(o, "used", json_fact(&i->used));
	json_object_set_new(o, "extensions", json_strv(&i->extensions));
	json_object_set_new(o, "detail", json_strv(&i->detail));
	if (i->has_note_isa)
		json_object_set_new(o, "note", json_pack("{s:I, s:I}", "isa_needed", (json_int_t)i->note_isa_needed,
							 "isa_used", (json_int_t)i->note_isa_used));
	json_object_set_new(o, "note_features", json_integer(i->note_features));
	json_object_set_new(o, "scanned", json_boolean(i->scanned));
	if (i->scanned) {
		json_t *ex = json_array();
		for (size_t k = 0; k < i->nexts; k++) {
			const struct goabi_isa_ext *e = &i->exts[k];
			json_array_append_new(ex, json_pack("{s:o, s:o, s:I, s:I, s:I, s:o, s:o, s:o}", "name", json_str(e->name),
							    "level", json_str(e->level), "unguarded",
							    (json_int_t)e->nrequired, "guarded", (json_int_t)e->nguarded,
							    "unproven", (json_int_t)e->nunproven,
							    "unguarded_functions", json_strv(&e->required_by),
							    "guarded_functions", json_strv(&e->guarded_in),
							    "unproven_functions", json_strv(&e->unproven_in)));
		}
		json_object_set_new(o, "extension_use", ex);
		json_object_set_new(o, "guards", json_strv(&i->guards));
		json_object_set_new(o, "functions_from", json_str(i->functions_from));
		json_object_set_new(o, "functions", json_integer((json_int_t)i->nfuncs));
		json_object_set_new(o, "code_bytes", json_integer((json_int_t)i->text_bytes));
	}
	json_object_set_new(o, "conflicts", json_strv(&i->conflicts));
	return o;
}

static json_t *nss_json(const struct goabi_nss *n)
{
	json_t *o = json_object();
	json_object_set_new(o, "go_user", json_fact(&n->go_user));
	json_object_set_new(o, "go_resolver", json_fact(&n->go_resolver));
	json_object_set_new(o, "go_databases", json_strv(&n->go_databases));
	json_object_set_new(o, "databases", json_strv(&n->databases));
	json_object_set_new(o, "calls", json_strv(&n->calls));
	json_object_set_new(o, "static_glibc", json_boolean(n->static_glibc));
	json_object_set_new(o, "builtin_files_dns", json_boolean(n->builtin_files_dns));
	return o;
}

/* Mach-O and PE: target OS, floor and what decides it (issue 23). */
static json_t *os_json(const struct goabi_os *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_fact(&s->name));
	json_object_set_new(o, "floor", json_fact(&s->floor));
	json_object_set_new(o, "binary_min", json_fact(&s->binary_min));
	json_object_set_new(o, "toolchain_min", json_fact(&s->toolchain_min));
	json_object_set_new(o, "filetype", json_str(s->filetype));
	if (s->platform || s->sdk) {
		json_object_set_new(o, "platform", json_str(s->platform));
		json_object_set_new(o, "sdk", json_str(s->sdk));
	}
	if (s->pe_magic) {
		json_object_set_new(o, "pe", json_str(s->pe_magic));
		json_object_set_new(o, "subsystem", json_str(s->subsystem));
		json_object_set_new(o, "subsystem_version", json_str(s->subsystem_version));
		json_object_set_new(o, "os_version", json_str(s->os_version));
	}
	json_t *d = json_array();
	for (size_t i = 0; i < s->ndylibs; i++) {
		const struct goabi_dylib *l = &s->dylibs[i];
		json_t *e = json_pack("{s:o}", "name", json_str(l->name));
		if (l->compat)
			json_object_set_new(e, "compatibility_version", json_str(l->compat));
		if (l->weak)
			json_object_set_new(e, "weak", json_true());
		if (s->pe_magic)
			json_object_set_new(e, "imports", json_strv(&l->imports));
		json_array_append_new(d, e);
	}
	json_object_set_new(o, "libraries", d);
	json_object_set_new(o, "rpaths", json_strv(&s->rpaths));
	json_object_set_new(o, "signature", json_fact(&s->signature));
	if (s->pe_magic)
		json_object_set_new(o, "crt", json_fact(&s->crt));
	return o;
}

json_t *report_json(const struct goabi_artifact *a, const struct report_opts *ro)
{
	json_t *o = json_object();
	static const char *kinds[] = { "elf", "ar", "other", "goobj", "macho", "pe" };
	json_object_set_new(o, "path", json_str(a->path));
	if (a->member)
		json_object_set_new(o, "member", json_str(a->member));
	json_object_set_new(o, "kind", json_string(kinds[a->kind]));
	json_object_set_new(o, "format", json_string(kinds[a->kind]));
	json_object_set_new(o, "size", json_integer((json_int_t)a->size));
	if (a->kind == GOABI_KIND_MACHO || a->kind == GOABI_KIND_PE) {
		if (a->machine.value || a->machine.evidence)
			json_object_set_new(o, "machine", json_fact(&a->machine));
		json_object_set_new(o, "os", os_json(&a->os));
		json_object_set_new(o, "go", go_json(&a->go));
		json_object_set_new(o, "isa", isa_json(&a->isa));
		if (a->nmembers) {
			json_t *m = json_array();
			for (size_t i = 0; i < a->nmembers; i++)
				json_array_append_new(m, report_json(a->members[i], ro));
			json_object_set_new(o, "members", m);
		}
	}
	if (a->kind == GOABI_KIND_ELF || a->kind == GOABI_KIND_AR || a->kind == GOABI_KIND_GOOBJ) {
		if (a->id.machine_name)
			json_object_set_new(o, "elf", id_json(&a->id));
		if (a->machine.value || a->machine.evidence)
			json_object_set_new(o, "machine", json_fact(&a->machine));
		json_object_set_new(o, "go", go_json(&a->go));
		if (a->kind == GOABI_KIND_ELF) {
			if (a->os.name.evidence) {
				json_t *os = json_object();
				json_object_set_new(os, "name", json_fact(&a->os.name));
				json_object_set_new(os, "floor", json_fact(&a->os.floor));
				json_object_set_new(os, "binary_min", json_fact(&a->os.binary_min));
				json_object_set_new(os, "toolchain_min", json_fact(&a->os.toolchain_min));
				json_object_set_new(o, "os", os);
			}
			json_object_set_new(o, "libc", libc_json(&a->libc));
			json_object_set_new(o, "nss", nss_json(&a->nss));
		}
		json_object_set_new(o, "isa", isa_json(&a->isa));
		json_t *ex = json_array();
		for (size_t i = 0; i < a->cabi.nexports; i++)
			json_array_append_new(ex, json_pack("{s:o, s:o, s:o}", "name", json_str(a->cabi.exports[i].name),
							    "prototype", json_str(a->cabi.exports[i].prototype),
							    "evidence", json_str(a->cabi.exports[i].evidence)));
		json_object_set_new(o, "exports", ex);
		json_object_set_new(o, "dwarf", json_boolean(a->cabi.dwarf));
	}
	if (a->kind == GOABI_KIND_AR) {
		json_object_set_new(o, "libc", libc_json(&a->libc));
		json_object_set_new(o, "thin", json_boolean(a->thin));
		json_object_set_new(o, "symbol_index", json_integer((json_int_t)a->nsymidx));
		json_t *m = json_array();
		for (size_t i = 0; i < a->nmembers; i++)
			json_array_append_new(m, report_json(a->members[i], ro));
		json_object_set_new(o, "members", m);
	}
	json_t *d = json_array();
	for (size_t i = 0; i < a->ndiags; i++)
		json_array_append_new(d, json_pack("{s:s, s:o}", "severity",
						   a->diags[i].severity == GOABI_DIAG_ERROR ? "error" : "warning",
						   "message", json_str(a->diags[i].message)));
	json_object_set_new(o, "diagnostics", d);
	return o;
}
