/* SPDX-License-Identifier: MIT */
/*
 * Pacing of one sending flow (--bitrate, iperf3's -b): a token bucket in
 * the send loop.  Bytes become due at the rate from the flow's start; a
 * sender that fell behind (a stall) may catch up in a burst, as iperf3's
 * does, but never gets ahead: after T seconds at most rate*T/8 bytes plus
 * one chunk have been handed to the kernel.
 */
#ifndef NCD_PACE_H
#define NCD_PACE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct ncd_pace {
	uint64_t bps;		/* bits per second, 0 = unpaced */
	double t0;		/* CLOCK_MONOTONIC seconds at the start */
};

/* Start the clock now. */
void ncd_pace_start(struct ncd_pace *p, uint64_t bps);
/* @want capped to about 10 ms at the rate (at least 1 byte), so a slow
 * rate is met by small sends rather than rare bursts. */
size_t ncd_pace_chunk(const struct ncd_pace *p, size_t want);
/* Wait until @sent bytes have become due; 0, or -1 as soon as *@stop is
 * set (checked every 100 ms at least). */
int ncd_pace_wait(const struct ncd_pace *p, uint64_t sent, _Atomic int *stop);

#endif
