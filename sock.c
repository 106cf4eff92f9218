// SPDX-License-Identifier: MIT
/* Socket set-up shared by server and client. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "clock.h"
#include "sock.h"

/* Every address of @host, IPv4 ones v4-mapped; NULL with a message. */
static struct addrinfo *lookup(const char *host)
{
	struct addrinfo hints = { .ai_family = AF_INET6,
				  .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_V4MAPPED | AI_ALL };
	struct addrinfo *res;
	int ret = getaddrinfo(host, NULL, &hints, &res);

	if (ret) {
		fprintf(stderr, "ncdevmem: cannot resolve '%s': %s: give an IPv4/IPv6 address\n",
			host, gai_strerror(ret));
		return NULL;
	}
	return res;
}

/* The whole sockaddr is kept: a link-local address needs its scope id. */
static void set_addr(struct sockaddr_in6 *sa, const struct addrinfo *ai,
		     uint16_t port)
{
	memcpy(sa, ai->ai_addr, sizeof(*sa));
	sa->sin6_port = htons(port);
}

int ncd_resolve(const char *host, uint16_t port, struct sockaddr_in6 *sa)
{
	struct addrinfo *res;

	memset(sa, 0, sizeof(*sa));
	sa->sin6_family = AF_INET6;
	sa->sin6_port = htons(port);
	if (!host) {
		sa->sin6_addr = in6addr_any;
		return 0;
	}
	res = lookup(host);
	if (!res)
		return -1;
	set_addr(sa, res, port);
	freeaddrinfo(res);
	return 0;
}

/* Resolve @host:@port into @sa and open a TCP socket for it. */
static int tcp_socket(const char *host, uint16_t port, struct sockaddr_in6 *sa)
{
	int fd;

	if (ncd_resolve(host, port, sa))
		return -1;
	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fprintf(stderr, "ncdevmem: socket: %s: check ulimit -n\n", strerror(errno));
	return fd;
}

#define CC_AVAILABLE "/proc/sys/net/ipv4/tcp_available_congestion_control"

static void bad_congestion(const char *name, int err)
{
	char avail[256] = "";
	FILE *f = fopen(CC_AVAILABLE, "r");

	if (f) {
		if (!fgets(avail, sizeof(avail), f))
			avail[0] = '\0';
		fclose(f);
		avail[strcspn(avail, "\n")] = '\0';
	}
	fprintf(stderr, "ncdevmem: congestion control '%s' failed: %s: available here: %s\n",
		name, strerror(err), avail[0] ? avail : "(cannot read " CC_AVAILABLE ")");
}

/* SO_*BUFFORCE (root) passes net.core.[rw]mem_max; else the plain one.
 * The kernel doubles what it is given (bookkeeping overhead). */
static int set_buf(int fd, int force, int plain, uint32_t bytes, int warn,
		   const char *sysctl)
{
	int v = (int)bytes, got = 0;
	socklen_t len = sizeof(got);

	if (setsockopt(fd, SOL_SOCKET, force, &v, sizeof(v)) &&
	    setsockopt(fd, SOL_SOCKET, plain, &v, sizeof(v)))
		return -1;
	if (warn && !getsockopt(fd, SOL_SOCKET, plain, &got, &len) &&
	    (uint32_t)got < bytes)
		fprintf(stderr, "ncdevmem: --window %u capped to %d by %s: raise it or run as root\n",
			bytes, got / 2, sysctl);
	return 0;
}

int ncd_sock_tune(int fd, const struct ncd_sock_tune *t, int warn)
{
	if (!t)
		return 0;
	if (t->window &&
	    (set_buf(fd, SO_SNDBUFFORCE, SO_SNDBUF, t->window, warn,
		     "net.core.wmem_max") ||
	     set_buf(fd, SO_RCVBUFFORCE, SO_RCVBUF, t->window, warn,
		     "net.core.rmem_max"))) {
		fprintf(stderr, "ncdevmem: --window %u failed: %s\n", t->window,
			strerror(errno));
		return -1;
	}
	if (t->congestion && setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION,
					t->congestion, strlen(t->congestion))) {
		bad_congestion(t->congestion, errno);
		return -1;
	}
	return 0;
}

int ncd_sock_tune_check(const struct ncd_sock_tune *t)
{
	int fd, ret;

	if (!t->window && !t->congestion)
		return 0;
	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "ncdevmem: socket: %s: check ulimit -n\n", strerror(errno));
		return -1;
	}
	ret = ncd_sock_tune(fd, t, 1);
	close(fd);
	return ret;
}

int ncd_listen(const char *host, uint16_t port, int backlog)
{
	struct sockaddr_in6 sa;
	int one = 1, fd;

	fd = tcp_socket(host, port, &sa);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "ncdevmem: listening on %s port %u failed: %s: %s\n",
			host ? host : "any address", port, strerror(errno),
			errno == EADDRINUSE ? "another program has this port; pick another -p" :
			errno == EADDRNOTAVAIL ? "that address is not on this host" :
			"check -s and -p");
		close(fd);
		return -1;
	}
	if (listen(fd, backlog)) {
		perror("ncdevmem: listen");
		close(fd);
		return -1;
	}
	return fd;
}

static int bind_source(int fd, const char *src, uint16_t src_port)
{
	struct sockaddr_in6 sa;
	int one = 1;

	if (ncd_resolve(src, src_port, &sa))
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "ncdevmem: binding source %s port %u failed: %s: %s\n",
			src ? src : "any address", src_port, strerror(errno),
			errno == EADDRINUSE ? "that source port is taken: pick another --cport" :
			"check -c");
		return -1;
	}
	return 0;
}

/* Wait for a non-blocking connect in slices of at most 100 ms, so a stop
 * request is seen at once: 0, or -1 with errno (ETIMEDOUT, EINTR: stopped). */
static int wait_connected(int fd, const struct ncd_dial *d, double deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int err = 0;

	for (;;) {
		double left = deadline - ncd_now();

		if (d->stop && atomic_load(d->stop)) {
			errno = EINTR;
			return -1;
		}
		if (d->timeout_s > 0 && left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (poll(&p, 1, d->timeout_s > 0 && left < 0.1 ? (int)(left * 1000) + 1
							       : 100) > 0)
			break;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		errno = err ? err : errno;
		return -1;
	}
	return 0;
}

/* One address: fd, -1 (connect failed, errno set: try the next one) or
 * -2 (set-up failed, message printed, or stopped: give up). */
static int try_connect(const struct sockaddr_in6 *sa, const struct ncd_dial *d,
		       double deadline)
{
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int err;

	if (fd < 0) {
		fprintf(stderr, "ncdevmem: socket: %s: check ulimit -n\n", strerror(errno));
		return -2;
	}
	if (d->ifname && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, d->ifname,
				    strlen(d->ifname) + 1)) {
		fprintf(stderr, "ncdevmem: SO_BINDTODEVICE %s failed: %s: check -f\n",
			d->ifname, strerror(errno));
		goto fail;
	}
	if (ncd_sock_tune(fd, d->tune, 0))
		goto fail;
	if ((d->src || d->src_port) && bind_source(fd, d->src, d->src_port))
		goto fail;
	if ((connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) &&
	     (errno != EINPROGRESS || wait_connected(fd, d, deadline))) ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)) {
		err = errno;
		close(fd);
		errno = err;
		return err == EINTR ? -2 : -1;
	}
	return fd;
fail:
	close(fd);
	return -2;
}

/* Like nc: every address the name resolves to, in turn, within one
 * deadline. */
int ncd_connect(const struct ncd_dial *d)
{
	struct addrinfo *res = lookup(d->host), *ai;
	double deadline = ncd_now() + d->timeout_s;
	struct sockaddr_in6 sa;
	int fd = -1, err = 0;

	if (!res)
		return -1;
	for (ai = res; ai && fd == -1; ai = ai->ai_next) {
		set_addr(&sa, ai, d->port);
		fd = try_connect(&sa, d, deadline);
		err = errno;
	}
	freeaddrinfo(res);
	if (fd == -1)
		fprintf(stderr, "ncdevmem: connecting to %s port %u failed: %s: %s\n",
			d->host, d->port, strerror(err),
			err == ECONNREFUSED ? "is the server running (ncdevmem -l)?" :
			err == ETIMEDOUT ? "no answer: check -s, the route and firewalls, or raise --connect-timeout" :
			"check -s, -p and the route");
	return fd < 0 ? -1 : fd;
}
