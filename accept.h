/* SPDX-License-Identifier: MIT */
/*
 * The server's door: one thread accepts every connection and decides what
 * it is.  A peer other than the -c addresses is closed at once; so is a connection
 * beyond -P, or beyond its peer's share of -P (fan-in: -P / peers each).  With a pattern a connection becomes a flow only once it has
 * sent a byte: one that closes first is "empty", one that stays quiet too
 * long (or is pushed out by newer ones) is "silent"; all are counted.  The
 * flows left without a connection when the connect window closes learn why.
 */
#ifndef NCD_ACCEPT_H
#define NCD_ACCEPT_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include "nic_plan.h"
#include "report.h"

#define NCD_ACCEPT_PENDING	64	/* connections waiting for a first byte */

struct ncd_accept_cfg {
	unsigned int flows;
	int need_data;		/* a flow is a connection that sent a byte */
	double window_s;	/* every flow within this of the first, 0 = forever */
	double no_peer_s;	/* give up when no flow came within this, 0 = never */
	double idle_s;		/* a waiting connection quiet this long goes, 0 = never */
	unsigned int npeers;	/* accept only these, 0 = anyone */
	struct in6_addr peer[NCD_NIC_MAX_PEERS];
	unsigned int share;	/* flows a peer may have, 0 = no limit */
};

struct ncd_accept_pending {
	int fd;
	int host;		/* its -c peer's index, -1 = any */
	double since;
};

struct ncd_acceptor {
	struct ncd_accept_cfg cfg;
	int listen_fd;
	_Atomic int *stop;	/* the run's stop flag */
	_Atomic int quit;	/* the run is over */
	pthread_t tid;
	int started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int *slot;		/* flow i's connection, -1 = none (yet) */
	int *host;		/* flow i's peer: index into cfg.peer, -1 = any */
	unsigned int assigned;
	unsigned int per_peer[NCD_NIC_MAX_PEERS];	/* flows each peer got */
	int closed;		/* no more flows will come */
	char why[160];		/* why, for the flows left without one */
	double t_start, t_first;
	struct ncd_accept_pending pend[NCD_ACCEPT_PENDING];
	unsigned int npend;
	struct ncd_conn_counts counts;
};

/* Start the accepting thread on @listen_fd; 0 or -errno (message printed). */
int ncd_accept_start(struct ncd_acceptor *a, const struct ncd_accept_cfg *c,
		     int listen_fd, _Atomic int *stop);
/* Flow @idx's connection, blocking until it comes; -1 when none will, with
 * @why set ("" when the run was stopped by a signal). */
int ncd_accept_take(struct ncd_acceptor *a, unsigned int idx, const char **why);
/* Which of the -c peers flow @idx came from (after a take), -1 = not
 * filtered or no connection. */
int ncd_accept_host(struct ncd_acceptor *a, unsigned int idx);
/* End the thread (within 100 ms) and close whatever nobody took. */
void ncd_accept_finish(struct ncd_acceptor *a);

#endif
