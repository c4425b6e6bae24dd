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

static void add_modules(json_t *comps, json_t *go, const char *ref, int *seq)
{
	char r[4096];
	json_t *deps = json_object_get(go, "deps");
	size_t i;
	json_t *d;
	json_array_foreach(deps, i, d) {
		json_t *rp = json_object_get(d, "replace");
		json_t *m = json_is_object(rp) ? rp : d; /* the module actually built in */
		const char *path = jstr(m, "path"), *ver = jstr(m, "version");
		if (!path)
			continue;
		if (json_is_object(rp) && !ver) /* a directory replacement: the original's version */
			ver = jstr(d, "version");
		snprintf(r, sizeof(r), "%s#%d:%s@%s", ref, ++*seq, path, ver ? ver : "");
		json_t *c = json_pack("{s:s, s:s, s:s}", "type", "library", "bom-ref", r, "name", path);
		if (!c)
			continue;
		if (ver)
			json_object_set_new(c, "version", json_string(ver));
		json_object_set_new(c, "purl", golang_purl(path, ver));
		json_t *h = h1_hash(jstr(m, "sum"));
		if (h)
			json_object_set_new(c, "hashes", h);
		if (json_is_object(rp)) {
			json_t *props = json_array();
			char orig[2048];
			snprintf(orig, sizeof(orig), "%s@%s", jstr(d, "path") ? jstr(d, "path") : "",
				 jstr(d, "version") ? jstr(d, "version") : "");
			prop(props, "goabi:go.module.replaces", orig);
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
	/* the main module: its version and purl when the build recorded one */
	json_t *mainm = go ? json_object_get(go, "main") : NULL;
	const char *mpath = json_is_object(mainm) ? jstr(mainm, "path") : NULL;
	const char *mver = json_is_object(mainm) ? jstr(mainm, "version") : NULL;
	if (mver && strcmp(mver, "(devel)") != 0) {
		json_object_set_new(c, "version", json_string(mver));
		json_object_set_new(c, "purl", golang_purl(mpath, mver));
	}
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

json_t *cyclonedx_bom(json_t *artifacts, const char *tool_version)
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
	return json_pack("{s:s, s:s, s:s, s:i, s:{s:s, s:{s:[{s:s, s:s, s:s}]}}, s:o}", "bomFormat", "CycloneDX",
			 "specVersion", "1.6", "serialNumber", uuid, "version", 1, "metadata", "timestamp", ts, "tools",
			 "components", "type", "application", "name", "goabi", "version", tool_version, "components",
			 comps);
}
