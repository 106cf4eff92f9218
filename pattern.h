/* SPDX-License-Identifier: MIT */
/*
 * Payload patterns, both stateless: the expected byte at any stream offset
 * is a pure function of that offset, so a fragment can be checked in place.
 *
 * NCD_PAT_OFFSET: the stream is a sequence of 8-byte little-endian words;
 *   word i = mix64(seed + (i mod (period / 8))).  mix64 is a bijection, so
 *   every word in a period is distinct: misplaced, duplicated or reordered
 *   data is caught at 8-byte granularity.  A sender transmits any range from
 *   one constant buffer of period + chunk bytes.
 * NCD_PAT_UPSTREAM: the kernel selftest's -v N scheme: bytes 1..N-1 then
 *   '\n', repeating.
 */
#ifndef NCD_PATTERN_H
#define NCD_PATTERN_H

#include <stddef.h>
#include <stdint.h>

enum ncd_pat_kind {
	NCD_PAT_NONE,
	NCD_PAT_OFFSET,
	NCD_PAT_UPSTREAM,
};

#define NCD_PAT_DEFAULT_PERIOD	(64ULL << 20)
#define NCD_PAT_DEFAULT_SEED	0x6e6364657665ULL	/* "ncdeve" */

struct ncd_pattern {
	enum ncd_pat_kind kind;
	uint64_t seed;
	uint64_t period;	/* bytes; OFFSET: multiple of 8, UPSTREAM: N */
};

/* The first mismatch found and how many bytes were wrong. */
struct ncd_verdict {
	uint64_t checked;	/* bytes checked */
	uint64_t bad;		/* bytes that differed */
	int have_first;
	uint64_t first_off;	/* stream offset of the first bad byte */
	uint8_t expected;
	uint8_t actual;
};

uint64_t ncd_mix64(uint64_t x);

/* Expected byte at stream offset @off. */
uint8_t ncd_pattern_byte(const struct ncd_pattern *p, uint64_t off);

/* Write the expected bytes for [@off, @off + @len) into @dst. */
void ncd_pattern_fill(const struct ncd_pattern *p, uint64_t off, void *dst,
		      size_t len);

/*
 * Check @len bytes at @buf that should hold stream bytes starting at @off.
 * Returns the number of bad bytes; records the first in @v.
 */
uint64_t ncd_pattern_check(const struct ncd_pattern *p, uint64_t off,
			   const void *buf, size_t len, struct ncd_verdict *v);

/* Merge @src into @dst keeping the lowest first mismatch. */
void ncd_verdict_merge(struct ncd_verdict *dst, const struct ncd_verdict *src);

#endif
