/* Unit tests for goabi link's command parsing and resolver
 * (src/check/link_args.c, link_search.c, link_resolve.c, link_findings.c).
 *
 * Parsing: item kinds and flags from gcc command lines and linker scripts,
 * checked against what gcc/ld document. Resolution: tiny C objects and
 * archives compiled here with cc/ar in a temporary directory, one GNU ld
 * rule per case (archive members pulled on demand in command-line order,
 * groups, --whole-archive, weak, common, duplicate definitions); each
 * prediction is compared with the real link ("cc -o"), the oracle, and with
 * the rule's expected outcome. */
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>
#include "check/link_int.h"
#include "goabi/checks.h"
#include "unit.h"
#include "util/util.h"

static char dir[256];

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* NAME.o from C source text */
static void obj(const char *name, const char *src, const char *cflags)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s.c", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		return;
	fputs(src, f);
	fclose(f);
	if (sh("cd %s && cc -c -O0 %s -o %s.o %s.c", dir, cflags ? cflags : "-fno-common", name, name) != 0)
		printf("# cc failed for %s\n", name);
}

/* argv from a space-separated command line, words in the arena */
static char **words(struct goabi_arena *ar, const char *line, int *argc)
{
	static char *argv[64];
	char *copy = arena_strdup(ar, line), *save = NULL;
	*argc = 0;
	for (char *t = strtok_r(copy, " ", &save); t && *argc < 63; t = strtok_r(NULL, " ", &save))
		argv[(*argc)++] = t;
	argv[*argc] = NULL;
	return argv;
}

static const char *items_str(const struct lk_cmd *c, bool implicit)
{
	static char out[2048];
	static const char *const kn[] = { "file", "lib", "whole+", "whole-", "(", ")", "asneeded+", "asneeded-",
					  "Bstatic", "Bdynamic", "push", "pop", "source" };
	size_t len = 0;
	out[0] = 0;
	for (size_t i = 0; i < c->nitems && len < sizeof(out) - 64; i++) {
		if (c->items[i].implicit && !implicit)
			continue;
		const char *a = c->items[i].arg;
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s%s%s", len ? " " : "", kn[c->items[i].kind],
					a ? ":" : "", a ? a : "");
	}
	return out;
}

static void test_parse(void)
{
	struct goabi_arena *ar = arena_new();
	struct lk_cmd c;
	lk_cmd_init(&c, ar);
	int argc;
	char **argv = words(ar, "gcc main.o -L/opt/lib -Wl,--start-group a.a b.a -Wl,--end-group -Wl,--whole-archive c.a "
				"-Wl,--no-whole-archive -lfoo -l:libbar.a -Wl,--as-needed -lm -Wl,--no-as-needed -o prog", &argc);
	lk_parse_command(&c, argc, argv);
	CHECK(strcmp(items_str(&c, false),
		     "file:main.o ( file:a.a file:b.a ) whole+ file:c.a whole- lib:foo lib::libbar.a asneeded+ lib:m asneeded-") == 0,
	      "gcc: user items in command-line order with groups, whole-archive, -l, -l:, as-needed (%s)", items_str(&c, false));
	CHECK(c.user_dirs.n == 1 && strcmp(c.user_dirs.v[0], "/opt/lib") == 0, "gcc: -L/opt/lib is the one user search dir");
	CHECK(c.output && strcmp(c.output, "prog") == 0, "gcc: -o prog");
	CHECK(c.flavor == LK_GCC && !c.is_static && !c.shared, "gcc: dynamic executable by default");
	/* gcc adds crt objects before and libraries after the user's items
	 * (gcc -dumpspecs: startfile and lib specs) */
	size_t first_user = c.nitems, last_user = 0, nimpl_before = 0, nlibc = 0;
	for (size_t i = 0; i < c.nitems; i++) {
		if (!c.items[i].implicit) {
			if (first_user == c.nitems)
				first_user = i;
			last_user = i;
		} else if (first_user == c.nitems) {
			nimpl_before++;
		} else if (c.items[i].kind == LK_I_LIB && strcmp(c.items[i].arg, "c") == 0) {
			nlibc++;
		}
	}
	CHECK(nimpl_before >= 2 && nlibc == 1 && last_user < c.nitems - 1,
	      "gcc: crt objects before the user's items (%zu), -lc after them (%zu)", nimpl_before, nlibc);

	lk_cmd_init(&c, ar);
	argv = words(ar, "gcc -static main.o -lpthread", &argc);
	lk_parse_command(&c, argc, argv);
	CHECK(c.is_static, "gcc -static: static link");
	lk_cmd_init(&c, ar);
	argv = words(ar, "gcc -shared -nostdlib x.o", &argc);
	lk_parse_command(&c, argc, argv);
	CHECK(c.shared && c.nostdlib, "gcc -shared -nostdlib: flags set");
	size_t nimpl = 0;
	for (size_t i = 0; i < c.nitems; i++)
		nimpl += c.items[i].implicit && (c.items[i].kind == LK_I_FILE || c.items[i].kind == LK_I_LIB);
	CHECK(nimpl == 0, "gcc -nostdlib: no implicit crt objects or libraries (%zu; gcc -### lists none)", nimpl);
	lk_cmd_init(&c, ar);
	argv = words(ar, "gcc -Wl,-Bstatic -lfoo -Wl,-Bdynamic -lbar -Xlinker --push-state -Xlinker --pop-state", &argc);
	lk_parse_command(&c, argc, argv);
	CHECK(strcmp(items_str(&c, false), "Bstatic lib:foo Bdynamic lib:bar push pop") == 0,
	      "gcc: -Wl,-Bstatic/-Bdynamic and -Xlinker --push-state/--pop-state (%s)", items_str(&c, false));

	/* drivers: g++ adds -lstdc++ -lm (g++ -### shows them), asked or by default */
	for (int nd = 0; nd < 2; nd++) {
		lk_cmd_init(&c, ar);
		c.no_driver = nd;
		argv = words(ar, "g++ main.o", &argc);
		lk_parse_command(&c, argc, argv);
		bool stdcxx = false, m = false;
		for (size_t i = 0; i < c.nitems; i++)
			if (c.items[i].kind == LK_I_LIB && c.items[i].implicit) {
				stdcxx |= strcmp(c.items[i].arg, "stdc++") == 0;
				m |= strcmp(c.items[i].arg, "m") == 0;
			}
		CHECK(stdcxx && m && c.cxx && strcmp(c.driver_name, "g++") == 0,
		      "g++ (%s): implicit -lstdc++ -lm, driver named g++", nd ? "default" : "asked");
		CHECK(c.driver_facts == (nd ? LK_DRV_DEFAULT : LK_DRV_ASKED), "g++: driver facts %s (%d)",
		      nd ? "default" : "asked", (int)c.driver_facts);
		CHECK(strcmp(items_str(&c, false), "file:main.o") == 0, "g++ (%s): the user's items (%s)",
		      nd ? "default" : "asked", items_str(&c, false));
	}
	/* source files: an input of their own, in place, before the archive */
	for (int nd = 0; nd < 2; nd++) {
		lk_cmd_init(&c, ar);
		c.no_driver = nd;
		argv = words(ar, "gcc main.c -x c prog.src -x none x.o -lfoo", &argc);
		lk_parse_command(&c, argc, argv);
		CHECK(strcmp(items_str(&c, false), "source:main.c source:prog.src file:x.o lib:foo") == 0 && c.sources.n == 2,
		      "gcc (%s): main.c and -x c prog.src are sources, in order (%s)", nd ? "default" : "asked",
		      items_str(&c, false));
	}
	arena_free(ar);
}

static void test_script(void)
{
	struct goabi_arena *ar = arena_new();
	struct lk_cmd c;
	lk_cmd_init(&c, ar);
	struct lk_result *r = lk_run(&c); /* an empty link, for the script parser's arena */
	if (!r) {
		CHECK(0, "lk_run on an empty command");
		return;
	}
	/* glibc's /usr/lib/x86_64-linux-gnu/libc.so */
	const char *text = "/* GNU ld script\n   Use the shared library, but some functions are only in\n   the static library. */\n"
			   "OUTPUT_FORMAT(elf64-x86-64)\n"
			   "GROUP ( /lib/x86_64-linux-gnu/libc.so.6 /usr/lib/x86_64-linux-gnu/libc_nonshared.a  AS_NEEDED ( /lib64/ld-linux-x86-64.so.2 ) )\n";
	struct lk_item *it = NULL;
	size_t n = 0;
	bool okp = lk_script_items(r, "libc.so", text, strlen(text), &it, &n);
	struct lk_cmd tmp = { .items = it, .nitems = n };
	/* AS_NEEDED ( ... ) scopes --as-needed to its files: ld's
	 * push-state/pop-state around them */
	CHECK(okp && strcmp(items_str(&tmp, true), "( file:/lib/x86_64-linux-gnu/libc.so.6 file:/usr/lib/x86_64-linux-gnu/libc_nonshared.a "
						   "push asneeded+ file:/lib64/ld-linux-x86-64.so.2 pop )") == 0,
	      "glibc libc.so script: GROUP with AS_NEEDED, comment and OUTPUT_FORMAT skipped (%s)", items_str(&tmp, true));
	const char *t2 = "INPUT(a.o -lb)";
	okp = lk_script_items(r, "x.so", t2, strlen(t2), &it, &n);
	tmp = (struct lk_cmd){ .items = it, .nitems = n };
	CHECK(okp && strcmp(items_str(&tmp, true), "file:a.o lib:b") == 0, "INPUT(a.o -lb): a file and a library (%s)",
	      items_str(&tmp, true));
	lk_result_free(r);
}

/* Run the prediction for "cc ARGS" in dir and the real link; returns the
 * predicted verdict and fills *ld_ok with the real link's success. */
static struct lk_result *predict(const char *args, int *ld_rc)
{
	char line[1024];
	snprintf(line, sizeof(line), "gcc %s", args);
	char *argv[64];
	int argc = 0;
	char *save = NULL;
	struct goabi_arena *ar = arena_new();
	char *copy = arena_strdup(ar, line);
	for (char *t = strtok_r(copy, " ", &save); t && argc < 63; t = strtok_r(NULL, " ", &save)) {
		if (strcmp(t, "-L.") == 0) {
			char *p = malloc(512);
			snprintf(p, 512, "-L%s", dir);
			argv[argc++] = arena_strdup(ar, p);
			free(p);
		} else if (t[0] != '-' && strchr(t, '.')) { /* a file: absolute path */
			char *p = malloc(512);
			snprintf(p, 512, "%s/%s", dir, t);
			argv[argc++] = arena_strdup(ar, p);
			free(p);
		} else {
			argv[argc++] = t;
		}
	}
	argv[argc] = NULL;
	struct lk_cmd c;
	lk_cmd_init(&c, ar);
	lk_parse_command(&c, argc, argv);
	*ld_rc = sh("cd %s && cc -o a.out %s >/dev/null 2>&1", dir, args);
	return lk_run(&c);
}

static bool has(const struct goabi_strv *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], s) == 0)
			return true;
	return false;
}

static bool loaded(const struct lk_result *r, const char *member)
{
	for (size_t i = 0; i < r->nobjs; i++)
		if (r->objs[i].member && strcmp(r->objs[i].member, member) == 0)
			return r->objs[i].loaded;
	return false;
}

/* CASE: the prediction (verdict, and the symbol in duplicates/undefined
 * when given) agrees with the real link and with GNU ld's rule */
static void expect(const char *what, const char *args, enum lk_verdict want, const char *dup, const char *undef,
		   const char *pulled, const char *not_pulled)
{
	int ld_rc;
	struct lk_result *r = predict(args, &ld_rc);
	if (!r) {
		CHECK(0, "%s: lk_run failed", what);
		return;
	}
	bool want_ok = want != LK_FAILS;
	CHECK((ld_rc == 0) == want_ok, "%s: the real link (cc %s) %s as the rule says", what, args, want_ok ? "succeeds" : "fails");
	CHECK(r->verdict == want, "%s: verdict %s (want %s)", what, lk_verdict_name(r->verdict), lk_verdict_name(want));
	if (dup)
		CHECK(has(&r->duplicates, dup), "%s: %s is a multiple definition", what, dup);
	else
		CHECK(r->duplicates.n == 0, "%s: no multiple definition (%zu)", what, r->duplicates.n);
	if (undef)
		CHECK(has(&r->undefined, undef), "%s: %s is undefined", what, undef);
	else
		CHECK(r->undefined.n == 0, "%s: nothing undefined (%zu%s%s)", what, r->undefined.n,
		      r->undefined.n ? ": " : "", r->undefined.n ? r->undefined.v[0] : "");
	if (pulled)
		CHECK(loaded(r, pulled), "%s: member %s pulled", what, pulled);
	if (not_pulled)
		CHECK(!loaded(r, not_pulled), "%s: member %s not pulled", what, not_pulled);
	lk_result_free(r);
}

static void test_resolve(void)
{
	obj("main", "int foo(void); int main(void) { return foo(); }\n", NULL);
	obj("foo", "int foo(void) { return 0; }\n", NULL);
	obj("foo2", "int foo(void) { return 1; }\n", NULL);
	obj("bar", "int bar(void) { return 2; }\n", NULL);
	obj("weakfoo", "__attribute__((weak)) int foo(void) { return 3; }\n", NULL);
	obj("x", "int y(void); int foo(void) { return y(); }\n", NULL);
	obj("y", "int z(void); int y(void) { return z(); }\n", NULL);
	obj("z", "int z(void) { return 0; }\n", NULL);
	obj("common1", "int shared_counter; int main(void) { return shared_counter; }\n", "-fcommon");
	obj("common2", "int shared_counter;\n", "-fcommon");
	obj("nocommon1", "int shared_counter; int main(void) { return shared_counter; }\n", "-fno-common");
	obj("nocommon2", "int shared_counter;\n", "-fno-common");
	sh("cd %s && ar rcs libfb.a foo.o bar.o && ar rcs libx.a x.o z.o && ar rcs liby.a y.o && ar rcs libdup.a foo2.o bar.o", dir);

	expect("archive member pulled on demand", "main.o libfb.a", LK_LINKS, NULL, NULL, "foo.o", "bar.o");
	expect("archive before the object that needs it", "libfb.a main.o", LK_FAILS, NULL, "foo", NULL, "foo.o");
	expect("two strong definitions", "main.o foo.o foo2.o", LK_FAILS, "foo", NULL, NULL, NULL);
	expect("weak and strong definition", "main.o weakfoo.o foo.o", LK_LINKS, NULL, NULL, NULL, NULL);
	expect("archive member not pulled: its duplicate is harmless", "main.o foo.o libdup.a", LK_LINKS, NULL, NULL, NULL, "foo2.o");
	expect("--whole-archive pulls the duplicate", "main.o foo.o -Wl,--whole-archive libdup.a -Wl,--no-whole-archive", LK_FAILS,
	       "foo", NULL, "foo2.o", NULL);
	expect("circular archives without a group", "main.o libx.a liby.a", LK_FAILS, NULL, "z", "x.o", NULL);
	expect("circular archives in a group", "main.o -Wl,--start-group libx.a liby.a -Wl,--end-group", LK_LINKS, NULL, NULL,
	       "z.o", NULL);
	expect("circular archives listed twice", "main.o libx.a liby.a libx.a", LK_LINKS, NULL, NULL, "y.o", NULL);
	expect("tentative definitions (-fcommon) merge", "common1.o common2.o", LK_LINKS, NULL, NULL, NULL, NULL);
	expect("two initialised-to-zero definitions (-fno-common)", "nocommon1.o nocommon2.o", LK_FAILS, "shared_counter", NULL,
	       NULL, NULL);
	expect("undefined without the library", "main.o", LK_FAILS, NULL, "foo", NULL, NULL);
	expect("-l search in -L", "main.o -L. -lfb", LK_LINKS, NULL, NULL, "foo.o", NULL);
}

/* goabi_link_check, the library call: the one result model. Oracle: the
 * real link of the same files (cc, GNU ld): its exit status and the object
 * its "multiple definition" message names first; its link map (-Map) for
 * the member pulled. */
static const struct goabi_finding *find_rule(const struct goabi_result *r, const char *rule)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].rule, rule) == 0)
			return &r->findings[i];
	return NULL;
}

static void test_library(void)
{
	char a[512], b[512], m[512], lib[512];
	snprintf(m, sizeof(m), "%s/main.o", dir);
	snprintf(a, sizeof(a), "%s/foo.o", dir);
	snprintf(b, sizeof(b), "%s/foo2.o", dir);
	snprintf(lib, sizeof(lib), "%s/libfb.a", dir);
	/* two definitions of foo: ld names foo2.o ("foo2.o: in function `foo': ... multiple definition of `foo'; foo.o: first defined here") */
	int ld_rc = sh("cd %s && cc main.o foo.o foo2.o -o lib.out 2> lib.err", dir);
	int ld_names = sh("cd %s && grep -q ': foo2.o: in function' lib.err && grep -q \"multiple definition of .foo'; foo.o:\" lib.err", dir);
	char *files[] = { m, a, b, NULL };
	struct goabi_result *r = NULL;
	int rc = goabi_link_check(3, files, &r);
	CHECK(rc == 0 && r, "goabi_link_check(main.o foo.o foo2.o): a result (%d)", rc);
	if (r) {
		const struct goabi_finding *f = find_rule(r, "link/multiple-definition");
		CHECK(ld_rc != 0 && r->verdict == GOABI_VERDICT_FAIL && goabi_exit_code(r) == 1 &&
			      strcmp(r->verdict_word, "fails") == 0 && strcmp(r->check, "link") == 0,
		      "… fails (%s, exit %d) as the real link does (exit %d)", r->verdict_word, goabi_exit_code(r), ld_rc);
		CHECK(ld_names == 0 && f && f->sev == GOABI_SEV_ERROR && f->subject.path && strcmp(f->subject.path, b) == 0 &&
			      !f->subject.member && f->subject.symbol && strcmp(f->subject.symbol, "foo") == 0 && f->tool_says &&
			      strstr(f->tool_says, "multiple definition of `foo'"),
		      "… link/multiple-definition of foo located at foo2.o, the object ld names (%s)",
		      f && f->subject.path ? f->subject.path : "none");
		enum goabi_verdict vm = GOABI_VERDICT_ERROR, vb = GOABI_VERDICT_ERROR;
		for (size_t i = 0; i < r->njudged; i++) {
			if (strcmp(r->judged[i].subject.path, m) == 0)
				vm = r->judged[i].verdict;
			if (strcmp(r->judged[i].subject.path, b) == 0)
				vb = r->judged[i].verdict;
		}
		CHECK(vm == GOABI_VERDICT_PASS && vb == GOABI_VERDICT_FAIL, "… judged: main.o pass, foo2.o fail (%d %d)", (int)vm,
		      (int)vb);
	}
	goabi_result_free(r);

	/* main.o libfb.a: links; the member pulled as in ld's map */
	ld_rc = sh("cd %s && cc main.o libfb.a -o lib2.out -Wl,-Map=lib2.map", dir);
	int in_map = sh("cd %s && grep -q '^[^ ]*libfb.a(foo.o)' lib2.map", dir);
	char *files2[] = { m, lib, NULL };
	r = NULL;
	rc = goabi_link_check(2, files2, &r);
	bool pulled = false;
	for (size_t i = 0; r && i < r->njudged; i++) {
		const struct goabi_judged *j = &r->judged[i];
		if (j->subject.member && strcmp(j->subject.path, lib) == 0 && strcmp(j->subject.member, "foo.o") == 0)
			for (size_t k = 0; k < j->props.n; k++)
				pulled |= strcmp(j->props.v[k].name, "for") == 0 && j->props.v[k].value &&
					  strcmp(j->props.v[k].value, "foo") == 0;
	}
	CHECK(rc == 0 && r && ld_rc == 0 && in_map == 0 && r->verdict <= GOABI_VERDICT_WARN && goabi_exit_code(r) == 0 && pulled,
	      "goabi_link_check(main.o libfb.a): links as ld does, foo.o pulled for foo as in ld's map");
	goabi_result_free(r);

	/* no input, and a driver that does not link: no verdict, exit 2 */
	r = NULL;
	rc = goabi_link_check(0, NULL, &r);
	CHECK(rc == 0 && r && r->verdict == GOABI_VERDICT_ERROR && goabi_exit_code(r) == 2 && r->nerrors == 1,
	      "goabi_link_check with no input: verdict error, exit 2, one error");
	goabi_result_free(r);
	char dd[] = "--", nd[] = "--no-driver", cc[] = "gcc", dc[] = "-c";
	char *cmd[] = { nd, dd, cc, dc, m, NULL };
	r = NULL;
	rc = goabi_link_check(5, cmd, &r);
	CHECK(rc == 0 && r && r->verdict == GOABI_VERDICT_ERROR && goabi_exit_code(r) == 2 && r->nerrors >= 1 &&
		      strcmp(r->verdict_word, "no link") == 0,
	      "goabi_link_check(--no-driver -- gcc -c main.o): no link, exit 2 (%s)", r ? r->verdict_word : "no result");
	goabi_result_free(r);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "%s/goabi-unit-link-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir)) {
		printf("not ok - mkdtemp failed\n");
		return 1;
	}
	test_parse();
	test_script();
	test_resolve();
	test_library();
	sh("rm -rf %s", dir);
	return UNIT_RESULT();
}
