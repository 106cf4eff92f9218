// SPDX-License-Identifier: MIT
/*
 * Print the CUDA provider's embedded PTX (for ptxas in the tests), or with
 * "--pattern KIND SEED PERIOD OFF LEN" the CPU pattern bytes (KIND 1 offset,
 * 2 upstream) as raw bytes, so a PTX simulation can be compared with the
 * reference implementation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gpu_ptx.h"
#include "pattern.h"

int main(int argc, char **argv)
{
	struct ncd_pattern p;
	unsigned long long off, len;
	int ok;
	unsigned char *buf;

	if (argc == 1)
		return fputs(ncd_cuda_ptx(), stdout) < 0;
	if (argc != 7 || strcmp(argv[1], "--pattern")) {
		fprintf(stderr, "usage: ncd_ptx_dump [--pattern KIND SEED PERIOD OFF LEN]\n");
		return 2;
	}
	p.kind = atoi(argv[2]);
	p.seed = strtoull(argv[3], NULL, 0);
	p.period = strtoull(argv[4], NULL, 0);
	off = strtoull(argv[5], NULL, 0);
	len = strtoull(argv[6], NULL, 0);
	buf = malloc(len ? len : 1);
	if (!buf)
		return 1;
	ncd_pattern_fill(&p, off, buf, len);
	ok = fwrite(buf, 1, len, stdout) == len;
	free(buf);
	return !ok;
}
