/* Verdicts to exit codes, one function per command (exitcode.h). */
#include "cli/exitcode.h"
#include "check/diff.h"
#include "check/link.h"
#include "check/plugin.h"
#include "check/policy.h"
#include "cli/cli.h"

int exit_link(const struct lk_result *r)
{
	if (r->cmd.no_link)
		return EXIT_INPUT; /* gcc -c: there is no link to predict */
	switch (r->verdict) {
	case LK_FAILS:
	case LK_LINKS_BROKEN:
		return EXIT_FINDINGS;
	case LK_UNKNOWN_VERDICT:
		return EXIT_LINK_UNKNOWN;
	case LK_LINKS:
	case LK_LINKS_WITH_HAZARDS:
		break;
	}
	/* the command line was unusable and no input was read: no verdict */
	return r->cmd.errors.n && !r->ninputs ? EXIT_INPUT : EXIT_CLEAN;
}

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
