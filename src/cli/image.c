/* goabi image: options, progress, text and JSON output, exit code. */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "check/image_int.h"
#include "check/nss.h"
#include "read/registry.h"
#include "cli/cli.h"
#include "goabi/goabi.h"
#include "report/report.h"

struct progress {
	bool on;
	double start, last;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_cb(void *ctx, size_t done, size_t total, uint64_t bytes)
{
	struct progress *p = ctx;
	double t = now();
	if (!p->on || (done < total && t - p->last < 0.1))
		return;
	p->last = t;
	int w = 30, fill = total ? (int)((double)done / (double)total * w) : w;
	double mb = (double)bytes / 1e6, el = t - p->start;
	fprintf(stderr, "\r[%.*s%*s] %zu/%zu files, %.1f MB, %.1f MB/s", fill, "##############################", w - fill,
		"", done, total, mb, el > 0 ? mb / el : 0.0);
	if (done == total)
		fprintf(stderr, "\r%*s\r", 80, "");
}

static void read_progress_cb(void *ctx, uint64_t entries, uint64_t bytes)
{
	struct progress *p = ctx;
	double t = now();
	if (!p->on || t - p->last < 0.1)
		return;
	p->last = t;
	double mb = (double)bytes / 1e6, el = t - p->start;
	fprintf(stderr, "\rreading: %llu entries, %.1f MB, %.1f MB/s   ", (unsigned long long)entries, mb,
		el > 0 ? mb / el : 0.0);
}

/* one line per layer of a registry image, on a terminal only */
static void layer_progress_cb(void *ctx, unsigned layer, unsigned nlayers, const char *digest, uint64_t done,
			      uint64_t total, bool finished)
{
	struct progress *p = ctx;
	double t = now();
	if (!p->on || (!finished && t - p->last < 0.1))
		return;
	p->last = t;
	fprintf(stderr, "\rlayer %u/%u %.19s %.1f/%.1f MB%s", layer, nlayers, digest, (double)done / 1e6,
		(double)total / 1e6, finished ? "\n" : "   ");
}

static bool parse_size(const char *s, uint64_t *out)
{
	char *e;
	unsigned long long v = strtoull(s, &e, 10);
	if (e == s)
		return false;
	switch (*e) {
	case 'k': case 'K': v <<= 10; e++; break;
	case 'm': case 'M': v <<= 20; e++; break;
	case 'g': case 'G': v <<= 30; e++; break;
	default: break;
	}
	if (*e || v == 0)
		return false;
	*out = v;
	return true;
}

static void help(FILE *out)
{
	fprintf(out,
		"usage: goabi image [options] ROOTFS-DIR|IMAGE.tar|OCI-LAYOUT|TRANSPORT:REF\n"
		"  TRANSPORT:REF  docker://[HOST[:PORT]/]REPO[:TAG|@DIGEST] (a registry),\n"
		"                 docker-daemon:NAME[:TAG] (the engine at $DOCKER_HOST), oci:DIR[:REF],\n"
		"                 oci-archive:FILE[:REF], docker-archive:FILE[:REF]\n"
		"  checks that every ELF binary in a container image or root filesystem will start,\n"
		"  without running anything (docs/image.md)\n"
		"  --json                 JSON output\n"
		"  -v                     list every binary, not only the ones with findings\n"
		"  -q                     print nothing, only set the exit code\n"
		"  --platform OS/ARCH[/VARIANT]  image of a multi-platform index (default: the host's)\n"
		"  --ref NAME             image named NAME (OCI ref.name annotation or docker tag)\n"
		"  --add FILE[:/PATH]     check FILE as if copied into the image at PATH (default /NAME;\n"
		"                         a PATH ending in '/' or naming a directory gets NAME appended)\n"
		"  --cpu x86-64-vN        target CPU level (1-4): binaries needing more fail\n"
		"  --isa-scan             disassemble to find the ISA level binaries require (slow)\n"
		"  -j, --jobs N           worker threads (default: all cores)\n"
		"  --max-size BYTES       decompressed bytes read from all layers (default 16G; K/M/G)\n"
		"  --max-entries N        entries in all layers (default 2000000)\n"
		"  --max-path N           bytes of one path (default 4096)\n"
		"  --max-symlinks N       symlinks followed resolving one path (default 40)\n"
		"  --max-file BYTES       bytes of one ELF file kept for checking (default 2G)\n"
		"  --no-progress          no progress bar on stderr (shown only when it is a terminal)\n"
		"  --creds USER:PASS      registry credentials (default: auth files, credential helpers)\n"
		"  --tls-verify=BOOL      false: plain HTTP or unverified TLS (default: verified TLS;\n"
		"                         loopback registries plain HTTP)\n"
		"  --cache DIR            reuse layers already read (keyed by digest; shareable)\n"
		"  --timeout SECONDS      give up on a server silent this long (default 30)\n"
		"exit: 0 every binary is expected to start, 1 a binary will not start,\n"
		"      2 usage error, unreadable or incomplete image (corrupt layer, limit hit)\n");
}

static json_t *jstr(const char *s)
{
	return s ? json_str(s) : json_null();
}

static json_t *jstrv(const struct goabi_strv *sv)
{
	json_t *a = json_array();
	for (size_t i = 0; i < sv->n; i++)
		json_array_append_new(a, jstr(sv->v[i]));
	return a;
}

struct goinv {
	const char *version;
	size_t n, cgo, stat;
};

static size_t go_inventory(const struct imgc *c, struct goinv *g, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < c->nbins; i++) {
		const struct imgc_bin *b = &c->bins[i];
		if (!b->go_version)
			continue;
		size_t k;
		for (k = 0; k < n; k++)
			if (strcmp(g[k].version, b->go_version) == 0)
				break;
		if (k == n) {
			if (n == max)
				continue;
			g[n].version = b->go_version;
			g[n].n = g[n].cgo = g[n].stat = 0;
			n++;
		}
		g[k].n++;
		if (b->go_cgo && strcmp(b->go_cgo, "1") == 0)
			g[k].cgo++;
		if (!b->interp && !b->nneeded)
			g[k].stat++;
	}
	return n;
}

struct famcount {
	const char *family;
	size_t n;
};

static size_t family_counts(const struct imgc *c, struct famcount *f, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < c->nbins; i++) {
		const struct imgc_bin *b = &c->bins[i];
		if (b->verdict == IMGC_SKIPPED)
			continue;
		const char *fam = b->family ? b->family : "unknown";
		size_t k;
		for (k = 0; k < n; k++)
			if (strcmp(f[k].family, fam) == 0)
				break;
		if (k == n) {
			if (n == max)
				continue;
			f[n].family = fam;
			f[n++].n = 0;
		}
		f[k].n++;
	}
	return n;
}

/* the image's nsswitch.conf as glibc reads it, for the databases followed */
static json_t *nss_json(const struct nss_conf *nc)
{
	json_t *o = json_object();
	json_object_set_new(o, "present", json_boolean(nc->present));
	json_object_set_new(o, "error", jstr(nc->error));
	json_t *dbs = json_object();
	for (int d = 0; d < NSSDB_COUNT; d++) {
		const struct nss_line *l = &nc->db[d];
		json_t *srcs = json_array();
		for (size_t i = 0; i < l->nsources; i++)
			json_array_append_new(srcs, jstr(l->sources[i]));
		json_t *e = json_object();
		json_object_set_new(e, "sources", srcs);
		json_object_set_new(e, "consulted_on_notfound", json_integer((json_int_t)l->nreach));
		json_object_set_new(e, "line", json_integer(l->line));
		json_object_set_new(e, "from", jstr(l->how));
		json_object_set_new(dbs, nss_db_name(d), e);
	}
	json_object_set_new(o, "databases", dbs);
	return o;
}

static json_t *to_json(const struct imgc *c, const struct img_fs *fs, bool verbose)
{
	json_t *r = json_object();
	json_object_set_new(r, "schema", json_integer(GOABI_JSON_SCHEMA));
	json_t *im = json_object();
	json_object_set_new(im, "input", jstr(fs->input));
	json_object_set_new(im, "format", jstr(fs->format));
	json_object_set_new(im, "os", jstr(fs->os));
	json_object_set_new(im, "architecture", jstr(fs->arch));
	json_object_set_new(im, "variant", jstr(fs->variant));
	json_object_set_new(im, "ref", jstr(fs->ref));
	json_object_set_new(im, "layers", json_integer(fs->nlayers));
	json_object_set_new(im, "entries", json_integer((json_int_t)fs->nentries));
	json_object_set_new(im, "bytes_read", json_integer((json_int_t)fs->bytes));
	json_object_set_new(im, "complete", json_boolean(!fs->nerrors));
	json_object_set_new(im, "digest", jstr(fs->digest));
	json_object_set_new(im, "cached_layers", json_integer(fs->cached_layers));
	json_object_set_new(r, "image", im);
	json_t *lcs = json_array();
	for (size_t i = 0; i < c->nlibcs; i++) {
		json_t *l = json_object();
		json_object_set_new(l, "family", jstr(c->libcs[i].family));
		json_object_set_new(l, "version", jstr(c->libcs[i].version));
		json_object_set_new(l, "path", jstr(c->libcs[i].path));
		json_object_set_new(l, "evidence", jstr(c->libcs[i].evidence));
		json_array_append_new(lcs, l);
	}
	json_object_set_new(r, "libc", lcs);
	json_object_set_new(r, "loaders", jstrv(&c->loaders));
	json_t *sp = json_object();
	json_object_set_new(sp, "glibc", jstrv(&c->glibc_dirs));
	json_object_set_new(sp, "musl", jstrv(&c->musl_dirs));
	json_object_set_new(r, "search_path", sp);
	if (c->nss)
		json_object_set_new(r, "nsswitch", nss_json(c->nss));
	json_t *sum = json_object();
	json_object_set_new(sum, "files", json_integer((json_int_t)c->nbins));
	json_object_set_new(sum, "ok", json_integer((json_int_t)c->counts[IMGC_OK]));
	json_object_set_new(sum, "may_fail", json_integer((json_int_t)c->counts[IMGC_MAY_FAIL]));
	json_object_set_new(sum, "will_not_start", json_integer((json_int_t)c->counts[IMGC_WILL_NOT_START]));
	json_object_set_new(sum, "not_checked", json_integer((json_int_t)c->counts[IMGC_SKIPPED]));
	struct famcount fc[32];
	size_t nf = family_counts(c, fc, 32);
	json_t *bl = json_object();
	for (size_t i = 0; i < nf; i++)
		json_object_set_new(bl, fc[i].family, json_integer((json_int_t)fc[i].n));
	json_object_set_new(sum, "by_libc", bl);
	struct goinv g[256];
	size_t ng = go_inventory(c, g, 256);
	json_t *gj = json_object();
	for (size_t i = 0; i < ng; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "binaries", json_integer((json_int_t)g[i].n));
		json_object_set_new(o, "cgo", json_integer((json_int_t)g[i].cgo));
		json_object_set_new(o, "static", json_integer((json_int_t)g[i].stat));
		json_object_set_new(gj, g[i].version, o);
	}
	json_object_set_new(sum, "go", gj);
	json_object_set_new(r, "summary", sum);
	json_t *bins = json_array();
	for (size_t i = 0; i < c->nbins; i++) {
		const struct imgc_bin *b = &c->bins[i];
		if (!verbose && b->verdict == IMGC_SKIPPED)
			continue;
		json_t *o = json_object();
		json_object_set_new(o, "path", jstr(b->path));
		json_object_set_new(o, "verdict", jstr(imgc_verdict_name(b->verdict)));
		json_object_set_new(o, "reason", jstr(b->reason));
		json_object_set_new(o, "problems", jstrv(&b->problems));
		json_object_set_new(o, "notes", jstrv(&b->notes));
		json_object_set_new(o, "type", jstr(b->type_name));
		json_object_set_new(o, "machine", jstr(b->machine_name));
		json_object_set_new(o, "class", json_integer(b->elfclass));
		json_object_set_new(o, "executable", json_boolean(b->executable));
		json_object_set_new(o, "interp", jstr(b->interp));
		json_t *nd = json_array();
		for (size_t k = 0; k < b->nneeded; k++)
			json_array_append_new(nd, jstr(b->needed[k]));
		json_object_set_new(o, "needed", nd);
		json_object_set_new(o, "resolved", jstrv(&b->deps));
		json_object_set_new(o, "rpath", jstr(b->rpath));
		json_object_set_new(o, "runpath", jstr(b->runpath));
		json_object_set_new(o, "libc", jstr(b->family));
		json_object_set_new(o, "linkage", jstr(b->linkage));
		if (b->nverdef) {
			json_t *vd = json_array();
			for (size_t k = 0; k < b->nverdef; k++)
				json_array_append_new(vd, jstr(b->verdef[k]));
			json_object_set_new(o, "version_definitions", vd);
		}
		if (b->go_version) {
			json_t *go = json_object();
			json_object_set_new(go, "version", jstr(b->go_version));
			json_object_set_new(go, "cgo", jstr(b->go_cgo));
			json_object_set_new(go, "static", json_boolean(!b->interp && !b->nneeded));
			json_object_set_new(o, "go", go);
		}
		if (b->nss_go_dbs || b->nss_c_dbs) {
			json_t *n = json_object();
			json_object_set_new(n, "go_user", jstr(b->nss_go_user));
			json_object_set_new(n, "go_resolver", jstr(b->nss_go_res));
			json_t *gd = json_array(), *cd = json_array();
			for (int d = 0; d < NSSDB_COUNT; d++) {
				if (b->nss_go_dbs & (1u << d))
					json_array_append_new(gd, json_string(nss_db_name(d)));
				if (b->nss_c_dbs & (1u << d))
					json_array_append_new(cd, json_string(nss_db_name(d)));
			}
			json_object_set_new(n, "go_databases", gd);
			json_object_set_new(n, "databases", cd);
			json_object_set_new(n, "static_glibc", json_boolean(b->nss_static));
			json_object_set_new(o, "nss", n);
		}
		json_object_set_new(o, "isa_declared", jstr(b->isa_declared));
		json_object_set_new(o, "isa_required", jstr(b->isa_required));
		json_array_append_new(bins, o);
	}
	json_object_set_new(r, "binaries", bins);
	json_object_set_new(r, "diagnostics", jstrv(&fs->diags));
	return r;
}

static void print_dirs(const char *label, const struct goabi_strv *sv)
{
	printf("  %-6s", label);
	for (size_t i = 0; i < sv->n; i++)
		printf(" %s", sv->v[i]);
	printf("\n");
}

static void to_text(const struct imgc *c, const struct img_fs *fs, bool verbose)
{
	printf("image    %s (%s%s%s%s%s", fs->input, fs->format ? fs->format : "?", fs->arch ? ", " : "",
	       fs->os ? fs->os : "", fs->arch ? "/" : "", fs->arch ? fs->arch : "");
	if (fs->ref)
		printf(", %s", fs->ref);
	if (fs->nlayers)
		printf(", %u layer%s", fs->nlayers, fs->nlayers == 1 ? "" : "s");
	if (fs->cached_layers)
		printf(" (%u from the cache)", fs->cached_layers);
	printf(", %llu entries)\n", (unsigned long long)fs->nentries);
	printf("libc    ");
	if (!c->nlibcs)
		printf(" none found (scratch or static-only image)");
	for (size_t i = 0; i < c->nlibcs; i++)
		printf("%s %s %s (%s)", i ? "," : "", c->libcs[i].family,
		       c->libcs[i].version ? c->libcs[i].version : "version unknown", c->libcs[i].path);
	printf("\nloaders ");
	for (size_t i = 0; i < c->loaders.n; i++)
		printf(" %s", c->loaders.v[i]);
	printf("%s\nsearch path\n", c->loaders.n ? "" : " none");
	print_dirs("glibc", &c->glibc_dirs);
	print_dirs("musl", &c->musl_dirs);
	if (c->nss) {
		printf("nsswitch%s", c->nss->present ? "" : " (none: glibc's defaults)");
		for (int d = 0; d < NSSDB_COUNT; d++)
			printf("%s %s: %s", d ? ";" : "", nss_db_name(d), c->nss->db[d].text ? c->nss->db[d].text : "");
		printf("\n");
		if (c->nss->error)
			printf("nsswitch line %u is invalid for glibc: %s\n", c->nss->error_line, c->nss->error);
	}
	printf("\n%-24s %8s\n", "verdict", "files");
	static const enum imgc_verdict order[] = { IMGC_OK, IMGC_MAY_FAIL, IMGC_WILL_NOT_START, IMGC_SKIPPED };
	for (size_t i = 0; i < 4; i++)
		printf("%-24s %8zu\n", imgc_verdict_name(order[i]), c->counts[order[i]]);
	struct famcount fc[32];
	size_t nf = family_counts(c, fc, 32);
	printf("\n%-24s %8s\n", "libc of binaries", "files");
	for (size_t i = 0; i < nf; i++)
		printf("%-24s %8zu\n", fc[i].family, fc[i].n);
	struct goinv g[256];
	size_t ng = go_inventory(c, g, 256);
	if (ng) {
		printf("\n%-24s %8s %6s %6s\n", "Go toolchain", "binaries", "cgo", "static");
		for (size_t i = 0; i < ng; i++)
			printf("%-24s %8zu %6zu %6zu\n", g[i].version, g[i].n, g[i].cgo, g[i].stat);
	}
	bool header = false;
	for (size_t i = 0; i < c->nbins; i++) {
		const struct imgc_bin *b = &c->bins[i];
		if (!verbose && (b->verdict == IMGC_OK || b->verdict == IMGC_SKIPPED))
			continue;
		if (!header) {
			printf("\n");
			header = true;
		}
		printf("%-20s %s", imgc_verdict_name(b->verdict), b->path);
		if (b->reason)
			printf(": %s", b->reason);
		size_t extra = b->problems.n + b->notes.n;
		if (extra > 1)
			printf(" (+%zu more)", extra - 1);
		printf("\n");
		if (verbose) {
			for (size_t k = 1; k < b->problems.n; k++)
				printf("%20s   %s\n", "", b->problems.v[k]);
			for (size_t k = b->problems.n ? 0 : 1; k < b->notes.n; k++)
				printf("%20s   %s\n", "", b->notes.v[k]);
		}
	}
}

int cmd_image(int argc, char **argv)
{
	enum { O_JSON = 256, O_PLATFORM, O_ADD, O_CPU, O_ISA, O_MAXSIZE, O_MAXENT, O_MAXPATH, O_MAXLINK, O_MAXFILE,
	       O_NOPROG, O_REF, O_CREDS, O_TLS, O_CACHE, O_TIMEOUT };
	static const struct option lo[] = {
		{ "json", no_argument, NULL, O_JSON },
		{ "platform", required_argument, NULL, O_PLATFORM },
		{ "ref", required_argument, NULL, O_REF },
		{ "add", required_argument, NULL, O_ADD },
		{ "cpu", required_argument, NULL, O_CPU },
		{ "isa-scan", no_argument, NULL, O_ISA },
		{ "jobs", required_argument, NULL, 'j' },
		{ "max-size", required_argument, NULL, O_MAXSIZE },
		{ "max-entries", required_argument, NULL, O_MAXENT },
		{ "max-path", required_argument, NULL, O_MAXPATH },
		{ "max-symlinks", required_argument, NULL, O_MAXLINK },
		{ "max-file", required_argument, NULL, O_MAXFILE },
		{ "no-progress", no_argument, NULL, O_NOPROG },
		{ "creds", required_argument, NULL, O_CREDS },
		{ "tls-verify", required_argument, NULL, O_TLS },
		{ "cache", required_argument, NULL, O_CACHE },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, verbose = false, quiet = false, noprog = false;
	const char *platform = NULL, *ref = NULL;
	const char *adds[256];
	size_t nadds = 0;
	struct img_limits lim = { 0 };
	struct imgc_opts o = { 0 };
	struct img_remote rm = { .tls_verify = -1, .timeout = IMG_DEF_TIMEOUT, .retries = IMG_DEF_RETRIES };
	int opt;
	uint64_t v;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "vqhj:", lo, NULL)) != -1) {
		switch (opt) {
		case O_JSON: json = true; break;
		case O_PLATFORM: platform = optarg; break;
		case O_REF: ref = optarg; break;
		case O_ADD:
			if (nadds == 256) {
				fprintf(stderr, "goabi image: at most 256 --add options\n");
				return EXIT_INPUT;
			}
			adds[nadds++] = optarg;
			break;
		case O_CPU:
			if (strncmp(optarg, "x86-64-v", 8) != 0 || optarg[8] < '1' || optarg[8] > '4' || optarg[9]) {
				fprintf(stderr, "goabi image: --cpu '%s': expected x86-64-v1, -v2, -v3 or -v4\n", optarg);
				return EXIT_INPUT;
			}
			o.cpu_level = optarg[8] - '0';
			break;
		case O_ISA: o.isa_scan = true; break;
		case 'j': o.jobs = atoi(optarg); break;
		case O_MAXSIZE:
		case O_MAXFILE:
		case O_MAXENT:
		case O_MAXPATH:
		case O_MAXLINK:
			if (!parse_size(optarg, &v)) {
				fprintf(stderr, "goabi image: '%s': expected a positive number\n", optarg);
				return EXIT_INPUT;
			}
			if (opt == O_MAXSIZE)
				lim.max_bytes = v;
			else if (opt == O_MAXFILE)
				lim.max_file = v;
			else if (opt == O_MAXENT)
				lim.max_entries = v;
			else if (opt == O_MAXPATH)
				lim.max_path = v > 65536 ? 65536 : (size_t)v;
			else
				lim.max_symlinks = v > 1000 ? 1000 : (unsigned)v;
			break;
		case O_NOPROG: noprog = true; break;
		case O_CREDS:
			if (!strchr(optarg, ':') || optarg[0] == ':') {
				fprintf(stderr, "goabi image: --creds: expected USER:PASS\n");
				return EXIT_INPUT;
			}
			rm.creds = optarg;
			break;
		case O_TLS:
			if (strcmp(optarg, "true") == 0)
				rm.tls_verify = 1;
			else if (strcmp(optarg, "false") == 0)
				rm.tls_verify = 0;
			else {
				fprintf(stderr, "goabi image: --tls-verify '%s': expected true or false\n", optarg);
				return EXIT_INPUT;
			}
			break;
		case O_CACHE: rm.cache_dir = optarg; break;
		case O_TIMEOUT:
			if (!parse_size(optarg, &v) || v > 86400) {
				fprintf(stderr, "goabi image: --timeout '%s': expected seconds (1-86400)\n", optarg);
				return EXIT_INPUT;
			}
			rm.timeout = (unsigned)v;
			break;
		case 'v': verbose = true; break;
		case 'q': quiet = true; break;
		case 'h': help(stdout); return EXIT_CLEAN;
		default: help(stderr); return EXIT_INPUT;
		}
	}
	if (optind != argc - 1) {
		help(stderr);
		return EXIT_INPUT;
	}
	const char *input = argv[optind];
	struct progress pr = { !noprog && !quiet && isatty(2), now(), 0 };
	lim.progress = read_progress_cb;
	lim.progress_ctx = &pr;
	if (pr.on) {
		rm.layer_progress = layer_progress_cb;
		rm.progress_ctx = &pr;
	}
	lim.remote = &rm;
	struct img_fs fs;
	int rc = img_open(&fs, input, platform, ref, &lim);
	for (size_t i = 0; i < nadds && rc != GOABI_ENOMEM; i++) {
		char *spec = strdup(adds[i]);
		char *colon = strchr(spec, ':');
		const char *base = strrchr(spec, '/');
		if (colon)
			*colon = 0;
		base = strrchr(spec, '/') ? strrchr(spec, '/') + 1 : spec;
		char dest[8192];
		if (!colon)
			snprintf(dest, sizeof(dest), "/%s", base);
		else if (colon[1] && colon[strlen(colon + 1)] == '/')
			snprintf(dest, sizeof(dest), "%s%s", colon + 1, base);
		else
			snprintf(dest, sizeof(dest), "%s", colon + 1);
		img_add_host(&fs, spec, dest);
		free(spec);
	}
	if (rc == 0 || fs.nentries || nadds)
		img_finish(&fs);
	for (size_t i = 0; i < fs.diags.n; i++)
		fprintf(stderr, "goabi: image: %s\n", fs.diags.v[i]);
	if (rc == GOABI_ENOMEM || fs.fatal || (rc != 0 && !fs.nentries && !nadds)) {
		if (!fs.diags.n)
			fprintf(stderr, "goabi: image: '%s': %s\n", input, goabi_strerror(rc));
		img_close(&fs);
		return EXIT_INPUT;
	}
	if (pr.on && pr.last > 0)
		fprintf(stderr, "\r%*s\r", 60, "");
	pr.start = now();
	o.progress = progress_cb;
	o.progress_ctx = &pr;
	struct imgc c;
	if (imgc_run(&c, &fs, &o) != 0) {
		fprintf(stderr, "goabi: image: out of memory\n");
		imgc_free(&c);
		img_close(&fs);
		return EXIT_INPUT;
	}
	if (json) {
		json_t *j = to_json(&c, &fs, verbose);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
		fputc('\n', stdout);
		json_decref(j);
	} else if (!quiet) {
		to_text(&c, &fs, verbose);
	}
	int exitc = fs.nerrors ? EXIT_INPUT : c.counts[IMGC_WILL_NOT_START] ? EXIT_FINDINGS : EXIT_CLEAN;
	if (fs.nerrors)
		fprintf(stderr, "goabi: image: '%s': %zu problem%s reading the input (above): the check may be incomplete%s\n",
			input, fs.nerrors, fs.nerrors == 1 ? "" : "s",
			c.counts[IMGC_WILL_NOT_START] ? "; some binaries will not start" : "");
	imgc_free(&c);
	img_close(&fs);
	return exitc;
}
