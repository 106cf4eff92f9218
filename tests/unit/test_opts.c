// SPDX-License-Identifier: MIT
/* Command-line parsing: upstream short flags, long options, strict numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "mem.h"
#include "opts.h"

static FILE *devnull;

static int parse(struct ncd_opts *o, const char *line)
{
	static char buf[512];
	char *argv[64];
	int argc = 0;

	snprintf(buf, sizeof(buf), "ncdevmem %s", line);
	for (char *t = strtok(buf, " "); t && argc < 63; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	return ncd_opts_parse(o, argc, argv, devnull);
}

static void upstream_short_flags(void **state)
{
	struct ncd_opts o;

	assert_int_equal(parse(&o, "-l -f eth1 -s 10.0.0.1 -c 10.0.0.2 -p 5201 -v 7 -t 3 -q 2 -z 1K -L -n -b 16K"), 0);
	assert_true(o.listen);
	assert_string_equal(o.ifname, "eth1");
	assert_string_equal(o.server, "10.0.0.1");
	assert_string_equal(o.client, "10.0.0.2");
	assert_int_equal(o.port, 5201);
	assert_int_equal(o.pat.kind, NCD_PAT_UPSTREAM);
	assert_int_equal(o.pat.period, 7);
	assert_int_equal(o.start_queue, 3);
	assert_int_equal(o.num_queues, 2);
	assert_int_equal(o.tx_chunk, 1024);
	assert_true(o.fail_linear);
	assert_true(o.no_nic_config);
	assert_int_equal(o.rx_page_size, 16384);
	assert_int_equal(o.mode, NCD_MODE_DEVMEM);	/* -f means devmem */
}

static void long_options(void **state)
{
	struct ncd_opts o;

	assert_int_equal(parse(&o, "--listen --port 9000 --flows 4 --interval 0.5 --json "
			      "--mem udmabuf --validate --seed 16 --period 128M --time 3 "
			      "--bytes 2G --copy"), 0);
	assert_int_equal(o.port, 9000);
	assert_int_equal(o.flows, 4);
	assert_true(o.interval_s == 0.5);
	assert_true(o.json);
	assert_int_equal(o.mem, NCD_MEM_UDMABUF);
	assert_int_equal(o.pat.kind, NCD_PAT_OFFSET);
	assert_int_equal(o.pat.seed, 16);
	assert_int_equal(o.pat.period, 128 << 20);
	assert_true(o.time_s == 3);
	assert_int_equal(o.bytes, 2ULL << 30);
	assert_int_equal(o.mode, NCD_MODE_COPY);
}

static void defaults(void **state)
{
	struct ncd_opts o;

	assert_int_equal(parse(&o, "-s ::1"), 0);
	assert_false(o.listen);
	assert_int_equal(o.port, 5201);
	assert_int_equal(o.flows, 1);
	assert_int_equal(o.mode, NCD_MODE_COPY);
	assert_int_equal(o.mem, NCD_MEM_HOST);
	assert_int_equal(o.pat.kind, NCD_PAT_NONE);
	assert_int_equal(o.start_queue, -1);
	assert_int_equal(o.corrupt_at, -1);
}

/* Linux 7.3 selftest drop-in: devmem uses udmabuf unless --mem says
 * otherwise; -v 0 means no pattern check. */
static void selftest_defaults(void **state)
{
	struct ncd_opts o;

	assert_int_equal(parse(&o, "-l -f eth0 -s ::1 -v 7"), 0);
	assert_int_equal(o.mode, NCD_MODE_DEVMEM);
	assert_int_equal(o.mem, NCD_MEM_UDMABUF);
	assert_int_equal(o.pat.kind, NCD_PAT_UPSTREAM);
	assert_int_equal(parse(&o, "-f eth0 -s ::1"), 0);
	assert_int_equal(o.mem, NCD_MEM_UDMABUF);
	assert_int_equal(parse(&o, "-l -f eth0 --mem host --discard"), 0);
	assert_int_equal(o.mem, NCD_MEM_HOST);
	assert_int_equal(parse(&o, "-l -f eth0 --zcrx --discard"), 0);
	assert_int_equal(o.mem, NCD_MEM_HOST);
	assert_int_equal(parse(&o, "--check -f eth0"), 0);
	assert_int_equal(o.mem, NCD_MEM_HOST);
	assert_int_equal(parse(&o, "-l -f eth0 -v 0 --discard"), 0);
	assert_int_equal(o.pat.kind, NCD_PAT_NONE);
}

static void bad_numbers_are_usage_errors(void **state)
{
	static const char *const bad[] = {
		"-s x -p -1", "-s x -p 65536", "-s x -p 12ab", "-s x -p ''",
		"-s x -P 0", "-s x -P 129", "-s x -P 99999999999999999999",
		"-s x --bytes 1X", "-s x --bytes -5", "-s x --bytes 99999999999T",
		"-s x -i -1", "-s x -i 1s", "-s x --time nan", "-s x --time inf",
		"-s x -v 1", "-s x -v 257", "-l --period 12", "-s x -b 3000",
		"-s x -t 3q", "-s x -z", "-s x --mem gpu", "-s x --mode rdma",
	};
	struct ncd_opts o;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(&o, bad[i]) != NCD_EXIT_USAGE)
			fail_msg("accepted: %s", bad[i]);
	}
}

static void cross_option_rules(void **state)
{
	struct ncd_opts o;

	assert_int_equal(parse(&o, ""), NCD_EXIT_USAGE);		/* no role */
	assert_int_equal(parse(&o, "-l --check"), NCD_EXIT_USAGE);	/* no -f */
	assert_int_equal(parse(&o, "-l --validate --buf-size 128M"), NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-l -P 2"), NCD_EXIT_USAGE);	/* stdout, 2 flows */
	assert_int_equal(parse(&o, "-l -P 2 --discard"), 0);
	assert_int_equal(parse(&o, "-l -J --no-ctrl"), NCD_EXIT_USAGE); /* JSON vs payload */
	/* with the control connection the client may bring the pattern:
	 * server.c refuses a plain client at run time */
	assert_int_equal(parse(&o, "-l -J"), 0);
	assert_int_equal(parse(&o, "-l -J --discard"), 0);
	assert_int_equal(parse(&o, "-s x --corrupt-at 5"), NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-s x --validate --corrupt-at 5"), 0);
	assert_int_equal(parse(&o, "-l --zcrx"), NCD_EXIT_USAGE);	/* needs -f */
	assert_int_equal(parse(&o, "-s x extra"), NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "--check -f eth0"), 0);
	assert_int_equal(o.mode, NCD_MODE_COPY);
}

static void help_exits_zero(void **state)
{
	struct ncd_opts o;
	FILE *saved = stdout;

	stdout = devnull;
	assert_int_equal(parse(&o, "--help"), -1);
	assert_int_equal(parse(&o, "-V"), -1);
	stdout = saved;
}

static void number_parser(void **state)
{
	uint64_t v;

	assert_int_equal(ncd_parse_u64("4K", UINT64_MAX, 1, &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(ncd_parse_u64("0x20", 100, 0, &v), -1);
	assert_int_equal(ncd_parse_u64("010", 100, 0, &v), 0);	/* not octal 8 */
	assert_int_equal(v, 10);
	assert_int_equal(ncd_parse_u64("5 ", UINT64_MAX, 1, &v), -1);	/* not 5 PiB */
	assert_int_equal(ncd_parse_u64("\t-1", UINT64_MAX, 0, &v), -1);	/* not 2^64-1 */
	assert_int_equal(ncd_parse_u64("-1", UINT64_MAX, 0, &v), -1);
	assert_int_equal(ncd_parse_u64("5KB", UINT64_MAX, 1, &v), -1);
	assert_int_equal(ncd_parse_u64("5k", UINT64_MAX, 1, &v), 0);
	assert_int_equal(v, 5120);
	assert_int_equal(ncd_parse_u64("101", 100, 0, &v), -1);
	assert_int_equal(ncd_parse_u64("4K", UINT64_MAX, 0, &v), -1);
	assert_int_equal(ncd_parse_u64("18446744073709551616", UINT64_MAX, 0, &v), -1);
	assert_int_equal(ncd_parse_u64("17179869184G", UINT64_MAX, 1, &v), -1);
	assert_int_equal(ncd_parse_u64(" 5", 100, 0, &v), -1);
}

static void seconds_parser(void **state)
{
	struct ncd_opts o;
	double s;

	assert_int_equal(ncd_parse_seconds("0.5", &s), 0);
	assert_true(s == 0.5);
	assert_int_equal(ncd_parse_seconds("1e-3", &s), 0);
	assert_int_equal(ncd_parse_seconds("0x10", &s), -1);
	assert_int_equal(ncd_parse_seconds("inf", &s), -1);
	assert_int_equal(ncd_parse_seconds("nan", &s), -1);
	assert_int_equal(ncd_parse_seconds("1 ", &s), -1);
	/* an interval of 1e-13 s would spin the timer thread forever */
	assert_int_equal(parse(&o, "-l -i 1e-13"), NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-l -i 0.001"), 0);
	assert_int_equal(parse(&o, "-l -i 0"), 0);
	assert_int_equal(parse(&o, "-l -p 010"), 0);
	assert_int_equal(o.port, 10);
}

/* -R: the client's steering rule matches its own address and local port */
static void client_rx_steering(void **state)
{
	struct ncd_nic_req r;
	struct ncd_opts o;

	assert_int_equal(parse(&o, "-s 10.0.0.1 -c 10.0.0.2 -p 5000 -R --validate"), 0);
	ncd_opts_nic_req_client_rx(&o, &r);
	assert_string_equal(r.dst, "10.0.0.2");
	assert_string_equal(r.src[0], "10.0.0.1");
	assert_int_equal(r.nsrc, 1);
	assert_int_equal(r.port, 5000);
	/* --cport: the 3-tuple to the receiving flow's own port */
	assert_int_equal(parse(&o, "-s 10.0.0.1 -c 10.0.0.2 -p 5000 -R --validate --cport 6000"), 0);
	ncd_opts_nic_req_client_rx(&o, &r);
	assert_int_equal(r.port, 6000);
	assert_int_equal(r.nsrc, 0);
	assert_int_equal(parse(&o, "-s 10.0.0.1 -c 10.0.0.2 -p 5000 --bidir --validate --cport 6000"), 0);
	ncd_opts_nic_req_client_rx(&o, &r);
	assert_int_equal(r.port, 6001);
	/* an ephemeral port: no rule */
	assert_int_equal(parse(&o, "-s 10.0.0.1 -c 10.0.0.2 -p 5000 --bidir --validate"), 0);
	ncd_opts_nic_req_client_rx(&o, &r);
	assert_null(r.dst);
	assert_int_equal(parse(&o, "-s 10.0.0.1 -p 5000 -R --validate"), 0);
	ncd_opts_nic_req_client_rx(&o, &r);
	assert_null(r.dst);
}

/* fan-in: -c repeats on a server; each peer is one steering source */
static void several_peers(void **state)
{
	struct ncd_nic_req r;
	struct ncd_opts o;

	assert_int_equal(parse(&o, "-l -f eth1 -s 10.0.0.1 -c 10.0.1.2 -c 10.0.2.2 -c 10.0.3.2 -P 3 --validate"), 0);
	assert_int_equal(o.nclients, 3);
	assert_string_equal(o.client, "10.0.1.2");
	assert_int_equal(o.no_ctrl, 1);	/* no one sender decides */
	ncd_opts_nic_req(&o, &r);
	assert_int_equal(r.nsrc, 3);
	assert_string_equal(r.src[2], "10.0.3.2");
	/* the selftest's single -c is unchanged */
	assert_int_equal(parse(&o, "-l -f eth1 -s 10.0.0.1 -c 10.0.1.2"), 0);
	assert_int_equal(o.nclients, 1);
	assert_int_equal(o.no_ctrl, 0);
	assert_int_equal(parse(&o, "-s 10.0.0.1 -c 10.0.1.2 -c 10.0.2.2 --validate"), NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-l -s 10.0.0.1 -c 10.0.1.2 -c 10.0.1.2 -P 2 --validate"), NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-l -s 10.0.0.1 -c 10.0.1.2 -c 10.0.2.2 --validate"), NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-l -f eth1 --zcrx -s 10.0.0.1 -c 10.0.1.2 -c 10.0.2.2 -P 2 --validate"), NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-l -c 1 -c 2 -c 3 -c 4 -c 5 -c 6 -c 7 -c 8 -c 9 -P 9 --validate"), NCD_EXIT_USAGE);
	/* each peer gets -P / peers flows: -P a multiple of the peers */
	assert_int_equal(parse(&o, "-l -s 10.0.0.1 -c 10.0.1.2 -c 10.0.2.2 -P 4 --validate"), 0);
	assert_int_equal(parse(&o, "-l -s 10.0.0.1 -c 10.0.1.2 -c 10.0.2.2 -P 3 --validate"), NCD_EXIT_USAGE);
}

/* iperf3-style options: their letters, values and conflicts; the
 * selftest's letters keep their meaning next to them */
static void iperf3_options(void **state)
{
	struct ncd_opts o;
	uint64_t r;

	assert_int_equal(parse(&o, "-s 10.0.0.1 --validate -P 2 --bitrate 1.5G -w 4M -C reno "
			      "-O 2 -A 1,3 --cport 4000 -b 4K -t 2"), 0);
	assert_true(o.bitrate == 1500000000ULL);
	assert_int_equal(o.window, 4 << 20);
	assert_string_equal(o.congestion, "reno");
	assert_true(o.omit_s == 2);
	assert_int_equal(o.affinity, 1);
	assert_int_equal(o.affinity_peer, 3);
	assert_int_equal(o.cport, 4000);
	assert_int_equal(o.rx_page_size, 4096);	/* -b: still the selftest's */
	assert_int_equal(o.start_queue, 2);	/* -t: likewise */
	assert_int_equal(parse(&o, "-l --window 64K --congestion cubic --omit 0.5 "
			      "--affinity 0 --one-off"), 0);
	assert_int_equal(o.affinity, 0);
	assert_int_equal(o.affinity_peer, -1);
	assert_true(o.one_off);
	assert_int_equal(parse(&o, "-l --forever"), 0);
	assert_true(o.forever && !o.one_off);
	assert_int_equal(parse(&o, "-l"), 0);
	assert_true(!o.forever && o.affinity == -1 && !o.bitrate && !o.cport);

	assert_int_equal(parse(&o, "-l --forever -1"), NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-s h --forever"), NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-s h -1"), NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-l --cport 4000"), NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-s h --validate -P 3 --cport 65534"), NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-s h --validate -P 2 --cport 65534"), 0);
	assert_int_equal(parse(&o, "-s h -w 0"), NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-s h -C 0123456789abcdef"), NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-s h -A 1024"), NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-s h -A 1,"), NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-s h -A ,1"), NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-s h -O x"), NCD_EXIT_USAGE);

	assert_int_equal(ncd_parse_rate("100M", &r), 0);
	assert_true(r == 100000000ULL);
	assert_int_equal(ncd_parse_rate("1k", &r), 0);
	assert_true(r == 1000);
	assert_int_equal(ncd_parse_rate("0", &r), 0);
	assert_true(r == 0);
	assert_int_equal(ncd_parse_rate("-1M", &r), -1);
	assert_int_equal(ncd_parse_rate("1MM", &r), -1);
	assert_int_equal(ncd_parse_rate("M", &r), -1);
	assert_int_equal(ncd_parse_rate("1e3", &r), -1);
	assert_int_equal(ncd_parse_rate("99999999T", &r), -1);
}

/* --udmabuf-pages: auto picks 2 MiB pages for devmem -b above 4K only */
static void udmabuf_pages(void **state)
{
	struct ncd_opts o;

	assert_int_equal(parse(&o, "-l -f eth0 -b 16384"), 0);
	assert_int_equal(o.udmabuf_pages, NCD_UDMABUF_PAGES_AUTO);
	assert_true(ncd_udmabuf_hugetlb(&o));
	assert_int_equal(parse(&o, "-l -f eth0 -b 4096"), 0);
	assert_false(ncd_udmabuf_hugetlb(&o));
	assert_int_equal(parse(&o, "-l -f eth0"), 0);
	assert_false(ncd_udmabuf_hugetlb(&o));
	/* zcrx's -b is rx_buf_len, not bind-rx's alignment */
	assert_int_equal(parse(&o, "-l -f eth0 --zcrx --mem udmabuf -b 16K --discard"), 0);
	assert_false(ncd_udmabuf_hugetlb(&o));
	/* 4k with -b: no hugepages needed, the kernel judges the alignment */
	assert_int_equal(parse(&o, "-l -f eth0 -b 16384 --udmabuf-pages 4k"), 0);
	assert_int_equal(o.udmabuf_pages, NCD_UDMABUF_PAGES_4K);
	assert_false(ncd_udmabuf_hugetlb(&o));
	assert_int_equal(parse(&o, "-l -f eth0 --udmabuf-pages=2M"), 0);
	assert_true(ncd_udmabuf_hugetlb(&o));
	assert_int_equal(parse(&o, "-l -f eth0 -b 16K --udmabuf-pages auto"), 0);
	assert_true(ncd_udmabuf_hugetlb(&o));
	assert_int_equal(parse(&o, "-l -f eth0 --udmabuf-pages 4096"), 0);
	assert_int_equal(o.udmabuf_pages, NCD_UDMABUF_PAGES_4K);
	assert_int_equal(parse(&o, "--check -f eth0 --mem udmabuf --udmabuf-pages 2m"), 0);
	/* refused: unknown size, not a udmabuf, not the receiving end */
	assert_int_equal(parse(&o, "-l -f eth0 --udmabuf-pages 1g"), NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-l -f eth0 --udmabuf-pages"), NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-l -f eth0 --mem host --discard --udmabuf-pages 2m"),
			 NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-l --udmabuf-pages 4k"), NCD_EXIT_USAGE);
	assert_int_equal(parse(&o, "-s x -f eth0 --udmabuf-pages 2m"), NCD_EXIT_USAGE);
	/* auto is no choice: it is accepted anywhere */
	assert_int_equal(parse(&o, "-l --udmabuf-pages auto"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(upstream_short_flags),
		cmocka_unit_test(long_options),
		cmocka_unit_test(defaults),
		cmocka_unit_test(selftest_defaults),
		cmocka_unit_test(bad_numbers_are_usage_errors),
		cmocka_unit_test(cross_option_rules),
		cmocka_unit_test(help_exits_zero),
		cmocka_unit_test(number_parser),
		cmocka_unit_test(seconds_parser),
		cmocka_unit_test(iperf3_options),
		cmocka_unit_test(client_rx_steering),
		cmocka_unit_test(udmabuf_pages),
		cmocka_unit_test(several_peers),
	};

	devnull = fopen("/dev/null", "w");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
