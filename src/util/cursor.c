/* Bounds-checked reads of untrusted bytes. Every function compares against
 * what is left (n > len - pos), never computes pos + n first. */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "util/util.h"

bool cur_seek(struct cur *c, uint64_t off)
{
	if (off > c->len)
		return false;
	c->pos = (size_t)off;
	return true;
}

bool cur_skip(struct cur *c, uint64_t n)
{
	if (n > cur_left(c))
		return false;
	c->pos += (size_t)n;
	return true;
}

bool cur_bytes(struct cur *c, uint64_t n, const uint8_t **out)
{
	if (n > cur_left(c))
		return false;
	*out = c->p + c->pos;
	c->pos += (size_t)n;
	return true;
}

bool cur_u8(struct cur *c, uint8_t *v)
{
	if (cur_left(c) < 1)
		return false;
	*v = c->p[c->pos++];
	return true;
}

bool cur_u16(struct cur *c, uint16_t *v)
{
	if (cur_left(c) < 2)
		return false;
	const uint8_t *p = c->p + c->pos;
	*v = c->be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
	c->pos += 2;
	return true;
}

bool cur_u32(struct cur *c, uint32_t *v)
{
	if (cur_left(c) < 4)
		return false;
	*v = rd32(c->p + c->pos, c->be);
	c->pos += 4;
	return true;
}

bool cur_u64(struct cur *c, uint64_t *v)
{
	if (cur_left(c) < 8)
		return false;
	*v = rd64(c->p + c->pos, c->be);
	c->pos += 8;
	return true;
}

bool cur_ptr(struct cur *c, uint64_t *v)
{
	if (c->ptrsize == 8)
		return cur_u64(c, v);
	uint32_t x;
	if (!cur_u32(c, &x))
		return false;
	*v = x;
	return true;
}

/* Go's encoding/binary uvarint: at most 10 bytes. */
bool cur_uvarint(struct cur *c, uint64_t *v)
{
	uint64_t x = 0;
	unsigned shift = 0;
	for (int i = 0; i < 10; i++) {
		uint8_t b;
		if (!cur_u8(c, &b))
			return false;
		if (b < 0x80) {
			if (i == 9 && b > 1)
				return false;
			*v = x | (uint64_t)b << shift;
			return true;
		}
		x |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	}
	return false;
}

int64_t find_bytes(const uint8_t *hay, size_t hlen, const void *needle, size_t nlen,
		   size_t align)
{
	if (nlen == 0 || hlen < nlen)
		return -1;
	if (align <= 1) {
		size_t at = 0;
#ifdef __SSE2__
		/* the needle's first and last bytes at 16 positions at once, the
		 * rare pair checked whole: glibc's memmem was most of the cost of
		 * the "go1." search over a stripped program's read-only data */
		if (nlen >= 2) {
			const uint8_t *nd = needle;
			const __m128i first = _mm_set1_epi8((char)nd[0]), last = _mm_set1_epi8((char)nd[nlen - 1]);
			for (; hlen - at >= 15 + nlen; at += 16) {
				__m128i f = _mm_loadu_si128((const __m128i *)(const void *)(hay + at));
				__m128i l = _mm_loadu_si128((const __m128i *)(const void *)(hay + at + nlen - 1));
				uint32_t m = (uint32_t)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(f, first),
										_mm_cmpeq_epi8(l, last)));
				for (; m; m &= m - 1) {
					size_t pos = at + (size_t)__builtin_ctz(m);
					if (memcmp(hay + pos + 1, nd + 1, nlen - 2) == 0)
						return (int64_t)pos;
				}
			}
		}
#endif
		const uint8_t *r = memmem(hay + at, hlen - at, needle, nlen);
		return r ? (int64_t)(r - hay) : -1;
	}
	/* only aligned positions can match: test those (hlen/align steps)
	 * rather than every byte (memmem, then the misaligned hits again) */
	const uint8_t *nd = needle;
	size_t off = 0;
#ifdef __SSE2__
	/* 4-, 8- and 16-byte alignment (the pclntab magic, pointers, the build
	 * info header): the needle's first four bytes against the four words of
	 * 16 bytes at once; the rare hit is checked whole */
	if (nlen >= 4 && (align == 4 || align == 8 || align == 16)) {
		uint32_t w;
		memcpy(&w, nd, 4);
		const __m128i key = _mm_set1_epi32((int)w);
		const uint32_t keep = align == 4 ? 0x1111u : align == 8 ? 0x0101u : 0x0001u;
		for (; hlen - off >= 16; off += 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(hay + off));
			uint32_t m = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi32(v, key)) & keep;
			for (; m; m &= m - 1) {
				size_t pos = off + (size_t)__builtin_ctz(m);
				if (pos <= hlen - nlen && memcmp(hay + pos, nd, nlen) == 0)
					return (int64_t)pos;
			}
		}
		if (hlen - nlen < off)
			return -1;
	}
#endif
	for (; off <= hlen - nlen; off += align) {
		if (hay[off] == nd[0] && memcmp(hay + off, nd, nlen) == 0)
			return (int64_t)off;
		if (hlen - nlen - off < align)
			break;
	}
	return -1;
}
