/* SPDX-License-Identifier: MIT */
/* Shared by the fake libcuda's files (memory/devices and streams/kernels). */
#ifndef FAKE_CUDA_H
#define FAKE_CUDA_H

#include <stddef.h>
#include <stdint.h>

void fake_cuda_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Host bytes behind device range [d, +len); aborts when it is not one. */
char *fake_dev_host(unsigned long long d, size_t len);
int fake_env_int(const char *name, int dflt);

#endif
