// SPDX-License-Identifier: MIT
/*
 * Client: --flows connections, each on its own thread.  It sends
 * (tx_side.c), or receives for -R (rx_side.c).  With an ncdevmem server
 * the control connection (ctrl.c) first agrees on the settings; at the
 * end both ends' results are exchanged over it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctrl.h"
#include "modes.h"
#include "nic.h"
#include "run.h"
#include "rx_side.h"
#include "sock.h"
#include "stop.h"
#include "tx_side.h"

struct client {
	struct ncd_opts o;	/* the options this run goes by */
	struct ncd_tx_side tx;
	struct ncd_rx_side rx;
	int receiving;		/* -R */
	struct ncd_ctrl ctrl;
	struct ncd_ctrl_result peer;	/* the server's figures */
	struct ncd_sock_tune tune;	/* -w, -C */
};

static void client_flow(struct ncd_flow *f)
{
	struct client *c = f->run->ctx;
	const struct ncd_opts *o = &c->o;
	uint16_t sport = o->client && o->flows == 1 ? o->port : 0;
	int fd;

	if (o->cport)		/* --cport: consecutive ports, one a flow */
		sport = o->cport + f->idx;
	fd = ncd_connect(&(struct ncd_dial){
		.host = o->server, .port = o->port, .src = o->client,
		.src_port = sport,
		.ifname = !c->receiving && ncd_tx_side_bind_device(&c->tx) ?
			  o->ifname : NULL,
		.timeout_s = o->connect_timeout_s, .stop = &f->run->stop,
		.tune = &c->tune });
	if (fd < 0) {
		if (!atomic_load(&f->run->stop))
			ncd_flow_error(f, "no connection to %s port %u", o->server,
				       o->port);
		return;
	}
	ncd_flow_begin(f, fd);
	if (c->receiving)
		ncd_rx_side_flow(f, &c->rx, fd);
	else
		ncd_tx_side_flow(f, &c->tx, fd);
	ncd_flow_close(f, fd);
}

static int client_setup(struct client *c)
{
	struct ncd_nic_req nic;

	c->receiving = c->o.dir == NCD_DIR_REVERSE;
	if (!c->receiving)
		return ncd_tx_side_setup(&c->tx, &c->o);
	ncd_opts_nic_req_client_rx(&c->o, &nic);
	return ncd_rx_side_setup(&c->rx, &c->o, &nic);
}

/* Both ends' results, when there is a peer to trade them with. */
static void trade_results(struct ncd_run *r, struct client *c)
{
	struct ncd_ctrl_result mine;

	if (c->ctrl.fd < 0)
		return;
	ncd_report_result(&r->rep, &mine);
	if (!ncd_ctrl_results(&c->ctrl, &mine, &c->peer, c->o.idle_timeout_s))
		r->rep.peer = &c->peer;
}

int ncd_client_main(const struct ncd_opts *o)
{
	struct client *c = calloc(1, sizeof(*c));
	struct ncd_run *r = calloc(1, sizeof(*r));
	int rc = NCD_EXIT_FAIL, sig, ret;

	if (!c || !r)
		goto out;
	c->o = *o;
	c->tune = (struct ncd_sock_tune){ .window = o->window,
					  .congestion = o->congestion };
	if (ncd_sock_tune_check(&c->tune)) {	/* once, not once a flow */
		rc = NCD_EXIT_USAGE;
		goto out;
	}
	rc = ncd_ctrl_client(&c->ctrl, &c->o);
	if (rc) {
		if (rc < 0)
			ncd_stop_announce();
		rc = rc < 0 ? NCD_EXIT_FAIL : rc;
		goto out;
	}
	rc = NCD_EXIT_FAIL;
	if (ncd_run_init(r, &c->o, c->o.dir == NCD_DIR_REVERSE ? "receiver" : "sender",
			 c->o.flows, c))
		goto out;
	ret = client_setup(c);
	if (!ret && ncd_stop_signal())
		ret = -EINTR;	/* stopped during set-up: undo, then 128+N */
	if (ret) {
		ncd_stop_announce();
		rc = ret == -ENOENT ? NCD_EXIT_SKIP : ncd_nic_exit_code(ret);
		goto out;
	}
	sig = ncd_run_flows(r, client_flow);
	trade_results(r, c);
	rc = ncd_report_finish(&r->rep, c->o.json ? stdout : NULL, sig);
out:
	if (c) {
		ncd_ctrl_close(&c->ctrl);
		ncd_rx_side_teardown(&c->rx);
		ncd_tx_side_teardown(&c->tx);
	}
	if (r)
		ncd_report_free(&r->rep);
	free(r);
	free(c);
	return rc;
}
