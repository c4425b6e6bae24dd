/* Unit tests of the one result model (include/goabi/result.h): the
 * builders, the worst-verdict rule, the exit rule of README.md's table
 * (0 pass/warn, 1 fail, 2 error, 3 unknown; diff: its bitmask), and the
 * shape of the JSON schema-2 envelope and the SARIF log against the
 * header's documented keys. With an argument DIR it also writes a sample
 * result's SARIF and JSON to DIR (tests/cli/t-result-model.sh validates
 * them against the SARIF 2.1.0 JSON schema). */
#include <stdlib.h>
#include "unit.h"
#include "goabi/result.h"
#include "report/report.h"
#include "util/util.h"

static struct goabi_result *sample(void)
{
	struct goabi_result *r = goabi_result_new("link");
	r->verdict_word = goabi_result_str(r, "fails");
	goabi_props_add(r, &r->summary, "driver", "gcc");
	struct goabi_judged *j = goabi_result_add_judged(r, "dir/lib x.a", "m.o", GOABI_VERDICT_FAIL, "undefined symbols");
	goabi_props_add(r, &j->props, "kind", "archive");
	struct goabi_finding *f = goabi_result_add_finding(r, "link/undefined", GOABI_SEV_ERROR, "'%s' is not defined", "foo");
	f->subject.path = goabi_result_str(r, "dir/lib x.a");
	f->subject.member = goabi_result_str(r, "m.o");
	f->subject.symbol = goabi_result_str(r, "foo");
	f->tool_says = goabi_result_str(r, "ld: m.o: undefined reference to `foo'");
	strv_push(r->arena, &f->evidence, "m.o: UND foo");
	goabi_props_add(r, &f->props, "needed_by", "main");
	f = goabi_result_add_finding(r, "link/hazard", GOABI_SEV_WARNING, "two definitions");
	f->subject.path = goabi_result_str(r, "/abs/path/b.o");
	f->conf = GOABI_INFERRED;
	f->key = goabi_result_str(r, "k1");
	f = goabi_result_add_finding(r, "link/hazard", GOABI_SEV_UNKNOWN, "no path at all");
	goabi_result_add_error(r, "missing.o", NULL, "cannot open");
	goabi_result_raise(r, GOABI_VERDICT_FAIL);
	return r;
}

static void test_builders(void)
{
	struct goabi_result *r = goabi_result_new("image");
	CHECK(r && r->verdict == GOABI_VERDICT_PASS && strcmp(r->check, "image") == 0, "new result: check copied, verdict pass");
	char buf[8] = "abc";
	const char *s = goabi_result_str(r, buf);
	buf[0] = 'x';
	CHECK(s && strcmp(s, "abc") == 0 && goabi_result_str(r, NULL) == NULL, "strings copied into the arena, NULL stays NULL");
	struct goabi_finding *f = goabi_result_add_finding(r, "image/glibc-too-old", GOABI_SEV_ERROR, "needs %s, has %d", "GLIBC_2.34", 31);
	CHECK(f && strcmp(f->message, "needs GLIBC_2.34, has 31") == 0 && strcmp(f->rule, "image/glibc-too-old") == 0 &&
		      strcmp(f->check, "image") == 0 && f->sev == GOABI_SEV_ERROR,
	      "add_finding: printf-style message, rule and check set");
	/* growth past the first capacity keeps earlier entries */
	for (int i = 0; i < 100; i++)
		goabi_result_add_finding(r, "image/x", GOABI_SEV_NOTE, "n%d", i);
	CHECK(r->nfindings == 101 && strcmp(r->findings[0].message, "needs GLIBC_2.34, has 31") == 0 &&
		      strcmp(r->findings[100].message, "n99") == 0,
	      "101 findings kept in order across growth");
	struct goabi_judged *j = goabi_result_add_judged(r, "usr/bin/x", NULL, GOABI_VERDICT_WARN, "may fail");
	CHECK(j && r->njudged == 1 && j->subject.member == NULL && strcmp(j->verdict_word, "may fail") == 0, "add_judged");
	CHECK(goabi_props_add(r, &j->props, "a", NULL) && j->props.n == 1 && j->props.v[0].value == NULL, "props: NULL value kept");
	CHECK(goabi_result_add_error(r, "f", "m", "bad") && r->nerrors == 1 && strcmp(r->errors[0].member, "m") == 0, "add_error");
	goabi_result_raise(r, GOABI_VERDICT_FAIL);
	goabi_result_raise(r, GOABI_VERDICT_WARN);
	CHECK(r->verdict == GOABI_VERDICT_FAIL, "raise keeps the worst verdict");
	goabi_result_raise(r, GOABI_VERDICT_ERROR);
	CHECK(r->verdict == GOABI_VERDICT_ERROR, "error is worse than fail");
	goabi_result_free(r);
	goabi_result_free(NULL);
}

static int exit_for(const char *check, enum goabi_verdict v, unsigned bits)
{
	struct goabi_result *r = goabi_result_new(check);
	r->verdict = v;
	r->exit_bits = bits;
	int rc = goabi_exit_code(r);
	goabi_result_free(r);
	return rc;
}

static void test_exit_rule(void)
{
	/* README.md "Exit codes": 0 clean (also warnings: "may fail", hazards,
	 * unverified rules), 1 findings, 2 input/usage, 3 link's "unknown" */
	CHECK(exit_for("link", GOABI_VERDICT_PASS, 0) == 0 && exit_for("image", GOABI_VERDICT_WARN, 0) == 0 &&
		      exit_for("audit", GOABI_VERDICT_FAIL, 0) == 1 && exit_for("plugin", GOABI_VERDICT_ERROR, 0) == 2 &&
		      exit_for("link", GOABI_VERDICT_UNKNOWN, 0) == 3,
	      "exit rule: pass 0, warn 0, fail 1, error 2, unknown 3");
	CHECK(exit_for("diff", GOABI_VERDICT_FAIL, 4 | 8) == 12 && exit_for("diff", GOABI_VERDICT_PASS, 0) == 0,
	      "diff: the exit code is its bitmask, not the verdict");
	CHECK(strcmp(goabi_verdict_name(GOABI_VERDICT_UNKNOWN), "unknown") == 0 &&
		      strcmp(goabi_finding_sev_name(GOABI_SEV_WARNING), "warning") == 0,
	      "verdict and severity names");
	CHECK(GOABI_VERDICT_PASS < GOABI_VERDICT_WARN && GOABI_VERDICT_WARN < GOABI_VERDICT_UNKNOWN &&
		      GOABI_VERDICT_UNKNOWN < GOABI_VERDICT_FAIL && GOABI_VERDICT_FAIL < GOABI_VERDICT_ERROR,
	      "the verdict scale is ordered");
}

static void test_json(void)
{
	struct goabi_result *r = sample();
	json_t *j = report_result_json(r, NULL, goabi_exit_code(r));
	static const char *const keys[] = { "tool", "version", "schema", "command", "verdict", "verdict_class",
					    "exit", "summary", "judged", "findings", "errors" };
	size_t n = 0;
	const char *k;
	json_t *v;
	bool order = true;
	json_object_foreach(j, k, v) {
		if (n >= sizeof(keys) / sizeof(keys[0]) || strcmp(k, keys[n]) != 0)
			order = false;
		n++;
	}
	CHECK(order && n == sizeof(keys) / sizeof(keys[0]), "JSON envelope: the keys of result.h's comment, in order");
	CHECK(json_integer_value(json_object_get(j, "schema")) == GOABI_JSON_SCHEMA && GOABI_JSON_SCHEMA == 2 &&
		      json_integer_value(json_object_get(j, "exit")) == 1 &&
		      strcmp(json_string_value(json_object_get(j, "verdict")), "fails") == 0 &&
		      strcmp(json_string_value(json_object_get(j, "verdict_class")), "fail") == 0,
	      "JSON: schema 2, exit 1, verdict word and class");
	json_t *f0 = json_array_get(json_object_get(j, "findings"), 0);
	json_t *sub = json_object_get(f0, "subject");
	CHECK(json_array_size(json_object_get(j, "findings")) == 3 &&
		      strcmp(json_string_value(json_object_get(sub, "member")), "m.o") == 0 &&
		      json_is_null(json_object_get(sub, "layer")) &&
		      strcmp(json_string_value(json_object_get(f0, "tool_says")), "ld: m.o: undefined reference to `foo'") == 0 &&
		      strcmp(json_string_value(json_object_get(json_object_get(f0, "properties"), "needed_by")), "main") == 0 &&
		      json_array_size(json_object_get(f0, "evidence")) == 1,
	      "JSON finding: subject with nulls, tool_says, properties, evidence");
	json_t *e0 = json_array_get(json_object_get(j, "errors"), 0);
	CHECK(e0 && strcmp(json_string_value(json_object_get(e0, "file")), "missing.o") == 0 &&
		      json_is_null(json_object_get(e0, "member")),
	      "JSON errors: file, member null, message");
	json_decref(j);
	goabi_result_free(r);
}

static void test_sarif(void)
{
	struct goabi_result *r = sample();
	json_t *s = report_result_sarif(r);
	json_t *run = json_array_get(json_object_get(s, "runs"), 0);
	json_t *rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
	json_t *res = json_object_get(run, "results");
	CHECK(json_array_size(rules) == 2 && json_array_size(res) == 3, "SARIF: one rule per rule id, one result per finding");
	const char *lv[3];
	for (int i = 0; i < 3; i++)
		lv[i] = json_string_value(json_object_get(json_array_get(res, (size_t)i), "level"));
	CHECK(strcmp(lv[0], "error") == 0 && strcmp(lv[1], "warning") == 0 && strcmp(lv[2], "warning") == 0,
	      "SARIF levels: error, warning, unknown -> warning");
	json_t *loc = json_array_get(json_object_get(json_array_get(res, 0), "locations"), 0);
	json_t *al = json_object_get(json_object_get(loc, "physicalLocation"), "artifactLocation");
	CHECK(strcmp(json_string_value(json_object_get(al, "uri")), "dir/lib%20x.a") == 0 &&
		      strcmp(json_string_value(json_object_get(json_array_get(json_object_get(loc, "logicalLocations"), 0), "name")), "m.o") == 0,
	      "SARIF location: percent-encoded uri, the member as a logical location");
	json_t *al1 = json_object_get(json_object_get(json_array_get(json_object_get(json_array_get(res, 1), "locations"), 0),
						      "physicalLocation"), "artifactLocation");
	CHECK(strcmp(json_string_value(json_object_get(al1, "uri")), "file:///abs/path/b.o") == 0, "SARIF: absolute path -> file:// URI");
	json_t *s2 = report_result_sarif(r);
	json_t *fp1 = json_object_get(json_array_get(res, 0), "partialFingerprints");
	json_t *fp2 = json_object_get(json_array_get(json_object_get(json_array_get(json_object_get(s2, "runs"), 0), "results"), 0),
				      "partialFingerprints");
	json_t *fpo = json_object_get(json_array_get(res, 1), "partialFingerprints");
	CHECK(json_equal(fp1, fp2) && !json_equal(fp1, fpo), "SARIF fingerprints: stable across runs, differ between findings");
	json_t *inv = json_array_get(json_object_get(run, "invocations"), 0);
	CHECK(json_integer_value(json_object_get(inv, "exitCode")) == 1 &&
		      json_array_size(json_object_get(inv, "toolExecutionNotifications")) == 1,
	      "SARIF invocation: exit code, the unreadable input as a notification");
	json_decref(s2);
	json_decref(s);
	goabi_result_free(r);
}

static void emit(const char *dir)
{
	struct goabi_result *r = sample();
	char p[4096];
	snprintf(p, sizeof(p), "%s/sample.sarif", dir);
	json_t *s = report_result_sarif(r);
	json_dump_file(s, p, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(s);
	snprintf(p, sizeof(p), "%s/sample.json", dir);
	s = report_result_json(r, NULL, goabi_exit_code(r));
	json_dump_file(s, p, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(s);
	snprintf(p, sizeof(p), "%s/sample.txt", dir);
	FILE *f = fopen(p, "w");
	if (f) {
		struct report_opts o = { .verbose = true };
		report_result_text(f, r, &o);
		fclose(f);
	}
	goabi_result_free(r);
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		emit(argv[1]);
		return 0;
	}
	test_builders();
	test_exit_rule();
	test_json();
	test_sarif();
	return UNIT_RESULT();
}
