// SPDX-License-Identifier: MIT
/* Report: exit codes, text summary and JSON content. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "mem.h"
#include "opts.h"
#include "report.h"

struct fixture {
	struct ncd_opts o;
	struct ncd_flow_stats flows[2];
	struct ncd_report r;
	char *text, *json;
	size_t text_len, json_len;
	FILE *tf, *jf;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->o.listen = 1;
	f->o.flows = 2;
	f->o.pat.kind = NCD_PAT_OFFSET;
	f->o.pat.period = 64;
	f->o.json = 1;
	f->tf = open_memstream(&f->text, &f->text_len);
	f->jf = open_memstream(&f->json, &f->json_len);
	ncd_report_init(&f->r, &f->o, "receiver", f->flows, 2, f->tf);
	ncd_report_start(&f->r);
	f->flows[0].bytes = 1000000000;
	f->flows[0].t_end = 2.0;
	f->flows[0].verdict.checked = 1000000000;
	f->flows[1].bytes = 500000000;
	f->flows[1].t_end = 1.0;
	f->flows[1].verdict.checked = 500000000;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ncd_report_free(&f->r);
	fclose(f->tf);
	fclose(f->jf);
	free(f->text);
	free(f->json);
	free(f);
	return 0;
}

static void gbps(void **state)
{
	assert_true(ncd_gbps(1250000000, 1.0) == 10.0);
	assert_true(ncd_gbps(5, 0) == 0.0);
}

static char *escaped(const char *in)
{
	char *s = NULL;
	size_t n;
	FILE *m = open_memstream(&s, &n);

	ncd_json_escape(m, in);
	fclose(m);
	return s;
}

static void expect_escape(const char *in, const char *want)
{
	char *s = escaped(in);

	assert_string_equal(s, want);
	free(s);
}

static void escape(void **state)
{
	expect_escape("a\"b\\c\nd", "\"a\\\"b\\\\c\\u000ad\"");
	/* well-formed UTF-8 passes; anything else is U+FFFD, byte by byte */
	expect_escape("caf\xc3\xa9 \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
	expect_escape("\xff-", "\"\\ufffd-\"");
	expect_escape("x\xc3", "\"x\\ufffd\"");			/* cut short */
	expect_escape("\xc0\xaf", "\"\\ufffd\\ufffd\"");		/* overlong '/' */
	expect_escape("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
	expect_escape("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");	/* > U+10FFFF */
}

static void clean_run_is_ok(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(ncd_report_finish(&f->r, f->jf, 0), 0);
	fflush(f->jf);
	assert_non_null(strstr(f->json, "\"result\":\"ok\""));
	assert_non_null(strstr(f->json, "\"bytes\":1500000000"));
	/* the total rate is over the longest flow: 1.5 GB in 2 s = 6 Gb/s */
	assert_non_null(strstr(f->json, "\"bits_per_second\":6000000000.0"));
	assert_non_null(strstr(f->json, "\"intervals\":[]"));
}

static void mismatch_fails_with_offset(void **state)
{
	struct fixture *f = *state;

	f->flows[1].verdict = (struct ncd_verdict){ .checked = 10, .bad = 1,
		.have_first = 1, .first_off = 4242, .expected = 0x11, .actual = 0x22 };
	assert_int_equal(ncd_report_finish(&f->r, f->jf, 0), NCD_EXIT_FAIL);
	fflush(f->jf);
	assert_non_null(strstr(f->json, "\"first_bad_offset\":4242,\"expected\":17,\"actual\":34"));
	assert_non_null(strstr(f->json, "\"result\":\"failed\""));
}

/* fan-in: each -c peer's flows summed and named; a bad byte on one host */
static void hosts_named_with_their_figures(void **state)
{
	struct fixture *f = *state;
	struct ncd_report_hosts h = { .n = 2, .addr = { "10.0.1.2", "10.0.2.2" },
				      .queue = { 1, 2 } };
	/* the first peer opened one connection beyond its share */
	struct ncd_conn_counts c = { .flows = 2, .refused = 1,
				     .peer_refused = { 1, 0 } };

	f->r.hosts = &h;
	f->r.conns = &c;
	f->flows[0].host = 2;		/* the second peer's flow */
	f->flows[0].rx_queue = 2;
	f->flows[1].host = 1;
	f->flows[1].rx_queue = 1;
	f->flows[0].verdict = (struct ncd_verdict){ .checked = 1000000000, .bad = 1,
		.have_first = 1, .first_off = 4242, .expected = 1, .actual = 2 };
	assert_int_equal(ncd_report_finish(&f->r, f->jf, 0), NCD_EXIT_FAIL);
	fflush(f->jf);
	assert_non_null(strstr(f->json, "\"hosts\":[{\"host\":\"10.0.1.2\",\"queue\":1,\"rx_queues\":[1],\"flows\":1,\"refused\":1,\"seconds\":1.000000,\"bytes\":500000000,"));
	assert_non_null(strstr(f->json, "{\"host\":\"10.0.2.2\",\"queue\":2,\"rx_queues\":[2],\"flows\":1,\"refused\":0,\"seconds\":2.000000,\"bytes\":1000000000,\"bits_per_second\":4000000000.0,\"validation\":{\"result\":\"failed\",\"checked_bytes\":1000000000,\"bad_bytes\":1,\"first_bad_offset\":4242,"));
	assert_non_null(strstr(f->json, "\"host\":\"10.0.2.2\",\"rx_queue\":2,\"error\""));
	assert_int_equal(ncd_report_finish(&f->r, NULL, 0), NCD_EXIT_FAIL);
	fflush(f->tf);
	assert_non_null(strstr(f->text, "host 10.0.1.2 (rule -> queue 1, seen on 1): 1 flow, 1 refused (beyond its share of -P), 500000000 bytes in 1.00 s = 4.000 Gbits/sec; validation: ok, 500000000 bytes checked\n"));
	assert_non_null(strstr(f->text, "host 10.0.2.2 (rule -> queue 2, seen on 2): 1 flow, 1000000000 bytes in 2.00 s = 4.000 Gbits/sec; validation: FAILED, 1 of 1000000000 bytes wrong; first at stream offset 4242"));
}

/* Each direction named by the path it ran: a zcrx end sends by devmem TX
 * (-f and a dma-buf) or copy, and says so rather than "zcrx" */
static void paths_per_direction(void **state)
{
	struct fixture *f = *state;

	f->o.mode = NCD_MODE_ZCRX;
	assert_int_equal(ncd_report_finish(&f->r, f->jf, 0), 0);
	fflush(f->jf);
	assert_non_null(strstr(f->json, "\"mode\":\"zcrx\""));
	assert_non_null(strstr(f->json, "\"paths\":{\"rx\":\"zcrx\",\"tx\":null}"));
	f->r.role = "sender";
	assert_int_equal(ncd_report_finish(&f->r, f->jf, 0), 0);
	fflush(f->jf);
	assert_non_null(strstr(f->json, "\"paths\":{\"rx\":null,\"tx\":\"copy\"}"));
	f->r.role = "bidir";
	f->o.ifname = "eth0";
	f->o.mem = NCD_MEM_UDMABUF;
	assert_int_equal(ncd_report_finish(&f->r, f->jf, 0), 0);
	fflush(f->jf);
	assert_non_null(strstr(f->json, "\"paths\":{\"rx\":\"zcrx\",\"tx\":\"devmem\"}"));
	f->o.json = 0;
	assert_int_equal(ncd_report_finish(&f->r, NULL, 0), 0);
	fflush(f->tf);
	assert_non_null(strstr(f->text, "\nbidir zcrx RX + devmem TX/udmabuf: "));
	f->r.role = "sender";
	f->o.mem = NCD_MEM_HOST;
	assert_int_equal(ncd_report_finish(&f->r, NULL, 0), 0);
	fflush(f->tf);
	assert_non_null(strstr(f->text, "\nsender copy/host: "));
}

static void text_names_first_mismatch(void **state)
{
	struct fixture *f = *state;

	f->flows[0].verdict = (struct ncd_verdict){ .checked = 10, .bad = 2,
		.have_first = 1, .first_off = 77, .expected = 1, .actual = 2 };
	assert_int_equal(ncd_report_finish(&f->r, NULL, 0), NCD_EXIT_FAIL);
	fflush(f->tf);
	assert_non_null(strstr(f->text, "first at stream offset 77: expected 0x01, got 0x02"));
}

static void flow_error_and_signal(void **state)
{
	struct fixture *f = *state;

	strcpy(f->flows[0].error, "peer closed");
	assert_int_equal(ncd_report_finish(&f->r, f->jf, 0), NCD_EXIT_FAIL);
	assert_int_equal(ncd_report_finish(&f->r, f->jf, 2), 130);
	fflush(f->jf);
	assert_non_null(strstr(f->json, "\"error\":\"peer closed\""));
	assert_non_null(strstr(f->json, "\"interrupted_by_signal\":2"));
}

static void intervals_recorded(void **state)
{
	struct fixture *f = *state;

	f->r.t0 -= 1.0;		/* pretend a second has passed */
	ncd_report_interval(&f->r);
	ncd_report_interval(&f->r);
	assert_int_equal(ncd_report_finish(&f->r, f->jf, 0), 0);
	fflush(f->jf);
	assert_non_null(strstr(f->json, "\"intervals\":[{\"streams\":[{\"id\":1"));
	assert_non_null(strstr(f->json, "\"bytes\":1000000000"));
	assert_int_equal(f->r.nintervals, 2);
}

/* A path's counters reach the report without it knowing the mode;
 * "a.b" names nest. */
static void path_counters_are_printed(void **state)
{
	struct fixture *f = *state;
	struct ncd_counters *c = &f->flows[0].counters;

	c->group = "devmem";
	ncd_counter_add(c, "frags", 100, 0);
	ncd_counter_add(c, "frags_per_dontneed", 33.333, 1);
	ncd_counter_add(c, "dontneed_by.limit", 1, 0);
	ncd_counter_add(c, "dontneed_by.end", 2, 0);
	assert_int_equal(ncd_report_finish(&f->r, f->jf, 0), 0);
	fflush(f->jf);
	assert_non_null(strstr(f->json, ",\"devmem\":{\"frags\":100,\"frags_per_dontneed\":33.3,\"dontneed_by\":{\"limit\":1,\"end\":2}},"));
	assert_int_equal(ncd_report_finish(&f->r, NULL, 0), 0);
	fflush(f->tf);
	assert_non_null(strstr(f->text, "[    1] devmem: frags 100, frags_per_dontneed 33.3, dontneed_by limit 1, dontneed_by end 2\n"));
}

/* A sender folds TCP_INFO samples: interval retransmits are deltas, the
 * end has the total and the RTT extremes and mean (iperf3's names). */
static void tcp_info_folded(void **state)
{
	struct fixture *f = *state;
	struct ncd_tcp_sample a = { .total_retrans = 2, .snd_cwnd = 64000,
				    .rtt = 100, .rttvar = 10 };
	struct ncd_tcp_sample b = { .total_retrans = 5, .snd_cwnd = 32000,
				    .rtt = 300, .rttvar = 20 };

	f->o.listen = 0;
	f->r.role = "sender";
	f->r.t0 -= 1.0;
	ncd_report_tcp(&f->flows[0], &a);
	ncd_report_interval(&f->r);
	f->r.t0 -= 1.0;
	ncd_report_tcp(&f->flows[0], &b);
	ncd_report_interval(&f->r);
	assert_int_equal(ncd_report_finish(&f->r, f->jf, 0), 0);
	fflush(f->jf);
	assert_non_null(strstr(f->json, "\"retransmits\":2,\"snd_cwnd\":64000,\"rtt\":100,\"rttvar\":10"));
	assert_non_null(strstr(f->json, "\"retransmits\":3,\"snd_cwnd\":32000,\"rtt\":300,\"rttvar\":20"));
	assert_non_null(strstr(f->json, "\"retransmits\":5,\"max_snd_cwnd\":64000,\"max_rtt\":300,\"min_rtt\":100,\"mean_rtt\":200"));
	/* the receiver's half is this side's, marked as such */
	assert_non_null(strstr(f->json, "\"sum_sent\":{\"start\":0.000000,\"end\":2.000000,\"seconds\":2.000000,\"bytes\":1500000000,\"bits_per_second\":6000000000.0,\"retransmits\":5,\"sender\":true}"));
	assert_non_null(strstr(f->json, "\"sum_received\":{\"start\":0.000000,\"end\":2.000000,\"seconds\":2.000000,\"bytes\":1500000000,\"bits_per_second\":6000000000.0,\"sender\":true,\"mirrored\":true}"));
	assert_non_null(strstr(f->json, "\"remote_total\":null"));
	assert_int_equal(ncd_report_finish(&f->r, NULL, 0), 0);
	fflush(f->tf);
	assert_non_null(strstr(f->text, "[    1] tcp: retransmits 5, cwnd max 62.50 KBytes, rtt min/mean/max 100/200/300 us"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gbps),
		cmocka_unit_test(escape),
		cmocka_unit_test_setup_teardown(clean_run_is_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(path_counters_are_printed, setup, teardown),
		cmocka_unit_test_setup_teardown(mismatch_fails_with_offset, setup, teardown),
		cmocka_unit_test_setup_teardown(text_names_first_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(hosts_named_with_their_figures, setup, teardown),
		cmocka_unit_test_setup_teardown(paths_per_direction, setup, teardown),
		cmocka_unit_test_setup_teardown(flow_error_and_signal, setup, teardown),
		cmocka_unit_test_setup_teardown(intervals_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(tcp_info_folded, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
