/* SPDX-License-Identifier: MIT */
/* io_uring zero-copy receive as a receive path. */
#ifndef NCD_ZCRX_PATH_H
#define NCD_ZCRX_PATH_H

#include "datapath.h"

extern const struct ncd_rx_path_ops ncd_zcrx_rx_path;

#endif
