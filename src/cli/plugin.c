/* goabi plugin: options, the prediction, text or JSON output, exit code. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "check/plugin.h"
#include "cli/cli.h"
#include "cli/exitcode.h"
#include "goabi/goabi.h"
#include "report/plugin_report.h"
#include "report/report.h"

static void help(FILE *out)
{
	fprintf(out,
		"usage: goabi plugin [options] HOST PLUGIN...\n"
		"  predicts, in load order, whether the Go program HOST's plugin.Open succeeds for each\n"
		"  PLUGIN and the exact error it returns, without loading anything (docs/plugin.md)\n"
		"  --json        JSON output (docs/json-schema.md)\n"
		"  --root DIR    resolve the plugins' libraries under DIR (default /)\n"
		"  -v            all evidence for every plugin\n"
		"  -q            print nothing, only set the exit code\n"
		"exit: 0 every plugin loads, 1 some plugin fails to load (or aborts the process),\n"
		"      2 usage error or unreadable input\n");
}

int cmd_plugin(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "root", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, verbose = false, quiet = false;
	const char *root = "/";
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+vqh", lo, NULL)) != -1) {
		switch (c) {
		case 'J': json = true; break;
		case 'R': root = optarg; break;
		case 'v': verbose = true; break;
		case 'q': quiet = true; break;
		case 'h': help(stdout); return EXIT_CLEAN;
		default: help(stderr); return EXIT_INPUT;
		}
	}
	if (argc - optind < 2) {
		fprintf(stderr, "goabi plugin: need a HOST and at least one PLUGIN\n");
		help(stderr);
		return EXIT_INPUT;
	}
	if ((size_t)(argc - optind - 1) > PLG_MAX_PLUGINS) {
		fprintf(stderr, "goabi plugin: more than %u plugins\n", PLG_MAX_PLUGINS);
		return EXIT_INPUT;
	}
	struct plg_opts o = { .root = root };
	struct plg_result r;
	int err = plg_check(&r, argv[optind], argv + optind + 1, (size_t)(argc - optind - 1), &o);
	if (err) {
		fprintf(stderr, "goabi plugin: %s\n", goabi_strerror(err));
		plg_result_free(&r);
		return EXIT_INPUT;
	}
	int rc = exit_plugin(&r);
	bool predicted = r.nplugins && r.verdicts[0].rule;
	if (r.usage_error) {
		if (!json) {
			fputs("goabi plugin: ", stderr);
			report_put(stderr, r.usage_error);
			fputc('\n', stderr);
		}
	}
	if (json) {
		json_t *j = plugin_report_json(&r, root);
		json_object_set_new(j, "errors", json_array());
		if (r.usage_error) {
			json_t *e = json_object();
			json_object_set_new(e, "message", json_str(r.usage_error));
			json_array_append_new(json_object_get(j, "errors"), e);
		}
		json_object_set_new(j, "exit", json_integer(rc));
		if (!quiet) {
			json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			fputc('\n', stdout);
		}
		json_decref(j);
	} else if (!quiet && predicted) {
		plugin_report_text(stdout, &r, verbose);
	}
	plg_result_free(&r);
	return rc;
}
