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
 *   '\n', repeating (0x00 instead of '\n' with nul_eol: the 6.12 selftest).
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
	int nul_eol;		/* UPSTREAM: lines end in 0x00 (6.12), not '\n' */
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

/* splitmix64 finalizer: a bijection on 64-bit values, so distinct word
 * indices give distinct words. */
static inline uint64_t ncd_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

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

/*
 * The byte-at-a-time reference the fast paths are tested against (and what
 * NCD_ISA=scalar runs): same results, far slower.
 */
void ncd_pattern_fill_ref(const struct ncd_pattern *p, uint64_t off, void *dst,
			  size_t len);
uint64_t ncd_pattern_check_ref(const struct ncd_pattern *p, uint64_t off,
			       const void *buf, size_t len,
			       struct ncd_verdict *v);

/*
 * ISA level of fill and check: "avx512", "avx2", "portable" (plain C, every
 * architecture) or "scalar" (the reference).  The best level the CPU runs is
 * picked at first use; NCD_ISA=<level> in the environment forces one.
 */
const char *ncd_pattern_isa(void);
/* Force a level; -1 if unknown or not run by this CPU (nothing changes). */
int ncd_pattern_set_isa(const char *name);

/* Merge @src into @dst keeping the lowest first mismatch. */
void ncd_verdict_merge(struct ncd_verdict *dst, const struct ncd_verdict *src);

#endif
