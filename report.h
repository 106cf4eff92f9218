/* SPDX-License-Identifier: MIT */
/*
 * Throughput and validation reporting: interval lines and a per-flow and
 * total summary on stderr, or with -J one iperf3-like JSON document
 * (start, intervals, end) on stdout and nothing else there.
 */
#ifndef NCD_REPORT_H
#define NCD_REPORT_H

#include <stdatomic.h>
#include <stdint.h>
#include "clock.h"
#include "counters.h"
#include <stdio.h>
#include "pattern.h"

struct ncd_opts;

struct ncd_flow_stats {
	_Atomic uint64_t bytes;		/* payload bytes so far (flow thread) */
	_Atomic int started;
	double t_start, t_end;		/* seconds since the report's t0 */
	uint64_t frags;
	struct ncd_counters counters;	/* what the data path published */
	struct ncd_verdict verdict;
	double cpu_user, cpu_sys;	/* this flow's thread */
	char error[240];		/* first error, "" if none */
};

/* A server's connections by what became of them (accept.c). */
struct ncd_conn_counts {
	unsigned long long flows;	/* became a flow */
	unsigned long long empty;	/* closed before sending a byte */
	unsigned long long silent;	/* sent nothing for too long, or pushed out */
	unsigned long long refused;	/* beyond -P, or after the connect window */
	unsigned long long rejected;	/* not from the -c address */
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
	FILE *json_iv_f;		/* intervals collected for -J */
	unsigned int nintervals;
	double ru_user0, ru_sys0;	/* process CPU at start */
	const struct ncd_conn_counts *conns;	/* server: reported; else NULL */
};


int ncd_report_init(struct ncd_report *r, const struct ncd_opts *o,
		    const char *role, struct ncd_flow_stats *flows,
		    unsigned int nflows, FILE *text);
/* Start the clock (first connection). */
void ncd_report_start(struct ncd_report *r);
/* Emit one interval ending now. */
void ncd_report_interval(struct ncd_report *r);
/*
 * Print the summary (text) or the whole JSON document to @json_out.
 * @interrupted: signal number that cut the run short, 0 if none.
 * Returns the exit code the run deserves.
 */
int ncd_report_finish(struct ncd_report *r, FILE *json_out, int interrupted);
void ncd_report_free(struct ncd_report *r);

/* Formatting helpers (unit-tested). */
double ncd_gbps(uint64_t bytes, double seconds);
void ncd_json_escape(FILE *f, const char *s);
const char *ncd_verdict_result(const struct ncd_verdict *v, int pattern_on);

#endif
