/* goabi-example: inspect files with the goabi library and print a few facts
 * in the words of `go version -m` and `readelf -h` (the lines a script
 * would compare).
 *
 * Build against an installed goabi (make install; goabi.pc is installed
 * into PREFIX/lib/pkgconfig):
 *     cc -o goabi-example goabi-example.c $(pkg-config --cflags --libs goabi)
 * Run:
 *     ./goabi-example /usr/bin/some-go-program
 *
 * Ownership (include/goabi/goabi.h): everything reachable from the artifact
 * lives in its arena and goes with goabi_artifact_free(). */
#include <stdio.h>
#include <goabi/goabi.h>

static const char *val(const struct goabi_fact *f)
{
	return f->value ? f->value : "unknown";
}

static void print_module(const char *tag, const struct goabi_module *m)
{
	printf("\t%s\t%s\t%s", tag, m->path, m->version ? m->version : "");
	if (m->sum)
		printf("\t%s", m->sum);
	putchar('\n');
	if (m->repl_path) {
		printf("\t=>\t%s\t%s", m->repl_path, m->repl_version ? m->repl_version : "");
		if (m->repl_sum)
			printf("\t%s", m->repl_sum);
		putchar('\n');
	}
}

static int show(const char *path)
{
	struct goabi_artifact *a = NULL;
	struct goabi_opts opts = { .no_dwarf = true }; /* zero = defaults; no prototypes needed here */
	int err = goabi_inspect_path(path, &opts, &a);
	if (!a) {
		fprintf(stderr, "goabi-example: '%s': %s\n", path, goabi_strerror(err));
		return 2;
	}
	int rc = 0;
	if (goabi_artifact_has_errors(a)) {
		const struct goabi_artifact *w = goabi_artifact_first_error(a);
		fprintf(stderr, "goabi-example: '%s': %s\n", path, w && w->ndiags ? w->diags[0].message : "not fully read");
		rc = 2;
	}
	/* ELF identity: readelf -h's Class and Machine */
	printf("machine: %s (e_machine %u, ELF%d)\n", a->id.machine_name ? a->id.machine_name : "unknown",
	       a->id.machine, a->id.elfclass);
	printf("libc: %s, %s, needs %s\n", val(&a->libc.family), val(&a->libc.linkage), val(&a->libc.glibc_floor));
	if (goabi_go_is_go(&a->go)) {
		/* the build info as `go version -m` prints it */
		printf("%s: %s\n", path, val(&a->go.version));
		if (a->go.main_path)
			printf("\tpath\t%s\n", a->go.main_path);
		if (a->go.main.path)
			print_module("mod", &a->go.main);
		for (size_t i = 0; i < a->go.ndeps; i++)
			print_module("dep", &a->go.deps[i]);
		for (size_t i = 0; i < a->go.nsettings; i++)
			printf("\tbuild\t%s=%s\n", a->go.settings[i].key, a->go.settings[i].value);
		printf("cgo: %s [%s: %s]\n", val(&a->go.cgo), goabi_conf_name(a->go.cgo.conf),
		       a->go.cgo.evidence ? a->go.cgo.evidence : "");
	} else {
		printf("%s: not Go (toolchain %s)\n", path, val(&a->go.toolchain));
	}
	goabi_artifact_free(a);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: goabi-example FILE...\n");
		return 2;
	}
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		int r = show(argv[i]);
		if (r > rc)
			rc = r;
	}
	return rc;
}
