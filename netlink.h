/* SPDX-License-Identifier: MIT */
/*
 * Generic netlink on libnl-genl-3: the socket, family ids, the request
 * loop and error decoding that netdev_nl.c and ethtool_nl.c build on.
 * Every call that fails returns -errno and leaves a one-line explanation
 * (the kernel's extack message where it sent one) in nl->err.
 * A devmem binding lives as long as the netlink socket that created it:
 * ncd_nl_close() unbinds.
 */
#ifndef NCD_NETLINK_H
#define NCD_NETLINK_H

#include <stdint.h>

struct nl_sock;
struct nl_msg;
struct nlmsghdr;

struct ncd_nl {
	struct nl_sock *sk;
	int netdev_family;	/* resolved id, 0 if absent */
	int ethtool_family;
	char err[256];		/* last error: "<op>: <strerror>: <extack>" */
	char extack[200];	/* the kernel's own message, "" if none */
	int bad_attr;		/* NLMSGERR_ATTR_OFFS resolved to attr type, -1 */
};

int ncd_nl_open(struct ncd_nl *nl);
void ncd_nl_close(struct ncd_nl *nl);

/*
 * Send @msg (consumed), run @valid on each reply, wait for the ack or
 * the end of a dump.  @op names the request in nl->err.  For the
 * families' own wrappers (netdev_nl.c, ethtool_nl.c); 0 or -errno.
 */
typedef int (*ncd_nl_parse_fn)(struct nl_msg *msg, void *arg);
int ncd_nl_request(struct ncd_nl *nl, struct nl_msg *msg, const char *op,
		   ncd_nl_parse_fn valid, void *arg);

/*
 * Decode an NLMSG_ERROR message: returns its (negative) error and copies
 * NLMSGERR_ATTR_MSG into @msg (may be "") and the attribute type that
 * NLMSGERR_ATTR_OFFS points at into *bad_attr (-1 if none), resolving the
 * offset against @sent (the request; NULL = use the echoed copy).
 */
int ncd_nl_parse_err(const struct nlmsghdr *nlh, const struct nlmsghdr *sent,
		     char *msg, unsigned int msglen, int *bad_attr);

#endif
