// SPDX-License-Identifier: MIT
/*
 * Server: accept --flows connections, each on its own thread.  It receives
 * (rx_side.c), or sends when an ncdevmem client asked for -R (tx_side.c).
 * Before the flows, the control connection (ctrl.c) may bring the client's
 * settings; a client that sends data first is not ncdevmem and the server
 * runs on its own options.  At the end both ends' results are exchanged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "accept.h"
#include "affinity.h"
#include "ctrl.h"
#include "modes.h"
#include "nic.h"
#include "run.h"
#include "rx_side.h"
#include "sock.h"
#include "stop.h"
#include "tx_side.h"

struct server {
	const struct ncd_opts *own;	/* the command line's options */
	struct ncd_opts o;	/* the options this run goes by */
	struct ncd_opts built;	/* the options the set-up is for */
	struct ncd_rx_side rx;
	struct ncd_tx_side tx;
	int sending;		/* -R from the client */
	int bidir;		/* --bidir: flows 1..N receive, N+1..2N send */
	struct ncd_acceptor acc;
	struct ncd_ctrl ctrl;
	struct ncd_ctrl_result peer;	/* the client's figures */
	struct ncd_report_hosts hosts;	/* fan-in (several -c): per-host */
	cpu_set_t base;		/* the CPUs we started on (after our -A) */
	int pinned;		/* the CPU every thread is on now, -1 = base */
};

static void server_flow(struct ncd_flow *f)
{
	struct server *s = f->run->ctx;
	const char *why;
	int fd;

	fd = ncd_accept_take(&s->acc, f->idx, &why);
	if (fd < 0) {
		if (why[0])
			ncd_flow_error(f, "%s", why);
		return;
	}
	f->st->host = ncd_accept_host(&s->acc, f->idx) + 1;
	ncd_flow_begin(f, fd);
	if (s->bidir ? f->idx >= s->o.flows : s->sending)
		ncd_tx_side_flow(f, &s->tx, fd);
	else
		ncd_rx_side_flow(f, &s->rx, fd);
	ncd_flow_close(f, fd);
}

static void server_teardown(struct server *s)
{
	ncd_rx_side_teardown(&s->rx);
	ncd_tx_side_teardown(&s->tx);
}

static int server_setup(struct server *s)
{
	struct ncd_nic_req nic;

	s->built = s->o;
	s->sending = s->o.dir == NCD_DIR_REVERSE;
	s->bidir = s->o.dir == NCD_DIR_BIDIR;
	if (s->sending || s->bidir) {
		int ret = ncd_tx_side_setup(&s->tx, &s->o);

		if (ret || s->sending)
			return ret;
	}
	ncd_opts_nic_req(&s->o, &nic);
	return ncd_rx_side_setup(&s->rx, &s->o, &nic);
}

/* Set-up again when this run's settings change what it depends on (the
 * client's, or, in --forever, back to our own after a client's). */
static int server_resetup(struct server *s)
{
	const struct ncd_opts *b = &s->built;
	int ret;

	if (s->o.flows == b->flows && s->o.dir == b->dir &&
	    s->o.dmabuf_size == b->dmabuf_size && s->o.discard == b->discard &&
	    s->o.pat.kind == b->pat.kind && s->o.tx_chunk == b->tx_chunk)
		return 0;
	server_teardown(s);
	ret = server_setup(s);
	if (!ret && ncd_stop_signal())
		ret = -EINTR;
	return ret;
}

/* Who may connect, how many, and for how long the server waits. */
static int accept_cfg(struct ncd_accept_cfg *c, const struct server *s)
{
	const struct ncd_opts *o = &s->o;
	struct sockaddr_in6 sa;

	/* --bidir: the client connects its N sending flows, then its N
	 * receiving ones, one at a time; accept order is the role */
	*c = (struct ncd_accept_cfg){ .flows = s->bidir ? 2 * o->flows : o->flows,
				      .need_data = o->pat.kind != NCD_PAT_NONE &&
						   !s->sending && !s->bidir,
				      .window_s = o->connect_timeout_s,
				      /* --forever waits for the next run */
				      .no_peer_s = o->forever ? 0 : o->time_s,
				      .idle_s = o->idle_timeout_s };
	if (s->ctrl.fd >= 0) {	/* flows come from the control peer, now */
		c->npeers = 1;
		c->peer[0] = s->ctrl.peer;
		c->no_peer_s = o->connect_timeout_s;
		return 0;
	}
	for (unsigned int i = 0; i < o->nclients; i++) {
		if (ncd_resolve(o->clients[i], 0, &sa))
			return -1;
		c->peer[c->npeers++] = sa.sin6_addr;
	}
	/* fan-in: each peer its equal share (opts.c: -P a multiple of it) */
	if (c->npeers > 1)
		c->share = o->flows / c->npeers;
	return 0;
}

/* Fan-in (several -c): each peer's queue, as the NIC set-up steered it. */
static void hosts_setup(struct server *s, struct ncd_run *r)
{
	const struct ncd_nic *nic = s->rx.path.nic;
	struct ncd_report_hosts *h = &s->hosts;

	if (s->o.nclients < 2)
		return;
	h->n = s->o.nclients;
	for (unsigned int i = 0; i < h->n; i++) {
		h->addr[i] = s->o.clients[i];
		h->queue[i] = nic && (int)i < nic->nrules ? nic->rule_queue[i] : -1;
	}
	r->rep.hosts = h;
}

/* Which RX queue each flow arrived on: its NAPI id, looked up by queue. */
static void hosts_queues(const struct server *s, struct ncd_run *r)
{
	uint32_t napi[NCD_NIC_MAX_QUEUES] = { 0 };
	int nq = s->o.ifname ? ncd_nic_napi_queues(s->o.ifname, napi,
						    NCD_NIC_MAX_QUEUES) : 0;

	for (unsigned int i = 0; i < r->nflows; i++) {
		r->stats[i].rx_queue = -1;
		for (int q = 0; r->stats[i].napi_id && q < nq; q++)
			if (napi[q] == r->stats[i].napi_id)
				r->stats[i].rx_queue = q;
	}
}

/* -A N,M from the client pins this run to M; the next run goes back to
 * our own -A (or the CPUs we started on). */
static int repin(struct server *s)
{
	int ret;

	if (s->o.affinity == s->pinned)
		return 0;
	ret = s->o.affinity >= 0 ? ncd_affinity_pin(s->o.affinity) :
				   ncd_affinity_set(&s->base);
	if (!ret && s->o.affinity >= 0 && s->o.affinity != s->own->affinity &&
	    !s->o.json)
		fprintf(stderr, "ncdevmem: every thread on CPU %d, as the client's -A N,M asked\n",
			s->o.affinity);
	if (!ret)
		s->pinned = s->o.affinity;
	else if (s->pinned >= 0)
		ncd_affinity_pin(s->pinned);	/* stay where we were */
	else
		ncd_affinity_set(&s->base);
	return ret;
}

/* The control connection first: whoever comes decides the options.
 * *@fatal: the server cannot go on (not just this run failed). */
static int negotiate(struct server *s, int data_fd, int ctrl_fd, int *fatal)
{
	int rc = ncd_ctrl_server_wait(&s->ctrl, ctrl_fd, data_fd, &s->o);

	*fatal = s->ctrl.fd < 0;	/* a refused control peer is one run */
	if (!rc && s->ctrl.fd < 0 && s->o.json && !s->o.logfile &&
	    s->o.pat.kind == NCD_PAT_NONE && !s->o.discard) {
		fprintf(stderr, "ncdevmem: a client that is not ncdevmem connected, and -J prints JSON on stdout, where its payload would go: add --validate, -v N or --discard\n");
		return NCD_EXIT_USAGE;
	}
	if (rc)
		return rc;
	rc = server_resetup(s);
	if (rc) {
		*fatal = 1;
		if (s->ctrl.fd >= 0)
			ncd_ctrl_refuse(&s->ctrl, rc == -EINTR ? "the server was stopped" :
					"the server's set-up for these settings failed (see its messages)");
		if (rc == -EINTR)
			return rc;
		return rc == -ENOENT ? NCD_EXIT_SKIP : ncd_nic_exit_code(rc);
	}
	if (repin(s)) {
		ncd_ctrl_refuse(&s->ctrl, "-A N,M: the server cannot pin itself to CPU M (see its messages)");
		return NCD_EXIT_USAGE;
	}
	if (s->ctrl.fd < 0)
		return 0;
	return ncd_ctrl_accept(&s->ctrl, &s->o) ? NCD_EXIT_FAIL : 0;
}

/* The data listener; -w and -C set on it reach every accepted one.
 * fd, -1 (printed), or -2: a bad -w/-C (printed). */
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

/*
 * One run: a control peer (or a plain client) decides the options, then
 * -P flows are accepted on @data_fd and run, and the run is reported.
 * Returns the exit code; *@sig: the signal that stopped it, 0 if none;
 * *@end: the server cannot go on.
 */
static int serve_run(struct server *s, int data_fd, int *ctrl_fd, int *sig,
		     int *end)
{
	struct ncd_run *r = calloc(1, sizeof(*r));
	struct ncd_accept_cfg c;
	int rc = NCD_EXIT_FAIL;

	*sig = 0;
	*end = 1;
	if (!r)
		return rc;
	s->o = *s->own;		/* each run starts from our own options */
	rc = negotiate(s, data_fd, *ctrl_fd, end);
	if (!s->o.forever && *ctrl_fd >= 0) {
		close(*ctrl_fd);	/* one control peer per one-off run */
		*ctrl_fd = -1;
	}
	if (rc == -EINTR || (rc && ncd_stop_signal())) {
		ncd_stop_announce();
		*sig = ncd_stop_signal();
		rc = NCD_EXIT_FAIL;	/* main() makes it 128+N */
		goto out;
	}
	if (rc)
		goto out;
	*end = 0;
	rc = NCD_EXIT_FAIL;
	if (ncd_run_init(r, &s->o, s->bidir ? "bidir" : s->sending ? "sender" :
			 "receiver", s->bidir ? 2 * s->o.flows : s->o.flows, s) ||
	    accept_cfg(&c, s)) {
		*end = 1;
		goto out;
	}
	for (unsigned int i = 0; s->bidir && i < r->nflows; i++) {
		r->stats[i].sending = i >= s->o.flows;
		r->flows[i].side_idx = i % s->o.flows;
	}
	/* a one-off run's stop shuts the listener down to wake accept();
	 * --forever keeps it for the next run (the acceptor polls) */
	if (!s->o.forever)
		r->listen_fd = data_fd;
	if (ncd_accept_start(&s->acc, &c, data_fd, &r->stop)) {
		*end = 1;
		goto out_accept;
	}
	r->rep.conns = &s->acc.counts;
	hosts_setup(s, r);
	*sig = ncd_run_flows(r, server_flow);
	ncd_accept_finish(&s->acc);
	if (r->rep.hosts)
		hosts_queues(s, r);
	ncd_ctrl_trade(&s->ctrl, &r->rep, &s->peer, s->o.idle_timeout_s);
	/* --forever stopped between runs: nothing to report */
	if (s->o.forever && *sig && !r->rep.t0)
		rc = 128 + *sig;
	else
		rc = ncd_report_finish(&r->rep, s->o.json ? stdout : NULL, *sig);
out_accept:
	ncd_accept_finish(&s->acc);
out:
	ncd_ctrl_close(&s->ctrl);	/* the next run has a control peer of its own */
	if (r)
		ncd_report_free(&r->rep);
	free(r);
	return rc;
}

int ncd_server_main(const struct ncd_opts *o)
{
	struct server s = { .own = o, .o = *o, .ctrl = { .fd = -1 },
			    .pinned = o->affinity };
	int rc = NCD_EXIT_FAIL, sig = 0, end = 0, ret, data_fd, ctrl_fd = -1;
	unsigned int runs = 0;

	ncd_affinity_get(&s.base);

	ret = server_setup(&s);
	if (!ret && ncd_stop_signal())
		ret = -EINTR;	/* stopped during set-up: undo, then 128+N */
	if (ret) {
		ncd_stop_announce();
		/* a missing driver/device (no udmabuf, no libcuda) is a skip */
		rc = ret == -ENOENT ? NCD_EXIT_SKIP : ncd_nic_exit_code(ret);
		goto out_teardown;
	}
	/* both listeners once: --forever's runs share them */
	ctrl_fd = ncd_ctrl_listen(o);
	data_fd = server_listen(o);
	if (data_fd < 0) {
		rc = data_fd == -2 ? NCD_EXIT_USAGE : NCD_EXIT_FAIL;
		goto out_close;
	}
	ncd_ctrl_listen_note(o, ctrl_fd);
	if (!o->json)
		fprintf(stderr, "ncdevmem: receiving on port %u (%s mode, %s memory, %u flow%s%s)\n",
			o->port, ncd_mode_name(o->mode),
			ncd_mem_kind_name(o->mem), o->flows, o->flows > 1 ? "s" : "",
			o->forever ? "; runs back to back until SIGINT/SIGTERM" : "");
	do {
		rc = serve_run(&s, data_fd, &ctrl_fd, &sig, &end);
		if (end)
			break;
		runs++;
		if (o->forever && !sig && !o->json) {
			fprintf(stderr, "ncdevmem: run %u done (exit %d); receiving on port %u again\n",
				runs, rc, o->port);
			fflush(stderr);
		}
	} while (o->forever && !sig && !ncd_stop_signal());
	close(data_fd);
out_close:
	if (ctrl_fd >= 0)
		close(ctrl_fd);
out_teardown:
	ncd_ctrl_close(&s.ctrl);
	server_teardown(&s);
	return rc;
}
