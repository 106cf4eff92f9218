// SPDX-License-Identifier: MIT
/*
 * Sender: --flows connections, each on its own thread.  With a pattern, copy
 * mode fills a per-flow ring of TX_CHUNK bytes at the stream offset and
 * sends from it (send() copies, so the ring is reused at once and stays in
 * cache); devmem TX sends from one constant dma-buf of period + chunk
 * pattern bytes (zerocopy needs bytes that do not change), stream offset o
 * at buffer offset o % period.  Without a pattern stdin is sent like nc.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "nic.h"
#include "role.h"
#include "run.h"
#include "sock.h"
#include "sources.h"

#define TX_CHUNK	(256 << 10)
#define DEFAULT_TIME_S	10.0

struct client {
	size_t payload_len;	/* devmem TX: whole periods >= 2 chunks */
	struct ncd_mem mem;	/* devmem TX: the pattern in the dma-buf */
	struct ncd_nic nic;	/* devmem TX: bind-tx, restored at exit */
	int devmem;
	char *stdin_buf;	/* no pattern: stdin is read into this */
};

static int flow_stopped(struct ncd_flow *f)
{
	return atomic_load(&f->run->stop);
}

/* Send [off, off + len) with the byte at --corrupt-at flipped. */
static long send_corrupted(int fd, const struct client *c, const struct ncd_opts *o,
			   uint64_t off, size_t len)
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

/* Copy mode's ring: TX_CHUNK bytes holding stream [start, end). */
struct tx_ring {
	uint8_t *buf;
	uint64_t start, end;
};

/* Where stream byte @off is in the ring, refilled at @off once it has left;
 * every byte is filled once, at SIMD speed, from a cache-hot buffer. */
static uint64_t ring_at(struct tx_ring *r, const struct ncd_pattern *p,
			uint64_t off)
{
	if (off < r->start || off >= r->end) {
		ncd_pattern_fill(p, off, r->buf, TX_CHUNK);
		r->start = off;
		r->end = off + TX_CHUNK;
	}
	return off - r->start;
}

static void send_pattern(struct ncd_flow *f, struct client *c,
			 struct ncd_tx_sink *sink, struct tx_ring *ring)
{
	const struct ncd_opts *o = f->run->o;
	uint64_t off = 0, corrupt = o->corrupt_at;
	long n;

	while (!flow_stopped(f)) {
		uint64_t buf_off = off % o->pat.period;
		size_t len = TX_CHUNK;

		if (ring) {
			buf_off = ring_at(ring, &o->pat, off);
			len = ring->end - off;
		} else if (len > c->payload_len - buf_off) {
			len = c->payload_len - buf_off;	/* never past the buffer */
		}
		if (o->bytes && o->bytes - off < len)
			len = o->bytes - off;
		if (!len)
			break;
		if (o->corrupt_at >= 0 && corrupt >= off && corrupt < off + len)
			n = send_corrupted(sink->fd, c, o, off, len);
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

/*
 * Like nc: send stdin.  Copy mode sends straight from @buf; devmem TX stages
 * each chunk into the dma-buf at offset 0, after the previous chunk's
 * zerocopy completions are in, and sends from there.
 */
static void send_stdin(struct ncd_flow *f, struct client *c,
		       struct ncd_tx_sink *sink, char *buf)
{
	uint64_t total = 0;
	ssize_t n;
	long w = 0;

	while (!flow_stopped(f) && (n = read(STDIN_FILENO, buf, TX_CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ncd_flow_error(f, "reading stdin failed: %s", strerror(errno));
			return;
		}
		if (c->devmem && ((w = sink->finish(sink)) ||
				  (w = c->mem.ops->copy_in(&c->mem, 0, buf, n)))) {
			ncd_flow_error(f, "stdin to the dma-buf failed: %s", strerror(-w));
			return;
		}
		for (ssize_t done = 0; done < n; done += w) {
			w = sink->send(sink, done, n - done);
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

static int open_sink(struct ncd_flow *f, struct client *c, int fd,
		     struct ncd_tx_sink *sink, const struct tx_ring *ring)
{
	int ret;

	if (!c->devmem)
		return ncd_copy_sink_open(sink, fd, ring->buf ? ring->buf
							      : (uint8_t *)c->stdin_buf);
	ret = ncd_devmem_sink_open(sink, fd, c->nic.tx_dmabuf_id,
				   f->run->o->tx_chunk);
	if (ret)
		ncd_flow_error(f, "devmem TX set-up failed: %s", strerror(-ret));
	return ret;
}

static void client_flow(struct ncd_flow *f)
{
	const struct ncd_opts *o = f->run->o;
	struct client *c = f->run->ctx;
	struct ncd_tx_sink sink;
	struct tx_ring ring = { 0 };
	uint16_t sport = o->client && o->flows == 1 ? o->port : 0;
	int fd;

	if (!c->devmem && o->pat.kind != NCD_PAT_NONE &&
	    !(ring.buf = malloc(TX_CHUNK))) {
		ncd_flow_error(f, "out of memory for the send ring");
		return;
	}
	fd = ncd_connect(&(struct ncd_dial){
		.host = o->server, .port = o->port, .src = o->client,
		.src_port = sport, .ifname = c->devmem ? o->ifname : NULL,
		.timeout_s = o->connect_timeout_s, .stop = &f->run->stop });
	if (fd < 0) {
		if (!atomic_load(&f->run->stop))
			ncd_flow_error(f, "no connection to %s port %u", o->server,
				       o->port);
		goto out;
	}
	ncd_flow_begin(f, fd);
	set_idle_timeout(fd, o->idle_timeout_s);
	if (open_sink(f, c, fd, &sink, &ring) == 0) {
		if (o->pat.kind != NCD_PAT_NONE)
			send_pattern(f, c, &sink, ring.buf ? &ring : NULL);
		else
			send_stdin(f, c, &sink, c->stdin_buf);
		sink.close(&sink);
	}
	drain(f, fd);
	atomic_store(&f->run->fds[f->idx], -1);
	close(fd);
out:
	free(ring.buf);
}

/* A whole number of periods, at least two chunks, so that any send of up
 * to TX_CHUNK bytes starting at (offset % period) is contiguous. */
static size_t payload_size(const struct ncd_pattern *p)
{
	uint64_t periods = (2 * TX_CHUNK + p->period - 1) / p->period;

	return p->period * (periods ? periods : 1);
}

/* Write the pattern into the provider, 1 MiB at a time through copy_in. */
static int fill_provider(struct ncd_mem *m, const struct ncd_pattern *p,
			 size_t len)
{
	size_t step = 1 << 20;
	uint8_t *tmp = malloc(step);
	int ret = 0;

	if (!tmp)
		return -ENOMEM;
	for (size_t off = 0; off < len && !ret; off += step) {
		size_t n = len - off < step ? len - off : step;

		ncd_pattern_fill(p, off, tmp, n);
		ret = m->ops->copy_in(m, off, tmp, n);
	}
	free(tmp);
	return ret;
}

/* devmem TX: pattern (or stdin staging) in a dma-buf bound with bind-tx. */
static int devmem_setup(struct client *c, const struct ncd_opts *o)
{
	size_t size = o->pat.kind != NCD_PAT_NONE ? payload_size(&o->pat) : TX_CHUNK;
	int ret;

	if (o->mem == NCD_MEM_HOST) {
		fprintf(stderr, "ncdevmem: devmem TX needs a dma-buf, host memory has none: use --mem udmabuf or --mem cuda\n");
		return -EINVAL;
	}
	size = (size + 4095) & ~(size_t)4095;
	c->mem.gpu_sel = o->gpu;
	c->mem.ifname = o->ifname;
	ret = ncd_mem_open(&c->mem, o->mem, size);
	if (ret)
		return ret;
	c->devmem = 1;
	c->payload_len = size;
	if (o->pat.kind != NCD_PAT_NONE && (ret = fill_provider(&c->mem, &o->pat, size)))
		return ret;
	return ncd_nic_bind_tx(&c->nic, o->ifname, c->mem.dmabuf_fd);
}

static int make_payload(struct client *c, const struct ncd_opts *o)
{
	if (o->pat.kind == NCD_PAT_NONE && !(c->stdin_buf = malloc(TX_CHUNK)))
		return -ENOMEM;
	if (o->mode == NCD_MODE_DEVMEM)
		return devmem_setup(c, o);
	return 0;	/* copy mode: each flow fills its own ring */
}

static void client_teardown(struct client *c)
{
	if (c->devmem) {
		ncd_nic_restore(&c->nic);
		ncd_mem_close(&c->mem);
	}
	free(c->stdin_buf);
}

int ncd_client_main(const struct ncd_opts *opts)
{
	struct ncd_opts o = *opts;
	struct client c = { 0 };
	struct ncd_run *r = calloc(1, sizeof(*r));
	int rc = NCD_EXIT_FAIL, sig, ret;

	if (o.mode == NCD_MODE_ZCRX) {
		fprintf(stderr, "ncdevmem: zcrx is a receive path: use it with -l\n");
		free(r);
		return NCD_EXIT_USAGE;
	}
	if (o.pat.kind != NCD_PAT_NONE && !o.bytes && !o.time_s)
		o.time_s = DEFAULT_TIME_S;
	if (o.pat.kind == NCD_PAT_NONE && o.flows > 1) {
		fprintf(stderr, "ncdevmem: stdin can feed only one flow: add --validate or -v N for -P %u\n",
			o.flows);
		free(r);
		return NCD_EXIT_USAGE;
	}
	if (!r || ncd_run_init(r, &o, "sender", o.flows, &c))
		goto out;
	ret = make_payload(&c, &o);
	if (ret) {
		rc = ret == -ENOENT ? NCD_EXIT_SKIP : ncd_nic_exit_code(ret);
		goto out;
	}
	sig = ncd_run_flows(r, client_flow);
	rc = ncd_report_finish(&r->rep, o.json ? stdout : NULL, sig);
out:
	client_teardown(&c);
	if (r)
		ncd_report_free(&r->rep);
	free(r);
	return rc;
}
