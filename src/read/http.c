/* HTTP for the remote image sources: one libcurl easy handle reused for
 * plain requests (keep-alive), a multi handle to pump streamed bodies into
 * libarchive's pull-style reader, digests computed as bytes pass. Redirects
 * are never followed here: the caller decides (and drops Authorization for
 * another origin). See registry.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "read/image_int.h"
#include "read/registry.h"

#define STREAM_BUF (4u << 20)  /* pause the transfer past this much unread body */
#define ERR_BODY (64u << 10)   /* error bodies kept (registry error JSON) */

/* ---- digests ---- */
static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1; /* upper case is not canonical (image-spec descriptor.md) */
}

bool img_digest_init(struct img_digest *d, const char *digest)
{
	memset(d, 0, sizeof(*d));
	if (!digest || strlen(digest) >= sizeof(d->str))
		return false;
	size_t hl;
	const EVP_MD *md;
	if (strncmp(digest, "sha256:", 7) == 0) {
		hl = 64;
		md = EVP_sha256();
	} else if (strncmp(digest, "sha512:", 7) == 0) {
		hl = 128;
		md = EVP_sha512();
	} else {
		return false;
	}
	const char *h = digest + 7;
	if (strlen(h) != hl)
		return false;
	for (size_t i = 0; i < hl / 2; i++) {
		int a = hexval(h[2 * i]), b = hexval(h[2 * i + 1]);
		if (a < 0 || b < 0)
			return false;
		d->want[i] = (uint8_t)(a << 4 | b);
	}
	d->c = EVP_MD_CTX_new();
	if (!d->c || EVP_DigestInit_ex(d->c, md, NULL) != 1) {
		img_digest_free(d);
		return false;
	}
	d->alg = hl == 64 ? 256 : 512;
	snprintf(d->str, sizeof(d->str), "%s", digest);
	return true;
}

void img_digest_free(struct img_digest *d)
{
	if (d->c)
		EVP_MD_CTX_free(d->c);
	d->c = NULL;
}

bool img_digest_reset(struct img_digest *d)
{
	char s[sizeof(d->str)];
	memcpy(s, d->str, sizeof(s));
	img_digest_free(d);
	return img_digest_init(d, s);
}

bool img_digest_valid(const char *digest)
{
	struct img_digest d;
	bool ok = img_digest_init(&d, digest);
	img_digest_free(&d);
	return ok;
}

void img_digest_update(struct img_digest *d, const void *p, size_t n)
{
	if (d->c)
		EVP_DigestUpdate(d->c, p, n);
}

bool img_digest_final(struct img_digest *d, char *got, size_t gotlen)
{
	uint8_t out[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (got && gotlen)
		got[0] = 0;
	if (!d->c)
		return false;
	bool okf = EVP_DigestFinal_ex(d->c, out, &n) == 1;
	img_digest_free(d);
	if (!okf || n > sizeof(d->want))
		return false;
	if (got && gotlen >= 8 + 2 * (size_t)n) {
		static const char hx[] = "0123456789abcdef";
		size_t k = (size_t)snprintf(got, gotlen, "sha%d:", d->alg);
		for (size_t i = 0; i < n && k + 2 < gotlen; i++) {
			got[k++] = hx[out[i] >> 4];
			got[k++] = hx[out[i] & 15];
		}
		got[k] = 0;
	}
	return memcmp(out, d->want, n) == 0;
}

/* ---- requests ---- */
int img_http_init(struct img_http *c, long timeout)
{
	memset(c, 0, sizeof(*c));
	c->timeout = timeout > 0 ? timeout : IMG_DEF_TIMEOUT;
	static bool global;
	if (!global) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return GOABI_ENOMEM;
		global = true;
	}
	c->h = curl_easy_init();
	c->m = curl_multi_init();
	if (!c->h || !c->m) {
		img_http_free(c);
		return GOABI_ENOMEM;
	}
	return 0;
}

void img_http_free(struct img_http *c)
{
	if (c->h)
		curl_easy_cleanup(c->h);
	if (c->m)
		curl_multi_cleanup(c->m);
	c->h = NULL;
	c->m = NULL;
}

void img_http_resp_free(struct img_http_resp *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

static void resp_reset(struct img_http_resp *r, size_t max)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
	r->max = max;
}

static bool body_append(struct img_http_resp *r, const void *p, size_t n)
{
	if (n > r->max - r->len) {
		r->too_big = true;
		return false;
	}
	if (r->len + n + 1 > r->cap) {
		size_t nc = r->cap ? r->cap : 4096;
		while (nc < r->len + n + 1)
			nc *= 2;
		uint8_t *nb = realloc(r->body, nc);
		if (!nb)
			return false;
		r->body = nb;
		r->cap = nc;
	}
	memcpy(r->body + r->len, p, n);
	r->len += n;
	r->body[r->len] = 0;
	return true;
}

static void hdr_value(char *dst, size_t dlen, const char *v, size_t n)
{
	while (n && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
		n--;
	if (n >= dlen)
		n = dlen - 1;
	memcpy(dst, v, n);
	dst[n] = 0;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct img_http_resp *r = ctx;
	size_t n = size * nmemb;
	if (n >= 5 && strncmp(p, "HTTP/", 5) == 0) { /* a new response (after 100 Continue) */
		r->ctype[0] = r->digest[0] = r->wwwauth[0] = r->location[0] = 0;
		r->retry_after = 0;
		return n;
	}
	const char *c = memchr(p, ':', n);
	if (!c)
		return n;
	size_t kl = (size_t)(c - p), vl = n - kl - 1;
	const char *v = c + 1;
	if (kl == 8 && strncasecmp(p, "Location", kl) == 0)
		return n; /* resolved by curl: redirect_url */
	if (kl == 12 && strncasecmp(p, "Content-Type", kl) == 0)
		hdr_value(r->ctype, sizeof(r->ctype), v, vl);
	else if (kl == 21 && strncasecmp(p, "Docker-Content-Digest", kl) == 0)
		hdr_value(r->digest, sizeof(r->digest), v, vl);
	else if (kl == 16 && strncasecmp(p, "WWW-Authenticate", kl) == 0 && !r->wwwauth[0])
		hdr_value(r->wwwauth, sizeof(r->wwwauth), v, vl);
	else if (kl == 11 && strncasecmp(p, "Retry-After", kl) == 0) {
		char b[32];
		hdr_value(b, sizeof(b), v, vl);
		r->retry_after = atol(b);
	}
	return n;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct img_http_resp *r = ctx;
	size_t n = size * nmemb;
	return body_append(r, p, n) ? n : 0;
}

static void setup(struct img_http *c, CURL *h, const char *url, struct curl_slist *hdrs, char *errbuf)
{
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->timeout);
	/* a stalled server: less than one byte a second for the timeout */
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, c->timeout);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "goabi (image check)");
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "identity");
	if (c->insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (c->unix_socket)
		curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, c->unix_socket);
}

/* The absolute target of a 3xx (Location resolved against the URL). */
static void redirect_url(struct img_http *c, struct img_http_resp *r)
{
	char *ru = NULL;
	r->location[0] = 0;
	if (r->status >= 300 && r->status < 400 && curl_easy_getinfo(c->h, CURLINFO_REDIRECT_URL, &ru) == CURLE_OK && ru)
		snprintf(r->location, sizeof(r->location), "%s", ru);
}

int img_http_get(struct img_http *c, const char *url, struct curl_slist *hdrs, size_t max, struct img_http_resp *r)
{
	resp_reset(r, max);
	setup(c, c->h, url, hdrs, r->err);
	curl_easy_setopt(c->h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c->h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c->h, CURLOPT_WRITEDATA, r);
	r->cc = curl_easy_perform(c->h);
	curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &r->status);
	redirect_url(c, r);
	if (r->cc == CURLE_WRITE_ERROR && r->too_big)
		return 0; /* an answer, too large: the caller says so */
	if (r->cc != CURLE_OK) {
		if (!r->err[0])
			snprintf(r->err, sizeof(r->err), "%s", curl_easy_strerror(r->cc));
		return r->cc == CURLE_OUT_OF_MEMORY ? GOABI_ENOMEM : GOABI_EIO;
	}
	if (!r->body && !body_append(r, "", 0))
		return GOABI_ENOMEM;
	return 0;
}

/* ---- streams ---- */
static size_t on_stream(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct img_http_stream *s = ctx;
	size_t n = size * nmemb;
	long st = 0;
	curl_easy_getinfo(s->c->h, CURLINFO_RESPONSE_CODE, &st);
	if (st < 200 || st > 299) { /* an error or redirect body: keep a little */
		if (s->resp.len < ERR_BODY)
			body_append(&s->resp, p, n < ERR_BODY - s->resp.len ? n : ERR_BODY - s->resp.len);
		return n;
	}
	s->started = true;
	if (s->len && s->len + n > STREAM_BUF) {
		s->paused = true;
		return CURL_WRITEFUNC_PAUSE; /* handed back on unpause */
	}
	if (n > s->max - s->got) {
		s->overflow = true;
		return 0; /* aborts the transfer */
	}
	if (s->len + n > s->cap) {
		size_t nc = s->cap ? s->cap : 65536;
		while (nc < s->len + n)
			nc *= 2;
		uint8_t *nb = realloc(s->buf, nc);
		if (!nb)
			return 0;
		s->buf = nb;
		s->cap = nc;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->got += n;
	if (s->dg)
		img_digest_update(s->dg, p, n);
	if (s->progress)
		s->progress(s->progress_ctx, s->got);
	return n;
}

static void pump(struct img_http_stream *s)
{
	while (!s->len && !s->done) {
		int running = 0;
		CURLMcode mc = curl_multi_perform(s->c->m, &running);
		CURLMsg *msg;
		int q;
		while ((msg = curl_multi_info_read(s->c->m, &q)) != NULL)
			if (msg->msg == CURLMSG_DONE) {
				s->done = true;
				s->result = msg->data.result;
			}
		if (mc != CURLM_OK) {
			s->done = true;
			s->result = CURLE_RECV_ERROR;
		}
		if (!s->len && !s->done)
			curl_multi_poll(s->c->m, NULL, 0, 1000, NULL);
	}
}

int img_http_stream_open(struct img_http_stream *s, struct img_http *c, const char *url, struct curl_slist *hdrs,
			 uint64_t max, struct img_digest *dg)
{
	memset(s, 0, sizeof(*s));
	s->c = c;
	s->dg = dg;
	s->max = max;
	s->resp.max = ERR_BODY;
	setup(c, c->h, url, hdrs, s->resp.err);
	curl_easy_setopt(c->h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c->h, CURLOPT_HEADERDATA, &s->resp);
	curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_stream);
	curl_easy_setopt(c->h, CURLOPT_WRITEDATA, s);
	if (curl_multi_add_handle(c->m, c->h) != CURLM_OK)
		return GOABI_ENOMEM;
	pump(s);
	curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &s->resp.status);
	redirect_url(c, &s->resp);
	s->resp.cc = s->done ? s->result : CURLE_OK;
	if (s->done && s->result != CURLE_OK && !(s->resp.status && !s->started)) {
		if (!s->resp.err[0])
			snprintf(s->resp.err, sizeof(s->resp.err), "%s", curl_easy_strerror(s->result));
		return GOABI_EIO;
	}
	return 0;
}

la_ssize_t img_http_stream_read(struct archive *a, void *ctx, const void **out)
{
	struct img_http_stream *s = ctx;
	if (s->handed)
		s->len = 0; /* the previous block was consumed */
	s->handed = false;
	if (s->paused) {
		s->paused = false;
		curl_easy_pause(s->c->h, CURLPAUSE_CONT);
	}
	pump(s);
	if (s->len) {
		*out = s->buf;
		s->handed = true;
		return (la_ssize_t)s->len;
	}
	if (s->result != CURLE_OK) {
		if (a)
			archive_set_error(a, EIO, "%s", s->overflow ? "more bytes than the descriptor's size"
					  : s->resp.err[0] ? s->resp.err : curl_easy_strerror(s->result));
		return -1;
	}
	return 0;
}

void img_http_stream_drain(struct img_http_stream *s)
{
	const void *p;
	while (img_http_stream_read(NULL, s, &p) > 0)
		;
}

void img_http_stream_close(struct img_http_stream *s)
{
	if (s->c) {
		curl_multi_remove_handle(s->c->m, s->c->h);
		curl_easy_getinfo(s->c->h, CURLINFO_RESPONSE_CODE, &s->resp.status);
	}
	free(s->buf);
	s->buf = NULL;
	s->len = s->cap = 0;
	img_http_resp_free(&s->resp);
}
