/* goabi: command table and dispatcher. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
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
	{ "plugin", cmd_plugin, "predict what Go's plugin.Open returns for each plugin a host opens, in load order" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: goabi <command> [options] FILE...\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].help);
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
	if (argc < 2) {
		usage(stderr);
		return EXIT_INPUT;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_CLEAN;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("goabi %s (JSON schema %d)\n", GOABI_VERSION, GOABI_JSON_SCHEMA);
		return EXIT_CLEAN;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "goabi: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_INPUT;
}
