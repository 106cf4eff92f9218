// SPDX-License-Identifier: MIT
/*
 * Per-host figures of a fan-in server (several -c peers): each peer's
 * flows summed, with the queue its steering rule names and the queues its
 * flows were seen on, so a sender that went wrong is named by address.
 */
#include <stdio.h>
#include <string.h>
#include "report.h"

struct host_sum {
	unsigned int flows;
	uint64_t bytes;
	double from, to;
	struct ncd_verdict v;
	uint64_t seen;		/* bit q: a flow arrived on RX queue q */
};

static void sum_host(const struct ncd_report *r, unsigned int h,
		     struct host_sum *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; i < r->nflows; i++) {
		const struct ncd_flow_stats *f = &r->flows[i];
		double a, b;

		if (f->host != (int)h + 1)
			continue;
		ncd_report_flow_span(r, i, &a, &b);
		if (!s->flows || a < s->from)
			s->from = a;
		if (b > s->to)
			s->to = b;
		s->flows++;
		s->bytes += ncd_report_flow_bytes(r, i);
		ncd_verdict_merge(&s->v, &f->verdict);
		if (f->rx_queue >= 0 && f->rx_queue < 64)
			s->seen |= 1ULL << f->rx_queue;
	}
}

/* Connections of peer @h the server refused (its share was full). */
static unsigned long long host_refused(const struct ncd_report *r,
				       unsigned int h)
{
	return r->conns ? r->conns->peer_refused[h] : 0;
}

/* "1,2" or "?" */
static void queues_text(char *buf, size_t len, uint64_t seen)
{
	size_t n = 0;

	buf[0] = 0;
	for (int q = 0; q < 64 && n < len; q++)
		if (seen & (1ULL << q))
			n += snprintf(buf + n, len - n, "%s%d", n ? "," : "", q);
	if (!buf[0])
		snprintf(buf, len, "?");
}

/* "host 10.0.1.2 (rule -> queue 1, seen on 1): 1 flow, [N refused (...), ]N bytes in S s = G Gbits/sec; validation: ok, ..." */
void ncd_report_hosts_text(const struct ncd_report *r, int pattern_on)
{
	const struct ncd_report_hosts *hs = r->hosts;
	FILE *t = r->text;
	struct host_sum s;
	char seen[192], rule[32];

	for (unsigned int h = 0; hs && h < hs->n; h++) {
		sum_host(r, h, &s);
		queues_text(seen, sizeof(seen), s.seen);
		if (hs->queue[h] >= 0)
			snprintf(rule, sizeof(rule), "rule -> queue %d", hs->queue[h]);
		else
			snprintf(rule, sizeof(rule), "no rule");
		fprintf(t, "host %s (%s, seen on %s): %u flow%s, ",
			hs->addr[h], rule, seen, s.flows, s.flows == 1 ? "" : "s");
		if (host_refused(r, h))
			fprintf(t, "%llu refused (beyond its share of -P), ",
				host_refused(r, h));
		fprintf(t, "%llu bytes in %.2f s = %.3f Gbits/sec",
			(unsigned long long)s.bytes, s.to - s.from,
			ncd_gbps(s.bytes, s.to - s.from));
		if (pattern_on)
			ncd_report_text_verdict(t, &s.v);
		else
			fputc('\n', t);
	}
}

void ncd_report_hosts_json(const struct ncd_report *r, FILE *f, int pattern_on)
{
	const struct ncd_report_hosts *hs = r->hosts;
	struct host_sum s;

	if (!hs)
		return;
	fputs("\"hosts\":[", f);
	for (unsigned int h = 0; h < hs->n; h++) {
		int n = 0;

		sum_host(r, h, &s);
		fprintf(f, "%s{\"host\":", h ? "," : "");
		ncd_json_escape(f, hs->addr[h]);
		fputs(",\"queue\":", f);
		if (hs->queue[h] >= 0)
			fprintf(f, "%d", hs->queue[h]);
		else
			fputs("null", f);
		fputs(",\"rx_queues\":[", f);
		for (int q = 0; q < 64; q++)
			if (s.seen & (1ULL << q))
				fprintf(f, "%s%d", n++ ? "," : "", q);
		fprintf(f, "],\"flows\":%u,\"refused\":%llu,\"seconds\":%.6f,\"bytes\":%llu,\"bits_per_second\":%.1f",
			s.flows, host_refused(r, h), s.to - s.from,
			(unsigned long long)s.bytes,
			ncd_gbps(s.bytes, s.to - s.from) * 1e9);
		fputc(',', f);
		ncd_report_json_verdict(f, &s.v, pattern_on);
		fputc('}', f);
	}
	fputs("],", f);
}

void ncd_report_host_of_stream(const struct ncd_report *r, FILE *f,
			       unsigned int i)
{
	const struct ncd_flow_stats *fl = &r->flows[i];

	if (!r->hosts)
		return;
	fputs(",\"host\":", f);
	if (fl->host > 0 && fl->host <= (int)r->hosts->n)
		ncd_json_escape(f, r->hosts->addr[fl->host - 1]);
	else
		fputs("null", f);
	fputs(",\"rx_queue\":", f);
	if (fl->rx_queue >= 0)
		fprintf(f, "%d", fl->rx_queue);
	else
		fputs("null", f);
}
