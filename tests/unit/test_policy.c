/* Unit tests for goabi audit's rules (src/check/policy.c): each rule on
 * hand-made artifacts, met, broken and unverifiable, at the boundaries the
 * rule semantics of docs/audit.md draw (equal versions, Go minor releases,
 * release candidates, replaced modules, non-Go and relocatable inputs). The
 * expectations come from those semantics and from how the versions order in
 * `go` and `sort -V`, not from goabi's output. */
#include <stdlib.h>
#include "check/policy.h"
#include "facts/facts.h"
#include "unit.h"
#include "util/util.h"

/* An executable as inspect would describe it: a Go binary by default. */
struct fixture {
	struct goabi_artifact a;
	struct goabi_setting settings[8];
	struct goabi_module deps[4];
	struct goabi_verneed vn[1];
	const char *syms[4];
};

static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	struct goabi_artifact *a = &f->a;
	a->path = "app";
	a->kind = GOABI_KIND_ELF;
	a->id.machine = 62;
	a->id.type = 2; /* ET_EXEC */
	a->go.toolchain.value = "gc";
	a->go.version = (struct goabi_fact){ "go1.22.5", "build info", GOABI_KNOWN };
	a->go.buildinfo_where = ".go.buildinfo+0"; /* settings and modules come from build info */
	a->go.cgo = (struct goabi_fact){ "0", "CGO_ENABLED=0", GOABI_KNOWN };
	a->go.buildmode = (struct goabi_fact){ "exe", "-buildmode=exe", GOABI_KNOWN };
	a->libc.linkage = (struct goabi_fact){ "static", "no PT_INTERP", GOABI_KNOWN };
	a->libc.family = (struct goabi_fact){ "none", "static, no libc", GOABI_KNOWN };
	a->go.settings = f->settings;
	a->go.deps = f->deps;
	a->libc.verneed = f->vn;
}

static void set(struct fixture *f, const char *k, const char *v)
{
	f->settings[f->a.go.nsettings++] = (struct goabi_setting){ k, v };
}

/* "rule=broken" / "rule=unverified" for every finding, space-separated */
static const char *run(const char *rule_flags[][2], size_t nflags, const struct goabi_artifact *a)
{
	static char out[1024];
	struct policy p;
	struct policy_result res = { 0 };
	char err[256];
	policy_init(&p);
	out[0] = 0;
	for (size_t i = 0; i < nflags; i++) {
		enum policy_rule r = RULE_COUNT;
		for (int k = 0; k < RULE_COUNT; k++)
			if (strcmp(policy_rule_id((enum policy_rule)k), rule_flags[i][0]) == 0)
				r = (enum policy_rule)k;
		if (r == RULE_COUNT || policy_set(&p, r, rule_flags[i][1], err, sizeof(err)) != 0) {
			snprintf(out, sizeof(out), "bad rule %s=%s", rule_flags[i][0], rule_flags[i][1]);
			policy_release(&p);
			return out;
		}
	}
	/* the typed facts from the strings set above, as the extractors set both */
	struct goabi_artifact typed = *a;
	facts_retype(&typed);
	policy_check(&p, &typed, &res);
	size_t len = 0;
	for (size_t i = 0; i < res.n; i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s=%s", len ? " " : "",
					policy_rule_id(res.v[i].rule), res.v[i].broken ? "broken" : "unverified");
	policy_result_release(&res);
	policy_release(&p);
	return out;
}

#define RUN1(rule, value, a) run((const char *[][2]){ { rule, value } }, 1, a)
#define EXPECT(want, got, ...) do { \
	const char *g_ = (got); \
	CHECK(strcmp(g_, want) == 0, __VA_ARGS__); \
	if (strcmp(g_, want) != 0) printf("#   want '%s', got '%s'\n", want, g_); \
} while (0)

static void test_max_glibc(void)
{
	struct fixture f;
	fixture_init(&f);
	f.a.libc.linkage.value = "dynamic";
	f.a.libc.family.value = "glibc";
	f.a.libc.glibc_floor.value = "GLIBC_2.34";
	f.syms[0] = "__libc_start_main@GLIBC_2.34";
	f.vn[0].file = "libc.so.6";
	f.vn[0].symbols.v = f.syms;
	f.vn[0].symbols.n = 1;
	f.a.libc.nverneed = 1;
	EXPECT("", RUN1("max-glibc", "2.34", &f.a), "max-glibc: floor GLIBC_2.34 equal to the maximum is met");
	EXPECT("", RUN1("max-glibc", "2.35", &f.a), "max-glibc: floor below the maximum is met");
	EXPECT("max-glibc=broken", RUN1("max-glibc", "2.28", &f.a), "max-glibc: floor 2.34 above 2.28 is broken");
	EXPECT("max-glibc=broken", RUN1("max-glibc", "2.4", &f.a), "max-glibc: 2.34 > 2.4 numerically, not as text");
	f.a.libc.glibc_floor.value = "GLIBC_2.2.5";
	EXPECT("", RUN1("max-glibc", "2.17", &f.a), "max-glibc: GLIBC_2.2.5 is below 2.17 (sort -V)");
	f.a.libc.glibc_floor.value = NULL;
	EXPECT("", RUN1("max-glibc", "2.17", &f.a), "max-glibc: no GLIBC floor (static, musl) is met");
}

static void test_libc_static(void)
{
	struct fixture f;
	fixture_init(&f);
	EXPECT("", RUN1("libc", "none", &f.a), "libc none: a binary without libc meets it");
	EXPECT("libc=broken", RUN1("libc", "glibc,musl", &f.a), "libc glibc,musl: a binary without libc breaks it");
	f.a.libc.family.value = "unknown";
	EXPECT("libc=unverified", RUN1("libc", "glibc", &f.a), "libc: an unknown family is unverified, not broken");
	f.a.libc.family.value = "musl";
	EXPECT("", RUN1("libc", "glibc,musl", &f.a), "libc glibc,musl: musl meets it");

	EXPECT("", RUN1("require-static", "true", &f.a), "require-static: static linkage meets it");
	f.a.libc.linkage.value = "static-pie";
	f.a.id.type = 3;
	f.a.id.pie = true;
	EXPECT("", RUN1("require-static", "true", &f.a), "require-static: static-pie meets it");
	f.a.libc.linkage.value = "dynamic";
	f.a.libc.interp = "/lib64/ld-linux-x86-64.so.2";
	EXPECT("require-static=broken", RUN1("require-static", "true", &f.a), "require-static: a dynamic PIE breaks it");
	f.a.id.pie = false;
	f.a.libc.interp = NULL;
	EXPECT("require-static=unverified", RUN1("require-static", "true", &f.a),
	       "require-static: a shared library (ET_DYN, not PIE) is unverified");
	f.a.libc.linkage.value = "relocatable";
	f.a.id.type = 1;
	EXPECT("require-static=unverified", RUN1("require-static", "true", &f.a),
	       "require-static: a relocatable object is decided at link time");
	f.a.libc.linkage.value = NULL;
	f.a.id.type = 2;
	EXPECT("require-static=unverified", RUN1("require-static", "true", &f.a), "require-static: unknown linkage is unverified");
}

static void test_cgo_buildmode(void)
{
	struct fixture f;
	fixture_init(&f);
	EXPECT("", RUN1("cgo", "off", &f.a), "cgo off: CGO_ENABLED=0 meets it");
	EXPECT("cgo=broken", RUN1("cgo", "on", &f.a), "cgo on: CGO_ENABLED=0 breaks it");
	f.a.go.cgo.value = "1";
	EXPECT("cgo=broken", RUN1("cgo", "off", &f.a), "cgo off: CGO_ENABLED=1 breaks it");
	EXPECT("", RUN1("cgo", "on", &f.a), "cgo on: CGO_ENABLED=1 meets it");
	f.a.go.cgo.value = NULL;
	EXPECT("cgo=unverified", RUN1("cgo", "off", &f.a), "cgo: unknown is unverified");

	EXPECT("", RUN1("buildmode", "exe,pie", &f.a), "buildmode exe,pie: exe meets it");
	EXPECT("buildmode=broken", RUN1("buildmode", "pie", &f.a), "buildmode pie: exe breaks it");
	f.a.go.buildmode.value = "c-shared";
	EXPECT("buildmode=broken", RUN1("buildmode", "exe,pie", &f.a), "buildmode exe,pie: c-shared breaks it");
	f.a.go.buildmode.value = NULL;
	EXPECT("buildmode=unverified", RUN1("buildmode", "exe", &f.a), "buildmode: unknown is unverified");

	/* not Go: the Go rules do not apply */
	f.a.go.toolchain.value = "none";
	f.a.go.cgo.value = "1";
	f.a.go.buildmode.value = "c-shared";
	EXPECT("", run((const char *[][2]){ { "cgo", "off" }, { "buildmode", "exe" }, { "min-go", "go1.23.0" },
					    { "require-trimpath", "true" }, { "forbid-vcs-modified", "true" } }, 5, &f.a),
	       "a C binary (toolchain none): cgo, buildmode, min-go, trimpath and vcs rules do not apply");
}

static void test_min_go(void)
{
	struct fixture f;
	fixture_init(&f); /* go1.22.5 */
	EXPECT("", RUN1("min-go", "go1.22.5", &f.a), "min-go go1.22.5: the same release meets it");
	EXPECT("", RUN1("min-go", "go1.22.4", &f.a), "min-go go1.22.4: a newer patch meets it");
	EXPECT("min-go=broken", RUN1("min-go", "go1.22.6", &f.a), "min-go go1.22.6: an older patch breaks it");
	EXPECT("min-go=broken", RUN1("min-go", "go1.22.10", &f.a), "min-go go1.22.10: 5 < 10 numerically");
	EXPECT("min-go=broken", RUN1("min-go", "go1.23.0", &f.a), "min-go go1.23.0 only: an older minor breaks it");
	EXPECT("", RUN1("min-go", "go1.21.0,go1.23.1", &f.a),
	       "min-go go1.21.0,go1.23.1: a minor between the entries, without its own entry, meets it");
	EXPECT("min-go=broken", RUN1("min-go", "go1.21.0,go1.22.7,go1.23.1", &f.a),
	       "min-go with a go1.22.7 entry: go1.22.5 breaks it");
	f.a.go.version.value = "go1.21rc2";
	EXPECT("min-go=broken", RUN1("min-go", "go1.21.0", &f.a), "min-go go1.21.0: a release candidate is older");
	f.a.go.version.value = "go1.20";
	EXPECT("", RUN1("min-go", "go1.20.0", &f.a), "min-go go1.20.0: go1.20 is go1.20.0");
	f.a.go.version = (struct goabi_fact){ NULL, NULL, GOABI_UNKNOWN };
	f.a.go.version_range.value = "go1.20-go1.26";
	EXPECT("min-go=unverified", RUN1("min-go", "go1.22.0", &f.a), "min-go: a version range only is unverified");
}

static void test_isa(void)
{
	struct fixture f;
	fixture_init(&f);
	f.a.isa.declared.value = "x86-64-v1";
	EXPECT("", RUN1("max-isa", "x86-64-v1", &f.a), "max-isa v1: declared v1 meets it");
	f.a.isa.declared.value = "x86-64-v3";
	EXPECT("max-isa=broken", RUN1("max-isa", "x86-64-v2", &f.a), "max-isa v2: declared v3 breaks it");
	EXPECT("", RUN1("max-isa", "x86-64-v3", &f.a), "max-isa v3: declared v3 meets it");
	f.a.isa.declared.value = "x86-64-v1";
	f.a.isa.required.value = "x86-64-v4";
	EXPECT("max-isa=broken", RUN1("max-isa", "x86-64-v3", &f.a), "max-isa v3: required v4 (disassembly) breaks it");
	f.a.isa.required.value = NULL;
	f.a.id.machine = 183; /* aarch64 */
	f.a.isa.declared.value = "x86-64-v4";
	EXPECT("", RUN1("max-isa", "x86-64-v1", &f.a), "max-isa: not an x86-64 file, the rule does not apply");
}

static void test_settings(void)
{
	struct fixture f;
	fixture_init(&f);
	EXPECT("require-trimpath=unverified", RUN1("require-trimpath", "true", &f.a),
	       "require-trimpath: no build settings at all (Go < 1.18) is unverified");
	set(&f, "-compiler", "gc");
	EXPECT("require-trimpath=broken", RUN1("require-trimpath", "true", &f.a), "require-trimpath: settings without -trimpath break it");
	set(&f, "-trimpath", "true");
	EXPECT("", RUN1("require-trimpath", "true", &f.a), "require-trimpath: -trimpath=true meets it");
	f.settings[1].value = "false";
	EXPECT("require-trimpath=broken", RUN1("require-trimpath", "true", &f.a), "require-trimpath: -trimpath=false breaks it");

	EXPECT("", RUN1("forbid-vcs-modified", "true", &f.a), "forbid-vcs-modified: no vcs settings meets it");
	set(&f, "vcs.modified", "false");
	EXPECT("", RUN1("forbid-vcs-modified", "true", &f.a), "forbid-vcs-modified: vcs.modified=false meets it");
	f.settings[2].value = "true";
	EXPECT("forbid-vcs-modified=broken", RUN1("forbid-vcs-modified", "true", &f.a),
	       "forbid-vcs-modified: vcs.modified=true breaks it");
	/* without build info the settings and modules are unknown (esbuild >= 0.27) */
	f.a.go.buildinfo_where = NULL;
	f.a.go.nsettings = 0;
	EXPECT("forbid-vcs-modified=unverified", RUN1("forbid-vcs-modified", "true", &f.a),
	       "forbid-vcs-modified: no build info is unverified, not met");
	EXPECT("forbid-module=unverified", RUN1("forbid-module", "golang.org/x/net", &f.a),
	       "forbid-module: no build info is unverified, not met");
}

static void test_forbid_module(void)
{
	struct fixture f;
	fixture_init(&f);
	f.deps[0] = (struct goabi_module){ .path = "golang.org/x/net", .version = "v0.22.0" };
	f.deps[1] = (struct goabi_module){ .path = "golang.org/x/sys", .version = "v0.0.0-20210908233432-aa78b53d3365" };
	f.deps[2] = (struct goabi_module){ .path = "example.com/old", .version = "v1.0.0",
					   .repl_path = "example.com/fork", .repl_version = "v1.5.0" };
	f.deps[3] = (struct goabi_module){ .path = "example.com/pinned", .version = "v1.0.0",
					   .repl_path = "example.com/pinned", .repl_version = "v1.9.0" };
	f.a.go.ndeps = 4;
	EXPECT("forbid-module=broken", RUN1("forbid-module", "golang.org/x/net@<v0.23.0", &f.a), "x/net v0.22.0 is below v0.23.0");
	EXPECT("", RUN1("forbid-module", "golang.org/x/net@<v0.22.0", &f.a), "x/net v0.22.0 is not below v0.22.0");
	EXPECT("forbid-module=broken", RUN1("forbid-module", "golang.org/x/net@v0.22.0", &f.a), "exact version matches");
	EXPECT("forbid-module=broken", RUN1("forbid-module", "golang.org/x/net", &f.a), "no version: any version matches");
	EXPECT("", RUN1("forbid-module", "golang.org/x/net@>=v0.23.0,<v0.30.0", &f.a), "a range above the version");
	EXPECT("forbid-module=broken", RUN1("forbid-module", "golang.org/x/sys@<v0.0.0-20220101000000-000000000000", &f.a),
	       "pseudo-versions order by timestamp");
	EXPECT("", RUN1("forbid-module", "golang.org/x/netx", &f.a), "another module with a common prefix does not match");
	EXPECT("forbid-module=broken", RUN1("forbid-module", "example.com/fork@>=v1.5.0", &f.a),
	       "a replacement module is matched under its own name and version");
	EXPECT("forbid-module=broken", RUN1("forbid-module", "example.com/old@v1.0.0", &f.a),
	       "the replaced module is matched with the version the build asked for");
	EXPECT("", RUN1("forbid-module", "example.com/pinned@<v1.5.0", &f.a),
	       "a replacement by the same path pins the version built in (v1.9.0)");
}

/* Mach-O / PE rules (issue 23): floors compared by number (macOS 10.15 <
 * 11.0 < 12.0 as `sort -V` orders them; Windows names by their NT version,
 * docs/macho-pe.md: xp 5.1 < vista 6.0 < 7 6.1 < 8.1 6.3 < 10 10.0), and no
 * finding on a file of another platform. */
static void test_macho_pe(void)
{
	struct fixture f;
	fixture_init(&f);
	struct goabi_dylib dl[2] = { { .name = "KERNEL32.dll" }, { .name = "WinMM.DLL" } };
	f.a.kind = GOABI_KIND_PE;
	f.a.os.name.value = "windows";
	f.a.os.floor.value = "windows 8.1";
	f.a.os.signature.value = "none";
	f.a.os.dylibs = dl;
	f.a.os.ndylibs = 2;
	EXPECT("max-windows=broken", RUN1("max-windows", "7", &f.a), "max-windows 7: floor 8.1 (NT 6.3) above 7 (6.1)");
	EXPECT("", RUN1("max-windows", "10", &f.a), "max-windows 10: floor 8.1 met (8.1 < 10 by NT version, not as text)");
	EXPECT("", RUN1("max-windows", "8.1", &f.a), "max-windows 8.1: equal floor met");
	EXPECT("", RUN1("max-windows", "nt6.3", &f.a), "max-windows nt6.3 = 8.1: met");
	EXPECT("max-windows=broken", RUN1("max-windows", "vista", &f.a), "max-windows vista: 8.1 above it");
	EXPECT("", RUN1("max-macos", "10.13", &f.a), "max-macos on a PE file: not applicable");
	EXPECT("require-signature=broken", RUN1("require-signature", "true", &f.a), "require-signature: no certificate table");
	EXPECT("forbid-dll=broken", RUN1("forbid-dll", "winmm.dll", &f.a), "forbid-dll: WinMM.DLL matches winmm.dll (Windows names ignore case)");
	EXPECT("", RUN1("forbid-dll", "ws2_32.dll", &f.a), "forbid-dll: a DLL not imported");
	f.a.os.signature.value = "present";
	EXPECT("", RUN1("require-signature", "true", &f.a), "require-signature: certificate table present");
	f.a.os.floor.value = NULL;
	EXPECT("max-windows=unverified", RUN1("max-windows", "10", &f.a), "max-windows: unknown floor is unverified");

	fixture_init(&f);
	f.a.kind = GOABI_KIND_MACHO;
	f.a.os.name.value = "darwin";
	f.a.os.platform = "macos";
	f.a.os.floor.value = "macos 10.15";
	f.a.os.signature.value = "ad-hoc";
	EXPECT("", RUN1("max-macos", "11.0", &f.a), "max-macos 11.0: 10.15 below it (numerically, not as text)");
	EXPECT("max-macos=broken", RUN1("max-macos", "10.9", &f.a), "max-macos 10.9: 10.15 above it");
	EXPECT("", RUN1("max-macos", "10.15", &f.a), "max-macos: equal floor met");
	EXPECT("", RUN1("require-signature", "true", &f.a), "require-signature: ad-hoc signature present");
	EXPECT("", RUN1("max-windows", "7", &f.a), "max-windows on a Mach-O file: not applicable");
	EXPECT("", RUN1("forbid-dll", "libSystem.B.dylib", &f.a), "forbid-dll on a Mach-O file: not applicable");
	f.a.os.platform = "ios";
	EXPECT("", RUN1("max-macos", "10.9", &f.a), "max-macos on an iOS binary: not macOS");

	fixture_init(&f); /* an ELF program */
	f.a.os.floor.value = "linux 3.2";
	EXPECT("", RUN1("max-macos", "10.9", &f.a), "max-macos on ELF: not applicable");
	EXPECT("", RUN1("require-signature", "true", &f.a), "require-signature on ELF: not applicable");
	EXPECT("bad rule max-macos=eleven", RUN1("max-macos", "eleven", &f.a), "max-macos: a non-version is refused");
	EXPECT("bad rule max-windows=95", RUN1("max-windows", "95", &f.a), "max-windows: 95 is not a name goabi uses");
}

int main(void)
{
	test_macho_pe();
	test_max_glibc();
	test_libc_static();
	test_cgo_buildmode();
	test_min_go();
	test_isa();
	test_settings();
	test_forbid_module();
	return UNIT_RESULT();
}
