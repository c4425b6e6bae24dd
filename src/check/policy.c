/* goabi audit: policy parsing (jansson) and evaluation (docs/audit.md).
 * Reads only the model; never prints. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <jansson.h>
#include "check/policy.h"
#include "util/osfloor.h"
#include <strings.h>
#include "read/mapfile.h"
#include "util/util.h"

static const struct {
	const char *id, *name, *summary;
} rules[RULE_COUNT] = {
	[RULE_MAX_GLIBC] = { "max-glibc", "MaxGlibc", "The glibc symbol-version floor (highest GLIBC_x.y needed) must not exceed the policy's." },
	[RULE_LIBC] = { "libc", "LibcFamily", "The C library family (glibc, musl, none) must be one the policy allows." },
	[RULE_REQUIRE_STATIC] = { "require-static", "RequireStatic", "Executables must be statically linked (no PT_INTERP, no DT_NEEDED)." },
	[RULE_CGO] = { "cgo", "Cgo", "cgo must be on or off as the policy says." },
	[RULE_MIN_GO] = { "min-go", "MinGo", "The Go toolchain must be at least the oldest accepted patch release of its minor version." },
	[RULE_MAX_ISA] = { "max-isa", "MaxIsa", "The x86-64 ISA level (GOAMD64 or required by the code) must not exceed the policy's." },
	[RULE_REQUIRE_TRIMPATH] = { "require-trimpath", "RequireTrimpath", "Go binaries must be built with -trimpath." },
	[RULE_FORBID_VCS_MODIFIED] = { "forbid-vcs-modified", "ForbidVcsModified", "Go binaries must not be built from a modified VCS checkout (vcs.modified=true)." },
	[RULE_FORBID_MODULE] = { "forbid-module", "ForbidModule", "Go binaries must not contain the forbidden module versions." },
	[RULE_BUILDMODE] = { "buildmode", "BuildMode", "The Go build mode must be one the policy allows." },
	[RULE_FORBID_PURE_GO_NSS] = { "forbid-pure-go-nss", "ForbidPureGoNss", "Go binaries must not contain Go's own user/group lookup or resolver, which bypass NSS modules (CGO_ENABLED=0, -tags osusergo/netgo)." },
	[RULE_MAX_MACOS] = { "max-macos", "MaxMacos", "A Mach-O file's macOS floor (the higher of LC_BUILD_VERSION minos and the Go release's minimum) must not exceed the policy's." },
	[RULE_MAX_WINDOWS] = { "max-windows", "MaxWindows", "A PE file's Windows floor (the higher of its subsystem version and the Go release's minimum) must not exceed the policy's." },
	[RULE_REQUIRE_SIGNATURE] = { "require-signature", "RequireSignature", "Mach-O files must carry a code signature (LC_CODE_SIGNATURE), PE files an Authenticode certificate table." },
	[RULE_FORBID_DLL] = { "forbid-dll", "ForbidDll", "PE files must not import the forbidden DLLs (names compared case-insensitively)." },
	[RULE_MAX_LINUX] = { "max-linux", "MaxLinux", "A Linux ELF file's kernel floor (the higher of its .note.ABI-tag and the Go release's minimum kernel) must not exceed the policy's." },
};

const char *policy_rule_id(enum policy_rule r) { return rules[r].id; }
const char *policy_rule_name(enum policy_rule r) { return rules[r].name; }
const char *policy_rule_summary(enum policy_rule r) { return rules[r].summary; }

void policy_init(struct policy *p)
{
	memset(p, 0, sizeof(*p));
}

static void free_list(char **v, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free(v[i]);
	*n = 0;
}

void policy_release(struct policy *p)
{
	free(p->max_glibc);
	free_list(p->libc, &p->nlibc);
	free_list(p->min_go, &p->nmin_go);
	free_list(p->forbid, &p->nforbid);
	free_list(p->buildmode, &p->nbuildmode);
	free(p->max_macos);
	free(p->max_windows);
	free(p->max_linux);
	free_list(p->forbid_dll, &p->nforbid_dll);
	memset(p, 0, sizeof(*p));
}

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static bool is_bool_word(const char *v, bool *out)
{
	if (!strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "1")) {
		*out = true;
		return true;
	}
	if (!strcmp(v, "false") || !strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "0")) {
		*out = false;
		return true;
	}
	return false;
}

/* "@v1.2.3", "@<v1.2.3", "@>=v1.0.0,<v1.4.2" (NULL: no range): every term
 * an optional operator and a version starting with a digit (after an
 * optional 'v'); a typo such as "@latest" would otherwise match nothing. */
static bool range_valid(const char *at)
{
	if (!at)
		return true;
	const char *t = at + 1;
	if (!*t)
		return false;
	for (;;) {
		while (*t == ' ')
			t++;
		if (t[0] == '<' || t[0] == '>')
			t += t[1] == '=' ? 2 : 1;
		else if (t[0] == '=')
			t++;
		while (*t == ' ')
			t++;
		if (*t == 'v')
			t++;
		if (!isdigit((unsigned char)*t))
			return false;
		while (*t && *t != ',') {
			if (!isalnum((unsigned char)*t) && !strchr(".-+", *t))
				return false;
			t++;
		}
		if (!*t)
			return true;
		t++;
	}
}

/* "go1.22.7", "go1.22", "go1.23rc1": what min-go accepts. */
static bool go_release_valid(const char *v)
{
	if (strncmp(v, "go1.", 4) != 0 || !isdigit((unsigned char)v[4]))
		return false;
	v += 4;
	while (isdigit((unsigned char)*v))
		v++;
	if (*v == '.' && isdigit((unsigned char)v[1]))
		for (v++; isdigit((unsigned char)*v); v++)
			;
	if (!strncmp(v, "rc", 2) || !strncmp(v, "beta", 4)) {
		v += *v == 'r' ? 2 : 4;
		if (!isdigit((unsigned char)*v))
			return false;
		while (isdigit((unsigned char)*v))
			v++;
	}
	return *v == 0;
}

/* Add one list item after validating it. */
static int add_item(struct policy *p, enum policy_rule r, const char *v, char *err, size_t errlen)
{
	char **list;
	size_t *n, cap;
	switch (r) {
	case RULE_LIBC: {
		enum goabi_libc_family f = goabi_libc_family_parse(v);
		if (f != GOABI_LIBC_GLIBC && f != GOABI_LIBC_MUSL && f != GOABI_LIBC_NONE)
			return fail(err, errlen, "libc: '%s' is not glibc, musl or none", v);
		list = p->libc, n = &p->nlibc, cap = 4;
		if (*n < cap)
			p->libc_t[*n] = f;
		break;
	}
	case RULE_MIN_GO:
		if (!go_release_valid(v))
			return fail(err, errlen, "min-go: '%s' is not a Go release like go1.22.7", v);
		list = p->min_go, n = &p->nmin_go, cap = POLICY_MAX_ITEMS;
		break;
	case RULE_FORBID_MODULE:
		if (!v[0] || v[0] == '@')
			return fail(err, errlen, "forbid-module: '%s' has no module path", v);
		if (!range_valid(strchr(v, '@')))
			return fail(err, errlen,
				    "forbid-module: '%s': the range must be versions like v1.2.3, each after <, <=, >, >= or = (comma = and)",
				    v);
		list = p->forbid, n = &p->nforbid, cap = POLICY_MAX_ITEMS;
		break;
	case RULE_BUILDMODE: {
		/* go help buildmode's modes; "object" is goabi's word for a Go
		 * object file, not a mode */
		enum goabi_buildmode b = goabi_buildmode_parse(v);
		if (b == GOABI_BM_OTHER || b == GOABI_BM_OBJECT)
			return fail(err, errlen, "buildmode: '%s' is not a Go build mode", v);
		list = p->buildmode, n = &p->nbuildmode, cap = 16;
		if (*n < cap)
			p->buildmode_t[*n] = b;
		break;
	}
	case RULE_FORBID_DLL:
		if (!*v || strchr(v, '/') || strchr(v, '\\'))
			return fail(err, errlen, "forbid-dll: '%s' is not a DLL name like winmm.dll", v);
		list = p->forbid_dll, n = &p->nforbid_dll, cap = POLICY_MAX_ITEMS;
		break;
	default:
		return fail(err, errlen, "%s: not a list rule", rules[r].id);
	}
	if (*n >= cap)
		return fail(err, errlen, "%s: more than %zu entries", rules[r].id, cap);
	if (!(list[*n] = strdup(v)))
		return fail(err, errlen, "out of memory");
	(*n)++;
	p->set[r] = true;
	return 0;
}

int policy_set(struct policy *p, enum policy_rule r, const char *value, char *err, size_t errlen)
{
	bool b;
	switch (r) {
	case RULE_MAX_GLIBC: {
		const char *v = strncmp(value, "GLIBC_", 6) == 0 ? value + 6 : value;
		if (!isdigit((unsigned char)v[0]) || !strchr(v, '.'))
			return fail(err, errlen, "max-glibc: '%s' is not a glibc version like 2.28", value);
		free(p->max_glibc);
		p->max_glibc = strdup(v);
		p->set[r] = p->max_glibc != NULL;
		return p->max_glibc ? 0 : fail(err, errlen, "out of memory");
	}
	case RULE_MAX_LINUX: {
		const char *v = strncmp(value, "linux ", 6) == 0 ? value + 6 : value;
		unsigned ma, mi;
		if (!osfloor_parse_version("linux", v, &ma, &mi))
			return fail(err, errlen, "max-linux: '%s' is not a Linux kernel version like 3.2", value);
		free(p->max_linux);
		p->max_linux = strdup(v);
		p->set[r] = p->max_linux != NULL;
		return p->max_linux ? 0 : fail(err, errlen, "out of memory");
	}
	case RULE_MAX_MACOS:
	case RULE_MAX_WINDOWS: {
		bool mac = r == RULE_MAX_MACOS;
		const char *v = value;
		unsigned ma, mi;
		if (!strncmp(v, mac ? "macos " : "windows ", mac ? 6 : 8))
			v += mac ? 6 : 8;
		if (!osfloor_parse_version(mac ? "macos" : "windows", v, &ma, &mi))
			return fail(err, errlen, mac ? "max-macos: '%s' is not a macOS version like 11.0"
						     : "max-windows: '%s' is not a Windows version: 10, 8.1, 8, 7, vista, xp or ntX.Y", value);
		char **dst = mac ? &p->max_macos : &p->max_windows;
		free(*dst);
		*dst = strdup(v);
		p->set[r] = *dst != NULL;
		return *dst ? 0 : fail(err, errlen, "out of memory");
	}
	case RULE_REQUIRE_STATIC:
	case RULE_REQUIRE_TRIMPATH:
	case RULE_FORBID_VCS_MODIFIED:
	case RULE_FORBID_PURE_GO_NSS:
	case RULE_REQUIRE_SIGNATURE:
		if (!is_bool_word(value, &b))
			return fail(err, errlen, "%s: '%s' is not true or false", rules[r].id, value);
		p->set[r] = b;
		return 0;
	case RULE_CGO:
		if (!is_bool_word(value, &b))
			return fail(err, errlen, "cgo: '%s' is not on or off", value);
		p->cgo_on = b;
		p->set[r] = true;
		return 0;
	case RULE_MAX_ISA: {
		const char *v = strncmp(value, "x86-64-", 7) == 0 ? value + 7 : value;
		if (v[0] != 'v' || v[1] < '1' || v[1] > '4' || v[2])
			return fail(err, errlen, "max-isa: '%s' is not x86-64-v1 ... x86-64-v4", value);
		p->max_isa = v[1] - '0';
		p->set[r] = true;
		return 0;
	}
	default: {
		/* lists: comma-separated, except forbid-module (ranges contain commas): one per flag */
		if (r == RULE_FORBID_MODULE)
			return add_item(p, r, value, err, errlen);
		char *copy = strdup(value), *save = NULL;
		if (!copy)
			return fail(err, errlen, "out of memory");
		int rc = 0;
		for (char *t = strtok_r(copy, ",", &save); t && !rc; t = strtok_r(NULL, ",", &save)) {
			while (*t == ' ')
				t++;
			rc = add_item(p, r, t, err, errlen);
		}
		free(copy);
		return rc;
	}
	}
}

int policy_load(struct policy *p, const char *path, char *err, size_t errlen)
{
	/* one byte past the limit tells a larger file from one at the limit */
	size_t len;
	char *text = rd_read_text(path, (size_t)GOABI_MAX_STRING + 1, &len);
	if (!text) /* jansson's json_load_file words it so */
		return fail(err, errlen, "'%s': invalid JSON at line -1: unable to open %s: %s", path, path, strerror(errno));
	if (len > GOABI_MAX_STRING) {
		free(text);
		return fail(err, errlen, "'%s': policy file larger than the limit of %u bytes", path, GOABI_MAX_STRING);
	}
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	free(text);
	if (!root)
		return fail(err, errlen, "'%s': invalid JSON at line %d: %s", path, je.line, je.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return fail(err, errlen, "'%s': the policy must be a JSON object", path);
	}
	const char *key;
	json_t *val;
	int rc = 0;
	json_object_foreach(root, key, val) {
		if (rc)
			break;
		if (key[0] == '$' || strcmp(key, "comment") == 0)
			continue; /* "$schema", "comment": ignored */
		enum policy_rule r;
		for (r = 0; r < RULE_COUNT; r++)
			if (strcmp(rules[r].id, key) == 0)
				break;
		if (r == RULE_COUNT) {
			rc = fail(err, errlen, "'%s': unknown policy key '%s'", path, key);
			break;
		}
		char e2[256] = "";
		if (json_is_boolean(val)) {
			rc = policy_set(p, r, json_is_true(val) ? "true" : "false", e2, sizeof(e2));
		} else if (json_is_string(val)) {
			rc = policy_set(p, r, json_string_value(val), e2, sizeof(e2));
		} else if (json_is_array(val)) {
			size_t i;
			json_t *it;
			json_array_foreach(val, i, it) {
				if (!json_is_string(it)) {
					snprintf(e2, sizeof(e2), "%s: list entries must be strings", key);
					rc = -1;
					break;
				}
				rc = add_item(p, r, json_string_value(it), e2, sizeof(e2));
				if (rc)
					break;
			}
		} else {
			snprintf(e2, sizeof(e2), "%s: expected a string, a boolean or a list of strings", key);
			rc = -1;
		}
		if (rc)
			fail(err, errlen, "'%s': %s", path, e2);
	}
	json_decref(root);
	return rc;
}

char *policy_rule_value(const struct policy *p, enum policy_rule r)
{
	char buf[2048] = "";
	size_t len = 0;
	char *const *list = NULL;
	size_t n = 0;
	switch (r) {
	case RULE_MAX_GLIBC: return strdup(p->max_glibc ? p->max_glibc : "");
	case RULE_CGO: return strdup(p->cgo_on ? "on" : "off");
	case RULE_MAX_ISA: snprintf(buf, sizeof(buf), "x86-64-v%d", p->max_isa); return strdup(buf);
	case RULE_REQUIRE_STATIC:
	case RULE_REQUIRE_TRIMPATH:
	case RULE_FORBID_VCS_MODIFIED:
	case RULE_FORBID_PURE_GO_NSS:
	case RULE_REQUIRE_SIGNATURE: return strdup(p->set[r] ? "true" : "false");
	case RULE_MAX_MACOS: return strdup(p->max_macos ? p->max_macos : "");
	case RULE_MAX_WINDOWS: return strdup(p->max_windows ? p->max_windows : "");
	case RULE_MAX_LINUX: return strdup(p->max_linux ? p->max_linux : "");
	case RULE_FORBID_DLL: list = p->forbid_dll, n = p->nforbid_dll; break;
	case RULE_LIBC: list = p->libc, n = p->nlibc; break;
	case RULE_MIN_GO: list = p->min_go, n = p->nmin_go; break;
	case RULE_FORBID_MODULE: list = p->forbid, n = p->nforbid; break;
	case RULE_BUILDMODE: list = p->buildmode, n = p->nbuildmode; break;
	default: break;
	}
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? (r == RULE_FORBID_MODULE ? "; " : ",") : "", list[i]);
		if (w < 0 || (size_t)w >= sizeof(buf) - len)
			break;
		len += (size_t)w;
	}
	return strdup(buf);
}

/* ---- evaluation --------------------------------------------------------- */

static void add(struct policy_result *res, enum policy_rule r, bool broken, const char *where, const char *key,
		const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void add(struct policy_result *res, enum policy_rule r, bool broken, const char *where, const char *key,
		const char *fmt, ...)
{
	if (res->n >= GOABI_MAX_LIST)
		return;
	if (res->n == res->cap) {
		size_t nc = res->cap ? res->cap * 2 : 16;
		struct policy_finding *nv = realloc(res->v, nc * sizeof(*nv));
		if (!nv)
			return;
		res->v = nv;
		res->cap = nc;
	}
	struct policy_finding *f = &res->v[res->n];
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&f->message, fmt, ap) < 0)
		f->message = NULL;
	va_end(ap);
	f->where = strdup(where);
	f->key = key ? strdup(key) : NULL;
	if (!f->message || !f->where || (key && !f->key)) {
		free(f->message);
		free(f->where);
		free(f->key);
		return;
	}
	f->rule = r;
	f->broken = broken;
	res->n++;
	if (broken)
		res->nbroken++;
	else
		res->nunverified++;
}

void policy_result_release(struct policy_result *res)
{
	for (size_t i = 0; i < res->n; i++) {
		free(res->v[i].where);
		free(res->v[i].message);
		free(res->v[i].key);
	}
	free(res->v);
	memset(res, 0, sizeof(*res));
}

/* Symbols needing a GLIBC version above max, for the message. */
static void glibc_symbols(const struct goabi_libc *lc, const char *max, char *buf, size_t cap)
{
	size_t len = 0, count = 0;
	buf[0] = 0;
	for (size_t i = 0; i < lc->nverneed; i++)
		for (size_t j = 0; j < lc->verneed[i].symbols.n; j++) {
			const char *s = lc->verneed[i].symbols.v[j], *at = strrchr(s, '@');
			if (!at || strncmp(at + 1, "GLIBC_", 6) != 0 || version_cmp(at + 1 + 6, max) <= 0)
				continue;
			if (count++ >= 8)
				continue;
			int w = snprintf(buf + len, cap - len, "%s%s", len ? ", " : "", s);
			if (w < 0 || (size_t)w >= cap - len)
				break;
			len += (size_t)w;
		}
	if (count > 8 && len + 16 < cap)
		snprintf(buf + len, cap - len, " and %zu more", count - 8);
}

/* Does version v fall in the range spec ("v1.2.3", "<v1.2.3", ">=v1,<v2", "" = any)? */
static bool in_range(const char *v, const char *spec)
{
	if (!spec || !*spec)
		return true;
	char copy[512];
	snprintf(copy, sizeof(copy), "%s", spec);
	char *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		int op = 0; /* 0 ==, 1 <, 2 <=, 3 >, 4 >= */
		if (!strncmp(t, "<=", 2))
			op = 2, t += 2;
		else if (!strncmp(t, ">=", 2))
			op = 4, t += 2;
		else if (*t == '<')
			op = 1, t++;
		else if (*t == '>')
			op = 3, t++;
		else if (*t == '=')
			t++;
		int c = version_cmp(v, t);
		bool ok = op == 0 ? c == 0 : op == 1 ? c < 0 : op == 2 ? c <= 0 : op == 3 ? c > 0 : c >= 0;
		if (!ok)
			return false;
	}
	return true;
}

/* ---- the rules: one function each, called by policy_check ------------- */

/* What every rule needs about the artifact being checked. */
struct rule_ctx {
	const struct policy *p;
	const struct goabi_artifact *a;
	struct policy_result *res;
	const char *w;   /* where: the artifact's path */
};

static void rule_max_glibc(const struct rule_ctx *x)
{
	const struct goabi_libc *lc = &x->a->libc;
	const char *f = lc->glibc_floor.value;
	if (!f)
		return;
	const char *fv = strncmp(f, "GLIBC_", 6) == 0 ? f + 6 : f;
	if (version_cmp(fv, x->p->max_glibc) > 0) {
		char syms[1024];
		glibc_symbols(lc, x->p->max_glibc, syms, sizeof(syms));
		add(x->res, RULE_MAX_GLIBC, true, x->w, NULL, "needs %s, above the policy's GLIBC_%s%s%s%s", f, x->p->max_glibc,
		    syms[0] ? " (symbols: " : "", syms, syms[0] ? ")" : "");
	}
}

static void rule_libc(const struct rule_ctx *x)
{
	const struct goabi_libc *lc = &x->a->libc;
	const char *fam = lc->family.value;
	enum goabi_libc_family ft = x->a->typed.libc;
	if (ft == GOABI_LIBC_UNSET || ft == GOABI_LIBC_UNKNOWN) {
		add(x->res, RULE_LIBC, false, x->w, NULL, "libc family could not be determined (%s)",
		    lc->family.evidence ? lc->family.evidence : "no evidence");
		return;
	}
	bool ok = false;
	for (size_t i = 0; i < x->p->nlibc; i++)
		ok |= x->p->libc_t[i] == ft;
	if (!ok) {
		char *allowed = policy_rule_value(x->p, RULE_LIBC);
		add(x->res, RULE_LIBC, true, x->w, NULL, "libc family is %s (%s); the policy allows %s", fam,
		    lc->family.evidence ? lc->family.evidence : "", allowed ? allowed : "?");
		free(allowed);
	}
}

static void rule_require_static(const struct rule_ctx *x)
{
	const struct goabi_artifact *a = x->a;
	const struct goabi_libc *lc = &a->libc;
	const char *l = lc->linkage.value;
	enum goabi_linkage lt = a->typed.linkage;
	bool rel = a->kind == GOABI_KIND_AR || lt == GOABI_LINK_RELOCATABLE;
	if (rel)
		add(x->res, RULE_REQUIRE_STATIC, false, x->w, NULL, "relocatable object or archive: linkage is decided when it is linked");
	else if (lt == GOABI_LINK_UNSET)
		add(x->res, RULE_REQUIRE_STATIC, false, x->w, NULL, "linkage could not be determined");
	else if (a->id.type == 3 /* ET_DYN */ && !a->id.pie && lt != GOABI_LINK_STATIC_PIE)
		add(x->res, RULE_REQUIRE_STATIC, false, x->w, NULL, "shared library: the rule applies to executables");
	else if (lt != GOABI_LINK_STATIC && lt != GOABI_LINK_STATIC_PIE)
		add(x->res, RULE_REQUIRE_STATIC, true, x->w, NULL, "linkage is %s (%s%s%s%s%s)", l,
		    lc->interp ? "PT_INTERP " : "", lc->interp ? lc->interp : "", lc->interp && lc->needed.n ? ", " : "",
		    lc->needed.n ? "DT_NEEDED " : "", lc->needed.n ? lc->needed.v[0] : "");
}

static void rule_cgo(const struct rule_ctx *x)
{
	const struct goabi_go *g = &x->a->go;
	enum goabi_cgo c = x->a->typed.cgo;
	if (c == GOABI_CGO_UNSET)
		add(x->res, RULE_CGO, false, x->w, NULL, "cgo could not be determined");
	else if ((c == GOABI_CGO_ON) != x->p->cgo_on)
		add(x->res, RULE_CGO, true, x->w, NULL, "cgo is %s (%s); the policy requires %s", c == GOABI_CGO_ON ? "on" : "off",
		    g->cgo.evidence ? g->cgo.evidence : "", x->p->cgo_on ? "on" : "off");
}

static void rule_min_go(const struct rule_ctx *x)
{
	const struct goabi_go *g = &x->a->go;
	const char *v = g->version.value;
	long m = go_minor(v) - 100;
	if (!v || g->version.conf == GOABI_UNKNOWN || m < 0) {
		add(x->res, RULE_MIN_GO, false, x->w, NULL, "exact Go version unknown (%s)",
		    g->version_range.value ? g->version_range.value : "no build info");
		return;
	}
	const char *same = NULL;
	long lowest = -1;
	for (size_t i = 0; i < x->p->nmin_go; i++) {
		long mm = go_minor(x->p->min_go[i]) - 100;
		if (mm < 0)
			continue;
		if (mm == m)
			same = x->p->min_go[i];
		if (lowest < 0 || mm < lowest)
			lowest = mm;
	}
	if (same && version_cmp(v, same) < 0)
		add(x->res, RULE_MIN_GO, true, x->w, NULL, "built with %s, older than %s, the oldest accepted go1.%ld release", v, same, m);
	else if (!same && lowest >= 0 && m < lowest)
		add(x->res, RULE_MIN_GO, true, x->w, NULL, "built with %s, a Go minor release older than any the policy accepts (go1.%ld+)", v, lowest);
}

static void rule_max_isa(const struct rule_ctx *x)
{
	const struct goabi_artifact *a = x->a;
	if (a->id.machine != 62 /* EM_X86_64 */)
		return;
	/* one finding per artifact: the higher of declared and required
	 * (the declared one when they are equal) */
	const struct goabi_fact *fs[2] = { &a->isa.declared, &a->isa.required };
	const struct goabi_isa_level *ls[2] = { &a->typed.isa_declared, &a->typed.isa_required };
	int best = -1, top = 0;
	for (int i = 0; i < 2; i++) {
		int lvl = ls[i]->family == GOABI_ISA_X86_64 ? ls[i]->level : 0;
		if (lvl > top) {
			top = lvl;
			best = i;
		}
	}
	if (best >= 0 && top > x->p->max_isa)
		add(x->res, RULE_MAX_ISA, true, x->w, NULL, "ISA level %s is %s (%s), above the policy's x86-64-v%d",
		    best ? "required" : "declared", fs[best]->value, fs[best]->evidence ? fs[best]->evidence : "",
		    x->p->max_isa);
}

static void rule_require_trimpath(const struct rule_ctx *x)
{
	const struct goabi_go *g = &x->a->go;
	const char *t = goabi_go_setting(g, "-trimpath");
	/* Go 1.18+ always records settings (-compiler, GOOS, ...): none at
	 * all means an older Go or no build info, not a missing -trimpath */
	if (!g->nsettings)
		add(x->res, RULE_REQUIRE_TRIMPATH, false, x->w, NULL, "no build settings recorded (Go before 1.18 or no build info)");
	else if (!t || strcmp(t, "true") != 0)
		add(x->res, RULE_REQUIRE_TRIMPATH, true, x->w, NULL, "built without -trimpath (build setting -trimpath %s)", t ? t : "absent");
}

/* Without build info (esbuild >= 0.27, damaged files) the settings and
 * modules are unknown: the rules that read them cannot be verified. */
static void rule_forbid_vcs_modified(const struct rule_ctx *x)
{
	const struct goabi_go *g = &x->a->go;
	if (!g->buildinfo_where) {
		add(x->res, RULE_FORBID_VCS_MODIFIED, false, x->w, NULL, "no Go build info: VCS settings unknown");
		return;
	}
	const char *m = goabi_go_setting(g, "vcs.modified");
	const char *rev = goabi_go_setting(g, "vcs.revision");
	if (m && strcmp(m, "true") == 0)
		add(x->res, RULE_FORBID_VCS_MODIFIED, true, x->w, NULL, "built from a modified checkout (vcs.modified=true, vcs.revision %s)",
		    rev ? rev : "?");
}

static void rule_forbid_module(const struct rule_ctx *x)
{
	const struct policy *p = x->p;
	const struct goabi_go *g = &x->a->go;
	if (!g->buildinfo_where) {
		add(x->res, RULE_FORBID_MODULE, false, x->w, NULL, "no Go build info: dependencies unknown");
		return;
	}
	for (size_t i = 0; i < p->nforbid; i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s", p->forbid[i]);
		char *at = strchr(path, '@');
		const char *range = NULL;
		if (at) {
			*at = 0;
			range = at + 1;
		}
		for (size_t j = 0; j < g->ndeps; j++) {
			const struct goabi_module *d = &g->deps[j];
			/* "dep P V => R RV": a replacement by the same path pins
			 * the version (RV is what is built in); a replacement by
			 * another module is matched under both names, P with the
			 * required V (conservative: the forbidden version is still
			 * what the build asked for) and R with RV */
			bool pinned = d->repl_path && strcmp(d->repl_path, d->path) == 0 && d->repl_version;
			const char *ver = pinned ? d->repl_version : d->version;
			const char *hit = NULL, *hitver = NULL;
			if (strcmp(d->path, path) == 0 && ver && in_range(ver, range))
				hit = d->path, hitver = ver;
			else if (!pinned && d->repl_path && d->repl_version && strcmp(d->repl_path, path) == 0 &&
				 in_range(d->repl_version, range))
				hit = d->repl_path, hitver = d->repl_version;
			if (!hit)
				continue;
			char key[600];
			snprintf(key, sizeof(key), "%s %s", p->forbid[i], d->path);
			if (d->repl_path)
				add(x->res, RULE_FORBID_MODULE, true, x->w, key, "contains %s@%s (%s %s => %s%s%s), forbidden by '%s'",
				    hit, hitver, d->path, d->version ? d->version : "", d->repl_path,
				    d->repl_version ? " " : "", d->repl_version ? d->repl_version : "", p->forbid[i]);
			else
				add(x->res, RULE_FORBID_MODULE, true, x->w, key, "contains %s@%s, forbidden by '%s'", hit, hitver,
				    p->forbid[i]);
		}
	}
}

static void rule_buildmode(const struct rule_ctx *x)
{
	const struct goabi_go *g = &x->a->go;
	const char *b = g->buildmode.value;
	enum goabi_buildmode bt = x->a->typed.buildmode;
	if (bt == GOABI_BM_UNSET) {
		add(x->res, RULE_BUILDMODE, false, x->w, NULL, "build mode could not be determined");
		return;
	}
	bool ok = false;
	for (size_t i = 0; i < x->p->nbuildmode; i++)
		ok |= x->p->buildmode_t[i] == bt;
	if (!ok) {
		char *allowed = policy_rule_value(x->p, RULE_BUILDMODE);
		add(x->res, RULE_BUILDMODE, true, x->w, NULL, "build mode is %s (%s); the policy allows %s", b,
		    g->buildmode.evidence ? g->buildmode.evidence : "", allowed ? allowed : "?");
		free(allowed);
	}
}

static void rule_forbid_pure_go_nss(const struct rule_ctx *x)
{
	/* docs/image.md "Name-service lookups": these never ask an NSS module */
	const struct goabi_fact *f = &x->a->nss.go_user;
	if (f->value && strcmp(f->value, "pure") == 0)
		add(x->res, RULE_FORBID_PURE_GO_NSS, true, x->w, "user",
		    "uses Go's own user/group lookup, which reads /etc/passwd and /etc/group and bypasses NSS modules (%s)",
		    f->evidence ? f->evidence : "");
	f = &x->a->nss.go_resolver;
	if (f->value && strcmp(f->value, "pure") == 0)
		add(x->res, RULE_FORBID_PURE_GO_NSS, true, x->w, "resolver",
		    "uses only Go's resolver, which reads /etc/hosts and asks DNS and bypasses NSS modules (%s)",
		    f->evidence ? f->evidence : "");
}

/* Mach-O / PE rules (docs/audit.md): a file of another format, or a
 * universal file's slice... is not of that platform: not applicable, no
 * finding. */
static bool is_platform(const struct goabi_artifact *a, const char *os)
{
	const char *n = a->os.name.value;
	if (strcmp(os, "macos") == 0)
		return a->kind == GOABI_KIND_MACHO;
	if (strcmp(os, "linux") == 0) /* objects and archives carry no floor: not judged */
		return a->kind == GOABI_KIND_ELF && n && strcmp(n, "linux") == 0;
	return a->kind == GOABI_KIND_PE && (!n || strcmp(n, "windows") == 0);
}

/* A universal Mach-O file: the rule on each slice, as FILE(arch) (a slice
 * above the policy fails on the machines that run that slice). */
static bool per_slice(const struct rule_ctx *x, void (*fn)(const struct rule_ctx *))
{
	if (x->a->kind != GOABI_KIND_MACHO || !x->a->nmembers)
		return false;
	for (size_t i = 0; i < x->a->nmembers; i++) {
		char w[4096];
		const struct goabi_artifact *m = x->a->members[i];
		snprintf(w, sizeof(w), "%s(%s)", x->w, m->member ? m->member : "?");
		const struct rule_ctx sx = { x->p, m, x->res, w };
		fn(&sx);
	}
	return true;
}

static void max_os(const struct rule_ctx *x, enum policy_rule r, const char *os, const char *max)
{
	const struct goabi_artifact *a = x->a;
	if (!is_platform(a, os))
		return;
	if (a->kind == GOABI_KIND_MACHO && a->os.platform && strcmp(a->os.platform, "macos") != 0)
		return; /* an iOS, tvOS... slice: not macOS */
	const struct goabi_fact *f = &a->os.floor;
	if (!f->value) {
		add(x->res, r, false, x->w, NULL, "%s floor could not be determined (%s)", os,
		    f->evidence ? f->evidence : "no evidence");
		return;
	}
	char lim[64];
	snprintf(lim, sizeof(lim), "%s %s", os, max);
	bool ok;
	int c = osfloor_cmp(f->value, lim, &ok);
	if (!ok)
		add(x->res, r, false, x->w, NULL, "the floor %s does not compare with %s", f->value, lim);
	else if (c > 0)
		add(x->res, r, true, x->w, NULL, "needs %s, above the policy's %s (%s)", f->value, lim,
		    f->evidence ? f->evidence : "");
}

static void rule_max_macos(const struct rule_ctx *x)
{
	if (per_slice(x, rule_max_macos))
		return;
	max_os(x, RULE_MAX_MACOS, "macos", x->p->max_macos);
}

static void rule_max_windows(const struct rule_ctx *x)
{
	max_os(x, RULE_MAX_WINDOWS, "windows", x->p->max_windows);
}

static void rule_max_linux(const struct rule_ctx *x)
{
	max_os(x, RULE_MAX_LINUX, "linux", x->p->max_linux);
}

static void rule_require_signature(const struct rule_ctx *x)
{
	if (per_slice(x, rule_require_signature))
		return;
	const struct goabi_artifact *a = x->a;
	if (a->kind != GOABI_KIND_MACHO && a->kind != GOABI_KIND_PE)
		return;
	const struct goabi_fact *f = &a->os.signature;
	if (!f->value)
		add(x->res, RULE_REQUIRE_SIGNATURE, false, x->w, NULL, "code signature could not be determined (%s)",
		    f->evidence ? f->evidence : "no evidence");
	else if (strcmp(f->value, "none") == 0)
		add(x->res, RULE_REQUIRE_SIGNATURE, true, x->w, NULL, "%s (%s)",
		    a->kind == GOABI_KIND_PE ? "not Authenticode-signed" : "not code-signed", f->evidence ? f->evidence : "");
}

static void rule_forbid_dll(const struct rule_ctx *x)
{
	const struct goabi_artifact *a = x->a;
	if (a->kind != GOABI_KIND_PE)
		return;
	for (size_t i = 0; i < a->os.ndylibs; i++) {
		const char *dll = a->os.dylibs[i].name;
		for (size_t j = 0; dll && j < x->p->nforbid_dll; j++)
			if (strcasecmp(dll, x->p->forbid_dll[j]) == 0)
				add(x->res, RULE_FORBID_DLL, true, x->w, dll, "imports %s (%zu functions), forbidden by '%s'", dll,
				    a->os.dylibs[i].imports.n, x->p->forbid_dll[j]);
	}
}

/* One function per rule, beside rules[] (same index); go_only: the rule
 * applies to Go artifacts only. Findings of one artifact come in the order
 * of enum policy_rule. */
static const struct {
	void (*check)(const struct rule_ctx *x);
	bool go_only;
} checks[RULE_COUNT] = {
	[RULE_MAX_GLIBC] = { rule_max_glibc, false },
	[RULE_LIBC] = { rule_libc, false },
	[RULE_REQUIRE_STATIC] = { rule_require_static, false },
	[RULE_CGO] = { rule_cgo, true },
	[RULE_MIN_GO] = { rule_min_go, true },
	[RULE_MAX_ISA] = { rule_max_isa, false },
	[RULE_REQUIRE_TRIMPATH] = { rule_require_trimpath, true },
	[RULE_FORBID_VCS_MODIFIED] = { rule_forbid_vcs_modified, true },
	[RULE_FORBID_MODULE] = { rule_forbid_module, true },
	[RULE_BUILDMODE] = { rule_buildmode, true },
	[RULE_FORBID_PURE_GO_NSS] = { rule_forbid_pure_go_nss, true },
	[RULE_MAX_MACOS] = { rule_max_macos, false },
	[RULE_MAX_WINDOWS] = { rule_max_windows, false },
	[RULE_REQUIRE_SIGNATURE] = { rule_require_signature, false },
	[RULE_FORBID_DLL] = { rule_forbid_dll, false },
	[RULE_MAX_LINUX] = { rule_max_linux, false },
};

void policy_check(const struct policy *p, const struct goabi_artifact *a, struct policy_result *res)
{
	const struct rule_ctx x = { p, a, res, a->path };
	bool go = a->typed.toolchain != GOABI_TC_UNSET && a->typed.toolchain != GOABI_TC_NONE;
	res->nchecked++;
	for (int r = 0; r < RULE_COUNT; r++)
		if (p->set[r] && (go || !checks[r].go_only))
			checks[r].check(&x);
}
