/* Text and JSON output of goabi image (docs/image.md): read only the
 * check's result (check/image_int.h) and the image's description. */
#include <string.h>
#include "check/nss.h"
#include "report/image_report.h"
#include "report/report.h"

/* the image's nsswitch.conf as glibc reads it, for the databases followed */
static json_t *nss_json(const struct nss_conf *nc)
{
	json_t *o = json_object();
	json_object_set_new(o, "present", json_boolean(nc->present));
	json_object_set_new(o, "error", json_str(nc->error));
	json_t *dbs = json_object();
	for (int d = 0; d < NSSDB_COUNT; d++) {
		const struct nss_line *l = &nc->db[d];
		json_t *srcs = json_array();
		for (size_t i = 0; i < l->nsources; i++)
			json_array_append_new(srcs, json_str(l->sources[i]));
		json_t *e = json_object();
		json_object_set_new(e, "sources", srcs);
		json_object_set_new(e, "consulted_on_notfound", json_integer((json_int_t)l->nreach));
		json_object_set_new(e, "line", json_integer(l->line));
		json_object_set_new(e, "from", json_str(l->how));
		json_object_set_new(dbs, nss_db_name(d), e);
	}
	json_object_set_new(o, "databases", dbs);
	return o;
}

json_t *image_report_json(const struct imgc *c, const struct img_fs *fs, bool verbose)
{
	json_t *r = json_object();
	json_object_set_new(r, "schema", json_integer(GOABI_JSON_SCHEMA));
	json_t *im = json_object();
	json_object_set_new(im, "input", json_str(fs->input));
	json_object_set_new(im, "format", json_str(fs->format));
	json_object_set_new(im, "os", json_str(fs->os));
	json_object_set_new(im, "architecture", json_str(fs->arch));
	json_object_set_new(im, "variant", json_str(fs->variant));
	json_object_set_new(im, "ref", json_str(fs->ref));
	json_object_set_new(im, "layers", json_integer(fs->nlayers));
	json_object_set_new(im, "entries", json_integer((json_int_t)fs->nentries));
	json_object_set_new(im, "bytes_read", json_integer((json_int_t)fs->bytes));
	json_object_set_new(im, "complete", json_boolean(!fs->nerrors));
	json_object_set_new(im, "digest", json_str(fs->digest));
	json_object_set_new(im, "cached_layers", json_integer(fs->cached_layers));
	json_object_set_new(r, "image", im);
	json_t *lcs = json_array();
	for (size_t i = 0; i < c->nlibcs; i++) {
		json_t *l = json_object();
		json_object_set_new(l, "family", json_str(c->libcs[i].family));
		json_object_set_new(l, "version", json_str(c->libcs[i].version));
		json_object_set_new(l, "path", json_str(c->libcs[i].path));
		json_object_set_new(l, "evidence", json_str(c->libcs[i].evidence));
		json_array_append_new(lcs, l);
	}
	json_object_set_new(r, "libc", lcs);
	json_object_set_new(r, "loaders", json_strv(&c->loaders));
	json_t *sp = json_object();
	json_object_set_new(sp, "glibc", json_strv(&c->glibc_dirs));
	json_object_set_new(sp, "musl", json_strv(&c->musl_dirs));
	json_object_set_new(r, "search_path", sp);
	if (c->nss)
		json_object_set_new(r, "nsswitch", nss_json(c->nss));
	json_t *sum = json_object();
	json_object_set_new(sum, "files", json_integer((json_int_t)c->nbins));
	json_object_set_new(sum, "ok", json_integer((json_int_t)c->counts[IMGC_OK]));
	json_object_set_new(sum, "may_fail", json_integer((json_int_t)c->counts[IMGC_MAY_FAIL]));
	json_object_set_new(sum, "will_not_start", json_integer((json_int_t)c->counts[IMGC_WILL_NOT_START]));
	json_object_set_new(sum, "not_checked", json_integer((json_int_t)c->counts[IMGC_SKIPPED]));
	struct imgc_famcount fc[32];
	size_t nf = imgc_family_counts(c, fc, 32);
	json_t *bl = json_object();
	for (size_t i = 0; i < nf; i++)
		json_object_set_new(bl, fc[i].family, json_integer((json_int_t)fc[i].n));
	json_object_set_new(sum, "by_libc", bl);
	struct imgc_goinv g[256];
	size_t ng = imgc_go_inventory(c, g, 256);
	json_t *gj = json_object();
	for (size_t i = 0; i < ng; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "binaries", json_integer((json_int_t)g[i].n));
		json_object_set_new(o, "cgo", json_integer((json_int_t)g[i].cgo));
		json_object_set_new(o, "static", json_integer((json_int_t)g[i].stat));
		json_object_set_new(gj, g[i].version, o);
	}
	json_object_set_new(sum, "go", gj);
	json_object_set_new(r, "summary", sum);
	json_t *bins = json_array();
	for (size_t i = 0; i < c->nbins; i++) {
		const struct imgc_bin *b = &c->bins[i];
		if (!verbose && b->verdict == IMGC_SKIPPED)
			continue;
		json_t *o = json_object();
		json_object_set_new(o, "path", json_str(b->path));
		json_object_set_new(o, "verdict", json_str(imgc_verdict_name(b->verdict)));
		json_object_set_new(o, "reason", json_str(b->reason));
		json_object_set_new(o, "problems", json_strv(&b->problems));
		json_object_set_new(o, "notes", json_strv(&b->notes));
		json_object_set_new(o, "type", json_str(b->type_name));
		json_object_set_new(o, "machine", json_str(b->machine_name));
		json_object_set_new(o, "class", json_integer(b->elfclass));
		json_object_set_new(o, "executable", json_boolean(b->executable));
		json_object_set_new(o, "interp", json_str(b->interp));
		json_t *nd = json_array();
		for (size_t k = 0; k < b->nneeded; k++)
			json_array_append_new(nd, json_str(b->needed[k]));
		json_object_set_new(o, "needed", nd);
		json_object_set_new(o, "resolved", json_strv(&b->deps));
		json_object_set_new(o, "rpath", json_str(b->rpath));
		json_object_set_new(o, "runpath", json_str(b->runpath));
		json_object_set_new(o, "libc", json_str(b->family));
		json_object_set_new(o, "linkage", json_str(b->linkage));
		if (b->nverdef) {
			json_t *vd = json_array();
			for (size_t k = 0; k < b->nverdef; k++)
				json_array_append_new(vd, json_str(b->verdef[k]));
			json_object_set_new(o, "version_definitions", vd);
		}
		if (b->go_version) {
			json_t *go = json_object();
			json_object_set_new(go, "version", json_str(b->go_version));
			json_object_set_new(go, "cgo", json_str(b->go_cgo));
			json_object_set_new(go, "static", json_boolean(!b->interp && !b->nneeded));
			json_object_set_new(o, "go", go);
		}
		if (b->nss_go_dbs || b->nss_c_dbs) {
			json_t *n = json_object();
			json_object_set_new(n, "go_user", json_str(b->nss_go_user));
			json_object_set_new(n, "go_resolver", json_str(b->nss_go_res));
			json_t *gd = json_array(), *cd = json_array();
			for (int d = 0; d < NSSDB_COUNT; d++) {
				if (b->nss_go_dbs & (1u << d))
					json_array_append_new(gd, json_string(nss_db_name(d)));
				if (b->nss_c_dbs & (1u << d))
					json_array_append_new(cd, json_string(nss_db_name(d)));
			}
			json_object_set_new(n, "go_databases", gd);
			json_object_set_new(n, "databases", cd);
			json_object_set_new(n, "static_glibc", json_boolean(b->nss_static));
			json_object_set_new(o, "nss", n);
		}
		json_object_set_new(o, "isa_declared", json_str(b->isa_declared));
		json_object_set_new(o, "isa_required", json_str(b->isa_required));
		json_array_append_new(bins, o);
	}
	json_object_set_new(r, "binaries", bins);
	json_object_set_new(r, "diagnostics", json_strv(&fs->diags));
	return r;
}

static void print_dirs(FILE *out, const char *label, const struct goabi_strv *sv)
{
	fprintf(out, "  %-6s", label);
	for (size_t i = 0; i < sv->n; i++)
		fprintf(out, " %s", sv->v[i]);
	fprintf(out, "\n");
}

void image_report_text(FILE *out, const struct imgc *c, const struct img_fs *fs, bool verbose)
{
	fprintf(out, "image    %s (%s%s%s%s%s", fs->input, fs->format ? fs->format : "?", fs->arch ? ", " : "",
	       fs->os ? fs->os : "", fs->arch ? "/" : "", fs->arch ? fs->arch : "");
	if (fs->ref)
		fprintf(out, ", %s", fs->ref);
	if (fs->nlayers)
		fprintf(out, ", %u layer%s", fs->nlayers, fs->nlayers == 1 ? "" : "s");
	if (fs->cached_layers)
		fprintf(out, " (%u from the cache)", fs->cached_layers);
	fprintf(out, ", %llu entries)\n", (unsigned long long)fs->nentries);
	fprintf(out, "libc    ");
	if (!c->nlibcs)
		fprintf(out, " none found (scratch or static-only image)");
	for (size_t i = 0; i < c->nlibcs; i++)
		fprintf(out, "%s %s %s (%s)", i ? "," : "", c->libcs[i].family,
		       c->libcs[i].version ? c->libcs[i].version : "version unknown", c->libcs[i].path);
	fprintf(out, "\nloaders ");
	for (size_t i = 0; i < c->loaders.n; i++)
		fprintf(out, " %s", c->loaders.v[i]);
	fprintf(out, "%s\nsearch path\n", c->loaders.n ? "" : " none");
	print_dirs(out, "glibc", &c->glibc_dirs);
	print_dirs(out, "musl", &c->musl_dirs);
	if (c->nss) {
		fprintf(out, "nsswitch%s", c->nss->present ? "" : " (none: glibc's defaults)");
		for (int d = 0; d < NSSDB_COUNT; d++)
			fprintf(out, "%s %s: %s", d ? ";" : "", nss_db_name(d), c->nss->db[d].text ? c->nss->db[d].text : "");
		fprintf(out, "\n");
		if (c->nss->error)
			fprintf(out, "nsswitch line %u is invalid for glibc: %s\n", c->nss->error_line, c->nss->error);
	}
	fprintf(out, "\n%-24s %8s\n", "verdict", "files");
	static const enum imgc_verdict order[] = { IMGC_OK, IMGC_MAY_FAIL, IMGC_WILL_NOT_START, IMGC_SKIPPED };
	for (size_t i = 0; i < 4; i++)
		fprintf(out, "%-24s %8zu\n", imgc_verdict_name(order[i]), c->counts[order[i]]);
	struct imgc_famcount fc[32];
	size_t nf = imgc_family_counts(c, fc, 32);
	fprintf(out, "\n%-24s %8s\n", "libc of binaries", "files");
	for (size_t i = 0; i < nf; i++)
		fprintf(out, "%-24s %8zu\n", fc[i].family, fc[i].n);
	struct imgc_goinv g[256];
	size_t ng = imgc_go_inventory(c, g, 256);
	if (ng) {
		fprintf(out, "\n%-24s %8s %6s %6s\n", "Go toolchain", "binaries", "cgo", "static");
		for (size_t i = 0; i < ng; i++)
			fprintf(out, "%-24s %8zu %6zu %6zu\n", g[i].version, g[i].n, g[i].cgo, g[i].stat);
	}
	bool header = false;
	for (size_t i = 0; i < c->nbins; i++) {
		const struct imgc_bin *b = &c->bins[i];
		if (!verbose && (b->verdict == IMGC_OK || b->verdict == IMGC_SKIPPED))
			continue;
		if (!header) {
			fprintf(out, "\n");
			header = true;
		}
		fprintf(out, "%-20s %s", imgc_verdict_name(b->verdict), b->path);
		if (b->reason)
			fprintf(out, ": %s", b->reason);
		size_t extra = b->problems.n + b->notes.n;
		if (extra > 1)
			fprintf(out, " (+%zu more)", extra - 1);
		fprintf(out, "\n");
		if (verbose) {
			for (size_t k = 1; k < b->problems.n; k++)
				fprintf(out, "%20s   %s\n", "", b->problems.v[k]);
			for (size_t k = b->problems.n ? 0 : 1; k < b->notes.n; k++)
				fprintf(out, "%20s   %s\n", "", b->notes.v[k]);
		}
	}
}
