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

for t in "$B"/tests/test_*; do
	[ -x "$t" ] && run_one "unit/$(basename "$t")" "$t"
done
for t in tests/integration/t_*.sh; do
	[ -f "$t" ] && run_one "integration/$(basename "$t" .sh)" \
		env NCDEVMEM="$PWD/$B/ncdevmem" B="$PWD/$B" bash "$t"
done

[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
