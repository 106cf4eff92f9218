// SPDX-License-Identifier: MIT
/* --check's kernel boundary for header split (check.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "modes.h"

/* 6.12 and 6.13 bind without header split: no FAIL for it with -n */
static void test_before_6_14(void **state)
{
	assert_int_equal(ncd_check_split_required(6012), 0);
	assert_int_equal(ncd_check_split_required(6013), 0);
	assert_int_equal(ncd_check_split_required(5019), 0);
}

/* 6.14 is the first release whose bind-rx refuses ("tcp-data-split is
 * disabled"); every later one does, 7.x too */
static void test_from_6_14(void **state)
{
	assert_int_equal(ncd_check_split_required(6014), 1);
	assert_int_equal(ncd_check_split_required(6018), 1);
	assert_int_equal(ncd_check_split_required(7000), 1);
	assert_int_equal(ncd_check_split_required(7003), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_before_6_14),
		cmocka_unit_test(test_from_6_14),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
