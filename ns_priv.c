// SPDX-License-Identifier: MIT
/* Which user namespace holds our privileges over our network namespace.
 * netdev's bind-rx/bind-tx and ethtool's sets want CAP_NET_ADMIN in the
 * user namespace owning the network namespace (7.3; older kernels wanted
 * the initial one for bind-rx), so "run as root" misleads uid 0 in a
 * container. */
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ns_priv.h"

#define PROC_USER_INIT_INO 0xEFFFFFFDU	/* the kernel's fixed inode */

static int ns_ino(int fd, ino_t *ino)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st))
		return -1;
	*ino = st.st_ino;
	return 0;
}

enum ncd_ns_priv ncd_ns_priv(void)
{
	enum ncd_ns_priv p = NCD_NS_INIT;
	int ufd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	int nfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int ofd = -1;
	ino_t user, owner;

	if (ns_ino(ufd, &user) || user == PROC_USER_INIT_INO || nfd < 0)
		goto out;
	/* EPERM: the owner is outside our user namespace (an ancestor) */
	ofd = ioctl(nfd, NS_GET_USERNS);
	p = NCD_NS_FOREIGN_NETNS;
	if (!ns_ino(ofd, &owner) && owner == user)
		p = NCD_NS_OWNS_NETNS;
out:
	if (ofd >= 0)
		close(ofd);
	if (nfd >= 0)
		close(nfd);
	if (ufd >= 0)
		close(ufd);
	return p;
}

const char *ncd_ns_eperm_hint(enum ncd_ns_priv p)
{
	switch (p) {
	case NCD_NS_OWNS_NETNS:
		return "needs CAP_NET_ADMIN in this user namespace, which owns the network namespace: run as its root (7.3 binds so); a kernel whose netdev bind is not user-namespace aware wants it in the initial user namespace: run from the host's";
	case NCD_NS_FOREIGN_NETNS:
		return "needs CAP_NET_ADMIN in the user namespace that owns this network namespace, and ours does not own it (root here is not root there): run in the owning user namespace (nsenter -U with the netns's owner, or from the host)";
	default:
		return "needs CAP_NET_ADMIN (run as root)";
	}
}
