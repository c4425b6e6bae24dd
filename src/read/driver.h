/* Running a compiler driver to ask for its own configuration (goabi link:
 * `gcc -### ARGS`, `gcc -print-file-name=X`). Only src/read starts
 * processes, as only it opens files; what it runs never gets an input file
 * to execute: -### and -print-* make the driver print and exit. */
#ifndef GOABI_READ_DRIVER_H
#define GOABI_READ_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

/* Run argv (argv[0] searched in PATH, stdin /dev/null) and capture what it
 * writes to stdout and stderr together, at most max bytes (the rest is
 * read and dropped). The child is killed after timeout_ms. Returns a
 * malloc'd NUL-terminated buffer the caller frees (*len gets the count) and
 * *status the exit status (-1 when killed, not run or not exited), or NULL
 * when it could not be started (*status -1). */
char *rd_run_capture(char *const argv[], unsigned timeout_ms, size_t max, size_t *len, int *status);

#endif
