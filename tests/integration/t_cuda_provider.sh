#!/bin/bash
# The CUDA provider on a real GPU: alloc + dma-buf export, GPU fill, GPU
# validation of fragments with a corrupted byte, staged copy_in.  Skips with
# the reason when there is no libcuda or no GPU.  NCD_GPU picks the GPU.
. "$(dirname "$0")/lib.sh"

T=$B/tests/ncd_cuda_selftest
[ -x "$T" ] || fail "$T not built"
"$T" ${NCD_GPU:+"$NCD_GPU"}
rc=$?
[ $rc -eq 4 ] && exit 4
[ $rc -eq 0 ] || fail "cuda provider self-test (exit $rc)"
ok "cuda provider"
