// SPDX-License-Identifier: MIT
/*
 * Receiver: accept --flows connections, each on its own thread, pull
 * fragments from the mode's fragment source, validate them in place (or
 * write them to stdout, like nc), give them back, count bytes.
 */
#include <errno.h>
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
#include "rx_loop.h"
#include "sock.h"
#include "sources.h"


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

static int server_write_out(void *ctx, const struct ncd_frag *fr, unsigned int n)
{
	return write_out(ctx, fr, n);
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
	struct ncd_rx x = { .f = f, .src = &src, .fd = fd,
			    .path_reports = s->path.open_source != NULL,
			    .write_out = server_write_out, .ctx = s };
	const char *why = "validation queue";
	int ret;

	ret = ncd_vq_open(&x.q, &s->mem, &f->run->o->pat, &f->st->verdict,
			  NCD_RX_DEPTH, NCD_RX_BATCH);
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
	ncd_rx_loop(&x);
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
	/* rx-page-size above 4K: every dma-buf sg entry must be aligned to it */
	s->mem.hugetlb = o->rx_page_size > 4096 && o->mode == NCD_MODE_DEVMEM;
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
