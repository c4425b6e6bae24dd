/* Images from where they live: OCI distribution registries (docker://),
 * container engines (docker-daemon:) and a layer cache shared between runs.
 *
 * Design (docs/image.md, "Registries and engines"): libcurl speaks HTTP;
 * every manifest and blob is checked against its digest while it streams;
 * a layer streams straight into the layer reader (img_apply_layer_stream),
 * so only the bytes of kept (ELF) files reach the private temp file. The
 * layer cache keeps, per compressed layer digest, what applying the layer
 * produced: every entry's metadata and the kept files' bytes, as a plain tar
 * replayed through the same reader. */
#ifndef GOABI_READ_REGISTRY_H
#define GOABI_READ_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <archive.h>
#include <curl/curl.h>
#include <openssl/evp.h>

struct img_remote {
	int tls_verify;         /* -1 default (loopback registries: plain HTTP; others: verified TLS), 0, 1 */
	const char *creds;      /* USER:PASS, or NULL: auth files and credential helpers */
	const char *cache_dir;  /* --cache DIR, or NULL */
	uint64_t cache_max;     /* --cache-max BYTES: LRU eviction past it (0: unbounded) */
	unsigned timeout;       /* seconds to connect, and without a byte received (default 30) */
	unsigned retries;       /* on 429, 5xx and dropped connections (default 4) */
	/* a per-layer progress line (only set when stderr is a terminal) */
	void (*layer_progress)(void *ctx, unsigned layer, unsigned nlayers, const char *digest, uint64_t done,
			       uint64_t total, bool finished);
	void *progress_ctx;
};
#define IMG_DEF_TIMEOUT 30u
#define IMG_DEF_RETRIES 4u

/* ---- digests: "sha256:<64 hex>" or "sha512:<128 hex>" ---- */
struct img_digest {
	int alg; /* 256 or 512; 0: unsupported */
	EVP_MD_CTX *c; /* OpenSSL: SHA extensions where the CPU has them */
	uint8_t want[64];
	char str[140];
};
/* false when the digest string is not a supported, well-formed digest
 * (nothing to free then); else img_digest_final or _free must follow */
bool img_digest_init(struct img_digest *d, const char *digest);
/* start again (a retried download) */
bool img_digest_reset(struct img_digest *d);
void img_digest_free(struct img_digest *d);
void img_digest_update(struct img_digest *d, const void *p, size_t n);
/* true when what was fed matches; got (>= 136 bytes) gets "sha256:<hex>"; frees */
bool img_digest_final(struct img_digest *d, char *got, size_t gotlen);
bool img_digest_valid(const char *digest);

/* ---- HTTP over libcurl (registry and engine API) ---- */
struct img_http {
	CURL *h;
	CURLM *m;
	const char *unix_socket; /* engine API over a unix socket */
	bool insecure;           /* TLS without verification */
	long timeout;
};

struct img_http_resp {
	long status;
	CURLcode cc;
	char err[CURL_ERROR_SIZE];
	char ctype[160], digest[200], wwwauth[2048], location[4096];
	long retry_after;
	uint8_t *body; /* malloc'ed, NUL-terminated */
	size_t len, cap, max;
	bool too_big;
};

int img_http_init(struct img_http *c, long timeout);
void img_http_free(struct img_http *c);
void img_http_resp_free(struct img_http_resp *r);
/* One GET; the body is kept up to max bytes (too_big past that). Returns
 * 0 when an HTTP answer came (any status), else a negative goabi error with
 * r->cc/r->err saying why. */
int img_http_get(struct img_http *c, const char *url, struct curl_slist *hdrs, size_t max, struct img_http_resp *r);

/* A streaming GET: the body is handed out in pieces (libarchive read
 * callback), hashed and counted as it passes; non-2xx bodies are kept in
 * resp (at most 64 KB) instead. */
struct img_http_stream {
	struct img_http *c;
	struct img_http_resp resp;
	struct curl_slist *hdrs;
	uint8_t *buf;
	size_t len, cap;
	bool paused, done, started, overflow, handed;
	CURLcode result;
	struct img_digest *dg; /* NULL: not hashed */
	uint64_t got, max;
	/* progress */
	void (*progress)(void *ctx, uint64_t done);
	void *progress_ctx;
};
/* Start the transfer and wait until the status is known and the body has
 * begun (or the transfer ended). */
int img_http_stream_open(struct img_http_stream *s, struct img_http *c, const char *url, struct curl_slist *hdrs,
			 uint64_t max, struct img_digest *dg);
/* libarchive read callback over the body */
la_ssize_t img_http_stream_read(struct archive *a, void *ctx, const void **out);
/* Read (hash, count) what is left of the body, then end the transfer. */
void img_http_stream_drain(struct img_http_stream *s);
void img_http_stream_close(struct img_http_stream *s);

/* ---- credentials (regauth.c) ---- */
/* For registry host[:port] (Docker Hub: "docker.io"): --creds, then the
 * auth files and credential helpers. *from names where they came from.
 * Returns true with user/pass filled (malloc'ed) when found. */
bool img_find_creds(const char *host, const char *creds_opt, char **user, char **pass, const char **from,
		    char *err, size_t errlen);
/* base64 (RFC 4648), malloc'ed results */
char *img_b64_encode(const void *p, size_t n);
char *img_b64_decode(const char *s, size_t *n);

/* ---- the layer cache (layercache.c) ---- */
struct img_fs;
struct img_layer_rec;
/* A cached layer for digest: applied to fs as layer number layer. Returns
 * 1 when applied from the cache, 0 on a miss (a corrupt entry is a miss
 * with a warning), negative on a fatal error. */
int img_cache_apply(struct img_fs *fs, const char *dir, const char *digest, unsigned layer, const char *where);
/* Start recording the layer being applied (fs->rec); NULL when the cache
 * is not writable (a warning says why). */
struct img_layer_rec *img_cache_begin(struct img_fs *fs, const char *dir, const char *digest);
/* Publish the recorded layer (ok) or throw it away; frees rec. */
void img_cache_end(struct img_fs *fs, struct img_layer_rec *rec, bool ok);
/* Fact entries (the image check's facts of one layer's ELF files, opaque
 * bytes here) by layer digest and variant ([A-Za-z0-9._-]): load returns 1
 * with *data (malloc'ed, NUL-terminated) when the entry exists, is at most
 * max bytes and verifies, 0 on a miss (a corrupt entry is a miss with a
 * warning), GOABI_ENOMEM; store publishes (or replaces) it atomically,
 * then evicts past cache_max (0: unbounded); false when not stored (a
 * warning says why). */
int img_facts_load(struct img_fs *fs, const char *dir, const char *digest, const char *variant, uint64_t max,
		   char **data, size_t *len);
bool img_facts_store(struct img_fs *fs, const char *dir, uint64_t cache_max, const char *digest, const char *variant,
		     const void *data, size_t len);
/* A warning that the entry verified but its content was not usable (the
 * check could not parse it): its layer's files are read again. */
void img_facts_unusable(struct img_fs *fs, const char *dir, const char *digest, const char *variant);

/* ---- enumeration (docs/fleet.md) ---- */
/* Called per image found: name the reference ("HOST/REPO:TAG" or
 * "HOST/REPO@DIGEST"), repo "HOST/REPO", digest the manifest digest (of the
 * platform's manifest for an index; NULL when it could not be resolved,
 * err says why), platform "os/arch[/variant]" from the index (NULL for a
 * single-manifest image). */
typedef void (*img_reg_found_fn)(void *ctx, const char *name, const char *repo, const char *digest,
				 const char *platform, const char *err);
/* REF (without docker://): HOST/REPO[:TAG|@DIGEST] one image (every
 * platform of an index unless platform "os/arch[/variant]" is given);
 * HOST/REPO:* every tag; HOST/ + "*" (or HOST/PREFIX + "*") every repository of the
 * catalog (starting with PREFIX), every tag. Problems go to cb with err;
 * returns 0, or GOABI_ENOMEM. */
int img_registry_expand(const struct img_remote *rm, const char *ref, const char *platform, img_reg_found_fn cb,
			void *ctx);
/* The layer digests of the manifest HOST/REPO@DIGEST (malloc'ed array of
 * malloc'ed strings). 0 or a negative goabi error (err says why). */
int img_registry_layers(const struct img_remote *rm, const char *ref, char ***out, size_t *n, char *err,
			size_t errlen);

#endif
