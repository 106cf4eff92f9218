// SPDX-License-Identifier: MIT
/* Socket set-up shared by server and client. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "sock.h"

int ncd_resolve(const char *host, uint16_t port, struct sockaddr_in6 *sa)
{
	struct addrinfo hints = { .ai_family = AF_INET6,
				  .ai_flags = AI_V4MAPPED | AI_ALL };
	struct addrinfo *res;
	int ret;

	memset(sa, 0, sizeof(*sa));
	sa->sin6_family = AF_INET6;
	sa->sin6_port = htons(port);
	if (!host) {
		sa->sin6_addr = in6addr_any;
		return 0;
	}
	ret = getaddrinfo(host, NULL, &hints, &res);
	if (ret) {
		fprintf(stderr, "ncdevmem: cannot resolve '%s': %s: give an IPv4/IPv6 address\n",
			host, gai_strerror(ret));
		return -1;
	}
	memcpy(&sa->sin6_addr, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr,
	       sizeof(sa->sin6_addr));
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

int ncd_connect(const char *host, uint16_t port, const char *src,
		uint16_t src_port, const char *ifname)
{
	struct sockaddr_in6 sa;
	int fd;

	fd = tcp_socket(host, port, &sa);
	if (fd < 0)
		return -1;
	if (ifname && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
				 strlen(ifname) + 1)) {
		fprintf(stderr, "ncdevmem: SO_BINDTODEVICE %s failed: %s: check -f\n",
			ifname, strerror(errno));
		goto fail;
	}
	if (src && bind_source(fd, src, src_port))
		goto fail;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "ncdevmem: connecting to %s port %u failed: %s: %s\n",
			host, port, strerror(errno),
			errno == ECONNREFUSED ? "is the server running (ncdevmem -l)?" :
			"check -s, -p and the route");
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}
