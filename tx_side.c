// SPDX-License-Identifier: MIT
/* The sending end of a run; see tx_side.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "copy_path.h"
#include "devmem_path.h"
#include "pace.h"
#include "tx_side.h"

static const struct ncd_tx_path_ops *const tx_paths[] = {
	[NCD_MODE_COPY] = &ncd_copy_tx_path,
	[NCD_MODE_DEVMEM] = &ncd_devmem_tx_path,
};

static int flow_stopped(struct ncd_flow *f)
{
	return atomic_load(&f->run->stop) || atomic_load(&f->run->stop_tx);
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

static void send_pattern(struct ncd_flow *f, struct ncd_tx_side *c,
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
static void send_stdin(struct ncd_flow *f, struct ncd_tx_side *c,
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

void ncd_tx_side_flow(struct ncd_flow *f, struct ncd_tx_side *c, int fd)
{
	const struct ncd_tx_path_ops *ops = c->path.ops;
	struct ncd_tx_flow fl = { .stdin_buf = c->stdin_buf };
	struct ncd_pace pace;
	int ret;

	set_idle_timeout(fd, f->run->o->idle_timeout_s);
	ret = ops->open(&c->path, f->side_idx, fd, &fl);
	if (ret) {
		ncd_flow_error(f, "%s TX set-up failed: %s", ops->name,
			       strerror(-ret));
		free(fl.ring);
	} else {
		ncd_pace_start(&pace, f->run->o->bitrate);	/* --bitrate */
		if (f->run->o->pat.kind != NCD_PAT_NONE)
			send_pattern(f, c, &fl, &pace);
		else
			send_stdin(f, c, &fl, &pace);
		ops->close(&c->path, &fl);
	}
	drain(f, fd);
}

int ncd_tx_side_bind_device(const struct ncd_tx_side *c)
{
	return c->path.ops && c->path.ops->bind_device;
}

int ncd_tx_side_setup(struct ncd_tx_side *c, const struct ncd_opts *o)
{
	int mode = ncd_opts_tx_mode(o);

	if (mode >= (int)(sizeof(tx_paths) / sizeof(tx_paths[0])) ||
	    !tx_paths[mode]) {
		fprintf(stderr, "ncdevmem: --mode %s has no transmit path: the sending end needs copy or devmem\n",
			ncd_mode_name(mode));
		return -EOPNOTSUPP;
	}
	if (o->pat.kind == NCD_PAT_NONE && !(c->stdin_buf = malloc(NCD_TX_CHUNK)))
		return -ENOMEM;
	c->cfg = (struct ncd_tx_cfg){ .ifname = o->ifname,
				      .max_chunk = o->tx_chunk,
				      .pat = o->pat.kind != NCD_PAT_NONE ? &o->pat : NULL,
				      .mem = o->mem, .gpu = o->gpu };
	c->path = (struct ncd_tx_path){ .ops = tx_paths[mode], .cfg = &c->cfg };
	return c->path.ops->setup(&c->path);
}

void ncd_tx_side_teardown(struct ncd_tx_side *c)
{
	if (c->path.ops)
		c->path.ops->teardown(&c->path);
	free(c->stdin_buf);
	memset(c, 0, sizeof(*c));
}
