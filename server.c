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
#include "ctrl.h"
#include "modes.h"
#include "nic.h"
#include "run.h"
#include "rx_side.h"
#include "sock.h"
#include "stop.h"
#include "tx_side.h"

struct server {
	struct ncd_opts o;	/* the options this run goes by */
	struct ncd_rx_side rx;
	struct ncd_tx_side tx;
	int sending;		/* -R from the client */
	struct ncd_acceptor acc;
	struct ncd_ctrl ctrl;
	struct ncd_ctrl_result peer;	/* the client's figures */
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
	ncd_flow_begin(f, fd);
	if (s->sending)
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

	s->sending = s->o.dir == NCD_DIR_REVERSE;
	if (s->sending)
		return ncd_tx_side_setup(&s->tx, &s->o);
	ncd_opts_nic_req(&s->o, &nic);
	return ncd_rx_side_setup(&s->rx, &s->o, &nic);
}

/* Set-up again when the client's settings change what it depends on. */
static int server_resetup(struct server *s, const struct ncd_opts *own)
{
	int ret;

	if (s->o.flows == own->flows && s->o.dir == own->dir &&
	    s->o.dmabuf_size == own->dmabuf_size &&
	    s->o.pat.kind == own->pat.kind && s->o.tx_chunk == own->tx_chunk)
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

	*c = (struct ncd_accept_cfg){ .flows = o->flows,
				      .need_data = o->pat.kind != NCD_PAT_NONE &&
						   !s->sending,
				      .window_s = o->connect_timeout_s,
				      .no_peer_s = o->time_s,
				      .idle_s = o->idle_timeout_s };
	if (s->ctrl.fd >= 0) {	/* flows come from the control peer, now */
		c->filter_peer = 1;
		c->peer = s->ctrl.peer;
		c->no_peer_s = o->connect_timeout_s;
		return 0;
	}
	if (!o->client)
		return 0;
	if (ncd_resolve(o->client, 0, &sa))
		return -1;
	c->filter_peer = 1;
	c->peer = sa.sin6_addr;
	return 0;
}

/* The control connection first: whoever comes decides the options. */
static int negotiate(struct server *s, const struct ncd_opts *own, int data_fd,
		     int ctrl_fd)
{
	int rc = ncd_ctrl_server_wait(&s->ctrl, ctrl_fd, data_fd, &s->o);

	if (!rc && s->ctrl.fd < 0 && s->o.json && !s->o.logfile &&
	    s->o.pat.kind == NCD_PAT_NONE && !s->o.discard) {
		fprintf(stderr, "ncdevmem: a client that is not ncdevmem connected, and -J prints JSON on stdout, where its payload would go: add --validate, -v N or --discard\n");
		return NCD_EXIT_USAGE;
	}
	if (rc || s->ctrl.fd < 0)
		return rc;
	rc = server_resetup(s, own);
	if (rc) {
		ncd_ctrl_refuse(&s->ctrl, rc == -EINTR ? "the server was stopped" :
				"the server's set-up for these settings failed (see its messages)");
		return rc == -ENOENT ? NCD_EXIT_SKIP : ncd_nic_exit_code(rc);
	}
	return ncd_ctrl_accept(&s->ctrl, &s->o) ? NCD_EXIT_FAIL : 0;
}

/* Both ends' results, when there is a peer to trade them with. */
static void trade_results(struct ncd_run *r, struct server *s)
{
	struct ncd_ctrl_result mine;

	if (s->ctrl.fd < 0)
		return;
	ncd_report_result(&r->rep, &mine);
	if (!ncd_ctrl_results(&s->ctrl, &mine, &s->peer, s->o.idle_timeout_s))
		r->rep.peer = &s->peer;
}

static int serve(struct ncd_run *r, struct server *s, int data_fd)
{
	struct ncd_accept_cfg c;
	int sig;

	if (ncd_run_init(r, &s->o, s->sending ? "sender" : "receiver",
			 s->o.flows, s))
		return NCD_EXIT_FAIL;
	r->listen_fd = data_fd;
	if (accept_cfg(&c, s) || ncd_accept_start(&s->acc, &c, data_fd, &r->stop))
		return NCD_EXIT_FAIL;
	r->rep.conns = &s->acc.counts;
	sig = ncd_run_flows(r, server_flow);
	ncd_accept_finish(&s->acc);
	trade_results(r, s);
	return ncd_report_finish(&r->rep, s->o.json ? stdout : NULL, sig);
}

int ncd_server_main(const struct ncd_opts *o)
{
	struct server s = { .o = *o, .ctrl = { .fd = -1 } };
	struct ncd_run *r = calloc(1, sizeof(*r));
	int rc = NCD_EXIT_FAIL, ret, data_fd = -1, ctrl_fd = -1;

	if (!r)
		goto out;
	ret = server_setup(&s);
	if (!ret && ncd_stop_signal())
		ret = -EINTR;	/* stopped during set-up: undo, then 128+N */
	if (ret) {
		ncd_stop_announce();
		/* a missing driver/device (no udmabuf, no libcuda) is a skip */
		rc = ret == -ENOENT ? NCD_EXIT_SKIP : ncd_nic_exit_code(ret);
		goto out_teardown;
	}
	ctrl_fd = ncd_ctrl_listen(o);
	/* a deep backlog: the acceptor sorts connections out, the kernel
	 * should not drop the real ones while strangers fill the queue */
	data_fd = ncd_listen(o->server, o->port, 512);
	if (data_fd < 0)
		goto out_close;
	ncd_ctrl_listen_note(o, ctrl_fd);
	if (!o->json)
		fprintf(stderr, "ncdevmem: receiving on port %u (%s mode, %s memory, %u flow%s)\n",
			o->port, ncd_mode_name(o->mode),
			ncd_mem_kind_name(o->mem), o->flows, o->flows > 1 ? "s" : "");
	rc = negotiate(&s, o, data_fd, ctrl_fd);
	if (ctrl_fd >= 0)
		close(ctrl_fd);	/* one control peer per run */
	ctrl_fd = -1;
	if (rc == -EINTR)
		ncd_stop_announce();
	if (!rc)
		rc = serve(r, &s, data_fd);
	else if (rc < 0)
		rc = NCD_EXIT_FAIL;
out_close:
	ncd_accept_finish(&s.acc);
	if (data_fd >= 0)
		close(data_fd);
	if (ctrl_fd >= 0)
		close(ctrl_fd);
out_teardown:
	ncd_ctrl_close(&s.ctrl);
	server_teardown(&s);
out:
	if (r)
		ncd_report_free(&r->rep);
	free(r);
	return rc;
}
