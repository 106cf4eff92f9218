/* SPDX-License-Identifier: MIT */
/* Which user namespace holds our privileges over our network namespace:
 * what an EPERM from netdev/ethtool netlink means depends on it. */
#ifndef NCD_NS_PRIV_H
#define NCD_NS_PRIV_H

enum ncd_ns_priv {
	NCD_NS_INIT,		/* the initial user namespace (or unknown) */
	NCD_NS_OWNS_NETNS,	/* a user ns that owns our network ns */
	NCD_NS_FOREIGN_NETNS,	/* a user ns that does not own it */
};

/* From /proc/self/ns/{user,net} and NS_GET_USERNS. */
enum ncd_ns_priv ncd_ns_priv(void);
/* What to do about EPERM in @p; never NULL. */
const char *ncd_ns_eperm_hint(enum ncd_ns_priv p);

#endif
