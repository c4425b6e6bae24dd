/* The searches of --brief and -r as built for this machine (SSE2 on x86). */
#include "facts/pclntab.c"
#include "util/cursor.c"
#include "brief_check.h"

int main(void)
{
#ifdef __SSE2__
	const char *v = "SSE2";
#else
	const char *v = "plain C";
#endif
	check_prefixed(v);
	check_find(v);
	check_utf8();
	return UNIT_RESULT();
}
