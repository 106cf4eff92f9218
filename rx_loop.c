// SPDX-License-Identifier: MIT
/*
 * One flow's receive loop: fill the validation queue's next batch from the
 * fragment source, submit it, and finish batches oldest first once the
 * provider is done with them (netcat output, tokens/buffers back to the
 * kernel, byte counts).  Nothing goes back to the kernel before its batch
 * completed.  When the socket has nothing queued the loop waits for the
 * batches in flight instead of sleeping in recvmsg with tokens held.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include "mem.h"
#include "pattern.h"
#include "run.h"
#include "rx_loop.h"

/* A batch the provider is done with: output (netcat), tokens back, count. */
static int finish_batch(struct ncd_rx *x, struct ncd_vq_batch *b)
{
	int ret = 0;

	if (x->write_payload)
		ret = x->write_out(x->ctx, b->frags, b->n);
	if (ret) {
		ncd_flow_error(x->f, "writing payload failed: %s", strerror(-ret));
		return ret;
	}
	ret = x->src->release(x->src, b->frags, b->n);
	if (ret) {
		ncd_flow_error(x->f, "giving buffers back failed: %s", strerror(-ret));
		return ret;
	}
	x->total += b->bytes;
	x->f->st->frags += b->n;
	atomic_store(&x->f->st->bytes, x->total);
	return 0;
}

/* Finish every completed batch; with @wait, every batch in flight. */
static int reap(struct ncd_rx *x, int wait)
{
	struct ncd_vq_batch *b;
	int err;

	while ((b = ncd_vq_reap(&x->q, wait, &err)) && !(err = finish_batch(x, b)))
		;
	if (!b && err)	/* the provider failed the batch (finish_batch said its own) */
		ncd_flow_error(x->f, "validating payload failed: %s", strerror(-err));
	x->failed |= err != 0;
	return err;
}

/* Nothing to receive right now: better wait for the GPU and give tokens
 * back than sleep in recvmsg while the NIC may be short of buffers. */
static int socket_idle(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 0;
}

static int rx_step(struct ncd_rx *x)
{
	struct ncd_vq_batch *b;
	int n, ret;

	if (reap(x, !ncd_vq_next(&x->q) ||
		    (ncd_vq_inflight(&x->q) && socket_idle(x->fd))))
		return 0;
	if (x->limit && x->submitted >= x->limit)
		return 0;
	b = ncd_vq_next(&x->q);
	n = x->src->next(x->src, b->frags, x->q.cap);
	if (n <= 0)
		return n ? n : 0;
	b->n = n;
	ret = ncd_vq_submit(&x->q);
	if (ret) {
		ncd_flow_error(x->f, "validating payload failed: %s", strerror(-ret));
		x->failed = 1;
		return 0;
	}
	x->submitted += b->bytes;
	return 1;
}

static void rx_report_end(struct ncd_rx *x, int n)
{
	struct ncd_flow *f = x->f;
	int stop = atomic_load(&f->run->stop);

	if (x->failed)
		return;	/* already recorded */
	if (n == -EAGAIN && !stop)
		ncd_flow_error(f, "no data for %g s after %llu bytes: the peer went silent (--idle-timeout)",
			       x->idle_s, (unsigned long long)x->total);
	else if (n < 0 && !stop && !x->path_reports)
		ncd_flow_error(f, "receive failed: %s", strerror(-n));
	else if (n < 0 && !stop)	/* devmem/zcrx said why */
		ncd_flow_record(f, "receive failed: %s", strerror(-n));
	else if (x->limit && x->total < x->limit && !stop)
		ncd_flow_error(f, "peer closed after %llu of %llu bytes",
			       (unsigned long long)x->total,
			       (unsigned long long)x->limit);
}

void ncd_rx_loop(struct ncd_rx *x)
{
	int n;

	while ((n = rx_step(x)) > 0)
		;
	if (!x->failed)
		reap(x, 1);	/* every batch in flight: tokens back */
	rx_report_end(x, n);
}
