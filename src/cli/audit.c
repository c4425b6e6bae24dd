/* goabi audit --policy POLICY FILE...: options (the policy file and the same
 * rules as flags), the text, JSON or SARIF report, exit 1 when a rule is
 * broken (docs/audit.md). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/errors.h"
#include "goabi/checks.h"
#include "goabi/goabi.h"
#include "goabi/result.h"
#include "read/package.h"
#include "report/report.h"

struct audit_run {
	struct goabi_opts opts;
	struct goabi_policy *pol;
	struct goabi_result *res;
	bool recursive;
	json_t *arts; /* --format cyclonedx: report_json of each file judged */
	json_t *pkgj; /* the package of the file being judged (its JSON "package") */
};

/* an input problem: on stderr in text mode (as every command), and in the
 * result (JSON "errors", SARIF notifications, the text's "inputs not read") */
static void input_error(struct audit_run *r, const char *file, const char *member, const char *msg)
{
	if (cli_g.format == CLI_FMT_TEXT) {
		if (member)
			fprintf(stderr, "goabi audit: '%s': member '%s': %s\n", file, member, msg);
		else
			fprintf(stderr, "goabi audit: '%s': %s\n", file, msg);
	}
	goabi_audit_input_error(r->res, file, member, msg);
}

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
		"  --max-macos 11.0          highest macOS floor of a Mach-O file\n"
		"  --max-windows 10          highest Windows floor of a PE file (10, 8.1, 8, 7, vista, xp)\n"
		"  --require-signature       Mach-O code signature / PE Authenticode certificate table\n"
		"  --forbid-dll winmm.dll,...  DLLs a PE file must not import (any case)\n"
		"  --max-linux 3.2           highest Linux kernel floor of an ELF program or library\n"
		"options:\n"
		"  --policy FILE             policy JSON (flags add to / override it)\n"
		"  --format text|json|sarif|cyclonedx  output format (default text); --json = --format json;\n"
		"                            cyclonedx: a CycloneDX 1.6 SBOM with the verdicts (docs/sbom.md)\n"
		"  -r                        walk directories\n"
		"  -q                        print nothing, only set the exit code\n"
		"exit: 0 every rule met, 1 a rule is broken, 2 usage error or unreadable input\n");
}

static void judge(struct audit_run *r, const char *path, struct goabi_artifact *a, int err);

/* release packages: each ELF file and archive inside is audited as PKG!/path */
struct pkg_audit {
	struct audit_run *r;
	const char *pkg;
	enum pkg_kind kind;
	struct pkg_meta meta; /* filled before the first binary (control, header, .PKGINFO come first) */
};

/* the package's declared libc and architecture against what the binary
 * needs: audit/package-libc (declared lower or another libc: it installs
 * where the binary cannot start), audit/package-arch, and
 * audit/package-libc-undeclared (unverified) */
static enum goabi_verdict pkg_judge(struct pkg_audit *pa, const char *full, const struct goabi_artifact *a)
{
	char msg[1024] = "";
	bool elf = a->kind == GOABI_KIND_ELF;
	const char *link = a->libc.linkage.value;
	const char *rule = pkg_compare(&pa->meta, a->libc.family.value, a->libc.glibc_floor.value,
				       elf ? a->id.machine_name : NULL, elf && link && strcmp(link, "dynamic") == 0, msg,
				       sizeof(msg));
	if (pa->r->arts)
		pa->r->pkgj = cli_pkg_json(&pa->meta, (int)pa->kind, rule, msg);
	if (!rule)
		return GOABI_VERDICT_PASS;
	bool undeclared = pkg_rule_unverified(rule);
	char id[64];
	snprintf(id, sizeof(id), "audit/%s", rule);
	struct goabi_finding *f = goabi_result_add_finding(pa->r->res, id, undeclared ? GOABI_SEV_WARNING : GOABI_SEV_ERROR,
							   "%s", msg);
	if (!f)
		return GOABI_VERDICT_PASS;
	f->check = "audit";
	f->conf = GOABI_KNOWN;
	f->subject.path = goabi_result_str(pa->r->res, full);
	f->key = goabi_result_str(pa->r->res, rule);
	goabi_props_add(pa->r->res, &f->props, "package", pa->pkg);
	goabi_props_add(pa->r->res, &f->props, "declared", pa->meta.libc_decl[0] ? pa->meta.libc_decl : NULL);
	goabi_props_add(pa->r->res, &f->props, "declared.field", pa->meta.libc_field[0] ? pa->meta.libc_field : NULL);
	goabi_props_add(pa->r->res, &f->props, "architecture", pa->meta.arch[0] ? pa->meta.arch : NULL);
	goabi_props_add(pa->r->res, &f->props, "glibc_floor", a->libc.glibc_floor.value);
	goabi_props_add(pa->r->res, &f->props, "glibc_floor.evidence", a->libc.glibc_floor.evidence);
	goabi_result_raise(pa->r->res, undeclared ? GOABI_VERDICT_WARN : GOABI_VERDICT_FAIL);
	if (cli_g.format == CLI_FMT_TEXT && !cli_g.quiet)
		fprintf(stderr, "goabi audit: '%s': %s [%s]\n", full, msg, id);
	return undeclared ? GOABI_VERDICT_WARN : GOABI_VERDICT_FAIL;
}

static void pkg_entry(void *ctx, const char *name, const uint8_t *buf, size_t len, const char *why)
{
	struct pkg_audit *pa = ctx;
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	char *full = NULL;
	if (asprintf(&full, "%s!/%s", pa->pkg, name) < 0)
		return;
	if (why)
		input_error(pa->r, full, NULL, why);
	if (buf) {
		struct goabi_artifact *a = NULL;
		int err = goabi_inspect_buffer(full, buf, len, &pa->r->opts, &a);
		enum goabi_verdict pv = a ? pkg_judge(pa, full, a) : GOABI_VERDICT_PASS;
		judge(pa->r, full, a, err);
		json_decref(pa->r->pkgj);
		pa->r->pkgj = NULL;
		/* the file's own verdict takes the package finding in */
		struct goabi_result *res = pa->r->res;
		struct goabi_judged *j = res->njudged ? &res->judged[res->njudged - 1] : NULL;
		if (j && pv > j->verdict && j->subject.path && strcmp(j->subject.path, full) == 0) {
			j->verdict = pv;
			j->verdict_word = pv == GOABI_VERDICT_FAIL ? "broken" : "unverified";
		}
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
		struct pkg_audit pa = { r, path, pk, { 0 } };
		int prc = pkg_read(path, pk, pkg_entry, &pa, &pa.meta, err, sizeof(err));
		if (pa.meta.read) {
			char key[1024], val[1600];
			snprintf(key, sizeof(key), "package[%s]", path);
			pkg_describe(&pa.meta, pk, val, sizeof(val));
			goabi_props_add(r->res, &r->res->summary, key, val);
		}
		if (prc != 0) {
			char msg[600];
			snprintf(msg, sizeof(msg), "%s package: %s", pkg_kind_name(pk), err);
			input_error(r, path, NULL, msg);
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
		/* on stderr in text mode; goabi_audit_file records it in the result */
		const struct goabi_artifact *w = goabi_artifact_first_error(a);
		const char *msg = w && w->ndiags ? w->diags[0].message : goabi_strerror(err);
		if (cli_g.format == CLI_FMT_TEXT) {
			if (w && w->member && w->ndiags)
				fprintf(stderr, "goabi audit: '%s': member '%s': %s\n", path, w->member, msg);
			else
				fprintf(stderr, "goabi audit: '%s': %s\n", path, msg);
		}
	}
	goabi_audit_file(r->res, r->pol, path, a, err);
	if (r->arts && a && a->kind != GOABI_KIND_OTHER) {
		struct report_opts ro = { 0 };
		json_t *j = report_json(a, &ro);
		if (j) { /* named as the audit names it (PKG!/path) */
			json_object_set_new(j, "path", json_string(path));
			if (r->pkgj)
				json_object_set(j, "package", r->pkgj);
			json_array_append_new(r->arts, j);
		}
	}
	goabi_artifact_free(a);
}

int cmd_audit(int argc, char **argv)
{
	struct audit_run r = { 0 };
	const char *policy_file = NULL;
	enum { OPT_POLICY = 256, OPT_RULE };
	/* the rule flags: their names are the rule ids (goabi_policy_set) */
	static const struct option lo[] = {
		{ "max-glibc", required_argument, NULL, OPT_RULE + 0 },
		{ "libc", required_argument, NULL, OPT_RULE + 1 },
		{ "require-static", no_argument, NULL, OPT_RULE + 2 },
		{ "cgo", required_argument, NULL, OPT_RULE + 3 },
		{ "min-go", required_argument, NULL, OPT_RULE + 4 },
		{ "max-isa", required_argument, NULL, OPT_RULE + 5 },
		{ "require-trimpath", no_argument, NULL, OPT_RULE + 6 },
		{ "forbid-vcs-modified", no_argument, NULL, OPT_RULE + 7 },
		{ "forbid-module", required_argument, NULL, OPT_RULE + 8 },
		{ "buildmode", required_argument, NULL, OPT_RULE + 9 },
		{ "forbid-pure-go-nss", no_argument, NULL, OPT_RULE + 10 },
		{ "max-macos", required_argument, NULL, OPT_RULE + 11 },
		{ "max-windows", required_argument, NULL, OPT_RULE + 12 },
		{ "require-signature", no_argument, NULL, OPT_RULE + 13 },
		{ "forbid-dll", required_argument, NULL, OPT_RULE + 14 },
		{ "max-linux", required_argument, NULL, OPT_RULE + 15 },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "recursive", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* the shared options (--json, --format, -q, -v, --color) wherever
	 * they are: then option errors are JSON in JSON mode too */
	argc = cli_global_take("audit", argc, argv);
	/* two passes: the policy file first, then flags on top of it */
	struct {
		const char *rule;
		const char *value;
	} flags[64];
	size_t nflags = 0;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "rh", lo, NULL)) != -1) {
		if (c >= OPT_RULE && c <= OPT_RULE + 15) {
			if (nflags == sizeof(flags) / sizeof(flags[0]))
				return cli_usage_error("audit", NULL, "too many rule flags (at most %zu)", nflags);
			flags[nflags].rule = lo[c - OPT_RULE].name;
			flags[nflags++].value = optarg ? optarg : "true";
			continue;
		}
		switch (c) {
		case OPT_POLICY: policy_file = optarg; break;
		case 'r': r.recursive = true; break;
		case 'h': help(stdout); return EXIT_CLEAN;
		default:
			if (cli_g.format == CLI_FMT_TEXT && !cli_g.quiet)
				help(stderr);
			return cli_usage_error("audit", NULL, "unknown option or missing argument: '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		if (cli_g.format == CLI_FMT_TEXT && !cli_g.quiet)
			help(stderr);
		return cli_usage_error("audit", NULL, "no file to audit");
	}
	if (!(r.pol = goabi_policy_new()))
		return cli_usage_error("audit", NULL, "out of memory");
	char err[512];
	int rc = 0;
	if (policy_file && goabi_policy_load(r.pol, policy_file, err, sizeof(err)) != 0)
		rc = cli_usage_error("audit", NULL, "%s", err);
	for (size_t i = 0; i < nflags && !rc; i++)
		if (goabi_policy_set(r.pol, flags[i].rule, flags[i].value, err, sizeof(err)) != 0)
			rc = cli_usage_error("audit", NULL, "--%s", err);
	if (!rc && !goabi_policy_has_rules(r.pol))
		rc = cli_usage_error("audit", NULL, "no rule given (--policy FILE or rule flags)");
	if (!rc && !(r.res = goabi_audit_begin()))
		rc = cli_usage_error("audit", NULL, "out of memory");
	if (rc) {
		goabi_policy_free(r.pol);
		return rc;
	}
	goabi_policy_inspect_opts(r.pol, &r.opts);
	if (cli_g.format == CLI_FMT_CYCLONEDX)
		r.arts = json_array();
	/* -r progress: on a terminal only, in text output only */
	struct walk_opts wo = { .progress = cli_g.format == CLI_FMT_TEXT && !cli_g.quiet && isatty(STDERR_FILENO) == 1 };
	for (int i = optind; i < argc; i++) {
		struct stat st;
		if (r.recursive && stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (walk_tree_opts("audit", argv[i], one, &r, &wo))
				goabi_audit_input_error(r.res, argv[i], NULL, "some entries could not be read");
		} else {
			one(&r, argv[i]);
		}
	}
	walk_opts_free(&wo);
	goabi_audit_finish(r.res, r.pol, policy_file);
	rc = r.arts ? cli_emit_sbom(r.res, r.arts) : cli_emit_result(r.res);
	json_decref(r.arts);
	goabi_result_free(r.res);
	goabi_policy_free(r.pol);
	return rc;
}
