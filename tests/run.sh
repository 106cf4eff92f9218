#!/bin/bash
# Runs every unit test binary and integration script and ends with one line
# "N passed, N failed, N skipped".  Integration scripts exit 0 (pass),
# 4 (skip, with the reason on stderr) or anything else (fail).
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
ONLY=${ONLY:-}
pass=0 fail=0 skip=0 failed=()
logdir=$B/test-logs
mkdir -p "$logdir"

run_one() {	# name, command...
	local name=$1; shift
	case "$name" in *"$ONLY"*) ;; *) return ;; esac
	local log=$logdir/${name//\//_}.log rc
	"$@" >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1)); echo "PASS $name"
	elif [ $rc -eq 4 ]; then
		skip=$((skip + 1)); echo "SKIP $name: $(tail -n 1 "$log")"
	else
		fail=$((fail + 1)); failed+=("$name")
		echo "FAIL $name (exit $rc), last lines of $log:"
		tail -n 15 "$log" | sed 's/^/    /'
	fi
}

suite() {	# name-prefix build-dir [VAR=value... for every test]
	local pre=$1 bd=$2 t; shift 2
	for t in "$bd"/tests/test_*; do
		[ -x "$t" ] && run_one "${pre}unit/$(basename "$t")" env "$@" "$t"
	done
	for t in tests/integration/t_*.sh; do
		[ -f "$t" ] && run_one "${pre}integration/$(basename "$t" .sh)" \
			env "$@" NCDEVMEM="$PWD/$bd/ncdevmem" B="$PWD/$bd" bash "$t"
	done
}
suite "" "$B" NCD_SUITE=plain
# ASAN_B: the same suite on an ASan/UBSan build (make asan-tests); tests that
# build things (bench) get the sanitizer flags through NCD_SAN_ENV; malloc may
# fail as it does without ASan (t_fault_oom).
if [ -n "${ASAN_B:-}" ]; then
	eval "san_env=(${NCD_SAN_ENV:-})"
	suite asan/ "$ASAN_B" NCD_SUITE=asan "${san_env[@]}" \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:allocator_may_return_null=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
# FUZZ_B: each libFuzzer harness for FUZZ_SECONDS (make fuzzers).
if [ -n "${FUZZ_B:-}" ]; then
	for t in "$FUZZ_B"/fuzz/fuzz_*; do
		[ -x "$t" ] && run_one "fuzz/$(basename "$t")" \
			tests/fuzz/run.sh "$t" "${FUZZ_SECONDS:-10}"
	done
fi

# VM_TIER=1: the VM tiers (6.12: udmabuf, bind-rx, devmem RX; 7.3: also
# devmem TX and io_uring zcrx) in qemu guests (tests/vm/).
[ -n "${VM_TIER:-}" ] && run_one "vm/check-vm" tests/vm/tier.sh

[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
