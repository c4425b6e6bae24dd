/* Unit tests for goabi diff/audit helpers: version ordering (Go release
 * and module versions, glibc versions: the orders `go` and `sort -V` use),
 * prototype canonical forms, policy value validation. */
#include <stdlib.h>
#include "check/diff.h"
#include "check/policy.h"
#include "unit.h"
#include "util/util.h"

static void test_vercmp(void)
{
	CHECK(diff_vercmp("go1.22.10", "go1.22.9") > 0, "go1.22.10 > go1.22.9");
	CHECK(diff_vercmp("go1.21.0", "go1.21rc2") > 0, "go1.21.0 > go1.21rc2 (release after its candidate)");
	CHECK(diff_vercmp("go1.20", "go1.20.1") < 0, "go1.20 < go1.20.1");
	CHECK(diff_vercmp("go1.19.8", "go1.19.8") == 0, "go1.19.8 == go1.19.8");
	CHECK(diff_vercmp("v1.2.3-pre", "v1.2.3") < 0, "v1.2.3-pre < v1.2.3 (semver pre-release)");
	CHECK(diff_vercmp("v0.0.0-20210908233432-aa78b53d3365", "v0.0.0-20220715151400-c0bba94af5f8") < 0,
	      "pseudo-versions ordered by timestamp");
	CHECK(diff_vercmp("v2.0.0+incompatible", "v2.0.0") == 0, "+build metadata ignored");
	CHECK(diff_vercmp("GLIBC_2.34", "GLIBC_2.4") > 0, "GLIBC_2.34 > GLIBC_2.4");
	CHECK(diff_vercmp("GLIBC_2.2.5", "2.17") < 0, "GLIBC_2.2.5 < 2.17 (prefix ignored)");
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
	CHECK(policy_set(&p, RULE_REQUIRE_STATIC, "false", err, sizeof(err)) == 0 && !p.set[RULE_REQUIRE_STATIC],
	      "a boolean rule set to false is not in force");
	policy_release(&p);
}

int main(void)
{
	test_vercmp();
	test_canon();
	test_policy_values();
	return UNIT_RESULT();
}
