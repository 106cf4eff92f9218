#!/bin/bash
# Server/client pairs under valgrind memcheck: pattern flows (-P 2),
# -v 7, a stdin file transfer, a client killed mid-stream, SIGTERM before
# any client, and --check on a veth.  Every run: no memcheck error, no
# definite leak, the expected exit code.  (Skipped on the ASan build.)
. "$(dirname "$0")/fault_lib.sh"
[ "${NCD_SUITE:-}" = asan ] && skip "valgrind cannot run an ASan binary"
need_cmd valgrind
netns_pair_up
VG=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite --child-silent-after-fork=yes)
runs=0
vg_log() { echo "$TMP/vg.$1.log"; }
vg_a() { local tag=$1; shift; bg_a "${VG[@]}" --log-file="$(vg_log "$tag")" "$NCDEVMEM" "$@"; }
vg_b() { local tag=$1; shift; bg_b "${VG[@]}" --log-file="$(vg_log "$tag")" "$NCDEVMEM" "$@"; }
expect() {	# tag pid want-exit
	local rc
	wait_gone "$2" 120 || fail "$1: still running after 120 s"
	wait "$2"; rc=$?
	if [ -s "$(vg_log "$1")" ]; then
		cat "$(vg_log "$1")"
		fail "$1: valgrind reports errors or leaks (exit $rc)"
	fi
	[ "$rc" -eq "$3" ] || fail "$1: exit $rc, expected $3"
	runs=$((runs + 1))
}

# pattern flows, two in parallel
vg_a srv-validate -l -s "$ADDR_A" -p 5290 --validate -P 2 -i 0.5 --buf-size 4M --period 4M 2>"$TMP/srv.err"
srv=$BG_PID
wait_listen "$NS_A" 5290
vg_b cli-validate -s "$ADDR_A" -p 5290 --validate -P 2 --bytes 16M -i 0.5 --buf-size 4M --period 4M 2>"$TMP/cli.err"
expect cli-validate $BG_PID 0
expect srv-validate $srv 0
assert_contains "$TMP/srv.err" "validation: ok" "validated under valgrind"
ok "--validate -P 2"

# upstream pattern
vg_a srv-v7 -l -s "$ADDR_A" -p 5291 -v 7 -i 0 --buf-size 1M 2>"$TMP/srv.err"
srv=$BG_PID
wait_listen "$NS_A" 5291
vg_b cli-v7 -s "$ADDR_A" -p 5291 -v 7 --bytes 8M -i 0 --buf-size 1M 2>/dev/null
expect cli-v7 $BG_PID 0
expect srv-v7 $srv 0
ok "-v 7"

# netcat mode: a file through stdin/stdout
head -c 3000000 /dev/urandom >"$TMP/in"
vg_a srv-cat -l -s "$ADDR_A" -p 5292 -i 0 >"$TMP/out" 2>/dev/null
srv=$BG_PID
wait_listen "$NS_A" 5292
# in the foreground: a background job's stdin would be /dev/null
in_b "${VG[@]}" --log-file="$(vg_log cli-cat)" "$NCDEVMEM" -s "$ADDR_A" -p 5292 -i 0 \
	<"$TMP/in" 2>/dev/null
rc=$?
[ -s "$(vg_log cli-cat)" ] && { cat "$(vg_log cli-cat)"; fail "cli-cat: valgrind reports errors"; }
[ $rc -eq 0 ] || fail "cli-cat: exit $rc"
expect srv-cat $srv 0
cmp -s "$TMP/in" "$TMP/out" || fail "file transfer under valgrind: output differs"
ok "stdin -> stdout"

# the client dies mid-stream: the server's error path
vg_a srv-killed -l -s "$ADDR_A" -p 5293 --validate --bytes 10G -i 0.2 --buf-size 4M --period 4M 2>"$TMP/srv.err"
srv=$BG_PID
wait_listen "$NS_A" 5293
bg_b "$NCDEVMEM" -s "$ADDR_A" -p 5293 --validate --time 60 --buf-size 4M --period 4M 2>/dev/null
cli=$BG_PID
wait_streaming "$TMP/srv.err" 200
kill -9 $cli
expect srv-killed $srv 1
ok "client killed mid-stream"

# SIGTERM before anyone connects.  (Not SIGINT: a background job starts
# with SIGINT ignored; the kernel still queues it for ncdevmem's sigwait
# since it is blocked, but valgrind drops ignored signals.)
vg_a srv-sigterm -l -s "$ADDR_A" -p 5294 --validate -P 2 2>/dev/null
srv=$BG_PID
wait_listen "$NS_A" 5294
kill -TERM $srv
expect srv-sigterm $srv 143
ok "SIGTERM before any client"

# --check: the netlink paths (veth cannot do devmem: exit 4)
in_a "${VG[@]}" --log-file="$(vg_log check)" "$NCDEVMEM" --check -f "$IF_A" >/dev/null 2>&1 &
expect check $! 4
ok "--check -f $IF_A"
ok "$runs runs under valgrind: no errors, no definite leaks"
