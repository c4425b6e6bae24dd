/* The pclntab name walk as built for this machine (SSE2 on x86). */
#include "facts/pclntab.c"
#include "nametab_check.h"

int main(void)
{
#ifdef __SSE2__
	check_walk("SSE2 (32-byte blocks)");
#else
	check_walk("plain C (8-byte blocks)");
#endif
	return UNIT_RESULT();
}
