/* SPDX-License-Identifier: MIT */
/* One result line per guest check, read by tests/vm/run.sh on the console. */
#ifndef NCD_VM_RESULT_H
#define NCD_VM_RESULT_H

#include <stdio.h>

static int failed;

/* PASS name, or FAIL name: why (and remember the failure for the exit code). */
static void result(const char *name, const char *why)
{
	if (why) {
		printf("FAIL %s: %s\n", name, why);
		failed = 1;
	} else {
		printf("PASS %s\n", name);
	}
	fflush(stdout);
}

#endif
