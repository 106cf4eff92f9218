/* SPDX-License-Identifier: MIT */
/*
 * Counters a data path publishes for one flow, as (name, value) pairs
 * under a group name; the report prints them without knowing the mode.
 * A name "a.b" puts b in a nested object a (JSON) / "a b" (text).
 */
#ifndef NCD_COUNTERS_H
#define NCD_COUNTERS_H

#define NCD_MAX_COUNTERS	12

struct ncd_counter {
	const char *name;	/* a string literal */
	double value;		/* integers are exact up to 2^53 */
	int decimals;		/* digits printed after the point */
};

struct ncd_counters {
	const char *group;	/* e.g. "devmem"; NULL = nothing published */
	unsigned int n;
	struct ncd_counter c[NCD_MAX_COUNTERS];
	/* any zero-copy path: payload that landed in host memory instead */
	unsigned long long linear_bytes;
};

/* Append one counter; ignored once NCD_MAX_COUNTERS are there. */
void ncd_counter_add(struct ncd_counters *cs, const char *name, double value,
		     int decimals);

#endif
