// SPDX-License-Identifier: MIT
/*
 * VM tier: self-check of the test bed, independent of the project's code.
 * Raw syscalls and hand-built generic netlink only, so a failure here means
 * the guest kernel / extended netdevsim is broken, not ncdevmem.
 *
 *   vm_testbed bind IFNAME QUEUE [hold]   bind-rx a 4 MiB udmabuf to QUEUE;
 *                                         print "bind ok id=N" or
 *                                         "bind err=-E extack=...".  With
 *                                         hold: print, then wait for stdin EOF.
 *   vm_testbed queues IFNAME              queue-get dump: "rxq N dmabuf D"
 *   vm_testbed rx IFNAME QUEUE PORT BYTES devmem server on QUEUE: bind,
 *                                         accept, recvmsg(MSG_SOCK_DEVMEM),
 *                                         check every byte, release tokens.
 *   vm_testbed tx ADDR PORT BYTES         plain TCP client sending the pattern
 *   vm_testbed hds IFNAME on|off          ethtool rings-set tcp-data-split
 *                                         (busybox has no ethtool)
 *   vm_testbed netkit NAME PEER RXQ       rtnetlink: a netkit pair (NAME the
 *                                         primary, PEER the leasing side),
 *                                         RXQ RX queues allocated for each
 *   vm_testbed lease PEER PHYS QUEUE      netdev queue-create: a new RX queue
 *                                         on PEER leasing PHYS's RX QUEUE;
 *                                         prints "lease ok PEER queue N"
 *   vm_testbed dellink NAME               rtnetlink: delete NAME
 *
 * Pattern: byte at stream offset i is (i * 131 + (i >> 12)) & 0xff.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <linux/dma-buf.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/udmabuf.h>
#include "uapi_devmem.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

/* Linux 7.3 UAPI, by number (the build host's headers predate them):
 * include/uapi/linux/netdev.h and if_link.h */
#define TB_NETDEV_CMD_QUEUE_CREATE	16
#define TB_NETDEV_A_QUEUE_ID		1
#define TB_NETDEV_A_QUEUE_IFINDEX	2
#define TB_NETDEV_A_QUEUE_TYPE		3
#define TB_NETDEV_A_QUEUE_LEASE		8
#define TB_NETDEV_A_LEASE_IFINDEX	1
#define TB_NETDEV_A_LEASE_QUEUE		2
#define TB_NETDEV_QUEUE_TYPE_RX		0
#define TB_IFLA_NETKIT_PEER_INFO	1

static uint8_t pat(uint64_t i)
{
	return (uint8_t)(i * 131 + (i >> 12));
}

/* ---------------- generic netlink, by hand ---------------- */

struct req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char buf[1024];
};

static void put_attr(struct nlmsghdr *n, int type, const void *data, int len)
{
	struct nlattr *a = (struct nlattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static struct nlattr *nest_start(struct nlmsghdr *n, int type)
{
	struct nlattr *a = (struct nlattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));

	put_attr(n, type | NLA_F_NESTED, NULL, 0);
	return a;
}

static void nest_end(struct nlmsghdr *n, struct nlattr *a)
{
	a->nla_len = (char *)n + n->nlmsg_len - (char *)a;
}

static int nl_open(void)
{
	int one = 1, fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (fd < 0) {
		perror("socket(NETLINK_GENERIC)");
		exit(1);
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return fd;
}

/* Receive into @buf; returns bytes. */
static int nl_recv(int fd, char *buf, int len)
{
	int r = recv(fd, buf, len, 0);

	if (r < 0) {
		perror("recv(netlink)");
		exit(1);
	}
	return r;
}

/* Extract error + extack text from an NLMSG_ERROR. */
static int nl_err(struct nlmsghdr *h, char *ext, int extlen)
{
	struct nlmsgerr *e = NLMSG_DATA(h);
	int off;

	ext[0] = 0;
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return e->error;
	off = NLMSG_HDRLEN + sizeof(*e);
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	while (off + NLA_HDRLEN <= (int)h->nlmsg_len) {
		struct nlattr *a = (struct nlattr *)((char *)h + off);

		if (a->nla_len < NLA_HDRLEN)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == 1 /* NLMSGERR_ATTR_MSG */)
			snprintf(ext, extlen, "%s", (char *)a + NLA_HDRLEN);
		off += NLA_ALIGN(a->nla_len);
	}
	return e->error;
}

static int family_id(int fd, const char *name)
{
	struct req r = { 0 };
	char buf[8192];
	struct nlmsghdr *h;
	int len;

	r.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r.n.nlmsg_type = GENL_ID_CTRL;
	r.n.nlmsg_flags = NLM_F_REQUEST;
	r.g.cmd = CTRL_CMD_GETFAMILY;
	r.g.version = 1;
	put_attr(&r.n, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	send(fd, &r, r.n.nlmsg_len, 0);
	len = nl_recv(fd, buf, sizeof(buf));
	for (h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		struct nlattr *a;
		int alen;

		if (h->nlmsg_type == NLMSG_ERROR)
			break;
		a = (void *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
		alen = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
		while (alen >= NLA_HDRLEN) {
			if (a->nla_type == CTRL_ATTR_FAMILY_ID)
				return *(uint16_t *)((char *)a + NLA_HDRLEN);
			alen -= NLA_ALIGN(a->nla_len);
			a = (void *)((char *)a + NLA_ALIGN(a->nla_len));
		}
	}
	fprintf(stderr, "generic netlink family %s not found\n", name);
	exit(1);
}

/* bind-rx; returns 0 and *id, or -errno with extack text in @ext. */
static int bind_rx(int fd, int fam, int ifindex, int dmabuf, uint32_t q,
		   uint32_t *id, char *ext, int extlen)
{
	struct req r = { 0 };
	char buf[8192];
	struct nlmsghdr *h;
	struct nlattr *nest;
	uint32_t v;
	int len, ret = 1;

	r.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r.n.nlmsg_type = fam;
	r.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r.g.cmd = NCD_NETDEV_CMD_BIND_RX;
	r.g.version = 1;
	v = ifindex;
	put_attr(&r.n, NCD_NETDEV_A_DMABUF_IFINDEX, &v, 4);
	v = dmabuf;
	put_attr(&r.n, NCD_NETDEV_A_DMABUF_FD, &v, 4);
	nest = nest_start(&r.n, NCD_NETDEV_A_DMABUF_QUEUES);
	put_attr(&r.n, NCD_NETDEV_A_QUEUE_ID, &q, 4);
	v = NCD_NETDEV_QUEUE_TYPE_RX;
	put_attr(&r.n, NCD_NETDEV_A_QUEUE_TYPE, &v, 4);
	nest_end(&r.n, nest);
	send(fd, &r, r.n.nlmsg_len, 0);
	ext[0] = 0;
	while (ret == 1) {
		len = nl_recv(fd, buf, sizeof(buf));
		for (h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				ret = nl_err(h, ext, extlen);
				break;
			}
			if (h->nlmsg_type == fam) {
				struct nlattr *a = (void *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
				int alen = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

				while (alen >= NLA_HDRLEN) {
					if (a->nla_type == NCD_NETDEV_A_DMABUF_ID)
						*id = *(uint32_t *)((char *)a + NLA_HDRLEN);
					alen -= NLA_ALIGN(a->nla_len);
					a = (void *)((char *)a + NLA_ALIGN(a->nla_len));
				}
			}
		}
	}
	return ret;
}

/* Walk the attributes of nest @a: call @fn on each. */
static void nest_walk(struct nlattr *a, void (*fn)(struct nlattr *, void *), void *arg)
{
	struct nlattr *c = (void *)((char *)a + NLA_HDRLEN);
	int len = a->nla_len - NLA_HDRLEN;

	while (len >= NLA_HDRLEN && c->nla_len >= NLA_HDRLEN) {
		fn(c, arg);
		len -= NLA_ALIGN(c->nla_len);
		c = (void *)((char *)c + NLA_ALIGN(c->nla_len));
	}
}

struct lease_seen {
	uint32_t ifindex, queue;
};

static void lease_queue_attr(struct nlattr *c, void *arg)
{
	if ((c->nla_type & NLA_TYPE_MASK) == TB_NETDEV_A_QUEUE_ID)
		((struct lease_seen *)arg)->queue = *(uint32_t *)((char *)c + NLA_HDRLEN);
}

static void lease_one(struct nlattr *c, void *arg)
{
	struct lease_seen *l = arg;

	if ((c->nla_type & NLA_TYPE_MASK) == TB_NETDEV_A_LEASE_IFINDEX)
		l->ifindex = *(uint32_t *)((char *)c + NLA_HDRLEN);
	else if ((c->nla_type & NLA_TYPE_MASK) == TB_NETDEV_A_LEASE_QUEUE)
		nest_walk(c, lease_queue_attr, l);
}

/* A queue's lease nest: the other device's ifindex and queue id. */
static int lease_attr(struct nlattr *a, uint32_t *ifindex, uint32_t *queue)
{
	struct lease_seen l = { 0 };

	nest_walk(a, lease_one, &l);
	*ifindex = l.ifindex;
	*queue = l.queue;
	return 1;
}

static int cmd_queues(const char *ifname)
{
	int fd = nl_open(), fam = family_id(fd, "netdev"), len, done = 0;
	struct req r = { 0 };
	char buf[32768];
	uint32_t v = if_nametoindex(ifname);

	if (!v) {
		fprintf(stderr, "no such interface %s\n", ifname);
		return 1;
	}
	r.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r.n.nlmsg_type = fam;
	r.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	r.g.cmd = NCD_NETDEV_CMD_QUEUE_GET;
	r.g.version = 1;
	put_attr(&r.n, NCD_NETDEV_A_QUEUE_IFINDEX, &v, 4);
	send(fd, &r, r.n.nlmsg_len, 0);
	while (!done) {
		struct nlmsghdr *h;

		len = nl_recv(fd, buf, sizeof(buf));
		for (h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			struct nlattr *a = (void *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
			int alen = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
			uint32_t id = 0, type = 9, dmabuf = 0, lifx = 0, lq = 0;
			int leased = 0;

			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
				done = 1;
				break;
			}
			while (alen >= NLA_HDRLEN) {
				uint32_t val = *(uint32_t *)((char *)a + NLA_HDRLEN);

				if (a->nla_type == NCD_NETDEV_A_QUEUE_ID)
					id = val;
				else if (a->nla_type == NCD_NETDEV_A_QUEUE_TYPE)
					type = val;
				else if (a->nla_type == NCD_NETDEV_A_QUEUE_DMABUF)
					dmabuf = val;
				else if ((a->nla_type & NLA_TYPE_MASK) == TB_NETDEV_A_QUEUE_LEASE)
					leased = lease_attr(a, &lifx, &lq);
				alen -= NLA_ALIGN(a->nla_len);
				a = (void *)((char *)a + NLA_ALIGN(a->nla_len));
			}
			if (type == NCD_NETDEV_QUEUE_TYPE_RX && leased)
				printf("rxq %u dmabuf %u lease %u %u\n", id, dmabuf, lifx, lq);
			else if (type == NCD_NETDEV_QUEUE_TYPE_RX)
				printf("rxq %u dmabuf %u\n", id, dmabuf);
		}
	}
	return 0;
}

/* ---------------- udmabuf ---------------- */

static int udmabuf(size_t size, void **map)
{
	struct udmabuf_create c = { 0 };
	int dev = open("/dev/udmabuf", O_RDWR), memfd, buf;

	memfd = memfd_create("vm_testbed", MFD_ALLOW_SEALING);
	if (dev < 0 || memfd < 0 || fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK) ||
	    ftruncate(memfd, size)) {
		perror("udmabuf setup");
		exit(1);
	}
	c.memfd = memfd;
	c.size = size;
	buf = ioctl(dev, UDMABUF_CREATE, &c);
	if (buf < 0) {
		perror("UDMABUF_CREATE");
		exit(1);
	}
	if (map) {
		*map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, buf, 0);
		if (*map == MAP_FAILED) {
			perror("mmap dmabuf");
			exit(1);
		}
	}
	return buf;
}

static int cmd_bind(const char *ifname, uint32_t q, int hold)
{
	int fd = nl_open(), fam = family_id(fd, "netdev");
	int buf = udmabuf(4 << 20, NULL);
	char ext[256];
	uint32_t id = 0;
	int ret = bind_rx(fd, fam, if_nametoindex(ifname), buf, q, &id, ext, sizeof(ext));

	if (ret)
		printf("bind err=%d extack=%s\n", ret, ext);
	else
		printf("bind ok id=%u\n", id);
	fflush(stdout);
	if (hold && !ret) {
		char c;

		while (read(0, &c, 1) > 0)
			;
	}
	return ret ? 1 : 0;
}

/* ---------------- data path ---------------- */

static int cmd_rx(const char *ifname, uint32_t q, int port, uint64_t bytes)
{
	size_t size = 8 << 20;
	void *map;
	int nl = nl_open(), fam = family_id(nl, "netdev");
	int buf = udmabuf(size, &map), ls, cs, one = 1, ret;
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	uint64_t got = 0, bad = 0, frags = 0, released = 0, linear = 0;
	char ext[256];
	uint32_t id = 0;
	static char iobuf[65536], ctrl[32768];

	ret = bind_rx(nl, fam, if_nametoindex(ifname), buf, q, &id, ext, sizeof(ext));
	if (ret) {
		printf("rx bind err=%d extack=%s\n", ret, ext);
		return 1;
	}
	ls = socket(AF_INET6, SOCK_STREAM, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (void *)&sa, sizeof(sa)) || listen(ls, 1)) {
		perror("bind/listen");
		return 1;
	}
	printf("rx listening id=%u\n", id);
	fflush(stdout);
	cs = accept(ls, NULL, NULL);
	if (cs < 0) {
		perror("accept");
		return 1;
	}
	for (;;) {
		struct iovec iov = { iobuf, sizeof(iobuf) };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = ctrl, .msg_controllen = sizeof(ctrl) };
		struct cmsghdr *c;
		ssize_t n = recvmsg(cs, &m, MSG_SOCK_DEVMEM);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0) {
			printf("rx recvmsg: %s\n", strerror(errno));
			return 1;
		}
		if (n == 0)
			break;
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
			struct ncd_dmabuf_cmsg *d = (void *)CMSG_DATA(c);
			struct ncd_dmabuf_token t;
			struct dma_buf_sync s;
			uint32_t i;

			if (c->cmsg_level != SOL_SOCKET)
				continue;
			if (c->cmsg_type == SCM_DEVMEM_LINEAR) {
				linear += d->frag_size;
				for (i = 0; i < d->frag_size; i++)
					bad += iobuf[i] != (char)pat(got + i);
				got += d->frag_size;
				continue;
			}
			if (c->cmsg_type != SCM_DEVMEM_DMABUF)
				continue;
			if (d->dmabuf_id != id) {
				printf("rx wrong dmabuf id %u\n", d->dmabuf_id);
				return 1;
			}
			s.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ;
			ioctl(buf, DMA_BUF_IOCTL_SYNC, &s);
			for (i = 0; i < d->frag_size; i++)
				bad += ((uint8_t *)map)[d->frag_offset + i] != pat(got + i);
			s.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
			ioctl(buf, DMA_BUF_IOCTL_SYNC, &s);
			got += d->frag_size;
			frags++;
			t.token_start = d->frag_token;
			t.token_count = 1;
			ret = setsockopt(cs, SOL_SOCKET, SO_DEVMEM_DONTNEED, &t, sizeof(t));
			if (ret != 1) {
				printf("rx DONTNEED returned %d (%s)\n", ret, strerror(errno));
				return 1;
			}
			released++;
		}
	}
	printf("rx bytes=%llu frags=%llu released=%llu linear=%llu bad=%llu\n",
	       (unsigned long long)got, (unsigned long long)frags,
	       (unsigned long long)released, (unsigned long long)linear,
	       (unsigned long long)bad);
	return got == bytes && !bad && frags && released == frags ? 0 : 1;
}

static int cmd_tx(const char *addr, int port, uint64_t bytes)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	static uint8_t b[65536];
	uint64_t off = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0), tries;

	inet_pton(AF_INET, addr, &sa.sin_addr);
	for (tries = 0; connect(fd, (void *)&sa, sizeof(sa)); tries++) {
		if (tries > 100) {
			perror("connect");
			return 1;
		}
		usleep(100000);
	}
	while (off < bytes) {
		size_t n = bytes - off < sizeof(b) ? bytes - off : sizeof(b), i;
		ssize_t w;

		for (i = 0; i < n; i++)
			b[i] = pat(off + i);
		w = send(fd, b, n, 0);
		if (w <= 0) {
			perror("send");
			return 1;
		}
		off += w;
	}
	close(fd);
	printf("tx bytes=%llu\n", (unsigned long long)off);
	return 0;
}

/* ethtool -G IFNAME tcp-data-split on|off, through the ethtool family */
static int cmd_hds(const char *ifname, const char *onoff)
{
	int fd = nl_open(), fam = family_id(fd, "ethtool"), len, ret = 1;
	uint8_t v = strcmp(onoff, "on") ? ETHTOOL_TCP_DATA_SPLIT_DISABLED :
					  ETHTOOL_TCP_DATA_SPLIT_ENABLED;
	struct req r = { 0 };
	struct nlattr *nest;
	struct nlmsghdr *h;
	char buf[8192], ext[256] = "";

	r.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r.n.nlmsg_type = fam;
	r.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r.g.cmd = ETHTOOL_MSG_RINGS_SET;
	r.g.version = 1;
	nest = nest_start(&r.n, ETHTOOL_A_RINGS_HEADER);
	put_attr(&r.n, ETHTOOL_A_HEADER_DEV_NAME, ifname, strlen(ifname) + 1);
	nest_end(&r.n, nest);
	put_attr(&r.n, ETHTOOL_A_RINGS_TCP_DATA_SPLIT, &v, 1);
	send(fd, &r, r.n.nlmsg_len, 0);
	len = nl_recv(fd, buf, sizeof(buf));
	for (h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len))
		if (h->nlmsg_type == NLMSG_ERROR) {
			ret = nl_err(h, ext, sizeof(ext));
			break;
		}
	close(fd);
	if (ret) {
		fprintf(stderr, "hds %s %s: %s %s\n", ifname, onoff, strerror(-ret), ext);
		return 1;
	}
	return 0;
}

/* ---------------- netkit and queue leasing (Linux 7.1+) ---------------- */

struct rreq {
	struct nlmsghdr n;
	struct ifinfomsg i;
	char buf[1024];
};

/* Send @n on a fresh socket of @proto, wait for the ack; -errno + extack. */
static int nl_ack(int proto, struct nlmsghdr *n, char *ext, int extlen,
		  uint32_t *reply_u32, int reply_type)
{
	int one = 1, fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	int len, ret = 1;
	char buf[8192];
	struct nlmsghdr *h;

	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	ext[0] = 0;
	send(fd, n, n->nlmsg_len, 0);
	while (ret == 1) {
		len = nl_recv(fd, buf, sizeof(buf));
		for (h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			struct nlattr *a = (void *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
			int alen = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

			if (h->nlmsg_type == NLMSG_ERROR) {
				ret = nl_err(h, ext, extlen);
				break;
			}
			while (reply_u32 && alen >= NLA_HDRLEN) {
				if (a->nla_type == reply_type)
					*reply_u32 = *(uint32_t *)((char *)a + NLA_HDRLEN);
				alen -= NLA_ALIGN(a->nla_len);
				a = (void *)((char *)a + NLA_ALIGN(a->nla_len));
			}
		}
	}
	close(fd);
	return ret;
}

/* ip link add NAME type netkit peer name PEER, RXQ RX queues allocated
 * each (netkit uses one; queue-create adds the leased ones) */
static int cmd_netkit(const char *name, const char *peer, uint32_t rxq)
{
	struct rreq r = { 0 };
	struct nlattr *li, *data, *pi;
	struct ifinfomsg pim = { .ifi_family = AF_UNSPEC };
	char ext[256];
	int ret;

	r.n.nlmsg_len = NLMSG_LENGTH(sizeof(r.i));
	r.n.nlmsg_type = RTM_NEWLINK;
	r.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	r.i.ifi_family = AF_UNSPEC;
	put_attr(&r.n, IFLA_IFNAME, name, strlen(name) + 1);
	put_attr(&r.n, IFLA_NUM_RX_QUEUES, &rxq, 4);
	li = nest_start(&r.n, IFLA_LINKINFO);
	put_attr(&r.n, IFLA_INFO_KIND, "netkit", 7);
	data = nest_start(&r.n, IFLA_INFO_DATA);
	/* the peer's attributes follow its own struct ifinfomsg */
	pi = nest_start(&r.n, TB_IFLA_NETKIT_PEER_INFO);
	memcpy((char *)&r.n + r.n.nlmsg_len, &pim, sizeof(pim));
	r.n.nlmsg_len += NLMSG_ALIGN(sizeof(pim));
	put_attr(&r.n, IFLA_IFNAME, peer, strlen(peer) + 1);
	put_attr(&r.n, IFLA_NUM_RX_QUEUES, &rxq, 4);
	nest_end(&r.n, pi);
	nest_end(&r.n, data);
	nest_end(&r.n, li);
	ret = nl_ack(NETLINK_ROUTE, &r.n, ext, sizeof(ext), NULL, 0);
	if (ret) {
		printf("netkit err=%d extack=%s\n", ret, ext);
		return 1;
	}
	printf("netkit %s %s ok\n", name, peer);
	return 0;
}

static int cmd_dellink(const char *name)
{
	struct rreq r = { 0 };
	char ext[256];
	int ret;

	r.n.nlmsg_len = NLMSG_LENGTH(sizeof(r.i));
	r.n.nlmsg_type = RTM_DELLINK;
	r.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r.i.ifi_family = AF_UNSPEC;
	put_attr(&r.n, IFLA_IFNAME, name, strlen(name) + 1);
	ret = nl_ack(NETLINK_ROUTE, &r.n, ext, sizeof(ext), NULL, 0);
	if (ret)
		printf("dellink err=%d extack=%s\n", ret, ext);
	return ret ? 1 : 0;
}

/* netdev queue-create: a new RX queue on @peer leasing @phys's RX @q */
static int cmd_lease(const char *peer, const char *phys, uint32_t q)
{
	int fd = nl_open(), fam = family_id(fd, "netdev"), ret;
	uint32_t v, id = ~0u;
	struct nlattr *lease, *queue;
	struct req r = { 0 };
	char ext[256];

	close(fd);
	r.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r.n.nlmsg_type = fam;
	r.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r.g.cmd = TB_NETDEV_CMD_QUEUE_CREATE;
	r.g.version = 1;
	v = if_nametoindex(peer);
	put_attr(&r.n, TB_NETDEV_A_QUEUE_IFINDEX, &v, 4);
	v = TB_NETDEV_QUEUE_TYPE_RX;
	put_attr(&r.n, TB_NETDEV_A_QUEUE_TYPE, &v, 4);
	lease = nest_start(&r.n, TB_NETDEV_A_QUEUE_LEASE);
	v = if_nametoindex(phys);
	put_attr(&r.n, TB_NETDEV_A_LEASE_IFINDEX, &v, 4);
	queue = nest_start(&r.n, TB_NETDEV_A_LEASE_QUEUE);
	put_attr(&r.n, TB_NETDEV_A_QUEUE_ID, &q, 4);
	v = TB_NETDEV_QUEUE_TYPE_RX;
	put_attr(&r.n, TB_NETDEV_A_QUEUE_TYPE, &v, 4);
	nest_end(&r.n, queue);
	nest_end(&r.n, lease);
	ret = nl_ack(NETLINK_GENERIC, &r.n, ext, sizeof(ext), &id,
		     TB_NETDEV_A_QUEUE_ID);
	if (ret) {
		printf("lease err=%d extack=%s\n", ret, ext);
		return 1;
	}
	printf("lease ok %s queue %u\n", peer, id);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "hds"))
		return cmd_hds(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "netkit"))
		return cmd_netkit(argv[2], argv[3], atoi(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "lease"))
		return cmd_lease(argv[2], argv[3], atoi(argv[4]));
	if (argc == 3 && !strcmp(argv[1], "dellink"))
		return cmd_dellink(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "queues"))
		return cmd_queues(argv[2]);
	if (argc >= 4 && !strcmp(argv[1], "bind"))
		return cmd_bind(argv[2], atoi(argv[3]), argc > 4);
	if (argc == 6 && !strcmp(argv[1], "rx"))
		return cmd_rx(argv[2], atoi(argv[3]), atoi(argv[4]), strtoull(argv[5], NULL, 0));
	if (argc == 5 && !strcmp(argv[1], "tx"))
		return cmd_tx(argv[2], atoi(argv[3]), strtoull(argv[4], NULL, 0));
	fprintf(stderr, "usage: see source\n");
	return 2;
}
