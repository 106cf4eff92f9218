// SPDX-License-Identifier: MIT
/* Interval and summary reporting, text and JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "mem.h"
#include "opts.h"
#include "report.h"
#include "version.h"
#include "datapath.h"

#define NCD_BLKSIZE	NCD_TX_CHUNK	/* bytes per send */

double ncd_gbps(uint64_t bytes, double seconds)
{
	return seconds > 0 ? bytes * 8.0 / seconds / 1e9 : 0.0;
}

/* Length of the well-formed UTF-8 sequence at @s (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), 0 if there is none. */
static int utf8_len(const unsigned char *s)
{
	int n = s[0] < 0x80 ? 1 : s[0] < 0xc2 ? 0 : s[0] < 0xe0 ? 2 :
		s[0] < 0xf0 ? 3 : s[0] < 0xf5 ? 4 : 0;

	for (int i = 1; i < n; i++)	/* stops at the NUL: never reads past */
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) ||
			(s[0] == 0xed && s[1] >= 0xa0))) ||
	    (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) ||
			(s[0] == 0xf4 && s[1] >= 0x90))))
		return 0;
	return n;
}

/* A JSON string; bytes that are not UTF-8 (a host name or interface from
 * the command line) become U+FFFD, so the document always parses. */
void ncd_json_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		int n = utf8_len(p);

		if (!n) {
			fputs("\\ufffd", f);
			n = 1;
		} else if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fwrite(p, 1, n, f);
		p += n;
	}
	fputc('"', f);
}

const char *ncd_verdict_result(const struct ncd_verdict *v, int pattern_on)
{
	if (!pattern_on)
		return "off";
	/* nothing checked is nothing proven: asked to validate, that fails */
	return v->bad || !v->checked ? "failed" : "ok";
}

static void process_cpu(double *user, double *sys)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*user = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	*sys = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Peak resident memory of the process, KiB (Linux reports KiB). */
static long max_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

int ncd_report_init(struct ncd_report *r, const struct ncd_opts *o,
		    const char *role, struct ncd_flow_stats *flows,
		    unsigned int nflows, FILE *text)
{
	memset(r, 0, sizeof(*r));
	r->o = o;
	r->role = role;
	r->flows = flows;
	r->nflows = nflows;
	r->text = text;
	/* with --logfile, stderr is the log file (main() put it there) */
	r->json_f = o->logfile ? stderr : stdout;
	r->wall_t0 = time(NULL);
	r->last_bytes = calloc(nflows, sizeof(*r->last_bytes));
	r->omit_bytes = calloc(nflows, sizeof(*r->omit_bytes));
	if (!r->last_bytes || !r->omit_bytes)
		return -1;
	/* intervals wait for the end of the document in an unlinked file, so
	 * a long -J run holds no more memory than a short one */
	if (o->json && !o->json_stream) {
		r->json_iv_f = tmpfile();
		if (!r->json_iv_f) {
			fprintf(stderr, "ncdevmem: no temporary file for the -J intervals: %s: check TMPDIR\n",
				strerror(errno));
			return -1;
		}
	}
	return 0;
}

void ncd_report_start(struct ncd_report *r)
{
	if (r->t0)
		return;
	r->t0 = ncd_now();
	r->wall_t0 = time(NULL);
	process_cpu(&r->ru_user0, &r->ru_sys0);
}

static const char *unit_bytes(double b, double *out)
{
	static const char *const u[] = { "Bytes", "KBytes", "MBytes", "GBytes", "TBytes" };
	int i = 0;

	while (b >= 1024 && i < 4) {
		b /= 1024;
		i++;
	}
	*out = b;
	return u[i];
}

static int is_sender(const struct ncd_report *r)
{
	return !strcmp(r->role, "sender");
}

static int is_bidir(const struct ncd_report *r)
{
	return !strcmp(r->role, "bidir");
}

/* Whether this end sends on flow @f: the role's, per flow in --bidir. */
static int flow_sends(const struct ncd_report *r, const struct ncd_flow_stats *f)
{
	return is_bidir(r) ? f->sending : is_sender(r);
}

/* The path this end receives with and the one it sends with (a zcrx end
 * sends by devmem TX or copy); NULL for a direction it does not run. */
static const char *rx_path(const struct ncd_report *r)
{
	return is_sender(r) ? NULL : ncd_mode_name(r->o->mode);
}

static const char *tx_path(const struct ncd_report *r)
{
	return is_sender(r) || is_bidir(r) ?
	       ncd_mode_name(ncd_opts_tx_mode(r->o)) : NULL;
}

/* "zcrx", or in --bidir with two paths "zcrx RX + copy TX" */
static void path_label(const struct ncd_report *r, char *buf, size_t len)
{
	const char *rx = rx_path(r), *tx = tx_path(r);

	if (rx && tx && strcmp(rx, tx))
		snprintf(buf, len, "%s RX + %s TX", rx, tx);
	else
		snprintf(buf, len, "%s", rx ? rx : tx);
}

/* A flow's label: its number, and in --bidir its direction (TX, RX). */
static void flow_id(const struct ncd_report *r, unsigned int i, char *id,
		    size_t len)
{
	snprintf(id, len, "%u%s", i + 1, !is_bidir(r) ? "" :
		 r->flows[i].sending ? "TX" : "RX");
}

static void text_head(struct ncd_report *r, const char *id, double a, double b,
		      uint64_t bytes)
{
	double v;
	const char *u = unit_bytes(bytes, &v);

	fprintf(r->text, "[%5s] %7.2f-%-7.2f sec %8.2f %-6s %8.3f Gbits/sec",
		id, a, b, v, u, ncd_gbps(bytes, b - a));
}

/* iperf3 marks the intervals of the -O time so */
static const char *omit_mark(const struct ncd_report *r)
{
	return r->in_omit ? " (omitted)" : "";
}

static void text_line(struct ncd_report *r, const char *id, double a, double b,
		      uint64_t bytes)
{
	text_head(r, id, a, b, bytes);
	fprintf(r->text, "%s\n", omit_mark(r));
}

/* The same line with the sender's TCP columns: retransmits in the
 * interval, congestion window, RTT (and its variance). */
static void text_line_tcp(struct ncd_report *r, const char *id, double a,
			  double b, uint64_t bytes, uint32_t retr,
			  const struct ncd_tcp_stats *t)
{
	double cw;
	const char *cu = unit_bytes(t->now.snd_cwnd, &cw);

	text_head(r, id, a, b, bytes);
	fprintf(r->text, " %5u retr  cwnd %.2f %s  rtt %u us (var %u)%s\n",
		retr, cw, cu, t->now.rtt, t->now.rttvar, omit_mark(r));
}

void ncd_report_tcp(struct ncd_flow_stats *f, const struct ncd_tcp_sample *s)
{
	struct ncd_tcp_stats *t = &f->tcp;

	t->now = *s;
	if (s->snd_cwnd > t->max_snd_cwnd)
		t->max_snd_cwnd = s->snd_cwnd;
	if (s->rtt) {
		if (s->rtt > t->max_rtt)
			t->max_rtt = s->rtt;
		if (!t->min_rtt || s->rtt < t->min_rtt)
			t->min_rtt = s->rtt;
		t->rtt_sum += s->rtt;
		t->rtt_n++;
	}
	t->have = 1;
}

/* "start":..,"end":..,"seconds":..,"bytes":..,"bits_per_second":.. */
static void json_span(FILE *f, double a, double b, uint64_t bytes)
{
	fprintf(f, "\"start\":%.6f,\"end\":%.6f,\"seconds\":%.6f,\"bytes\":%llu,\"bits_per_second\":%.1f",
		a, b, b - a, (unsigned long long)bytes,
		ncd_gbps(bytes, b - a) * 1e9);
}

static void json_iv_stream(struct ncd_report *r, FILE *f, unsigned int i,
			   double a, double b, uint64_t bytes, uint32_t retr)
{
	const struct ncd_flow_stats *fl = &r->flows[i];
	const struct ncd_tcp_stats *t = &fl->tcp;

	fprintf(f, "{\"id\":%u,\"socket\":%d,", i + 1, fl->socket);
	json_span(f, a, b, bytes);
	if (flow_sends(r, fl) && t->have)
		fprintf(f, ",\"retransmits\":%u,\"snd_cwnd\":%u,\"rtt\":%u,\"rttvar\":%u,"
			"\"pacing_bits_per_second\":%llu,\"delivery_bits_per_second\":%llu",
			retr, t->now.snd_cwnd, t->now.rtt, t->now.rttvar,
			(unsigned long long)t->now.pacing_rate * 8,
			(unsigned long long)t->now.delivery_rate * 8);
	fprintf(f, ",\"omitted\":%s,\"sender\":%s}", r->in_omit ? "true" : "false",
		flow_sends(r, fl) ? "true" : "false");
}

/* {"streams":[...],"sum":{...}} of the interval a..b */
static void json_interval(struct ncd_report *r, FILE *f, double a, double b,
			  const uint64_t *d, const uint32_t *retr)
{
	uint64_t sum = 0;
	uint32_t rsum = 0;
	int have = 0;

	fputs("{\"streams\":[", f);
	for (unsigned int i = 0; i < r->nflows; i++) {
		if (i)
			fputc(',', f);
		json_iv_stream(r, f, i, a, b, d[i], retr[i]);
		sum += d[i];
		rsum += retr[i];
		have |= r->flows[i].tcp.have;
	}
	fputs("],\"sum\":{", f);
	json_span(f, a, b, sum);
	if (is_sender(r) && have)
		fprintf(f, ",\"retransmits\":%u", rsum);
	fprintf(f, ",\"omitted\":%s,\"sender\":%s}}", r->in_omit ? "true" : "false",
		is_sender(r) ? "true" : "false");
}

static void json_start(struct ncd_report *r, FILE *f);

/* --json-stream: one event a line, flushed, so a reader sees it now */
static void stream_event(struct ncd_report *r, const char *event)
{
	fprintf(r->json_f, "{\"event\":\"%s\",\"data\":", event);
}

static void stream_event_end(struct ncd_report *r)
{
	fputs("}\n", r->json_f);
	fflush(r->json_f);
}

static void stream_start(struct ncd_report *r)
{
	if (!r->o->json_stream || r->stream_started)
		return;
	r->stream_started = 1;
	stream_event(r, "start");
	json_start(r, r->json_f);
	stream_event_end(r);
}

void ncd_report_poll(struct ncd_report *r)
{
	for (unsigned int i = 0; i < r->nflows; i++)
		if (!atomic_load(&r->flows[i].started))
			return;
	stream_start(r);
}

/* Bytes or retransmits not in an interval line yet: the tail must be shown,
 * however short, so the intervals add up to the end's totals. */
int ncd_report_pending(struct ncd_report *r)
{
	for (unsigned int i = 0; i < r->nflows && i < NCD_MAX_FLOWS; i++) {
		const struct ncd_tcp_stats *t = &r->flows[i].tcp;

		if (atomic_load(&r->flows[i].bytes) != r->last_bytes[i] ||
		    (t->have && t->now.total_retrans != t->retrans_iv))
			return 1;
	}
	return 0;
}

void ncd_report_interval(struct ncd_report *r)
{
	double now = ncd_now() - r->t0, a = r->last_t;
	uint64_t d[NCD_MAX_FLOWS] = { 0 }, sum = 0;
	uint32_t retr[NCD_MAX_FLOWS] = { 0 }, rsum = 0;
	int have = 0;
	char id[16];

	if (!r->t0 || now <= a || r->nflows > NCD_MAX_FLOWS)
		return;
	r->in_omit = r->o->omit_s > 0 && !r->omit_done;
	for (unsigned int i = 0; i < r->nflows; i++) {
		struct ncd_tcp_stats *t = &r->flows[i].tcp;
		uint64_t b = atomic_load(&r->flows[i].bytes);

		d[i] = b - r->last_bytes[i];
		r->last_bytes[i] = b;
		sum += d[i];
		if (t->have) {
			retr[i] = t->now.total_retrans - t->retrans_iv;
			t->retrans_iv = t->now.total_retrans;
			rsum += retr[i];
			have = 1;
		}
	}
	if (r->json_iv_f) {
		if (r->nintervals)
			fputc(',', r->json_iv_f);
		json_interval(r, r->json_iv_f, a, now, d, retr);
	} else if (r->o->json_stream) {
		stream_start(r);
		stream_event(r, "interval");
		json_interval(r, r->json_f, a, now, d, retr);
		stream_event_end(r);
	} else {
		for (unsigned int i = 0; r->nflows > 1 && i < r->nflows; i++) {
			flow_id(r, i, id, sizeof(id));
			if (flow_sends(r, &r->flows[i]) && r->flows[i].tcp.have)
				text_line_tcp(r, id, a, now, d[i], retr[i],
					      &r->flows[i].tcp);
			else
				text_line(r, id, a, now, d[i]);
		}
		if (r->nflows == 1 && is_sender(r) && have)
			text_line_tcp(r, "1", a, now, sum, rsum, &r->flows[0].tcp);
		else if (r->nflows > 1 && is_sender(r) && have) {
			text_head(r, "SUM", a, now, sum);
			fprintf(r->text, " %5u retr%s\n", rsum, omit_mark(r));
		} else
			text_line(r, r->nflows > 1 ? "SUM" : "1", a, now, sum);
	}
	if (r->o->forceflush) {
		fflush(r->text);
		if (r->o->json)
			fflush(r->json_f);
	}
	r->nintervals++;
	r->last_t = now;
	r->in_omit = 0;
}

void ncd_report_omit_end(struct ncd_report *r)
{
	if (r->omit_done || !r->t0)
		return;
	if (r->o->interval_s > 0) {	/* the counts the intervals end at */
		ncd_report_interval(r);
		memcpy(r->omit_bytes, r->last_bytes,
		       r->nflows * sizeof(*r->omit_bytes));
		r->t_omit = r->last_t;
	} else {
		r->t_omit = ncd_now() - r->t0;
		for (unsigned int i = 0; i < r->nflows; i++)
			r->omit_bytes[i] = atomic_load(&r->flows[i].bytes);
	}
	r->omit_done = 1;
}

/* Bytes and time of a flow that count: after the -O time. */
static uint64_t flow_bytes(const struct ncd_report *r, unsigned int i)
{
	return atomic_load(&r->flows[i].bytes) - r->omit_bytes[i];
}

uint64_t ncd_report_flow_bytes(const struct ncd_report *r, unsigned int i)
{
	return flow_bytes(r, i);
}

static double flow_from(const struct ncd_report *r, const struct ncd_flow_stats *f)
{
	double a = f->t_start > r->t_omit ? f->t_start : r->t_omit;

	return a < f->t_end ? a : f->t_end;
}

static double flow_secs(const struct ncd_report *r, const struct ncd_flow_stats *f)
{
	return f->t_end > flow_from(r, f) ? f->t_end - flow_from(r, f) : 0;
}

void ncd_report_flow_span(const struct ncd_report *r, unsigned int i,
			  double *from, double *to)
{
	*from = flow_from(r, &r->flows[i]);
	*to = r->flows[i].t_end;
}

/* devmem: fragments given back per SO_DEVMEM_DONTNEED call */
/* "[id] devmem: frags 9, dontneed_by limit 1, ..." */
static void text_counters(FILE *t, const char *id, const struct ncd_counters *cs)
{
	if (!cs->group)
		return;
	fprintf(t, "[%5s] %s:", id, cs->group);
	for (unsigned int i = 0; i < cs->n; i++) {
		const char *name = cs->c[i].name, *dot = strchr(name, '.');

		fprintf(t, "%s %.*s%s%s %.*f", i ? "," : "",
			dot ? (int)(dot - name) : (int)strlen(name), name,
			dot ? " " : "", dot ? dot + 1 : "", cs->c[i].decimals,
			cs->c[i].value);
	}
	fputc('\n', t);
}

/* Length of the nested-object prefix of @name ("a." of "a.b"), 0 if none. */
static int group_len(const char *name)
{
	const char *dot = strchr(name, '.');

	return dot ? (int)(dot - name) + 1 : 0;
}

/* ,"devmem":{"frags":9,"dontneed_by":{"limit":1,...}} */
static void json_counters(FILE *f, const struct ncd_counters *cs)
{
	int open = 0;	/* prefix length of the nested object open now */

	if (!cs->group)
		return;
	fprintf(f, ",\"%s\":{", cs->group);
	for (unsigned int i = 0; i < cs->n; i++) {
		const char *name = cs->c[i].name;
		int g = group_len(name);

		if (open && (g != open || strncmp(name, cs->c[i - 1].name, g))) {
			fputc('}', f);
			open = 0;
		}
		if (i)
			fputc(',', f);
		if (g && !open) {
			fprintf(f, "\"%.*s\":{", g - 1, name);
			open = g;
		}
		fprintf(f, "\"%s\":%.*f", name + g, cs->c[i].decimals,
			cs->c[i].value);
	}
	fputs(open ? "}}" : "}", f);
}

/* "[id] tcp: retransmits 3, cwnd max 1.50 MBytes, rtt min/mean/max ..." */
static void text_tcp(FILE *t, const char *id, const struct ncd_tcp_stats *s)
{
	double cw;
	const char *cu = unit_bytes(s->max_snd_cwnd, &cw);

	fprintf(t, "[%5s] tcp: retransmits %u, cwnd max %.2f %s, rtt min/mean/max %u/%u/%u us, pacing %.3f Gbits/sec, delivery %.3f Gbits/sec\n",
		id, s->now.total_retrans, cw, cu, s->min_rtt,
		s->rtt_n ? (unsigned int)(s->rtt_sum / s->rtt_n) : 0, s->max_rtt,
		s->now.pacing_rate * 8 / 1e9, s->now.delivery_rate * 8 / 1e9);
}

static void text_verdict(FILE *t, const char *id, const struct ncd_verdict *v,
			 int pattern_on)
{
	if (!pattern_on)
		return;
	if (!v->checked) {
		fprintf(t, "[%5s] validation: FAILED, no payload received (0 bytes checked)\n", id);
		return;
	}
	if (!v->bad) {
		fprintf(t, "[%5s] validation: ok, %llu bytes checked\n", id,
			(unsigned long long)v->checked);
		return;
	}
	fprintf(t, "[%5s] validation: FAILED, %llu of %llu bytes wrong; first at stream offset %llu: expected 0x%02x, got 0x%02x\n",
		id, (unsigned long long)v->bad, (unsigned long long)v->checked,
		(unsigned long long)v->first_off, v->expected, v->actual);
}

static void text_conns(FILE *t, const struct ncd_conn_counts *c)
{
	if (!c || !(c->empty || c->silent || c->refused || c->rejected))
		return;	/* nothing but flows: nothing to say */
	fprintf(t, "connections: %llu flow%s, %llu empty (closed without data), %llu silent, %llu refused (beyond -P or a peer's share of it), %llu rejected (not the -c address)\n",
		c->flows, c->flows == 1 ? "" : "s", c->empty, c->silent,
		c->refused, c->rejected);
}

static void json_conns(FILE *f, const struct ncd_conn_counts *c)
{
	if (!c)
		return;
	fprintf(f, "\"connections\":{\"flows\":%llu,\"empty\":%llu,\"silent\":%llu,\"refused\":%llu,\"rejected\":%llu},",
		c->flows, c->empty, c->silent, c->refused, c->rejected);
}

/* "; validation: ..." ending a peer's or a host's line */
void ncd_report_text_verdict(FILE *t, const struct ncd_verdict *v)
{
	if (!v->checked)
		fputs("; validation: FAILED, 0 bytes checked\n", t);
	else if (!v->bad)
		fprintf(t, "; validation: ok, %llu bytes checked\n",
			(unsigned long long)v->checked);
	else
		fprintf(t, "; validation: FAILED, %llu of %llu bytes wrong; first at stream offset %llu: expected 0x%02x, got 0x%02x\n",
			(unsigned long long)v->bad, (unsigned long long)v->checked,
			(unsigned long long)v->first_off, v->expected, v->actual);
}

/* "peer receiver: N bytes in S s = G Gbits/sec; cpu ...; validation: ..." */
static void text_peer(FILE *t, const struct ncd_ctrl_result *p, int bidir)
{
	if (!p)
		return;
	fprintf(t, "peer %s: %llu bytes in %.2f s = %.3f Gbits/sec; cpu user %.2f s sys %.2f s (%.1f%%)",
		bidir ? "bidir" : p->sender ? "sender" : "receiver",
		(unsigned long long)p->bytes,
		p->secs, ncd_gbps(p->bytes, p->secs), p->cpu_user, p->cpu_sys,
		p->secs > 0 ? 100 * (p->cpu_user + p->cpu_sys) / p->secs : 0.0);
	if (p->pattern_on)
		ncd_report_text_verdict(t, &p->verdict);
	else
		fputc('\n', t);
}

static void text_summary(struct ncd_report *r, const struct ncd_verdict *all,
			 uint64_t total, double secs, double cu, double cs,
			 int pattern_on)
{
	FILE *t = r->text;
	char id[16], path[40];

	fprintf(t, "- - - - - - - - - - - - - - - - - - - - - - - - -\n");
	for (unsigned int i = 0; i < r->nflows; i++) {
		struct ncd_flow_stats *f = &r->flows[i];

		flow_id(r, i, id, sizeof(id));
		text_line(r, id, flow_from(r, f), f->t_end, flow_bytes(r, i));
		fprintf(t, "[%5s] cpu: user %.2f s, sys %.2f s%s%s\n", id,
			f->cpu_user, f->cpu_sys, f->error[0] ? "; error: " : "",
			f->error);
		if (flow_sends(r, f) && f->tcp.have)
			text_tcp(t, id, &f->tcp);
		text_counters(t, id, &f->counters);
		if (f->counters.linear_bytes)
			fprintf(t, "[%5s] %llu payload bytes landed in host memory (SCM_DEVMEM_LINEAR)\n",
				id, f->counters.linear_bytes);
		if (r->nflows > 1 && !(is_bidir(r) && f->sending))
			text_verdict(t, id, &f->verdict, pattern_on);
	}
	if (is_bidir(r)) {	/* one sum a direction */
		uint64_t tx = 0;

		for (unsigned int i = 0; i < r->nflows; i++)
			if (r->flows[i].sending)
				tx += flow_bytes(r, i);
		text_line(r, "SUMTX", r->t_omit, secs, tx);
		text_line(r, "SUMRX", r->t_omit, secs, total - tx);
	}
	if (r->nflows > 1)
		text_line(r, "SUM", r->t_omit, secs, total);
	text_verdict(t, is_bidir(r) ? "SUMRX" : r->nflows > 1 ? "SUM" : "1", all,
		     pattern_on);
	ncd_report_hosts_text(r, pattern_on);
	text_conns(t, r->conns);
	text_peer(t, r->peer, is_bidir(r));
	path_label(r, path, sizeof(path));
	fprintf(t, "%s %s/%s: %llu bytes in %.2f s = %.3f Gbits/sec; cpu user %.2f s sys %.2f s (%.2f s per GB); max RSS %.1f MB\n",
		r->role, path,
		ncd_mem_kind_name(r->o->mem), (unsigned long long)total,
		secs - r->t_omit, ncd_gbps(total, secs - r->t_omit), cu, cs,
		total ? (cu + cs) / (total / 1e9) : 0.0,
		max_rss_kb() * 1024 / 1e6);
}

/* "validation":{...} of one flow, one host or the sum */
void ncd_report_json_verdict(FILE *f, const struct ncd_verdict *v, int pattern_on)
{
	fprintf(f, "\"validation\":{\"result\":\"%s\",\"checked_bytes\":%llu,\"bad_bytes\":%llu",
		ncd_verdict_result(v, pattern_on),
		(unsigned long long)v->checked, (unsigned long long)v->bad);
	if (v->have_first)
		fprintf(f, ",\"first_bad_offset\":%llu,\"expected\":%u,\"actual\":%u",
			(unsigned long long)v->first_off, v->expected, v->actual);
	fputc('}', f);
}

static void copy_intervals(FILE *from, FILE *to)
{
	char buf[8192];
	size_t n;

	rewind(from);
	while ((n = fread(buf, 1, sizeof(buf), from)) > 0)
		fwrite(buf, 1, n, to);
}

static void json_str_or_null(FILE *f, const char *s)
{
	if (s)
		ncd_json_escape(f, s);
	else
		fputs("null", f);
}

/* The start object: iperf3's keys (timestamp, connected, test_start, ...)
 * and ncdevmem's own (role, mode, mem, flows, pattern, ...). */
static void json_start(struct ncd_report *r, FILE *f)
{
	const struct ncd_opts *o = r->o;
	struct utsname u;
	struct tm tm;
	char when[64];
	int n = 0;
	static const char *const pats[] = { "none", "offset", "upstream" };

	uname(&u);
	gmtime_r(&r->wall_t0, &tm);
	strftime(when, sizeof(when), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	fputs("{\"connected\":[", f);
	for (unsigned int i = 0; i < r->nflows; i++) {
		const struct ncd_flow_stats *fl = &r->flows[i];

		if (!atomic_load(&fl->started))
			continue;
		fprintf(f, "%s{\"socket\":%d,\"local_host\":", n++ ? "," : "",
			fl->socket);
		ncd_json_escape(f, fl->names.local_host);
		fprintf(f, ",\"local_port\":%u,\"remote_host\":",
			fl->names.local_port);
		ncd_json_escape(f, fl->names.remote_host);
		fprintf(f, ",\"remote_port\":%u,\"id\":%u}",
			fl->names.remote_port, i + 1);
	}
	fputs("],\"version\":", f);
	fprintf(f, "\"ncdevmem %s\",\"system_info\":", ncd_version());
	{
		char sys[5 * 65 + 8];

		snprintf(sys, sizeof(sys), "%s %s %s %s %s", u.sysname,
			 u.nodename, u.release, u.version, u.machine);
		ncd_json_escape(f, sys);
	}
	fprintf(f, ",\"timestamp\":{\"time\":\"%s\",\"timesecs\":%lld}", when,
		(long long)r->wall_t0);
	if (is_sender(r)) {
		fputs(",\"connecting_to\":{\"host\":", f);
		json_str_or_null(f, o->server);
		fprintf(f, ",\"port\":%u}", o->port);
	}
	fprintf(f, ",\"test_start\":{\"protocol\":\"TCP\",\"num_streams\":%u,\"blksize\":%u,"
		"\"omit\":%g,\"duration\":%g,\"bytes\":%llu,\"blocks\":0,\"reverse\":%d,"
		"\"bidir\":%d,\"tos\":0,\"target_bitrate\":%llu,\"fqrate\":0,\"interval\":%g}",
		r->nflows, o->tx_chunk && o->tx_chunk < NCD_BLKSIZE ? o->tx_chunk : NCD_BLKSIZE,
		o->omit_s, o->time_s, (unsigned long long)(o->bytes * r->nflows),
		o->dir == NCD_DIR_REVERSE, o->dir == NCD_DIR_BIDIR,
		(unsigned long long)o->bitrate, o->interval_s);
	fprintf(f, ",\"tool\":\"ncdevmem\",\"role\":\"%s\",\"mode\":\"%s\",\"mem\":\"%s\","
		"\"flows\":%u,\"pattern\":\"%s\",\"seed\":%llu,\"period\":%llu,"
		"\"host_validator\":\"%s\",\"kernel\":",
		r->role, ncd_mode_name(o->mode), ncd_mem_kind_name(o->mem),
		r->nflows, pats[o->pat.kind], (unsigned long long)o->pat.seed,
		(unsigned long long)o->pat.period, ncd_pattern_isa());
	ncd_json_escape(f, u.release);
	/* the path each direction ran, null for one this end did not run */
	fputs(",\"paths\":{\"rx\":", f);
	json_str_or_null(f, rx_path(r));
	fputs(",\"tx\":", f);
	json_str_or_null(f, tx_path(r));
	fputs("},\"interface\":", f);
	json_str_or_null(f, o->ifname);
	fprintf(f, ",\"port\":%u", o->port);
	if (o->affinity >= 0 || o->affinity_peer >= 0)	/* -A N[,M] */
		fprintf(f, ",\"affinity\":{\"cpu\":%d,\"peer_cpu\":%d}",
			o->affinity, o->affinity_peer);
	fputc('}', f);
}

/*
 * One half of a flow or of the sum: "sender" or "receiver".  This host
 * fills its own half; without the peer's report (no control channel) the
 * other half mirrors this side's bytes and time and says so ("mirrored").
 * TCP figures exist only on the sending host.
 */
static void json_half(struct ncd_report *r, FILE *f, int sender_half,
		      int sends, int socket, double a, double b, uint64_t bytes,
		      const struct ncd_tcp_stats *t, uint32_t retrans)
{
	int own = sender_half == sends;
	int mirrored = !own && !r->peer;

	fputc('{', f);
	if (socket >= 0)
		fprintf(f, "\"socket\":%d,", socket);
	json_span(f, a, b, bytes);
	if (own && sender_half && t && t->have)
		fprintf(f, ",\"retransmits\":%u,\"max_snd_cwnd\":%u,\"max_rtt\":%u,"
			"\"min_rtt\":%u,\"mean_rtt\":%u,\"pacing_bits_per_second\":%llu,"
			"\"delivery_bits_per_second\":%llu",
			t->now.total_retrans, t->max_snd_cwnd, t->max_rtt, t->min_rtt,
			t->rtt_n ? (unsigned int)(t->rtt_sum / t->rtt_n) : 0,
			(unsigned long long)t->now.pacing_rate * 8,
			(unsigned long long)t->now.delivery_rate * 8);
	else if (own && sender_half && !t && retrans != UINT32_MAX)
		fprintf(f, ",\"retransmits\":%u", retrans);
	fprintf(f, ",\"sender\":%s%s}", sends ? "true" : "false",
		mirrored ? ",\"mirrored\":true" : "");
}

/* The peer's figures for flow @i (the control connection), else ours. */
static void peer_flow(const struct ncd_report *r, unsigned int i, double *a,
		      double *b, uint64_t *bytes)
{
	if (!r->peer || i >= r->peer->nflows)
		return;
	*a = r->peer->flow[i].t_start;
	*b = r->peer->flow[i].t_end;
	*bytes = r->peer->flow[i].bytes;
}

/*
 * --bidir: sum_sent / sum_received are the client-to-server direction,
 * sum_sent_bidir_reverse / sum_received_bidir_reverse the other, as in
 * iperf3.  Flow i here and flow i on the peer are the two ends of one
 * connection, so the peer's half of each direction adds up from its flows.
 */
static void json_bidir_sums(struct ncd_report *r, FILE *f, double secs)
{
	static const char *const names[2][2] = {
		{ "sum_sent", "sum_received" },
		{ "sum_sent_bidir_reverse", "sum_received_bidir_reverse" } };

	for (int rev = 0; rev < 2; rev++) {
		/* the client sends in the forward direction */
		int sends = !r->o->listen == !rev;
		uint64_t mine = 0, theirs = 0;
		double psecs = 0;
		uint32_t retrans = 0;
		int have = 0;

		for (unsigned int i = 0; i < r->nflows; i++) {
			const struct ncd_flow_stats *fl = &r->flows[i];

			if (fl->sending != sends)
				continue;
			mine += flow_bytes(r, i);
			if (fl->tcp.have) {
				retrans += fl->tcp.now.total_retrans;
				have = 1;
			}
			if (r->peer && i < r->peer->nflows) {
				theirs += r->peer->flow[i].bytes;
				if (r->peer->flow[i].t_end > psecs)
					psecs = r->peer->flow[i].t_end;
			}
		}
		if (!r->peer) {
			theirs = mine;
			psecs = secs;
		}
		fprintf(f, ",\"%s\":", names[rev][0]);
		if (sends)
			json_half(r, f, 1, 1, -1, r->t_omit, secs, mine, NULL,
				  have ? retrans : UINT32_MAX);
		else
			json_half(r, f, 1, 0, -1, 0, psecs, theirs, NULL, 0);
		fprintf(f, ",\"%s\":", names[rev][1]);
		if (sends)
			json_half(r, f, 0, 1, -1, 0, psecs, theirs, NULL, 0);
		else
			json_half(r, f, 0, 0, -1, r->t_omit, secs, mine, NULL, 0);
	}
}

static void json_end(struct ncd_report *r, FILE *f, const struct ncd_verdict *all,
		     uint64_t total, double secs, double cu, double cs,
		     int pattern_on, int interrupted, int rc)
{
	uint32_t retrans = 0;
	int have = 0;

	fputs("{\"streams\":[", f);
	for (unsigned int i = 0; i < r->nflows; i++) {
		struct ncd_flow_stats *fl = &r->flows[i];
		uint64_t b = flow_bytes(r, i), pbytes = b;
		double a = flow_from(r, fl), pa = a, pb = fl->t_end;

		if (fl->tcp.have) {
			retrans += fl->tcp.now.total_retrans;
			have = 1;
		}
		peer_flow(r, i, &pa, &pb, &pbytes);
		fprintf(f, "%s{\"sender\":", i ? "," : "");
		if (flow_sends(r, fl))
			json_half(r, f, 1, 1, fl->socket, a, fl->t_end, b, &fl->tcp, 0);
		else
			json_half(r, f, 1, 0, fl->socket, pa, pb, pbytes, &fl->tcp, 0);
		fputs(",\"receiver\":", f);
		if (flow_sends(r, fl))
			json_half(r, f, 0, 1, fl->socket, pa, pb, pbytes, &fl->tcp, 0);
		else
			json_half(r, f, 0, 0, fl->socket, a, fl->t_end, b, &fl->tcp, 0);
		fprintf(f, ",\"id\":%u,\"seconds\":%.6f,\"bytes\":%llu,\"bits_per_second\":%.1f,"
			"\"cpu_user_seconds\":%.3f,\"cpu_system_seconds\":%.3f,\"linear_bytes\":%llu,",
			i + 1, flow_secs(r, fl), (unsigned long long)b,
			ncd_gbps(b, flow_secs(r, fl)) * 1e9,
			fl->cpu_user, fl->cpu_sys,
			fl->counters.linear_bytes);
		ncd_report_json_verdict(f, &fl->verdict, pattern_on);
		json_counters(f, &fl->counters);
		ncd_report_host_of_stream(r, f, i);
		fputs(",\"error\":", f);
		json_str_or_null(f, fl->error[0] ? fl->error : NULL);
		fputc('}', f);
	}
	{
		const struct ncd_ctrl_result *p = r->peer;
		double psecs = p ? p->secs : secs;
		uint64_t ptotal = p ? p->bytes : total;

		fputs("]", f);
		if (is_bidir(r)) {
			json_bidir_sums(r, f, secs);
		} else {
		fputs(",\"sum_sent\":", f);
		if (is_sender(r))
			json_half(r, f, 1, 1, -1, r->t_omit, secs, total, NULL,
				  have ? retrans : UINT32_MAX);
		else
			json_half(r, f, 1, 0, -1, 0, psecs, ptotal, NULL, 0);
		fputs(",\"sum_received\":", f);
		if (is_sender(r))
			json_half(r, f, 0, 1, -1, 0, psecs, ptotal, NULL, 0);
		else
			json_half(r, f, 0, 0, -1, r->t_omit, secs, total, NULL, 0);
		}
		fprintf(f, ",\"cpu_utilization_percent\":{\"host_total\":%.2f,\"host_user\":%.2f,"
			"\"host_system\":%.2f,",
			secs > 0 ? 100 * (cu + cs) / secs : 0,
			secs > 0 ? 100 * cu / secs : 0, secs > 0 ? 100 * cs / secs : 0);
		if (p)
			fprintf(f, "\"remote_total\":%.2f,\"remote_user\":%.2f,\"remote_system\":%.2f}",
				psecs > 0 ? 100 * (p->cpu_user + p->cpu_sys) / psecs : 0,
				psecs > 0 ? 100 * p->cpu_user / psecs : 0,
				psecs > 0 ? 100 * p->cpu_sys / psecs : 0);
		else
			fputs("\"remote_total\":null,\"remote_user\":null,\"remote_system\":null}", f);
		if (p) {
			fprintf(f, ",\"peer\":{\"role\":\"%s\",\"seconds\":%.6f,\"bytes\":%llu,"
				"\"bits_per_second\":%.1f,\"cpu_seconds\":{\"user\":%.3f,\"system\":%.3f},",
				is_bidir(r) ? "bidir" : p->sender ? "sender" : "receiver", psecs,
				(unsigned long long)ptotal, ncd_gbps(ptotal, psecs) * 1e9,
				p->cpu_user, p->cpu_sys);
			ncd_report_json_verdict(f, &p->verdict, p->pattern_on);
			fputc('}', f);
		}
	}
	fprintf(f, ",\"sum\":{\"seconds\":%.6f,\"bytes\":%llu,\"bits_per_second\":%.1f,",
		secs - r->t_omit, (unsigned long long)total,
		ncd_gbps(total, secs - r->t_omit) * 1e9);
	ncd_report_json_verdict(f, all, pattern_on);
	fputs("},", f);
	json_conns(f, r->conns);
	ncd_report_hosts_json(r, f, pattern_on);
	fprintf(f, "\"cpu_seconds\":{\"user\":%.3f,\"system\":%.3f},"
		"\"cpu_seconds_per_gb\":%.4f,\"max_rss_kb\":%ld,"
		"\"peer_report\":%s,\"interrupted_by_signal\":%d,"
		"\"result\":\"%s\",\"exit_code\":%d}",
		cu, cs, total ? (cu + cs) / (total / 1e9) : 0.0, max_rss_kb(),
		r->peer ? "true" : "false", interrupted, rc ? "failed" : "ok", rc);
}

/* A report that did not reach its reader is a failed run: a truncated JSON
 * document must never come with exit 0.  stderr gets a line if it can. */
static int output_failed(FILE *json_out)
{
	if (json_out && (fflush(json_out) == EOF || ferror(json_out))) {
		fprintf(stderr, "ncdevmem: writing the JSON report failed: %s: check where stdout goes (disk full?)\n",
			strerror(errno));
		return 1;
	}
	return fflush(stderr) == EOF || ferror(stderr);
}

int ncd_report_finish(struct ncd_report *r, FILE *json_out, int interrupted)
{
	struct ncd_verdict all = { 0 };
	/* Only a receiver checks payload; a sender's verdict is always empty. */
	int pattern_on = r->o->pat.kind != NCD_PAT_NONE && !is_sender(r);	/* bidir too */
	uint64_t total = 0;
	double secs = 0, cu = 0, cs = 0;
	int rc = 0;

	if (r->t0) {
		process_cpu(&cu, &cs);
		cu -= r->ru_user0;
		cs -= r->ru_sys0;
	}
	for (unsigned int i = 0; i < r->nflows; i++)
		if (r->flows[i].t_end > secs)
			secs = r->flows[i].t_end;
	if (r->o->omit_s > 0 && !r->omit_done) {	/* all of it was omitted */
		for (unsigned int i = 0; i < r->nflows; i++)
			r->omit_bytes[i] = atomic_load(&r->flows[i].bytes);
		r->t_omit = secs;
		r->omit_done = 1;
	}
	for (unsigned int i = 0; i < r->nflows; i++) {
		struct ncd_flow_stats *f = &r->flows[i];

		total += flow_bytes(r, i);
		ncd_verdict_merge(&all, &f->verdict);
		if (f->error[0])
			rc = NCD_EXIT_FAIL;
	}
	if (all.bad || (pattern_on && !all.checked))
		rc = NCD_EXIT_FAIL;	/* wrong bytes, or none to check */
	if (interrupted)	/* like a shell: the run did not finish */
		rc = 128 + interrupted;
	if (json_out == stdout)
		json_out = r->json_f;	/* the --logfile, if any */
	if (json_out && r->o->json_stream) {
		stream_start(r);
		stream_event(r, "end");
		json_end(r, r->json_f, &all, total, secs, cu, cs, pattern_on,
			 interrupted, rc);
		stream_event_end(r);
	} else if (json_out) {
		fputs("{\"start\":", json_out);
		json_start(r, json_out);
		fputs(",\n\"intervals\":[", json_out);
		if (r->json_iv_f)
			copy_intervals(r->json_iv_f, json_out);
		fputs("],\n\"end\":", json_out);
		json_end(r, json_out, &all, total, secs, cu, cs, pattern_on,
			 interrupted, rc);
		fputs("}\n", json_out);
	} else {
		text_summary(r, &all, total, secs, cu, cs, pattern_on);
	}
	return output_failed(json_out) && !rc ? NCD_EXIT_FAIL : rc;
}

void ncd_report_result(struct ncd_report *r, struct ncd_ctrl_result *out)
{
	double cu = 0, cs = 0;

	memset(out, 0, sizeof(*out));
	out->sender = is_sender(r);
	out->pattern_on = r->o->pat.kind != NCD_PAT_NONE && !out->sender;
	if (r->t0) {
		process_cpu(&cu, &cs);
		out->cpu_user = cu - r->ru_user0;
		out->cpu_sys = cs - r->ru_sys0;
	}
	out->nflows = r->nflows < NCD_CTRL_MAX_FLOWS ? r->nflows : NCD_CTRL_MAX_FLOWS;
	for (unsigned int i = 0; i < r->nflows; i++) {
		const struct ncd_flow_stats *f = &r->flows[i];
		uint64_t b = atomic_load(&f->bytes);

		out->bytes += b;
		ncd_verdict_merge(&out->verdict, &f->verdict);
		if (f->t_end > out->secs)
			out->secs = f->t_end;
		if (i < out->nflows)
			out->flow[i] = (struct ncd_ctrl_flow){ b, f->t_start, f->t_end };
	}
}

void ncd_report_free(struct ncd_report *r)
{
	if (r->json_iv_f)
		fclose(r->json_iv_f);
	free(r->last_bytes);
	free(r->omit_bytes);
	r->json_iv_f = NULL;
	r->last_bytes = NULL;
	r->omit_bytes = NULL;
}
