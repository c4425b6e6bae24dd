/* Registry credentials, found where skopeo, podman and docker look:
 * --creds USER:PASS; $REGISTRY_AUTH_FILE; $XDG_RUNTIME_DIR/containers/auth.json;
 * $DOCKER_CONFIG/config.json or ~/.docker/config.json. In each file,
 * "credHelpers"[host] or "credsStore" name a helper run as
 * `docker-credential-NAME get` with the host on stdin (docker-credential-
 * helpers' protocol: JSON {"Username","Secret"} on stdout), else
 * "auths"[host].auth is base64 of USER:PASS. Docker Hub's key is
 * "https://index.docker.io/v1/" (also "docker.io"). */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "read/registry.h"

#define MAX_AUTH_FILE (4u << 20)
#define MAX_HELPER_OUT (64u << 10)
#define HELPER_SECONDS 30

extern char **environ;

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *img_b64_encode(const void *p, size_t n)
{
	const uint8_t *s = p;
	char *o = malloc(n / 3 * 4 + 8), *q = o;
	if (!o)
		return NULL;
	size_t i = 0;
	for (; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		*q++ = b64[v >> 18];
		*q++ = b64[(v >> 12) & 63];
		*q++ = b64[(v >> 6) & 63];
		*q++ = b64[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0);
		*q++ = b64[v >> 18];
		*q++ = b64[(v >> 12) & 63];
		*q++ = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		*q++ = '=';
	}
	*q = 0;
	return o;
}

char *img_b64_decode(const char *s, size_t *n)
{
	size_t l = strlen(s);
	char *o = malloc(l / 4 * 3 + 4);
	if (!o)
		return NULL;
	uint32_t v = 0;
	int bits = 0;
	size_t k = 0;
	for (size_t i = 0; i < l; i++) {
		const char *c = strchr(b64, s[i]);
		if (s[i] == '=' || s[i] == '\n' || s[i] == '\r')
			continue;
		if (!c || !s[i]) {
			free(o);
			return NULL;
		}
		v = v << 6 | (uint32_t)(c - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[k++] = (char)((v >> bits) & 0xff);
		}
	}
	o[k] = 0;
	if (n)
		*n = k;
	return o;
}

static bool split_userpass(const char *s, size_t n, char **user, char **pass)
{
	const char *c = memchr(s, ':', n);
	if (!c || c == s)
		return false;
	*user = strndup(s, (size_t)(c - s));
	*pass = strndup(c + 1, n - (size_t)(c - s) - 1);
	return *user && *pass;
}

/* The key a file uses for host: "host", "https://host", "http://host",
 * "https://host/v1/"...; Docker Hub has its historical names. */
static bool key_matches(const char *key, const char *host)
{
	const char *k = key;
	if (strncmp(k, "https://", 8) == 0)
		k += 8;
	else if (strncmp(k, "http://", 7) == 0)
		k += 7;
	size_t kl = strcspn(k, "/");
	if (strcmp(host, "docker.io") == 0)
		return (kl == 15 && strncmp(k, "index.docker.io", 15) == 0) || (kl == 9 && strncmp(k, "docker.io", 9) == 0) ||
		       (kl == 20 && strncmp(k, "registry-1.docker.io", 20) == 0);
	return kl == strlen(host) && strncmp(k, host, kl) == 0;
}

/* Run docker-credential-NAME get; host on stdin. */
static bool run_helper(const char *name, const char *host, char **user, char **pass, char *err, size_t errlen)
{
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_' || *p == '.')) {
			snprintf(err, errlen, "credential helper name '%.64s' is not valid", name);
			return false;
		}
	char prog[256];
	snprintf(prog, sizeof(prog), "docker-credential-%s", name);
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) != 0)
		return false;
	if (pipe2(out, O_CLOEXEC) != 0) {
		close(in[0]);
		close(in[1]);
		return false;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	char *argv[] = { prog, (char *)"get", NULL };
	pid_t pid;
	int src = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	if (src != 0) {
		snprintf(err, errlen, "credential helper %s: %s", prog, strerror(src));
		close(in[1]);
		close(out[0]);
		return false;
	}
	signal(SIGPIPE, SIG_IGN);
	if (write(in[1], host, strlen(host)) < 0 || write(in[1], "\n", 1) < 0) {
		/* the helper may not read: its answer decides */
	}
	close(in[1]);
	char *buf = malloc(MAX_HELPER_OUT + 1);
	size_t len = 0;
	time_t end = time(NULL) + HELPER_SECONDS;
	bool timeout = false;
	while (buf && len < MAX_HELPER_OUT) {
		struct pollfd pf = { out[0], POLLIN, 0 };
		int left = (int)(end - time(NULL));
		if (left <= 0 || poll(&pf, 1, left * 1000) <= 0) {
			timeout = true;
			break;
		}
		ssize_t r = read(out[0], buf + len, MAX_HELPER_OUT - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(out[0]);
	if (timeout)
		kill(pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	bool ok = false;
	if (!buf) {
		snprintf(err, errlen, "out of memory");
	} else if (timeout) {
		snprintf(err, errlen, "credential helper %s did not answer in %d s", prog, HELPER_SECONDS);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		buf[len] = 0;
		buf[strcspn(buf, "\n")] = 0;
		snprintf(err, errlen, "credential helper %s failed for %s: %.200s", prog, host, buf);
	} else {
		json_t *j = json_loadb(buf, len, 0, NULL);
		const char *u = json_string_value(json_object_get(j, "Username"));
		const char *s = json_string_value(json_object_get(j, "Secret"));
		if (u && s) {
			*user = strdup(u);
			*pass = strdup(s);
			ok = *user && *pass;
		} else {
			snprintf(err, errlen, "credential helper %s gave no Username/Secret for %s", prog, host);
		}
		json_decref(j);
	}
	free(buf);
	return ok;
}

/* 1 found, 0 not in this file, -1 an error (err says) */
static int from_file(const char *path, const char *host, char **user, char **pass, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	char *buf = malloc(MAX_AUTH_FILE + 1);
	size_t n = buf ? fread(buf, 1, MAX_AUTH_FILE + 1, f) : 0;
	fclose(f);
	if (!buf)
		return -1;
	if (n > MAX_AUTH_FILE) {
		snprintf(err, errlen, "'%s' is larger than %u bytes", path, MAX_AUTH_FILE);
		free(buf);
		return -1;
	}
	json_error_t je;
	json_t *j = json_loadb(buf, n, 0, &je);
	free(buf);
	if (!j) {
		snprintf(err, errlen, "'%s' is not valid JSON: %s", path, je.text);
		return -1;
	}
	int rc = 0;
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(j, "credHelpers"), k, v) {
		if (key_matches(k, host) && json_string_value(v)) {
			rc = run_helper(json_string_value(v), host, user, pass, err, errlen) ? 1 : -1;
			goto out;
		}
	}
	json_object_foreach(json_object_get(j, "auths"), k, v) {
		if (!key_matches(k, host))
			continue;
		const char *a = json_string_value(json_object_get(v, "auth"));
		if (a && *a) {
			size_t dl;
			char *d = img_b64_decode(a, &dl);
			if (d && split_userpass(d, dl, user, pass))
				rc = 1;
			else {
				snprintf(err, errlen, "'%s': auths entry for %s is not base64 of USER:PASS", path, host);
				rc = -1;
			}
			free(d);
			goto out;
		}
		/* an entry without "auth": the store below may hold it */
	}
	const char *store = json_string_value(json_object_get(j, "credsStore"));
	if (store && *store)
		rc = run_helper(store, host, user, pass, err, errlen) ? 1 : 0;
out:
	json_decref(j);
	return rc;
}

bool img_find_creds(const char *host, const char *creds_opt, char **user, char **pass, const char **from,
		    char *err, size_t errlen)
{
	*user = *pass = NULL;
	err[0] = 0;
	if (creds_opt) {
		*from = "--creds";
		return split_userpass(creds_opt, strlen(creds_opt), user, pass);
	}
	char paths[4][4096];
	size_t np = 0;
	const char *e;
	if ((e = getenv("REGISTRY_AUTH_FILE")) && *e)
		snprintf(paths[np++], sizeof(paths[0]), "%s", e);
	if ((e = getenv("XDG_RUNTIME_DIR")) && *e)
		snprintf(paths[np++], sizeof(paths[0]), "%s/containers/auth.json", e);
	if ((e = getenv("DOCKER_CONFIG")) && *e)
		snprintf(paths[np++], sizeof(paths[0]), "%s/config.json", e);
	else if ((e = getenv("HOME")) && *e)
		snprintf(paths[np++], sizeof(paths[0]), "%s/.docker/config.json", e);
	static char fromb[4096];
	for (size_t i = 0; i < np; i++) {
		int r = from_file(paths[i], host, user, pass, err, errlen);
		if (r > 0) {
			snprintf(fromb, sizeof(fromb), "%s", paths[i]);
			*from = fromb;
			return true;
		}
		free(*user);
		free(*pass);
		*user = *pass = NULL;
		if (r < 0)
			return false;
	}
	return false;
}
