#!/bin/bash
# iperf3's socket options, seen from outside the program: -w (skmem rb/tb
# in ss -tm: the kernel doubles SO_RCVBUF/SO_SNDBUF), -C (the algorithm in
# ss -ti, on both ends), --cport (consecutive source ports in ss with -P 2),
# -A (Cpus_allowed_list of every thread); and their bad values: one line,
# exit 2 (an unknown congestion control names the available ones).
. "$(dirname "$0")/lib.sh"
need_cmd ss

IN=
usage() {	# expected-regex, args...: exit 2 with one line matching ($IN: where)
	local want=$1
	shift
	$IN "$NCDEVMEM" "$@" >"$TMP/u.out" 2>"$TMP/u.err"
	local rc=$?
	[ $rc -eq 2 ] || fail "ncdevmem $*: exit $rc, want 2: $(cat "$TMP/u.err")"
	[ "$(wc -l <"$TMP/u.err")" -eq 1 ] || fail "ncdevmem $*: not one line: $(cat "$TMP/u.err")"
	grep -qE -- "$want" "$TMP/u.err" || fail "ncdevmem $*: $(cat "$TMP/u.err")"
}
avail=$(cat /proc/sys/net/ipv4/tcp_available_congestion_control)
usage "congestion control 'nosuchcc'.*available here: $avail" \
	-s 127.0.0.1 -p 9 --validate -C nosuchcc
usage "bad window" -s 127.0.0.1 -w 0
usage "bad affinity" -s 127.0.0.1 -A 1,x
usage "--affinity 1023: .*CPUs 0-" -s 127.0.0.1 -A 1023
usage "--cport is for a client" -l --cport 4000
usage "past port 65535" -s 127.0.0.1 --validate -P 2 --cport 65535
usage "bad bitrate" -s 127.0.0.1 --bitrate 10X
usage "bad omit" -s 127.0.0.1 -O -1
ok "bad iperf3-style values: one line, exit 2"

netns_pair_up
IN=in_a usage "congestion control 'nosuchcc'" -l -p 5299 --validate -C nosuchcc
cpu=$(( $(nproc) - 1 ))
port=5215 cport=41000
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p $port -P 2 --validate -w 256K -C reno \
	>"$TMP/srv.out" 2>"$TMP/srv.err" &
srv=$!
at_exit "kill $srv"
wait_listen "$NS_A" $port
# paced, so the connections live until we stop them
bg_b "$NCDEVMEM" -s "$ADDR_A" -p $port -P 2 --validate --time 60 --bitrate 4M \
	--cport $cport -w 256K -C reno -A $cpu 2>"$TMP/cli.err"
cli=$BG_PID
at_exit "kill $cli"
for ((i = 0; i < 200; i++)); do
	in_b ss -Htnmi state established "dport = :$port" >"$TMP/ss.b"
	in_a ss -Htnmi state established "sport = :$port" >"$TMP/ss.a"
	[ "$(grep -c skmem "$TMP/ss.b")" -eq 2 ] && [ "$(grep -c skmem "$TMP/ss.a")" -eq 2 ] && break
	kill -0 $cli 2>/dev/null || fail "client ended early: $(cat "$TMP/cli.err")"
	sleep 0.05
done
[ "$(grep -c skmem "$TMP/ss.b")" -eq 2 ] || fail "no 2 connections: $(cat "$TMP/ss.b")"
for s in "$TMP/ss.a" "$TMP/ss.b"; do
	[ "$(grep -c 'skmem:(r[0-9]*,rb524288,t[0-9]*,tb524288,' "$s")" -eq 2 ] ||
		{ cat "$s"; fail "-w 256K: rb/tb are not 2 x 256K in $s"; }
	[ "$(grep -cw reno "$s")" -eq 2 ] || { cat "$s"; fail "-C reno: not in ss -ti ($s)"; }
done
for p in $cport $((cport + 1)); do
	grep -q "\]:$p " "$TMP/ss.b" || { cat "$TMP/ss.b"; fail "--cport: no source port $p"; }
	grep -q "\]:$p\$\|\]:$p " "$TMP/ss.a" || { cat "$TMP/ss.a"; fail "--cport: server sees no peer port $p"; }
done
ok "-w 256K in skmem, -C reno in ss -ti on both ends, --cport $cport,$((cport + 1))"
n=0
for st in /proc/$cli/task/*/status; do
	a=$(awk '/^Cpus_allowed_list/ { print $2 }' "$st")
	[ "$a" = "$cpu" ] || fail "-A $cpu: thread $st allowed on '$a'"
	n=$((n + 1))
done
[ $n -ge 3 ] || fail "-A: only $n threads seen (main, signal waiter, flows)"
ok "-A $cpu: all $n threads on CPU $cpu"
kill -INT $cli
wait $cli
rc=$?
[ $rc -eq 130 ] || fail "client after SIGINT: exit $rc: $(cat "$TMP/cli.err")"
wait $srv || fail "server: exit $?: $(cat "$TMP/srv.err")"
