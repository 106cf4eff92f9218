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
	int bidir;		/* --bidir: flows 1..N send, N+1..2N receive */
	/* --bidir: the data connections open one at a time, the sending ones
	 * first, so the server's accept order gives each its role */
	pthread_mutex_t turn_lock;
	pthread_cond_t turn_cond;
	unsigned int turn;
	struct ncd_ctrl ctrl;
	struct ncd_ctrl_result peer;	/* the server's figures */
	struct ncd_sock_tune tune;	/* -w, -C */
};

/* --bidir: wait for flow @idx's turn to connect (or the run's stop). */
static void turn_wait(struct client *c, struct ncd_flow *f)
{
	pthread_mutex_lock(&c->turn_lock);
	while (c->turn != f->idx && !atomic_load(&f->run->stop)) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&c->turn_cond, &c->turn_lock, &ts);
	}
	pthread_mutex_unlock(&c->turn_lock);
}

static void turn_next(struct client *c)
{
	pthread_mutex_lock(&c->turn_lock);
	c->turn++;
	pthread_cond_broadcast(&c->turn_cond);
	pthread_mutex_unlock(&c->turn_lock);
}

static void client_flow(struct ncd_flow *f)
{
	struct client *c = f->run->ctx;
	const struct ncd_opts *o = &c->o;
	uint16_t sport = o->client && o->flows == 1 && !c->bidir ? o->port : 0;
	int receiving = c->bidir ? f->idx >= o->flows : c->receiving;
	int fd;

	if (o->cport)		/* --cport: consecutive ports, one a flow */
		sport = o->cport + f->idx;
	if (c->bidir)
		turn_wait(c, f);
	fd = ncd_connect(&(struct ncd_dial){
		.host = o->server, .port = o->port, .src = o->client,
		.src_port = sport,
		.ifname = !receiving && ncd_tx_side_bind_device(&c->tx) ?
			  o->ifname : NULL,
		.timeout_s = o->connect_timeout_s, .stop = &f->run->stop,
		.tune = &c->tune });
	if (c->bidir)
		turn_next(c);
	if (fd < 0) {
		if (!atomic_load(&f->run->stop))
			ncd_flow_error(f, "no connection to %s port %u", o->server,
				       o->port);
		return;
	}
	ncd_flow_begin(f, fd);
	if (receiving)
		ncd_rx_side_flow(f, &c->rx, fd);
	else
		ncd_tx_side_flow(f, &c->tx, fd);
	ncd_flow_close(f, fd);
}

static int client_setup(struct client *c)
{
	struct ncd_nic_req nic;
	int ret;

	c->receiving = c->o.dir == NCD_DIR_REVERSE;
	c->bidir = c->o.dir == NCD_DIR_BIDIR;
	if (!c->receiving && !c->bidir)
		return ncd_tx_side_setup(&c->tx, &c->o);
	if (c->bidir && (ret = ncd_tx_side_setup(&c->tx, &c->o)))
		return ret;
	ncd_opts_nic_req_client_rx(&c->o, &nic);
	return ncd_rx_side_setup(&c->rx, &c->o, &nic);
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
	pthread_mutex_init(&c->turn_lock, NULL);
	pthread_cond_init(&c->turn_cond, NULL);
	if (ncd_run_init(r, &c->o, c->o.dir == NCD_DIR_REVERSE ? "receiver" :
			 c->o.dir == NCD_DIR_BIDIR ? "bidir" : "sender",
			 c->o.dir == NCD_DIR_BIDIR ? 2 * c->o.flows : c->o.flows, c))
		goto out;
	for (unsigned int i = 0; c->o.dir == NCD_DIR_BIDIR && i < r->nflows; i++) {
		r->stats[i].sending = i < c->o.flows;
		r->flows[i].side_idx = i % c->o.flows;
	}
	ret = client_setup(c);
	if (!ret && ncd_stop_signal())
		ret = -EINTR;	/* stopped during set-up: undo, then 128+N */
	if (ret) {
		ncd_stop_announce();
		rc = ret == -ENOENT ? NCD_EXIT_SKIP : ncd_nic_exit_code(ret);
		goto out;
	}
	sig = ncd_run_flows(r, client_flow);
	ncd_ctrl_trade(&c->ctrl, &r->rep, &c->peer, c->o.idle_timeout_s);
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
