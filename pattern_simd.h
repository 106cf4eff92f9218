/* SPDX-License-Identifier: MIT */
/*
 * The inner loops of the pattern checker and filler, one table per ISA
 * level.  They only find: each returns how many leading units matched, and
 * pattern.c recounts a mismatching unit with the scalar reference, so the
 * verdict (bad bytes, first offset, expected/actual) is exact at every level.
 */
#ifndef NCD_PATTERN_SIMD_H
#define NCD_PATTERN_SIMD_H

#include <stddef.h>
#include <stdint.h>

/* Longest -v N period and the window slack the widest kernel reads past it. */
#define NCD_PAT_UPSTREAM_MAX	256
#define NCD_PAT_WIN_SLACK	64

struct ncd_pat_kernels {
	const char *name;
	/* Words @i.. of the offset pattern (no wrap inside @nw words):
	 * word k = mix64(@seed + @i + k).  Returns the index of the first
	 * word of @b that differs, or @nw. */
	size_t (*offset_find)(uint64_t seed, uint64_t i, const uint8_t *b,
			      size_t nw);
	void (*offset_fill)(uint64_t seed, uint64_t i, uint8_t *d, size_t nw);
	/* -v N: @win holds the expected bytes for residues 0 .. N + slack;
	 * @r is the residue of @b[0].  Returns the first differing index or
	 * @len. */
	size_t (*window_find)(const uint8_t *win, uint32_t n, uint32_t r,
			      const uint8_t *b, size_t len);
	int (*supported)(void);
};

/* Best first; ends with the portable C level (every architecture). */
extern const struct ncd_pat_kernels *const ncd_pat_levels[];

#endif
