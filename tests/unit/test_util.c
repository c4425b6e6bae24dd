/* Unit tests of the util layer against independently known values:
 * Go's encoding/binary uvarint examples, Unicode's UTF-8 rules, byte order. */
#include <stdlib.h>
#include "unit.h"
#include "util/util.h"

static void test_uvarint(void)
{
	/* encoding/binary: 300 = 0xac 0x02; 1<<63 needs 10 bytes ending 0x01 */
	const uint8_t a[] = { 0xac, 0x02 };
	struct cur c = cur_make(a, sizeof(a), false, 8);
	uint64_t v = 0;
	CHECK(cur_uvarint(&c, &v) && v == 300 && cur_left(&c) == 0, "uvarint 0xac02 = 300");
	const uint8_t big[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 };
	c = cur_make(big, sizeof(big), false, 8);
	CHECK(cur_uvarint(&c, &v) && v == (uint64_t)1 << 63, "uvarint 10-byte 1<<63");
	const uint8_t over[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02 };
	c = cur_make(over, sizeof(over), false, 8);
	CHECK(!cur_uvarint(&c, &v), "uvarint overflowing 64 bits is rejected");
	const uint8_t trunc[] = { 0x80, 0x80 };
	c = cur_make(trunc, sizeof(trunc), false, 8);
	CHECK(!cur_uvarint(&c, &v), "truncated uvarint is rejected");
}

static void test_cursor_bounds(void)
{
	const uint8_t b[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct cur c = cur_make(b, sizeof(b), true, 4);
	uint32_t x;
	uint64_t p;
	CHECK(cur_u32(&c, &x) && x == 0x01020304, "big-endian u32");
	CHECK(cur_ptr(&c, &p) && p == 0x05060708, "4-byte pointer");
	CHECK(!cur_u32(&c, &x), "read past the end fails");
	CHECK(!cur_seek(&c, 9) && cur_seek(&c, 8), "seek bounds");
	const uint8_t *bp;
	c = cur_make(b, sizeof(b), false, 8);
	CHECK(!cur_bytes(&c, UINT64_MAX, &bp), "huge length rejected without overflow");
	CHECK(cur_u64(&c, &p) && p == 0x0807060504030201ull, "little-endian u64");
	CHECK(range_ok(8, 0, 8) && !range_ok(9, 0, 8) && !range_ok(4, UINT64_MAX, 8), "range_ok edges");
}

static void test_utf8(void)
{
	struct goabi_arena *ar = arena_new();
	const char ok[] = "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80";
	CHECK(strcmp(utf8_sanitize(ar, ok, strlen(ok)), ok) == 0, "valid UTF-8 unchanged");
	const char bad[] = "a\xff" "b\xc0\xaf" "c\xed\xa0\x80";
	const char *s = utf8_sanitize(ar, bad, strlen(bad));
	/* 0xff, overlong C0 AF (two bytes), and a UTF-16 surrogate (three bytes) */
	CHECK(strcmp(s, "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd") == 0,
	      "invalid bytes replaced by U+FFFD, one per byte");
	arena_free(ar);
}

static void test_version_cmp(void)
{
	CHECK(version_cmp("GLIBC_2.34", "GLIBC_2.4") > 0, "GLIBC_2.34 > GLIBC_2.4");
	CHECK(version_cmp("GLIBC_2.2.5", "GLIBC_2.3") < 0, "GLIBC_2.2.5 < GLIBC_2.3");
	CHECK(version_cmp("GLIBCXX_3.4.30", "GLIBCXX_3.4.30") == 0, "equal versions");
}

static void test_find_bytes(void)
{
	const uint8_t h[] = "xxabxxxxab";
	CHECK(find_bytes(h, 10, "ab", 2, 1) == 2, "find first");
	CHECK(find_bytes(h, 10, "ab", 2, 4) == 8, "find aligned");
	CHECK(find_bytes(h, 10, "zz", 2, 1) == -1, "not found");
	/* aligned search: the last aligned start that fits, one that does not
	 * fit, a match only at a misaligned offset, needles longer than the
	 * alignment, and a match that would run past the end */
	CHECK(find_bytes(h, 10, "ab", 2, 8) == 8, "aligned: last start that fits");
	CHECK(find_bytes(h, 9, "ab", 2, 8) == -1, "aligned: match cut off by the end");
	CHECK(find_bytes(h, 10, "ab", 2, 3) == -1, "aligned: matches only at 2 and 8, none a multiple of 3");
	CHECK(find_bytes(h, 10, "xxxxab", 6, 4) == 4, "aligned: needle longer than the step");
	CHECK(find_bytes(h, 10, "abxxxxab", 8, 2) == 2, "aligned: needle ends at the last byte");
	CHECK(find_bytes(h, 10, "abxxxxabx", 9, 2) == -1, "aligned: needle would run past the end");
	CHECK(find_bytes(h, 1, "ab", 2, 16) == -1, "aligned: haystack shorter than the needle");
	for (size_t len = 0; len <= 10; len++)
		for (size_t al = 1; al <= 11; al++) {
			int64_t want = -1;
			for (size_t o = 0; o + 2 <= len; o += al)
				if (h[o] == 'a' && h[o + 1] == 'b') {
					want = (int64_t)o;
					break;
				}
			CHECK(find_bytes(h, len, "ab", 2, al) == want, "aligned: agrees with a byte-by-byte search");
		}
}

static void test_arena(void)
{
	struct goabi_arena *ar = arena_new();
	CHECK(arena_alloc(ar, SIZE_MAX) == NULL, "absurd allocation refused");
	struct goabi_strv sv = { 0 };
	for (int i = 0; i < 1000; i++)
		strv_push(ar, &sv, arena_printf(ar, "s%d", i));
	CHECK(sv.n == 1000 && strcmp(sv.v[999], "s999") == 0, "string list grows");
	/* strv_push_unique past its linear start (32) onto the hash index:
	 * names of every length 0..40 around the 8-byte steps of the hash,
	 * each pushed three times (in two rounds), kept once and in order */
	struct goabi_strv u = { 0 };
	char name[64];
	size_t want = 0;
	bool order = true;
	for (int round = 0; round < 2; round++)
		for (int len = 0; len <= 40; len++)
			for (int k = 0; k < 60; k++) {
				int w = snprintf(name, sizeof(name), "%d.%d", k, len);
				while (w < len)
					name[w++] = 'x';
				name[w] = 0;
				size_t before = u.n;
				strv_push_unique(ar, &u, name);
				strv_push_unique(ar, &u, name);
				if (round == 0 && u.n != before + 1)
					order = false;
				if (round == 1 && u.n != before)
					order = false;
				want += round == 0;
			}
	CHECK(order && u.n == want, "unique list: each name once, duplicates refused before and after the index");
	bool found = true;
	for (size_t i = 0; i < u.n; i++)
		for (size_t j = i + 1; j < u.n && found; j++)
			if (strcmp(u.v[i], u.v[j]) == 0)
				found = false;
	CHECK(found, "unique list: no two entries equal (checked pairwise)");
	arena_free(ar);
}

/* goabi_isa_rank: levels order within a family; families are told apart */
static void test_isa_rank(void)
{
	size_t fa = 0, fb = 0;
	CHECK(goabi_isa_rank("x86-64-v1", NULL) == 1 && goabi_isa_rank("x86-64-v4", NULL) == 4, "x86-64-vN -> N");
	CHECK(goabi_isa_rank("riscv64-rva20u64", &fa) < goabi_isa_rank("riscv64-rva22u64", &fb) && fa == 7 && fb == 7,
	      "rva20u64 < rva22u64, family riscv64");
	CHECK(goabi_isa_rank("ppc64-power8", NULL) < goabi_isa_rank("ppc64-power10", NULL), "power8 < power10 (numerically)");
	CHECK(goabi_isa_rank("arm64-v8.9", NULL) < goabi_isa_rank("arm64-v9.0,lse", NULL) &&
	      goabi_isa_rank("arm64-v8.0", NULL) < goabi_isa_rank("arm64-v8.1", NULL), "arm64-vX.Y by version, options ignored");
	CHECK(goabi_isa_rank("armv6,softfloat", NULL) < goabi_isa_rank("armv7", NULL), "armv6 < armv7");
	CHECK(goabi_isa_rank("mips-softfloat", &fa) == 0 && goabi_isa_rank("mips64-hardfloat", &fb) == 1 && fa == 4 && fb == 6,
	      "mips softfloat 0, mips64 hardfloat 1, different families");
	CHECK(goabi_isa_rank("386-softfloat", NULL) == 0 && goabi_isa_rank("386-sse2", NULL) == 1, "386 softfloat < sse2");
	CHECK(goabi_isa_rank(NULL, NULL) < 0 && goabi_isa_rank("x86-64-vX", NULL) < 0 && goabi_isa_rank("riscv64-", NULL) < 0 &&
	      goabi_isa_rank("mips-other", NULL) < 0 && goabi_isa_rank("sparc-v9", NULL) < 0, "not a level: -1");
}

int main(void)
{
	test_isa_rank();
	test_uvarint();
	test_cursor_bounds();
	test_utf8();
	test_version_cmp();
	test_find_bytes();
	test_arena();
	return UNIT_RESULT();
}
