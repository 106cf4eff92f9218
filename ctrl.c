// SPDX-License-Identifier: MIT
/* The control connection's exchange; see ctrl.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "clock.h"
#include "ctrl.h"
#include "report.h"
#include "sock.h"
#include "stop.h"

#define NO_BOUND_S	10.0	/* a wait whose option says "forever" */

uint16_t ncd_ctrl_port(uint16_t port)
{
	return port == 65535 ? port - 1 : port + 1;
}

static double bound(double secs)
{
	return secs > 0 ? secs : NO_BOUND_S;
}

static int send_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static int send_msg(int fd, int type, const char *payload, size_t len)
{
	uint8_t buf[NCD_CTRL_HDR + NCD_CTRL_MAX];

	return send_all(fd, buf, ncd_ctrl_frame(buf, type, payload, len));
}

/* @len bytes by @deadline, in 100 ms slices (a stop is seen at once). */
static int read_full(int fd, void *buf, size_t len, double deadline,
		     const char **why)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t got = 0;

	while (got < len) {
		ssize_t n;

		if (ncd_stop_signal()) {
			*why = "stopped";
			return -1;
		}
		if (ncd_now() >= deadline) {
			*why = "nothing within the time allowed";
			return -1;
		}
		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recv(fd, (char *)buf + got, len - got, MSG_DONTWAIT);
		if (n == 0) {
			*why = "the peer closed it";
			return -1;
		}
		if (n < 0 && errno == EFAULT) {	/* an unreadable skb */
			*why = "its payload landed in device memory: the control port (-p + 1) reaches the bound RX queue; steer it to another (RSS without that queue: drop -n)";
			return -1;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			*why = strerror(errno);
			return -1;
		}
		if (n > 0)
			got += n;
	}
	return 0;
}

/* One frame; the payload NUL-terminated in @payload (NCD_CTRL_MAX + 1). */
static int read_msg(int fd, double secs, struct ncd_ctrl_hdr *h, char *payload,
		    const char **why)
{
	double deadline = ncd_now() + bound(secs);
	uint8_t hdr[NCD_CTRL_HDR];

	if (read_full(fd, hdr, sizeof(hdr), deadline, why) ||
	    ncd_ctrl_parse_hdr(hdr, h, why) ||
	    read_full(fd, payload, h->len, deadline, why))
		return -1;
	payload[h->len] = 0;
	return 0;
}

void ncd_ctrl_settings_of(const struct ncd_opts *o, struct ncd_ctrl_settings *s)
{
	*s = (struct ncd_ctrl_settings){ .flows = o->flows, .pat = o->pat,
					 .time_s = o->time_s, .bytes = o->bytes,
					 .dir = o->dir, .tx_chunk = o->tx_chunk,
					 .corrupt_at = o->corrupt_at,
					 .set = o->set & NCD_SET_ALL,
					 .bitrate = o->bitrate,
					 .cpu = o->affinity,
					 .peer_cpu = o->affinity_peer };
}

static const char *pat_arg(const struct ncd_pattern *p, char *buf, size_t n)
{
	if (p->kind == NCD_PAT_OFFSET)
		return "--validate";
	if (p->kind == NCD_PAT_NONE)
		return "no pattern";
	snprintf(buf, n, "-v %llu", (unsigned long long)p->period);
	return buf;
}

/* Both ends gave @bit and the values differ: say so in @why. */
#define CLASH(bit, differ, fmt, cv, sv) \
	(((s->set & o->set) & (bit)) && (differ) ? \
	 (snprintf(why, wlen, fmt " on the client, " fmt " on the server: give it on one end only", cv, sv), 1) : 0)
/* A setting given on one end wins over the other end's default. */
#define TAKE(bit, field) do { if (!(s->set & (bit)) && (o->set & (bit))) \
	out->field = srv.field; } while (0)

int ncd_ctrl_merge(const struct ncd_opts *o, const struct ncd_ctrl_settings *s,
		   struct ncd_ctrl_settings *out, char *why, size_t wlen)
{
	struct ncd_ctrl_settings srv;
	char a[24], b[24];

	ncd_ctrl_settings_of(o, &srv);
	if (CLASH(NCD_SET_FLOWS, s->flows != srv.flows, "-P %u", s->flows, srv.flows) ||
	    CLASH(NCD_SET_PATTERN, s->pat.kind != srv.pat.kind ||
		  (s->pat.kind == NCD_PAT_UPSTREAM && s->pat.period != srv.pat.period),
		  "%s", pat_arg(&s->pat, a, sizeof(a)), pat_arg(&srv.pat, b, sizeof(b))) ||
	    CLASH(NCD_SET_SEED, s->pat.seed != srv.pat.seed, "--seed %llu",
		  (unsigned long long)s->pat.seed, (unsigned long long)srv.pat.seed) ||
	    CLASH(NCD_SET_PERIOD, s->pat.period != srv.pat.period, "--period %llu",
		  (unsigned long long)s->pat.period, (unsigned long long)srv.pat.period) ||
	    CLASH(NCD_SET_TIME, s->time_s != srv.time_s, "--time %g", s->time_s,
		  srv.time_s) ||
	    CLASH(NCD_SET_BYTES, s->bytes != srv.bytes, "--bytes %llu",
		  (unsigned long long)s->bytes, (unsigned long long)srv.bytes) ||
	    CLASH(NCD_SET_CHUNK, s->tx_chunk != srv.tx_chunk, "-z %u", s->tx_chunk,
		  srv.tx_chunk))
		return -1;
	*out = *s;
	TAKE(NCD_SET_FLOWS, flows);
	TAKE(NCD_SET_PATTERN, pat.kind);
	if (!(s->set & NCD_SET_PATTERN) && (o->set & NCD_SET_PATTERN) &&
	    srv.pat.kind == NCD_PAT_UPSTREAM)
		out->pat.period = srv.pat.period;	/* -v N: N is the pattern */
	TAKE(NCD_SET_SEED, pat.seed);
	TAKE(NCD_SET_PERIOD, pat.period);
	TAKE(NCD_SET_TIME, time_s);
	TAKE(NCD_SET_BYTES, bytes);
	TAKE(NCD_SET_CHUNK, tx_chunk);
	/* --upstream-pattern=6.12 on either end: lines end in 0x00 */
	out->pat.nul_eol = s->pat.nul_eol || srv.pat.nul_eol;
	if (!s->bitrate)	/* --bitrate: the client's, else the server's */
		out->bitrate = srv.bitrate;
	/* the server's --bytes ends the run, not the client's default --time */
	if ((o->set & NCD_SET_BYTES) && !((s->set | o->set) & NCD_SET_TIME))
		out->time_s = 0;
	/* a pattern from the server: the client's stdin default time goes */
	if (out->pat.kind != NCD_PAT_NONE && !out->time_s && !out->bytes)
		out->time_s = NCD_CLIENT_TIME_S;
	out->set = s->set | srv.set;
	return 0;
}

void ncd_ctrl_apply(struct ncd_opts *o, const struct ncd_ctrl_settings *s)
{
	o->flows = s->flows;
	o->pat = s->pat;
	o->time_s = s->time_s;
	o->bytes = s->bytes;
	o->dir = s->dir;
	o->tx_chunk = s->tx_chunk;
	o->corrupt_at = s->corrupt_at;
	o->bitrate = s->bitrate;
	o->set |= s->set;
	if (o->listen) {	/* -A N,M: the server pins itself to M */
		o->affinity_peer = s->cpu;
		if (s->peer_cpu >= 0)
			o->affinity = s->peer_cpu;
	}
	/* an end that only receives runs until the sender's end of stream
	 * (bounded by --idle-timeout): --time is the sender's */
	if (s->dir != NCD_DIR_BIDIR && !o->listen == (s->dir == NCD_DIR_REVERSE))
		o->time_s = 0;
}

/* ncd_opts_refinish()'s line without "ncdevmem: " and " (see --help)". */
static int refinish(struct ncd_opts *o, char *why, size_t wlen)
{
	char *text = NULL, *end;
	size_t n = 0;
	FILE *m = open_memstream(&text, &n);
	int ret;

	if (!m) {
		snprintf(why, wlen, "out of memory");
		return -1;
	}
	ret = ncd_opts_refinish(o, m);
	fclose(m);
	if (ret) {
		end = text ? strstr(text, " (see --help)") : NULL;
		if (end)
			*end = 0;
		snprintf(why, wlen, "%s", text && !strncmp(text, "ncdevmem: ", 10) ?
			 text + 10 : text ? text : "bad settings");
	}
	free(text);
	return ret ? -1 : 0;
}

/* A quiet, bounded connect: fd or -1 (errno set). */
static int dial(const struct ncd_opts *o, uint16_t port, double secs)
{
	struct sockaddr_in6 sa, src;
	struct pollfd p;
	socklen_t len = sizeof(int);
	double deadline = ncd_now() + bound(secs);
	int fd, err = 0;

	if (ncd_resolve(o->server, port, &sa))
		return -1;
	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (o->client && (ncd_resolve(o->client, 0, &src) ||
			  bind(fd, (struct sockaddr *)&src, sizeof(src))))
		goto fail;
	if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return fd;
	if (errno != EINPROGRESS)
		goto fail;
	p = (struct pollfd){ .fd = fd, .events = POLLOUT };
	while (poll(&p, 1, 100) <= 0) {
		if (ncd_stop_signal() || ncd_now() >= deadline) {
			errno = ETIMEDOUT;
			goto fail;
		}
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		errno = err ? err : errno;
		goto fail;
	}
	return fd;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

/* No ncdevmem server: fine for a forward run, not for -R / --bidir. */
static int no_server(struct ncd_ctrl *c, const struct ncd_opts *o,
		     uint16_t port, const char *why)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (o->dir == NCD_DIR_FORWARD) {
		if (o->verbose || why[0])
			fprintf(stderr, "ncdevmem: no control reply on port %u (%s): the server is not ncdevmem? running on this end's options\n",
				port, why[0] ? why : "nothing listens");
		return 0;
	}
	fprintf(stderr, "ncdevmem: -R and --bidir need an ncdevmem server, and none answered on control port %u (%s): start it with ncdevmem -l\n",
		port, why[0] ? why : "nothing listens");
	return NCD_EXIT_FAIL;
}

int ncd_ctrl_client(struct ncd_ctrl *c, struct ncd_opts *o)
{
	uint16_t port = ncd_ctrl_port(o->port);
	char payload[NCD_CTRL_MAX + 1], why[300];
	struct ncd_ctrl_settings s;
	struct ncd_ctrl_hdr h;
	const char *w;
	size_t n;

	c->fd = -1;
	if (o->no_ctrl)
		return 0;
	c->fd = dial(o, port, o->connect_timeout_s);
	if (c->fd < 0)
		return errno == ECONNREFUSED ? no_server(c, o, port, "") :
		       no_server(c, o, port, strerror(errno));
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) & ~O_NONBLOCK);
	ncd_ctrl_settings_of(o, &s);
	n = ncd_ctrl_enc_settings(payload, &s);
	if (send_msg(c->fd, NCD_CTRL_HELLO, payload, n))
		return no_server(c, o, port, strerror(errno));
	if (read_msg(c->fd, o->connect_timeout_s, &h, payload, &w))
		return ncd_stop_signal() ? -EINTR : no_server(c, o, port, w);
	if (h.type == NCD_CTRL_REFUSE) {
		ncd_ctrl_dec_text(payload, h.len, why, sizeof(why));
		fprintf(stderr, "ncdevmem: the server refused the run: %s\n", why);
		return NCD_EXIT_USAGE;
	}
	if (h.type != NCD_CTRL_ACCEPT ||
	    ncd_ctrl_dec_settings(payload, h.len, &s, why, sizeof(why))) {
		fprintf(stderr, "ncdevmem: the server's control reply is not an acceptance (%s): check that both ends run the same ncdevmem\n",
			h.type != NCD_CTRL_ACCEPT ? "unexpected message" : why);
		return NCD_EXIT_FAIL;
	}
	c->agreed = s;
	ncd_ctrl_apply(o, &s);
	if (refinish(o, why, sizeof(why))) {
		fprintf(stderr, "ncdevmem: the server's settings do not work here: %s\n", why);
		return NCD_EXIT_USAGE;
	}
	return 0;
}

int ncd_ctrl_listen(const struct ncd_opts *o)
{
	struct sockaddr_in6 sa;
	int one = 1, fd;

	if (o->no_ctrl || ncd_resolve(o->server, ncd_ctrl_port(o->port), &sa))
		return -1;
	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 16)) {
		close(fd);
		return -1;
	}
	return fd;
}

void ncd_ctrl_listen_note(const struct ncd_opts *o, int fd)
{
	if (fd < 0 && !o->no_ctrl)
		fprintf(stderr, "ncdevmem: control port %u is taken: ncdevmem clients must give every setting themselves (free it, or --no-ctrl)\n",
			ncd_ctrl_port(o->port));
}

void ncd_ctrl_refuse(struct ncd_ctrl *c, const char *why)
{
	fprintf(stderr, "ncdevmem: refused the client's run: %s\n", why);
	if (c->fd >= 0)
		send_msg(c->fd, NCD_CTRL_REFUSE, why, strlen(why));
}

/* A control connection came: its HELLO, merged with @o.  1: a run was
 * agreed or refused (c->fd kept); 0: dropped, keep waiting. */
static int take_hello(struct ncd_ctrl *c, int fd, const struct sockaddr_in6 *sa,
		      struct ncd_opts *o, int *rc)
{
	char payload[NCD_CTRL_MAX + 1], why[300];
	struct ncd_ctrl_settings s, agreed;
	struct ncd_ctrl_hdr h;
	const char *w = why;

	if (read_msg(fd, o->connect_timeout_s, &h, payload, &w) ||
	    (h.type != NCD_CTRL_HELLO && (w = "not a HELLO")) ||
	    ncd_ctrl_dec_settings(payload, h.len, &s, why, sizeof(why))) {
		if (!ncd_stop_signal())
			fprintf(stderr, "ncdevmem: dropped a control connection: %s\n", w);
		close(fd);
		return ncd_stop_signal() ? (*rc = -EINTR, 1) : 0;
	}
	c->fd = fd;
	c->peer = sa->sin6_addr;
	*rc = NCD_EXIT_USAGE;
	if (ncd_ctrl_merge(o, &s, &agreed, why, sizeof(why))) {
		ncd_ctrl_refuse(c, why);
		return 1;
	}
	c->agreed = agreed;
	ncd_ctrl_apply(o, &agreed);
	if (refinish(o, why, sizeof(why))) {
		ncd_ctrl_refuse(c, why);
		return 1;
	}
	*rc = 0;
	return 1;
}

int ncd_ctrl_server_wait(struct ncd_ctrl *c, int ctrl_lfd, int data_lfd,
			 struct ncd_opts *o)
{
	double t0 = ncd_now();
	struct sockaddr_in6 want;

	c->fd = -1;
	if (ctrl_lfd < 0)
		return 0;
	if (o->client && ncd_resolve(o->client, 0, &want))
		return NCD_EXIT_FAIL;
	for (;;) {
		struct pollfd p[2] = { { .fd = ctrl_lfd, .events = POLLIN },
				       { .fd = data_lfd, .events = POLLIN } };
		struct sockaddr_in6 sa;
		socklen_t len = sizeof(sa);
		int fd, rc;

		if (ncd_stop_signal())
			return -EINTR;
		/* --forever waits for the next run as long as it takes */
		if (!o->forever && o->time_s > 0 && ncd_now() - t0 >= o->time_s)
			return 0;	/* the acceptor says "no peer" */
		if (poll(p, 2, 100) <= 0)
			continue;
		if (p[1].revents)
			return 0;	/* data first: not an ncdevmem client */
		fd = accept4(ctrl_lfd, (struct sockaddr *)&sa, &len, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		if (o->client && memcmp(&sa.sin6_addr, &want.sin6_addr, 16)) {
			close(fd);	/* not the -c peer */
			continue;
		}
		if (take_hello(c, fd, &sa, o, &rc))
			return rc;
	}
}

int ncd_ctrl_accept(struct ncd_ctrl *c, const struct ncd_opts *o)
{
	char payload[NCD_CTRL_MAX + 1];
	size_t n = ncd_ctrl_enc_settings(payload, &c->agreed);

	if (send_msg(c->fd, NCD_CTRL_ACCEPT, payload, n)) {
		fprintf(stderr, "ncdevmem: the client's control connection failed: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

int ncd_ctrl_results(struct ncd_ctrl *c, const struct ncd_ctrl_result *mine,
		     struct ncd_ctrl_result *peer, double secs)
{
	char payload[NCD_CTRL_MAX + 1], why[200];
	struct ncd_ctrl_hdr h;
	const char *w = why;
	size_t n = ncd_ctrl_enc_result(payload, mine);

	if (!n || send_msg(c->fd, NCD_CTRL_RESULT, payload, n)) {
		fprintf(stderr, "ncdevmem: sending our results to the peer failed: %s\n",
			n ? strerror(errno) : "too long");
		return -1;
	}
	if (read_msg(c->fd, secs, &h, payload, &w) ||
	    (h.type != NCD_CTRL_RESULT && (w = "not a RESULT")) ||
	    ncd_ctrl_dec_result(payload, h.len, peer, why, sizeof(why))) {
		fprintf(stderr, "ncdevmem: no results from the peer (%s): its figures are missing from the report\n",
			w);
		return -1;
	}
	return 0;
}

void ncd_ctrl_trade(struct ncd_ctrl *c, struct ncd_report *rep,
		    struct ncd_ctrl_result *peer, double secs)
{
	struct ncd_ctrl_result mine;

	if (c->fd < 0)
		return;
	ncd_report_result(rep, &mine);
	if (!ncd_ctrl_results(c, &mine, peer, secs))
		rep->peer = peer;
}

void ncd_ctrl_close(struct ncd_ctrl *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
