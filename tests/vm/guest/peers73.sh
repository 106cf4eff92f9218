# VM-tier checks of the peers that agree (issue 14 point 2), sourced by the
# 7.3 guest's init (tests/vm/guest/init73) after the data checks: it uses
# init's helpers (pair, in_srv, in_cli, rxfrags, txfrags, pass, fail,
# dump).  Header split is on in both namespaces.  rx_queue=-2 here: each
# netdevsim steers by its RSS table and ntuple rules, which every devmem
# or zcrx end sets itself (no -n): its data flow to the bound queue 1,
# everything else (the control connection) to queue 0.  With rx_queue=1
# the control connection's payload would land in device memory too, and
# its recv() fail with EFAULT.
#
# -R: the server sends, the client receives (devmem RX or zcrx bound on
# the client's netdevsim); --bidir: both ends receive through devmem RX
# and send through devmem TX.  The netdevsim counters are the proof that
# device memory moved the payload: devmem_rx_frags counts net_iov frags
# received, netmem_tx_frags net_iov frags sent.  Each run has a twin with
# a byte flipped at $BAD that must fail at exactly that offset.  The
# client's netdevsim has 3 queues (two bound for -R -P 2, one for RSS).

# ok_rcv NAME BYTES WHO [detail]: both ends 0, WHO's JSON (cli or srv)
# received BYTES with no bad byte, and has the peer's results (the control
# connection worked to the end); the logs are $LOGN's (default NAME)
ok_rcv() {
	o=$L/${LOGN:-$1}.$3.out
	if [ "${PAIR_SECS:-0}" -gt 45 ]; then
		fail "$1" "the pair took $PAIR_SECS s: an end waited out --idle-timeout"
		dump $L/${LOGN:-$1}.srv.err 6; dump $L/${LOGN:-$1}.cli.err 6
	elif [ $SRC -eq 0 ] && [ $CRC -eq 0 ] && grep -q "\"bytes\": *$2" $o &&
	   grep -qE '"bad_bytes": *0' $o && ! grep -qE '"bad_bytes": *[1-9]' $o &&
	   grep -qE '"peer_report": *true' $o; then
		pass "$1"
		echo "    | $3: $(grep -oE '"(bytes|frags|tokens_released|bad_bytes)": *[0-9]+' $o | sort -u | tr '\n' ' ')$4"
	else
		fail "$1" "server rc=$SRC client rc=$CRC (want 0/0, $3 got $2 bytes, bad_bytes 0, peer_report)$4"
		dump $L/${LOGN:-$1}.srv.err 6; dump $L/${LOGN:-$1}.cli.err 6; dump $o 4
	fi
}
# bad_rcv NAME OFFSET WHO...: each WHO (cli, srv) failed, not by timeout,
# naming OFFSET
bad_rcv() {
	n=$1; off=$2; shift 2
	why=""
	for w in "$@"; do
		rc=$CRC; [ "$w" = srv ] && rc=$SRC
		if [ "$rc" -eq 0 ] || [ "$rc" -eq 124 ] ||
		   ! cat $L/$n.$w.out $L/$n.$w.err | grep -q "offset $off"; then
			why="$why $w rc=$rc (want a failure naming offset $off)"
		fi
	done
	if [ -z "$why" ]; then
		pass "$n"
		cat $L/$n.$1.out $L/$n.$1.err | grep -m1 "offset $off" | cut -c1-150 | sed 's/^/    | /'
	else
		fail "$n" "$why"; dump $L/$n.srv.err 4; dump $L/$n.cli.err 6
	fi
}
# moved NAME WHAT BEFORE AFTER: a netdevsim counter must have grown
moved() {
	if [ "$4" -gt "$3" ]; then
		pass "$1"; echo "    | netdevsim $2 +$(($4 - $3))"
	else
		fail "$1" "netdevsim $2 did not move ($3 -> $4): no device memory used"
	fi
}
cli_state() {
	echo "$(in_cli vm_testbed queues eth0 | awk '{printf "rxq%s=%s ", $2, $4}')| $(in_cli ip -o link show eth0 | sed 's/.*<\([^>]*\)>.*mtu \([0-9]*\).*/<\1> mtu \2/')"
}
# a devmem server (a 3-tuple rule to its port) and a devmem client (a
# 5-tuple rule: -c, one flow, its local port is -p)
SDM="-f eth0 $SRVA --mem udmabuf --buf-size 8M"
CDM="-f eth0 -c 192.0.2.2 --mem udmabuf --buf-size 8M"

peers_vm_check() {
	echo "VM-TIME $(cut -d' ' -f1 /proc/uptime) s: peers (-R, --bidir)"
	echo -2 > $P/rx_queue
	# -R, devmem both ways: server devmem TX -> client devmem RX
	R0=$(rxfrags); T0=$(txfrags)
	pair rev-devmem 5300 "-l $SDM -J" "-s 192.0.2.1 -R $CDM --validate --bytes 16M -J"
	R1=$(rxfrags); T1=$(txfrags)
	ok_rcv rev-devmem 16777216 cli
	moved rev-devmem-client-rx "devmem_rx_frags (client devmem RX)" $R0 $R1
	moved rev-devmem-server-tx "netmem_tx_frags (server devmem TX)" $T0 $T1
	pair rev-devmem-corrupt 5301 "-l $SDM" "-s 192.0.2.1 -R $CDM --validate --bytes 8M --corrupt-at $BAD"
	bad_rcv rev-devmem-corrupt $BAD cli

	# -R, copy server -> client devmem RX
	R0=$(rxfrags)
	pair rev-copy-devmem 5302 "-l $SRVA -J" "-s 192.0.2.1 -R $CDM --validate --bytes 16M -J"
	R1=$(rxfrags)
	ok_rcv rev-copy-devmem 16777216 cli " net_iov frags $((R1 - R0))"
	moved rev-copy-devmem-rx "devmem_rx_frags (client devmem RX)" $R0 $R1
	pair rev-copy-devmem-corrupt 5303 "-l $SRVA" "-s 192.0.2.1 -R $CDM --validate --bytes 8M --corrupt-at $BAD"
	bad_rcv rev-copy-devmem-corrupt $BAD cli

	# -R, copy server -> client io_uring zcrx (host area) on queue 1
	R0=$(rxfrags)
	pair rev-zcrx 5304 "-l $SRVA -J" "-s 192.0.2.1 -R -f eth0 -c 192.0.2.2 --zcrx --buf-size 8M --validate --bytes 16M -J"
	R1=$(rxfrags)
	ok_rcv rev-zcrx 16777216 cli
	moved rev-zcrx-rx "devmem_rx_frags (client zcrx area)" $R0 $R1
	pair rev-zcrx-corrupt 5305 "-l $SRVA" "-s 192.0.2.1 -R -f eth0 -c 192.0.2.2 --zcrx --buf-size 8M --validate --bytes 8M --corrupt-at $BAD"
	bad_rcv rev-zcrx-corrupt $BAD cli

	# -R over lo, zcrx with no NIC on the receiving client (Linux 7.x)
	PAIR_CLIENT=in_srv pair rev-zcrx-nodev-lo 5309 "-l -s 127.0.0.1 -J" "-s 127.0.0.1 -R --zcrx-nodev --buf-size 8M --validate --bytes 4M -J"
	ok_rcv rev-zcrx-nodev-lo 4194304 cli

	# --idle-timeout bounds a zcrx receive (io_uring ignores SO_RCVTIMEO):
	# a feeder sends 1 KiB and goes silent for 8 s; the server gives up
	# after 2 s instead of waiting for the feeder's end of stream
	st_rx zcrx-idle-timeout 5310 "-l -f eth0 $SRVA -p 5310 --zcrx --no-ctrl -v 7 --idle-timeout 2" \
		'{ yes "$(printf "\001\002\003\004\005\006")" | head -c 1024; sleep 8; } | socat -u - TCP4:192.0.2.1:$PORT'
	if [ $SRC -eq 1 ] && grep -q "no data for 2 s after 1024 bytes: the peer went silent" $L/zcrx-idle-timeout.srv.err; then
		pass zcrx-idle-timeout
		grep -m1 "went silent" $L/zcrx-idle-timeout.srv.err | cut -c1-150 | sed 's/^/    | /'
	else
		fail zcrx-idle-timeout "server rc=$SRC (want 1 and 'no data for 2 s')"
		dump $L/zcrx-idle-timeout.srv.err 6
	fi

	# --bidir, devmem on both ends: each receives through devmem RX and
	# sends through devmem TX at once; --cport: the client's receiving
	# flow is on --cport + 1, its rule's port
	R0=$(rxfrags); T0=$(txfrags)
	pair bidir-devmem 5306 "-l $SDM -J" "-s 192.0.2.1 --bidir $CDM --cport 5406 --validate --bytes 8M -J"
	R1=$(rxfrags); T1=$(txfrags)
	ok_rcv bidir-devmem 8388608 cli
	LOGN=bidir-devmem ok_rcv bidir-devmem-server 8388608 srv
	moved bidir-devmem-rx "devmem_rx_frags (both ends' devmem RX)" $R0 $R1
	moved bidir-devmem-tx "netmem_tx_frags (both ends' devmem TX)" $T0 $T1
	pair bidir-devmem-corrupt 5307 "-l $SDM" "-s 192.0.2.1 --bidir $CDM --cport 5408 --validate --bytes 8M --corrupt-at $BAD"
	bad_rcv bidir-devmem-corrupt $BAD cli srv

	# --bidir, zcrx on both ends: each receives through zcrx on its bound
	# queue; the server (zcrx on a udmabuf, -f) sends with devmem TX, the
	# client (zcrx on host memory) by copy, and each report says so
	R0=$(rxfrags); T0=$(txfrags)
	pair bidir-zcrx 5311 "-l -f eth0 $SRVA --zcrx --mem udmabuf --buf-size 8M -J" \
		"-s 192.0.2.1 --bidir -f eth0 -c 192.0.2.2 --zcrx --buf-size 8M --cport 5410 --validate --bytes 8M -J"
	R1=$(rxfrags); T1=$(txfrags)
	ok_rcv bidir-zcrx 8388608 cli
	LOGN=bidir-zcrx ok_rcv bidir-zcrx-server 8388608 srv
	moved bidir-zcrx-rx "devmem_rx_frags (both ends' zcrx areas)" $R0 $R1
	moved bidir-zcrx-server-tx "netmem_tx_frags (the server's devmem TX)" $T0 $T1
	if grep -q '"paths":{"rx":"zcrx","tx":"devmem"}' $L/bidir-zcrx.srv.out &&
	   grep -q '"paths":{"rx":"zcrx","tx":"copy"}' $L/bidir-zcrx.cli.out; then
		pass bidir-zcrx-paths
		echo "    | server $(grep -oE '"paths":[^}]*}' $L/bidir-zcrx.srv.out), client $(grep -oE '"paths":[^}]*}' $L/bidir-zcrx.cli.out)"
	else
		fail bidir-zcrx-paths "the reports do not name each direction's path"
		grep -oE '"paths":[^}]*}' $L/bidir-zcrx.srv.out $L/bidir-zcrx.cli.out
	fi
	pair bidir-zcrx-corrupt 5312 "-l -f eth0 $SRVA --zcrx --mem udmabuf --buf-size 8M" \
		"-s 192.0.2.1 --bidir -f eth0 -c 192.0.2.2 --zcrx --buf-size 8M --cport 5412 --validate --bytes 8M --corrupt-at $BAD"
	bad_rcv bidir-zcrx-corrupt $BAD cli srv

	# -R, devmem, 2 flows on 2 bound queues of the client (its netdevsim
	# has 3): -q 2 binds queues 1 and 2, --cport gives each flow's port a
	# rule to its own queue; RSS keeps the control connection on queue 0
	R0=$(rxfrags)
	pair rev-devmem-2q 5313 "-l $SDM -J" "-s 192.0.2.1 -R $CDM -q 2 -P 2 --cport 5420 --validate --bytes 4M -J"
	R1=$(rxfrags)
	o=$L/rev-devmem-2q.cli.out e=$L/rev-devmem-2q.cli.err
	NOK=$(grep -oE '"checked_bytes":4194304,"bad_bytes":0' $o | wc -l)
	if [ $SRC -eq 0 ] && [ $CRC -eq 0 ] && [ "$NOK" -ge 2 ] &&
	   grep -q '"checked_bytes":8388608,"bad_bytes":0' $o &&
	   grep -q "rule .*port 5420) -> queue 1" $e && grep -q "rule .*port 5421) -> queue 2" $e; then
		pass rev-devmem-2q
		grep "flow steering" $e | cut -c1-80 | sed 's/^/    | /'
	else
		fail rev-devmem-2q "rc=$SRC/$CRC, flows validated $NOK (want 2 of 4 MiB each, rules to queues 1 and 2)"
		dump $L/rev-devmem-2q.srv.err 6; dump $e 10
	fi
	moved rev-devmem-2q-rx "devmem_rx_frags (client devmem RX, 2 queues)" $R0 $R1

	# the client configured its NIC itself in every run above (RSS, an
	# ntuple rule to its own address and port); it restores it on exit
	BEFORE=$(cli_state)
	pair rev-devmem-nic 5308 "-l $SRVA -J" "-s 192.0.2.1 -R $CDM --validate --bytes 8M -J"
	AFTER=$(cli_state)
	ok_rcv rev-devmem-nic 8388608 cli
	J=$(ls /run/ncdevmem/eth0*.journal 2>/dev/null)
	if [ "$BEFORE" = "$AFTER" ] && [ -z "$J" ] &&
	   grep -q "flow steering: rule" $L/rev-devmem-nic.cli.err; then
		pass rev-devmem-nic-restored
		echo "    | $(grep -m1 "flow steering: rule" $L/rev-devmem-nic.cli.err | cut -c1-100); state '$AFTER'"
	else
		fail rev-devmem-nic-restored "before '$BEFORE' after '$AFTER', journal '$J'"
		dump $L/rev-devmem-nic.cli.err 8
	fi
	echo 1 > $P/rx_queue
}
peers_vm_check
