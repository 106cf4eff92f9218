// SPDX-License-Identifier: MIT
/* TCP_INFO samples and socket addresses; see tcp_info.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/tcp.h>
#include "tcp_info.h"

int ncd_tcp_sample(int fd, struct ncd_tcp_sample *s)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
		return -errno;
	/* an older kernel fills less: what it left out stays 0 */
	*s = (struct ncd_tcp_sample){
		.total_retrans = ti.tcpi_total_retrans,
		.snd_cwnd = ti.tcpi_snd_cwnd * ti.tcpi_snd_mss,
		.rtt = ti.tcpi_rtt,
		.rttvar = ti.tcpi_rttvar,
		.pacing_rate = ti.tcpi_pacing_rate == ~0ULL ? 0 : ti.tcpi_pacing_rate,
		.delivery_rate = ti.tcpi_delivery_rate,
	};
	return 0;
}

static void name_of(const struct sockaddr_storage *ss, char *host,
		    uint16_t *port)
{
	const struct sockaddr_in6 *s6 = (const void *)ss;
	const struct sockaddr_in *s4 = (const void *)ss;

	host[0] = 0;
	*port = 0;
	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &s4->sin_addr, host, NCD_HOST_LEN);
		*port = ntohs(s4->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
			inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], host,
				  NCD_HOST_LEN);
		else
			inet_ntop(AF_INET6, &s6->sin6_addr, host, NCD_HOST_LEN);
		*port = ntohs(s6->sin6_port);
	}
}

void ncd_sock_names(int fd, struct ncd_sock_names *n)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		ss.ss_family = AF_UNSPEC;
	name_of(&ss, n->local_host, &n->local_port);
	len = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	if (getpeername(fd, (struct sockaddr *)&ss, &len))
		ss.ss_family = AF_UNSPEC;
	name_of(&ss, n->remote_host, &n->remote_port);
}
