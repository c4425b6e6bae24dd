/* libcurl and libcrypto, loaded on first use (see lazylib.c for why).
 *
 * Only `goabi image` with a registry, daemon or OCI-layout source needs
 * them; linked normally, libcurl brings ~30 shared libraries (TLS, SSH,
 * LDAP, Kerberos, IDN, HTTP/2, RTMP...) into every run and multiplies the
 * start-up cost of `inspect` six-fold. The calls goabi makes are defined
 * here with the libraries' prototypes and forward through dlsym'd
 * pointers; a library that cannot be loaded makes each call fail the way
 * it fails on a resource error, and lazylib_error() names the library.
 *
 * The two variadic calls are forwarded by their argument's type, which
 * curl encodes in the option/info number: CURLoption below 10000 takes a
 * long, 10000-19999 a data pointer, 20000-29999 a function pointer,
 * 30000-39999 a curl_off_t, 40000 and up a struct curl_blob pointer; every
 * CURLINFO takes a pointer. */
#define CURL_DISABLE_TYPECHECK 1 /* the type-checking macros would rename these definitions */
#include <curl/curl.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include "util/lazylib_int.h"

#define X_NAME(n) #n,

/* ---- libcurl (Debian bookworm: libcurl4, soname libcurl.so.4) */
#define CURL_FNS(X)                                                                         \
	X(curl_global_init) X(curl_easy_init) X(curl_easy_setopt) X(curl_easy_perform)      \
	X(curl_easy_cleanup) X(curl_easy_getinfo) X(curl_easy_reset) X(curl_easy_pause)     \
	X(curl_easy_strerror) X(curl_easy_escape) X(curl_free) X(curl_slist_append)         \
	X(curl_slist_free_all) X(curl_multi_init) X(curl_multi_add_handle)                  \
	X(curl_multi_remove_handle) X(curl_multi_perform) X(curl_multi_cleanup)             \
	X(curl_multi_info_read) X(curl_multi_poll) X(curl_url) X(curl_url_cleanup)          \
	X(curl_url_get) X(curl_url_set)
#define X_CUENUM(n) CU_##n,
enum { CURL_FNS(X_CUENUM) CU_COUNT };
static const char *const curl_names[] = {CURL_FNS(X_NAME) NULL};
LAZYLIB_DEFINE(curl, "libcurl.so.4", "libcurl.so", curl_names, CU_COUNT)

#define CU_FWD(ret, name, params, args, fail) LAZYLIB_FWD(, curl_get, CU_##name, ret, name, params, args, fail)
#define CU_VOID(name, params, args) LAZYLIB_VOID(, curl_get, CU_##name, name, params, args)

CU_FWD(CURLcode, curl_global_init, (long flags), (flags), CURLE_FAILED_INIT)
CU_FWD(CURL *, curl_easy_init, (void), (), NULL)
CU_FWD(CURLcode, curl_easy_perform, (CURL * h), (h), CURLE_FAILED_INIT)
CU_VOID(curl_easy_cleanup, (CURL * h), (h))
CU_VOID(curl_easy_reset, (CURL * h), (h))
CU_FWD(CURLcode, curl_easy_pause, (CURL * h, int mask), (h, mask), CURLE_FAILED_INIT)
CU_FWD(char *, curl_easy_escape, (CURL * h, const char *s, int n), (h, s, n), NULL)
CU_VOID(curl_free, (void *p), (p))
CU_FWD(struct curl_slist *, curl_slist_append, (struct curl_slist * l, const char *s), (l, s), NULL)
CU_VOID(curl_slist_free_all, (struct curl_slist * l), (l))
CU_FWD(CURLM *, curl_multi_init, (void), (), NULL)
CU_FWD(CURLMcode, curl_multi_add_handle, (CURLM * m, CURL *h), (m, h), CURLM_INTERNAL_ERROR)
CU_FWD(CURLMcode, curl_multi_remove_handle, (CURLM * m, CURL *h), (m, h), CURLM_INTERNAL_ERROR)
CU_FWD(CURLMcode, curl_multi_perform, (CURLM * m, int *running), (m, running), CURLM_INTERNAL_ERROR)
CU_FWD(CURLMcode, curl_multi_cleanup, (CURLM * m), (m), CURLM_INTERNAL_ERROR)
CU_FWD(CURLMsg *, curl_multi_info_read, (CURLM * m, int *left), (m, left), NULL)
CU_FWD(CURLMcode, curl_multi_poll,
       (CURLM * m, struct curl_waitfd extra[], unsigned int nextra, int timeout_ms, int *ret),
       (m, extra, nextra, timeout_ms, ret), CURLM_INTERNAL_ERROR)
CU_FWD(CURLU *, curl_url, (void), (), NULL)
CU_VOID(curl_url_cleanup, (CURLU * u), (u))
CU_FWD(CURLUcode, curl_url_get, (CURLU * u, CURLUPart what, char **part, unsigned int flags),
       (u, what, part, flags), CURLUE_OUT_OF_MEMORY)
CU_FWD(CURLUcode, curl_url_set, (CURLU * u, CURLUPart what, const char *part, unsigned int flags),
       (u, what, part, flags), CURLUE_OUT_OF_MEMORY)

const char *curl_easy_strerror(CURLcode code)
{
	const char *(*f)(CURLcode) = (const char *(*)(CURLcode))curl_get(CU_curl_easy_strerror);
	if (!curl_lib.ok)
		return curl_lib.err;
	return f ? f(code) : "unknown libcurl error";
}

typedef void (*curl_anyfn)(void);

CURLcode curl_easy_setopt(CURL *h, CURLoption opt, ...)
{
	CURLcode (*f)(CURL *, CURLoption, ...) = (CURLcode(*)(CURL *, CURLoption, ...))curl_get(CU_curl_easy_setopt);
	if (!f)
		return CURLE_FAILED_INIT;
	va_list ap;
	va_start(ap, opt);
	CURLcode r;
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		r = f(h, opt, va_arg(ap, long));
	else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
		r = f(h, opt, va_arg(ap, void *));
	else if (opt < CURLOPTTYPE_OFF_T)
		r = f(h, opt, va_arg(ap, curl_anyfn));
	else if (opt < CURLOPTTYPE_BLOB)
		r = f(h, opt, va_arg(ap, curl_off_t));
	else
		r = f(h, opt, va_arg(ap, struct curl_blob *));
	va_end(ap);
	return r;
}

CURLcode curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
	CURLcode (*f)(CURL *, CURLINFO, ...) = (CURLcode(*)(CURL *, CURLINFO, ...))curl_get(CU_curl_easy_getinfo);
	if (!f)
		return CURLE_FAILED_INIT;
	va_list ap;
	va_start(ap, info);
	void *out = va_arg(ap, void *);
	va_end(ap);
	return f(h, info, out);
}

/* ---- libcrypto (Debian bookworm: libssl3, soname libcrypto.so.3): digests only */
#define CRYPTO_FNS(X)                                                                   \
	X(EVP_sha256) X(EVP_sha512) X(EVP_MD_CTX_new) X(EVP_MD_CTX_free) X(EVP_DigestInit_ex) \
	X(EVP_DigestUpdate) X(EVP_DigestFinal_ex)
#define X_CRENUM(n) CR_##n,
enum { CRYPTO_FNS(X_CRENUM) CR_COUNT };
static const char *const crypto_names[] = {CRYPTO_FNS(X_NAME) NULL};
LAZYLIB_DEFINE(crypto, "libcrypto.so.3", "libcrypto.so", crypto_names, CR_COUNT)

#define CR_FWD(ret, name, params, args, fail) LAZYLIB_FWD(, crypto_get, CR_##name, ret, name, params, args, fail)

CR_FWD(const EVP_MD *, EVP_sha256, (void), (), NULL)
CR_FWD(const EVP_MD *, EVP_sha512, (void), (), NULL)
CR_FWD(EVP_MD_CTX *, EVP_MD_CTX_new, (void), (), NULL)
CR_FWD(int, EVP_DigestInit_ex, (EVP_MD_CTX * c, const EVP_MD *md, ENGINE *e), (c, md, e), 0)
CR_FWD(int, EVP_DigestUpdate, (EVP_MD_CTX * c, const void *p, size_t n), (c, p, n), 0)
CR_FWD(int, EVP_DigestFinal_ex, (EVP_MD_CTX * c, unsigned char *md, unsigned int *n), (c, md, n), 0)

LAZYLIB_VOID(, crypto_get, CR_EVP_MD_CTX_free, EVP_MD_CTX_free, (EVP_MD_CTX * c), (c))

const char *lazynet_error(enum lazylib_id id)
{
	return id == LAZYLIB_ID_CURL ? lazylib_status(&curl_lib, curl_load) : lazylib_status(&crypto_lib, crypto_load);
}
