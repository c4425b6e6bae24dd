/* The pclntab name walk without SSE2: the eight-bytes-of-C path that other
 * machines build, checked here too. */
#undef __SSE2__
#include "facts/pclntab.c"
#include "nametab_check.h"

int main(void)
{
	check_walk("plain C (8-byte blocks)");
	return UNIT_RESULT();
}
