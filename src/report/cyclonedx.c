/* CycloneDX 1.6 SBOM (JSON) from the artifacts' JSON objects (report_json).
 *
 * One component per artifact (archive members nested under their archive),
 * its Go modules as nested library components with the purls syft writes
 * (pkg:golang/PATH@VERSION, the replacement when there is one; the
 * toolchain as pkg:golang/stdlib@X.Y.Z), so the two SBOMs merge; goabi's
 * facts as properties named goabi:FACT, with goabi:FACT:evidence and
 * goabi:FACT:confidence beside each one that has them (docs/sbom.md).
 * Built from the JSON tree rather than the model, so a fact added to the
 * JSON reporter reaches the SBOM through the table below. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include "report/cyclonedx.h"
#include "goabi/result.h"
#include "util/util.h"

/* purl: percent-encode every byte outside the unreserved set, keeping '/'
 * between a golang purl's namespace segments when keep_slash */
static void purl_put(char *out, size_t cap, size_t *n, const char *s, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			     *p == '.' || *p == '-' || *p == '_' || *p == '~' || (keep_slash && *p == '/');
		if (*n + 4 >= cap)
			return;
		if (plain) {
			out[(*n)++] = (char)*p;
		} else {
			out[(*n)++] = '%';
			out[(*n)++] = hex[*p >> 4];
			out[(*n)++] = hex[*p & 15];
		}
	}
	out[*n] = 0;
}

static json_t *golang_purl(const char *path, const char *version)
{
	char buf[2048];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "pkg:golang/");
	purl_put(buf, sizeof(buf), &n, path, true);
	if (version && *version) {
		if (n + 2 < sizeof(buf))
			buf[n++] = '@';
		buf[n] = 0;
		purl_put(buf, sizeof(buf), &n, version, false);
	}
	return json_string(buf);
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* go.sum's "h1:BASE64" is the SHA-256 of the module's file list: syft writes it as a SHA-256 hash */
static json_t *h1_hash(const char *sum)
{
	if (!sum || strncmp(sum, "h1:", 3) != 0)
		return NULL;
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char raw[48];
	size_t nraw = 0;
	unsigned acc = 0;
	int bits = 0;
	for (const char *p = sum + 3; *p && *p != '='; p++) {
		const char *q = strchr(b64, *p);
		if (!q || nraw >= sizeof(raw))
			return NULL;
		acc = (acc << 6) | (unsigned)(q - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			raw[nraw++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (nraw != 32)
		return NULL;
	char hex[65];
	for (size_t i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	return json_pack("[{s:s, s:s}]", "alg", "SHA-256", "content", hex);
}

static void prop(json_t *props, const char *name, const char *value)
{
	if (value && *value)
		json_array_append_new(props, json_pack("{s:s, s:o}", "name", name, "value", json_str(value)));
}

/* a fact object {value, confidence, evidence} or a plain value, under goabi:NAME */
static void fact_props(json_t *props, const char *name, json_t *v)
{
	char key[256];
	if (json_is_string(v)) {
		prop(props, name, json_string_value(v));
	} else if (json_is_integer(v) || json_is_boolean(v)) {
		char *s = json_dumps(v, JSON_ENCODE_ANY);
		prop(props, name, s);
		free(s);
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			if (json_is_string(x))
				prop(props, name, json_string_value(x));
		}
	} else if (json_is_object(v) && json_object_get(v, "value")) {
		json_t *val = json_object_get(v, "value");
		if (json_is_null(val))
			return;
		fact_props(props, name, val);
		snprintf(key, sizeof(key), "%s:confidence", name);
		prop(props, key, jstr(v, "confidence"));
		snprintf(key, sizeof(key), "%s:evidence", name);
		prop(props, key, jstr(v, "evidence"));
	} else if (json_is_object(v)) { /* a group of facts (e.g. cgo's setting and linked) */
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x) {
			snprintf(key, sizeof(key), "%s.%s", name, k);
			fact_props(props, key, x);
		}
	}
}

/* the facts an SBOM carries: what decides where a binary runs and what it links */
static const char *const sbom_facts[][2] = {
	{ "elf", "machine_name" }, { "elf", "class" }, { "elf", "type" }, { "elf", "build_id" },
	{ "go", "toolchain" },     { "go", "version" }, { "go", "scheme" }, { "go", "typehash" },
	{ "go", "cgo" },           { "go", "buildmode" }, { "go", "conflicts" },
	{ "libc", "linkage" },     { "libc", "family" }, { "libc", "interp" }, { "libc", "needed" },
	{ "libc", "soname" },      { "libc", "glibc_floor" }, { "libc", "glibcxx_floor" },
	{ "libc", "cxxabi_floor" }, { "isa", "declared" }, { "isa", "required" }, { "isa", "used" },
};

static json_t *component(json_t *art, const char *ref, int *seq);

/* a module version that names a release or a pseudo-version: not "(devel)",
 * what the go command writes for a module built from a directory */
static const char *real_version(const char *v)
{
	return v && *v && strcmp(v, "(devel)") != 0 ? v : NULL;
}

/* a replacement by a directory ("=> ../lib", "=> /src/lib"): no module
 * version, the source is whatever the directory held */
static bool dir_replacement(const char *path)
{
	return path && (path[0] == '.' || path[0] == '/');
}

static void add_modules(json_t *comps, json_t *go, const char *ref, int *seq)
{
	char r[4096];
	json_t *deps = json_object_get(go, "deps");
	size_t i;
	json_t *d;
	json_array_foreach(deps, i, d) {
		json_t *rp = json_object_get(d, "replace");
		if (!json_is_object(rp))
			rp = NULL;
		const char *path = jstr(d, "path"), *ver = real_version(jstr(d, "version")), *sum = jstr(d, "sum");
		if (!path)
			continue;
		/* the module actually built in: a module replacement's path and
		 * version; a directory replacement keeps the module's path, with no
		 * version (as syft writes both) */
		bool dirrep = rp && dir_replacement(jstr(rp, "path"));
		if (rp && !dirrep && jstr(rp, "path")) {
			path = jstr(rp, "path");
			ver = real_version(jstr(rp, "version"));
			sum = jstr(rp, "sum");
		} else if (dirrep) {
			ver = NULL;
			sum = NULL;
		}
		snprintf(r, sizeof(r), "%s#%d:%s@%s", ref, ++*seq, path, ver ? ver : "");
		json_t *c = json_pack("{s:s, s:s, s:s}", "type", "library", "bom-ref", r, "name", path);
		if (!c)
			continue;
		if (ver)
			json_object_set_new(c, "version", json_string(ver));
		json_object_set_new(c, "purl", golang_purl(path, ver));
		json_t *h = h1_hash(sum);
		if (h)
			json_object_set_new(c, "hashes", h);
		if (rp) {
			json_t *props = json_array();
			char buf[2048];
			if (dirrep) {
				prop(props, "goabi:go.module.replaced_by", jstr(rp, "path"));
				prop(props, "goabi:go.module.required_version", jstr(d, "version"));
			} else {
				snprintf(buf, sizeof(buf), "%s@%s", jstr(d, "path"), jstr(d, "version") ? jstr(d, "version") : "");
				prop(props, "goabi:go.module.replaces", buf);
			}
			json_object_set_new(c, "properties", props);
		}
		json_array_append_new(comps, c);
	}
	/* the standard library, as syft names it: pkg:golang/stdlib@1.X.Y */
	json_t *ver = json_object_get(json_object_get(go, "version"), "value");
	const char *v = json_is_string(ver) ? json_string_value(ver) : NULL;
	if (v && strncmp(v, "go1.", 4) == 0) {
		char sv[64];
		size_t k = 0;
		for (const char *p = v + 2; *p && *p != ' ' && k + 1 < sizeof(sv); p++)
			sv[k++] = *p;
		sv[k] = 0;
		snprintf(r, sizeof(r), "%s#%d:stdlib@%s", ref, ++*seq, sv);
		json_t *c = json_pack("{s:s, s:s, s:s, s:s, s:o}", "type", "library", "bom-ref", r, "name", "stdlib",
				      "version", v, "purl", golang_purl("stdlib", sv));
		if (c)
			json_array_append_new(comps, c);
	}
}

/* The program's own module on its component, as syft names it: the main
 * module ("mod"), or the package path when the build recorded none (GOPATH
 * builds, "command-line-arguments"); version and purl version only when the
 * build recorded a real one, else a purl without version (unknown: syft may
 * infer one from -ldflags -X or the VCS stamp; goabi does not). Returns the
 * module path used. */
static const char *main_purl(json_t *c, json_t *go)
{
	json_t *mainm = json_object_get(go, "main");
	const char *mpath = json_is_object(mainm) ? jstr(mainm, "path") : NULL;
	const char *mver = json_is_object(mainm) ? real_version(jstr(mainm, "version")) : NULL;
	if (!mpath || !*mpath || strcmp(mpath, "command-line-arguments") == 0) {
		mpath = jstr(go, "path");
		mver = NULL;
	}
	if (!mpath || !*mpath)
		return NULL;
	if (mver)
		json_object_set_new(c, "version", json_string(mver));
	json_object_set_new(c, "purl", golang_purl(mpath, mver));
	return mpath;
}

static json_t *component(json_t *art, const char *ref, int *seq)
{
	const char *path = jstr(art, "path"), *member = jstr(art, "member");
	const char *name = member ? member : path ? path : "?";
	const char *slash = strrchr(name, '/');
	if (slash && slash[1])
		name = slash + 1;
	json_t *elf = json_object_get(art, "elf"), *go = json_object_get(art, "go");
	const char *kind = jstr(art, "kind"), *type = elf ? jstr(elf, "type") : NULL;
	json_t *interp = json_object_get(json_object_get(art, "libc"), "interp");
	bool app = type && (strcmp(type, "EXEC") == 0 || (strcmp(type, "DYN") == 0 && json_is_string(interp)));
	json_t *c = json_pack("{s:s, s:s, s:s}", "type", app ? "application" : "library", "bom-ref", ref, "name", name);
	if (!c)
		return NULL;
	/* the main module: its purl, its version when the build recorded one */
	json_t *mainm = go ? json_object_get(go, "main") : NULL;
	const char *mpath = json_is_object(mainm) ? jstr(mainm, "path") : NULL;
	if (go)
		main_purl(c, go);
	json_t *props = json_array();
	prop(props, "goabi:path", path);
	if (member)
		prop(props, "goabi:member", member);
	prop(props, "goabi:kind", kind);
	if (go)
		prop(props, "goabi:go.path", jstr(go, "path"));
	if (mpath)
		prop(props, "goabi:go.main", mpath);
	char key[128];
	for (size_t i = 0; i < sizeof(sbom_facts) / sizeof(sbom_facts[0]); i++) {
		json_t *grp = json_object_get(art, sbom_facts[i][0]);
		json_t *v = grp ? json_object_get(grp, sbom_facts[i][1]) : NULL;
		if (!v || json_is_null(v))
			continue;
		snprintf(key, sizeof(key), "goabi:%s.%s", sbom_facts[i][0], sbom_facts[i][1]);
		fact_props(props, key, v);
	}
	/* a file from a release package: the package and its declaration (docs/packages.md) */
	json_t *pkg = json_object_get(art, "package");
	if (json_is_object(pkg)) {
		static const char *const pk[] = { "format", "name", "version", "architecture", "libc_declared" };
		for (size_t k = 0; k < sizeof(pk) / sizeof(pk[0]); k++) {
			snprintf(key, sizeof(key), "goabi:package.%s", pk[k]);
			prop(props, key, jstr(pkg, pk[k]));
		}
		json_t *mm = json_object_get(pkg, "mismatch");
		if (json_is_object(mm)) {
			char buf[2048];
			snprintf(buf, sizeof(buf), "%s: %s", jstr(mm, "rule") ? jstr(mm, "rule") : "?",
				 jstr(mm, "message") ? jstr(mm, "message") : "");
			prop(props, "goabi:package.mismatch", buf);
		}
	}
	json_t *set = go ? json_object_get(go, "settings") : NULL;
	const char *k;
	json_t *x;
	json_object_foreach(set, k, x) {
		char s[1024];
		snprintf(s, sizeof(s), "%s=%s", k, json_is_string(x) ? json_string_value(x) : "");
		prop(props, "goabi:go.setting", s);
	}
	json_t *diags = json_object_get(art, "diagnostics");
	size_t i;
	json_array_foreach(diags, i, x) {
		const char *m = json_is_object(x) ? jstr(x, "message") : json_is_string(x) ? json_string_value(x) : NULL;
		prop(props, "goabi:diagnostic", m);
	}
	json_object_set_new(c, "properties", props);
	json_t *sub = json_array();
	if (go)
		add_modules(sub, go, ref, seq);
	json_t *members = json_object_get(art, "members");
	json_array_foreach(members, i, x) {
		char r[4096];
		const char *mn = jstr(x, "member");
		snprintf(r, sizeof(r), "%s!%s#%d", ref, mn ? mn : "?", ++*seq);
		json_t *mc = component(x, r, seq);
		if (mc)
			json_array_append_new(sub, mc);
	}
	if (json_array_size(sub))
		json_object_set_new(c, "components", sub);
	else
		json_decref(sub);
	return c;
}

/* the document around a component list (and the subject, for image) */
static json_t *bom(json_t *comps, const char *tool_version, json_t *subject, json_t *meta_props)
{
	unsigned char u[16] = { 0 };
	if (getrandom(u, sizeof(u), 0) != (ssize_t)sizeof(u)) { /* fall back on time and pid */
		unsigned long long t = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32);
		memcpy(u, &t, sizeof(t));
	}
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40); /* RFC 4122 version 4 */
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	char uuid[64];
	snprintf(uuid, sizeof(uuid),
		 "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3],
		 u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *b = json_pack("{s:s, s:s, s:s, s:i, s:{s:s, s:{s:[{s:s, s:s, s:s}]}}}", "bomFormat", "CycloneDX",
			      "specVersion", "1.6", "serialNumber", uuid, "version", 1, "metadata", "timestamp", ts, "tools",
			      "components", "type", "application", "name", "goabi", "version", tool_version);
	if (!b) {
		json_decref(comps);
		json_decref(subject);
		json_decref(meta_props);
		return NULL;
	}
	json_t *md = json_object_get(b, "metadata");
	if (subject)
		json_object_set_new(md, "component", subject);
	if (meta_props && json_array_size(meta_props))
		json_object_set_new(md, "properties", meta_props);
	else
		json_decref(meta_props);
	json_object_set_new(b, "components", comps);
	return b;
}

static json_t *artifact_components(json_t *artifacts)
{
	json_t *comps = json_array();
	int seq = 0;
	size_t i;
	json_t *a;
	json_array_foreach(artifacts, i, a) {
		char ref[4096];
		const char *p = jstr(a, "path");
		snprintf(ref, sizeof(ref), "goabi:%zu:%s", i + 1, p ? p : "?");
		json_t *c = component(a, ref, &seq);
		if (c)
			json_array_append_new(comps, c);
	}
	return comps;
}

json_t *cyclonedx_bom(json_t *artifacts, const char *tool_version)
{
	return bom(artifact_components(artifacts), tool_version, NULL, NULL);
}

/* ---- a check's result (audit, image) ---- */

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* the result's word on one subject: its verdict, and each finding about it
 * with its rule, severity, message and evidence */
static void result_props(json_t *props, const struct goabi_result *r, const char *path, const char *member)
{
	char name[128], buf[8192];
	for (size_t i = 0; i < r->njudged; i++) {
		const struct goabi_judged *j = &r->judged[i];
		if (!same(j->subject.path, path) || !same(j->subject.member, member))
			continue;
		snprintf(name, sizeof(name), "goabi:%s.verdict", r->check);
		prop(props, name, j->verdict_word ? j->verdict_word : goabi_verdict_name(j->verdict));
		snprintf(name, sizeof(name), "goabi:%s.verdict_class", r->check);
		prop(props, name, goabi_verdict_name(j->verdict));
		break;
	}
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct goabi_finding *f = &r->findings[i];
		if (!same(f->subject.path, path) || !same(f->subject.member, member))
			continue;
		snprintf(buf, sizeof(buf), "%s (%s): %s", f->rule ? f->rule : "?", goabi_finding_sev_name(f->sev),
			 f->message ? f->message : "");
		prop(props, "goabi:finding", buf);
		if (f->tool_says)
			prop(props, "goabi:finding:tool_says", f->tool_says);
		for (size_t k = 0; k < f->evidence.n; k++)
			prop(props, "goabi:finding:evidence", f->evidence.v[k]);
	}
	for (size_t i = 0; i < r->nerrors; i++) {
		const struct goabi_input_error *e = &r->errors[i];
		if (same(e->file, path) && same(e->member, member))
			prop(props, "goabi:diagnostic", e->message);
	}
}

/* image's judged properties under the names inspect's facts have
 * (docs/sbom.md); the rest as goabi:image.NAME */
static const char *const image_names[][2] = {
	{ "type", "goabi:elf.type" },         { "machine", "goabi:elf.machine_name" },
	{ "class", "goabi:elf.class" },       { "interp", "goabi:libc.interp" },
	{ "libc", "goabi:libc.family" },      { "libc.evidence", "goabi:libc.family:evidence" },
	{ "linkage", "goabi:libc.linkage" },  { "glibc_floor", "goabi:libc.glibc_floor" },
	{ "go.version", "goabi:go.version" }, { "go.cgo", "goabi:go.cgo" },
	{ "isa_declared", "goabi:isa.declared" }, { "isa_required", "goabi:isa.required" },
};

/* "path|mod|dep|=>\tPATH\tVERSION\tSUM" lines (image's go.modules) as the JSON
 * reporter's go object, so add_modules writes them like inspect's */
static json_t *go_of_lines(const char *lines, const char *version)
{
	json_t *go = json_pack("{s:[], s:{s:s?}}", "deps", "version", "value", version);
	if (!go)
		return NULL;
	json_t *deps = json_object_get(go, "deps"), *last = NULL;
	const char *p = lines;
	while (p && *p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char line[4096];
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = 0;
		p = e ? e + 1 : NULL;
		char *f[4] = { line, NULL, NULL, NULL };
		for (int k = 1; k < 4; k++) {
			char *t = f[k - 1] ? strchr(f[k - 1], '\t') : NULL;
			if (t) {
				*t = 0;
				f[k] = t + 1;
			}
		}
		if (!f[1] || !*f[1])
			continue;
		json_t *m = json_pack("{s:s}", "path", f[1]);
		if (!m)
			continue;
		if (f[2] && *f[2])
			json_object_set_new(m, "version", json_string(f[2]));
		if (f[3] && *f[3])
			json_object_set_new(m, "sum", json_string(f[3]));
		if (strcmp(f[0], "path") == 0) {
			json_object_set_new(go, "path", json_string(f[1]));
			json_decref(m);
		} else if (strcmp(f[0], "mod") == 0) {
			json_object_set_new(go, "main", m);
		} else if (strcmp(f[0], "dep") == 0) {
			json_array_append_new(deps, m);
			last = m;
		} else if (strcmp(f[0], "=>") == 0 && last) {
			json_object_set_new(last, "replace", m);
		} else {
			json_decref(m);
		}
	}
	return go;
}

static json_t *judged_component(const struct goabi_result *r, const struct goabi_judged *j, size_t idx, int *seq)
{
	const char *path = j->subject.member ? j->subject.member : j->subject.path ? j->subject.path : "?";
	const char *name = strrchr(path, '/');
	name = name && name[1] ? name + 1 : path;
	const char *exe = NULL, *mods = NULL, *gover = NULL;
	for (size_t i = 0; i < j->props.n; i++) {
		const struct goabi_prop *p = &j->props.v[i];
		if (strcmp(p->name, "executable") == 0)
			exe = p->value;
		else if (strcmp(p->name, "go.modules") == 0)
			mods = p->value;
		else if (strcmp(p->name, "go.version") == 0)
			gover = p->value;
	}
	char ref[4096];
	snprintf(ref, sizeof(ref), "goabi:%zu:%s", idx + 1, path);
	json_t *c = json_pack("{s:s, s:s, s:s}", "type", exe && strcmp(exe, "true") == 0 ? "application" : "library",
			      "bom-ref", ref, "name", name);
	if (!c)
		return NULL;
	json_t *go = mods || gover ? go_of_lines(mods, gover) : NULL;
	json_t *mainm = go ? json_object_get(go, "main") : NULL;
	const char *mpath = jstr(mainm, "path");
	if (go)
		main_purl(c, go);
	json_t *props = json_array();
	prop(props, "goabi:path", path);
	if (j->subject.member)
		prop(props, "goabi:image", j->subject.path);
	if (mpath)
		prop(props, "goabi:go.main", mpath);
	char key[160];
	for (size_t i = 0; i < j->props.n; i++) {
		const struct goabi_prop *p = &j->props.v[i];
		if (strcmp(p->name, "go.modules") == 0 || strcmp(p->name, "executable") == 0)
			continue;
		const char *mapped = NULL;
		for (size_t k = 0; k < sizeof(image_names) / sizeof(image_names[0]); k++)
			if (strcmp(image_names[k][0], p->name) == 0)
				mapped = image_names[k][1];
		if (strcmp(p->name, "needed") == 0 && p->value) { /* one property per library, as inspect's */
			const char *s = p->value;
			while (*s) {
				const char *e = strstr(s, ", ");
				size_t n = e ? (size_t)(e - s) : strlen(s);
				char lib[1024];
				snprintf(lib, sizeof(lib), "%.*s", (int)(n < sizeof(lib) ? n : sizeof(lib) - 1), s);
				prop(props, "goabi:libc.needed", lib);
				s += n;
				if (e)
					s += 2;
			}
			continue;
		}
		if (!mapped) {
			snprintf(key, sizeof(key), "goabi:%s.%s", r->check, p->name);
			mapped = key;
		}
		prop(props, mapped, p->value);
	}
	prop(props, "goabi:executable", exe);
	result_props(props, r, j->subject.path, j->subject.member);
	json_object_set_new(c, "properties", props);
	if (go) {
		json_t *sub = json_array();
		add_modules(sub, go, ref, seq);
		if (json_array_size(sub))
			json_object_set_new(c, "components", sub);
		else
			json_decref(sub);
		json_decref(go);
	}
	return c;
}

json_t *cyclonedx_result_bom(const struct goabi_result *r, json_t *artifacts, const char *tool_version)
{
	json_t *comps, *subject = NULL, *meta = json_array();
	char name[160];
	if (artifacts) { /* audit: each file's facts, then the result's word on it */
		comps = artifact_components(artifacts);
		size_t i;
		json_t *c;
		json_array_foreach(comps, i, c) {
			json_t *a = json_array_get(artifacts, i);
			result_props(json_object_get(c, "properties"), r, jstr(a, "path"), NULL);
		}
	} else { /* image: each judged binary, from the check's own properties */
		comps = json_array();
		int seq = 0;
		for (size_t i = 0; i < r->njudged; i++) {
			json_t *c = judged_component(r, &r->judged[i], i, &seq);
			if (c)
				json_array_append_new(comps, c);
		}
	}
	const char *image = NULL, *digest = NULL;
	for (size_t i = 0; i < r->summary.n; i++) {
		const struct goabi_prop *p = &r->summary.v[i];
		if (strcmp(r->check, "image") == 0 && strcmp(p->name, "image") == 0)
			image = p->value;
		if (strcmp(r->check, "image") == 0 && strcmp(p->name, "digest") == 0)
			digest = p->value;
		snprintf(name, sizeof(name), "goabi:%s.summary.%s", r->check, p->name);
		prop(meta, name, p->value);
	}
	snprintf(name, sizeof(name), "goabi:%s.verdict", r->check);
	prop(meta, name, r->verdict_word ? r->verdict_word : goabi_verdict_name(r->verdict));
	snprintf(name, sizeof(name), "goabi:%s.verdict_class", r->check);
	prop(meta, name, goabi_verdict_name(r->verdict));
	/* findings and errors about no component: the document's */
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct goabi_finding *f = &r->findings[i];
		bool placed = false;
		for (size_t k = 0; k < r->njudged && !placed; k++)
			placed = same(r->judged[k].subject.path, f->subject.path) &&
				 same(r->judged[k].subject.member, f->subject.member);
		if (!placed) {
			char buf[8192];
			snprintf(buf, sizeof(buf), "%s (%s): %s%s%s", f->rule ? f->rule : "?", goabi_finding_sev_name(f->sev),
				 f->message ? f->message : "", f->subject.path ? " — " : "",
				 f->subject.path ? f->subject.path : "");
			prop(meta, "goabi:finding", buf);
		}
	}
	for (size_t i = 0; i < r->nerrors; i++) {
		const struct goabi_input_error *e = &r->errors[i];
		char buf[8192];
		snprintf(buf, sizeof(buf), "%s%s%s%s: %s", e->file ? e->file : "", e->member ? "(" : "",
			 e->member ? e->member : "", e->member ? ")" : "", e->message ? e->message : "");
		prop(meta, "goabi:error", buf);
	}
	if (image) {
		subject = json_pack("{s:s, s:s, s:s}", "type", "container", "bom-ref", "goabi:image", "name", image);
		if (subject && digest)
			json_object_set_new(subject, "version", json_string(digest));
	}
	return bom(comps, tool_version, subject, meta);
}

/* ---- a fleet: the merged lines of goabi image --json ---- */

static void str_props(json_t *props, const char *name, json_t *arr)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		prop(props, name, json_string_value(v));
}

static json_t *fleet_binary(json_t *b, const char *imgref, size_t idx)
{
	const char *path = jstr(b, "path") ? jstr(b, "path") : "?";
	const char *name = strrchr(path, '/');
	name = name && name[1] ? name + 1 : path;
	json_t *exe = json_object_get(b, "executable");
	char ref[4200];
	snprintf(ref, sizeof(ref), "%s:%zu:%s", imgref, idx + 1, path);
	json_t *c = json_pack("{s:s, s:s, s:s}", "type", !exe ? "file" : json_is_true(exe) ? "application" : "library",
			      "bom-ref", ref, "name", name);
	if (!c)
		return NULL;
	json_t *props = json_array();
	prop(props, "goabi:path", path);
	prop(props, "goabi:image.verdict", jstr(b, "verdict"));
	prop(props, "goabi:image.verdict_class", jstr(b, "verdict_class"));
	prop(props, "goabi:image.layer", jstr(b, "layer"));
	prop(props, "goabi:image.reason", jstr(b, "reason"));
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(b, "findings"), i, f) {
		char buf[8192];
		snprintf(buf, sizeof(buf), "%s (%s): %s", jstr(f, "rule") ? jstr(f, "rule") : "?",
			 jstr(f, "severity") ? jstr(f, "severity") : "?", jstr(f, "message") ? jstr(f, "message") : "");
		prop(props, "goabi:finding", buf);
		prop(props, "goabi:finding:tool_says", jstr(f, "tool_says"));
	}
	json_object_set_new(c, "properties", props);
	return c;
}

json_t *cyclonedx_fleet_bom(json_t *images, json_t *meta_props, const char *tool_version)
{
	json_t *comps = json_array();
	size_t i;
	json_t *im;
	json_array_foreach(images, i, im) {
		json_t *refs = json_object_get(im, "references");
		const char *digest = jstr(im, "digest"), *r0 = json_string_value(json_array_get(refs, 0));
		char ref[64];
		snprintf(ref, sizeof(ref), "goabi:image:%zu", i + 1);
		json_t *c = json_pack("{s:s, s:s, s:s}", "type", "container", "bom-ref", ref, "name",
				      r0 ? r0 : digest ? digest : "?");
		if (!c)
			continue;
		if (digest)
			json_object_set_new(c, "version", json_string(digest));
		json_t *props = json_array();
		prop(props, "goabi:image.digest", digest);
		str_props(props, "goabi:image.reference", refs);
		prop(props, "goabi:image.platform", jstr(im, "platform"));
		prop(props, "goabi:image.status", jstr(im, "status"));
		prop(props, "goabi:image.reason", jstr(im, "reason"));
		prop(props, "goabi:image.verdict", jstr(im, "verdict"));
		prop(props, "goabi:image.verdict_class", jstr(im, "verdict_class"));
		str_props(props, "goabi:image.layer", json_object_get(im, "layers"));
		json_object_set_new(c, "properties", props);
		json_t *sub = json_array();
		size_t k;
		json_t *b;
		json_array_foreach(json_object_get(im, "binaries"), k, b) {
			json_t *bc = fleet_binary(b, ref, k);
			if (bc)
				json_array_append_new(sub, bc);
		}
		if (json_array_size(sub))
			json_object_set_new(c, "components", sub);
		else
			json_decref(sub);
		json_array_append_new(comps, c);
	}
	return bom(comps, tool_version, NULL, meta_props);
}
