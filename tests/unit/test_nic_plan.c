// SPDX-License-Identifier: MIT
/* The NIC planner: queue choice and changes from (device facts, request). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "nic_plan.h"

static const struct ncd_nic_facts nic4 = { .rx_queues = 4, .has_parent = 1 };

static struct ncd_nic_req req(int start, int num)
{
	return (struct ncd_nic_req){ .ifname = "eth1", .start_queue = start,
				     .num_queues = num, .configure = 1,
				     .dst = "192.0.2.1", .port = 5201 };
}

static void default_is_last_queue(void **state)
{
	struct ncd_nic_req r = req(-1, -1);
	struct ncd_nic_plan p;

	assert_int_equal(ncd_nic_plan(&nic4, &r, &p), 0);
	assert_int_equal(p.start, 3);
	assert_int_equal(p.num, 1);
	assert_true(p.split && p.rss && p.steer);
}

static void spread_takes_upper_half(void **state)
{
	struct ncd_nic_req r = req(-1, -1);
	struct ncd_nic_plan p;

	r.spread = 1;
	assert_int_equal(ncd_nic_plan(&nic4, &r, &p), 0);
	assert_int_equal(p.start, 2);
	assert_int_equal(p.num, 2);
}

static void start_or_count_alone(void **state)
{
	struct ncd_nic_req a = req(1, -1), b = req(-1, 2);
	struct ncd_nic_plan p;

	assert_int_equal(ncd_nic_plan(&nic4, &a, &p), 0);
	assert_int_equal(p.start, 1);
	assert_int_equal(p.num, 1);
	assert_int_equal(ncd_nic_plan(&nic4, &b, &p), 0);
	assert_int_equal(p.start, 2);
	assert_int_equal(p.num, 2);
}

static void out_of_range(void **state)
{
	struct ncd_nic_req r = req(3, 2);
	struct ncd_nic_plan p;

	assert_int_equal(ncd_nic_plan(&nic4, &r, &p), -ERANGE);
	assert_non_null(strstr(p.why, "queues 3..4 do not fit eth1's 4 RX queues"));
}

static void queue_zero_needs_no_config(void **state)
{
	struct ncd_nic_req r = req(0, 1);
	struct ncd_nic_plan p;

	assert_int_equal(ncd_nic_plan(&nic4, &r, &p), -ERANGE);
	assert_non_null(strstr(p.why, "-t 0 leaves no queue"));
	r.configure = 0;	/* -n: the user steers, nothing changes */
	assert_int_equal(ncd_nic_plan(&nic4, &r, &p), 0);
	assert_false(p.split || p.rss || p.steer);
}

static void one_queue_is_not_enough(void **state)
{
	struct ncd_nic_facts one = { .rx_queues = 1, .has_parent = 1 };
	struct ncd_nic_req r = req(-1, -1);
	struct ncd_nic_plan p;

	assert_int_equal(ncd_nic_plan(&one, &r, &p), -EOPNOTSUPP);
	assert_non_null(strstr(p.why, "has 1 RX queue(s)"));
}

static void virtual_device_refused(void **state)
{
	struct ncd_nic_facts veth = { .rx_queues = 4 };
	struct ncd_nic_req r = req(-1, -1);
	struct ncd_nic_plan p;

	assert_int_equal(ncd_nic_plan(&veth, &r, &p), -EOPNOTSUPP);
	assert_non_null(strstr(p.why, "eth1 is a virtual device"));
}

/* a netkit with a queue leased from a NIC (7.1+): only with -n (the NIC
 * is set up where it lives), and only on a leased queue where this netns
 * sees the lease; in a container it sees none: the kernel decides */
static void leased_virtual_device(void **state)
{
	struct ncd_nic_facts nk = { .rx_queues = 2, .can_lease = 1 };
	struct ncd_nic_req r = req(1, 1);
	struct ncd_nic_plan p;

	assert_int_equal(ncd_nic_plan(&nk, &r, &p), -EOPNOTSUPP);
	assert_non_null(strstr(p.why, "run with -t/-q (the leased queue) and -n"));
	r.configure = 0;
	assert_int_equal(ncd_nic_plan(&nk, &r, &p), 0);	/* container */
	assert_false(p.split || p.rss || p.steer);
	nk.nleased = 1;
	nk.leased[0] = 1;
	assert_int_equal(ncd_nic_plan(&nk, &r, &p), 0);
	r.start_queue = 0;
	assert_int_equal(ncd_nic_plan(&nk, &r, &p), -EOPNOTSUPP);
	assert_non_null(strstr(p.why, "eth1 RX queue 0 is not leased from a NIC"));
	assert_non_null(strstr(p.why, "-t 1 -q 1"));
	nk.can_lease = 0;	/* a lease seen is enough */
	r.start_queue = 1;
	assert_int_equal(ncd_nic_plan(&nk, &r, &p), 0);
	nk.nleased = 0;		/* 6.12: no leasing, refused up front */
	assert_int_equal(ncd_nic_plan(&nk, &r, &p), -EOPNOTSUPP);
	assert_non_null(strstr(p.why, "eth1 is a virtual device"));
}

static void no_address_no_rule(void **state)
{
	struct ncd_nic_req r = req(-1, -1);
	struct ncd_nic_plan p;

	r.dst = NULL;
	assert_int_equal(ncd_nic_plan(&nic4, &r, &p), 0);
	assert_true(p.split && p.rss);
	assert_false(p.steer);
}

static struct ncd_nic_req peers(int start, int num, int n)
{
	static const char *const addr[] = { "10.0.1.2", "10.0.2.2", "10.0.3.2",
					    "10.0.4.2" };
	struct ncd_nic_req r = req(start, num);

	for (int i = 0; i < n; i++)
		r.src[r.nsrc++] = addr[i];
	return r;
}

/* one -c: one rule to the one queue, as before fan-in */
static void one_peer_one_rule(void **state)
{
	struct ncd_nic_req r = peers(-1, -1, 1);
	struct ncd_nic_plan p;

	assert_int_equal(ncd_nic_plan(&nic4, &r, &p), 0);
	assert_int_equal(p.start, 3);
	assert_int_equal(p.num, 1);
	assert_int_equal(p.nrules, 1);
	assert_int_equal(p.rule_queue[0], 3);
}

/* fan-in: N peers take the last N queues, peer i's rule to queue start+i */
static void peers_take_one_queue_each(void **state)
{
	struct ncd_nic_req r = peers(-1, -1, 3);
	struct ncd_nic_plan p;

	assert_int_equal(ncd_nic_plan(&nic4, &r, &p), 0);
	assert_int_equal(p.start, 1);
	assert_int_equal(p.num, 3);
	assert_true(p.split && p.rss && p.steer);
	assert_int_equal(p.nrules, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(p.rule_queue[i], 1 + i);
}

/* -t alone with peers: as many queues as peers from -t; -q alone: the
 * last -q queues, rules on the first of them */
static void peers_with_t_or_q(void **state)
{
	struct ncd_nic_facts nic8 = { .rx_queues = 8, .has_parent = 1 };
	struct ncd_nic_req a = peers(2, -1, 3), b = peers(-1, 4, 3);
	struct ncd_nic_plan p;

	assert_int_equal(ncd_nic_plan(&nic8, &a, &p), 0);
	assert_int_equal(p.start, 2);
	assert_int_equal(p.num, 3);
	assert_int_equal(p.rule_queue[2], 4);
	assert_int_equal(ncd_nic_plan(&nic8, &b, &p), 0);
	assert_int_equal(p.start, 4);
	assert_int_equal(p.num, 4);
	assert_int_equal(p.nrules, 3);
	assert_int_equal(p.rule_queue[0], 4);
	assert_int_equal(p.rule_queue[2], 6);
}

static void fewer_queues_than_peers(void **state)
{
	struct ncd_nic_req r = peers(1, 2, 3);
	struct ncd_nic_plan p;

	assert_int_equal(ncd_nic_plan(&nic4, &r, &p), -ERANGE);
	assert_non_null(strstr(p.why, "each peer needs its own queue -> -q 3"));
}

/* 4 peers on 4 queues by default: none would stay for other traffic */
static void peers_need_a_spare_queue(void **state)
{
	struct ncd_nic_req r = peers(-1, -1, 4);
	struct ncd_nic_plan p;

	assert_int_equal(ncd_nic_plan(&nic4, &r, &p), -EOPNOTSUPP);
	assert_non_null(strstr(p.why, "4 peers (-c) need one each"));
	assert_non_null(strstr(p.why, "combined 5"));
}

/* -n: the queues are still planned (bound), no rules */
static void peers_without_config(void **state)
{
	struct ncd_nic_req r = peers(-1, -1, 3);
	struct ncd_nic_plan p;

	r.configure = 0;
	assert_int_equal(ncd_nic_plan(&nic4, &r, &p), 0);
	assert_int_equal(p.num, 3);
	assert_false(p.steer);
	assert_int_equal(p.nrules, 0);
}

/* a receiving client's --cport flows: one rule a port, over the bound
 * queues in turn (-q 2: flows 1, 3 on the first, flow 2 on the second) */
static void ports_rule_each(void **state)
{
	struct ncd_nic_req r = { .ifname = "eth0", .start_queue = -1,
				 .num_queues = 2, .configure = 1,
				 .dst = "10.0.0.2", .port = 5400, .nports = 3 };
	struct ncd_nic_plan p;

	assert_int_equal(ncd_nic_plan(&nic4, &r, &p), 0);
	assert_int_equal(p.start, 2);
	assert_int_equal(p.nrules, 3);
	assert_int_equal(p.rule_queue[0], 2);
	assert_int_equal(p.rule_queue[1], 3);
	assert_int_equal(p.rule_queue[2], 2);
	r.nports = NCD_NIC_MAX_PEERS + 1;
	assert_int_equal(ncd_nic_plan(&nic4, &r, &p), -ERANGE);
	assert_non_null(strstr(p.why, "need a steering rule each"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_is_last_queue),
		cmocka_unit_test(spread_takes_upper_half),
		cmocka_unit_test(start_or_count_alone),
		cmocka_unit_test(out_of_range),
		cmocka_unit_test(queue_zero_needs_no_config),
		cmocka_unit_test(one_queue_is_not_enough),
		cmocka_unit_test(virtual_device_refused),
		cmocka_unit_test(leased_virtual_device),
		cmocka_unit_test(no_address_no_rule),
		cmocka_unit_test(one_peer_one_rule),
		cmocka_unit_test(peers_take_one_queue_each),
		cmocka_unit_test(peers_with_t_or_q),
		cmocka_unit_test(fewer_queues_than_peers),
		cmocka_unit_test(peers_need_a_spare_queue),
		cmocka_unit_test(peers_without_config),
		cmocka_unit_test(ports_rule_each),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
