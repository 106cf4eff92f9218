// SPDX-License-Identifier: MIT
/* Pinning every thread; see affinity.h. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "affinity.h"

/* The caller first (its mask is what new threads inherit), then every
 * thread /proc/self/task lists. */
static int set_all(const cpu_set_t *set, const char *what)
{
	struct dirent *e;
	DIR *d;
	int ret = 0;

	if (sched_setaffinity(0, sizeof(*set), set)) {
		fprintf(stderr, "ncdevmem: %s: %s: this host has CPUs 0-%ld\n",
			what, strerror(errno), sysconf(_SC_NPROCESSORS_ONLN) - 1);
		return -1;
	}
	d = opendir("/proc/self/task");
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' &&
		    sched_setaffinity(atoi(e->d_name), sizeof(*set), set))
			ret = -1;
	if (d)
		closedir(d);
	if (!d || ret)
		fprintf(stderr, "ncdevmem: %s: cannot pin every thread: %s\n",
			what, strerror(errno));
	return !d || ret ? -1 : 0;
}

int ncd_affinity_pin(int cpu)
{
	char what[48];
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	snprintf(what, sizeof(what), "--affinity %d", cpu);
	return set_all(&set, what);
}

int ncd_affinity_set(const cpu_set_t *set)
{
	return set_all(set, "restoring the CPU affinity");
}

int ncd_affinity_get(cpu_set_t *set)
{
	return sched_getaffinity(0, sizeof(*set), set) ? -1 : 0;
}
