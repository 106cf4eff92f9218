// SPDX-License-Identifier: MIT
/* Address parsing for ntuple rules (v4, v6, v4-mapped v6). */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "nic_steer.h"

static void test_v4(void **state)
{
	struct ncd_flow_addr a;

	assert_int_equal(ncd_flow_addr_parse("198.18.1.2", &a), 0);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(a.a4.s_addr, inet_addr("198.18.1.2"));
}

static void test_v6_and_mapped(void **state)
{
	struct ncd_flow_addr a;

	assert_int_equal(ncd_flow_addr_parse("2001:db8::1", &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(a.a6.s6_addr[15], 1);
	/* upstream passes IPv4 as v4-mapped; the rule must be tcp4 */
	assert_int_equal(ncd_flow_addr_parse("::ffff:10.0.0.7", &a), 0);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(a.a4.s_addr, inet_addr("10.0.0.7"));
}

static void test_bad(void **state)
{
	struct ncd_flow_addr a;

	assert_int_not_equal(ncd_flow_addr_parse("eth0", &a), 0);
	assert_int_not_equal(ncd_flow_addr_parse("1.2.3", &a), 0);
	assert_int_not_equal(ncd_flow_addr_parse("", &a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4),
		cmocka_unit_test(test_v6_and_mapped),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
