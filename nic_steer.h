/* SPDX-License-Identifier: MIT */
/*
 * Flow steering through the SIOCETHTOOL ioctl (no ethtool binary):
 * ntuple rules (ETHTOOL_SRXCLSRLINS/DEL) and the RSS indirection table
 * (ETHTOOL_GRXFHINDIR/SRXFHINDIR).  All return 0 or -errno.
 */
#ifndef NCD_NIC_STEER_H
#define NCD_NIC_STEER_H

#include <stdint.h>
#include <netinet/in.h>

/* One side of a flow: IPv4 or IPv6 address, port in host order. */
struct ncd_flow_addr {
	int family;		/* AF_INET or AF_INET6, 0 = wildcard */
	struct in6_addr a6;
	struct in_addr a4;
};

/* Parse "1.2.3.4", "::1" or "::ffff:1.2.3.4" (v4-mapped becomes AF_INET). */
int ncd_flow_addr_parse(const char *s, struct ncd_flow_addr *a);

/* 1 if ntuple filters are on (ETHTOOL_GFLAGS), 0 if off. */
int ncd_steer_ntuple_on(const char *ifname);
/* Rule table: size and the location to insert at (RX_CLS_LOC_ANY when the
 * driver picks one itself, else the first free slot). */
int ncd_steer_free_loc(const char *ifname, uint32_t *loc);
/*
 * Steer TCP to @dst:@port (from @src:@port when @src is set) into @queue.
 * Tries the 5-tuple first and the 3-tuple (no source) when the device
 * refuses it.  *loc = the rule's location, for ncd_steer_del.
 * *five = 1 if the 5-tuple rule was installed.
 */
int ncd_steer_add(const char *ifname, const struct ncd_flow_addr *src,
		  const struct ncd_flow_addr *dst, uint16_t port,
		  uint32_t queue, uint32_t *loc, int *five);
/* Fan-in: TCP from @src (any source port) to @dst:@port into @queue; no
 * fallback without the source, which would mix the peers.  *loc as above. */
int ncd_steer_add_peer(const char *ifname, const struct ncd_flow_addr *src,
		       const struct ncd_flow_addr *dst, uint16_t port,
		       uint32_t queue, uint32_t *loc);
int ncd_steer_del(const char *ifname, uint32_t loc);

/* Number of RX rings RSS spreads over (ETHTOOL_GRXRINGS). */
int ncd_rss_rings(const char *ifname, uint32_t *n);
/* Indirection table: *tbl malloc'd, *n entries; 0 entries = no RSS. */
int ncd_rss_get(const char *ifname, uint32_t **tbl, uint32_t *n);
/* Set the table; @n == 0 resets it to the driver default. */
int ncd_rss_set(const char *ifname, const uint32_t *tbl, uint32_t n);
/* Spread over queues 0..@nq-1 ("ethtool -X IF equal N"). */
int ncd_rss_equal(const char *ifname, uint32_t nq);

#endif
