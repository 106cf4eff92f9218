/* SPDX-License-Identifier: MIT */
/* Exit codes (kselftest-compatible), shared by every layer. */
#ifndef NCD_EXIT_CODES_H
#define NCD_EXIT_CODES_H

#define NCD_EXIT_OK	0
#define NCD_EXIT_FAIL	1
#define NCD_EXIT_USAGE	2
#define NCD_EXIT_SKIP	4	/* this machine or device cannot do it */
/* stopped by signal N: 128 + N (SIGINT 130, SIGTERM 143) */

#endif
