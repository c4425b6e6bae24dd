/* goabi: command table and dispatcher. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/fleet.h"
#include "goabi/goabi.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "inspect", cmd_inspect, "report Go toolchain, symbol scheme, cgo, libc and C ABI facts of ELF files and archives" },
	{ "diff", cmd_diff, "what changed between two releases of an artifact that can break its users (exit: bitmask)" },
	{ "audit", cmd_audit, "does a release meet a policy (max glibc, static, cgo, minimum Go, ISA level, trimpath, modules)" },
	{ "link", cmd_link, "predict whether objects, archives and libraries will link, and explain every failure" },
	{ "image", cmd_image, "check that every binary in a container image or root filesystem will start" },
	{ "fleet", cmd_fleet, "merge the JSON lines of goabi image over many images (shards) into one report" },
	{ "plugin", cmd_plugin, "predict what Go's plugin.Open returns for each plugin a host opens, in load order" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: goabi [--json | --format F] [-q] [-v] [--color[=WHEN]] <command> [options] FILE...\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\nshared options (before or after the command):\n"
		     "  --json, --format F   text, json (schema %d: docs/json-schema.md), sarif (SARIF 2.1.0),\n"
		     "                       cyclonedx (inspect, audit, image)\n"
		     "  -q                   print nothing, only set the exit code\n"
		     "  -v                   verbose: evidence and details\n"
		     "  --color[=WHEN]       colour text output: auto (stdout is a terminal), always, never\n",
		GOABI_JSON_SCHEMA);
	fprintf(out, "\nrun 'goabi <command> --help' for a command's options; 'man goabi' for everything\n");
}

/* Every input gets an arena, freed when its report is out; by default glibc
 * gives the freed memory back (heap trim above 128 KiB, blocks from 128 KiB
 * up mapped and unmapped each time), so each file of a -r walk or an image
 * faults its memory in again: 30% of inspect -r's page faults. Keep it:
 * the peak stays the largest single input's. */
static void keep_freed_memory(void)
{
#if defined(M_TRIM_THRESHOLD) && defined(M_MMAP_THRESHOLD)
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
}

int main(int argc, char **argv)
{
	keep_freed_memory();
	/* the shared options before the command name, as bpftool does:
	 * goabi --json link ..., goabi --format sarif -q image ... */
	int i = 1;
	while (i < argc && argv[i][0] == '-' && strcmp(argv[i], "--help") != 0 && strcmp(argv[i], "-h") != 0 &&
	       strcmp(argv[i], "--version") != 0) {
		if (!cli_global_opt(NULL, argc, argv, &i)) {
			fprintf(stderr, "goabi: '%s' is not a shared option (those before the command: --json, --format F, -q, -v, --color[=WHEN])\n",
				argv[i]);
			usage(stderr);
			return EXIT_INPUT;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_INPUT;
	}
	const char *name = argv[i];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
		usage(stdout);
		return EXIT_CLEAN;
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		printf("goabi %s (JSON schema %d)\n", GOABI_VERSION, GOABI_JSON_SCHEMA);
		return EXIT_CLEAN;
	}
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (strcmp(name, commands[k].name) == 0)
			return commands[k].fn(argc - i, argv + i);
	fprintf(stderr, "goabi: unknown command '%s'\n", name);
	usage(stderr);
	return EXIT_INPUT;
}
