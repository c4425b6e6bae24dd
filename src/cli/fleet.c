/* Fleets of images (docs/fleet.md): `goabi image` over many references
 * (arguments, --from-list, registry listings), deduplicated by manifest
 * digest, a stable share of them per shard (--shard I/N, or
 * JOB_COMPLETION_INDEX with --shard-count N), one JSON line per image as it
 * finishes; and `goabi fleet merge`, which combines the shards' lines into
 * one report (per image, and per rule grouped by the layer that brings the
 * problem). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/errors.h"
#include "cli/fleet.h"
#include "goabi/checks.h"
#include "goabi/goabi.h"
#include "read/registry.h"
#include "report/cyclonedx.h"
#include "report/report.h"

/* one reference as found (a tag, an index platform, a local input) */
struct found {
	char *name, *repo, *digest, *platform, *err;
	bool local;
};

struct fleet {
	struct found *v;
	size_t n, cap;
	bool oom;
};

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void on_found(void *ctx, const char *name, const char *repo, const char *digest, const char *platform,
		     const char *err)
{
	struct fleet *f = ctx;
	if (f->n == f->cap) {
		size_t nc = f->cap ? f->cap * 2 : 64;
		struct found *nv = realloc(f->v, nc * sizeof(*nv));
		if (!nv) {
			f->oom = true;
			return;
		}
		f->v = nv, f->cap = nc;
	}
	struct found *x = &f->v[f->n++];
	memset(x, 0, sizeof(*x));
	x->name = xstrdup(name);
	x->repo = xstrdup(repo);
	x->digest = xstrdup(digest);
	x->platform = xstrdup(platform);
	x->err = xstrdup(err);
	if (!x->name || !x->repo)
		f->oom = true;
}

/* the key images are deduplicated and sharded by: the manifest digest, or
 * for what has none (a local input, a reference that could not be
 * resolved) the sha256 of the reference */
static void key_of(const struct found *x, char *out, size_t n)
{
	if (x->digest && !x->err) {
		snprintf(out, n, "%s", x->digest);
		return;
	}
	struct img_digest d;
	img_digest_init(&d, "sha256:0000000000000000000000000000000000000000000000000000000000000000");
	img_digest_update(&d, x->name, strlen(x->name));
	char got[200];
	img_digest_final(&d, got, sizeof(got));
	snprintf(out, n, "%s", got);
}

/* The shard (0-based) of a key: its first 16 hex digits as a number, modulo
 * the number of shards. */
static unsigned shard_of(const char *key, unsigned nshards)
{
	const char *h = strchr(key, ':');
	char hex[17];
	snprintf(hex, sizeof(hex), "%.16s", h ? h + 1 : key);
	return (unsigned)(strtoull(hex, NULL, 16) % nshards);
}

struct image {
	char key[200];
	struct found *first;      /* lowest reference: the repository read from */
	const char **refs;
	size_t nrefs;
	const char *platform;
};

static int cmp_found(const void *a, const void *b)
{
	const struct found *x = a, *y = b;
	char kx[200], ky[200];
	key_of(x, kx, sizeof(kx));
	key_of(y, ky, sizeof(ky));
	int c = strcmp(kx, ky);
	return c ? c : strcmp(x->name, y->name);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void emit_line(FILE *out, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (s) {
		fputs(s, out);
		fputc('\n', out);
		fflush(out);
		free(s);
	}
}

static const char *prop(const struct goabi_props *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0)
			return p->v[i].value;
	return NULL;
}

static json_t *strs_json(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_str(v[i]));
	return a;
}

/* The JSON line of one image: its identity, status and binaries. */
static json_t *image_line(const struct image *im, const struct goabi_result *r, char **layers, size_t nlayers,
			  const char *unread)
{
	json_t *o = json_object();
	json_object_set_new(o, "tool", json_string("goabi"));
	json_object_set_new(o, "schema", json_integer(GOABI_JSON_SCHEMA));
	json_object_set_new(o, "command", json_string("image"));
	json_object_set_new(o, "kind", json_string("fleet-image"));
	bool has_digest = im->first->digest && !im->first->err;
	const char *rdigest = r ? prop(&r->summary, "digest") : NULL;
	json_object_set_new(o, "digest", has_digest ? json_str(im->first->digest) : rdigest ? json_str(rdigest) : json_null());
	json_object_set_new(o, "references", strs_json(im->refs, im->nrefs));
	const char *plat = im->platform ? im->platform : r ? prop(&r->summary, "platform") : NULL;
	json_object_set_new(o, "platform", plat ? json_str(plat) : json_null());
	const char *read = r ? prop(&r->summary, "read") : NULL;
	bool ok = !unread && read && strcmp(read, "complete") == 0;
	json_object_set_new(o, "status", json_string(ok ? "read" : "unread"));
	if (ok) {
		json_object_set_new(o, "reason", json_null());
	} else if (unread) {
		json_object_set_new(o, "reason", json_str(unread));
	} else {
		char buf[4096] = "";
		size_t used = 0;
		for (size_t i = 0; r && i < r->nerrors && used < sizeof(buf) - 1; i++)
			used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", i ? "; " : "", r->errors[i].message);
		json_object_set_new(o, "reason", json_str(buf[0] ? buf : "image not read completely"));
	}
	enum goabi_verdict v = ok ? r->verdict : GOABI_VERDICT_ERROR;
	json_object_set_new(o, "verdict", json_str(ok ? (r->verdict_word ? r->verdict_word : goabi_verdict_name(v)) : "unread"));
	json_object_set_new(o, "verdict_class", json_string(goabi_verdict_name(v)));
	json_object_set_new(o, "layers", strs_json((const char *const *)layers, nlayers));
	json_t *bins = json_array();
	for (size_t i = 0; r && i < r->njudged; i++) {
		const struct goabi_judged *j = &r->judged[i];
		json_t *b = json_object();
		json_object_set_new(b, "path", json_str(j->subject.member));
		json_object_set_new(b, "verdict", json_str(j->verdict_word ? j->verdict_word : goabi_verdict_name(j->verdict)));
		json_object_set_new(b, "verdict_class", json_string(goabi_verdict_name(j->verdict)));
		const char *exe = prop(&j->props, "executable");
		if (exe)
			json_object_set_new(b, "executable", json_boolean(strcmp(exe, "true") == 0));
		const char *ls = prop(&j->props, "layer");
		char *end = NULL;
		unsigned long li = ls ? strtoul(ls, &end, 10) : 0;
		json_object_set_new(b, "layer", ls && end && !*end && li >= 1 && li <= nlayers ? json_str(layers[li - 1])
					       : ls ? json_str(ls) : json_null());
		const char *reason = prop(&j->props, "reason");
		json_object_set_new(b, "reason", reason ? json_str(reason) : json_null());
		json_t *fa = json_array();
		for (size_t k = 0; k < r->nfindings; k++) {
			const struct goabi_finding *f = &r->findings[k];
			if (!f->subject.member || !j->subject.member || strcmp(f->subject.member, j->subject.member) != 0)
				continue;
			json_t *x = json_object();
			json_object_set_new(x, "rule", json_str(f->rule));
			json_object_set_new(x, "severity", json_string(goabi_finding_sev_name(f->sev)));
			json_object_set_new(x, "message", json_str(f->message));
			json_object_set_new(x, "tool_says", json_str(f->tool_says));
			json_array_append_new(fa, x);
		}
		json_object_set_new(b, "findings", fa);
		json_array_append_new(bins, b);
	}
	json_object_set_new(o, "binaries", bins);
	json_t *sum = json_object();
	for (size_t i = 0; r && i < r->summary.n; i++)
		json_object_set_new(sum, r->summary.v[i].name, json_str(r->summary.v[i].value));
	json_object_set_new(o, "summary", sum);
	return o;
}

static void text_line(json_t *o)
{
	const char *st = json_string_value(json_object_get(o, "status"));
	const char *dg = json_string_value(json_object_get(o, "digest"));
	json_t *refs = json_object_get(o, "references");
	printf("%s  %.19s  ", json_string_value(json_object_get(o, "verdict")), dg ? dg : "-");
	for (size_t i = 0; i < json_array_size(refs); i++) {
		printf("%s", i ? ", " : "");
		report_put(stdout, json_string_value(json_array_get(refs, i)));
	}
	const char *pl = json_string_value(json_object_get(o, "platform"));
	if (pl)
		printf(" [%s]", pl);
	fputc('\n', stdout);
	if (st && strcmp(st, "unread") == 0) {
		printf("    ");
		report_put(stdout, json_string_value(json_object_get(o, "reason")));
		fputc('\n', stdout);
	}
	json_t *b;
	size_t i;
	json_array_foreach(json_object_get(o, "binaries"), i, b) {
		const char *vc = json_string_value(json_object_get(b, "verdict_class"));
		if (!vc || (strcmp(vc, "fail") != 0 && strcmp(vc, "warn") != 0 && cli_g.verbose < 1))
			continue;
		printf("    ");
		report_put(stdout, json_string_value(json_object_get(b, "path")));
		printf(": %s", json_string_value(json_object_get(b, "verdict")));
		json_t *f = json_array_get(json_object_get(b, "findings"), 0);
		if (f) {
			printf(": ");
			report_put(stdout, json_string_value(json_object_get(f, "message")));
		}
		fputc('\n', stdout);
	}
	fflush(stdout);
}

static bool read_list(const char *file, const char ***v, size_t *n, size_t *cap)
{
	FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	if (!f)
		return false;
	char *line = NULL;
	size_t ll = 0;
	ssize_t got;
	bool ok = true;
	while ((got = getline(&line, &ll, f)) >= 0) {
		char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		size_t l = strlen(s);
		while (l && (s[l - 1] == '\n' || s[l - 1] == '\r' || s[l - 1] == ' ' || s[l - 1] == '\t'))
			s[--l] = 0;
		if (!l || *s == '#')
			continue;
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 64;
			const char **nv = realloc(*v, nc * sizeof(**v));
			if (!nv) {
				ok = false;
				break;
			}
			*v = nv, *cap = nc;
		}
		if (!((*v)[(*n)++] = strdup(s))) {
			ok = false;
			break;
		}
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return ok;
}

bool fleet_parse_shard(const char *s, unsigned *idx, unsigned *n)
{
	char *e;
	unsigned long i = strtoul(s, &e, 10), k;
	if (e == s || *e != '/')
		return false;
	const char *t = e + 1;
	k = strtoul(t, &e, 10);
	if (e == t || *e || i < 1 || k < 1 || i > k || k > 1000000)
		return false;
	*idx = (unsigned)i - 1;
	*n = (unsigned)k;
	return true;
}

/* --resume FILE: the keys of the images FILE already holds a complete line
 * for (read or unread), as a JSON object used as a set */
static json_t *resume_keys(FILE *f)
{
	json_t *done = json_object();
	char *line = NULL;
	size_t ll = 0;
	ssize_t got;
	while ((got = getline(&line, &ll, f)) >= 0) {
		if (got == 0 || line[got - 1] != '\n')
			continue; /* torn: done again */
		json_t *o = json_loadb(line, (size_t)got, 0, NULL);
		const char *k = json_string_value(json_object_get(o, "key"));
		if (k)
			json_object_set_new(done, k, json_true());
		json_decref(o);
	}
	free(line);
	return done;
}

int fleet_image(const struct fleet_opts *fo, const struct goabi_image_opts *io, char **inputs, size_t ninputs)
{
	const char **list = NULL;
	size_t nlist = 0, listcap = 0;
	for (size_t i = 0; i < fo->nlists; i++)
		if (!read_list(fo->lists[i], &list, &nlist, &listcap)) {
			int rc = cli_usage_error("image", fo->lists[i], "--from-list: %s", strerror(errno ? errno : ENOMEM));
			for (size_t k = 0; k < nlist; k++)
				free((char *)list[k]);
			free(list);
			return rc;
		}
	json_t *done = NULL;
	FILE *out = stdout;
	if (fo->resume) {
		int fd = open(fo->resume, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		FILE *rf = fd >= 0 ? fdopen(fd, "a+") : NULL;
		if (!rf) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			for (size_t k = 0; k < nlist; k++)
				free((char *)list[k]);
			free(list);
			return cli_usage_error("image", fo->resume, "--resume: %s", strerror(e));
		}
		rewind(rf);
		done = resume_keys(rf);
		struct stat st;
		char last = '\n';
		if (fstat(fd, &st) == 0 && st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n')
			fputc('\n', rf); /* end a torn line: it stays invalid, merge skips it */
		out = rf;
	}
	struct img_remote rm = { .tls_verify = io->tls_verify, .timeout = io->timeout ? io->timeout : IMG_DEF_TIMEOUT,
				 .retries = IMG_DEF_RETRIES, .creds = io->creds, .cache_dir = io->cache_dir };
	struct fleet f = { 0 };
	size_t total = ninputs + nlist;
	for (size_t i = 0; i < total && !f.oom; i++) {
		const char *in = i < ninputs ? inputs[i] : list[i - ninputs];
		if (strncmp(in, "docker://", 9) == 0) {
			if (img_registry_expand(&rm, in + 9, io->platform, on_found, &f) != 0)
				f.oom = true;
		} else {
			on_found(&f, in, in, NULL, NULL, NULL);
			if (!f.oom)
				f.v[f.n - 1].local = true;
		}
	}
	for (size_t k = 0; k < nlist; k++)
		free((char *)list[k]);
	free(list);
	int exitc = EXIT_CLEAN;
	if (f.oom) {
		exitc = cli_usage_error("image", NULL, "out of memory listing the images");
		goto out;
	}
	qsort(f.v, f.n, sizeof(*f.v), cmp_found);
	/* group by key; the images of this shard, in key order */
	size_t nimg = 0, nread = 0, nunread = 0, nfail = 0, nrefs = 0;
	enum goabi_verdict worst = GOABI_VERDICT_PASS;
	for (size_t i = 0; i < f.n;) {
		struct image im = { 0 };
		key_of(&f.v[i], im.key, sizeof(im.key));
		size_t j = i;
		char kj[200];
		while (j < f.n && (key_of(&f.v[j], kj, sizeof(kj)), strcmp(kj, im.key) == 0))
			j++;
		im.first = &f.v[i];
		im.refs = calloc(j - i, sizeof(*im.refs));
		if (!im.refs) {
			exitc = EXIT_INPUT;
			break;
		}
		for (size_t k = i; k < j; k++) {
			if (!im.nrefs || strcmp(im.refs[im.nrefs - 1], f.v[k].name) != 0)
				im.refs[im.nrefs++] = f.v[k].name;
			if (!im.platform && f.v[k].platform)
				im.platform = f.v[k].platform;
		}
		i = j;
		if (shard_of(im.key, fo->nshards) != fo->shard || (done && json_object_get(done, im.key))) {
			free(im.refs);
			continue;
		}
		nimg++;
		nrefs += im.nrefs;
		char *input = NULL;
		struct goabi_result *r = NULL;
		char **layers = NULL;
		size_t nlayers = 0;
		const char *unread = im.first->err;
		char lerr[1024] = "";
		if (!unread) {
			if (im.first->local) {
				input = strdup(im.first->name);
			} else if (asprintf(&input, "docker://%s@%s", im.first->repo, im.first->digest) < 0) {
				input = NULL;
			}
			struct goabi_image_opts o = *io;
			o.share_facts = true; /* a shared layer's binaries are inspected once (docs/fleet.md) */
			if (!im.first->local)
				o.platform = NULL; /* the digest names the platform's manifest */
			int rc = input ? goabi_image_check(input, &o, &r) : GOABI_ENOMEM;
			if (rc != 0 || !r)
				unread = goabi_strerror(rc);
			else if (!im.first->local && img_registry_layers(&rm, input + 9, &layers, &nlayers, lerr, sizeof(lerr)) != 0)
				nlayers = 0; /* binaries keep their layer number */
		}
		json_t *line = image_line(&im, r, layers, nlayers, unread);
		json_object_set_new(line, "key", json_string(im.key)); /* dedup/shard key (docs/fleet.md) */
		const char *st = json_string_value(json_object_get(line, "status"));
		enum goabi_verdict v = GOABI_VERDICT_ERROR;
		if (st && strcmp(st, "read") == 0) {
			nread++;
			v = r->verdict;
			if (v == GOABI_VERDICT_FAIL)
				nfail++;
		} else {
			nunread++;
		}
		if (v > worst)
			worst = v;
		if (out != stdout)
			emit_line(out, line);
		else if (!cli_g.quiet) {
			if (cli_g.format == CLI_FMT_TEXT)
				text_line(line);
			else
				emit_line(stdout, line);
		}
		json_decref(line);
		for (size_t k = 0; k < nlayers; k++)
			free(layers[k]);
		free(layers);
		goabi_result_free(r);
		free(input);
		free(im.refs);
	}
	if (cli_g.format == CLI_FMT_TEXT && !cli_g.quiet)
		printf("shard %u/%u: %zu image%s (%zu reference%s): %zu read, %zu unread, %zu with a binary that will not start\n",
		       fo->shard + 1, fo->nshards, nimg, nimg == 1 ? "" : "s", nrefs, nrefs == 1 ? "" : "s", nread, nunread,
		       nfail);
	if (exitc == EXIT_CLEAN)
		exitc = worst == GOABI_VERDICT_ERROR ? EXIT_INPUT : worst == GOABI_VERDICT_FAIL ? EXIT_FINDINGS : EXIT_CLEAN;
out:
	if (out != stdout)
		fclose(out);
	json_decref(done);
	for (size_t i = 0; i < f.n; i++) {
		free(f.v[i].name);
		free(f.v[i].repo);
		free(f.v[i].digest);
		free(f.v[i].platform);
		free(f.v[i].err);
	}
	free(f.v);
	if (getenv("GOABI_DEBUG_STATS")) {
		unsigned long long ni = 0, nr = 0;
		goabi_image_fact_stats(&ni, &nr);
		fprintf(stderr, "goabi: stats: binaries inspected %llu, facts reused %llu\n", ni, nr);
	}
	return exitc;
}

/* ---- goabi fleet merge ---- */

static void merge_help(FILE *out)
{
	fprintf(out,
		"usage: goabi fleet merge [--json|--format text|json|sarif|cyclonedx] [-v] FILE...\n"
		"  combines the JSON lines of `goabi image --json` over many images (shards,\n"
		"  reruns; FILE '-' is stdin) into one report: per image its verdict, and the\n"
		"  fleet view: for each rule, the images it breaks grouped by the layer that\n"
		"  brings the binary (docs/fleet.md). An image listed twice counts once (a read\n"
		"  beats an unread one); a torn last line (a killed shard) is skipped.\n"
		"  --json, --format text|json|sarif|cyclonedx  output format (cyclonedx: one\n"
		"                         container component per image, its binaries nested)\n"
		"  -v                     list every binary of every image (text)\n"
		"  -q                     print nothing, only set the exit code\n"
		"exit: 0 every image read and expected to start, 1 a binary will not start,\n"
		"      2 usage error or an image unread\n");
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* the key of a line: digest, else the first reference */
static const char *line_key(json_t *o, char *buf, size_t n)
{
	const char *d = jstr(o, "digest");
	if (d && strcmp(jstr(o, "status") ? jstr(o, "status") : "", "read") == 0)
		return d;
	const char *r0 = json_string_value(json_array_get(json_object_get(o, "references"), 0));
	snprintf(buf, n, "~%s", r0 ? r0 : "");
	return buf;
}

static int cmp_line(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	char kx[2048], ky[2048];
	return strcmp(line_key(x, kx, sizeof(kx)), line_key(y, ky, sizeof(ky)));
}

static bool is_read(json_t *o)
{
	const char *s = jstr(o, "status");
	return s && strcmp(s, "read") == 0;
}

/* fields of a line that depend on the run, not the image (cache state) */
static void drop_volatile(json_t *o)
{
	json_object_del(o, "key");
	json_t *s = json_object_get(o, "summary");
	json_object_del(s, "cached_layers");
	json_object_del(s, "bytes_read");
	const char *k;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(s, tmp, k, v) {
		const char *w = json_string_value(v);
		if (strncmp(k, "warning[", 8) == 0 && w && strstr(w, "cache"))
			json_object_del(s, k);
	}
}

static enum goabi_finding_sev sev_of(const char *s)
{
	if (!s)
		return GOABI_SEV_WARNING;
	if (strcmp(s, "error") == 0)
		return GOABI_SEV_ERROR;
	if (strcmp(s, "note") == 0)
		return GOABI_SEV_NOTE;
	if (strcmp(s, "unknown") == 0)
		return GOABI_SEV_UNKNOWN;
	return GOABI_SEV_WARNING;
}

static enum goabi_verdict verdict_of(const char *s)
{
	static const char *const names[] = { "pass", "warn", "unknown", "fail", "error" };
	for (int i = 0; i < 5; i++)
		if (s && strcmp(s, names[i]) == 0)
			return (enum goabi_verdict)i;
	return GOABI_VERDICT_ERROR;
}

/* the keys of object o, sorted (calloc'ed, borrowed strings; NULL and
 * *n = 0 when out of memory) */
static const char **sorted_keys(json_t *o, size_t *n)
{
	const char **v = calloc(json_object_size(o) + 1, sizeof(*v));
	const char *k;
	json_t *x;
	*n = 0;
	if (!v)
		return NULL;
	json_object_foreach(o, k, x)
		v[(*n)++] = k;
	qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

/* the fleet view: (rule, layer) -> images, binaries */
static json_t *fleet_view(json_t *images)
{
	json_t *groups = json_object(); /* "rule\x01layer" -> {rule, layer, images{}, binaries{}} */
	size_t i;
	json_t *im;
	json_array_foreach(images, i, im) {
		json_t *b;
		size_t k;
		json_array_foreach(json_object_get(im, "binaries"), k, b) {
			json_t *f;
			size_t m;
			json_array_foreach(json_object_get(b, "findings"), m, f) {
				const char *rule = jstr(f, "rule") ? jstr(f, "rule") : "?";
				const char *layer = jstr(b, "layer") ? jstr(b, "layer") : "";
				char *key = NULL;
				if (asprintf(&key, "%s\x01%s", rule, layer) < 0)
					continue;
				json_t *g = json_object_get(groups, key);
				if (!g) {
					g = json_pack("{s:s, s:o, s:o, s:o, s:o}", "rule", rule, "layer",
						      layer[0] ? json_string(layer) : json_null(), "severity",
						      json_str(jstr(f, "severity")), "images", json_object(), "binaries",
						      json_object());
					json_object_set_new(groups, key, g);
				}
				free(key);
				const char *d = jstr(im, "digest");
				json_object_set_new(json_object_get(g, "images"), d ? d : "?",
						    json_incref(json_object_get(im, "references")));
				json_object_set_new(json_object_get(g, "binaries"), jstr(b, "path") ? jstr(b, "path") : "?",
						    json_true());
			}
		}
	}
	/* sorted lists */
	size_t nk;
	const char **keys = sorted_keys(groups, &nk);
	json_t *g, *out = json_array();
	for (size_t n = 0; n < nk; n++) {
		g = json_object_get(groups, keys[n]);
		json_t *x = json_object();
		json_object_set(x, "rule", json_object_get(g, "rule"));
		json_object_set(x, "layer", json_object_get(g, "layer"));
		json_object_set(x, "severity", json_object_get(g, "severity"));
		json_t *imgs = json_array(), *bins = json_array(), *v;
		const char *ik;
		/* jansson keeps insertion order; images were added in sorted order */
		json_object_foreach(json_object_get(g, "images"), ik, v)
			json_array_append_new(imgs, json_pack("{s:s, s:O}", "digest", ik, "references", v));
		size_t nb;
		const char **bk = sorted_keys(json_object_get(g, "binaries"), &nb);
		for (size_t q = 0; q < nb; q++)
			json_array_append_new(bins, json_string(bk[q]));
		free(bk);
		json_object_set_new(x, "images", imgs);
		json_object_set_new(x, "binaries", bins);
		json_array_append_new(out, x);
	}
	free(keys);
	json_decref(groups);
	return out;
}

static int cmd_merge(int argc, char **argv)
{
	argc = cli_global_take("fleet", argc, argv);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			merge_help(stdout);
			return EXIT_CLEAN;
		}
		if (argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0)
			return cli_usage_error("fleet", NULL, "unknown option '%s' (goabi fleet merge --help)", argv[i]);
	}
	json_t **lines = NULL;
	size_t n = 0, cap = 0, nfiles = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			continue;
		FILE *f = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "r");
		if (!f)
			return cli_usage_error("fleet", argv[i], "%s", strerror(errno));
		nfiles++;
		char *line = NULL;
		size_t ll = 0;
		ssize_t got;
		unsigned long lineno = 0;
		while ((got = getline(&line, &ll, f)) >= 0) {
			lineno++;
			if (strspn(line, " \t\r\n") == (size_t)got)
				continue;
			json_t *o = json_loadb(line, (size_t)got, 0, NULL);
			if (!json_is_object(o) || strcmp(jstr(o, "kind") ? jstr(o, "kind") : "", "fleet-image") != 0) {
				json_decref(o);
				bool torn = line[got - 1] != '\n' || strncmp(line, "{\"tool\":\"goabi\"", 15) == 0;
				if (!torn) {
					free(line);
					if (f != stdin)
						fclose(f);
					for (size_t k = 0; k < n; k++)
						json_decref(lines[k]);
					free(lines);
					return cli_usage_error("fleet", argv[i], "line %lu is not a fleet image line (goabi image --json over many images)",
							       lineno);
				}
				fprintf(stderr, "goabi fleet: '%s': line %lu is incomplete (a killed shard?): skipped\n", argv[i],
					lineno);
				continue;
			}
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 256;
				json_t **nv = realloc(lines, nc * sizeof(*nv));
				if (!nv) {
					json_decref(o);
					break;
				}
				lines = nv, cap = nc;
			}
			drop_volatile(o);
			lines[n++] = o;
		}
		free(line);
		if (f != stdin)
			fclose(f);
	}
	if (!nfiles)
		return cli_usage_error("fleet", NULL, "no input (goabi fleet merge FILE...)");
	if (!n) {
		free(lines);
		return cli_usage_error("fleet", NULL, "no image line in the input (goabi image --json over many images)");
	}
	qsort(lines, n, sizeof(*lines), cmp_line);
	/* one per key: a read line beats an unread one; references united */
	json_t *images = json_array();
	for (size_t i = 0; i < n;) {
		char ka[2048], kb[2048];
		const char *key = line_key(lines[i], ka, sizeof(ka));
		size_t j = i, best = i;
		while (j < n && strcmp(line_key(lines[j], kb, sizeof(kb)), key) == 0) {
			if (!is_read(lines[best]) && is_read(lines[j]))
				best = j;
			j++;
		}
		json_t *o = json_deep_copy(lines[best]);
		json_t *refs = json_object();
		for (size_t k = i; k < j; k++) {
			json_t *r;
			size_t q;
			json_array_foreach(json_object_get(lines[k], "references"), q, r)
				if (json_string_value(r))
					json_object_set_new(refs, json_string_value(r), json_true());
		}
		size_t nr;
		const char **rv = sorted_keys(refs, &nr);
		json_object_set_new(o, "references", strs_json(rv, nr));
		free(rv);
		json_decref(refs);
		json_array_append_new(images, o);
		i = j;
	}
	/* unread images that a read line of the same reference supersedes (an
	 * unresolved reference read on a rerun) */
	json_t *readrefs = json_object();
	size_t q;
	json_t *im;
	json_array_foreach(images, q, im) {
		if (!is_read(im))
			continue;
		json_t *r;
		size_t z;
		json_array_foreach(json_object_get(im, "references"), z, r)
			json_object_set_new(readrefs, json_string_value(r), json_true());
	}
	for (size_t z = json_array_size(images); z-- > 0;) {
		im = json_array_get(images, z);
		json_t *refs = json_object_get(im, "references");
		if (!is_read(im) && json_array_size(refs) == 1 &&
		    json_object_get(readrefs, json_string_value(json_array_get(refs, 0))))
			json_array_remove(images, z);
	}
	json_decref(readrefs);
	for (size_t k = 0; k < n; k++)
		json_decref(lines[k]);
	free(lines);
	/* counts, verdict */
	size_t nread = 0, nunread = 0, nfail = 0, nwarn = 0, nrefs = 0;
	enum goabi_verdict worst = GOABI_VERDICT_PASS;
	json_array_foreach(images, q, im) {
		enum goabi_verdict v = is_read(im) ? verdict_of(jstr(im, "verdict_class")) : GOABI_VERDICT_ERROR;
		if (v > worst)
			worst = v;
		nrefs += json_array_size(json_object_get(im, "references"));
		if (!is_read(im))
			nunread++;
		else if (nread++, v == GOABI_VERDICT_FAIL)
			nfail++;
		else if (v == GOABI_VERDICT_WARN)
			nwarn++;
	}
	int exitc = worst == GOABI_VERDICT_ERROR ? EXIT_INPUT : worst == GOABI_VERDICT_FAIL ? EXIT_FINDINGS : EXIT_CLEAN;
	json_t *view = fleet_view(images);
	const char *vword = worst == GOABI_VERDICT_ERROR ? "images unread"
			    : worst == GOABI_VERDICT_FAIL ? "a binary will not start"
			    : worst == GOABI_VERDICT_WARN ? "may fail" : "will start";
	if (cli_g.quiet) {
		/* nothing */
	} else if (cli_g.format == CLI_FMT_JSON) {
		json_t *top = json_object();
		json_object_set_new(top, "tool", json_string("goabi"));
		json_object_set_new(top, "version", json_string(GOABI_VERSION));
		json_object_set_new(top, "schema", json_integer(GOABI_JSON_SCHEMA));
		json_object_set_new(top, "command", json_string("fleet"));
		json_object_set_new(top, "verdict", json_string(vword));
		json_object_set_new(top, "verdict_class", json_string(goabi_verdict_name(worst)));
		json_object_set_new(top, "exit", json_integer(exitc));
		json_object_set_new(top, "summary",
				    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "images", (json_int_t)json_array_size(images),
					      "references", (json_int_t)nrefs, "read", (json_int_t)nread, "unread",
					      (json_int_t)nunread, "will_not_start", (json_int_t)nfail, "may_fail",
					      (json_int_t)nwarn));
		json_object_set(top, "images", images);
		json_object_set(top, "fleet", view);
		cli_print_json(top);
		json_decref(top);
	} else if (cli_g.format == CLI_FMT_CYCLONEDX) {
		json_t *meta = json_array();
		char num[32];
#define META(name, val) json_array_append_new(meta, json_pack("{s:s, s:s}", "name", name, "value", val))
#define METAN(name, v) (snprintf(num, sizeof(num), "%zu", (size_t)(v)), META(name, num))
		METAN("goabi:fleet.summary.images", json_array_size(images));
		METAN("goabi:fleet.summary.references", nrefs);
		METAN("goabi:fleet.summary.read", nread);
		METAN("goabi:fleet.summary.unread", nunread);
		METAN("goabi:fleet.summary.will_not_start", nfail);
		METAN("goabi:fleet.summary.may_fail", nwarn);
		META("goabi:fleet.verdict", vword);
		META("goabi:fleet.verdict_class", goabi_verdict_name(worst));
#undef META
#undef METAN
		json_t *j = cyclonedx_fleet_bom(images, meta, GOABI_VERSION);
		if (j)
			cli_print_json(j);
		json_decref(j);
	} else if (cli_g.format == CLI_FMT_SARIF) {
		struct goabi_result *r = goabi_result_new("fleet");
		if (r) {
			r->verdict = worst;
			r->verdict_word = vword;
			json_array_foreach(images, q, im) {
				const char *ref = json_string_value(json_array_get(json_object_get(im, "references"), 0));
				goabi_result_add_judged(r, ref, NULL,
					is_read(im) ? verdict_of(jstr(im, "verdict_class")) : GOABI_VERDICT_ERROR, jstr(im, "verdict"));
				if (!is_read(im)) {
					goabi_result_add_error(r, ref, NULL, jstr(im, "reason") ? jstr(im, "reason") : "unread");
					continue;
				}
				json_t *b;
				size_t k;
				json_array_foreach(json_object_get(im, "binaries"), k, b) {
					json_t *f;
					size_t m;
					json_array_foreach(json_object_get(b, "findings"), m, f) {
						struct goabi_finding *gf = goabi_result_add_finding(r, jstr(f, "rule"),
							sev_of(jstr(f, "severity")), "%s", jstr(f, "message") ? jstr(f, "message") : "");
						if (!gf)
							continue;
						gf->check = "image";
						gf->subject.path = goabi_result_str(r, ref);
						gf->subject.member = goabi_result_str(r, jstr(b, "path"));
						gf->subject.layer = goabi_result_str(r, jstr(b, "layer"));
						gf->tool_says = goabi_result_str(r, jstr(f, "tool_says"));
						gf->key = goabi_result_str(r, jstr(im, "digest"));
					}
				}
			}
			json_t *j = report_result_sarif(r);
			cli_print_json(j);
			json_decref(j);
			goabi_result_free(r);
		}
	} else {
		printf("fleet: %zu image%s (%zu reference%s) from %zu file%s: %zu read, %zu unread; %zu with a binary that "
		       "will not start, %zu that may fail\n",
		       json_array_size(images), json_array_size(images) == 1 ? "" : "s", nrefs, nrefs == 1 ? "" : "s", nfiles,
		       nfiles == 1 ? "" : "s", nread, nunread, nfail, nwarn);
		printf("\nimages:\n");
		json_array_foreach(images, q, im)
			text_line(im);
		if (json_array_size(view))
			printf("\nby rule and layer:\n");
		json_t *g;
		json_array_foreach(view, q, g) {
			const char *layer = jstr(g, "layer");
			printf("%s  %s  layer %s: %zu image%s\n", jstr(g, "rule"), jstr(g, "severity") ? jstr(g, "severity") : "",
			       layer ? layer : "(unknown)", json_array_size(json_object_get(g, "images")),
			       json_array_size(json_object_get(g, "images")) == 1 ? "" : "s");
			json_t *b;
			size_t k;
			printf("    binaries:");
			json_array_foreach(json_object_get(g, "binaries"), k, b) {
				printf(" ");
				report_put(stdout, json_string_value(b));
			}
			printf("\n");
			json_t *x;
			json_array_foreach(json_object_get(g, "images"), k, x) {
				printf("    %.19s ", jstr(x, "digest"));
				report_put(stdout, json_string_value(json_array_get(json_object_get(x, "references"), 0)));
				size_t nr = json_array_size(json_object_get(x, "references"));
				if (nr > 1)
					printf(" (+%zu)", nr - 1);
				printf("\n");
			}
		}
		fflush(stdout);
	}
	json_decref(view);
	json_decref(images);
	return exitc;
}

int cmd_fleet(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		merge_help(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_INPUT : EXIT_CLEAN;
	}
	if (strcmp(argv[1], "merge") == 0)
		return cmd_merge(argc - 1, argv + 1);
	return cli_usage_error("fleet", NULL, "unknown subcommand '%s' (goabi fleet merge FILE...)", argv[1]);
}
