/* Test harness for tests/cli/t-isa-decoder.sh: walks a code range with
 * goabi's x86 length decoder (isa_x86_decode) and with capstone side by
 * side, and prints "INSNS MISMATCHES CANDIDATES". Where capstone decodes,
 * both must agree on the length; where capstone fails, one byte is skipped
 * by both. MISSED counts instructions capstone puts in an extension group
 * (or knows as POPCNT, LZCNT, MOVBE, CMPXCHG16B, LAHF/SAHF, XGETBV) that
 * the decoder did not flag as candidates.
 * usage: declen FILE OFFSET SIZE ADDR 64|32 -> "INSNS MISMATCHES CANDIDATES MISSED" */
#include <capstone/capstone.h>
#include <stdio.h>
#include <stdlib.h>
#include "facts/isa_scan.h"

static bool extension(const cs_insn *in, bool m64)
{
	switch (in->id) {
	case X86_INS_POPCNT: case X86_INS_LZCNT: case X86_INS_MOVBE: case X86_INS_CMPXCHG16B:
	case X86_INS_XGETBV: case X86_INS_TZCNT: case X86_INS_CRC32:
		return true;
	case X86_INS_LAHF: case X86_INS_SAHF:
		return m64;
	case X86_INS_PAUSE: /* F3 90: capstone says SSE2, older CPUs run it as NOP */
		return false;
	default:
		break;
	}
	for (unsigned i = 0; i < in->detail->groups_count; i++)
		switch (in->detail->groups[i]) {
		case X86_GRP_AVX: case X86_GRP_AVX2: case X86_GRP_AVX512: case X86_GRP_BMI: case X86_GRP_BMI2:
		case X86_GRP_F16C: case X86_GRP_FMA: case X86_GRP_SSE3: case X86_GRP_SSSE3: case X86_GRP_SSE41:
		case X86_GRP_SSE42: case X86_GRP_CDI: case X86_GRP_DQI: case X86_GRP_BWI: case X86_GRP_VLX:
			return true;
		case X86_GRP_SSE1: case X86_GRP_SSE2:
			if (!m64)
				return true;
			break;
		default:
			break;
		}
	return false;
}

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
	csh h;
	if (cs_open(CS_ARCH_X86, m64 ? CS_MODE_64 : CS_MODE_32, &h) != CS_ERR_OK)
		return 2;
	cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
	cs_insn *in = cs_malloc(h);
	long missed = 0;
	const uint8_t *p = b;
	size_t left = (size_t)n;
	uint64_t a = addr;
	long count = 0, bad = 0, cand = 0;
	while (left) {
		struct x86_dec d;
		size_t l = isa_x86_decode(p, left, m64, &d);
		const uint8_t *q = p;
		size_t s2 = left;
		uint64_t a2 = a;
		if (cs_disasm_iter(h, &q, &s2, &a2, in)) {
			count++;
			cand += d.cand;
			if (!d.cand && extension(in, m64) && missed++ < 5)
				fprintf(stderr, "%#llx: %s %s: extension not flagged\n", (unsigned long long)a, in->mnemonic,
					in->op_str);
			if (l != in->size && bad++ < 5)
				fprintf(stderr, "%#llx: %s %s: capstone %u bytes, goabi %zu\n", (unsigned long long)a,
					in->mnemonic, in->op_str, in->size, l);
			p = q;
			left = s2;
			a = a2;
		} else {
			p++;
			left--;
			a++;
		}
	}
	printf("%ld %ld %ld %ld\n", count, bad, cand, missed);
	return 0;
}
