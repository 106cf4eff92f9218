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
#include <sys/time.h>
#include <unistd.h>
#include "accept.h"
#include "copy_path.h"
#include "devmem_path.h"
#include "modes.h"
#include "nic.h"
#include "run.h"
#include "rx_loop.h"
#include "sock.h"
#include "stop.h"
#include "zcrx_path.h"

static const struct ncd_rx_path_ops *const rx_paths[] = {
	[NCD_MODE_COPY] = &ncd_copy_rx_path,
	[NCD_MODE_DEVMEM] = &ncd_devmem_rx_path,
	[NCD_MODE_ZCRX] = &ncd_zcrx_rx_path,
};

struct server {
	struct ncd_mem mem;
	struct ncd_rx_cfg cfg;
	struct ncd_rx_path path;
	void *out_buf;		/* netcat output bounce, provider without CPU map */
	int write_payload;	/* no pattern, no --discard: payload to stdout */
	struct ncd_acceptor acc;
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

static void run_source(struct ncd_flow *f, struct server *s, int fd)
{
	const struct ncd_rx_path_ops *ops = s->path.ops;
	struct ncd_frag_source src;
	struct ncd_rx x = { .f = f, .src = &src, .fd = fd,
			    .path_reports = ops->reports_errors,
			    .limit = f->run->o->bytes,
			    .idle_s = f->run->o->idle_timeout_s,
			    .write_payload = s->write_payload,
			    .write_out = server_write_out, .ctx = s };
	const char *why = "validation queue";
	int ret;

	ret = ncd_vq_open(&x.q, &s->mem, &f->run->o->pat, &f->st->verdict,
			  NCD_RX_DEPTH, NCD_RX_BATCH);
	if (!ret) {
		why = "receive path";
		ret = ops->open(&s->path, f->idx, fd, &x.q, &src);
	}
	if (ret) {
		ncd_flow_error(f, "cannot set up the %s %s: %s", ops->name, why,
			       strerror(-ret));
		ncd_vq_close(&x.q);
		return;
	}
	ncd_rx_loop(&x);
	ncd_vq_close(&x.q);	/* the GPU is done with the source's buffers */
	if (ops->close(&s->path, &src, &f->st->counters))
		ncd_flow_record(f, "giving tokens back at the end failed");
}

/* A receive that gets nothing for --idle-timeout fails with EAGAIN. */
static void set_idle_timeout(int fd, double secs)
{
	struct timeval tv = { .tv_sec = (time_t)secs,
			      .tv_usec = (long)((secs - (time_t)secs) * 1e6) };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static void server_flow(struct ncd_flow *f)
{
	struct ncd_run *r = f->run;
	struct server *s = r->ctx;
	const char *why;
	int fd;

	fd = ncd_accept_take(&s->acc, f->idx, &why);
	if (fd < 0) {
		if (why[0])
			ncd_flow_error(f, "%s", why);
		return;
	}
	set_idle_timeout(fd, r->o->idle_timeout_s);
	ncd_flow_begin(f, fd);
	run_source(f, r->ctx, fd);
	ncd_flow_close(f, fd);
}

static void rx_cfg(struct ncd_rx_cfg *c, const struct ncd_opts *o)
{
	*c = (struct ncd_rx_cfg){ .flows = o->flows,
				  .fail_linear = o->fail_linear,
				  .rx_page_size = o->rx_page_size,
				  .quiet = o->json };
	ncd_opts_nic_req(o, &c->nic);
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
	if (!s->mem.cpu_addr && !(s->out_buf = malloc(256 << 10)))
		return -ENOMEM;
	rx_cfg(&s->cfg, o);
	s->write_payload = o->pat.kind == NCD_PAT_NONE && !o->discard;
	s->path = (struct ncd_rx_path){ .ops = rx_paths[o->mode],
					.cfg = &s->cfg, .m = &s->mem };
	return s->path.ops->setup(&s->path);
}

/* Who may connect, how many, and for how long the server waits. */
static int accept_cfg(struct ncd_accept_cfg *c, const struct ncd_opts *o)
{
	struct sockaddr_in6 sa;

	*c = (struct ncd_accept_cfg){ .flows = o->flows,
				      .need_data = o->pat.kind != NCD_PAT_NONE,
				      .window_s = o->connect_timeout_s,
				      /* --forever waits for the next run */
				      .no_peer_s = o->forever ? 0 : o->time_s,
				      .idle_s = o->idle_timeout_s };
	if (!o->client)
		return 0;
	if (ncd_resolve(o->client, 0, &sa))
		return -1;
	c->filter_peer = 1;
	c->peer = sa.sin6_addr;
	return 0;
}

/* The listening socket; -w and -C set on it reach every accepted one. */
static int server_listen(const struct ncd_opts *o)
{
	struct ncd_sock_tune t = { .window = o->window,
				   .congestion = o->congestion };
	/* a deep backlog: the acceptor sorts connections out, the kernel
	 * should not drop the real ones while strangers fill the queue */
	int fd = ncd_listen(o->server, o->port, 512);

	if (fd >= 0 && ncd_sock_tune(fd, &t, 1)) {
		close(fd);
		return -2;
	}
	return fd;
}

static void server_teardown(struct server *s)
{
	if (s->path.ops)
		s->path.ops->teardown(&s->path);
	free(s->out_buf);
	ncd_mem_close(&s->mem);
}

/* One run on @lfd: accept -P flows, receive, report.  Returns the exit
 * code, or -1 when the run could not even start; *@sig: the signal that
 * stopped it, 0 if none. */
static int serve_run(struct server *s, const struct ncd_opts *o, int lfd,
		     int *sig)
{
	struct ncd_run *r = calloc(1, sizeof(*r));
	struct ncd_accept_cfg c;
	int rc = -1;

	*sig = 0;
	if (!r || ncd_run_init(r, o, "receiver", o->flows, s) || accept_cfg(&c, o))
		goto out;
	/* a one-off run's stop shuts the listener down to wake accept();
	 * --forever keeps it for the next run (the acceptor polls) */
	if (!o->forever)
		r->listen_fd = lfd;
	if (ncd_accept_start(&s->acc, &c, lfd, &r->stop))
		goto out_accept;
	r->rep.conns = &s->acc.counts;
	*sig = ncd_run_flows(r, server_flow);
	ncd_accept_finish(&s->acc);
	/* --forever stopped between runs: nothing to report */
	if (o->forever && *sig && !r->rep.t0)
		rc = 128 + *sig;
	else
		rc = ncd_report_finish(&r->rep, o->json ? stdout : NULL, *sig);
out_accept:
	ncd_accept_finish(&s->acc);
out:
	if (r)
		ncd_report_free(&r->rep);
	free(r);
	return rc;
}

int ncd_server_main(const struct ncd_opts *o)
{
	struct server s = { 0 };
	int rc = NCD_EXIT_FAIL, sig = 0, ret, lfd = -1;
	unsigned int runs = 0;

	ret = server_setup(&s, o);
	if (!ret && ncd_stop_signal())
		ret = -EINTR;	/* stopped during set-up: undo, then 128+N */
	if (ret) {
		ncd_stop_announce();
		/* a missing driver/device (no udmabuf, no libcuda) is a skip */
		rc = ret == -ENOENT ? NCD_EXIT_SKIP : ncd_nic_exit_code(ret);
		goto out_teardown;
	}
	lfd = server_listen(o);
	if (lfd < 0) {
		rc = lfd == -2 ? NCD_EXIT_USAGE : NCD_EXIT_FAIL;
		goto out_teardown;
	}
	if (!o->json)
		fprintf(stderr, "ncdevmem: receiving on port %u (%s mode, %s memory, %u flow%s%s)\n",
			o->port, ncd_mode_name(o->mode),
			ncd_mem_kind_name(o->mem), o->flows, o->flows > 1 ? "s" : "",
			o->forever ? "; runs back to back until SIGINT/SIGTERM" : "");
	do {
		rc = serve_run(&s, o, lfd, &sig);
		if (rc < 0) {
			rc = NCD_EXIT_FAIL;
			break;
		}
		runs++;
		if (o->forever && !sig && !o->json) {
			fprintf(stderr, "ncdevmem: run %u done (exit %d); receiving on port %u again\n",
				runs, rc, o->port);
			fflush(stderr);
		}
	} while (o->forever && !sig && !ncd_stop_signal());
	close(lfd);
out_teardown:
	server_teardown(&s);
	return rc;
}
