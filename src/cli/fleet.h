/* goabi image over many images, and goabi fleet merge (docs/fleet.md). */
#ifndef GOABI_CLI_FLEET_H
#define GOABI_CLI_FLEET_H

#include <stdbool.h>
#include <stddef.h>

struct goabi_image_opts;
struct fleet_opts {
	const char *const *lists; /* --from-list FILE ("-": stdin) */
	size_t nlists;
	unsigned shard, nshards;  /* this shard (0-based) of nshards */
	const char *resume;       /* --resume FILE: skip the images it holds, append to it */
};
/* "I/N", I from 1: *idx = I-1 */
bool fleet_parse_shard(const char *s, unsigned *idx, unsigned *n);
/* Check every image of inputs and the lists; one line per image (JSON
 * Lines with --json); returns the exit code. */
int fleet_image(const struct fleet_opts *fo, const struct goabi_image_opts *io, char **inputs, size_t ninputs);
int cmd_fleet(int argc, char **argv);

#endif
