/* Verdicts to exit codes, one function per command (exitcode.h). */
#include "cli/exitcode.h"
#include "check/policy.h"
#include "cli/cli.h"

int exit_audit(bool input_error, const struct policy_result *res)
{
	if (input_error)
		return EXIT_INPUT;
	return res->nbroken ? EXIT_FINDINGS : EXIT_CLEAN;
}

