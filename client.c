// SPDX-License-Identifier: MIT
/*
 * Sender: --flows connections, each on its own thread, through the mode's
 * transmit path (datapath.h).  With a pattern the path says where each
 * stream offset lies in its payload buffer (copy: a per-flow ring refilled
 * at the offset; devmem: one constant dma-buf); without one stdin is sent
 * like nc, each chunk staged where the path sends from.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "copy_path.h"
#include "devmem_path.h"
#include "modes.h"
#include "nic.h"
#include "pace.h"
#include "run.h"
#include "sock.h"
#include "stop.h"

static const struct ncd_tx_path_ops *const tx_paths[] = {
	[NCD_MODE_COPY] = &ncd_copy_tx_path,
	[NCD_MODE_DEVMEM] = &ncd_devmem_tx_path,
};

struct client {
	struct ncd_tx_cfg cfg;
	struct ncd_tx_path path;
	uint8_t *stdin_buf;	/* no pattern: stdin is read into this */
	struct ncd_sock_tune tune;	/* -w, -C */
};

static int flow_stopped(struct ncd_flow *f)
{
	return atomic_load(&f->run->stop);
}

/* Send [off, off + len) with the byte at --corrupt-at flipped. */
static long send_corrupted(int fd, const struct ncd_opts *o, uint64_t off,
			   size_t len)
{
	uint8_t *tmp = malloc(len);
	long n;

	if (!tmp)
		return -ENOMEM;
	ncd_pattern_fill(&o->pat, off, tmp, len);
	tmp[o->corrupt_at - off] ^= 0xff;
	n = send(fd, tmp, len, MSG_NOSIGNAL);
	free(tmp);
	return n < 0 ? -errno : n;
}

static void send_pattern(struct ncd_flow *f, struct client *c,
			 struct ncd_tx_flow *fl, const struct ncd_pace *pace)
{
	const struct ncd_opts *o = f->run->o;
	struct ncd_tx_sink *sink = &fl->sink;
	uint64_t off = 0, corrupt = o->corrupt_at;
	long n;

	while (!flow_stopped(f)) {
		size_t len = NCD_TX_CHUNK;
		uint64_t buf_off = c->path.ops->place(&c->path, fl, off, &len);

		if (o->bytes && o->bytes - off < len)
			len = o->bytes - off;
		if (!len || ncd_pace_wait(pace, off, &f->run->stop))
			break;
		len = ncd_pace_chunk(pace, len);
		if (o->corrupt_at >= 0 && corrupt >= off && corrupt < off + len)
			n = send_corrupted(sink->fd, o, off, len);
		else
			n = sink->send(sink, buf_off, len);
		if (n < 0) {
			if (!flow_stopped(f))
				ncd_flow_error(f, "send failed after %llu bytes: %s",
					       (unsigned long long)off,
					       n == -EAGAIN ? "no progress within --idle-timeout: the peer stopped reading"
							    : strerror(-n));
			break;
		}
		off += n;
		atomic_store(&f->st->bytes, off);
	}
	n = sink->finish(sink);
	if (n)
		ncd_flow_error(f, "waiting for send completions failed: %s",
			       strerror(-n));
}

/* Like nc: send stdin, each chunk staged where the path sends from. */
static void send_stdin(struct ncd_flow *f, struct client *c,
		       struct ncd_tx_flow *fl, const struct ncd_pace *pace)
{
	struct ncd_tx_sink *sink = &fl->sink;
	uint64_t total = 0;
	ssize_t n;
	long w = 0;

	while (!flow_stopped(f) &&
	       (n = read(STDIN_FILENO, fl->stdin_buf, NCD_TX_CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ncd_flow_error(f, "reading stdin failed: %s", strerror(errno));
			return;
		}
		if ((w = c->path.ops->stage(&c->path, fl, n))) {
			ncd_flow_error(f, "stdin to the dma-buf failed: %s", strerror(-w));
			return;
		}
		for (ssize_t done = 0; done < n; done += w) {
			if (ncd_pace_wait(pace, total, &f->run->stop))
				return;
			w = sink->send(sink, done, ncd_pace_chunk(pace, n - done));
			if (w < 0) {
				if (!flow_stopped(f))
					ncd_flow_error(f, "send failed: %s", strerror(-w));
				return;
			}
			total += w;
			atomic_store(&f->st->bytes, total);
		}
	}
	if ((w = sink->finish(sink)))
		ncd_flow_error(f, "waiting for send completions failed: %s",
			       strerror(-w));
}

/* A send that makes no progress for --idle-timeout fails with EAGAIN. */
static void set_idle_timeout(int fd, double secs)
{
	struct timeval tv = { .tv_sec = (time_t)secs,
			      .tv_usec = (long)((secs - (time_t)secs) * 1e6) };

	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/*
 * Half-close and wait for the receiver to close too, so every byte counted
 * here was taken by the peer before we report.  Bounded by --idle-timeout:
 * a peer that keeps sending or never closes cannot hold us.
 */
static void drain(struct ncd_flow *f, int fd)
{
	double limit = f->run->o->idle_timeout_s, end = ncd_now() + limit;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char b[4096];

	shutdown(fd, SHUT_WR);
	while (!limit || ncd_now() < end) {
		if (poll(&p, 1, 100) > 0 && recv(fd, b, sizeof(b), MSG_DONTWAIT) == 0)
			return;
		if (p.revents & (POLLERR | POLLHUP))
			return;
	}
	fprintf(stderr, "ncdevmem: flow %u: the peer did not close within %.0f s of our end: not waiting longer (--idle-timeout)\n",
		f->idx + 1, limit);
}

static void client_flow(struct ncd_flow *f)
{
	const struct ncd_opts *o = f->run->o;
	struct client *c = f->run->ctx;
	const struct ncd_tx_path_ops *ops = c->path.ops;
	struct ncd_tx_flow fl = { .stdin_buf = c->stdin_buf };
	uint16_t sport = o->client && o->flows == 1 ? o->port : 0;
	struct ncd_pace pace;
	int fd, ret;

	if (o->cport)		/* --cport: consecutive ports, one a flow */
		sport = o->cport + f->idx;
	fd = ncd_connect(&(struct ncd_dial){
		.host = o->server, .port = o->port, .src = o->client,
		.src_port = sport, .ifname = ops->bind_device ? o->ifname : NULL,
		.timeout_s = o->connect_timeout_s, .stop = &f->run->stop,
		.tune = &c->tune });
	if (fd < 0) {
		if (!atomic_load(&f->run->stop))
			ncd_flow_error(f, "no connection to %s port %u", o->server,
				       o->port);
		return;
	}
	ncd_flow_begin(f, fd);
	set_idle_timeout(fd, o->idle_timeout_s);
	ret = ops->open(&c->path, f->idx, fd, &fl);
	if (ret) {
		ncd_flow_error(f, "%s TX set-up failed: %s", ops->name,
			       strerror(-ret));
		free(fl.ring);
	} else {
		ncd_pace_start(&pace, o->bitrate);
		if (o->pat.kind != NCD_PAT_NONE)
			send_pattern(f, c, &fl, &pace);
		else
			send_stdin(f, c, &fl, &pace);
		ops->close(&c->path, &fl);
	}
	drain(f, fd);
	ncd_flow_close(f, fd);
}

static int client_setup(struct client *c, const struct ncd_opts *o)
{
	if (o->pat.kind == NCD_PAT_NONE && !(c->stdin_buf = malloc(NCD_TX_CHUNK)))
		return -ENOMEM;
	c->cfg = (struct ncd_tx_cfg){ .ifname = o->ifname,
				      .max_chunk = o->tx_chunk,
				      .pat = o->pat.kind != NCD_PAT_NONE ? &o->pat : NULL,
				      .mem = o->mem, .gpu = o->gpu };
	c->path = (struct ncd_tx_path){ .ops = tx_paths[o->mode], .cfg = &c->cfg };
	return c->path.ops->setup(&c->path);
}

static void client_teardown(struct client *c)
{
	if (c->path.ops)
		c->path.ops->teardown(&c->path);
	free(c->stdin_buf);
}

int ncd_client_main(const struct ncd_opts *o)
{
	struct client c = { 0 };
	struct ncd_run *r = calloc(1, sizeof(*r));
	int rc = NCD_EXIT_FAIL, sig, ret;

	if (!r || ncd_run_init(r, o, "sender", o->flows, &c))
		goto out;
	c.tune = (struct ncd_sock_tune){ .window = o->window,
					 .congestion = o->congestion };
	if (ncd_sock_tune_check(&c.tune)) {	/* once, not once a flow */
		rc = NCD_EXIT_USAGE;
		goto out;
	}
	ret = client_setup(&c, o);
	if (!ret && ncd_stop_signal())
		ret = -EINTR;	/* stopped during set-up: undo, then 128+N */
	if (ret) {
		ncd_stop_announce();
		rc = ret == -ENOENT ? NCD_EXIT_SKIP : ncd_nic_exit_code(ret);
		goto out;
	}
	sig = ncd_run_flows(r, client_flow);
	rc = ncd_report_finish(&r->rep, o->json ? stdout : NULL, sig);
out:
	client_teardown(&c);
	if (r)
		ncd_report_free(&r->rep);
	free(r);
	return rc;
}
