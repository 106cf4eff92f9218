// SPDX-License-Identifier: MIT
/* A path's published counters; see counters.h. */
#include "counters.h"

void ncd_counter_add(struct ncd_counters *cs, const char *name, double value,
		     int decimals)
{
	if (cs->n >= NCD_MAX_COUNTERS)
		return;
	cs->c[cs->n++] = (struct ncd_counter){ .name = name, .value = value,
					       .decimals = decimals };
}
