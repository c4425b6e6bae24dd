/* Unit test for the extractor table (src/facts/extractors.c): the order
 * respects what each extractor reads and writes. Every part an extractor
 * reads must be written by an earlier extractor (else it reads an empty
 * model) and by no later one (else it reads a value that is still to
 * change); every part is written by one extractor only. The table's
 * reads and writes are the contract; this checks the order against it. */
#include "facts/facts.h"
#include "unit.h"

int main(void)
{
	size_t n = 0;
	const struct facts_extractor *x = facts_extractors(&n);
	CHECK(n >= 7, "the table lists the extractors (%zu)", n);
	unsigned written = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned later = 0;
		for (size_t j = i + 1; j < n; j++)
			later |= x[j].writes;
		CHECK((x[i].reads & ~written) == 0, "%s reads only parts earlier extractors wrote (missing %#x)", x[i].name,
		      x[i].reads & ~written);
		CHECK((x[i].reads & later) == 0, "%s reads no part a later extractor writes (%#x)", x[i].name,
		      x[i].reads & later);
		CHECK((x[i].writes & written) == 0, "%s writes no part an earlier extractor wrote (%#x)", x[i].name,
		      x[i].writes & written);
		CHECK((x[i].reads & x[i].writes) == 0, "%s does not read what it writes", x[i].name);
		written |= x[i].writes;
	}
	/* the dependencies the code has (go.c reads DT_NEEDED and PT_INTERP;
	 * the libc family reads go.toolchain and the cgo evidence; the NSS
	 * facts read the family), by name */
	unsigned pos_libc = n, pos_go = n, pos_fam = n, pos_nss = n;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(x[i].name, "libc") == 0) pos_libc = i;
		if (strcmp(x[i].name, "go") == 0) pos_go = i;
		if (strcmp(x[i].name, "libc_family") == 0) pos_fam = i;
		if (strcmp(x[i].name, "nss") == 0) pos_nss = i;
	}
	CHECK(pos_libc < pos_go && pos_go < pos_fam && pos_fam < pos_nss,
	      "libc before go before libc_family before nss (%u %u %u %u)", pos_libc, pos_go, pos_fam, pos_nss);
	return UNIT_RESULT();
}
