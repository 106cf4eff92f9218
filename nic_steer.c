// SPDX-License-Identifier: MIT
/* ntuple rules and the RSS indirection table through SIOCETHTOOL. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include "nic_steer.h"

static int ethtool_ioctl(const char *ifname, void *data)
{
	struct ifreq ifr;
	int fd, ret = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = data;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int ncd_flow_addr_parse(const char *s, struct ncd_flow_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->a4) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a->a6) != 1)
		return -EINVAL;
	a->family = AF_INET6;
	if (IN6_IS_ADDR_V4MAPPED(&a->a6)) {
		memcpy(&a->a4, &a->a6.s6_addr[12], 4);
		a->family = AF_INET;
	}
	return 0;
}

int ncd_steer_ntuple_on(const char *ifname)
{
	struct ethtool_value v = { .cmd = ETHTOOL_GFLAGS };
	int err = ethtool_ioctl(ifname, &v);

	return err ? err : !!(v.data & ETH_FLAG_NTUPLE);
}

/* First location in [0, size) that no rule uses. */
static int first_free(const char *ifname, uint32_t cnt, uint32_t *loc)
{
	struct ethtool_rxnfc *all;
	uint32_t size, l;
	int err;

	all = calloc(1, sizeof(*all) + (cnt + 1) * sizeof(uint32_t));
	if (!all)
		return -ENOMEM;
	all->cmd = ETHTOOL_GRXCLSRLALL;
	all->rule_cnt = cnt;
	err = ethtool_ioctl(ifname, all);
	if (err)
		goto out;
	size = all->data & ~RX_CLS_LOC_SPECIAL;
	err = -ENOSPC;
	for (l = 0; l < size; l++) {
		uint32_t i;

		for (i = 0; i < all->rule_cnt && all->rule_locs[i] != l; i++)
			;
		if (i == all->rule_cnt) {
			*loc = l;
			err = 0;
			break;
		}
	}
out:
	free(all);
	return err;
}

int ncd_steer_free_loc(const char *ifname, uint32_t *loc)
{
	struct ethtool_rxnfc cnt = { .cmd = ETHTOOL_GRXCLSRLCNT };
	int err = ethtool_ioctl(ifname, &cnt);

	if (err)
		return err;
	if (cnt.data & RX_CLS_LOC_SPECIAL) {
		*loc = RX_CLS_LOC_ANY;
		return 0;
	}
	return first_free(ifname, cnt.rule_cnt, loc);
}

static void fill_v4(struct ethtool_rx_flow_spec *fs,
		    const struct ncd_flow_addr *src,
		    const struct ncd_flow_addr *dst, uint16_t port, int sport)
{
	fs->flow_type = TCP_V4_FLOW;
	fs->h_u.tcp_ip4_spec.ip4dst = dst->a4.s_addr;
	fs->m_u.tcp_ip4_spec.ip4dst = 0xffffffff;
	fs->h_u.tcp_ip4_spec.pdst = htons(port);
	fs->m_u.tcp_ip4_spec.pdst = 0xffff;
	if (!src)
		return;
	fs->h_u.tcp_ip4_spec.ip4src = src->a4.s_addr;
	fs->m_u.tcp_ip4_spec.ip4src = 0xffffffff;
	if (!sport)
		return;
	fs->h_u.tcp_ip4_spec.psrc = htons(port);
	fs->m_u.tcp_ip4_spec.psrc = 0xffff;
}

static void fill_v6(struct ethtool_rx_flow_spec *fs,
		    const struct ncd_flow_addr *src,
		    const struct ncd_flow_addr *dst, uint16_t port, int sport)
{
	fs->flow_type = TCP_V6_FLOW;
	memcpy(fs->h_u.tcp_ip6_spec.ip6dst, &dst->a6, 16);
	memset(fs->m_u.tcp_ip6_spec.ip6dst, 0xff, 16);
	fs->h_u.tcp_ip6_spec.pdst = htons(port);
	fs->m_u.tcp_ip6_spec.pdst = 0xffff;
	if (!src)
		return;
	memcpy(fs->h_u.tcp_ip6_spec.ip6src, &src->a6, 16);
	memset(fs->m_u.tcp_ip6_spec.ip6src, 0xff, 16);
	if (!sport)
		return;
	fs->h_u.tcp_ip6_spec.psrc = htons(port);
	fs->m_u.tcp_ip6_spec.psrc = 0xffff;
}

static int insert(const char *ifname, const struct ncd_flow_addr *src,
		  const struct ncd_flow_addr *dst, uint16_t port, int sport,
		  uint32_t queue, uint32_t *loc)
{
	struct ethtool_rxnfc nfc = { .cmd = ETHTOOL_SRXCLSRLINS };
	int err = ncd_steer_free_loc(ifname, &nfc.fs.location);

	if (err)
		return err;
	if (dst->family == AF_INET)
		fill_v4(&nfc.fs, src, dst, port, sport);
	else
		fill_v6(&nfc.fs, src, dst, port, sport);
	nfc.fs.ring_cookie = queue;
	err = ethtool_ioctl(ifname, &nfc);
	if (!err)
		*loc = nfc.fs.location;
	return err;
}

int ncd_steer_add(const char *ifname, const struct ncd_flow_addr *src,
		  const struct ncd_flow_addr *dst, uint16_t port,
		  uint32_t queue, uint32_t *loc, int *five)
{
	int err = -EINVAL;

	if (src && src->family && src->family != dst->family)
		return -EAFNOSUPPORT;
	*five = 0;
	if (src && src->family) {
		err = insert(ifname, src, dst, port, 1, queue, loc);
		if (!err) {
			*five = 1;
			return 0;
		}
	}
	return insert(ifname, NULL, dst, port, 0, queue, loc);
}

int ncd_steer_add_peer(const char *ifname, const struct ncd_flow_addr *src,
		       const struct ncd_flow_addr *dst, uint16_t port,
		       uint32_t queue, uint32_t *loc)
{
	if (src->family != dst->family)
		return -EAFNOSUPPORT;
	return insert(ifname, src, dst, port, 0, queue, loc);
}

int ncd_steer_del(const char *ifname, uint32_t loc)
{
	struct ethtool_rxnfc nfc = { .cmd = ETHTOOL_SRXCLSRLDEL };

	nfc.fs.location = loc;
	return ethtool_ioctl(ifname, &nfc);
}

int ncd_rss_rings(const char *ifname, uint32_t *n)
{
	struct ethtool_rxnfc nfc = { .cmd = ETHTOOL_GRXRINGS };
	int err = ethtool_ioctl(ifname, &nfc);

	if (!err)
		*n = nfc.data;
	return err;
}

int ncd_rss_get(const char *ifname, uint32_t **tbl, uint32_t *n)
{
	struct ethtool_rxfh_indir hdr = { .cmd = ETHTOOL_GRXFHINDIR };
	struct ethtool_rxfh_indir *ind;
	int err = ethtool_ioctl(ifname, &hdr);

	*tbl = NULL;
	*n = 0;
	if (err || !hdr.size)
		return err;
	ind = calloc(1, sizeof(*ind) + hdr.size * sizeof(uint32_t));
	if (!ind)
		return -ENOMEM;
	ind->cmd = ETHTOOL_GRXFHINDIR;
	ind->size = hdr.size;
	err = ethtool_ioctl(ifname, ind);
	if (!err) {
		*tbl = malloc(hdr.size * sizeof(uint32_t));
		if (*tbl) {
			memcpy(*tbl, ind->ring_index,
			       hdr.size * sizeof(uint32_t));
			*n = hdr.size;
		} else {
			err = -ENOMEM;
		}
	}
	free(ind);
	return err;
}

int ncd_rss_set(const char *ifname, const uint32_t *tbl, uint32_t n)
{
	struct ethtool_rxfh_indir *ind;
	int err;

	ind = calloc(1, sizeof(*ind) + n * sizeof(uint32_t));
	if (!ind)
		return -ENOMEM;
	ind->cmd = ETHTOOL_SRXFHINDIR;
	ind->size = n;
	if (n)
		memcpy(ind->ring_index, tbl, n * sizeof(uint32_t));
	err = ethtool_ioctl(ifname, ind);
	free(ind);
	return err;
}

int ncd_rss_equal(const char *ifname, uint32_t nq)
{
	uint32_t *tbl, n;
	int err;

	if (!nq)
		return -EINVAL;
	err = ncd_rss_get(ifname, &tbl, &n);
	if (err)
		return err;
	if (!n)
		return -EOPNOTSUPP;
	for (uint32_t i = 0; i < n; i++)
		tbl[i] = i % nq;
	err = ncd_rss_set(ifname, tbl, n);
	free(tbl);
	return err;
}
