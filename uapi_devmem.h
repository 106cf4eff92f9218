/* SPDX-License-Identifier: MIT */
/*
 * Kernel UAPI that Debian 12's Linux 6.1 headers lack: devmem TCP socket
 * options and control messages, the netdev generic-netlink family, newer
 * ethtool ring attributes and io_uring zcrx.  Values from the upstream
 * kernel UAPI (see ../shared/reference/upstream.md).  Everything the
 * system headers do define is taken from them; this file only fills gaps.
 */
#ifndef NCD_UAPI_DEVMEM_H
#define NCD_UAPI_DEVMEM_H

#include <stdint.h>
#include <linux/types.h>
#include <sys/socket.h>

/* ---- devmem TCP sockets (asm-generic/socket.h, linux/uio.h), 6.12+ ---- */
#ifndef SO_DEVMEM_LINEAR
#define SO_DEVMEM_LINEAR	78
#define SCM_DEVMEM_LINEAR	SO_DEVMEM_LINEAR
#define SO_DEVMEM_DMABUF	79
#define SCM_DEVMEM_DMABUF	SO_DEVMEM_DMABUF
#define SO_DEVMEM_DONTNEED	80
#endif
#ifndef MSG_SOCK_DEVMEM
#define MSG_SOCK_DEVMEM		0x2000000
#endif
#ifndef MSG_ZEROCOPY
#define MSG_ZEROCOPY		0x4000000
#endif
#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY		60
#endif

/* Kernel limits for one SO_DEVMEM_DONTNEED call. */
#define NCD_DONTNEED_MAX_TOKENS	128
#define NCD_DONTNEED_MAX_FRAGS	1024

/* One SCM_DEVMEM_DMABUF / SCM_DEVMEM_LINEAR payload (24 bytes). */
struct ncd_dmabuf_cmsg {
	__u64 frag_offset;	/* offset into the dma-buf */
	__u32 frag_size;
	__u32 frag_token;	/* give back with SO_DEVMEM_DONTNEED */
	__u32 dmabuf_id;	/* binding id from bind-rx */
	__u32 flags;		/* unused by the kernel so far */
};

struct ncd_dmabuf_token {
	__u32 token_start;
	__u32 token_count;
};

/* ---- netdev generic netlink family ("netdev", version 1) ---- */
#define NETDEV_FAMILY_NAME	"netdev"
#define NETDEV_FAMILY_VERSION	1

enum {
	NCD_NETDEV_CMD_DEV_GET = 1,
	NCD_NETDEV_CMD_DEV_ADD_NTF,
	NCD_NETDEV_CMD_DEV_DEL_NTF,
	NCD_NETDEV_CMD_DEV_CHANGE_NTF,
	NCD_NETDEV_CMD_PAGE_POOL_GET,
	NCD_NETDEV_CMD_PAGE_POOL_ADD_NTF,
	NCD_NETDEV_CMD_PAGE_POOL_DEL_NTF,
	NCD_NETDEV_CMD_PAGE_POOL_CHANGE_NTF,
	NCD_NETDEV_CMD_PAGE_POOL_STATS_GET,
	NCD_NETDEV_CMD_QUEUE_GET,		/* 10 */
	NCD_NETDEV_CMD_NAPI_GET,
	NCD_NETDEV_CMD_QSTATS_GET,
	NCD_NETDEV_CMD_BIND_RX,			/* 13, Linux 6.12 */
	NCD_NETDEV_CMD_NAPI_SET,
	NCD_NETDEV_CMD_BIND_TX,			/* 15, Linux 6.16 */
	NCD_NETDEV_CMD_QUEUE_CREATE,		/* 16, Linux 7.1: queue leasing */
};

enum {	/* NETDEV_A_DEV_* */
	NCD_NETDEV_A_DEV_IFINDEX = 1,
	NCD_NETDEV_A_DEV_PAD,
	NCD_NETDEV_A_DEV_XDP_FEATURES,
	NCD_NETDEV_A_DEV_XDP_ZC_MAX_SEGS,
	NCD_NETDEV_A_DEV_XDP_RX_METADATA_FEATURES,
	NCD_NETDEV_A_DEV_XSK_FEATURES,
	NCD_NETDEV_A_DEV_MAX = NCD_NETDEV_A_DEV_XSK_FEATURES,
};

enum {	/* NETDEV_A_QUEUE_* (also the attributes inside a bind-rx queue nest) */
	NCD_NETDEV_A_QUEUE_ID = 1,
	NCD_NETDEV_A_QUEUE_IFINDEX,
	NCD_NETDEV_A_QUEUE_TYPE,
	NCD_NETDEV_A_QUEUE_NAPI_ID,
	NCD_NETDEV_A_QUEUE_DMABUF,
	NCD_NETDEV_A_QUEUE_IO_URING,
	NCD_NETDEV_A_QUEUE_XSK,
	NCD_NETDEV_A_QUEUE_LEASE,
	NCD_NETDEV_A_QUEUE_MAX = NCD_NETDEV_A_QUEUE_LEASE,
};

enum {	/* NETDEV_A_LEASE_* (nested in a queue's lease, 7.1+) */
	NCD_NETDEV_A_LEASE_IFINDEX = 1,
	NCD_NETDEV_A_LEASE_QUEUE,
	NCD_NETDEV_A_LEASE_NETNS_ID,
	NCD_NETDEV_A_LEASE_MAX = NCD_NETDEV_A_LEASE_NETNS_ID,
};

enum {	/* NETDEV_A_IO_URING_PROVIDER_INFO_* (nested in io-uring) */
	NCD_NETDEV_A_IO_URING_PROVIDER_INFO_RX_BUF_LEN = 1,
	NCD_NETDEV_A_IO_URING_PROVIDER_INFO_MAX = NCD_NETDEV_A_IO_URING_PROVIDER_INFO_RX_BUF_LEN,
};

enum {	/* NETDEV_QUEUE_TYPE_* */
	NCD_NETDEV_QUEUE_TYPE_RX = 0,
	NCD_NETDEV_QUEUE_TYPE_TX = 1,
};

enum {	/* NETDEV_A_NAPI_* */
	NCD_NETDEV_A_NAPI_IFINDEX = 1,
	NCD_NETDEV_A_NAPI_ID,
	NCD_NETDEV_A_NAPI_IRQ,
	NCD_NETDEV_A_NAPI_PID,
	NCD_NETDEV_A_NAPI_DEFER_HARD_IRQS,
	NCD_NETDEV_A_NAPI_GRO_FLUSH_TIMEOUT,
	NCD_NETDEV_A_NAPI_IRQ_SUSPEND_TIMEOUT,
	NCD_NETDEV_A_NAPI_THREADED,
	NCD_NETDEV_A_NAPI_MAX = NCD_NETDEV_A_NAPI_THREADED,
};

enum {	/* NETDEV_A_PAGE_POOL_* */
	NCD_NETDEV_A_PAGE_POOL_ID = 1,
	NCD_NETDEV_A_PAGE_POOL_IFINDEX,
	NCD_NETDEV_A_PAGE_POOL_NAPI_ID,
	NCD_NETDEV_A_PAGE_POOL_INFLIGHT,
	NCD_NETDEV_A_PAGE_POOL_INFLIGHT_MEM,
	NCD_NETDEV_A_PAGE_POOL_DETACH_TIME,
	NCD_NETDEV_A_PAGE_POOL_DMABUF,
	NCD_NETDEV_A_PAGE_POOL_IO_URING,
	NCD_NETDEV_A_PAGE_POOL_MAX = NCD_NETDEV_A_PAGE_POOL_IO_URING,
};

enum {	/* NETDEV_A_DMABUF_* (bind-rx / bind-tx) */
	NCD_NETDEV_A_DMABUF_IFINDEX = 1,
	NCD_NETDEV_A_DMABUF_QUEUES,	/* nested, multi-attr */
	NCD_NETDEV_A_DMABUF_FD,
	NCD_NETDEV_A_DMABUF_ID,
	NCD_NETDEV_A_DMABUF_MAX = NCD_NETDEV_A_DMABUF_ID,
};

/* ---- ethtool netlink additions after 6.1 ---- */
#define NCD_ETHTOOL_A_RINGS_TCP_DATA_SPLIT	11	/* in 6.1 too */
#define NCD_ETHTOOL_A_RINGS_HDS_THRESH		17	/* 6.14 */
#define NCD_ETHTOOL_A_RINGS_HDS_THRESH_MAX	18
#define NCD_ETHTOOL_A_RINGS_MAX			18

enum {	/* ETHTOOL_TCP_DATA_SPLIT_* */
	NCD_TCP_DATA_SPLIT_UNKNOWN = 0,
	NCD_TCP_DATA_SPLIT_DISABLED,
	NCD_TCP_DATA_SPLIT_ENABLED,
};

/* ---- io_uring zcrx (6.15+, dma-buf areas 6.16) ---- */
#define NCD_IORING_REGISTER_ZCRX_IFQ	32
#define NCD_IORING_OP_RECV_ZC		58
#define NCD_IORING_ZCRX_AREA_SHIFT	48
#define NCD_IORING_ZCRX_AREA_MASK	(~(((__u64)1 << NCD_IORING_ZCRX_AREA_SHIFT) - 1))
#define NCD_IORING_ZCRX_AREA_DMABUF	1
#define NCD_IORING_MEM_REGION_TYPE_USER	1
/* Linux 7.x: an ifq with no net device (payload copied into the area) */
#define NCD_ZCRX_REG_NODEV		2
#define NCD_IORING_REGISTER_ZCRX_CTRL	36
#define NCD_ZCRX_CTRL_FLUSH_RQ		0

struct ncd_io_uring_zcrx_rqe {
	__u64 off;
	__u32 len;
	__u32 __pad;
};

struct ncd_io_uring_zcrx_cqe {
	__u64 off;
	__u64 __pad;
};

struct ncd_io_uring_zcrx_offsets {
	__u32 head;
	__u32 tail;
	__u32 rqes;
	__u32 __resv2;
	__u64 __resv[2];
};

struct ncd_io_uring_zcrx_area_reg {
	__u64 addr;
	__u64 len;
	__u64 rq_area_token;
	__u32 flags;
	__u32 dmabuf_fd;
	__u64 __resv2[2];
};

struct ncd_io_uring_region_desc {
	__u64 user_addr;
	__u64 size;
	__u32 flags;
	__u32 id;
	__u64 mmap_offset;
	__u64 __resv[4];
};

struct ncd_io_uring_zcrx_ifq_reg {
	__u32 if_idx;
	__u32 if_rxq;
	__u32 rq_entries;
	__u32 flags;
	__u64 area_ptr;		/* struct ncd_io_uring_zcrx_area_reg * */
	__u64 region_ptr;	/* struct ncd_io_uring_region_desc * */
	struct ncd_io_uring_zcrx_offsets offsets;
	__u32 zcrx_id;
	__u32 rx_buf_len;
	__u64 __resv[3];
};

/* IORING_REGISTER_ZCRX_CTRL's argument (nr_args 0); FLUSH_RQ uses no
 * op-specific field, the union is only reserved space here */
struct ncd_zcrx_ctrl {
	__u32 zcrx_id;
	__u32 op;
	__u64 __resv[2];
	__u64 op_data[6];
};

_Static_assert(sizeof(struct ncd_zcrx_ctrl) == 72, "zcrx ctrl layout");
_Static_assert(sizeof(struct ncd_dmabuf_cmsg) == 24, "dmabuf_cmsg layout");
_Static_assert(sizeof(struct ncd_dmabuf_token) == 8, "dmabuf_token layout");
_Static_assert(sizeof(struct ncd_io_uring_zcrx_ifq_reg) == 96, "zcrx ifq layout");
_Static_assert(sizeof(struct ncd_io_uring_zcrx_area_reg) == 48, "zcrx area layout");
_Static_assert(sizeof(struct ncd_io_uring_region_desc) == 64, "region layout");

#endif
