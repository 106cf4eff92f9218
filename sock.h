/* SPDX-License-Identifier: MIT */
/* TCP sockets: everything is AF_INET6; IPv4 addresses become v4-mapped. */
#ifndef NCD_SOCK_H
#define NCD_SOCK_H

#include <netinet/in.h>
#include <stdatomic.h>
#include <stdint.h>

/* Resolve @host (NULL = any) into @sa; 0 or -1 with a message printed. */
int ncd_resolve(const char *host, uint16_t port, struct sockaddr_in6 *sa);
/* Listening socket on @host:@port; fd or -1 with a message printed. */
int ncd_listen(const char *host, uint16_t port, int backlog);
/* Per-socket settings (iperf3's -w and -C). */
struct ncd_sock_tune {
	uint32_t window;	/* SO_SNDBUF and SO_RCVBUF, 0 = kernel default */
	const char *congestion;	/* TCP_CONGESTION, NULL = system default */
};

/* Apply @t to @fd: 0, or -1 with one line printed (an unknown congestion
 * control names the available ones).  A window the kernel capped is a
 * warning, printed when @warn. */
int ncd_sock_tune(int fd, const struct ncd_sock_tune *t, int warn);
/* The same on a throwaway socket: is @t possible here?  0 or -1. */
int ncd_sock_tune_check(const struct ncd_sock_tune *t);

/* Where and how to connect. */
struct ncd_dial {
	const char *host;
	uint16_t port;
	const char *src;	/* source address to bind, or NULL */
	uint16_t src_port;	/* 0 = any; bound even without @src */
	const struct ncd_sock_tune *tune;	/* before connect(), or NULL */
	const char *ifname;	/* SO_BINDTODEVICE, or NULL */
	double timeout_s;	/* for all addresses together, 0 = forever */
	_Atomic int *stop;	/* set: give up within 100 ms, quietly */
};

/* Connected (blocking) socket; -1 with a message printed, or quietly when
 * stopped (errno EINTR). */
int ncd_connect(const struct ncd_dial *d);

#endif
