/* The searches of --brief and -r without SSE2: the plain C paths other
 * machines build, checked here too. */
#undef __SSE2__
#include "facts/pclntab.c"
#include "util/cursor.c"
#include "brief_check.h"

int main(void)
{
	check_prefixed("plain C");
	check_find("plain C");
	check_utf8();
	return UNIT_RESULT();
}
