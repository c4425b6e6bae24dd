/* The one place where a command's verdict becomes its exit code, one
 * function per command. The rules are those of README.md ("Exit codes") and
 * docs/goabi.1 (EXIT STATUS); the per-command help texts repeat them. */
#ifndef GOABI_CLI_EXITCODE_H
#define GOABI_CLI_EXITCODE_H

#include <stdbool.h>
#include <stddef.h>

struct policy_result;
struct plg_result;
struct diff_set;

/* link: its exit code comes from its goabi_result (goabi_exit_code): 0
 * "links" or "links with hazards"; 1 "links but cannot work" or "fails";
 * 2 nothing could be read; 3 "unknown" (GOABI_VERDICT_UNKNOWN). */
#define EXIT_LINK_UNKNOWN 3


/* diff: a bitmask (DIFF_EXIT_*): errbits (input 1, usage 2) | 4 a change
 * | 8 a breaking change | 16 a possibly breaking change. */
unsigned exit_diff(unsigned errbits, const struct diff_set *s);

/* audit: 2 an input or the policy could not be read (input_error); else 1
 * some rule is broken; else 0 ("unverified" rules are 0). */
int exit_audit(bool input_error, const struct policy_result *res);

/* plugin: 2 an input cannot be used (nothing predicted); else 1 some plugin
 * does not load (or aborts the process); else 0. */
int exit_plugin(const struct plg_result *r);

#endif
