# shellcheck shell=bash
# Sourced by the VM tiers (run.sh, run73.sh): the tier's verdict from the
# guest's console log and any host-side check logs.
#
# vm_verdict QRC TIMEOUT CONSOLE [HOSTLOG...]: every name in $EXPECTED must
# have a "PASS name" line; a "FAIL name:" line fails it, and FAIL lines for
# names not in the list count too; the guest must have printed VM-DONE on
# its console.  Prints "N passed, N failed"; status 0 when nothing failed.
vm_verdict() {
	local qrc=$1 timeout=$2 console=$3 pass=0 failn=0 c extra
	shift 2
	for c in $EXPECTED; do
		if grep -qx "PASS $c" "$@"; then
			pass=$((pass + 1))
		elif grep -q "^FAIL $c:" "$@"; then
			failn=$((failn + 1))
		else
			failn=$((failn + 1)); echo "FAIL $c: no result on the console"
		fi
	done
	extra=$(grep -h "^FAIL " "$@" | cut -d: -f1 | cut -d' ' -f2 | while read -r c; do
		case " $(echo $EXPECTED) " in *" $c "*) ;; *) echo "$c";; esac; done | wc -l)
	failn=$((failn + extra))
	if ! grep -qx "VM-DONE" "$console"; then
		failn=$((failn + 1))
		if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
			echo "FAIL vm-done: VM timed out after ${timeout}s (console: $console)"
		else
			echo "FAIL vm-done: guest never printed VM-DONE (qemu rc=$qrc, console: $console)"
			tail -n 20 "$console" | sed 's/^/    | /'
		fi
	fi
	step "done"
	echo "$pass passed, $failn failed"
	[ $failn -eq 0 ]
}
