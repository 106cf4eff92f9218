// SPDX-License-Identifier: MIT
/* The server's accepting thread; see accept.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "accept.h"
#include "clock.h"
#include "stop.h"

#define TICK_MS	100	/* stop, deadlines and quiet connections: checked this often */

/* Closed with a reset: the peer learns at once, nothing lingers. */
static void drop(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

/* The flows left without a connection get @why; later ones are refused. */
static void give_up(struct ncd_acceptor *a, const char *why)
{
	pthread_mutex_lock(&a->lock);
	if (!a->closed) {
		snprintf(a->why, sizeof(a->why), "%s", why);
		a->closed = 1;
	}
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
}

static void pending_remove(struct ncd_acceptor *a, unsigned int i)
{
	a->pend[i] = a->pend[--a->npend];
}

static void drop_pending(struct ncd_acceptor *a)
{
	while (a->npend) {
		drop(a->pend[0].fd);
		a->counts.silent++;
		pending_remove(a, 0);
	}
}

static void assign(struct ncd_acceptor *a, int fd, int host)
{
	pthread_mutex_lock(&a->lock);
	if (!a->assigned)
		a->t_first = ncd_now();
	if (host >= 0)
		a->per_peer[host]++;
	a->host[a->assigned] = host;
	a->slot[a->assigned++] = fd;
	a->counts.flows++;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
	if (a->assigned == a->cfg.flows)
		drop_pending(a);	/* nobody would take them */
}

static int is_full(struct ncd_acceptor *a)
{
	return a->closed || a->assigned == a->cfg.flows;
}

/* No flow for @host (a -c peer's index, -1 = any): all taken, or its
 * share is; a peer over its share never takes another's slot. */
static int is_full_for(struct ncd_acceptor *a, int host)
{
	return is_full(a) || (host >= 0 && a->cfg.share &&
			      a->per_peer[host] >= a->cfg.share);
}

static void refuse(struct ncd_acceptor *a, int fd, int host)
{
	a->counts.refused++;
	if (host >= 0)
		a->counts.peer_refused[host]++;
	drop(fd);
}

/* Index of the -c peer @sa is, -1 when filtering is off, -2: a stranger. */
static int peer_of(struct ncd_acceptor *a, const struct sockaddr_in6 *sa)
{
	if (!a->cfg.npeers)
		return -1;
	for (unsigned int i = 0; i < a->cfg.npeers; i++)
		if (!memcmp(&sa->sin6_addr, &a->cfg.peer[i], sizeof(sa->sin6_addr)))
			return i;
	return -2;
}

static void accept_one(struct ncd_acceptor *a)
{
	struct sockaddr_in6 sa;
	socklen_t len = sizeof(sa);
	int fd = accept4(a->listen_fd, (struct sockaddr *)&sa, &len, SOCK_CLOEXEC);
	int host;

	if (fd < 0)
		return;	/* gone before we got it, or stopped: the loop sees */
	host = len < sizeof(sa) ? -2 : peer_of(a, &sa);
	if (host == -2) {
		a->counts.rejected++;
		drop(fd);
	} else if (is_full_for(a, host)) {
		refuse(a, fd, host);
	} else if (!a->cfg.need_data) {
		assign(a, fd, host);
	} else {
		if (a->npend == NCD_ACCEPT_PENDING) {	/* the oldest goes */
			drop(a->pend[0].fd);
			a->counts.silent++;
			pending_remove(a, 0);
		}
		a->pend[a->npend++] = (struct ncd_accept_pending){ fd, host, ncd_now() };
	}
}

/* A waiting connection became readable: data (a flow) or an end (empty). */
static void classify(struct ncd_acceptor *a, unsigned int i)
{
	int fd = a->pend[i].fd, queued = 0, host = a->pend[i].host;

	pending_remove(a, i);
	/* SIOCINQ, not a peek: devmem payload cannot be read without
	 * MSG_SOCK_DEVMEM, but it is counted */
	if (!ioctl(fd, SIOCINQ, &queued) && queued > 0 && !is_full_for(a, host)) {
		assign(a, fd, host);
		return;
	}
	if (queued > 0) {
		refuse(a, fd, host);
		return;
	}
	a->counts.empty++;
	drop(fd);
}

static void expire_quiet(struct ncd_acceptor *a, double now)
{
	for (unsigned int i = 0; i < a->npend;) {
		if (a->cfg.idle_s > 0 && now - a->pend[i].since >= a->cfg.idle_s) {
			drop(a->pend[i].fd);
			a->counts.silent++;
			pending_remove(a, i);
		} else {
			i++;
		}
	}
}

static void check_deadlines(struct ncd_acceptor *a, double now)
{
	char why[160];

	if (is_full(a))
		return;
	if (!a->assigned && a->cfg.no_peer_s > 0 &&
	    now - a->t_start >= a->cfg.no_peer_s) {
		snprintf(why, sizeof(why), "no peer connected within --time %g s",
			 a->cfg.no_peer_s);
		give_up(a, why);
	} else if (a->assigned && a->cfg.window_s > 0 &&
		   now - a->t_first >= a->cfg.window_s) {
		snprintf(why, sizeof(why), "no connection within --connect-timeout %g s of the first flow's: the client ran fewer flows than -P %u?",
			 a->cfg.window_s, a->cfg.flows);
		give_up(a, why);
	}
}

static void step(struct ncd_acceptor *a)
{
	struct pollfd p[1 + NCD_ACCEPT_PENDING];
	unsigned int n = a->npend, i;

	p[0] = (struct pollfd){ .fd = a->listen_fd, .events = POLLIN };
	for (i = 0; i < n; i++)
		p[1 + i] = (struct pollfd){ .fd = a->pend[i].fd, .events = POLLIN };
	if (poll(p, 1 + n, TICK_MS) <= 0)
		return;
	/* newest first, so removing one never moves an unchecked one */
	for (i = n; i-- > 0;)
		if (p[1 + i].revents)
			classify(a, i);
	if (p[0].revents)
		accept_one(a);
}

static void *acceptor_main(void *arg)
{
	struct ncd_acceptor *a = arg;

	while (!atomic_load(a->stop) && !atomic_load(&a->quit)) {
		step(a);
		expire_quiet(a, ncd_now());
		check_deadlines(a, ncd_now());
	}
	drop_pending(a);
	give_up(a, ncd_stop_signal() || atomic_load(&a->quit) ? "" :
		"no connection before the run ended (--time)");
	return NULL;
}

int ncd_accept_start(struct ncd_acceptor *a, const struct ncd_accept_cfg *c,
		     int listen_fd, _Atomic int *stop)
{
	int ret;

	memset(a, 0, sizeof(*a));
	a->cfg = *c;
	a->listen_fd = listen_fd;
	a->stop = stop;
	a->t_start = ncd_now();
	a->slot = calloc(c->flows, sizeof(*a->slot));
	a->host = calloc(c->flows, sizeof(*a->host));
	if (!a->slot || !a->host) {
		free(a->slot);
		free(a->host);
		a->slot = NULL;
		a->host = NULL;
		return -ENOMEM;
	}
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	/* poll() says when; a connection reset in between must not block */
	fcntl(listen_fd, F_SETFL, fcntl(listen_fd, F_GETFL) | O_NONBLOCK);
	ret = pthread_create(&a->tid, NULL, acceptor_main, a);
	if (ret) {
		fprintf(stderr, "ncdevmem: cannot start the accepting thread: %s: too many threads?\n",
			strerror(ret));
		return -ret;
	}
	a->started = 1;
	return 0;
}

int ncd_accept_take(struct ncd_acceptor *a, unsigned int idx, const char **why)
{
	int fd = -1;

	pthread_mutex_lock(&a->lock);
	while (idx >= a->assigned && !a->closed)
		pthread_cond_wait(&a->cond, &a->lock);
	if (idx < a->assigned) {
		fd = a->slot[idx];
		a->slot[idx] = -1;
	}
	*why = a->why;
	pthread_mutex_unlock(&a->lock);
	return fd;
}

int ncd_accept_host(struct ncd_acceptor *a, unsigned int idx)
{
	int h = -1;

	pthread_mutex_lock(&a->lock);
	if (idx < a->assigned)
		h = a->host[idx];
	pthread_mutex_unlock(&a->lock);
	return h;
}

void ncd_accept_finish(struct ncd_acceptor *a)
{
	if (!a->slot)
		return;
	atomic_store(&a->quit, 1);
	if (a->started)
		pthread_join(a->tid, NULL);
	for (unsigned int i = 0; i < a->assigned; i++)
		if (a->slot[i] >= 0)
			close(a->slot[i]);
	free(a->slot);
	free(a->host);
	a->slot = NULL;
	a->host = NULL;
	pthread_cond_destroy(&a->cond);
	pthread_mutex_destroy(&a->lock);
}
