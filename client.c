// SPDX-License-Identifier: MIT
/*
 * Sender: --flows connections, each on its own thread.  With a pattern every
 * send comes from one constant buffer holding period + chunk pattern bytes,
 * so stream offset o is buffer offset o % period; without one, stdin is
 * sent like nc does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "role.h"
#include "run.h"
#include "sock.h"
#include "sources.h"

#define TX_CHUNK	(256 << 10)
#define DEFAULT_TIME_S	10.0

struct client {
	uint8_t *payload;	/* pattern: period + TX_CHUNK bytes */
	size_t payload_len;
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
	memcpy(tmp, c->payload + off % o->pat.period, len);
	tmp[o->corrupt_at - off] ^= 0xff;
	n = send(fd, tmp, len, MSG_NOSIGNAL);
	free(tmp);
	return n < 0 ? -errno : n;
}

static void send_pattern(struct ncd_flow *f, struct client *c,
			 struct ncd_tx_sink *sink)
{
	const struct ncd_opts *o = f->run->o;
	uint64_t off = 0, corrupt = o->corrupt_at;
	long n;

	while (!flow_stopped(f)) {
		size_t len = TX_CHUNK;

		if (o->bytes && o->bytes - off < len)
			len = o->bytes - off;
		if (!len)
			break;
		if (o->corrupt_at >= 0 && corrupt >= off && corrupt < off + len)
			n = send_corrupted(sink->fd, c, o, off, len);
		else
			n = sink->send(sink, off % o->pat.period, len);
		if (n < 0) {
			if (!flow_stopped(f))
				ncd_flow_error(f, "send failed after %llu bytes: %s",
					       (unsigned long long)off, strerror(-n));
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

static void send_stdin(struct ncd_flow *f, int fd)
{
	char *buf = malloc(TX_CHUNK);
	uint64_t total = 0;
	ssize_t n, w;

	if (!buf) {
		ncd_flow_error(f, "out of memory");
		return;
	}
	while (!flow_stopped(f) && (n = read(STDIN_FILENO, buf, TX_CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ncd_flow_error(f, "reading stdin failed: %s", strerror(errno));
			break;
		}
		for (ssize_t done = 0; done < n; done += w) {
			w = send(fd, buf + done, n - done, MSG_NOSIGNAL);
			if (w < 0 && errno == EINTR) {
				w = 0;
				continue;
			}
			if (w < 0) {
				if (!flow_stopped(f))
					ncd_flow_error(f, "send failed: %s", strerror(errno));
				goto out;
			}
			total += w;
			atomic_store(&f->st->bytes, total);
		}
	}
out:
	free(buf);
}

/* Half-close and wait for the receiver to finish, so every byte counted
 * here was taken by the peer's TCP before we report. */
static void drain(int fd)
{
	char b[4096];

	shutdown(fd, SHUT_WR);
	while (recv(fd, b, sizeof(b), 0) > 0)
		;
}

static void client_flow(struct ncd_flow *f)
{
	const struct ncd_opts *o = f->run->o;
	struct client *c = f->run->ctx;
	struct ncd_tx_sink sink;
	uint16_t sport = o->client && o->flows == 1 ? o->port : 0;
	int fd;

	fd = ncd_connect(o->server, o->port, o->client, sport, NULL);
	if (fd < 0) {
		ncd_flow_error(f, "no connection to %s port %u", o->server, o->port);
		return;
	}
	ncd_flow_begin(f, fd);
	if (c->payload) {
		ncd_copy_sink_open(&sink, fd, c->payload);
		send_pattern(f, c, &sink);
		sink.close(&sink);
	} else {
		send_stdin(f, fd);
	}
	drain(fd);
	atomic_store(&f->run->fds[f->idx], -1);
	close(fd);
}

static int make_payload(struct client *c, const struct ncd_opts *o)
{
	if (o->pat.kind == NCD_PAT_NONE)
		return 0;
	c->payload_len = o->pat.period + TX_CHUNK;
	c->payload = malloc(c->payload_len);
	if (!c->payload) {
		fprintf(stderr, "ncdevmem: cannot allocate %zu bytes of pattern: lower --period\n",
			c->payload_len);
		return -ENOMEM;
	}
	ncd_pattern_fill(&o->pat, 0, c->payload, c->payload_len);
	return 0;
}

int ncd_client_main(const struct ncd_opts *opts)
{
	struct ncd_opts o = *opts;
	struct client c = { 0 };
	struct ncd_run *r = calloc(1, sizeof(*r));
	int rc = NCD_EXIT_FAIL, sig;

	if (o.mode != NCD_MODE_COPY) {
		fprintf(stderr, "ncdevmem: devmem TX is not wired into this build yet: use --copy\n");
		free(r);
		return NCD_EXIT_SKIP;
	}
	if (o.pat.kind != NCD_PAT_NONE && !o.bytes && !o.time_s)
		o.time_s = DEFAULT_TIME_S;
	if (o.pat.kind == NCD_PAT_NONE && o.flows > 1) {
		fprintf(stderr, "ncdevmem: stdin can feed only one flow: add --validate or -v N for -P %u\n",
			o.flows);
		free(r);
		return NCD_EXIT_USAGE;
	}
	if (!r || ncd_run_init(r, &o, "sender", o.flows, &c) || make_payload(&c, &o))
		goto out;
	sig = ncd_run_flows(r, client_flow);
	rc = ncd_report_finish(&r->rep, o.json ? stdout : NULL, sig);
out:
	if (r)
		ncd_report_free(&r->rep);
	free(r);
	free(c.payload);
	return rc;
}
