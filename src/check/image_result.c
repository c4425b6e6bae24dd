/* goabi_image_check (include/goabi/checks.h): read the image, run the check
 * (image.c) and describe it in the one result model (goabi/result.h):
 * every ELF file judged, every problem a finding with its rule id, the
 * image's facts in the summary. */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check/image_check_int.h"
#include "check/nss.h"
#include "goabi/checks.h"
#include "read/package.h"
#include "read/registry.h"

static enum goabi_verdict verdict_of(enum imgc_verdict v)
{
	switch (v) {
	case IMGC_WILL_NOT_START: return GOABI_VERDICT_FAIL;
	case IMGC_MAY_FAIL: return GOABI_VERDICT_WARN;
	default: return GOABI_VERDICT_PASS;
	}
}

/* strings joined with sep, NULL for an empty list */
static const char *join(struct goabi_result *r, const char *const *v, size_t n, const char *sep)
{
	if (!n)
		return NULL;
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + strlen(sep);
	char *s = malloc(len), *p = s;
	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? sep : "", v[i]);
	const char *out = goabi_result_str(r, s);
	free(s);
	return out;
}

static const char *fmt(struct goabi_result *r, const char *f, ...) __attribute__((format(printf, 2, 3)));
static const char *fmt(struct goabi_result *r, const char *f, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, f);
	vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	return goabi_result_str(r, buf);
}

#define SUM(k, v) goabi_props_add(r, &r->summary, (k), (v))

static void summary_image(struct goabi_result *r, const struct img_fs *fs, const char *read)
{
	SUM("image", fs->input);
	SUM("format", fs->format);
	SUM("platform", fs->os || fs->arch ? fmt(r, "%s/%s%s%s", fs->os ? fs->os : "?", fs->arch ? fs->arch : "?",
						 fs->variant ? "/" : "", fs->variant ? fs->variant : "")
					  : NULL);
	if (fs->ref)
		SUM("ref", fs->ref);
	if (fs->digest)
		SUM("digest", fs->digest);
	SUM("layers", fmt(r, "%u", fs->nlayers));
	SUM("cached_layers", fmt(r, "%u", fs->cached_layers));
	SUM("entries", fmt(r, "%llu", (unsigned long long)fs->nentries));
	SUM("bytes_read", fmt(r, "%llu", (unsigned long long)fs->bytes));
	SUM("read", read);
	/* --add packages: what each says of itself (as goabi audit's summary) */
	for (unsigned i = 0; i < fs->npkgs; i++) {
		char d[1600];
		if (!fs->pkgs[i].meta || !fs->pkgs[i].meta->read)
			continue;
		pkg_describe(fs->pkgs[i].meta, (enum pkg_kind)fs->pkgs[i].kind, d, sizeof(d));
		SUM(fmt(r, "package[%s]", fs->pkgs[i].host), d);
	}
}

static void summary_check(struct goabi_result *r, const struct imgchk *c)
{
	/* the C libraries, the first one being the image's */
	if (!c->nlibcs) {
		SUM("libc", "none");
	} else {
		char buf[2048];
		size_t used = 0;
		buf[0] = 0;
		for (size_t i = 0; i < c->nlibcs && used < sizeof(buf) - 300; i++)
			used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s %s (%s)", i ? ", " : "",
						 c->libcs[i].family, c->libcs[i].version ? c->libcs[i].version : "version unknown",
						 c->libcs[i].path);
		SUM("libc", buf);
	}
	for (size_t i = 0; i < c->nlibcs; i++) {
		SUM(fmt(r, "libc[%zu].family", i), c->libcs[i].family);
		SUM(fmt(r, "libc[%zu].version", i), c->libcs[i].version);
		SUM(fmt(r, "libc[%zu].path", i), c->libcs[i].path);
		SUM(fmt(r, "libc[%zu].evidence", i), c->libcs[i].evidence);
	}
	SUM("loaders", c->loaders.n ? join(r, c->loaders.v, c->loaders.n, ", ") : "none");
	SUM("search_path.glibc", join(r, c->glibc_dirs.v, c->glibc_dirs.n, ":"));
	SUM("search_path.musl", join(r, c->musl_dirs.v, c->musl_dirs.n, ":"));
	if (c->nss) {
		const struct nss_conf *nc = c->nss;
		SUM("nsswitch", nc->present ? "present" : "absent (glibc's defaults)");
		for (int d = 0; d < NSSDB_COUNT; d++) {
			const struct nss_line *l = &nc->db[d];
			/* "files extrausers (nsswitch.conf line 9; 2 asked for an unknown entry)" */
			SUM(fmt(r, "nsswitch[%s]", nss_db_name(d)),
			    fmt(r, "%s (%s; %zu asked for an unknown entry)", l->text ? l->text : "", l->how ? l->how : "?",
				l->nreach));
		}
		if (nc->error)
			SUM("nsswitch.error", fmt(r, "line %u is invalid for glibc: %s", nc->error_line, nc->error));
	}
	SUM("files", fmt(r, "%zu", c->nbins));
	SUM("will_start", fmt(r, "%zu", c->counts[IMGC_OK]));
	SUM("may_fail", fmt(r, "%zu", c->counts[IMGC_MAY_FAIL]));
	SUM("will_not_start", fmt(r, "%zu", c->counts[IMGC_WILL_NOT_START]));
	SUM("not_checked", fmt(r, "%zu", c->counts[IMGC_SKIPPED]));
	struct imgc_famcount fc[32];
	size_t nf = imgc_family_counts(c, fc, 32);
	for (size_t i = 0; i < nf; i++)
		SUM(fmt(r, "by_libc[%s]", fc[i].family), fmt(r, "%zu", fc[i].n));
	struct imgc_goinv g[256];
	size_t ng = imgc_go_inventory(c, g, 256);
	for (size_t i = 0; i < ng; i++) {
		SUM(fmt(r, "go[%s].binaries", g[i].version), fmt(r, "%zu", g[i].n));
		SUM(fmt(r, "go[%s].cgo", g[i].version), fmt(r, "%zu", g[i].cgo));
		SUM(fmt(r, "go[%s].static", g[i].version), fmt(r, "%zu", g[i].stat));
	}
}

/* absent values are left out (JSON: no key; schema 1 had null) */
#define PROP(k, v)                                                       \
	do {                                                             \
		const char *v_ = (v);                                    \
		if (v_)                                                  \
			goabi_props_add(r, &j->props, (k), v_);          \
	} while (0)

/* where a package keeps its declarations: .deb control, .rpm header, .apk .PKGINFO */
static const char *pkg_where(enum pkg_kind k, bool undeclared)
{
	switch (k) {
	case PKG_DEB: return undeclared ? "control Depends, Pre-Depends" : "control";
	case PKG_RPM: return undeclared ? "header Requires" : "header";
	case PKG_APK: return undeclared ? ".PKGINFO depend" : ".PKGINFO";
	default: return "metadata";
	}
}

/* --add PKG: the package's declared libc and architecture against one of
 * its files' needs, by the comparison goabi audit makes (pkg_compare) and
 * with audit's severities: image/package-libc and image/package-arch
 * errors, image/package-libc-undeclared a warning (cannot tell). The
 * binary's verdict is not changed: in this image its loader decides; the
 * finding says where else the package installs and the binary cannot
 * start (docs/image.md). */
static void package_finding(struct goabi_result *r, const struct goabi_judged *j, const struct imgchk_bin *b,
			    const struct img_pkg *pk)
{
	const struct pkg_meta *m = pk->meta;
	if (!b->ok || !m)
		return;
	char msg[1024] = "";
	const char *rule = pkg_compare(m, b->family, b->glibc_floor, b->machine_name,
				       b->linkage && strcmp(b->linkage, "dynamic") == 0, msg, sizeof(msg));
	if (!rule)
		return;
	bool unv = pkg_rule_unverified(rule), arch = strcmp(rule, "package-arch") == 0;
	struct goabi_finding *f = goabi_result_add_finding(r, fmt(r, "image/%s", rule),
							   unv ? GOABI_SEV_WARNING : GOABI_SEV_ERROR, "%s", msg);
	if (!f)
		return;
	f->conf = GOABI_KNOWN;
	f->subject.path = j->subject.path;
	f->subject.member = j->subject.member;
	f->key = goabi_result_str(r, rule);
	/* absent values left out, as the judged items' */
	const char *pv[][2] = {
		{ "binary_verdict", imgc_verdict_name(b->verdict) },
		{ "package", pk->host },
		{ "declared", m->libc_decl[0] ? m->libc_decl : NULL },
		{ "declared.field", m->libc_field[0] ? m->libc_field : NULL },
		{ "architecture", m->arch[0] ? m->arch : NULL },
		{ "glibc_floor", b->glibc_floor },
		{ "glibc_floor.evidence", b->glibc_floor_ev },
	};
	for (size_t i = 0; i < sizeof(pv) / sizeof(pv[0]); i++)
		if (pv[i][1])
			goabi_props_add(r, &f->props, pv[i][0], pv[i][1]);
	/* the declaration as the package writes it, then what the binary needs */
	enum pkg_kind k = (enum pkg_kind)pk->kind;
	const char *ev;
	if (arch)
		ev = fmt(r, "%s: %s %s: %s", pk->host, pkg_where(k, false), k == PKG_DEB ? "Architecture" : "arch", m->arch);
	else if (unv)
		ev = fmt(r, "%s: %s: no C library", pk->host, pkg_where(k, true));
	else
		ev = fmt(r, "%s: %s %s: %s", pk->host, pkg_where(k, false), m->libc_field, m->libc_decl);
	strv_push(r->arena, &f->evidence, ev);
	if (arch)
		strv_push(r->arena, &f->evidence, fmt(r, "e_machine %s", b->machine_name ? b->machine_name : "?"));
	else if (b->glibc_floor)
		strv_push(r->arena, &f->evidence, fmt(r, "glibc floor %s: %s", b->glibc_floor,
						     b->glibc_floor_ev ? b->glibc_floor_ev : ""));
	else
		strv_push(r->arena, &f->evidence, fmt(r, "libc %s: %s", b->family ? b->family : "?",
						     b->family_evidence ? b->family_evidence : ""));
}

static void judged_one(struct goabi_result *r, const struct imgchk *c, const struct img_fs *fs, const struct imgchk_bin *b)
{
	struct goabi_judged *j = goabi_result_add_judged(r, fs->input, b->path, verdict_of(b->verdict),
							 imgc_verdict_name(b->verdict));
	if (!j)
		return;
	PROP("reason", b->reason);
	PROP("type", b->type_name);
	PROP("machine", b->machine_name);
	PROP("class", b->elfclass ? fmt(r, "%d", b->elfclass) : NULL);
	PROP("executable", b->executable ? "true" : "false");
	PROP("interp", b->interp);
	PROP("needed", join(r, b->needed, b->nneeded, ", "));
	PROP("resolved", join(r, b->deps.v, b->deps.n, "; "));
	PROP("rpath", b->rpath);
	PROP("runpath", b->runpath);
	PROP("libc", b->family);
	PROP("libc.evidence", b->family_evidence);
	PROP("linkage", b->linkage);
	PROP("glibc_floor", b->glibc_floor);
	if (b->nverdef)
		PROP("version_definitions", join(r, b->verdef, b->nverdef, ", "));
	if (b->go_version) {
		PROP("go.version", b->go_version);
		PROP("go.cgo", b->go_cgo);
		PROP("go.static", !b->interp && !b->nneeded ? "true" : "false");
		PROP("go.modules", b->go_modules);
	}
	if (b->nss_go_dbs || b->nss_c_dbs) {
		const char *gd[NSSDB_COUNT], *cd[NSSDB_COUNT];
		size_t ngd = 0, ncd = 0;
		for (int d = 0; d < NSSDB_COUNT; d++) {
			if (b->nss_go_dbs & (1u << d))
				gd[ngd++] = nss_db_name(d);
			if (b->nss_c_dbs & (1u << d))
				cd[ncd++] = nss_db_name(d);
		}
		PROP("nss.go_user", b->nss_go_user);
		PROP("nss.go_resolver", b->nss_go_res);
		PROP("nss.go_databases", join(r, gd, ngd, ", "));
		PROP("nss.databases", join(r, cd, ncd, ", "));
		PROP("nss.static_glibc", b->nss_static ? "true" : "false");
	}
	PROP("isa_declared", b->isa_declared);
	PROP("isa_required", b->isa_required);
	if (fs->nlayers && b->node->layer >= 1 && b->node->layer <= fs->nlayers)
		PROP("layer", fmt(r, "%u", b->node->layer));
	else if (fs->nlayers && b->node->layer == fs->nlayers + 1)
		PROP("layer", "added"); /* --add */
	const struct img_pkg *pk = b->node->pkg && b->node->pkg <= fs->npkgs ? &fs->pkgs[b->node->pkg - 1] : NULL;
	if (pk)
		PROP("package", pk->host);
	(void)c;
	/* its problems, in the order found */
	for (size_t k = 0; k < b->nfinds; k++) {
		const struct imgchk_find *p = &b->finds[k];
		enum goabi_finding_sev sev = p->fatal && b->executable ? GOABI_SEV_ERROR : GOABI_SEV_WARNING;
		struct goabi_finding *f = goabi_result_add_finding(r, p->rule, sev, "%s", p->msg);
		if (!f)
			continue;
		f->conf = GOABI_KNOWN;
		f->subject.path = j->subject.path;
		f->subject.member = j->subject.member;
		f->tool_says = goabi_result_str(r, p->tool_says);
		f->key = goabi_result_str(r, p->msg);
		goabi_props_add(r, &f->props, "binary_verdict", imgc_verdict_name(b->verdict));
		/* fatal: stops the binary (a library: stops its users) */
		goabi_props_add(r, &f->props, "fatal", p->fatal ? "true" : "false");
		if (strcmp(p->rule, "image/glibc-too-old") == 0 && b->glibc_floor) {
			goabi_props_add(r, &f->props, "glibc_floor", b->glibc_floor);
			strv_push(r->arena, &f->evidence, goabi_result_str(r, fmt(r, "glibc floor %s: %s", b->glibc_floor,
									       b->glibc_floor_ev ? b->glibc_floor_ev : "")));
		}
		if (b->deps.n)
			strv_push(r->arena, &f->evidence, join(r, b->deps.v, b->deps.n, "; "));
	}
	if (pk)
		package_finding(r, j, b, pk);
}

static bool add_spec(struct img_fs *fs, const char *addspec)
{
	char *spec = strdup(addspec);
	if (!spec)
		return false;
	char *colon = strchr(spec, ':');
	if (colon)
		*colon = 0;
	const char *base = strrchr(spec, '/') ? strrchr(spec, '/') + 1 : spec;
	char dest[8192];
	if (!colon)
		snprintf(dest, sizeof(dest), "/%s", base);
	else if (colon[1] && colon[strlen(colon + 1)] == '/')
		snprintf(dest, sizeof(dest), "%s%s", colon + 1, base);
	else
		snprintf(dest, sizeof(dest), "%s", colon + 1);
	img_add_host(fs, spec, dest);
	free(spec);
	return true;
}

int goabi_image_check(const char *input, const struct goabi_image_opts *o, struct goabi_result **out)
{
	static const struct goabi_image_opts defaults = { .tls_verify = -1 };
	*out = NULL;
	if (!o)
		o = &defaults;
	if (!input)
		return GOABI_EIO;
	struct goabi_result *r = goabi_result_new("image");
	if (!r)
		return GOABI_ENOMEM;
	struct img_limits lim = { 0 };
	lim.max_bytes = o->max_bytes;
	lim.max_entries = o->max_entries;
	lim.max_file = o->max_file;
	lim.max_path = o->max_path;
	lim.max_symlinks = o->max_symlinks;
	lim.progress = o->read_progress;
	lim.progress_ctx = o->progress_ctx;
	struct img_remote rm = { .tls_verify = o->tls_verify, .timeout = o->timeout ? o->timeout : IMG_DEF_TIMEOUT,
				 .retries = IMG_DEF_RETRIES, .creds = o->creds, .cache_dir = o->cache_dir,
				 .cache_max = o->cache_max,
				 .layer_progress = o->layer_progress, .progress_ctx = o->progress_ctx };
	lim.remote = &rm;
	struct img_fs fs;
	int rc = img_open(&fs, input, o->platform, o->ref, &lim);
	for (size_t i = 0; i < o->nadds && rc != GOABI_ENOMEM; i++)
		if (!add_spec(&fs, o->adds[i]))
			rc = GOABI_ENOMEM;
	if (rc == 0 || fs.nentries || o->nadds)
		img_finish(&fs);
	bool failed = rc == GOABI_ENOMEM || fs.fatal || (rc != 0 && !fs.nentries && !o->nadds);
	if (failed) {
		/* nothing usable was read: no image facts, only what went wrong */
		if (rc == GOABI_ENOMEM && !fs.diags.n) {
			img_close(&fs);
			goabi_result_free(r);
			return GOABI_ENOMEM;
		}
		SUM("image", input);
		SUM("read", "failed");
		for (size_t i = 0; i < fs.diags.n; i++)
			goabi_result_add_error(r, input, NULL, fs.diags.v[i]);
		if (!fs.diags.n)
			goabi_result_add_error(r, input, NULL, goabi_strerror(rc));
		r->verdict_word = "image not read";
		goabi_result_raise(r, GOABI_VERDICT_ERROR);
		img_close(&fs);
		*out = r;
		return 0;
	}
	struct imgchk *c = calloc(1, sizeof(*c));
	struct imgc_opts co = { .cpu_level = o->cpu_level, .jobs = o->jobs, .isa_scan = o->isa_scan,
				.go_modules = o->go_modules, .share_facts = o->share_facts,
				.progress = o->check_progress, .progress_ctx = o->progress_ctx };
	if (!c || imgchk_run(c, &fs, &co) != 0) {
		if (c)
			imgchk_free(c);
		free(c);
		img_close(&fs);
		goabi_result_free(r);
		return GOABI_ENOMEM;
	}
	summary_image(r, &fs, fs.nerrors ? "incomplete" : "complete");
	summary_check(r, c);
	if (fs.nerrors) {
		for (size_t i = 0; i < fs.diags.n; i++)
			goabi_result_add_error(r, input, NULL, fs.diags.v[i]);
	} else {
		for (size_t i = 0; i < fs.diags.n; i++)
			SUM(fmt(r, "warning[%zu]", i), fs.diags.v[i]);
	}
	for (size_t i = 0; i < c->nbins; i++)
		judged_one(r, c, &fs, &c->bins[i]);
	/* Mach-O / PE files: not checked, a note each (issue 23) */
	if (c->foreign.n)
		SUM("foreign_files", fmt(r, "%zu", c->foreign.n));
	for (size_t i = 0; i < c->foreign.n && i < c->foreign_kind.n; i++) {
		struct goabi_finding *f = goabi_result_add_finding(r, "image/foreign-format", GOABI_SEV_NOTE,
			"%s: not checked (a container image runs Linux ELF programs; goabi inspect reports its own facts and OS floor)",
			c->foreign_kind.v[i]);
		if (!f)
			continue;
		f->conf = GOABI_KNOWN;
		f->subject.path = goabi_result_str(r, input);
		f->subject.member = goabi_result_str(r, c->foreign.v[i]);
		f->key = f->subject.member;
	}
	enum goabi_verdict v = c->counts[IMGC_WILL_NOT_START] ? GOABI_VERDICT_FAIL
			       : c->counts[IMGC_MAY_FAIL]     ? GOABI_VERDICT_WARN
							      : GOABI_VERDICT_PASS;
	r->verdict_word = v == GOABI_VERDICT_FAIL ? "some binaries will not start"
			  : v == GOABI_VERDICT_WARN ? "every binary starts, some may fail"
						    : "every binary will start";
	goabi_result_raise(r, v);
	if (fs.nerrors) {
		r->verdict_word = c->counts[IMGC_WILL_NOT_START] ? "image read incompletely; some binaries will not start"
								 : "image read incompletely";
		goabi_result_raise(r, GOABI_VERDICT_ERROR);
	}
	imgchk_free(c);
	free(c);
	img_close(&fs);
	*out = r;
	return 0;
}
