// SPDX-License-Identifier: MIT
/* Print the CUDA provider's embedded PTX (for ptxas in the tests). */
#include <stdio.h>
#include "gpu_mem.h"

int main(void)
{
	return fputs(ncd_cuda_ptx(), stdout) < 0;
}
