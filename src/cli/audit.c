/* goabi audit --policy POLICY FILE...: options (the policy file and the same
 * rules as flags), the text, JSON or SARIF report, exit 1 when a rule is
 * broken (docs/audit.md). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "check/policy.h"
#include "cli/cli.h"
#include "cli/exitcode.h"
#include "cli/errors.h"
#include "goabi/goabi.h"
#include "report/report.h"
#include "read/package.h"
#include "report/sarif.h"

enum audit_format { FMT_TEXT, FMT_JSON, FMT_SARIF };

struct audit_run {
	struct goabi_opts opts;
	struct policy pol;
	struct policy_result res;
	bool recursive, quiet;
	bool input_error;     /* an input could not be (fully) read */
	struct cli_errors errs;
	char **files;
	size_t nfiles, cap;
};

static void help(FILE *out)
{
	fprintf(out,
		"usage: goabi audit [--policy FILE] [rule flags] [options] FILE|DIR...\n"
		"rules (also policy-file keys, docs/audit.md):\n"
		"  --max-glibc 2.28          highest GLIBC_x.y version the binary may need\n"
		"  --libc glibc,musl,none    allowed libc families\n"
		"  --require-static          executables must be statically linked\n"
		"  --cgo on|off              cgo must be on / off\n"
		"  --min-go go1.21.13,go1.22.7  oldest accepted patch release of each Go minor\n"
		"  --max-isa x86-64-v2       highest x86-64 ISA level (v1..v4)\n"
		"  --require-trimpath        Go binaries built with -trimpath\n"
		"  --forbid-vcs-modified     no vcs.modified=true\n"
		"  --forbid-pure-go-nss      no Go user/group lookup or resolver that bypasses NSS\n"
		"  --forbid-module MOD[@RANGE]  e.g. golang.org/x/net@<v0.23.0 (repeatable)\n"
		"  --buildmode exe,pie       allowed Go build modes\n"
		"options:\n"
		"  --policy FILE             policy JSON (flags add to / override it)\n"
		"  --format text|json|sarif  output format (default text); --json = --format json\n"
		"  -r                        walk directories\n"
		"  -q                        print nothing, only set the exit code\n"
		"exit: 0 every rule met, 1 a rule is broken, 2 usage error or unreadable input\n");
}

static void judge(struct audit_run *r, const char *path, struct goabi_artifact *a, int err);

/* release packages: each ELF file and archive inside is audited as PKG!/path */
struct pkg_audit {
	struct audit_run *r;
	const char *pkg;
};

static void pkg_entry(void *ctx, const char *name, const uint8_t *buf, size_t len, const char *why)
{
	struct pkg_audit *pa = ctx;
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	char *full = NULL;
	if (asprintf(&full, "%s!/%s", pa->pkg, name) < 0)
		return;
	if (why) {
		cli_error(&pa->r->errs, "audit", full, "%s", why);
		pa->r->input_error = true;
	}
	if (buf) {
		struct goabi_artifact *a = NULL;
		int err = goabi_inspect_buffer(full, buf, len, &pa->r->opts, &a);
		judge(pa->r, full, a, err);
	}
	free(full);
}

static void one(void *ctx, const char *path)
{
	struct audit_run *r = ctx;
	enum pkg_kind pk = pkg_sniff(path);
	if (r->recursive && !looks_like_binary(path) && pk == PKG_NONE)
		return;
	if (pk != PKG_NONE) {
		char err[512];
		struct pkg_audit pa = { r, path };
		if (pkg_read(path, pk, pkg_entry, &pa, err, sizeof(err)) != 0) {
			cli_error(&r->errs, "audit", path, "%s package: %s", pkg_kind_name(pk), err);
			r->input_error = true;
		}
		return;
	}
	struct goabi_artifact *a = NULL;
	int err = goabi_inspect_path(path, &r->opts, &a);
	judge(r, path, a, err);
}

static void judge(struct audit_run *r, const char *path, struct goabi_artifact *a, int err)
{
	if (!a || err || goabi_artifact_has_errors(a)) {
		/* name the first problem, in a member when the archive has none */
		const struct goabi_artifact *w = goabi_artifact_first_error(a);
		if (w && w->member && w->ndiags)
			cli_error(&r->errs, "audit", path, "member '%s': %s", w->member, w->diags[0].message);
		else
			cli_error(&r->errs, "audit", path, "%s", w && w->ndiags ? w->diags[0].message : goabi_strerror(err));
		r->input_error = true;
		if (!a || err || a->kind == GOABI_KIND_OTHER) {
			goabi_artifact_free(a);
			return;
		}
	}
	if (r->nfiles == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 16;
		char **nv = realloc(r->files, nc * sizeof(*nv));
		if (nv) {
			r->files = nv;
			r->cap = nc;
		}
	}
	if (r->nfiles < r->cap && (r->files[r->nfiles] = strdup(path)))
		r->nfiles++;
	policy_check(&r->pol, a, &r->res);
	goabi_artifact_free(a);
}

static void print_text(const struct audit_run *r)
{
	for (size_t i = 0; i < r->res.n; i++) {
		const struct policy_finding *f = &r->res.v[i];
		printf("%s: %s %s: %s\n", f->where, f->broken ? "BROKEN" : "unverified", policy_rule_id(f->rule), f->message);
	}
	size_t nrules = 0;
	for (int k = 0; k < RULE_COUNT; k++)
		nrules += r->pol.set[k];
	printf("%zu file(s), %zu rule(s): %zu broken, %zu unverified\n", r->nfiles, nrules, r->res.nbroken,
	       r->res.nunverified);
}

static void print_json(const struct audit_run *r, int rc)
{
	json_t *pol = json_object();
	for (int k = 0; k < RULE_COUNT; k++)
		if (r->pol.set[k]) {
			char *v = policy_rule_value(&r->pol, (enum policy_rule)k);
			json_object_set_new(pol, policy_rule_id((enum policy_rule)k), json_str(v ? v : ""));
			free(v);
		}
	json_t *fs = json_array();
	for (size_t i = 0; i < r->res.n; i++) {
		const struct policy_finding *f = &r->res.v[i];
		json_array_append_new(fs, json_pack("{s:s, s:o, s:s, s:o}", "rule", policy_rule_id(f->rule), "file",
						    json_str(f->where), "status", f->broken ? "broken" : "unverified",
						    "message", json_str(f->message)));
	}
	json_t *files = json_array();
	for (size_t i = 0; i < r->nfiles; i++)
		json_array_append_new(files, json_str(r->files[i]));
	json_t *top = json_pack("{s:s, s:s, s:i, s:o, s:o, s:o, s:{s:I, s:I}, s:o, s:i}", "tool", "goabi", "version",
				GOABI_VERSION, "schema", GOABI_JSON_SCHEMA, "policy", pol, "files", files, "findings", fs,
				"summary", "broken", (json_int_t)r->res.nbroken, "unverified",
				(json_int_t)r->res.nunverified, "errors", cli_errors_json(&r->errs), "exit", rc);
	json_dumpf(top, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(top);
}

int cmd_audit(int argc, char **argv)
{
	struct audit_run r = { 0 };
	enum audit_format fmt = FMT_TEXT;
	const char *policy_file = NULL;
	enum { OPT_POLICY = 256, OPT_FORMAT, OPT_JSON, OPT_RULE };
	static const struct option lo[] = {
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "max-glibc", required_argument, NULL, OPT_RULE + RULE_MAX_GLIBC },
		{ "libc", required_argument, NULL, OPT_RULE + RULE_LIBC },
		{ "require-static", no_argument, NULL, OPT_RULE + RULE_REQUIRE_STATIC },
		{ "cgo", required_argument, NULL, OPT_RULE + RULE_CGO },
		{ "min-go", required_argument, NULL, OPT_RULE + RULE_MIN_GO },
		{ "max-isa", required_argument, NULL, OPT_RULE + RULE_MAX_ISA },
		{ "require-trimpath", no_argument, NULL, OPT_RULE + RULE_REQUIRE_TRIMPATH },
		{ "forbid-vcs-modified", no_argument, NULL, OPT_RULE + RULE_FORBID_VCS_MODIFIED },
		{ "forbid-module", required_argument, NULL, OPT_RULE + RULE_FORBID_MODULE },
		{ "buildmode", required_argument, NULL, OPT_RULE + RULE_BUILDMODE },
		{ "forbid-pure-go-nss", no_argument, NULL, OPT_RULE + RULE_FORBID_PURE_GO_NSS },
		{ "recursive", no_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* two passes: the policy file first, then flags on top of it */
	struct {
		enum policy_rule rule;
		const char *value;
	} flags[64];
	size_t nflags = 0;
	int c;
	/* JSON mode is known before parsing: option errors are JSON too */
	r.errs.json = cli_wants_json(argc, argv);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "rqh", lo, NULL)) != -1) {
		if (c >= OPT_RULE && c < OPT_RULE + RULE_COUNT) {
			if (nflags == sizeof(flags) / sizeof(flags[0])) {
				cli_error(&r.errs, "audit", NULL, "too many rule flags (at most %zu)", nflags);
				return cli_fail(&r.errs, "audit", EXIT_INPUT);
			}
			flags[nflags].rule = (enum policy_rule)(c - OPT_RULE);
			flags[nflags++].value = optarg ? optarg : "true";
			continue;
		}
		switch (c) {
		case OPT_POLICY: policy_file = optarg; break;
		case OPT_JSON: fmt = FMT_JSON; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0)
				fmt = FMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				fmt = FMT_JSON;
			else if (strcmp(optarg, "sarif") == 0)
				fmt = FMT_SARIF;
			else {
				cli_error(&r.errs, "audit", NULL, "--format '%s': use text, json or sarif", optarg);
				return cli_fail(&r.errs, "audit", EXIT_INPUT);
			}
			break;
		case 'r': r.recursive = true; break;
		case 'q': r.quiet = r.errs.quiet = true; break;
		case 'h': help(stdout); return EXIT_CLEAN;
		default:
			cli_error(&r.errs, "audit", NULL, "unknown option or missing argument: '%s'", argv[optind - 1]);
			if (!r.errs.json)
				help(stderr);
			return cli_fail(&r.errs, "audit", EXIT_INPUT);
		}
	}
	r.errs.json = fmt == FMT_JSON; /* the last --json / --format wins */
	if (optind >= argc) {
		cli_error(&r.errs, "audit", NULL, "no file to audit");
		if (!r.errs.json)
			help(stderr);
		return cli_fail(&r.errs, "audit", EXIT_INPUT);
	}
	policy_init(&r.pol);
	char err[512];
	if (policy_file && policy_load(&r.pol, policy_file, err, sizeof(err)) != 0) {
		cli_error(&r.errs, "audit", NULL, "%s", err);
		policy_release(&r.pol);
		return cli_fail(&r.errs, "audit", EXIT_INPUT);
	}
	for (size_t i = 0; i < nflags; i++)
		if (policy_set(&r.pol, flags[i].rule, flags[i].value, err, sizeof(err)) != 0) {
			cli_error(&r.errs, "audit", NULL, "--%s", err);
			policy_release(&r.pol);
			return cli_fail(&r.errs, "audit", EXIT_INPUT);
		}
	bool any = false;
	for (int k = 0; k < RULE_COUNT; k++)
		any |= r.pol.set[k];
	if (!any) {
		cli_error(&r.errs, "audit", NULL, "no rule given (--policy FILE or rule flags)");
		policy_release(&r.pol);
		return cli_fail(&r.errs, "audit", EXIT_INPUT);
	}
	r.opts.isa = r.pol.set[RULE_MAX_ISA];
	r.opts.no_dwarf = true; /* no rule reads prototypes */
	for (int i = optind; i < argc; i++) {
		struct stat st;
		if (r.recursive && stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (walk_tree("audit", argv[i], one, &r)) {
				cli_error(&r.errs, "audit", argv[i], "some entries could not be read");
				r.input_error = true;
			}
		} else {
			one(&r, argv[i]);
		}
	}
	int rc = exit_audit(r.input_error, &r.res);
	if (!r.quiet) {
		if (fmt == FMT_SARIF) {
			json_t *log = sarif_audit(&r.pol, &r.res, (const char *const *)r.files, r.nfiles, rc, r.errs.v,
						  r.errs.n);
			json_dumpf(log, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			fputc('\n', stdout);
			json_decref(log);
		} else if (fmt == FMT_JSON) {
			print_json(&r, rc);
		} else {
			print_text(&r);
		}
	}
	for (size_t i = 0; i < r.nfiles; i++)
		free(r.files[i]);
	free(r.files);
	policy_result_release(&r.res);
	policy_release(&r.pol);
	cli_errors_release(&r.errs);
	return rc;
}
