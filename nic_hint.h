/* SPDX-License-Identifier: MIT */
/* What to do about a kernel refusal of a bind or a NIC change. */
#ifndef NCD_NIC_HINT_H
#define NCD_NIC_HINT_H

/* Keyed on the extack text first, then on -errno @err; never NULL. */
const char *ncd_nic_hint(int err, const char *extack);

#endif
