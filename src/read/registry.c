/* docker://[HOST[:PORT]/]REPO[:TAG|@DIGEST]: an image read from a registry
 * through the OCI distribution API (distribution-spec spec.md; Docker's
 * token authentication, distribution/docs/spec/auth/token.md):
 *   GET /v2/                       ping; a 401 names the auth scheme
 *   GET /v2/REPO/manifests/REF     image index or manifest (Accept: OCI and
 *                                  Docker v2 media types)
 *   GET /v2/REPO/blobs/DIGEST      config and layers (may redirect to
 *                                  another host: Authorization is not sent there)
 * Every manifest and blob is hashed while it arrives and compared with its
 * digest; layers stream into img_apply_layer_stream. Errors that leave no
 * usable image (authentication, a missing tag, a digest mismatch, a stalled
 * server) set fs->fatal with one diagnostic naming what failed. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "read/image_int.h"
#include "read/registry.h"

#define MAX_MANIFEST (16u << 20) /* as for manifests in image tars */
#define MAX_TOKEN (1u << 20)
#define MAX_REDIRECTS 5
#define MAX_INDEX_DEPTH 4

#define ACCEPT_MANIFESTS                                                                                      \
	"Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "     \
	"application/vnd.docker.distribution.manifest.list.v2+json, "                                          \
	"application/vnd.docker.distribution.manifest.v2+json"

struct reg {
	struct img_fs *fs;
	const struct img_remote *rm;
	struct img_remote defaults;
	struct img_http http;
	char scheme[8];
	char host[300];     /* host[:port] in URLs */
	char credhost[300]; /* key for credentials ("docker.io" for Docker Hub) */
	char repo[512];
	char ref[200];      /* tag or digest */
	bool by_digest, fallback_http;
	char *auth;         /* "Authorization: ..." or NULL */
	bool creds_looked, have_creds;
	char *user, *pass;
	const char *creds_from;
	char origin[400];   /* scheme://host:port of the registry */
};

/* ---- the reference ---- */
static bool is_loopback(const char *host)
{
	char h[300];
	snprintf(h, sizeof(h), "%s", host);
	if (h[0] == '[') { /* [::1]:5000 */
		char *e = strchr(h, ']');
		if (e)
			*e = 0;
		return strcmp(h + 1, "::1") == 0;
	}
	char *c = strchr(h, ':');
	if (c)
		*c = 0;
	return strcmp(h, "localhost") == 0 || strncmp(h, "127.", 4) == 0;
}

static bool repo_ok(const char *s)
{
	if (!*s || strlen(s) > 255)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-' ||
		      *p == '/'))
			return false;
	return s[0] != '/' && s[strlen(s) - 1] != '/' && !strstr(s, "//");
}

static bool tag_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 128 || *s == '.' || *s == '-')
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '_' || *p == '-'))
			return false;
	return true;
}

/* Docker's rule (distribution/reference normalize.go): the first component
 * is a registry when it has a '.' or a ':' or is "localhost". */
static bool parse_ref(struct reg *r, const char *s)
{
	while (*s == '/')
		s++;
	const char *slash = strchr(s, '/');
	const char *rest = s;
	if (slash && (memchr(s, '.', (size_t)(slash - s)) || memchr(s, ':', (size_t)(slash - s)) ||
		      ((size_t)(slash - s) == 9 && strncmp(s, "localhost", 9) == 0))) {
		snprintf(r->host, sizeof(r->host), "%.*s", (int)(slash - s), s);
		rest = slash + 1;
	} else {
		snprintf(r->host, sizeof(r->host), "docker.io");
	}
	if (strcmp(r->host, "docker.io") == 0 || strcmp(r->host, "index.docker.io") == 0 ||
	    strcmp(r->host, "registry-1.docker.io") == 0) {
		snprintf(r->credhost, sizeof(r->credhost), "docker.io");
		snprintf(r->host, sizeof(r->host), "registry-1.docker.io");
	} else {
		snprintf(r->credhost, sizeof(r->credhost), "%s", r->host);
	}
	char name[600];
	snprintf(name, sizeof(name), "%s", rest);
	char *at = strchr(name, '@');
	if (at) {
		*at = 0;
		snprintf(r->ref, sizeof(r->ref), "%s", at + 1);
		r->by_digest = true;
		char *tc = strrchr(name, ':'); /* name:tag@digest: the digest wins */
		if (tc && !strchr(tc, '/'))
			*tc = 0;
		if (!img_digest_valid(r->ref))
			return false;
	} else {
		char *tc = strrchr(name, ':');
		if (tc && !strchr(tc, '/')) {
			*tc = 0;
			snprintf(r->ref, sizeof(r->ref), "%s", tc + 1);
		} else {
			snprintf(r->ref, sizeof(r->ref), "latest");
		}
		if (!tag_ok(r->ref))
			return false;
	}
	if (strcmp(r->credhost, "docker.io") == 0 && !strchr(name, '/'))
		snprintf(r->repo, sizeof(r->repo), "library/%.400s", name);
	else
		snprintf(r->repo, sizeof(r->repo), "%.500s", name);
	if (strlen(name) > 400)
		return false;
	return repo_ok(r->repo) && r->host[0];
}

static void set_origin(struct reg *r)
{
	snprintf(r->origin, sizeof(r->origin), "%s://%s", r->scheme, r->host);
}

/* scheme://host:port of a URL, default ports made explicit */
static void origin_of(const char *url, char *out, size_t n)
{
	out[0] = 0;
	CURLU *u = curl_url();
	if (!u)
		return;
	char *sch = NULL, *host = NULL, *port = NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &sch, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK)
		snprintf(out, n, "%s://%s:%s", sch, host, port);
	curl_free(sch);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
}

static bool same_origin(struct reg *r, const char *url)
{
	char a[400], b[512];
	origin_of(url, a, sizeof(a));
	snprintf(b, sizeof(b), "%s/", r->origin);
	char c[400];
	origin_of(b, c, sizeof(c));
	return a[0] && strcmp(a, c) == 0;
}

/* ---- authentication ---- */
static void look_up_creds(struct reg *r)
{
	if (r->creds_looked)
		return;
	r->creds_looked = true;
	char err[600];
	r->have_creds = img_find_creds(r->credhost, r->rm->creds, &r->user, &r->pass, &r->creds_from, err, sizeof(err));
	if (!r->have_creds && err[0])
		img_diag(r->fs, false, "credentials for %s: %s", r->credhost, err);
}

static char *basic_header(struct reg *r)
{
	char *up = NULL, *b = NULL, *h = NULL;
	if (asprintf(&up, "%s:%s", r->user, r->pass) < 0)
		return NULL;
	b = img_b64_encode(up, strlen(up));
	if (b && asprintf(&h, "Authorization: Basic %s", b) < 0)
		h = NULL;
	free(up);
	free(b);
	return h;
}

/* the value of k="v" (or k=v) in a challenge */
static bool chal_param(const char *chal, const char *k, char *out, size_t n)
{
	size_t kl = strlen(k);
	for (const char *p = chal; (p = strcasestr(p, k)) != NULL; p += kl) {
		if ((p != chal && p[-1] != ' ' && p[-1] != ',') || p[kl] != '=')
			continue;
		const char *v = p + kl + 1;
		size_t len;
		if (*v == '"') {
			v++;
			const char *e = strchr(v, '"');
			len = e ? (size_t)(e - v) : strlen(v);
		} else {
			len = strcspn(v, ", ");
		}
		if (len >= n)
			return false;
		memcpy(out, v, len);
		out[len] = 0;
		return true;
	}
	return false;
}

/* Answer a 401 challenge: Basic with the credentials, or a Bearer token
 * from the realm (anonymous, or with the credentials). */
static int authenticate(struct reg *r, const char *chal)
{
	look_up_creds(r);
	free(r->auth);
	r->auth = NULL;
	if (strncasecmp(chal, "Basic", 5) == 0) {
		if (!r->have_creds) {
			img_fail_input(r->fs, "registry %s requires credentials and none were found for it (--creds, $REGISTRY_AUTH_FILE, "
				"~/.docker/config.json)", r->host);
			return GOABI_EIO;
		}
		r->auth = basic_header(r);
		return r->auth ? 0 : GOABI_ENOMEM;
	}
	if (strncasecmp(chal, "Bearer", 6) != 0) {
		img_fail_input(r->fs, "registry %s asks for unsupported authentication '%.60s'", r->host, chal);
		return GOABI_EIO;
	}
	char realm[2048], service[512] = "", scope[1024] = "";
	if (!chal_param(chal, "realm", realm, sizeof(realm))) {
		img_fail_input(r->fs, "registry %s: Bearer challenge without a realm", r->host);
		return GOABI_EIO;
	}
	chal_param(chal, "service", service, sizeof(service));
	if (!chal_param(chal, "scope", scope, sizeof(scope)))
		snprintf(scope, sizeof(scope), "repository:%s:pull", r->repo);
	if (strncmp(realm, "https://", 8) != 0 &&
	    !(strncmp(realm, "http://", 7) == 0 && (r->rm->tls_verify == 0 || is_loopback(realm + 7)))) {
		img_fail_input(r->fs, "registry %s: token realm '%.200s' is not https", r->host, realm);
		return GOABI_EIO;
	}
	char *es = curl_easy_escape(r->http.h, service, 0), *ec = curl_easy_escape(r->http.h, scope, 0);
	char *url = NULL;
	int n = asprintf(&url, "%s%sservice=%s&scope=%s", realm, strchr(realm, '?') ? "&" : "?", es ? es : "",
			 ec ? ec : "");
	curl_free(es);
	curl_free(ec);
	if (n < 0)
		return GOABI_ENOMEM;
	struct curl_slist *h = NULL;
	char *basic = r->have_creds ? basic_header(r) : NULL;
	if (basic)
		h = curl_slist_append(h, basic);
	struct img_http_resp resp = { 0 };
	int rc = GOABI_EIO;
	unsigned tries = 0;
	for (;;) {
		rc = img_http_get(&r->http, url, h, MAX_TOKEN, &resp);
		bool again = (rc != 0 && resp.cc != CURLE_OPERATION_TIMEDOUT) || resp.status == 429 || resp.status >= 500;
		if (!again || tries++ >= r->rm->retries)
			break;
		sleep(tries > 3 ? 8 : 1u << (tries - 1));
	}
	if (rc) {
		img_fail_input(r->fs, "token endpoint %.200s: %s", realm, resp.err);
	} else if (resp.status == 401 || resp.status == 403) {
		if (r->have_creds)
			img_fail_input(r->fs, "token endpoint %.200s rejected the credentials from %s for %s (HTTP %ld)", realm,
			     r->creds_from, r->credhost, resp.status);
		else
			img_fail_input(r->fs, "token endpoint %.200s refused an anonymous token for %s (HTTP %ld); no credentials found "
				"for %s", realm, scope, resp.status, r->credhost);
		rc = GOABI_EIO;
	} else if (resp.status != 200 || resp.too_big) {
		img_fail_input(r->fs, "token endpoint %.200s answered HTTP %ld%s", realm, resp.status, resp.too_big ? " (too large)" : "");
		rc = GOABI_EIO;
	} else {
		json_t *j = json_loadb((const char *)resp.body, resp.len, 0, NULL);
		const char *t = json_string_value(json_object_get(j, "token"));
		if (!t || !*t)
			t = json_string_value(json_object_get(j, "access_token"));
		if (!t || !*t || strlen(t) > 64000 || strpbrk(t, "\r\n")) {
			img_fail_input(r->fs, "token endpoint %.200s gave no usable token", realm);
			rc = GOABI_EIO;
		} else if (asprintf(&r->auth, "Authorization: Bearer %s", t) < 0) {
			r->auth = NULL;
			rc = GOABI_ENOMEM;
		}
		json_decref(j);
	}
	img_http_resp_free(&resp);
	curl_slist_free_all(h);
	free(basic);
	free(url);
	return rc;
}

/* ---- requests with retries, redirects and authentication ---- */
static bool retryable(const struct img_http_resp *resp, int rc)
{
	if (rc)
		return resp->cc == CURLE_RECV_ERROR || resp->cc == CURLE_SEND_ERROR ||
		       resp->cc == CURLE_GOT_NOTHING || resp->cc == CURLE_PARTIAL_FILE || resp->cc == CURLE_HTTP2 ||
		       resp->cc == CURLE_HTTP2_STREAM;
	return resp->status == 429 || resp->status == 500 || resp->status == 502 || resp->status == 503 ||
	       resp->status == 504;
}

static void backoff(struct reg *r, unsigned attempt, long retry_after)
{
	unsigned s = attempt > 4 ? 16 : 1u << (attempt - 1);
	if (retry_after > 0)
		s = retry_after > 30 ? 30 : (unsigned)retry_after;
	(void)r;
	sleep(s);
}

/* The registry's own words from an error body (distribution-spec errors). */
static void reg_error(const struct img_http_resp *resp, char *out, size_t n)
{
	out[0] = 0;
	json_t *j = resp->body ? json_loadb((const char *)resp->body, resp->len, 0, NULL) : NULL;
	json_t *e = json_array_get(json_object_get(j, "errors"), 0);
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *msg = json_string_value(json_object_get(e, "message"));
	if (code || msg)
		snprintf(out, n, ": %s%s%.200s", code ? code : "", code && msg ? " " : "", msg ? msg : "");
	json_decref(j);
}

struct req {
	const char *path;        /* /v2/... */
	const char *accept;      /* header line or NULL */
	size_t max;
	struct img_digest *dg;   /* streams: hashed as it arrives */
	uint64_t stream_max;     /* streams: bytes allowed */
	bool stream;
};

/* One request; follows redirects (Authorization only to the registry's own
 * origin), answers 401 once, retries 429/5xx/dropped connections. On
 * return 0 the response (or the open stream, body begun) is the final one:
 * 2xx or another status for the caller to judge. */
static int request(struct reg *r, const struct req *q, struct img_http_resp *resp, struct img_http_stream *s)
{
	char *url = NULL;
	if (asprintf(&url, "%s%s", r->origin, q->path) < 0)
		return GOABI_ENOMEM;
	unsigned attempt = 0, redirects = 0;
	bool authed = false;
	int rc;
	for (;;) {
		bool own = same_origin(r, url);
		struct curl_slist *h = NULL;
		if (q->accept)
			h = curl_slist_append(h, q->accept);
		if (own && r->auth)
			h = curl_slist_append(h, r->auth);
		struct img_http_resp *rs = resp;
		if (q->stream) {
			if (q->dg && !img_digest_reset(q->dg)) { /* from the start on every attempt */
				curl_slist_free_all(h);
				rc = GOABI_ENOMEM;
				break;
			}
			rc = img_http_stream_open(s, &r->http, url, h, q->stream_max, q->dg);
			rs = &s->resp;
			s->hdrs = h;
			if (rc == 0 && s->resp.status >= 200 && s->resp.status < 300)
				break;
		} else {
			rc = img_http_get(&r->http, url, h, q->max, resp);
			curl_slist_free_all(h);
			h = NULL;
		}
		long st = rs->status;
		const char *loc = rs->location;
		if (rc == 0 && st >= 300 && st < 400 && loc[0]) {
			if (++redirects > MAX_REDIRECTS) {
				img_fail_input(r->fs, "GET %s: more than %d redirects", q->path, MAX_REDIRECTS);
				if (q->stream) {
					img_http_stream_close(s);
					curl_slist_free_all(h);
				}
				rc = GOABI_EIO;
				break;
			}
			char *nu = strdup(loc);
			if (q->stream) {
				img_http_stream_close(s);
				curl_slist_free_all(h);
			}
			free(url);
			url = nu;
			if (!url)
				return GOABI_ENOMEM;
			if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
				img_fail_input(r->fs, "GET %s: redirected to '%.200s'", q->path, url);
				rc = GOABI_EIO;
				break;
			}
			continue;
		}
		if (rc == 0 && st == 401 && own && !authed && rs->wwwauth[0]) {
			char chal[2048];
			snprintf(chal, sizeof(chal), "%s", rs->wwwauth);
			if (q->stream) {
				img_http_stream_close(s);
				curl_slist_free_all(h);
			}
			authed = true;
			if ((rc = authenticate(r, chal)) != 0)
				break;
			continue;
		}
		if (retryable(rs, rc) && attempt < r->rm->retries) {
			long ra = rs->retry_after;
			if (q->stream) {
				img_http_stream_close(s);
				curl_slist_free_all(h);
			}
			backoff(r, ++attempt, ra);
			continue;
		}
		if (rc) {
			if (rs->cc == CURLE_OPERATION_TIMEDOUT)
				img_fail_input(r->fs, "GET %s%s: no answer for %u s (timed out; --timeout)", own ? r->origin : "",
				     own ? q->path : url, r->rm->timeout);
			else
				img_fail_input(r->fs, "GET %s%s: %s", own ? r->origin : "", own ? q->path : url, rs->err);
			if (q->stream) {
				img_http_stream_close(s);
				curl_slist_free_all(h);
			}
		}
		break; /* a final status: the caller judges it */
	}
	free(url);
	return rc;
}

static void status_fail(struct reg *r, const char *what, const struct img_http_resp *resp)
{
	char words[300];
	reg_error(resp, words, sizeof(words));
	if (resp->status == 401 || resp->status == 403) {
		look_up_creds(r);
		if (r->have_creds)
			img_fail_input(r->fs, "%s: registry %s rejected the credentials from %s (HTTP %ld%s)", what, r->host,
			     r->creds_from, resp->status, words);
		else
			img_fail_input(r->fs, "%s: registry %s denied access without credentials (HTTP %ld%s); none found for %s",
			     what, r->host, resp->status, words, r->credhost);
	} else if (resp->status == 404) {
		img_fail_input(r->fs, "%s: not found on %s (HTTP 404%s)", what, r->host, words);
	} else {
		img_fail_input(r->fs, "%s: registry %s answered HTTP %ld%s", what, r->host, resp->status, words);
	}
}

/* ---- ping ---- */
static int ping(struct reg *r)
{
	struct img_http_resp resp = { 0 };
	struct req q = { "/v2/", NULL, 1 << 16, NULL, 0, false };
	int rc = request(r, &q, &resp, NULL);
	if (rc && r->fallback_http && (resp.cc == CURLE_SSL_CONNECT_ERROR || resp.cc == CURLE_RECV_ERROR ||
				       resp.cc == CURLE_GOT_NOTHING)) {
		/* --tls-verify=false: a registry that speaks plain HTTP (as docker
		 * does for insecure registries) */
		r->fs->diags.n--, r->fs->nerrors--, r->fs->fatal = false;
		snprintf(r->scheme, sizeof(r->scheme), "http");
		set_origin(r);
		rc = request(r, &q, &resp, NULL);
	}
	if (rc == 0 && resp.status != 200) {
		if (resp.status == 401 || resp.status == 403)
			status_fail(r, "GET /v2/", &resp);
		else
			img_fail_input(r->fs, "%s is not a registry: GET /v2/ answered HTTP %ld", r->host, resp.status);
		rc = GOABI_EIO;
	}
	img_http_resp_free(&resp);
	return rc;
}

/* ---- manifests ---- */
static bool is_index(const char *mt, json_t *j)
{
	if (!mt || !*mt)
		mt = json_string_value(json_object_get(j, "mediaType"));
	if (mt && (strstr(mt, "image.index") || strstr(mt, "manifest.list")))
		return true;
	return !mt && json_is_array(json_object_get(j, "manifests"));
}

/* GET a manifest; verified against ref when it is a digest, else against
 * the Docker-Content-Digest the registry sent. */
static json_t *get_manifest(struct reg *r, const char *ref, char *digest, size_t dlen, bool *index)
{
	char path[1024];
	snprintf(path, sizeof(path), "/v2/%s/manifests/%s", r->repo, ref);
	struct img_http_resp resp = { 0 };
	struct req q = { path, ACCEPT_MANIFESTS, MAX_MANIFEST, NULL, 0, false };
	json_t *j = NULL;
	char what[800];
	snprintf(what, sizeof(what), "manifest %s%s%s", r->repo, img_digest_valid(ref) ? "@" : ":", ref);
	if (request(r, &q, &resp, NULL) != 0)
		goto out;
	if (resp.status != 200) {
		status_fail(r, what, &resp);
		goto out;
	}
	if (resp.too_big) {
		img_fail_input(r->fs, "%s: larger than %u bytes", what, MAX_MANIFEST);
		goto out;
	}
	const char *want = img_digest_valid(ref) ? ref : img_digest_valid(resp.digest) ? resp.digest : NULL;
	struct img_digest dg;
	char got[200];
	if (!img_digest_init(&dg, want ? want : "sha256:0000000000000000000000000000000000000000000000000000000000000000")) {
		img_fail_input(r->fs, "%s: unusable digest", what);
		goto out;
	}
	img_digest_update(&dg, resp.body, resp.len);
	bool match = img_digest_final(&dg, got, sizeof(got));
	if (want && !match) {
		img_fail_input(r->fs, "%s does not match its digest %s (received %s)", what, want, got);
		goto out;
	}
	snprintf(digest, dlen, "%s", want ? want : got);
	json_error_t je;
	j = json_loadb((const char *)resp.body, resp.len, 0, &je);
	if (!j) {
		img_fail_input(r->fs, "%s is not valid JSON: %s", what, je.text);
		goto out;
	}
	if (json_integer_value(json_object_get(j, "schemaVersion")) == 1) {
		img_fail_input(r->fs, "%s is a Docker schema 1 manifest (not supported; convert it with skopeo copy)", what);
		json_decref(j);
		j = NULL;
		goto out;
	}
	*index = is_index(resp.ctype, j);
out:
	img_http_resp_free(&resp);
	return j;
}

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* The manifest for the platform, through nested indexes. */
static json_t *pick(struct reg *r, json_t *idx, const char *os, const char *arch, const char *var, unsigned depth,
		    char *digest, size_t dlen)
{
	char avail[1024] = "";
	json_t *d;
	size_t i;
	json_array_foreach(json_object_get(idx, "manifests"), i, d) {
		json_t *p = json_object_get(d, "platform");
		const char *pos = json_string_value(json_object_get(p, "os"));
		const char *parch = json_string_value(json_object_get(p, "architecture"));
		const char *pvar = json_string_value(json_object_get(p, "variant"));
		const char *dgst = json_string_value(json_object_get(d, "digest"));
		if (streq(pos, "unknown") || !dgst) /* attestations (buildkit) */
			continue;
		size_t al = strlen(avail);
		if (al < sizeof(avail) - 80)
			snprintf(avail + al, sizeof(avail) - al, "%s%.20s/%.20s%s%.10s", al ? ", " : "", pos ? pos : "?",
				 parch ? parch : "?", pvar ? "/" : "", pvar ? pvar : "");
		if (!(streq(pos, os) && streq(parch, arch) && (!var || !pvar || streq(pvar, var))))
			continue;
		if (!img_digest_valid(dgst)) {
			img_fail_input(r->fs, "index lists manifest '%.100s', not a usable digest", dgst);
			return NULL;
		}
		bool sub = false;
		json_t *m = get_manifest(r, dgst, digest, dlen, &sub);
		if (m && sub) {
			if (depth >= MAX_INDEX_DEPTH) {
				img_fail_input(r->fs, "image indexes nested deeper than %d", MAX_INDEX_DEPTH);
				json_decref(m);
				return NULL;
			}
			json_t *x = pick(r, m, os, arch, var, depth + 1, digest, dlen);
			json_decref(m);
			return x;
		}
		return m;
	}
	img_fail_input(r->fs, "no image for platform %s/%s%s%s in the index (available: %s)", os, arch, var ? "/" : "", var ? var : "",
	     avail[0] ? avail : "none");
	return NULL;
}

/* ---- blobs ---- */
static json_t *get_config(struct reg *r, const char *digest, int64_t size)
{
	char path[1024];
	snprintf(path, sizeof(path), "/v2/%s/blobs/%s", r->repo, digest);
	if (size < 0 || size > (int64_t)MAX_MANIFEST) {
		img_fail_input(r->fs, "config %s: size %lld out of range", digest, (long long)size);
		return NULL;
	}
	struct img_http_resp resp = { 0 };
	struct req q = { path, NULL, MAX_MANIFEST, NULL, 0, false };
	json_t *j = NULL;
	char what[300];
	snprintf(what, sizeof(what), "config %s", digest);
	if (request(r, &q, &resp, NULL) != 0)
		goto out;
	if (resp.status != 200) {
		status_fail(r, what, &resp);
		goto out;
	}
	struct img_digest dg;
	char got[200];
	img_digest_init(&dg, digest);
	img_digest_update(&dg, resp.body, resp.len);
	if (resp.too_big || !img_digest_final(&dg, got, sizeof(got))) {
		img_fail_input(r->fs, "config blob %s does not match its digest (received %s, %zu bytes)", digest, got, resp.len);
		goto out;
	}
	j = json_loadb((const char *)resp.body, resp.len, 0, NULL);
	if (!j)
		img_fail_input(r->fs, "config %s is not valid JSON", digest);
out:
	img_http_resp_free(&resp);
	return j;
}

struct layer_progress {
	const struct img_remote *rm;
	unsigned layer, nlayers;
	const char *digest;
	uint64_t total;
};

static void on_layer_bytes(void *ctx, uint64_t done)
{
	struct layer_progress *lp = ctx;
	lp->rm->layer_progress(lp->rm->progress_ctx, lp->layer, lp->nlayers, lp->digest, done, lp->total, false);
}

/* Layer i of n was applied from bytes that match digest: the files it
 * brings are named by (digest, path) (the image check shares their facts
 * across images, check/image.c). */
static void note_layer_digest(struct img_fs *fs, unsigned i, unsigned n, const char *digest)
{
	if (!fs->layer_digest && n) {
		fs->layer_digest = arena_alloc(fs->ar, n * sizeof(*fs->layer_digest));
		if (fs->layer_digest) {
			memset(fs->layer_digest, 0, n * sizeof(*fs->layer_digest));
			fs->nlayer_digest = n;
		}
	}
	if (i >= 1 && i <= fs->nlayer_digest)
		fs->layer_digest[i - 1] = arena_strdup(fs->ar, digest);
}

static int get_layer(struct reg *r, unsigned i, unsigned n, const char *digest, int64_t size)
{
	struct img_fs *fs = r->fs;
	char where[300];
	snprintf(where, sizeof(where), "layer %u (%s)", i, digest);
	if (size < 0 || (uint64_t)size > fs->lim.max_bytes) {
		img_fail_input(r->fs, "%s: size %lld is out of range (--max-size %llu)", where, (long long)size,
		     (unsigned long long)fs->lim.max_bytes);
		return GOABI_ELIMIT;
	}
	fs->nlayers = i;
	const char *cache = r->rm->cache_dir;
	if (cache) {
		int c = img_cache_apply(fs, cache, digest, i, where);
		if (c < 0)
			return c;
		if (c == 1) {
			note_layer_digest(fs, i, n, digest);
			if (r->rm->layer_progress)
				r->rm->layer_progress(r->rm->progress_ctx, i, n, digest, (uint64_t)size, (uint64_t)size, true);
			return 0;
		}
	}
	char path[1024];
	snprintf(path, sizeof(path), "/v2/%s/blobs/%s", r->repo, digest);
	struct img_digest dg;
	img_digest_init(&dg, digest);
	struct img_http_stream s;
	struct req q = { path, NULL, 0, &dg, (uint64_t)size, true };
	int rc = request(r, &q, NULL, &s);
	if (rc) {
		img_digest_free(&dg);
		return rc;
	}
	if (s.resp.status < 200 || s.resp.status > 299) {
		img_digest_free(&dg);
		char what[400];
		snprintf(what, sizeof(what), "layer %u blob %s", i, digest);
		status_fail(r, what, &s.resp);
		img_http_stream_close(&s);
		curl_slist_free_all(s.hdrs);
		return GOABI_EIO;
	}
	struct layer_progress lp = { r->rm, i, n, digest, (uint64_t)size };
	if (r->rm->layer_progress) {
		s.progress = on_layer_bytes;
		s.progress_ctx = &lp;
	}
	struct img_layer_rec *rec = cache ? img_cache_begin(fs, cache, digest) : NULL;
	size_t d0 = fs->diags.n, e0 = fs->nerrors;
	rc = img_apply_layer_stream(fs, img_http_stream_read, &s, i, where);
	img_http_stream_drain(&s);
	char got[200] = "";
	bool xfer_ok = s.result == CURLE_OK && !s.overflow;
	bool digest_ok = img_digest_final(&dg, got, sizeof(got)) && s.got == (uint64_t)size;
	bool verified = xfer_ok && digest_ok;
	if (!verified) { /* what the reader said about these bytes follows from this */
		fs->diags.n = d0;
		fs->nerrors = e0;
	}
	if (s.result == CURLE_OPERATION_TIMEDOUT)
		img_fail_input(r->fs, "%s: no data for %u s after %llu of %lld bytes (timed out; --timeout)", where, r->rm->timeout,
		     (unsigned long long)s.got, (long long)size);
	else if (!xfer_ok)
		img_fail_input(r->fs, "%s: download failed after %llu of %lld bytes: %s", where, (unsigned long long)s.got,
		     (long long)size, s.overflow ? "more bytes than the manifest's size" : s.resp.err[0] ? s.resp.err
		     : curl_easy_strerror(s.result));
	else if (!digest_ok)
		img_fail_input(r->fs, "layer %u blob %s does not match its digest (received %s, %llu of %lld bytes)", i, digest, got,
		     (unsigned long long)s.got, (long long)size);
	if (rec)
		img_cache_end(fs, rec, verified && rc == 0 && fs->diags.n == d0);
	if (r->rm->layer_progress)
		r->rm->layer_progress(r->rm->progress_ctx, i, n, digest, s.got, (uint64_t)size, true);
	img_http_stream_close(&s);
	curl_slist_free_all(s.hdrs);
	if (!verified)
		return GOABI_EFORMAT;
	if (rc == 0 && fs->diags.n == d0)
		note_layer_digest(fs, i, n, digest);
	return rc;
}

/* The registry of refstr (host, repository, scheme, credentials) ready
 * for requests; r->fs gets the diagnostics. */
static int reg_setup(struct reg *r, struct img_fs *fs, const char *refstr)
{
	r->fs = fs;
	r->defaults.tls_verify = -1;
	r->rm = fs->lim.remote ? fs->lim.remote : &r->defaults;
	r->defaults = *r->rm;
	if (!r->defaults.timeout)
		r->defaults.timeout = IMG_DEF_TIMEOUT;
	if (!r->rm->retries && !r->rm->timeout)
		r->defaults.retries = IMG_DEF_RETRIES;
	r->rm = &r->defaults;
	if (!parse_ref(r, refstr)) {
		img_fail_input(r->fs, "not a valid image reference (docker://[HOST[:PORT]/]REPO[:TAG|@sha256:DIGEST])");
		return GOABI_EFORMAT;
	}
	int rc = img_http_init(&r->http, (long)r->rm->timeout);
	if (rc)
		return rc;
	if (r->rm->tls_verify == 0) {
		r->http.insecure = true;
		r->fallback_http = true;
		snprintf(r->scheme, sizeof(r->scheme), "https");
	} else if (r->rm->tls_verify < 0 && is_loopback(r->host)) {
		snprintf(r->scheme, sizeof(r->scheme), "http");
	} else {
		snprintf(r->scheme, sizeof(r->scheme), "https");
	}
	set_origin(r);
	return 0;
}

static void reg_free(struct reg *r)
{
	if (r->http.h || r->http.m)
		img_http_free(&r->http);
	free(r->auth);
	free(r->user);
	free(r->pass);
	r->auth = r->user = r->pass = NULL;
}

int img_read_registry(struct img_fs *fs, const char *refstr, const char *os, const char *arch, const char *var,
		      bool platform_given)
{
	struct reg r = { 0 };
	fs->format = "registry";
	int rc = reg_setup(&r, fs, refstr);
	if (rc) {
		reg_free(&r);
		return rc;
	}
	fs->ref = arena_printf(fs->ar, "%s/%s%s%s", r.host, r.repo, r.by_digest ? "@" : ":", r.ref);
	json_t *man = NULL, *cfg = NULL;
	char digest[200] = "";
	bool index = false;
	if ((rc = ping(&r)) != 0)
		goto out;
	man = get_manifest(&r, r.ref, digest, sizeof(digest), &index);
	if (!man) {
		rc = GOABI_EIO;
		goto out;
	}
	if (index) {
		json_t *m = pick(&r, man, os, arch, var, 0, digest, sizeof(digest));
		json_decref(man);
		man = m;
		if (!man) {
			rc = GOABI_EIO;
			goto out;
		}
	}
	fs->digest = arena_strdup(fs->ar, digest);
	json_t *cd = json_object_get(man, "config");
	const char *cdig = json_string_value(json_object_get(cd, "digest"));
	if (!img_digest_valid(cdig)) {
		img_fail_input(r.fs, "manifest %s has no usable config digest", digest);
		rc = GOABI_EFORMAT;
		goto out;
	}
	cfg = get_config(&r, cdig, json_integer_value(json_object_get(cd, "size")));
	if (!cfg) {
		rc = GOABI_EIO;
		goto out;
	}
	img_set_platform_from_config(fs, cfg);
	if (platform_given && !index && fs->arch && !streq(fs->arch, arch))
		img_diag(fs, false, "'%s': a single-platform image for %s/%s, not the %s/%s asked for", fs->input,
			 fs->os ? fs->os : "?", fs->arch, os, arch);
	json_t *layers = json_object_get(man, "layers");
	if (!json_is_array(layers)) {
		img_fail_input(r.fs, "manifest %s has no layers list", digest);
		rc = GOABI_EFORMAT;
		goto out;
	}
	size_t nl = json_array_size(layers);
	if (nl > 4096) {
		img_fail_input(r.fs, "manifest %s lists %zu layers (more than 4096)", digest, nl);
		rc = GOABI_ELIMIT;
		goto out;
	}
	json_t *l;
	size_t i;
	json_array_foreach(layers, i, l) {
		const char *ld = json_string_value(json_object_get(l, "digest"));
		const char *mt = json_string_value(json_object_get(l, "mediaType"));
		if (!img_digest_valid(ld)) {
			img_fail_input(r.fs, "layer %zu has no usable digest", i + 1);
			rc = GOABI_EFORMAT;
			goto out;
		}
		if (mt && strstr(mt, "encrypted")) {
			img_fail_input(r.fs, "layer %zu (%s) is encrypted (%s)", i + 1, ld, mt);
			rc = GOABI_EFORMAT;
			goto out;
		}
		rc = get_layer(&r, (unsigned)i + 1, (unsigned)nl, ld, json_integer_value(json_object_get(l, "size")));
		if (rc)
			goto out;
	}
out:
	json_decref(man);
	json_decref(cfg);
	reg_free(&r);
	return rc;
}

/* ---- enumeration: many images from one reference (docs/fleet.md) ---- */

/* The last diagnostic (what failed), without the "'INPUT': " prefix. */
static const char *last_diag(struct img_fs *fs)
{
	if (!fs->diags.n)
		return "failed";
	const char *d = fs->diags.v[fs->diags.n - 1];
	size_t il = strlen(fs->input);
	if (d[0] == '\'' && strncmp(d + 1, fs->input, il) == 0 && strncmp(d + 1 + il, "': ", 3) == 0)
		return d + il + 4;
	return d;
}

static void clear_failure(struct img_fs *fs)
{
	fs->fatal = false;
}

/* Names from a paginated listing (/v2/_catalog, /v2/REPO/tags/list):
 * ?n=PAGE, then &last=<last name> while pages come full (distribution-spec
 * "Listing Tags" / the catalog API). A registry that ignores n (answers
 * everything at once) is handled: a page with nothing after `last` ends
 * the listing. */
#define LIST_PAGE 1000
#define LIST_MAX 1000000
static int list_names(struct reg *r, const char *base, const char *key, bool missing_ok, char ***out, size_t *nout)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	char last[1024] = "";
	int rc = 0;
	for (unsigned page = 0; page < LIST_MAX / LIST_PAGE; page++) {
		char path[2048];
		char *el = last[0] ? curl_easy_escape(r->http.h, last, 0) : NULL;
		snprintf(path, sizeof(path), "%s?n=%d%s%s", base, LIST_PAGE, el ? "&last=" : "", el ? el : "");
		curl_free(el);
		struct img_http_resp resp = { 0 };
		struct req q = { path, NULL, 64u << 20, NULL, 0, false };
		if ((rc = request(r, &q, &resp, NULL)) != 0) {
			img_http_resp_free(&resp);
			break;
		}
		if (resp.status == 404 && missing_ok) { /* a repository without tags (blobs only) */
			img_http_resp_free(&resp);
			break;
		}
		if (resp.status != 200 || resp.too_big) {
			status_fail(r, base, &resp);
			img_http_resp_free(&resp);
			rc = GOABI_EIO;
			break;
		}
		json_t *j = json_loadb((const char *)resp.body, resp.len, 0, NULL);
		img_http_resp_free(&resp);
		json_t *a = json_object_get(j, key);
		if (!j || (!json_is_array(a) && !json_is_null(a) && a)) {
			img_fail_input(r->fs, "GET %s: not a JSON object with a \"%s\" list", base, key);
			json_decref(j);
			rc = GOABI_EFORMAT;
			break;
		}
		size_t i, got = 0;
		json_t *e;
		char newlast[1024] = "";
		json_array_foreach(a, i, e) {
			const char *s = json_string_value(e);
			if (!s || strlen(s) >= sizeof(last))
				continue;
			got++;
			if (last[0] && strcmp(s, last) <= 0)
				continue; /* n ignored: already listed */
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 64;
				char **nv = realloc(v, nc * sizeof(*v));
				if (!nv) {
					rc = GOABI_ENOMEM;
					break;
				}
				v = nv, cap = nc;
			}
			if (!(v[n] = strdup(s))) {
				rc = GOABI_ENOMEM;
				break;
			}
			n++;
			if (strcmp(s, newlast) > 0)
				snprintf(newlast, sizeof(newlast), "%s", s);
		}
		json_decref(j);
		if (rc || got < LIST_PAGE || !newlast[0] || n >= LIST_MAX)
			break;
		snprintf(last, sizeof(last), "%s", newlast);
	}
	if (rc) {
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		v = NULL, n = 0;
	}
	*out = v;
	*nout = n;
	return rc;
}

static bool platform_match(const char *want, const char *os, const char *arch, const char *var)
{
	if (!want)
		return true;
	char w[128];
	snprintf(w, sizeof(w), "%s", want);
	char *a = strchr(w, '/'), *v = NULL;
	if (!a)
		return false;
	*a++ = 0;
	if ((v = strchr(a, '/')) != NULL)
		*v++ = 0;
	return streq(w, os) && streq(a, arch) && (!v || !var || streq(v, var));
}

/* One tag or digest of r->repo: its manifest digest, or the digests of the
 * platforms of its index (nested indexes followed). */
static void resolve_one(struct reg *r, const char *name, const char *ref, const char *platform, unsigned depth,
			img_reg_found_fn cb, void *ctx)
{
	char digest[200] = "", repo[900];
	bool index = false;
	snprintf(repo, sizeof(repo), "%s/%s", r->host, r->repo);
	size_t d0 = r->fs->diags.n;
	json_t *m = get_manifest(r, ref, digest, sizeof(digest), &index);
	if (!m) {
		cb(ctx, name, repo, NULL, NULL, r->fs->diags.n > d0 ? last_diag(r->fs) : "manifest not read");
		clear_failure(r->fs);
		return;
	}
	if (!index) {
		cb(ctx, name, repo, digest, NULL, NULL);
		json_decref(m);
		return;
	}
	json_t *d;
	size_t i;
	json_array_foreach(json_object_get(m, "manifests"), i, d) {
		json_t *p = json_object_get(d, "platform");
		const char *pos = json_string_value(json_object_get(p, "os"));
		const char *parch = json_string_value(json_object_get(p, "architecture"));
		const char *pvar = json_string_value(json_object_get(p, "variant"));
		const char *dg = json_string_value(json_object_get(d, "digest"));
		const char *mt = json_string_value(json_object_get(d, "mediaType"));
		if (streq(pos, "unknown") || !dg) /* attestations (buildkit) */
			continue;
		if (!img_digest_valid(dg)) {
			cb(ctx, name, repo, NULL, NULL, "index lists a manifest without a usable digest");
			continue;
		}
		if (mt && (strstr(mt, "image.index") || strstr(mt, "manifest.list"))) {
			if (depth < MAX_INDEX_DEPTH)
				resolve_one(r, name, dg, platform, depth + 1, cb, ctx);
			else
				cb(ctx, name, repo, NULL, NULL, "image indexes nested too deep");
			continue;
		}
		if (!platform_match(platform, pos, parch, pvar))
			continue;
		char plat[128];
		snprintf(plat, sizeof(plat), "%.30s/%.30s%s%.30s", pos ? pos : "?", parch ? parch : "?", pvar ? "/" : "",
			 pvar ? pvar : "");
		cb(ctx, name, repo, dg, plat, NULL);
	}
	json_decref(m);
}

/* every tag of r->repo */
static void resolve_tags(struct reg *r, const char *platform, bool from_catalog, img_reg_found_fn cb, void *ctx)
{
	char base[700], repo[900];
	snprintf(base, sizeof(base), "/v2/%s/tags/list", r->repo);
	snprintf(repo, sizeof(repo), "%s/%s", r->host, r->repo);
	char **tags = NULL;
	size_t nt = 0;
	size_t d0 = r->fs->diags.n;
	if (list_names(r, base, "tags", from_catalog, &tags, &nt) != 0) {
		char name[1000];
		snprintf(name, sizeof(name), "%s:*", repo);
		cb(ctx, name, repo, NULL, NULL, r->fs->diags.n > d0 ? last_diag(r->fs) : "tags not listed");
		clear_failure(r->fs);
		return;
	}
	for (size_t i = 0; i < nt; i++) {
		if (tag_ok(tags[i])) {
			char name[1000];
			snprintf(name, sizeof(name), "%s:%s", repo, tags[i]);
			resolve_one(r, name, tags[i], platform, 0, cb, ctx);
		}
		free(tags[i]);
	}
	free(tags);
}

int img_registry_expand(const struct img_remote *rm, const char *refstr, const char *platform, img_reg_found_fn cb,
			void *ctx)
{
	struct img_fs fs;
	struct img_limits lim = { .remote = rm };
	if (img_init(&fs, refstr, &lim) != 0) {
		img_close(&fs);
		return GOABI_ENOMEM;
	}
	size_t len = strlen(refstr);
	enum { ONE, TAGS, CATALOG } kind = ONE;
	char buf[1200];
	const char *prefix = NULL;
	if (len >= 2 && strcmp(refstr + len - 2, ":*") == 0) {
		kind = TAGS;
		snprintf(buf, sizeof(buf), "%.*s", (int)(len - 2), refstr);
	} else if (len >= 1 && (refstr[len - 1] == '*' || refstr[len - 1] == '/')) {
		kind = CATALOG; /* HOST/ or HOST/PREFIX*: the catalog, repositories starting with PREFIX */
		const char *slash = strchr(refstr, '/');
		if (!slash) {
			cb(ctx, refstr, refstr, NULL, NULL, "not a registry listing (docker://HOST/*, docker://HOST/PREFIX*)");
			img_close(&fs);
			return 0;
		}
		prefix = slash + 1;
		snprintf(buf, sizeof(buf), "%.*s/x", (int)(slash - refstr), refstr); /* for the host */
	} else {
		snprintf(buf, sizeof(buf), "%s", refstr);
	}
	struct reg r = { 0 };
	int rc = reg_setup(&r, &fs, buf);
	if (rc == 0 && kind == CATALOG && !strchr(r.host, '.') && !strchr(r.host, ':') && strcmp(r.host, "localhost") != 0)
		rc = GOABI_EFORMAT; /* a listing needs a registry host */
	if (rc == 0)
		rc = ping(&r);
	if (rc) {
		cb(ctx, refstr, refstr, NULL, NULL, rc == GOABI_EFORMAT && !fs.diags.n ? "not a registry listing" : last_diag(&fs));
		reg_free(&r);
		img_close(&fs);
		return rc == GOABI_ENOMEM ? rc : 0;
	}
	if (kind == ONE) {
		char name[1400];
		snprintf(name, sizeof(name), "%s/%s%s%s", r.host, r.repo, r.by_digest ? "@" : ":", r.ref);
		resolve_one(&r, name, r.ref, platform, 0, cb, ctx);
	} else if (kind == TAGS) {
		resolve_tags(&r, platform, false, cb, ctx);
	} else {
		char **repos = NULL;
		size_t nr = 0;
		if (list_names(&r, "/v2/_catalog", "repositories", false, &repos, &nr) != 0) {
			cb(ctx, refstr, refstr, NULL, NULL, last_diag(&fs));
		} else {
			size_t pl = strlen(prefix);
			if (pl && prefix[pl - 1] == '*')
				pl--;
			for (size_t i = 0; i < nr; i++) {
				if (strncmp(repos[i], prefix, pl) == 0 && repo_ok(repos[i]) && strlen(repos[i]) < sizeof(r.repo)) {
					snprintf(r.repo, sizeof(r.repo), "%s", repos[i]);
					resolve_tags(&r, platform, true, cb, ctx);
				}
				free(repos[i]);
			}
			free(repos);
		}
	}
	reg_free(&r);
	img_close(&fs);
	return 0;
}

int img_registry_layers(const struct img_remote *rm, const char *refstr, char ***out, size_t *nout, char *err,
			size_t errlen)
{
	*out = NULL;
	*nout = 0;
	err[0] = 0;
	struct img_fs fs;
	struct img_limits lim = { .remote = rm };
	if (img_init(&fs, refstr, &lim) != 0) {
		img_close(&fs);
		return GOABI_ENOMEM;
	}
	struct reg r = { 0 };
	int rc = reg_setup(&r, &fs, refstr);
	json_t *m = NULL;
	if (rc == 0)
		rc = ping(&r);
	if (rc == 0) {
		char digest[200];
		bool index = false;
		m = get_manifest(&r, r.ref, digest, sizeof(digest), &index);
		json_t *layers = json_object_get(m, "layers");
		if (!m || index || !json_is_array(layers)) {
			rc = GOABI_EFORMAT;
		} else {
			size_t n = json_array_size(layers), i;
			json_t *l;
			char **v = calloc(n + 1, sizeof(*v));
			if (!v)
				rc = GOABI_ENOMEM;
			json_array_foreach(layers, i, l) {
				const char *d = json_string_value(json_object_get(l, "digest"));
				if (v && !(v[i] = strdup(img_digest_valid(d) ? d : "?")))
					rc = GOABI_ENOMEM;
			}
			*out = v;
			*nout = v ? n : 0;
		}
	}
	if (rc)
		snprintf(err, errlen, "%s", fs.diags.n ? last_diag(&fs) : "no layers list");
	json_decref(m);
	reg_free(&r);
	img_close(&fs);
	return rc;
}
