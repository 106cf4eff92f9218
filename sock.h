/* SPDX-License-Identifier: MIT */
/* TCP sockets: everything is AF_INET6; IPv4 addresses become v4-mapped. */
#ifndef NCD_SOCK_H
#define NCD_SOCK_H

#include <netinet/in.h>
#include <stdint.h>

/* Resolve @host (NULL = any) into @sa; 0 or -1 with a message printed. */
int ncd_resolve(const char *host, uint16_t port, struct sockaddr_in6 *sa);
/* Listening socket on @host:@port; fd or -1 with a message printed. */
int ncd_listen(const char *host, uint16_t port, int backlog);
/* Connected socket; @src (may be NULL) binds the source address, with
 * @src_port (0 = any).  @ifname (may be NULL): SO_BINDTODEVICE. */
int ncd_connect(const char *host, uint16_t port, const char *src,
		uint16_t src_port, const char *ifname);

#endif
