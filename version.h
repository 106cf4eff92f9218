/* SPDX-License-Identifier: MIT */
/* -V: the version baked in at build time and the compiled-in features. */
#ifndef NCD_VERSION_H
#define NCD_VERSION_H

#include <stdio.h>

/* "0.1 (git 70bc61a)", or "0.1" outside a git tree. */
const char *ncd_version(void);
/* The version line, then one line per feature. */
void ncd_version_print(FILE *f);

#endif
