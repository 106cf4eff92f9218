// SPDX-License-Identifier: MIT
/*
 * Pattern kernels per ISA level (see pattern_simd.h).  x86 levels are built
 * with target attributes, so one binary carries all of them and pattern.c
 * picks at run time; other architectures get the portable level only.
 */
#include <string.h>
#include "pattern.h"
#include "pattern_simd.h"

#define MIX_C1	0xbf58476d1ce4e5b9ULL
#define MIX_C2	0x94d049bb133111ebULL

static size_t portable_offset_find(uint64_t seed, uint64_t i, const uint8_t *b,
				   size_t nw)
{
	for (size_t k = 0; k < nw; k++) {
		uint64_t w;

		memcpy(&w, b + 8 * k, 8);	/* little-endian hosts only */
		if (w != ncd_mix64(seed + i + k))
			return k;
	}
	return nw;
}

static void portable_offset_fill(uint64_t seed, uint64_t i, uint8_t *d,
				 size_t nw)
{
	for (size_t k = 0; k < nw; k++) {
		uint64_t w = ncd_mix64(seed + i + k);

		memcpy(d + 8 * k, &w, 8);
	}
}

/* The window repeats every n bytes, so after a block of @blk bytes the
 * residue moves by blk % n (< n: one conditional subtraction). */
static inline uint32_t win_step(uint32_t r, uint32_t step, uint32_t n)
{
	r += step;
	return r >= n ? r - n : r;
}

static size_t portable_window_find(const uint8_t *win, uint32_t n, uint32_t r,
				   const uint8_t *b, size_t len)
{
	uint32_t step = 8 % n;
	size_t k = 0;

	for (; k + 8 <= len; k += 8, r = win_step(r, step, n)) {
		uint64_t x, y;

		memcpy(&x, b + k, 8);
		memcpy(&y, win + r, 8);
		if (x != y)
			break;
	}
	for (; k < len; k++, r = r + 1 == n ? 0 : r + 1)
		if (b[k] != win[r])
			return k;
	return len;
}

static int always(void)
{
	return 1;
}

static const struct ncd_pat_kernels portable = {
	.name = "portable",
	.offset_find = portable_offset_find,
	.offset_fill = portable_offset_fill,
	.window_find = portable_window_find,
	.supported = always,
};

#if defined(__x86_64__)
#include <immintrin.h>

/* ---- AVX2: 4 words a vector; 64-bit products from 32-bit halves ---- */
#define AVX2 __attribute__((target("avx2")))

AVX2 static inline __m256i mul64_avx2(__m256i a, uint64_t c)
{
	__m256i lo = _mm256_set1_epi64x((uint32_t)c);
	__m256i hi = _mm256_set1_epi64x(c >> 32);
	__m256i cross = _mm256_add_epi64(
		_mm256_mul_epu32(_mm256_srli_epi64(a, 32), lo),
		_mm256_mul_epu32(a, hi));

	return _mm256_add_epi64(_mm256_mul_epu32(a, lo),
				_mm256_slli_epi64(cross, 32));
}

AVX2 static inline __m256i mix_avx2(__m256i x)
{
	x = _mm256_xor_si256(x, _mm256_srli_epi64(x, 30));
	x = mul64_avx2(x, MIX_C1);
	x = _mm256_xor_si256(x, _mm256_srli_epi64(x, 27));
	x = mul64_avx2(x, MIX_C2);
	return _mm256_xor_si256(x, _mm256_srli_epi64(x, 31));
}

AVX2 static inline __m256i idx_avx2(uint64_t first)
{
	return _mm256_add_epi64(_mm256_set1_epi64x(first),
				_mm256_setr_epi64x(0, 1, 2, 3));
}

AVX2 static size_t avx2_offset_find(uint64_t seed, uint64_t i, const uint8_t *b,
				    size_t nw)
{
	const __m256i four = _mm256_set1_epi64x(4), eight = _mm256_set1_epi64x(8);
	__m256i x0 = idx_avx2(seed + i), x1 = _mm256_add_epi64(x0, four);
	size_t k = 0;

	for (; k + 8 <= nw; k += 8) {
		__m256i e0 = _mm256_cmpeq_epi64(mix_avx2(x0),
			_mm256_loadu_si256((const void *)(b + 8 * k)));
		__m256i e1 = _mm256_cmpeq_epi64(mix_avx2(x1),
			_mm256_loadu_si256((const void *)(b + 8 * k + 32)));
		unsigned int eq = _mm256_movemask_pd(_mm256_castsi256_pd(e0)) |
				  _mm256_movemask_pd(_mm256_castsi256_pd(e1)) << 4;

		if (eq != 0xff)
			return k + __builtin_ctz(~eq);
		x0 = _mm256_add_epi64(x0, eight);
		x1 = _mm256_add_epi64(x1, eight);
	}
	return k + portable_offset_find(seed, i + k, b + 8 * k, nw - k);
}

AVX2 static void avx2_offset_fill(uint64_t seed, uint64_t i, uint8_t *d,
				  size_t nw)
{
	const __m256i four = _mm256_set1_epi64x(4);
	__m256i x = idx_avx2(seed + i);
	size_t k = 0;

	for (; k + 4 <= nw; k += 4, x = _mm256_add_epi64(x, four))
		_mm256_storeu_si256((void *)(d + 8 * k), mix_avx2(x));
	portable_offset_fill(seed, i + k, d + 8 * k, nw - k);
}

AVX2 static size_t avx2_window_find(const uint8_t *win, uint32_t n, uint32_t r,
				    const uint8_t *b, size_t len)
{
	uint32_t step = 32 % n;
	size_t k = 0;

	for (; k + 32 <= len; k += 32, r = win_step(r, step, n)) {
		__m256i e = _mm256_cmpeq_epi8(
			_mm256_loadu_si256((const void *)(b + k)),
			_mm256_loadu_si256((const void *)(win + r)));

		if ((uint32_t)_mm256_movemask_epi8(e) != 0xffffffffu)
			break;
	}
	return k + portable_window_find(win, n, r, b + k, len - k);
}

static int avx2_supported(void)
{
	return __builtin_cpu_supports("avx2");
}

static const struct ncd_pat_kernels avx2 = {
	.name = "avx2",
	.offset_find = avx2_offset_find,
	.offset_fill = avx2_offset_fill,
	.window_find = avx2_window_find,
	.supported = avx2_supported,
};

/* ---- AVX-512: 8 words a vector, native 64-bit multiply (DQ) ---- */
#define AVX512 __attribute__((target("avx512f,avx512dq,avx512bw")))

/* mix64 after its first step (y = x ^ x >> 30). */
AVX512 static inline __m512i mix_rest_avx512(__m512i y)
{
	y = _mm512_mullo_epi64(y, _mm512_set1_epi64(MIX_C1));
	y = _mm512_xor_si512(y, _mm512_srli_epi64(y, 27));
	y = _mm512_mullo_epi64(y, _mm512_set1_epi64(MIX_C2));
	return _mm512_xor_si512(y, _mm512_srli_epi64(y, 31));
}

AVX512 static inline __m512i mix_avx512(__m512i x)
{
	return mix_rest_avx512(_mm512_xor_si512(x, _mm512_srli_epi64(x, 30)));
}

AVX512 static inline __m512i idx_avx512(uint64_t first)
{
	return _mm512_add_epi64(_mm512_set1_epi64(first),
				_mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7));
}

AVX512 static inline __mmask8 ne_avx512(__m512i x, const uint8_t *p)
{
	return _mm512_cmpneq_epu64_mask(mix_avx512(x),
					_mm512_loadu_si512((const void *)p));
}

/* mix(x) ^ data for 8 words, given hi = x >> 30 (the same for all of them):
 * the last xor and the comparison are one ternary-logic op (0x96: A^B^C). */
AVX512 static inline __m512i diff_avx512(__m512i x, __m512i hi,
					 const uint8_t *p)
{
	__m512i y = _mm512_xor_si512(x, hi);

	y = _mm512_mullo_epi64(y, _mm512_set1_epi64(MIX_C1));
	y = _mm512_xor_si512(y, _mm512_srli_epi64(y, 27));
	y = _mm512_mullo_epi64(y, _mm512_set1_epi64(MIX_C2));
	return _mm512_ternarylogic_epi64(y, _mm512_srli_epi64(y, 31),
					 _mm512_loadu_si512((const void *)p),
					 0x96);
}

/* Exact first differing word of 32 at @p; a false alarm of the fast test
 * answers 0, which the unit test sees. */
AVX512 static size_t first_ne32(__m512i x, const uint8_t *p)
{
	for (int j = 0; j < 4; j++) {
		__mmask8 ne = ne_avx512(x, p + 64 * j);

		if (ne)
			return 8 * j + __builtin_ctz(ne);
		x = _mm512_add_epi64(x, _mm512_set1_epi64(8));
	}
	return 0;
}

/*
 * 32 words a round in four independent vectors (the mix is a long chain; the
 * core needs several in flight).  x >> 30 only changes when x crosses a
 * multiple of 2^30, so within such a span mix64's first shift is a constant
 * and the loop does 9 vector ops per 8 words instead of 11: the limit here is
 * vector ops, not loads or multiplies.
 */
#define HI_SPAN		(1ULL << 30)

AVX512 static size_t avx512_span_find(uint64_t x, const uint8_t *b, size_t nw)
{
	const __m512i hi = _mm512_set1_epi64(x >> 30);
	const __m512i eight = _mm512_set1_epi64(8);
	const __m512i step = _mm512_set1_epi64(32);
	__m512i x0 = idx_avx512(x), x1 = _mm512_add_epi64(x0, eight);
	__m512i x2 = _mm512_add_epi64(x1, eight);
	__m512i x3 = _mm512_add_epi64(x2, eight);
	size_t k = 0;

	for (; k + 32 <= nw; k += 32) {
		const uint8_t *p = b + 8 * k;
		__m512i d = _mm512_ternarylogic_epi64(diff_avx512(x0, hi, p),
					diff_avx512(x1, hi, p + 64),
					diff_avx512(x2, hi, p + 128), 0xfe);

		d = _mm512_or_si512(d, diff_avx512(x3, hi, p + 192));
		if (_mm512_test_epi64_mask(d, d))
			return k + first_ne32(x0, p);
		x0 = _mm512_add_epi64(x0, step);
		x1 = _mm512_add_epi64(x1, step);
		x2 = _mm512_add_epi64(x2, step);
		x3 = _mm512_add_epi64(x3, step);
	}
	for (; k + 8 <= nw; k += 8, x0 = _mm512_add_epi64(x0, eight)) {
		__mmask8 ne = ne_avx512(x0, b + 8 * k);

		if (ne)
			return k + __builtin_ctz(ne);
	}
	return k + portable_offset_find(x + k, 0, b + 8 * k, nw - k);
}

AVX512 static size_t avx512_offset_find(uint64_t seed, uint64_t i,
					const uint8_t *b, size_t nw)
{
	size_t k = 0;

	while (k < nw) {
		uint64_t x = seed + i + k;
		size_t span = HI_SPAN - (x & (HI_SPAN - 1)), n, f;

		n = nw - k < span ? nw - k : span;
		f = avx512_span_find(x, b + 8 * k, n);
		k += f;
		if (f < n)
			break;
	}
	return k;
}

AVX512 static void avx512_offset_fill(uint64_t seed, uint64_t i, uint8_t *d,
				      size_t nw)
{
	const __m512i eight = _mm512_set1_epi64(8);
	__m512i x = idx_avx512(seed + i);
	size_t k = 0;

	for (; k + 8 <= nw; k += 8, x = _mm512_add_epi64(x, eight))
		_mm512_storeu_si512((void *)(d + 8 * k), mix_avx512(x));
	portable_offset_fill(seed, i + k, d + 8 * k, nw - k);
}

AVX512 static size_t avx512_window_find(const uint8_t *win, uint32_t n,
					uint32_t r, const uint8_t *b, size_t len)
{
	uint32_t step = 64 % n;
	size_t k = 0;

	for (; k + 64 <= len; k += 64, r = win_step(r, step, n)) {
		__mmask64 ne = _mm512_cmpneq_epi8_mask(
			_mm512_loadu_si512((const void *)(b + k)),
			_mm512_loadu_si512((const void *)(win + r)));

		if (ne)
			return k + __builtin_ctzll(ne);
	}
	return k + portable_window_find(win, n, r, b + k, len - k);
}

static int avx512_supported(void)
{
	return __builtin_cpu_supports("avx512f") &&
	       __builtin_cpu_supports("avx512dq") &&
	       __builtin_cpu_supports("avx512bw");
}

static const struct ncd_pat_kernels avx512 = {
	.name = "avx512",
	.offset_find = avx512_offset_find,
	.offset_fill = avx512_offset_fill,
	.window_find = avx512_window_find,
	.supported = avx512_supported,
};
#endif

const struct ncd_pat_kernels *const ncd_pat_levels[] = {
#if defined(__x86_64__)
	&avx512,
	&avx2,
#endif
	&portable,
	NULL,
};
