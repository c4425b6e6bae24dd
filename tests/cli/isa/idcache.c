/* Test harness for tests/cli/t-isa-decoder.sh: walks a code range twice
 * with the scan's x86 decoder (isa_x86.c): once as the scan does (capstone
 * detail only for ids that may be extensions, learnt per id), once with
 * detail on every instruction (x86_dis.exact), and compares the extension
 * masks instruction by instruction.
 * usage: idcache FILE OFFSET SIZE ADDR 64|32
 * Both walks compare every field of struct x86_ins, so the fast path
 * (isa_x86fast.c, off in exact mode) is checked against capstone too.
 *   -> "INSNS DETAILED MISMATCHES EXTINSNS FASTPATH" */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "facts/isa_scan.h"

int main(int argc, char **argv)
{
	if (argc != 6)
		return 2;
	FILE *f = fopen(argv[1], "rb");
	long off = strtol(argv[2], NULL, 0), n = strtol(argv[3], NULL, 0);
	unsigned long long addr = strtoull(argv[4], NULL, 0);
	bool m64 = atoi(argv[5]) == 64;
	unsigned char *b = malloc((size_t)n);
	if (!f || !b || fseek(f, off, SEEK_SET) != 0 || fread(b, 1, (size_t)n, f) != (size_t)n)
		return 2;
	struct x86_dis fast, exact;
	if (!x86_dis_open(&fast, m64) || !x86_dis_open(&exact, m64))
		return 2;
	exact.exact = true;
	const char *show = getenv("IDCACHE_SHOW");
	uint64_t showmask = show ? strtoull(show, NULL, 0) : 0;
	long bad = 0, ext = 0;
	size_t at = 0;
	while (at < (size_t)n) {
		struct x86_ins x, y;
		bool ok1 = x86_next(&fast, b + at, (size_t)n - at, addr + at, &x);
		bool ok2 = x86_next(&exact, b + at, (size_t)n - at, addr + at, &y);
		if (ok1 != ok2 || (ok1 && memcmp(&x, &y, sizeof(x)) != 0)) {
			if (bad++ < 5)
				fprintf(stderr,
					"%#llx: %s %s: id %u/%u len %u/%u ext %#llx/%#llx target %#llx/%#llx imm %#llx/%#llx "
					"memsize %u/%u mem %d/%d rip %d/%d memdst %d/%d direct %d/%d has_imm %d/%d\n",
					addr + at, ok2 ? exact.in->mnemonic : "?", ok2 ? exact.in->op_str : "", x.id, y.id,
					x.len, y.len, (unsigned long long)x.ext, (unsigned long long)y.ext,
					(unsigned long long)x.target, (unsigned long long)y.target,
					(unsigned long long)x.imm, (unsigned long long)y.imm, x.memsize, y.memsize, x.mem,
					y.mem, x.rip, y.rip, x.memdst, y.memdst, x.direct, y.direct, x.has_imm, y.has_imm);
		}
		if (!ok1) {
			at++;
			continue;
		}
		ext += y.ext != 0;
		if (y.ext & showmask)
			fprintf(stderr, "%#llx: id %u %s %s\n", addr + at, y.id, exact.ind->mnemonic, exact.ind->op_str);
		at += x.len;
	}
	printf("%llu %llu %ld %ld %llu\n", (unsigned long long)fast.insns, (unsigned long long)fast.detailed, bad, ext,
	       (unsigned long long)fast.fast);
	x86_dis_close(&fast);
	x86_dis_close(&exact);
	return 0;
}
