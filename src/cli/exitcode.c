/* Verdicts to exit codes, one function per command (exitcode.h). */
#include "cli/exitcode.h"
#include "check/diff.h"
#include "check/plugin.h"
#include "check/policy.h"
#include "cli/cli.h"

unsigned exit_diff(unsigned errbits, const struct diff_set *s)
{
	return errbits | diff_exit_bits(s);
}

int exit_audit(bool input_error, const struct policy_result *res)
{
	if (input_error)
		return EXIT_INPUT;
	return res->nbroken ? EXIT_FINDINGS : EXIT_CLEAN;
}

int exit_plugin(const struct plg_result *r)
{
	if (r->usage_error)
		return EXIT_INPUT;
	for (size_t i = 0; i < r->nplugins; i++)
		if (r->verdicts[i].rule && r->verdicts[i].outcome != PLG_LOADS)
			return EXIT_FINDINGS;
	return EXIT_CLEAN;
}
