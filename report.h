/* SPDX-License-Identifier: MIT */
/*
 * Throughput and validation reporting: interval lines and a per-flow and
 * total summary on stderr, or with -J one JSON document that iperf3
 * consumers read (start, intervals, end) on stdout and nothing else there;
 * --json-stream writes the same parts as one event a line as they happen.
 * --logfile sends both where stderr went (main() points stderr there).
 */
#ifndef NCD_REPORT_H
#define NCD_REPORT_H

#include <stdatomic.h>
#include <stdint.h>
#include "clock.h"
#include "counters.h"
#include <stdio.h>
#include "pattern.h"
#include "tcp_info.h"
#include "ctrl_proto.h"
#include "nic_plan.h"

struct ncd_opts;

struct ncd_flow_stats {
	_Atomic uint64_t bytes;		/* payload bytes so far (flow thread) */
	_Atomic int started;
	int sending;			/* this end sends on it (--bidir: per flow) */
	double t_start, t_end;		/* seconds since the report's t0 */
	uint64_t frags;
	struct ncd_counters counters;	/* what the data path published */
	struct ncd_verdict verdict;
	double cpu_user, cpu_sys;	/* this flow's thread */
	char error[240];		/* first error, "" if none */
	int socket;			/* fd number (iperf3's "socket") */
	struct ncd_sock_names names;	/* both ends, once connected */
	int host;			/* server fan-in: -c peer index + 1, 0 = none */
	int rx_queue;			/* RX queue it arrived on, -1 = unknown */
	uint32_t napi_id;		/* SO_INCOMING_NAPI_ID at its end, 0 = none */
	struct ncd_tcp_stats {		/* TCP_INFO, folded sample by sample */
		int have;
		struct ncd_tcp_sample now;	/* the latest */
		uint32_t retrans_iv;	/* total_retrans at the last interval */
		uint32_t max_snd_cwnd, max_rtt, min_rtt;
		double rtt_sum;
		unsigned int rtt_n;
	} tcp;
};

/* A server's connections by what became of them (accept.c). */
struct ncd_conn_counts {
	unsigned long long flows;	/* became a flow */
	unsigned long long empty;	/* closed before sending a byte */
	unsigned long long silent;	/* sent nothing for too long, or pushed out */
	unsigned long long refused;	/* beyond -P or a peer's share of it,
					 * or after the connect window */
	unsigned long long rejected;	/* not from the -c address */
	/* fan-in: the refused ones by -c peer (their share or -P was full) */
	unsigned long long peer_refused[NCD_NIC_MAX_PEERS];
};

/* A server's -c peers (fan-in): each gets its figures in the summary. */
struct ncd_report_hosts {
	unsigned int n;
	const char *addr[NCD_NIC_MAX_PEERS];
	int queue[NCD_NIC_MAX_PEERS];	/* its steering rule's queue, -1 = none */
};

struct ncd_report {
	const struct ncd_opts *o;
	const char *role;		/* "receiver" or "sender" */
	unsigned int nflows;
	struct ncd_flow_stats *flows;
	double t0;			/* CLOCK_MONOTONIC seconds at start */
	double last_t;			/* end of the previous interval */
	uint64_t *last_bytes;
	FILE *text;			/* human output (stderr) */
	FILE *json_f;			/* where -J / --json-stream goes */
	FILE *json_iv_f;		/* intervals collected for -J */
	int stream_started;		/* --json-stream: start event written */
	time_t wall_t0;			/* wall clock at start */
	unsigned int nintervals;
	double ru_user0, ru_sys0;	/* process CPU at start */
	const struct ncd_conn_counts *conns;	/* server: reported; else NULL */
	const struct ncd_report_hosts *hosts;	/* fan-in: per-host figures, else NULL */
	const struct ncd_ctrl_result *peer;	/* the peer's figures (control
						 * connection), else NULL */
	/* -O: the first omit_s seconds stay out of the summary */
	uint64_t *omit_bytes;		/* each flow's bytes at the omit's end */
	double t_omit;			/* when it ended (since t0), 0 = no omit */
	int omit_done;
	int in_omit;			/* the interval being written is omitted */
};


int ncd_report_init(struct ncd_report *r, const struct ncd_opts *o,
		    const char *role, struct ncd_flow_stats *flows,
		    unsigned int nflows, FILE *text);
/* Start the clock (first connection). */
void ncd_report_start(struct ncd_report *r);
/* Emit one interval ending now. */
int ncd_report_pending(struct ncd_report *r);
void ncd_report_interval(struct ncd_report *r);
/* -O: the omitted time is over (emits its last interval, marked omitted,
 * and takes the byte counts the summary starts from). */
void ncd_report_omit_end(struct ncd_report *r);
/* Fold a TCP_INFO sample of one flow into its statistics. */
void ncd_report_tcp(struct ncd_flow_stats *f, const struct ncd_tcp_sample *s);
/* --json-stream: write the start event once every flow has connected
 * (it is written before the first interval in any case). */
void ncd_report_poll(struct ncd_report *r);
/*
 * Print the summary (text) or the whole JSON document to @json_out (stdout
 * means wherever -J goes: the --logfile when there is one).
 * @interrupted: signal number that cut the run short, 0 if none.
 * Returns the exit code the run deserves.
 */
int ncd_report_finish(struct ncd_report *r, FILE *json_out, int interrupted);
void ncd_report_free(struct ncd_report *r);
/* This end's figures for the peer (after the flows ended). */
void ncd_report_result(struct ncd_report *r, struct ncd_ctrl_result *out);

/* Flow @i's bytes and span in the summary (after -O's omitted time). */
uint64_t ncd_report_flow_bytes(const struct ncd_report *r, unsigned int i);
void ncd_report_flow_span(const struct ncd_report *r, unsigned int i,
			  double *from, double *to);
/* Per-host figures (report_hosts.c): one text line per -c peer, or the
 * JSON "hosts" array member of "end" (with a trailing comma); nothing
 * without r->hosts. */
void ncd_report_hosts_text(const struct ncd_report *r, int pattern_on);
void ncd_report_text_verdict(FILE *t, const struct ncd_verdict *v);
void ncd_report_json_verdict(FILE *f, const struct ncd_verdict *v, int pattern_on);
void ncd_report_hosts_json(const struct ncd_report *r, FILE *f, int pattern_on);
/* A stream's ,"host":...,"rx_queue":N (fan-in only). */
void ncd_report_host_of_stream(const struct ncd_report *r, FILE *f,
			       unsigned int i);

/* Formatting helpers (unit-tested). */
double ncd_gbps(uint64_t bytes, double seconds);
void ncd_json_escape(FILE *f, const char *s);
const char *ncd_verdict_result(const struct ncd_verdict *v, int pattern_on);

#endif
