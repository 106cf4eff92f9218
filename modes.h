/* SPDX-License-Identifier: MIT */
/*
 * The application's modes, one entry point each, called by main() with the
 * parsed options.  Each returns the process exit code (exit_codes.h).
 */
#ifndef NCD_MODES_H
#define NCD_MODES_H

#include "opts.h"

/* -l: receive --flows connections (server.c). */
int ncd_server_main(const struct ncd_opts *o);
/* -s: send to a server (client.c). */
int ncd_client_main(const struct ncd_opts *o);
/* --check: readiness report, changes nothing (check.c). */
int ncd_check_run(const struct ncd_opts *o);
/* 1 if bind-rx on kernel @kver (major * 1000 + minor) refuses without header
 * split and with hds-thresh above 0 (Linux 6.14 and later), else 0. */
int ncd_check_split_required(int kver);
/* -f without -s/-c/-l: the kernel selftest's negative tests (negative.c). */
int ncd_negative_run(const struct ncd_opts *o);

#endif
