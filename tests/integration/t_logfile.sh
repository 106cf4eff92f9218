#!/bin/bash
# --logfile FILE: reports and messages go to FILE (appended), -J too, and
# nothing to stderr/stdout; --forceflush writes each interval line at once.
. "$(dirname "$0")/lib.sh"
need_cmd jq
netns_pair_up
echo "earlier run" >"$TMP/cli.log"
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5215 --validate --logfile "$TMP/srv.log" \
	>"$TMP/srv.out" 2>"$TMP/srv.err" &
srv=$!
wait_listen "$NS_A" 5215
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5215 --validate --bytes 8M --logfile "$TMP/cli.log" \
	>"$TMP/cli.out" 2>"$TMP/cli.err" || fail "client"
wait $srv || fail "server"
for f in srv cli; do
	[ -s "$TMP/$f.err" ] && fail "$f: stderr is not empty: $(head -2 "$TMP/$f.err")"
	[ -s "$TMP/$f.out" ] && fail "$f: stdout is not empty"
done
[ "$(head -1 "$TMP/cli.log")" = "earlier run" ] || fail "the log file was not appended to"
assert_contains "$TMP/cli.log" '^sender copy/host: 8388608 bytes' "client summary in the log"
assert_contains "$TMP/srv.log" 'validation: ok, 8388608 bytes checked' "server verdict in the log"
ok "--logfile text"

# -J goes to the log file too; stdout stays empty
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5216 --validate -J --logfile "$TMP/srv.json" \
	>"$TMP/srv.out" 2>"$TMP/srv.err" &
srv=$!
wait_listen "$NS_A" 5216
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5216 --validate --bytes 8M -J --logfile "$TMP/cli.json" \
	>"$TMP/cli.out" 2>"$TMP/cli.err" || fail "-J client"
wait $srv || fail "-J server"
for f in srv cli; do
	[ -s "$TMP/$f.out" ] && fail "$f: -J went to stdout"
	[ -s "$TMP/$f.err" ] && fail "$f: stderr: $(head -2 "$TMP/$f.err")"
	jq -e '.end.sum.bytes == 8388608' "$TMP/$f.json" >/dev/null || fail "$f: JSON in the log"
done
ok "--logfile with -J"

# a log file that cannot be opened: one line, exit 1
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5216 --logfile "$TMP/no/such/dir/x.log" 2>"$TMP/bad.err"
[ $? -eq 1 ] || fail "unopenable --logfile: want exit 1"
[ "$(wc -l <"$TMP/bad.err")" -eq 1 ] && grep -q -- '--logfile' "$TMP/bad.err" ||
	fail "unopenable --logfile: $(cat "$TMP/bad.err")"

# --forceflush: an interval line reaches the log's reader during the run
in_a "$NCDEVMEM" -l -s "$ADDR_A" -p 5217 --validate -i 0 2>/dev/null &
srv=$!
wait_listen "$NS_A" 5217
mkfifo "$TMP/log"
in_b "$NCDEVMEM" -s "$ADDR_A" -p 5217 --validate --time 3 -i 0.1 --logfile "$TMP/log" \
	--forceflush &
cli=$!
exec 3<"$TMP/log"
while IFS= read -r line <&3; do
	case $line in *Gbits/sec*) break ;; esac
done
[ -n "$line" ] || fail "--forceflush: no interval line"
kill -0 "$cli" 2>/dev/null || fail "--forceflush: the interval line came only at the end"
cat <&3 >/dev/null
exec 3<&-
wait $cli || fail "forceflush client"
wait $srv || fail "forceflush server"
ok "--forceflush"
