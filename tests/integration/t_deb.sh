#!/bin/bash
# make deb, then install the package with dpkg into a throwaway root that
# holds nothing but the packages its Depends names (their files copied from
# this Debian system, their status entries registered, so dpkg checks the
# versions itself), and run it there with chroot: -V, --help and a validated
# transfer over loopback.  A missing or wrong Depends fails here.  Then
# dpkg -r removes every file.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd dpkg
need_cmd dpkg-deb
need_cmd dpkg-shlibdeps
need_cmd chroot
[ -x "$NCDEVMEM" ] || skip "no ncdevmem binary at $NCDEVMEM"
[ "${NCD_SUITE:-}" != asan ] || skip "the package is built from the plain build; the plain suite runs this test"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BD=$(dirname "$NCDEVMEM")
DEB=$("$ROOT/scripts/mkdeb.sh" "$BD" 2>"$TMP/mkdeb.err") || { cat "$TMP/mkdeb.err"; fail "make deb failed"; }
[ -s "$DEB" ] || fail "no package at $DEB"
dpkg-deb -f "$DEB" Package | grep -qx ncdevmem || fail "Package field"
dpkg-deb -f "$DEB" Version | grep -qE "^$(cat "$ROOT/VERSION")(\\+g[0-9a-f]+(\\.dirty)?)?$" || fail "Version field"
deps=$(dpkg-deb -f "$DEB" Depends)
for p in libc6 libnl-3-200 libnl-genl-3-200 liburing2; do
	[[ "$deps" == *"$p "* ]] || fail "Depends lacks $p: $deps"
done

# the throwaway root: the dependencies only
R=$TMP/root
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/tmp"
: >"$R/var/lib/dpkg/status"
# usrmerge, as on Debian 12: /lib, /lib64, /bin, /sbin link into /usr
for l in lib lib64 bin sbin; do
	[ -L "/$l" ] || continue
	mkdir -p "$R/usr/$l"
	ln -s "usr/$l" "$R/$l"
done
for p in $(echo "$deps" | tr ',' '\n' | sed 's/(.*//; s/|.*//' | tr -d ' '); do
	dpkg-query -s "$p" >/dev/null 2>&1 || skip "dependency $p is not installed here to copy"
	dpkg-query -L "$p" | while read -r f; do
		[ -f "$f" ] || [ -L "$f" ] && cp -a --parents "$f" "$R" 2>/dev/null
	done
	{ dpkg-query -s "$p"; echo; } >>"$R/var/lib/dpkg/status"
done
dpkg --root="$R" -i "$DEB" >"$TMP/dpkg.log" 2>&1 || { cat "$TMP/dpkg.log"; fail "dpkg -i into the throwaway root failed"; }
dpkg --root="$R" -L ncdevmem >"$TMP/files"
for f in /usr/bin/ncdevmem /usr/share/man/man1/ncdevmem.1.gz \
	/usr/share/bash-completion/completions/ncdevmem /usr/share/doc/ncdevmem/copyright; do
	grep -qx "$f" "$TMP/files" || fail "package lacks $f"
	[ -e "$R$f" ] || fail "$f not installed"
done

chroot "$R" /usr/bin/ncdevmem -V >"$TMP/v" 2>&1 || { cat "$TMP/v"; fail "ncdevmem -V in the throwaway root exit $?"; }
assert_contains "$TMP/v" "^ncdevmem $(cat "$ROOT/VERSION")" "-V in the root"
chroot "$R" /usr/bin/ncdevmem --help >/dev/null || fail "--help in the root"
netns_pair_up
bg_a chroot "$R" /usr/bin/ncdevmem -l -s "$ADDR_A" -p 5421 --validate -i 0 2>"$TMP/srv.err"
srv=$BG_PID
wait_listen "$NS_A" 5421
in_b chroot "$R" /usr/bin/ncdevmem -s "$ADDR_A" -p 5421 --validate --bytes 64M -i 0 2>"$TMP/cli.err" ||
	{ cat "$TMP/cli.err"; fail "client in the root exit $?"; }
wait "$srv" || { cat "$TMP/srv.err"; fail "server in the root exit $?"; }
assert_contains "$TMP/srv.err" 'validation.*ok|ok.*validation' "validated transfer in the root"

dpkg --root="$R" -r ncdevmem >"$TMP/dpkg.log" 2>&1 || { cat "$TMP/dpkg.log"; fail "dpkg -r failed"; }
[ ! -e "$R/usr/bin/ncdevmem" ] && [ ! -e "$R/usr/share/man/man1/ncdevmem.1.gz" ] || fail "dpkg -r left files"
ok "deb installs into a root with only its Depends, runs there, removes cleanly"
