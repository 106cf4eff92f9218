/* SPDX-License-Identifier: MIT */
/* Monotonic seconds, for intervals, deadlines and timeouts in any layer. */
#ifndef NCD_CLOCK_H
#define NCD_CLOCK_H

#include <time.h>

static inline double ncd_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif
