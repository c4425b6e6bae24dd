/* Minimal unit-test harness: prints "ok - ..." / "not ok - ..." lines that
 * tests/run.sh counts; main returns non-zero when any check failed. */
#ifndef GOABI_UNIT_H
#define GOABI_UNIT_H
#include <stdio.h>
#include <string.h>

static int unit_failed;
#define CHECK(cond, ...) do { \
	if (cond) { printf("ok - "); printf(__VA_ARGS__); printf("\n"); } \
	else { unit_failed = 1; printf("not ok - "); printf(__VA_ARGS__); \
	       printf(" (%s:%d: %s)\n", __FILE__, __LINE__, #cond); } \
} while (0)
#define UNIT_RESULT() (unit_failed ? 1 : 0)
#endif
