#!/bin/bash
# make deb, then install the package with apt into a clean Debian 12 root
# (debootstrap minbase from the host's mirror, cached: deb_root.sh), apt
# resolving libnl and liburing from the archive, and run it there: -V, the
# man page and bash completion, a validated copy-mode transfer over lo in a
# namespace of its own.  apt-get remove then takes every file away.  lintian
# (where installed) must find no error and no warning.  Skips only when the
# archive cannot be reached.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/deb_root.sh"
need_root
for c in dpkg dpkg-deb dpkg-shlibdeps chroot zstd flock findmnt; do need_cmd "$c"; done
[ -x "$NCDEVMEM" ] || skip "no ncdevmem binary at $NCDEVMEM"
[ "${NCD_SUITE:-}" != asan ] || skip "the package is built from the plain build; the plain suite runs this test"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BD=$(dirname "$NCDEVMEM")
rm -f "$BD"/ncdevmem_*.deb
DEB=$("$ROOT/scripts/mkdeb.sh" "$BD" 2>"$TMP/mkdeb.err") || { cat "$TMP/mkdeb.err"; fail "make deb failed"; }
[ -s "$DEB" ] || fail "no package at $DEB"
VER=$(cat "$ROOT/VERSION")
dpkg-deb -f "$DEB" Package | grep -qx ncdevmem || fail "Package field"
dpkg-deb -f "$DEB" Version | grep -qE "^$VER(\\+g[0-9a-f]+(\\.dirty)?)?$" || fail "Version field"
deps=$(dpkg-deb -f "$DEB" Depends)
for p in libc6 libnl-3-200 libnl-genl-3-200 liburing2; do
	[[ "$deps" == *"$p "* ]] || fail "Depends lacks $p: $deps"
done
if command -v lintian >/dev/null; then
	lintian --fail-on error,warning "$DEB" >"$TMP/lintian" 2>&1 ||
		{ cat "$TMP/lintian"; fail "lintian: errors or warnings in the package"; }
	ok "lintian: no errors, no warnings"
fi

deb_archive_reachable ||
	{ cat "$TMP/probe.log" >&2; skip "the Debian archive $DEB_MIRROR ($DEB_SUITE) is unreachable: no clean root to install into"; }
# the work directory: unmounted and removed on every exit
WD=$(mktemp -d /var/tmp/ncd-deb.XXXXXX) || fail "mktemp"
at_exit root_remove "$WD"
TB=$(deb_root_tarball "$WD/build" 2>"$TMP/tb.err")
rc=$?
cat "$TMP/tb.err" >&2
case $rc in
0) ;;
4) skip "$(tail -n 1 "$TMP/tb.err")" ;;
*) fail "cannot build the clean $DEB_SUITE root" ;;
esac

# a fresh copy of the pristine root
rm -rf --one-file-system "$WD/build"
R=$WD/root
mkdir "$R" && tar -C "$R" --zstd -xpf "$TB" || fail "unpacking $TB"
root_network "$R" || fail "resolv.conf into the root"
root_mount "$R" || fail "mounting /proc in the root"
in_root "$R" dpkg-query -W liburing2 >/dev/null 2>&1 && fail "the clean root already has liburing2"

cp "$DEB" "$R/tmp/" || fail "copying the package into the root"
PKG=/tmp/$(basename "$DEB")
in_root "$R" apt-get update >"$TMP/apt.log" 2>&1 || { cat "$TMP/apt.log"; fail "apt-get update in the root"; }
in_root "$R" apt-get install -y --no-install-recommends "$PKG" >"$TMP/apt.log" 2>&1 ||
	{ cat "$TMP/apt.log"; fail "apt-get install $PKG in the clean root"; }
for p in libnl-3-200 libnl-genl-3-200 liburing2; do
	in_root "$R" apt-mark showauto | grep -qx "$p" || { cat "$TMP/apt.log"; fail "apt did not bring in $p"; }
done
ok "apt-get install resolved the dependencies from $DEB_MIRROR"

in_root "$R" ncdevmem -V >"$TMP/v" 2>&1 || { cat "$TMP/v"; fail "ncdevmem -V in the root exit $?"; }
assert_contains "$TMP/v" "^ncdevmem $VER" "-V: the version"
assert_contains "$TMP/v" "^liburing: " "-V: liburing"
assert_contains "$TMP/v" "^devmem TCP: " "-V: devmem TCP"
assert_contains "$TMP/v" "^io_uring zcrx: " "-V: zcrx"
in_root "$R" ncdevmem --help >/dev/null || fail "--help in the root"
in_root "$R" dpkg -L ncdevmem >"$TMP/files"
MAN=/usr/share/man/man1/ncdevmem.1.gz
COMP=/usr/share/bash-completion/completions/ncdevmem
for f in /usr/bin/ncdevmem $MAN $COMP /usr/share/doc/ncdevmem/copyright; do
	grep -qx "$f" "$TMP/files" || fail "package lacks $f"
	[ -f "$R$f" ] || fail "$f not installed"
done
in_root "$R" zcat "$MAN" | grep -q '^\.TH NCDEVMEM 1' || fail "man page $MAN is not a man page"
in_root "$R" bash -c ". $COMP && complete -p ncdevmem" >"$TMP/comp" 2>&1 ||
	{ cat "$TMP/comp"; fail "bash completion does not load"; }
ok "-V, man page and completion in the root"

# copy mode over lo, in a namespace of its own
NS=ncd-deb-$$-$RANDOM
ip netns add "$NS" || skip "cannot create network namespace"
at_exit ip netns del "$NS"
ip -n "$NS" link set lo up
ip netns exec "$NS" chroot "$R" /usr/bin/ncdevmem -l -s 127.0.0.1 -p 5421 --validate -i 0 2>"$TMP/srv.err" &
srv=$!
at_exit kill "$srv"
wait_listen "$NS" 5421
ip netns exec "$NS" chroot "$R" /usr/bin/ncdevmem -s 127.0.0.1 -p 5421 --validate --bytes 64M -i 0 2>"$TMP/cli.err" ||
	{ cat "$TMP/cli.err"; fail "client in the root exit $?"; }
wait "$srv" || { cat "$TMP/srv.err"; fail "server in the root exit $?"; }
assert_contains "$TMP/srv.err" 'validation.*ok|ok.*validation' "validated transfer in the root"
ok "validated copy-mode transfer over lo in the root"

in_root "$R" apt-get remove -y ncdevmem >"$TMP/apt.log" 2>&1 || { cat "$TMP/apt.log"; fail "apt-get remove"; }
# shellcheck disable=SC2016  # a dpkg-query format, not an expansion
st=$(in_root "$R" dpkg-query -W -f '${db:Status-Status}' ncdevmem 2>/dev/null)
[ -z "$st" ] || [ "$st" = not-installed ] || fail "after apt-get remove the package is $st"
while read -r f; do
	[ -d "$R$f" ] || [ ! -e "$R$f" ] || fail "apt-get remove left $f"
done <"$TMP/files"
ok "apt-get remove took every file away"
