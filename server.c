// SPDX-License-Identifier: MIT
/*
 * Receiver: accept --flows connections, each on its own thread, pull
 * fragments from the mode's fragment source, validate them in place (or
 * write them to stdout, like nc), give them back, count bytes.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "frag.h"
#include "mem.h"
#include "nic.h"
#include "role.h"
#include "run.h"
#include "sock.h"
#include "sources.h"

#define RX_BATCH	1024	/* fragments per batch: validation and release */

struct server {
	struct ncd_mem mem;
	size_t slice;		/* copy mode: provider bytes per flow */
	struct ncd_rx_path path;
	void *out_buf;		/* netcat output bounce, provider without CPU map */
};

/* netcat behaviour: payload to stdout, through copy_out when needed. */
static int write_out(struct server *s, const struct ncd_frag *fr, unsigned int n)
{
	struct ncd_mem *m = &s->mem;

	for (unsigned int i = 0; i < n; i++) {
		const char *p = (const char *)m->cpu_addr + fr[i].off;
		size_t len = fr[i].len, done = 0;

		if (!m->cpu_addr) {
			if (m->ops->copy_out(m, fr[i].off, s->out_buf, len))
				return -EIO;
			p = s->out_buf;
		}
		while (done < len) {
			ssize_t w = write(STDOUT_FILENO, p + done, len - done);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return -errno;
			done += w;
		}
	}
	return 0;
}

/* How many batches a flow keeps in flight: enough to hide a GPU's launch
 * and completion latency; synchronous providers use 1. */
#define RX_DEPTH	4

struct rx {
	struct ncd_flow *f;
	struct server *s;
	struct ncd_frag_source *src;
	struct ncd_vq q;
	int fd;
	int failed;		/* an error was recorded for the flow */
	uint64_t submitted, total;
};

/* A batch the provider is done with: output (netcat), tokens back, count. */
static int finish_batch(struct rx *x, struct ncd_vq_batch *b)
{
	const struct ncd_opts *o = x->f->run->o;
	int ret = 0;

	if (o->pat.kind == NCD_PAT_NONE && !o->discard)
		ret = write_out(x->s, b->frags, b->n);
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
static int reap(struct rx *x, int wait)
{
	struct ncd_vq_batch *b;
	int err;

	while ((b = ncd_vq_reap(&x->q, wait, &err)))
		if ((err = finish_batch(x, b)))
			break;
	else if (err)
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

static int rx_step(struct rx *x)
{
	const struct ncd_opts *o = x->f->run->o;
	struct ncd_vq_batch *b;
	int n, ret;

	if (reap(x, !ncd_vq_next(&x->q) ||
		    (ncd_vq_inflight(&x->q) && socket_idle(x->fd))))
		return 0;
	if (o->bytes && x->submitted >= o->bytes)
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

static void rx_report_end(struct rx *x, int n)
{
	struct ncd_flow *f = x->f;
	const struct ncd_opts *o = f->run->o;
	int stop = atomic_load(&f->run->stop);

	if (x->failed)
		return;	/* already recorded */
	if (n < 0 && !stop && !x->s->path.open_source)
		ncd_flow_error(f, "receive failed: %s", strerror(-n));
	else if (n < 0 && !stop)	/* devmem/zcrx said why */
		ncd_flow_record(f, "receive failed: %s", strerror(-n));
	else if (o->bytes && x->total < o->bytes && !stop)
		ncd_flow_error(f, "peer closed after %llu of %llu bytes",
			       (unsigned long long)x->total,
			       (unsigned long long)o->bytes);
}

static void rx_loop(struct rx *x)
{
	int n;

	while ((n = rx_step(x)) > 0)
		;
	if (!x->failed)
		reap(x, 1);	/* every batch in flight: tokens back */
	rx_report_end(x, n);
}

static int open_source(struct ncd_flow *f, struct server *s, int fd,
		       struct ncd_vq *q, struct ncd_frag_source *src)
{
	size_t off = f->idx * s->slice;

	if (s->path.open_source)
		return s->path.open_source(&s->path, f, fd, &s->mem, src);
	if (!s->mem.cpu_addr && s->mem.ops->vq_stage)
		return ncd_stage_source_open(src, fd, q, off, s->slice);
	return ncd_copy_source_open(src, fd, &s->mem, off, s->slice);
}

static void run_source(struct ncd_flow *f, struct server *s, int fd)
{
	struct ncd_frag_source src;
	struct rx x = { .f = f, .s = s, .src = &src, .fd = fd };
	const char *why = "validation queue";
	int ret;

	ret = ncd_vq_open(&x.q, &s->mem, &f->run->o->pat, &f->st->verdict,
			  RX_DEPTH, RX_BATCH);
	if (!ret) {
		why = "receive path";
		ret = open_source(f, s, fd, &x.q, &src);
	}
	if (ret) {
		ncd_flow_error(f, "cannot set up the %s %s: %s",
			       ncd_mode_name(f->run->o->mode), why, strerror(-ret));
		ncd_vq_close(&x.q);
		return;
	}
	rx_loop(&x);
	if (s->path.flow_done)
		s->path.flow_done(&s->path, f, &src);
	ncd_vq_close(&x.q);	/* the GPU is done with the source's buffers */
	src.close(&src);
}

static void server_flow(struct ncd_flow *f)
{
	struct ncd_run *r = f->run;
	int fd;

	fd = accept4(r->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		if (!atomic_load(&r->stop))
			ncd_flow_error(f, "accept failed: %s", strerror(errno));
		return;
	}
	ncd_flow_begin(f, fd);
	run_source(f, r->ctx, fd);
	atomic_store(&r->fds[f->idx], -1);
	close(fd);
}

static int server_setup(struct server *s, const struct ncd_opts *o)
{
	int ret;

	s->mem.gpu_sel = o->gpu;
	s->mem.ifname = o->ifname;
	ret = ncd_mem_open(&s->mem, o->mem, o->dmabuf_size);
	if (ret)
		return ret;
	s->slice = (o->dmabuf_size / o->flows) & ~4095ULL;
	if (!s->slice) {
		fprintf(stderr, "ncdevmem: --buf-size %llu is too small for %u flows: raise --buf-size\n",
			(unsigned long long)o->dmabuf_size, o->flows);
		return -EINVAL;
	}
	if (!s->mem.cpu_addr && !(s->out_buf = malloc(256 << 10)))
		return -ENOMEM;
	if (o->mode != NCD_MODE_COPY)
		return ncd_rx_path_setup(&s->path, o, &s->mem);
	return 0;
}

static void server_teardown(struct server *s)
{
	if (s->path.teardown)
		s->path.teardown(&s->path);
	free(s->out_buf);
	ncd_mem_close(&s->mem);
}

int ncd_server_main(const struct ncd_opts *o)
{
	struct server s = { 0 };
	struct ncd_run *r = calloc(1, sizeof(*r));
	int rc = NCD_EXIT_FAIL, sig, ret;

	if (!r || ncd_run_init(r, o, "receiver", o->flows, &s))
		goto out;
	ret = server_setup(&s, o);
	if (ret) {
		/* a missing driver/device (no udmabuf, no libcuda) is a skip */
		rc = ret == -ENOENT ? NCD_EXIT_SKIP : ncd_nic_exit_code(ret);
		goto out_teardown;
	}
	r->listen_fd = ncd_listen(o->server, o->port, o->flows);
	if (r->listen_fd < 0)
		goto out_teardown;
	if (!o->json)
		fprintf(stderr, "ncdevmem: receiving on port %u (%s mode, %s memory, %u flow%s)\n",
			o->port, ncd_mode_name(o->mode),
			ncd_mem_kind_name(o->mem), o->flows, o->flows > 1 ? "s" : "");
	sig = ncd_run_flows(r, server_flow);
	rc = ncd_report_finish(&r->rep, o->json ? stdout : NULL, sig);
	close(r->listen_fd);
out_teardown:
	server_teardown(&s);
out:
	if (r)
		ncd_report_free(&r->rep);
	free(r);
	return rc;
}
