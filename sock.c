// SPDX-License-Identifier: MIT
/* Socket set-up shared by server and client. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
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
		fprintf(stderr, "ncdevmem: binding source %s port %u failed: %s: check -c\n",
			src, src_port, strerror(errno));
		return -1;
	}
	return 0;
}

/* One address: fd, -1 (connect failed, errno set: try the next one) or
 * -2 (set-up failed, message printed: give up). */
static int try_connect(const struct sockaddr_in6 *sa, const char *src,
		       uint16_t src_port, const char *ifname)
{
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0), err;

	if (fd < 0) {
		fprintf(stderr, "ncdevmem: socket: %s: check ulimit -n\n", strerror(errno));
		return -2;
	}
	if (ifname && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
				 strlen(ifname) + 1)) {
		fprintf(stderr, "ncdevmem: SO_BINDTODEVICE %s failed: %s: check -f\n",
			ifname, strerror(errno));
		close(fd);
		return -2;
	}
	if (src && bind_source(fd, src, src_port)) {
		close(fd);
		return -2;
	}
	if (!connect(fd, (const struct sockaddr *)sa, sizeof(*sa)))
		return fd;
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

/* Like nc: every address the name resolves to, in turn. */
int ncd_connect(const char *host, uint16_t port, const char *src,
		uint16_t src_port, const char *ifname)
{
	struct addrinfo *res = lookup(host), *ai;
	struct sockaddr_in6 sa;
	int fd = -1, err = 0;

	if (!res)
		return -1;
	for (ai = res; ai && fd == -1; ai = ai->ai_next) {
		set_addr(&sa, ai, port);
		fd = try_connect(&sa, src, src_port, ifname);
		err = errno;
	}
	freeaddrinfo(res);
	if (fd == -1)
		fprintf(stderr, "ncdevmem: connecting to %s port %u failed: %s: %s\n",
			host, port, strerror(err),
			err == ECONNREFUSED ? "is the server running (ncdevmem -l)?" :
			"check -s, -p and the route");
	return fd < 0 ? -1 : fd;
}
