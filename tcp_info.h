/* SPDX-License-Identifier: MIT */
/*
 * What the kernel knows about one TCP connection: TCP_INFO samples
 * (retransmits, congestion window, RTT, pacing and delivery rates) and the
 * two ends' addresses, for the report.
 */
#ifndef NCD_TCP_INFO_H
#define NCD_TCP_INFO_H

#include <stdint.h>

#define NCD_HOST_LEN	46	/* INET6_ADDRSTRLEN */

struct ncd_tcp_sample {
	uint32_t total_retrans;	/* segments retransmitted so far */
	uint32_t snd_cwnd;	/* bytes (segments * MSS), as iperf3 */
	uint32_t rtt, rttvar;	/* microseconds */
	uint64_t pacing_rate;	/* bytes per second */
	uint64_t delivery_rate;	/* bytes per second */
};

struct ncd_sock_names {
	char local_host[NCD_HOST_LEN], remote_host[NCD_HOST_LEN];
	uint16_t local_port, remote_port;
};

/* Read TCP_INFO of @fd.  0, or -errno. */
int ncd_tcp_sample(int fd, struct ncd_tcp_sample *s);
/* Both ends of @fd; an IPv4-mapped IPv6 address is printed as IPv4. */
void ncd_sock_names(int fd, struct ncd_sock_names *n);

#endif
