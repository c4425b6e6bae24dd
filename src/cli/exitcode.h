/* The one place where a command's verdict becomes its exit code, one
 * function per command. The rules are those of README.md ("Exit codes") and
 * docs/goabi.1 (EXIT STATUS); the per-command help texts repeat them. */
#ifndef GOABI_CLI_EXITCODE_H
#define GOABI_CLI_EXITCODE_H

#include <stdbool.h>
#include <stddef.h>

struct policy_result;

/* link: its exit code comes from its goabi_result (goabi_exit_code): 0
 * "links" or "links with hazards"; 1 "links but cannot work" or "fails";
 * 2 nothing could be read; 3 "unknown" (GOABI_VERDICT_UNKNOWN). */
#define EXIT_LINK_UNKNOWN 3


/* audit: 2 an input or the policy could not be read (input_error); else 1
 * some rule is broken; else 0 ("unverified" rules are 0). */
int exit_audit(bool input_error, const struct policy_result *res);

#endif
