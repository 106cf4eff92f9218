// SPDX-License-Identifier: MIT
/* -V: version (VERSION file + git describe, baked in by make) and features. */
#include <stdio.h>
#include "pattern.h"
#include "pattern_simd.h"
#include "version.h"

#ifndef NCD_VERSION_BASE
#define NCD_VERSION_BASE "0.0"
#endif
#ifndef NCD_URING_VERSION
#define NCD_URING_VERSION "unknown"
#endif

const char *ncd_version(void)
{
#ifdef NCD_GIT
	return NCD_VERSION_BASE " (git " NCD_GIT ")";
#else
	return NCD_VERSION_BASE;
#endif
}

void ncd_version_print(FILE *f)
{
	const char *isa = ncd_pattern_isa();
	int i;

	fprintf(f, "ncdevmem %s\n", ncd_version());
	fprintf(f, "liburing: %s (build time)\n", NCD_URING_VERSION);
	fputs("devmem TCP: rx and tx (own UAPI definitions; kernel >= 6.12 rx, >= 6.16 tx)\n",
	      f);
	fputs("io_uring zcrx: yes (own UAPI definitions; kernel >= 6.15)\n", f);
	fputs("CUDA: loader, libcuda.so.1 dlopen()ed at run time (no CUDA at build time)\n",
	      f);
	fputs("SIMD levels:", f);
	for (i = 0; ncd_pat_levels[i]; i++)
		fprintf(f, " %s%s", ncd_pat_levels[i]->name,
			ncd_pat_levels[i]->supported() ? "" : " (not on this CPU)");
	fprintf(f, " scalar; in use: %s\n", isa);
}
