/* goabi image: options and progress; the check is goabi_image_check
 * (include/goabi/checks.h), its result rendered by the shared renderers. */
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/errors.h"
#include "cli/fleet.h"
#include "goabi/checks.h"
#include "goabi/goabi.h"

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
		"usage: goabi image [options] ROOTFS-DIR|IMAGE.tar|OCI-LAYOUT|TRANSPORT:REF...\n"
		"  TRANSPORT:REF  docker://[HOST[:PORT]/]REPO[:TAG|@DIGEST] (a registry),\n"
		"                 docker-daemon:NAME[:TAG] (the engine at $DOCKER_HOST), oci:DIR[:REF],\n"
		"                 oci-archive:FILE[:REF], docker-archive:FILE[:REF]\n"
		"  checks that every ELF binary in a container image or root filesystem will start,\n"
		"  without running anything (docs/image.md)\n"
		"  --json, --format text|json|sarif|cyclonedx  output format (cyclonedx: docs/sbom.md)\n"
		"  -v                     list every binary, not only the ones with findings\n"
		"  -q                     print nothing, only set the exit code\n"
		"  --platform OS/ARCH[/VARIANT]  image of a multi-platform index (default: the host's)\n"
		"  --ref NAME             image named NAME (OCI ref.name annotation or docker tag)\n"
		"  --add FILE[:/PATH]     check FILE as if copied into the image at PATH (default /NAME;\n"
		"                         a PATH ending in '/' or naming a directory gets NAME appended);\n"
		"                         a .deb, .rpm or .apk: its files at their paths in the package,\n"
		"                         its declared libc and architecture checked against them\n"
		"  --cpu x86-64-vN        target CPU level (1-4): binaries needing more fail\n"
		"  --isa-scan             disassemble to find the ISA level binaries require (slow)\n"
		"  -j, --jobs N           worker threads (default: all cores when the ELF files\n"
		"                         average 1 MB or more, else 1)\n"
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
		"  --cache-max BYTES      bound the --cache directory (least recently used evicted; K/M/G)\n"
		"many images (docs/fleet.md): several references, or docker://HOST/REPO:* (every tag),\n"
		"  docker://HOST/* or HOST/PREFIX* (the catalog); one line per image (--json: JSON Lines)\n"
		"  --from-list FILE       references, one a line ('-': stdin)\n"
		"  --shard I/N            only the images of shard I of N (by manifest digest)\n"
		"  --shard-count N        shard $JOB_COMPLETION_INDEX+1 of N (Kubernetes Indexed Job)\n"
		"  --resume FILE          JSON Lines appended to FILE, skipping the images it already\n"
		"                         holds (a shard killed and started again)\n"
		"exit: 0 every binary is expected to start, 1 a binary will not start,\n"
		"      2 usage error, unreadable or incomplete image (corrupt layer, limit hit;\n"
		"      many images: an image unread, the others still checked)\n");
}

int cmd_image(int argc, char **argv)
{
	enum { O_JSON = 256, O_PLATFORM, O_ADD, O_CPU, O_ISA, O_MAXSIZE, O_MAXENT, O_MAXPATH, O_MAXLINK, O_MAXFILE,
	       O_NOPROG, O_REF, O_CREDS, O_TLS, O_CACHE, O_TIMEOUT, O_FROMLIST, O_SHARD, O_SHARDCOUNT,
	       O_CACHEMAX, O_RESUME };
	static const struct option lo[] = {
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
		{ "from-list", required_argument, NULL, O_FROMLIST },
		{ "shard", required_argument, NULL, O_SHARD },
		{ "shard-count", required_argument, NULL, O_SHARDCOUNT },
		{ "cache-max", required_argument, NULL, O_CACHEMAX },
		{ "resume", required_argument, NULL, O_RESUME },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool noprog = false, fleet = false;
	const char *adds[256], *lists[64];
	struct fleet_opts fo = { .lists = lists, .nshards = 1 };
	unsigned shard_count = 0;
	struct goabi_image_opts o = { .tls_verify = -1, .adds = adds };
	int opt;
	uint64_t v;
	/* the shared options (--json, --format, -q, -v, --color) where they
	 * follow the command name; the rest with getopt */
	int nargc = 1;
	for (int i = 1; i < argc;) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < argc)
				argv[nargc++] = argv[i++];
			break;
		}
		bool takes_value = strcmp(argv[i], "-j") == 0;
		for (const struct option *l = lo; l->name && !takes_value; l++)
			takes_value = l->has_arg == required_argument && argv[i][0] == '-' && argv[i][1] == '-' &&
				      strcmp(argv[i] + 2, l->name) == 0;
		if (takes_value) { /* its value is not a shared option */
			argv[nargc++] = argv[i++];
			if (i < argc)
				argv[nargc++] = argv[i++];
		} else if (!cli_global_opt("image", argc, argv, &i)) {
			argv[nargc++] = argv[i++];
		}
	}
	argv[nargc] = NULL;
	argc = nargc;
	optind = 1;
	opterr = 0; /* the errors below, in the output format asked for */
	while ((opt = getopt_long(argc, argv, ":hj:", lo, NULL)) != -1) {
		switch (opt) {
		case O_PLATFORM: o.platform = optarg; break;
		case O_REF: o.ref = optarg; break;
		case O_ADD:
			if (o.nadds == 256) {
				return cli_usage_error("image", NULL, "at most 256 --add options");
			}
			adds[o.nadds++] = optarg;
			break;
		case O_CPU:
			if (strncmp(optarg, "x86-64-v", 8) != 0 || optarg[8] < '1' || optarg[8] > '4' || optarg[9]) {
				return cli_usage_error("image", NULL, "--cpu '%s': expected x86-64-v1, -v2, -v3 or -v4", optarg);
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
				return cli_usage_error("image", NULL, "'%s': expected a positive number", optarg);
			}
			if (opt == O_MAXSIZE)
				o.max_bytes = v;
			else if (opt == O_MAXFILE)
				o.max_file = v;
			else if (opt == O_MAXENT)
				o.max_entries = v;
			else if (opt == O_MAXPATH)
				o.max_path = v > 65536 ? 65536 : (size_t)v;
			else
				o.max_symlinks = v > 1000 ? 1000 : (unsigned)v;
			break;
		case O_NOPROG: noprog = true; break;
		case O_CREDS:
			if (!strchr(optarg, ':') || optarg[0] == ':') {
				return cli_usage_error("image", NULL, "--creds: expected USER:PASS");
			}
			o.creds = optarg;
			break;
		case O_TLS:
			if (strcmp(optarg, "true") == 0)
				o.tls_verify = 1;
			else if (strcmp(optarg, "false") == 0)
				o.tls_verify = 0;
			else {
				return cli_usage_error("image", NULL, "--tls-verify '%s': expected true or false", optarg);
			}
			break;
		case O_CACHE: o.cache_dir = optarg; break;
		case O_TIMEOUT:
			if (!parse_size(optarg, &v) || v > 86400) {
				return cli_usage_error("image", NULL, "--timeout '%s': expected seconds (1-86400)", optarg);
			}
			o.timeout = (unsigned)v;
			break;
		case O_FROMLIST:
			if (fo.nlists == 64)
				return cli_usage_error("image", NULL, "at most 64 --from-list options");
			lists[fo.nlists++] = optarg;
			fleet = true;
			break;
		case O_SHARD:
			if (!fleet_parse_shard(optarg, &fo.shard, &fo.nshards))
				return cli_usage_error("image", NULL, "--shard '%s': expected I/N with 1 <= I <= N", optarg);
			fleet = true;
			break;
		case O_SHARDCOUNT:
			if (!parse_size(optarg, &v) || v > 1000000)
				return cli_usage_error("image", NULL, "--shard-count '%s': expected a number of shards", optarg);
			shard_count = (unsigned)v;
			fleet = true;
			break;
		case O_RESUME:
			fo.resume = optarg;
			fleet = true;
			break;
		case O_CACHEMAX:
			if (!parse_size(optarg, &v))
				return cli_usage_error("image", NULL, "--cache-max '%s': expected a size in bytes (K/M/G)", optarg);
			o.cache_max = v;
			break;
		case 'h': help(stdout); return EXIT_CLEAN;
		case ':': return cli_usage_error("image", NULL, "option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage_error("image", NULL, "unknown option '%s' (goabi image --help)", argv[optind - 1]);
		}
	}
	if (shard_count) {
		const char *e = getenv("JOB_COMPLETION_INDEX");
		char *end = NULL;
		unsigned long idx = e ? strtoul(e, &end, 10) : 0;
		if (fo.nshards > 1)
			return cli_usage_error("image", NULL, "--shard and --shard-count: give one of them");
		if (!e || !*e || *end || idx >= shard_count)
			return cli_usage_error("image", NULL, "--shard-count %u: $JOB_COMPLETION_INDEX must be 0..%u (is %s)",
					       shard_count, shard_count - 1, e ? e : "unset");
		fo.shard = (unsigned)idx;
		fo.nshards = shard_count;
	}
	for (int i = optind; i < argc && !fleet; i++) {
		size_t l = strlen(argv[i]);
		fleet = argc - optind > 1 ||
			(strncmp(argv[i], "docker://", 9) == 0 && l > 9 && (argv[i][l - 1] == '*' || argv[i][l - 1] == '/'));
	}
	if (fleet) {
		if (fo.resume && cli_g.format != CLI_FMT_JSON)
			return cli_usage_error("image", NULL, "--resume writes JSON Lines: give --json");
		if (cli_g.format == CLI_FMT_SARIF || cli_g.format == CLI_FMT_CYCLONEDX)
			return cli_usage_error("image", NULL, "many images: --json gives JSON Lines; goabi fleet merge --format sarif "
					       "renders them");
		if (optind >= argc && !fo.nlists)
			return cli_usage_error("image", NULL, "no image given");
		if (o.nadds || o.ref)
			return cli_usage_error("image", NULL, "--add and --ref apply to one image at a time");
		return fleet_image(&fo, &o, argv + optind, (size_t)(argc - optind));
	}
	if (optind != argc - 1) {
		if (cli_g.format != CLI_FMT_TEXT)
			return cli_usage_error("image", NULL, optind >= argc ? "no image given" : "one image at a time");
		help(stderr);
		return EXIT_INPUT;
	}
	const char *input = argv[optind];
	struct progress pr = { !noprog && !cli_g.quiet && isatty(2), now(), 0 };
	o.go_modules = cli_g.format == CLI_FMT_CYCLONEDX; /* the SBOM's module components */
	o.read_progress = read_progress_cb;
	o.check_progress = progress_cb;
	o.progress_ctx = &pr;
	if (pr.on)
		o.layer_progress = layer_progress_cb;
	struct goabi_result *r = NULL;
	int rc = goabi_image_check(input, &o, &r);
	if (pr.on && pr.last > 0)
		fprintf(stderr, "\r%*s\r", 80, "");
	if (rc != 0 || !r) {
		return cli_usage_error("image", NULL, "'%s': %s", input, goabi_strerror(rc));
	}
	/* what the reader said, on stderr as it always was */
	const char *read = NULL;
	size_t wnc = 0;
	for (size_t i = 0; i < r->summary.n; i++) {
		const struct goabi_prop *p = &r->summary.v[i];
		if (strcmp(p->name, "read") == 0)
			read = p->value;
		else if (strncmp(p->name, "warning[", 8) == 0 && p->value)
			fprintf(stderr, "goabi image: %s\n", p->value);
		else if (strcmp(p->name, "will_not_start") == 0 && p->value)
			wnc = strtoul(p->value, NULL, 10);
	}
	for (size_t i = 0; i < r->nerrors; i++)
		fprintf(stderr, "goabi image: %s\n", r->errors[i].message);
	int exitc;
	if (read && strcmp(read, "failed") == 0 && cli_g.format == CLI_FMT_TEXT) {
		/* nothing was read: the errors above are all there is */
		exitc = goabi_exit_code(r);
	} else {
		exitc = cli_emit_result(r);
	}
	if (read && strcmp(read, "incomplete") == 0)
		fprintf(stderr, "goabi image: '%s': %zu problem%s reading the input (above): the check may be incomplete%s\n",
			input, r->nerrors, r->nerrors == 1 ? "" : "s", wnc ? "; some binaries will not start" : "");
	goabi_result_free(r);
	return exitc;
}
