#!/bin/bash
# The CUDA provider's own checks (ncd_cuda_selftest: fill, validate clean
# and corrupted, staged and small copy_in complete on return) on the fake
# libcuda, whose copies and kernels complete late.  Also: the dma-buf export
# falls back to the other mapping type, the GPU's PCI address is printed,
# and NIC writes are flushed only when the GPU does not order them.
. "$(dirname "$0")/lib.sh"

FAKE=$B/tests/fake_cuda/libcuda.so.1
T=$B/tests/ncd_cuda_selftest
[ -f "$FAKE" ] && [ -x "$T" ] || fail "fake libcuda or $T not built (make tests)"
export NCD_LIBCUDA=$FAKE FAKE_CUDA_LOG=$TMP/cuda.log

NCD_SELFTEST_REEXPORT=1 "$T" >"$TMP/out" 2>"$TMP/err" || { cat "$TMP/out" "$TMP/err"; fail "provider self-test on the fake"; }
cat "$TMP/out"
assert_contains "$TMP/out" "small copy_in: complete on return \(copy_out and dma-buf mapping\)" "small copy_in"
assert_contains "$TMP/err" "^cuda: using GPU 0 \(0000:3b:00.0, default\)$" "GPU and PCI address"
# x86: the default mapping (flags 0) first
grep -q "cuMemGetHandleForAddressRange .* flags=0 -> fd [0-9]" "$TMP/cuda.log" || fail "export did not try flags 0"
grep -q "cuFlushGPUDirectRDMAWrites" "$TMP/cuda.log" || fail "no flush although the GPU does not order RDMA writes"
# a NIC refusing to attach that dma-buf (ENOTSUPP): the other mapping type
grep -q "cuMemGetHandleForAddressRange .* flags=1 -> fd [0-9]" "$TMP/cuda.log" ||
	fail "no re-export with the PCIe mapping after flags 0"
assert_contains "$TMP/out" "^re-export: dma-buf fd [0-9]+ \(was [0-9]+\)" "re-export"

: >"$TMP/cuda.log"
FAKE_CUDA_EXPORT_FAIL_FLAGS=0 FAKE_CUDA_RDMA_ORDERING=100 "$T" >"$TMP/out" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "self-test with the first export refused"; }
grep -q "flags=0 -> 1" "$TMP/cuda.log" || fail "first export attempt not refused"
grep -q "flags=1 -> fd [0-9]" "$TMP/cuda.log" || fail "export not retried with the PCIe mapping"
grep -q "dma-buf fd [0-9]" "$TMP/out" || fail "no dma-buf after the retry"
! grep -q "cuFlushGPUDirectRDMAWrites" "$TMP/cuda.log" || fail "flushed although the GPU orders RDMA writes"
ok "provider on the fake: fill, validate, copies complete on return, export fallback and re-export, flush only when needed"
