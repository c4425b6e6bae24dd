/* Unit tests for goabi diff/audit helpers: version ordering (Go release
 * and module versions, glibc versions: the orders `go` and `sort -V` use),
 * prototype canonical forms, policy value validation. */
#include <stdlib.h>
#include <string.h>
#include "check/diff.h"
#include "check/policy.h"
#include "goabi/checks.h"
#include "unit.h"
#include "util/util.h"

static void test_vercmp(void)
{
	CHECK(version_cmp("go1.22.10", "go1.22.9") > 0, "go1.22.10 > go1.22.9");
	CHECK(version_cmp("go1.21.0", "go1.21rc2") > 0, "go1.21.0 > go1.21rc2 (release after its candidate)");
	CHECK(version_cmp("go1.20", "go1.20.1") < 0, "go1.20 < go1.20.1");
	CHECK(version_cmp("go1.19", "go1.19.0") == 0 && version_cmp("go1.19.0", "go1.19") == 0,
	      "go1.19 == go1.19.0 (Go's first releases up to 1.20 had no .0)");
	CHECK(version_cmp("go1.19", "go1.19rc1") > 0, "go1.19 > go1.19rc1");
	CHECK(version_cmp("2.17", "2.17.0.0") == 0, "2.17 == 2.17.0.0");
	CHECK(version_cmp("go1.19.8", "go1.19.8") == 0, "go1.19.8 == go1.19.8");
	CHECK(version_cmp("v1.2.3-pre", "v1.2.3") < 0, "v1.2.3-pre < v1.2.3 (semver pre-release)");
	CHECK(version_cmp("v0.0.0-20210908233432-aa78b53d3365", "v0.0.0-20220715151400-c0bba94af5f8") < 0,
	      "pseudo-versions ordered by timestamp");
	CHECK(version_cmp("v2.0.0+incompatible", "v2.0.0") == 0, "+build metadata ignored");
	CHECK(version_cmp("GLIBC_2.34", "GLIBC_2.4") > 0, "GLIBC_2.34 > GLIBC_2.4");
	/* semver.org 2.0.0 section 11's precedence chain (also Go's x/mod/semver) */
	static const char *const chain[] = { "v1.0.0-alpha", "v1.0.0-alpha.1", "v1.0.0-alpha.beta", "v1.0.0-beta",
					     "v1.0.0-beta.2", "v1.0.0-beta.11", "v1.0.0-rc.1", "v1.0.0" };
	for (size_t i = 0; i + 1 < sizeof(chain) / sizeof(chain[0]); i++)
		CHECK(version_cmp(chain[i], chain[i + 1]) < 0 && version_cmp(chain[i + 1], chain[i]) > 0,
		      "%s < %s (semver precedence)", chain[i], chain[i + 1]);
	CHECK(version_cmp("v1.0.0-20170105083845-52074bc9df61", "v1.0.0-rc.1") < 0,
	      "a pseudo-version's pre-release is alphanumeric: below rc.1 in ASCII");
	CHECK(version_cmp("v1.2", "v1.2.0") == 0, "v1.2 == v1.2.0 (semver shorthand)");
	CHECK(version_cmp("v1.2.4-0.20230101120000-abcdef123456", "v1.2.3") > 0, "pseudo-version after v1.2.3");
	CHECK(version_cmp("GLIBC_2.2.5", "2.17") < 0, "GLIBC_2.2.5 < 2.17 (prefix ignored)");
}

static void test_canon(void)
{
	struct goabi_arena *ar = arena_new();
	const char *a = diff_proto_canon(ar, "extern char* Greet(char* s);", "Greet");
	const char *b = diff_proto_canon(ar, "char *Greet(char *name)", "Greet");
	CHECK(a && b && strcmp(a, b) == 0, "header and DWARF spellings of Greet agree (%s | %s)", a, b);
	a = diff_proto_canon(ar, "void Nothing(void)", "Nothing");
	b = diff_proto_canon(ar, "extern void Nothing();", "Nothing");
	CHECK(a && b && strcmp(a, b) == 0, "(void) == () (%s | %s)", a, b);
	a = diff_proto_canon(ar, "int AddInts(int a, int b)", "AddInts");
	b = diff_proto_canon(ar, "int AddInts(int a, int b, int c)", "AddInts");
	CHECK(a && b && strcmp(a, b) != 0, "an added parameter changes the form");
	a = diff_proto_canon(ar, "int Apply(int (*cb)(int, const char *), unsigned int n)", "Apply");
	b = diff_proto_canon(ar, "int Apply(int (*f)(int, const char *), unsigned int count)", "Apply");
	CHECK(a && b && strcmp(a, b) == 0, "function-pointer and multi-word parameter names dropped (%s)", a);
	a = diff_proto_canon(ar, "void F(unsigned int)", "F");
	b = diff_proto_canon(ar, "void F(unsigned int x)", "F");
	CHECK(a && b && strcmp(a, b) == 0, "an unnamed multi-word type keeps its last word (%s | %s)", a, b);
	a = diff_proto_canon(ar, "GoInt StrLen(GoString s)", "StrLen");
	b = diff_proto_canon(ar, "GoInt32 StrLen(GoString s)", "StrLen");
	CHECK(a && b && strcmp(a, b) != 0, "a changed return typedef changes the form");
	arena_free(ar);
}

static void test_policy_values(void)
{
	struct policy p;
	char err[256];
	policy_init(&p);
	CHECK(policy_set(&p, RULE_MAX_GLIBC, "GLIBC_2.28", err, sizeof(err)) == 0 && strcmp(p.max_glibc, "2.28") == 0,
	      "max-glibc accepts a GLIBC_ prefix");
	CHECK(policy_set(&p, RULE_MAX_GLIBC, "latest", err, sizeof(err)) != 0, "max-glibc rejects a word (%s)", err);
	CHECK(policy_set(&p, RULE_MAX_ISA, "x86-64-v5", err, sizeof(err)) != 0, "max-isa rejects v5 (%s)", err);
	CHECK(policy_set(&p, RULE_MAX_ISA, "v3", err, sizeof(err)) == 0 && p.max_isa == 3, "max-isa accepts v3");
	CHECK(policy_set(&p, RULE_LIBC, "glibc,uclibc", err, sizeof(err)) != 0, "libc rejects uclibc (%s)", err);
	CHECK(policy_set(&p, RULE_MIN_GO, "go1.22.7,go1.23.1", err, sizeof(err)) == 0 && p.nmin_go == 2,
	      "min-go takes a comma list");
	CHECK(policy_set(&p, RULE_FORBID_MODULE, "golang.org/x/net@>=v0.1.0,<v0.23.0", err, sizeof(err)) == 0 &&
		      p.nforbid == 1,
	      "forbid-module keeps a range with a comma as one entry");
	CHECK(policy_set(&p, RULE_CGO, "maybe", err, sizeof(err)) != 0, "cgo rejects maybe (%s)", err);
	CHECK(policy_set(&p, RULE_MIN_GO, "go1.22.x", err, sizeof(err)) != 0, "min-go rejects go1.22.x (%s)", err);
	CHECK(policy_set(&p, RULE_MIN_GO, "go1.23rc1,go1.21", err, sizeof(err)) == 0, "min-go accepts go1.23rc1 and go1.21");
	CHECK(policy_set(&p, RULE_FORBID_MODULE, "golang.org/x/net@latest", err, sizeof(err)) != 0,
	      "forbid-module rejects @latest (%s)", err);
	CHECK(policy_set(&p, RULE_FORBID_MODULE, "example.com/m@<=v2.0.0+incompatible", err, sizeof(err)) == 0,
	      "forbid-module accepts +incompatible bounds");
	CHECK(policy_set(&p, RULE_REQUIRE_STATIC, "false", err, sizeof(err)) == 0 && !p.set[RULE_REQUIRE_STATIC],
	      "a boolean rule set to false is not in force");
	policy_release(&p);
}

/* goabi_diff's inputs that cannot be compared: the result, not the call,
 * carries them, with docs/diff.md's exit bits (1 input, 2 usage). */
static void test_goabi_diff_inputs(void)
{
	struct goabi_result *r = NULL;
	int rc = goabi_diff("/nonexistent/old.so", "/nonexistent/new.so", NULL, &r);
	CHECK(rc == 0 && r, "goabi_diff on missing files returns a result");
	if (r) {
		CHECK(r->exit_bits == GOABI_DIFF_EXIT_ERROR && r->verdict == GOABI_VERDICT_ERROR &&
			      goabi_exit_code(r) == 1,
		      "missing OLD: exit bits 1, verdict error (exit_bits %u, verdict %d)", r->exit_bits, (int)r->verdict);
		CHECK(r->nerrors == 1 && r->errors[0].file && strcmp(r->errors[0].file, "/nonexistent/old.so") == 0,
		      "missing OLD: one input error naming OLD");
		CHECK(r->nfindings == 0 && strcmp(r->check, "diff") == 0, "no change reported, check diff");
		goabi_result_free(r);
	}
	r = NULL;
	rc = goabi_diff("/", "/nonexistent/new.so", NULL, &r);
	CHECK(rc == 0 && r && r->exit_bits == GOABI_DIFF_EXIT_USAGE && r->nerrors == 1,
	      "a directory against a file: exit bits 2 (usage), one error");
	goabi_result_free(r);
	r = NULL;
	struct goabi_diff_opts o = { .old_header = "old.h" };
	rc = goabi_diff("/", "/", &o, &r);
	CHECK(rc == 0 && r && r->exit_bits == GOABI_DIFF_EXIT_USAGE, "one header only: exit bits 2 (usage)");
	goabi_result_free(r);
}

int main(void)
{
	test_goabi_diff_inputs();
	test_vercmp();
	test_canon();
	test_policy_values();
	return UNIT_RESULT();
}
