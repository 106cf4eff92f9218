// SPDX-License-Identifier: MIT
/* Pattern generation and in-place checking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "pattern.h"
#include "pattern_simd.h"

static const struct ncd_pattern off_pat = {
	.kind = NCD_PAT_OFFSET, .seed = 42, .period = 1 << 20,
};

static void fill_matches_byte(void **state)
{
	uint8_t buf[301];

	for (uint64_t start = 0; start < 20; start++) {
		ncd_pattern_fill(&off_pat, start * 37 + 5, buf, sizeof(buf));
		for (size_t i = 0; i < sizeof(buf); i++)
			assert_int_equal(buf[i],
					 ncd_pattern_byte(&off_pat, start * 37 + 5 + i));
	}
}

static void words_distinct_in_period(void **state)
{
	/* Sort a sample of words: any duplicate would hide misplaced data. */
	const int n = 1 << 14;
	uint64_t *w = malloc(n * sizeof(*w));

	for (int i = 0; i < n; i++)
		ncd_pattern_fill(&off_pat, (uint64_t)i * 8, &w[i], 8);
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < i + 64 && j < n; j++)
			assert_true(w[i] != w[j]);
	free(w);
	assert_int_not_equal(ncd_mix64(1), ncd_mix64(2));
}

static void periodic(void **state)
{
	for (uint64_t o = 0; o < 4096; o += 13)
		assert_int_equal(ncd_pattern_byte(&off_pat, o),
				 ncd_pattern_byte(&off_pat, o + off_pat.period));
	assert_int_not_equal(ncd_pattern_byte(&off_pat, 8) |
			     ncd_pattern_byte(&off_pat, 9) << 8,
			     ncd_pattern_byte(&off_pat, 16) |
			     ncd_pattern_byte(&off_pat, 17) << 8);
}

static void clean_data_passes(void **state)
{
	struct ncd_verdict v = { 0 };
	uint8_t buf[10000];

	ncd_pattern_fill(&off_pat, 12345, buf, sizeof(buf));
	assert_int_equal(ncd_pattern_check(&off_pat, 12345, buf, sizeof(buf), &v), 0);
	assert_int_equal(v.checked, sizeof(buf));
	assert_false(v.have_first);
}

static void single_byte_caught_exactly(void **state)
{
	uint8_t buf[4096];

	for (size_t bad = 0; bad < 24; bad++) {
		struct ncd_verdict v = { 0 };
		uint8_t exp;

		ncd_pattern_fill(&off_pat, 1003, buf, sizeof(buf));
		exp = buf[bad * 100];
		buf[bad * 100] ^= 0x5a;
		assert_int_equal(ncd_pattern_check(&off_pat, 1003, buf, sizeof(buf), &v), 1);
		assert_true(v.have_first);
		assert_int_equal(v.first_off, 1003 + bad * 100);
		assert_int_equal(v.expected, exp);
		assert_int_equal(v.actual, exp ^ 0x5a);
	}
}

static void misplaced_word_caught(void **state)
{
	struct ncd_verdict v = { 0 };
	uint8_t buf[256], tmp[8];

	ncd_pattern_fill(&off_pat, 0, buf, sizeof(buf));
	memcpy(tmp, buf + 64, 8);	/* swap words 8 and 9: reordering */
	memcpy(buf + 64, buf + 72, 8);
	memcpy(buf + 72, tmp, 8);
	assert_true(ncd_pattern_check(&off_pat, 0, buf, sizeof(buf), &v) > 0);
	assert_int_equal(v.first_off / 8, 8);
}

static void duplicated_fragment_caught(void **state)
{
	struct ncd_verdict v = { 0 };
	uint8_t buf[64];

	/* Bytes of stream [0, 64) presented again as [64, 128). */
	ncd_pattern_fill(&off_pat, 0, buf, sizeof(buf));
	assert_true(ncd_pattern_check(&off_pat, 64, buf, sizeof(buf), &v) > 0);
	assert_int_equal(v.first_off, 64);
}

static void seed_matters(void **state)
{
	struct ncd_pattern other = off_pat;
	struct ncd_verdict v = { 0 };
	uint8_t buf[64];

	other.seed++;
	ncd_pattern_fill(&other, 0, buf, sizeof(buf));
	assert_true(ncd_pattern_check(&off_pat, 0, buf, sizeof(buf), &v) > 0);
}

static void upstream_matches_yes(void **state)
{
	/* yes $(echo -e \\x01..\\x06) prints 1,2,3,4,5,6,'\n' forever: -v 7 */
	const struct ncd_pattern up = { .kind = NCD_PAT_UPSTREAM, .period = 7 };
	const uint8_t line[7] = { 1, 2, 3, 4, 5, 6, '\n' };
	uint8_t buf[7 * 50];
	struct ncd_verdict v = { 0 };

	for (int i = 0; i < 50; i++)
		memcpy(buf + 7 * i, line, 7);
	assert_int_equal(ncd_pattern_check(&up, 0, buf, sizeof(buf), &v), 0);
	/* the same bytes checked from a mid-line offset */
	assert_int_equal(ncd_pattern_check(&up, 3, buf + 3, 20, &v), 0);
	buf[100] = 9;
	assert_int_equal(ncd_pattern_check(&up, 0, buf, sizeof(buf), &v), 1);
	assert_int_equal(v.first_off, 100);
	assert_int_equal(v.expected, line[100 % 7]);
	ncd_pattern_fill(&up, 5, buf, 9);
	assert_memory_equal(buf, "\x06\n\x01\x02\x03\x04\x05\x06\n", 9);
}

static void upstream_612_nul(void **state)
{
	/* the 6.12 selftest's sender piped tr \\n \\0: lines end in 0x00 */
	struct ncd_pattern up = { .kind = NCD_PAT_UPSTREAM, .period = 7,
				  .nul_eol = 1 };
	const uint8_t line[7] = { 1, 2, 3, 4, 5, 6, 0 };
	uint8_t buf[7 * 50];
	struct ncd_verdict v = { 0 };

	for (int i = 0; i < 50; i++)
		memcpy(buf + 7 * i, line, 7);
	assert_int_equal(ncd_pattern_check(&up, 0, buf, sizeof(buf), &v), 0);
	assert_int_equal(ncd_pattern_byte(&up, 13), 0);
	ncd_pattern_fill(&up, 5, buf, 9);
	assert_memory_equal(buf, "\x06\0\x01\x02\x03\x04\x05\x06\0", 9);
	/* without the option the same stream fails at every line end */
	up.nul_eol = 0;
	for (int i = 0; i < 50; i++)
		memcpy(buf + 7 * i, line, 7);
	assert_int_equal(ncd_pattern_check(&up, 0, buf, sizeof(buf), &v), 50);
	assert_int_equal(v.first_off, 6);
}

static void merge_keeps_lowest(void **state)
{
	struct ncd_verdict a = { .checked = 10, .bad = 1, .have_first = 1, .first_off = 50 };
	struct ncd_verdict b = { .checked = 5, .bad = 2, .have_first = 1, .first_off = 20,
				 .expected = 1, .actual = 2 };
	struct ncd_verdict c = { 0 };

	ncd_verdict_merge(&c, &a);
	ncd_verdict_merge(&c, &b);
	assert_int_equal(c.checked, 15);
	assert_int_equal(c.bad, 3);
	assert_int_equal(c.first_off, 20);
	assert_int_equal(c.actual, 2);
}

/* ---- every ISA level against the byte-wise reference ---- */

static const char *const levels[] = { "scalar", "portable", "avx2", "avx512" };

static uint64_t rnd(uint64_t *s)
{
	*s += 0x9e3779b97f4a7c15ULL;
	return ncd_mix64(*s);
}

static void random_pattern(uint64_t *s, struct ncd_pattern *p)
{
	static const uint64_t periods[] = { 8, 16, 72, 4096, 1 << 20,
					    NCD_PAT_DEFAULT_PERIOD };

	if (rnd(s) % 3 == 0) {
		*p = (struct ncd_pattern){ NCD_PAT_UPSTREAM, 0, 2 + rnd(s) % 255, 0 };
		p->nul_eol = rnd(s) & 1;	/* 6.12's 0x00 line ends too */
		return;
	}
	*p = (struct ncd_pattern){ NCD_PAT_OFFSET, rnd(s),
				   periods[rnd(s) % 6], 0 };
}

static void assert_same_verdict(const struct ncd_verdict *a,
				const struct ncd_verdict *b)
{
	assert_int_equal(a->checked, b->checked);
	assert_int_equal(a->bad, b->bad);
	assert_int_equal(a->have_first, b->have_first);
	assert_int_equal(a->first_off, b->first_off);
	assert_int_equal(a->expected, b->expected);
	assert_int_equal(a->actual, b->actual);
}

/* Fill at a random stream offset, length and buffer alignment, corrupt 0..3
 * random bytes, and require the level's fill and verdict to be the
 * reference's exactly. */
static void level_matches_reference(const char *level, uint64_t seed)
{
	enum { MAXLEN = 20000 };
	uint8_t *got = malloc(MAXLEN + 64), *want = malloc(MAXLEN + 64);
	uint64_t s = seed;

	assert_int_equal(ncd_pattern_set_isa(level), 0);
	assert_string_equal(ncd_pattern_isa(), level);
	for (int iter = 0; iter < 400; iter++) {
		struct ncd_pattern p;
		struct ncd_verdict vf = { 0 }, vr = { 0 };
		uint64_t off = rnd(&s) % (1ULL << 40);
		size_t len = rnd(&s) % (iter % 4 ? 600 : MAXLEN);
		uint8_t *g = got + rnd(&s) % 64, *w = want + rnd(&s) % 64;
		int nbad = rnd(&s) % 4;

		random_pattern(&s, &p);
		ncd_pattern_fill(&p, off, g, len);
		ncd_pattern_fill_ref(&p, off, w, len);
		assert_memory_equal(g, w, len);
		for (int b = 0; b < nbad && len; b++)
			g[rnd(&s) % len] ^= 1 + rnd(&s) % 255;
		ncd_pattern_check(&p, off, g, len, &vf);
		ncd_pattern_check_ref(&p, off, g, len, &vr);
		assert_same_verdict(&vf, &vr);
		assert_int_equal(vf.bad != 0, memcmp(g, w, len) != 0);
	}
	free(got);
	free(want);
}

static void levels_match_reference(void **state)
{
	int ran = 0;

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		if (ncd_pattern_set_isa(levels[i])) {
			print_message("level %s: not run by this CPU\n", levels[i]);
			continue;
		}
		level_matches_reference(levels[i], 1000 + i);
		ran++;
	}
	assert_true(ran >= 2);	/* at least scalar and portable */
	assert_int_equal(ncd_pattern_set_isa("no-such-isa"), -1);
}

/* A bad word right at a period wrap, and a word of the next period presented
 * in place of this one: the kernels must keep the word index exact. */
static void levels_exact_at_wrap(void **state)
{
	const struct ncd_pattern p = { NCD_PAT_OFFSET, 7, 4096, 0 };
	uint8_t buf[3 * 4096];

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		struct ncd_verdict v = { 0 };

		if (ncd_pattern_set_isa(levels[i]))
			continue;
		ncd_pattern_fill(&p, 4096 - 256, buf, sizeof(buf));
		buf[256 + 3] ^= 0x80;		/* stream offset 4099 */
		assert_int_equal(ncd_pattern_check(&p, 4096 - 256, buf,
						   sizeof(buf), &v), 1);
		assert_int_equal(v.first_off, 4099);
		memset(&v, 0, sizeof(v));
		ncd_pattern_fill(&p, 0, buf, 64);	/* stream 0..63 ... */
		assert_true(ncd_pattern_check(&p, 64, buf, 64, &v) > 0); /* ... as 64.. */
		assert_int_equal(v.first_off, 64);
	}
}

/* The kernels themselves must find exactly the first bad unit: a kernel
 * that stops early would pass the verdict tests (the reference recounts the
 * unit) but throw away speed, and one that stops late would miss data. */
static void kernels_find_exactly(void **state)
{
	uint8_t buf[8 * 1000 + 64], win[NCD_PAT_UPSTREAM_MAX + NCD_PAT_WIN_SLACK];
	uint64_t s = 77;

	for (int l = 0; ncd_pat_levels[l]; l++) {
		const struct ncd_pat_kernels *k = ncd_pat_levels[l];

		if (!k->supported())
			continue;
		for (int iter = 0; iter < 300; iter++) {
			uint64_t seed = rnd(&s), i = rnd(&s) >> 8;
			size_t nw = rnd(&s) % 1000, bad = nw ? rnd(&s) % nw : 0;
			uint32_t n = 2 + rnd(&s) % 255, r = rnd(&s) % n;
			size_t len = rnd(&s) % sizeof(buf);
			uint8_t *b = buf + rnd(&s) % 64;

			if (iter % 4 == 0)	/* seed + i just below a multiple of 2^30 */
				i = (rnd(&s) & ~((1ULL << 30) - 1)) - seed - rnd(&s) % 600;
			k->offset_fill(seed, i, b, nw);
			for (size_t w = 0; w < nw; w++) {
				uint64_t x;

				memcpy(&x, b + 8 * w, 8);
				assert_true(x == ncd_mix64(seed + i + w));
			}
			assert_int_equal(k->offset_find(seed, i, b, nw), nw);
			if (nw) {
				b[8 * bad + rnd(&s) % 8] ^= 0x10;
				assert_int_equal(k->offset_find(seed, i, b, nw), bad);
			}
			for (uint32_t j = 0; j < n + NCD_PAT_WIN_SLACK; j++)
				win[j] = j % n == n - 1 ? '\n' : j % n + 1;
			len = len > sizeof(buf) - 64 ? sizeof(buf) - 64 : len;
			for (size_t j = 0; j < len; j++)
				b[j] = win[(r + j) % n];
			assert_int_equal(k->window_find(win, n, r, b, len), len);
			if (len) {
				bad = rnd(&s) % len;
				b[bad] ^= 0x40;
				assert_int_equal(k->window_find(win, n, r, b, len), bad);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fill_matches_byte),
		cmocka_unit_test(words_distinct_in_period),
		cmocka_unit_test(periodic),
		cmocka_unit_test(clean_data_passes),
		cmocka_unit_test(single_byte_caught_exactly),
		cmocka_unit_test(misplaced_word_caught),
		cmocka_unit_test(duplicated_fragment_caught),
		cmocka_unit_test(seed_matters),
		cmocka_unit_test(upstream_matches_yes),
		cmocka_unit_test(upstream_612_nul),
		cmocka_unit_test(merge_keeps_lowest),
		cmocka_unit_test(levels_match_reference),
		cmocka_unit_test(levels_exact_at_wrap),
		cmocka_unit_test(kernels_find_exactly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
