/* docker-daemon:NAME[:TAG]: an image read from a container engine through
 * the Docker Engine API, GET /images/{name}/get (docker save's tar, as a
 * stream), over $DOCKER_HOST: unix:///path (default /var/run/docker.sock)
 * or tcp://HOST:PORT. podman's Docker-compatible service (podman system
 * service) answers the same way.
 *
 * The tar's manifest.json comes after the layers, so the layer members are
 * held in the private (unlinked) temp file, bounded by --max-size, until
 * it says their order; then the docker-save reader applies them. Every
 * member is checked against its digest (image_oci.c, fs->verify_members):
 * the config against its name, each layer against the config's diff_ids,
 * OCI blobs against their names. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "read/image_int.h"
#include "read/registry.h"

int img_read_daemon(struct img_fs *fs, const char *name, const char *os, const char *arch, const char *var)
{
	struct img_remote defaults = { .tls_verify = -1, .timeout = IMG_DEF_TIMEOUT };
	const struct img_remote *rm = fs->lim.remote ? fs->lim.remote : &defaults;
	fs->format = "docker-daemon";
	if (!*name || strlen(name) > 1024) {
		img_fail_input(fs, "expected docker-daemon:NAME[:TAG] or docker-daemon:IMAGE-ID");
		return GOABI_EFORMAT;
	}
	char esc[3200];
	size_t k = 0;
	static const char hx[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)name; *p && k + 4 < sizeof(esc); p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("._-/:@", *p))
			esc[k++] = (char)*p;
		else {
			esc[k++] = '%';
			esc[k++] = hx[*p >> 4];
			esc[k++] = hx[*p & 15];
		}
	}
	esc[k] = 0;
	const char *dh = getenv("DOCKER_HOST");
	if (!dh || !*dh)
		dh = "unix:///var/run/docker.sock";
	struct img_http http;
	int rc = img_http_init(&http, rm->timeout ? (long)rm->timeout : IMG_DEF_TIMEOUT);
	if (rc)
		return rc;
	char url[4096];
	if (strncmp(dh, "unix://", 7) == 0) {
		http.unix_socket = dh + 7;
		snprintf(url, sizeof(url), "http://localhost/images/%s/get", esc);
	} else if (strncmp(dh, "tcp://", 6) == 0) {
		snprintf(url, sizeof(url), "http://%s/images/%s/get", dh + 6, esc);
	} else {
		img_fail_input(fs, "$DOCKER_HOST '%.200s': expected unix:///PATH or tcp://HOST:PORT", dh);
		img_http_free(&http);
		return GOABI_EFORMAT;
	}
	fs->ref = arena_strdup(fs->ar, name);
	struct img_http_stream s;
	rc = img_http_stream_open(&s, &http, url, NULL, fs->lim.max_bytes, NULL);
	bool docker = false, oci = false;
	if (rc) {
		if (s.resp.cc == CURLE_COULDNT_CONNECT && http.unix_socket)
			img_fail_input(fs, "engine API at %s: cannot connect to the socket (no engine running there? set $DOCKER_HOST)",
			     dh);
		else
			img_fail_input(fs, "engine API at %s: %s", dh, s.resp.err);
		img_http_stream_close(&s);
		img_http_free(&http);
		return rc;
	}
	if (s.resp.status != 200) {
		json_t *j = s.resp.body ? json_loadb((const char *)s.resp.body, s.resp.len, 0, NULL) : NULL;
		const char *m = json_string_value(json_object_get(j, "message"));
		img_fail_input(fs, "engine at %s answered HTTP %ld%s%.300s", dh, s.resp.status, m ? ": " : "", m ? m : "");
		json_decref(j);
		img_http_stream_close(&s);
		img_http_free(&http);
		return GOABI_EIO;
	}
	struct archive *a = archive_read_new();
	if (!a) {
		img_http_stream_close(&s);
		img_http_free(&http);
		return GOABI_ENOMEM;
	}
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	archive_read_support_filter_all(a);
	if (archive_read_open(a, &s, NULL, img_http_stream_read, NULL) != ARCHIVE_OK) {
		img_fail_input(fs, "engine at %s sent no readable tar: %s", dh, archive_error_string(a));
		rc = GOABI_EFORMAT;
	} else {
		size_t e0 = fs->nerrors;
		rc = img_read_outer_archive(fs, a, NULL, 0, -1, &docker, &oci);
		img_http_stream_drain(&s);
		if (s.result != CURLE_OK || s.overflow) {
			img_fail_input(fs, "engine at %s: transfer failed after %llu bytes: %s", dh, (unsigned long long)s.got,
			     s.overflow ? "more than --max-size" : s.resp.err[0] ? s.resp.err : curl_easy_strerror(s.result));
			rc = GOABI_EIO;
		} else if (fs->nerrors != e0) {
			fs->fatal = true;
			rc = rc ? rc : GOABI_EFORMAT;
		}
	}
	archive_read_free(a);
	img_http_stream_close(&s);
	img_http_free(&http);
	if (rc)
		return rc;
	fs->verify_members = true;
	size_t e0 = fs->nerrors;
	if (oci)
		rc = img_read_oci(fs, os, arch, var, NULL);
	else if (docker)
		rc = img_read_docker(fs, NULL);
	else {
		img_fail_input(fs, "engine at %s sent a tar without manifest.json or index.json", dh);
		return GOABI_EFORMAT;
	}
	fs->format = "docker-daemon";
	if (fs->nerrors != e0)
		fs->fatal = true; /* a member that does not match its digest, a missing member */
	return rc;
}
