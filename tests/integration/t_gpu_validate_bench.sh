#!/bin/bash
# bench/gpu_validate builds and runs on the fake libcuda: one line per
# fragment size and batch size with GB/s and the ratio to 400 Gb/s, every
# batch validated clean.  Exercises the code only: the fake is no GPU, no
# speed is asserted (bench/README.md has the real-GPU goal).
. "$(dirname "$0")/lib.sh"
need_cmd make
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BD=${B:-$ROOT/build}
FAKE=$BD/tests/fake_cuda/libcuda.so.1
[ -f "$FAKE" ] || fail "$FAKE not built (make tests)"
make -s -C "$ROOT/bench" B="$BD" >"$TMP/make.log" 2>&1 ||
	{ cat "$TMP/make.log"; fail "building bench/gpu_validate"; }
export NCD_LIBCUDA=$FAKE FAKE_CUDA_DELAY_US=0
"$BD/bench/gpu_validate" -f 4096,65536 -b 16,64 -t 0.05 >"$TMP/out" 2>"$TMP/err" ||
	{ cat "$TMP/out" "$TMP/err"; fail "gpu_validate exit $?"; }
cat "$TMP/out"
for f in 4096 65536; do
	for b in 16 64; do
		assert_contains "$TMP/out" "^$f +$b +[0-9]+\.[0-9]+ +[0-9]+\.[0-9]+$" "row $f x $b"
	done
done
FAKE_CUDA_INIT_ERR=100 "$BD/bench/gpu_validate" -t 0.01 >/dev/null 2>&1
[ $? -eq 4 ] || fail "no device is not a skip (exit 4)"
ok "gpu_validate runs on the fake (4 cells), skips without a device"
