// SPDX-License-Identifier: MIT
/* What to do about a kernel refusal, keyed on its extack text or errno. */
#include <errno.h>
#include <string.h>
#include "nic_hint.h"
#include "ns_priv.h"

static const struct {
	const char *text;	/* substring of the kernel's extack */
	const char *hint;
} by_text[] = {
	{ "tcp-data-split is disabled",
	  "turn header split on (ethtool -G IF tcp-data-split on), or drop -n so ncdevmem does it" },
	{ "hds-thresh is not zero",
	  "set the header split threshold to 0 (ethtool -G IF hds-thresh 0), or drop -n" },
	{ "XDP program attached", "detach the XDP program (ip link set IF xdp off)" },
	{ "already memory provider bound",
	  "another devmem or io_uring zcrx user holds that queue; stop it or pick other queues with -t/-q" },
	{ "in use by AF_XDP",
	  "an AF_XDP socket holds that queue; close it or pick other queues with -t/-q" },
	{ "out of range", "pick queues below the RX queue count (-t/-q)" },
	{ "netmem TX",
	  "this driver cannot transmit from device memory; use a NIC with devmem TX (gve, mlx5) or copy mode" },
	{ "not aligned to niov size",
	  "the dma-buf's DMA segments are smaller than -b (a udmabuf in 4K pages, no IOMMU merging them): --udmabuf-pages 2m (2 MiB hugepages: echo N > /proc/sys/vm/nr_hugepages), or a -b the segments fit, or drop -b" },
	{ "support DMA",
	  "this device has no DMA engine (virtual device?): use a NIC, or bind a queue leased from one (netkit, Linux 7.1+)" },
	{ "rx_page_size", "drop -b: this driver only takes the default page size" },
	{ "rx-page-size", "-b takes a power of 2 (4096, 16384, ...)" },
	{ "DMA device mismatch", "bind the queues of one PCI function at a time" },
	{ "memory provider", "unbind first: stop the process holding the binding" },
	{ "too low", "unbind first: stop the process holding the binding" },
	{ "leased to a virtual netdev",
	  "the queue is leased to a virtual device (netkit): pick other queues with -t/-q, or end the lease by deleting that device" },
	{ "virtual netdev", "the queue belongs to a virtual device: bind the NIC's queues (-f the NIC)" },
	{ "Unknown attribute type",
	  "this kernel does not know that option (e.g. -b needs a newer kernel); drop it" },
	{ "Failed to bind dmabuf", "the NIC cannot DMA to this memory; try another --mem provider" },
	{ "Failed to map dmabuf", "the NIC cannot DMA to this memory; try another --mem provider" },
};

const char *ncd_nic_hint(int err, const char *extack)
{
	for (size_t i = 0; extack && i < sizeof(by_text) / sizeof(by_text[0]);
	     i++)
		if (strstr(extack, by_text[i].text))
			return by_text[i].hint;
	switch (-err) {
	case EOPNOTSUPP:
		return "the driver lacks devmem support (queue management ops); use gve, bnxt, mlx5 or fbnic";
	case ENODATA:
		return "the driver did not give the queue an unreadable page pool: no devmem support in this driver";
	case EPERM:
		return ncd_ns_eperm_hint(ncd_ns_priv());
	case EBADF:
		return "the memory provider's fd is not open; check --mem";
	case ENODEV:
		return "the device went away; check -f";
	case EINVAL:
		return "the kernel rejected the request; check that the fd is a dma-buf and the queue ids exist";
	case EBUSY:
	case EEXIST:
		return "the queue is in use; pick other queues with -t/-q";
	}
	return "see the kernel log (dmesg)";
}
