/* SPDX-License-Identifier: MIT */
/* A flow's receive loop over a validation queue (rx_loop.c). */
#ifndef NCD_RX_LOOP_H
#define NCD_RX_LOOP_H

#include <stdint.h>
#include "datapath.h"
#include "mem.h"

struct ncd_flow;

#define NCD_RX_BATCH	1024	/* fragments per batch: validation and release */
#define NCD_RX_DEPTH	4	/* batches in flight (synchronous providers: 1) */

struct ncd_rx {
	struct ncd_flow *f;		/* errors and counters */
	struct ncd_frag_source *src;
	struct ncd_vq q;		/* opened by the caller on src's memory */
	int fd;				/* the flow's socket: is data queued? */
	int path_reports;		/* the source prints its own errors */
	uint64_t limit;			/* stop after this many bytes, 0 = none */
	double idle_s;			/* receives time out after this (EAGAIN) */
	int write_payload;		/* netcat: completed batches to write_out */
	/* netcat output of a completed batch */
	int (*write_out)(void *ctx, const struct ncd_frag *fr, unsigned int n);
	void *ctx;
	int failed;			/* an error was recorded for the flow */
	uint64_t submitted, total;	/* bytes submitted, bytes finished */
};

/* Runs until end of stream, --bytes, an error or stop; finishes every
 * batch in flight unless an error was recorded. */
void ncd_rx_loop(struct ncd_rx *x);

#endif
