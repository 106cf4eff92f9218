// SPDX-License-Identifier: MIT
/* Receive paths that need the kernel's help: devmem and io_uring zcrx. */
#include <errno.h>
#include <stdio.h>
#include "role.h"

int ncd_rx_path_setup(struct ncd_rx_path *p, const struct ncd_opts *o,
		      struct ncd_mem *m)
{
	fprintf(stderr, "ncdevmem: --mode %s is not wired into this build yet: use --copy\n",
		ncd_mode_name(o->mode));
	return -EOPNOTSUPP;
}
