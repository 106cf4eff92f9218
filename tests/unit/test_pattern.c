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
		cmocka_unit_test(merge_keeps_lowest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
