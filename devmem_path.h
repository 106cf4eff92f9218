/* SPDX-License-Identifier: MIT */
/* devmem TCP as a receive path (bind-rx) and a transmit path (bind-tx). */
#ifndef NCD_DEVMEM_PATH_H
#define NCD_DEVMEM_PATH_H

#include "datapath.h"

extern const struct ncd_rx_path_ops ncd_devmem_rx_path;
extern const struct ncd_tx_path_ops ncd_devmem_tx_path;

#endif
