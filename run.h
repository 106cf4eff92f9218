/* SPDX-License-Identifier: MIT */
/*
 * Runs N flows, one thread each, while the main thread keeps time: interval
 * reports, the --time limit and SIGINT/SIGTERM (which stop the flows so the
 * partial results are still reported).  Flow threads run with those
 * signals blocked; the main thread takes them with sigtimedwait().
 */
#ifndef NCD_RUN_H
#define NCD_RUN_H

#include <pthread.h>
#include <stdatomic.h>
#include "opts.h"
#include "report.h"

struct ncd_run;

struct ncd_flow {
	struct ncd_run *run;
	unsigned int idx;
	unsigned int side_idx;	/* index among the flows of its direction */
	struct ncd_flow_stats *st;
};

typedef void (*ncd_flow_fn)(struct ncd_flow *f);

struct ncd_run {
	const struct ncd_opts *o;
	struct ncd_report rep;
	struct ncd_flow_stats stats[NCD_MAX_FLOWS];
	struct ncd_flow flows[NCD_MAX_FLOWS];
	unsigned int nflows;
	_Atomic int stop;		/* flows should wind down */
	_Atomic int stop_tx;		/* --bidir's time is up: senders end,
					 * receivers run to the peer's end */
	_Atomic int done;		/* flows that have ended */
	_Atomic int fds[NCD_MAX_FLOWS];	/* flow sockets, for shutdown() */
	int listen_fd;			/* server: woken on stop */
	pthread_t main_thread;
	pthread_mutex_t lock;
	void *ctx;			/* server/client state */
	ncd_flow_fn fn;
};

int ncd_run_init(struct ncd_run *r, const struct ncd_opts *o, const char *role,
		 unsigned int nflows, void *ctx);
/* Spawn the flows and keep time until they end.  Returns the signal that
 * interrupted the run, or 0. */
int ncd_run_flows(struct ncd_run *r, ncd_flow_fn fn);
/* From a flow thread: connected on @fd (starts the clock). */
void ncd_flow_begin(struct ncd_flow *f, int fd);
/* From a flow thread: done with @fd; takes the last TCP_INFO sample, then
 * closes it.  Flow sockets close only this way (the main thread samples
 * them under the run's lock). */
void ncd_flow_close(struct ncd_flow *f, int fd);
/* From a flow thread: finished (records CPU time and end time). */
void ncd_flow_end(struct ncd_flow *f);
/* Record the flow's first error (printed once, reported in the summary). */
void ncd_flow_error(struct ncd_flow *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same for an error whose one line was already printed (by a source). */
void ncd_flow_record(struct ncd_flow *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Ask every flow to stop (safe from any thread). */
void ncd_run_stop(struct ncd_run *r);

#endif
