#!/bin/bash
# Addresses as nc takes them (issue 12): a link-local peer with its scope id
# (fe80::a%IF), and a name with several addresses where only the last one
# listens ("localhost" is ::1 and 127.0.0.1; the server binds 127.0.0.1):
# every address is tried in turn.
. "$(dirname "$0")/lib.sh"
need_root
netns_pair_up
ip -n "$NS_A" -6 addr add fe80::a/64 dev "$IF_A" nodad || skip "no IPv6 here"
ip -n "$NS_B" -6 addr add fe80::b/64 dev "$IF_B" nodad

in_a "$NCDEVMEM" -l -p 5251 --validate -J >"$TMP/srv.json" 2>"$TMP/srv.err" &
srv=$!
wait_listen "$NS_A" 5251
in_b timeout 30 "$NCDEVMEM" -s "fe80::a%$IF_B" -p 5251 --validate --bytes 4M -i 0 \
	2>"$TMP/cli.err" || { rc=$?; cat "$TMP/cli.err"; fail "link-local with scope id: exit $rc"; }
wait $srv || { rc=$?; cat "$TMP/srv.err"; fail "server exit $rc"; }

mkdir -p "/etc/netns/$NS_A" && at_exit rm -rf "/etc/netns/$NS_A"
printf '::1 ncd-multi\n127.0.0.1 ncd-multi\n' >"/etc/netns/$NS_A/hosts"
in_a getent ahostsv6 ncd-multi | head -n 1 | grep -q '^::1 ' ||
	fail "ncd-multi does not resolve to ::1 first: $(in_a getent ahostsv6 ncd-multi | tr '\n' ' ')"
in_a "$NCDEVMEM" -l -s 127.0.0.1 -p 5252 --validate -J >"$TMP/srv2.json" 2>"$TMP/srv2.err" &
srv=$!
wait_listen "$NS_A" 5252
in_a timeout 30 "$NCDEVMEM" -s ncd-multi -p 5252 --validate --bytes 4M -i 0 \
	2>"$TMP/cli2.err" || { rc=$?; cat "$TMP/cli2.err"; fail "ncd-multi (::1 refused, then 127.0.0.1): exit $rc"; }
wait $srv || { rc=$?; cat "$TMP/srv2.err"; fail "server exit $rc"; }
ok "scope ids kept; every resolved address tried"
