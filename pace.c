// SPDX-License-Identifier: MIT
/* The --bitrate token bucket; see pace.h. */
#include <time.h>
#include "clock.h"
#include "pace.h"

#define SLICE_S	0.1	/* longest sleep between looks at the stop flag */

void ncd_pace_start(struct ncd_pace *p, uint64_t bps)
{
	p->bps = bps;
	p->t0 = ncd_now();
}

size_t ncd_pace_chunk(const struct ncd_pace *p, size_t want)
{
	uint64_t cap;

	if (!p->bps)
		return want;
	cap = p->bps / 8 / 100;
	if (!cap)
		cap = 1;
	return want < cap ? want : (size_t)cap;
}

int ncd_pace_wait(const struct ncd_pace *p, uint64_t sent, _Atomic int *stop)
{
	double due;

	if (!p->bps)
		return 0;
	due = p->t0 + (double)sent * 8 / (double)p->bps;
	for (;;) {
		double left = due - ncd_now();
		struct timespec ts;

		if (stop && atomic_load(stop))
			return -1;
		if (left <= 0)
			return 0;
		if (left > SLICE_S)
			left = SLICE_S;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
}
