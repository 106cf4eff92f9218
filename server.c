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

static int consume(struct ncd_flow *f, struct server *s,
		   const struct ncd_frag *fr, unsigned int n)
{
	const struct ncd_opts *o = f->run->o;
	int ret = 0;

	if (o->pat.kind != NCD_PAT_NONE)
		ret = ncd_mem_validate(&s->mem, fr, n, &o->pat, &f->st->verdict);
	else if (!o->discard)
		ret = write_out(s, fr, n);
	return ret;
}

static uint64_t frag_bytes(const struct ncd_frag *fr, unsigned int n)
{
	uint64_t b = 0;

	while (n--)
		b += fr[n].len;
	return b;
}

static void rx_loop(struct ncd_flow *f, struct server *s,
		    struct ncd_frag_source *src)
{
	const struct ncd_opts *o = f->run->o;
	struct ncd_frag *fr = calloc(RX_BATCH, sizeof(*fr));
	uint64_t total = 0;
	int n, ret;

	if (!fr) {
		ncd_flow_error(f, "out of memory for the fragment batch");
		return;
	}
	while ((n = src->next(src, fr, RX_BATCH)) > 0) {
		ret = consume(f, s, fr, n);
		if (ret) {
			ncd_flow_error(f, "%s payload failed: %s", o->pat.kind ?
				       "validating" : "writing", strerror(-ret));
			break;
		}
		ret = src->release(src, fr, n);
		if (ret) {
			ncd_flow_error(f, "giving buffers back failed: %s",
				       strerror(-ret));
			break;
		}
		total += frag_bytes(fr, n);
		f->st->frags += n;
		atomic_store(&f->st->bytes, total);
		if (o->bytes && total >= o->bytes)
			break;
	}
	if (n < 0 && !atomic_load(&f->run->stop) && !s->path.open_source)
		ncd_flow_error(f, "receive failed: %s", strerror(-n));
	else if (n < 0 && !atomic_load(&f->run->stop))	/* devmem/zcrx said why */
		ncd_flow_record(f, "receive failed: %s", strerror(-n));
	else if (o->bytes && total < o->bytes && !atomic_load(&f->run->stop))
		ncd_flow_error(f, "peer closed after %llu of %llu bytes",
			       (unsigned long long)total,
			       (unsigned long long)o->bytes);
	free(fr);
}

static int open_source(struct ncd_flow *f, struct server *s, int fd,
		       struct ncd_frag_source *src)
{
	if (s->path.open_source)
		return s->path.open_source(&s->path, f, fd, &s->mem, src);
	return ncd_copy_source_open(src, fd, &s->mem, f->idx * s->slice,
				    s->slice);
}

static void server_flow(struct ncd_flow *f)
{
	struct ncd_run *r = f->run;
	struct server *s = r->ctx;
	struct ncd_frag_source src;
	int fd, ret;

	fd = accept4(r->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		if (!atomic_load(&r->stop))
			ncd_flow_error(f, "accept failed: %s", strerror(errno));
		return;
	}
	ncd_flow_begin(f, fd);
	ret = open_source(f, s, fd, &src);
	if (ret) {
		ncd_flow_error(f, "cannot set up the %s receive path: %s",
			       ncd_mode_name(r->o->mode), strerror(-ret));
	} else {
		rx_loop(f, s, &src);
		if (s->path.flow_done)
			s->path.flow_done(&s->path, f, &src);
		src.close(&src);
	}
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
