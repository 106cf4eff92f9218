#!/bin/bash
# devmem RX into (fake) GPU memory: kernel-exact SCM_DEVMEM_DMABUF cmsgs
# through the real devmem source and RX loop, validated in batches on the
# fake GPU (which completes work late, on another thread).  From the call
# log: no token goes back before its batch's event completed and was seen
# complete, and batches overlap.  The log check is shown to catch a release
# moved ahead of its completion.  Then one corrupted byte: exact offset.
. "$(dirname "$0")/lib.sh"

FAKE=$B/tests/fake_cuda/libcuda.so.1
T=$B/tests/ncd_fake_devmem_rx
CHECK=$(dirname "$0")/../helpers/cuda_log_check.py
[ -f "$FAKE" ] && [ -x "$T" ] || fail "fake libcuda or $T not built (make tests)"
need_cmd python3
export NCD_LIBCUDA=$FAKE FAKE_CUDA_LOG=$TMP/cuda.log

"$T" >"$TMP/out" 2>"$TMP/err" || { cat "$TMP/out" "$TMP/err"; fail "devmem RX on the fake GPU"; }
cat "$TMP/out"
python3 "$CHECK" "$TMP/cuda.log" || fail "token release order"
python3 "$CHECK" "$TMP/cuda.log" --tamper || fail "the log check misses an early release"

: >"$TMP/cuda.log"
"$T" 1234567 >"$TMP/out2" 2>"$TMP/err2" || { cat "$TMP/out2" "$TMP/err2"; fail "corrupted byte not reported at 1234567"; }
grep -q "bad=1 first=1234567" "$TMP/out2" || fail "verdict: $(cat "$TMP/out2")"
python3 "$CHECK" "$TMP/cuda.log" || fail "token release order (corrupt run)"
ok "devmem RX on the fake GPU: tokens back only after their batch completed; corruption at 1234567"
