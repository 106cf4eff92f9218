#!/bin/bash
# No driver, no device (count 0 or cuInit's CUDA_ERROR_NO_DEVICE, 100) and a
# GPU that cannot export dma-bufs are capabilities this machine lacks: exit 4
# with one line saying why, from the receiver and the provider self-test.
# A bus id that fills the driver's buffer without a NUL is still read right.
. "$(dirname "$0")/lib.sh"

FAKE=$B/tests/fake_cuda/libcuda.so.1
SELF=$B/tests/ncd_cuda_selftest
[ -f "$FAKE" ] && [ -x "$SELF" ] || fail "fake libcuda or $SELF not built (make tests)"
port=$((20000 + $$ % 20000))

expect_skip() {	# what pattern env... -- command...
	local what=$1 pat=$2 rc lines; shift 2
	env "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	rc=$?
	[ $rc -eq 4 ] || { cat "$TMP/err"; fail "$what: exit $rc, expected 4"; }
	lines=$(grep -vc "^cuda: using GPU\|^SKIP" "$TMP/err")
	[ "$lines" -eq 1 ] || { cat "$TMP/err"; fail "$what: $lines lines on stderr, expected 1"; }
	assert_contains "$TMP/err" "$pat" "$what: wrong reason"
	echo "$what: exit 4: $(grep -v '^cuda: using GPU\|^SKIP' "$TMP/err")"
}

srv=(timeout 20 "$NCDEVMEM" -l -s 127.0.0.1 -p $port --copy --mem cuda --validate)
expect_skip "no libcuda" "libcuda.so.1 not found \(no NVIDIA driver\)" \
	NCD_LIBCUDA=$TMP/nothing/libcuda.so.1 "${srv[@]}"
expect_skip "cuInit 100" "cuInit failed: no CUDA-capable device is detected \(100\)" \
	NCD_LIBCUDA=$FAKE FAKE_CUDA_INIT_ERR=100 "${srv[@]}"
expect_skip "no device" "no CUDA device found" \
	NCD_LIBCUDA=$FAKE FAKE_CUDA_DEVICES=0 "${srv[@]}"
expect_skip "self-test, cuInit 100" "cuInit failed" \
	NCD_LIBCUDA=$FAKE FAKE_CUDA_INIT_ERR=100 "$SELF"
expect_skip "devmem, no dma-buf support" "cannot export dma-bufs \(CU_DEVICE_ATTRIBUTE_DMA_BUF_SUPPORTED is 0\)" \
	NCD_LIBCUDA=$FAKE FAKE_CUDA_NO_DMABUF=1 timeout 20 "$NCDEVMEM" -l -f lo \
	-s 127.0.0.1 -p $port --mem cuda --validate -n

NCD_LIBCUDA=$FAKE FAKE_CUDA_BUSID_NONUL=1 "$SELF" >"$TMP/out" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "self-test with an unterminated bus id"; }
assert_contains "$TMP/err" "^cuda: using GPU 0 \(0000:3b:00.0, default\)$" "unterminated bus id misread"
ok "no driver / no device / cuInit 100 / no dma-buf: exit 4 with one line; unterminated bus id read right"
