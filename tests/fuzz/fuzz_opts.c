// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the command-line parser.  The input is split on NUL into
 * argv[1..] (argv[0] = "ncdevmem"); each argument gets its own exact-size
 * allocation so ASan sees reads past its end.  The strict number parsers
 * also get every argument directly.  Whatever ncd_opts_parse() accepts must
 * satisfy the invariants the rest of the program relies on.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "opts.h"

#define MAX_ARGS 64

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	devnull = fopen("/dev/null", "w");
	/* --help / --version print to stdout */
	if (!freopen("/dev/null", "w", stdout))
		return 0;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2], *keep[MAX_ARGS + 2];
	struct ncd_opts o;
	int argc = 1, ret;
	size_t i = 0;

	argv[0] = strdup("ncdevmem");
	while (i < size && argc < MAX_ARGS) {
		const uint8_t *nul = memchr(data + i, 0, size - i);
		size_t len = nul ? (size_t)(nul - (data + i)) : size - i;

		argv[argc] = malloc(len + 1);
		memcpy(argv[argc], data + i, len);
		argv[argc][len] = '\0';
		argc++;
		i += len + 1;
	}
	argv[argc] = NULL;
	memcpy(keep, argv, sizeof(argv));	/* getopt permutes argv */

	for (int a = 1; a < argc; a++) {
		uint64_t u;
		double d;

		if (!ncd_parse_u64(argv[a], UINT64_MAX, a & 1, &u) && !*argv[a])
			abort();	/* "" is never a number */
		if (!ncd_parse_seconds(argv[a], &d) && (d < 0 || d != d))
			abort();
	}

	ret = ncd_opts_parse(&o, argc, argv, devnull);
	if (ret == 0) {
		if (o.flows < 1 || o.flows > NCD_MAX_FLOWS)
			abort();
		if (!o.port)
			abort();
		if (o.num_queues == 0 || o.num_queues > NCD_MAX_FLOWS)
			abort();
		if (o.dmabuf_size < 4096)
			abort();
		if (o.pat.kind == NCD_PAT_UPSTREAM &&
		    (o.pat.period < 2 || o.pat.period > 256))
			abort();
		if (o.pat.kind == NCD_PAT_OFFSET &&
		    (o.pat.period < 8 || o.pat.period % 8))
			abort();
		if (o.rx_page_size & (o.rx_page_size - 1))
			abort();
		if (o.time_s < 0 || o.interval_s < 0)
			abort();
	} else if (ret != -1 && ret != NCD_EXIT_USAGE) {
		abort();
	}
	for (int a = 0; a < argc; a++)
		free(keep[a]);
	return 0;
}
