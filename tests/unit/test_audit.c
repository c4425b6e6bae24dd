/* Unit test for the library call goabi_audit (include/goabi/checks.h) on
 * this test program itself: the Makefile links it dynamically with gcc
 * against glibc (no -static), so "require-static" is broken, "libc
 * [glibc]" holds, "libc [musl]" is broken; it is not Go, so the Go-only
 * rules (cgo) are not applied. An unreadable policy and an unreadable file
 * make the verdict ERROR (exit 2). The oracle is how this file was built
 * (and /proc/self/exe's PT_INTERP, which the kernel used to start it). */
#include <stdlib.h>
#include <unistd.h>
#include "goabi/checks.h"
#include "unit.h"

static char policy[4096];

static struct goabi_result *run(const char *json, const char *file)
{
	FILE *f = fopen(policy, "w");
	if (!f)
		return NULL;
	fputs(json, f);
	fclose(f);
	char *paths[] = { (char *)file };
	struct goabi_result *r = NULL;
	if (goabi_audit(policy, paths, 1, &r) != 0)
		return NULL;
	return r;
}

int main(void)
{
	char self[2048];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	CHECK(n > 0, "/proc/self/exe names this program");
	if (n <= 0)
		return UNIT_RESULT();
	self[n] = 0;
	snprintf(policy, sizeof(policy), "%s.policy.json", self);

	struct goabi_result *r = run("{\"require-static\": true, \"libc\": [\"glibc\"], \"cgo\": \"off\"}", self);
	CHECK(r != NULL, "goabi_audit returns a result");
	if (r) {
		CHECK(r->verdict == GOABI_VERDICT_FAIL && goabi_exit_code(r) == 1, "dynamic program, require-static: fail, exit 1 (%s, %d)",
		      goabi_verdict_name(r->verdict), goabi_exit_code(r));
		CHECK(r->nfindings == 1 && strcmp(r->findings[0].rule, "audit/require-static") == 0 &&
			      r->findings[0].sev == GOABI_SEV_ERROR && r->findings[0].subject.path &&
			      strcmp(r->findings[0].subject.path, self) == 0,
		      "one finding audit/require-static, severity error, on this program (libc glibc holds, cgo not applied to C)");
		CHECK(r->njudged == 1 && r->judged[0].verdict == GOABI_VERDICT_FAIL && strcmp(r->judged[0].verdict_word, "broken") == 0,
		      "the program is judged broken");
		goabi_result_free(r);
	}
	r = run("{\"libc\": [\"glibc\", \"none\"]}", self);
	CHECK(r && r->verdict == GOABI_VERDICT_PASS && r->nfindings == 0 && goabi_exit_code(r) == 0,
	      "libc glibc: pass, exit 0");
	goabi_result_free(r);
	r = run("{\"libc\": [\"musl\"]}", self);
	CHECK(r && r->nfindings == 1 && strcmp(r->findings[0].rule, "audit/libc") == 0 && goabi_exit_code(r) == 1,
	      "libc musl: audit/libc broken, exit 1");
	goabi_result_free(r);
	r = run("{\"no-such-rule\": true}", self);
	CHECK(r && r->verdict == GOABI_VERDICT_ERROR && r->nerrors == 1 && r->njudged == 0 && goabi_exit_code(r) == 2,
	      "unreadable policy: verdict error, one error, nothing judged, exit 2");
	goabi_result_free(r);
	r = run("{\"libc\": [\"glibc\"]}", "/nonexistent/goabi-test");
	CHECK(r && r->verdict == GOABI_VERDICT_ERROR && r->nerrors == 1 && r->errors[0].file &&
		      strcmp(r->errors[0].file, "/nonexistent/goabi-test") == 0 && goabi_exit_code(r) == 2,
	      "missing file: the error names it, exit 2");
	goabi_result_free(r);
	unlink(policy);
	return UNIT_RESULT();
}
