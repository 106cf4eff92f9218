# shellcheck shell=bash
# A clean Debian root for t_deb.sh: debootstrap --variant=minbase of SUITE
# from the mirror this host's apt uses, its apt lists fetched, kept as a
# tarball in a cache (one per suite and architecture) so that a warm run
# only unpacks it.  Source after lib.sh.
#   NCD_DEB_SUITE   suite (default bookworm: Debian 12)
#   NCD_DEB_CACHE   cache directory (default /var/cache/ncdevmem-deb)
#   NCD_DEB_MIRROR  archive URI (default: the host's, else deb.debian.org)

DEB_SUITE=${NCD_DEB_SUITE:-bookworm}
DEB_CACHE=${NCD_DEB_CACHE:-/var/cache/ncdevmem-deb}
# what the tarball holds changes: bump it
DEB_ROOT_FORMAT=1

# host_uri SUITE: the first archive URI the host's apt sources give SUITE
host_uri() {
	local f=/etc/apt/sources.list.d/debian.sources
	[ -r "$f" ] && awk -v s="$1" '
		/^[ \t]*$/ { if (hit && uri) { print uri; exit } hit = 0; uri = ""; next }
		/^URIs:/ { uri = $2 }
		/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) hit = 1 }
		END { if (hit && uri) print uri }' "$f" | head -n 1 | grep . && return
	[ -r /etc/apt/sources.list ] && awk -v s="$1" '$1 == "deb" {
		for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) break
		if ($(i + 1) == s) { print $i; exit } }' /etc/apt/sources.list | grep .
}
DEB_MIRROR=${NCD_DEB_MIRROR:-$(host_uri "$DEB_SUITE" || echo http://deb.debian.org/debian)}
DEB_SECURITY=$(host_uri "$DEB_SUITE-security")

# deb_archive_reachable: the suite's InRelease downloads, through the host's
# apt configuration (proxies included)
deb_archive_reachable() {
	timeout 60 /usr/lib/apt/apt-helper download-file \
		"$DEB_MIRROR/dists/$DEB_SUITE/InRelease" "$TMP/InRelease" >"$TMP/probe.log" 2>&1
}

# root_sources ROOT: the archive as a stock install names it: the suite, its
# updates and, where the host has it, its security archive
root_sources() {
	rm -f "$1/etc/apt/sources.list"
	{
		printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\n' \
			"$DEB_MIRROR" "$DEB_SUITE" "$DEB_SUITE"
		printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
		[ -z "$DEB_SECURITY" ] || printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
			"$DEB_SECURITY" "$DEB_SUITE"
	} >"$1/etc/apt/sources.list.d/debian.sources"
}

# root_network ROOT: name resolution and the host's apt proxy and date
# settings, so that apt inside the root reaches the archive as the host does
root_network() {
	cp -L /etc/resolv.conf "$1/etc/resolv.conf" || return 1
	apt-config dump | grep -E '^Acquire::((https?|ftp)::[Pp]roxy|Check-Valid-Until|Check-Date)' \
		>"$1/etc/apt/apt.conf.d/00host" || :
}

# in_root ROOT CMD...: CMD chrooted, a plain environment (proxies kept),
# bounded (apt waiting on a network that went away)
in_root() {
	local r=$1
	shift
	timeout 600 chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
		${http_proxy:+http_proxy=$http_proxy} ${https_proxy:+https_proxy=$https_proxy} "$@"
}

_mounts_under() { findmnt -rn -o TARGET | awk -v p="$1/" 'index($0, p) == 1'; }
# root_mount ROOT / root_umount ROOT: /proc inside, and away again
root_mount() { mount -t proc proc "$1/proc"; }
root_umount() {
	local m
	_mounts_under "$1" | sort -r | while read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
}
# root_remove DIR: unmount, then delete, never across a mount still there
root_remove() {
	root_umount "$1"
	_mounts_under "$1" | grep -q . && { echo "still mounted under $1, kept" >&2; return 1; }
	rm -rf --one-file-system "$1"
}

# deb_root_tarball DIR: prints the cached tarball's path, building it first
# in DIR (the caller removes DIR with root_remove on exit) if it is not there,
# under a lock: concurrent runs build it once.
deb_root_tarball() {
	local arch tb b=$1 rc=0
	arch=$(dpkg --print-architecture) || return 1
	tb=$DEB_CACHE/$DEB_SUITE-$arch-minbase.v$DEB_ROOT_FORMAT.tar.zst
	mkdir -p "$DEB_CACHE" || return 1
	exec 9>"$DEB_CACHE/.lock"
	flock 9
	if [ ! -s "$tb" ]; then
		_deb_root_build "$b" "$tb" || rc=$?
		root_umount "$b"
	fi
	exec 9>&-
	[ "$rc" = 0 ] && echo "$tb"
	return $rc
}

_deb_root_build() {	# root tarball
	local r=$1
	echo "building $DEB_SUITE root from $DEB_MIRROR (once; cached in $DEB_CACHE)" >&2
	command -v debootstrap >/dev/null ||
		{ echo "needs debootstrap to build the root once (apt-get install debootstrap)" >&2; return 4; }
	timeout 900 debootstrap --variant=minbase "$DEB_SUITE" "$r" "$DEB_MIRROR" \
		>"$TMP/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$TMP/debootstrap.log" >&2; echo "debootstrap failed" >&2; return 1; }
	root_sources "$r"
	root_network "$r" || return 1
	root_mount "$r" || return 1
	in_root "$r" apt-get update >"$TMP/apt-update.log" 2>&1 &&
		in_root "$r" apt-get clean
	local rc=$?
	root_umount "$r"
	[ $rc = 0 ] || { cat "$TMP/apt-update.log" >&2; echo "apt-get update in the new root failed" >&2; return 1; }
	# the host's settings are put in again on each use, never cached
	rm -f "$r/etc/resolv.conf" "$r/etc/apt/apt.conf.d/00host"
	tar -C "$r" --zstd -cpf "$2.partial.$$" . && mv "$2.partial.$$" "$2" ||
		{ rm -f "$2.partial.$$"; echo "cannot write $2" >&2; return 1; }
}
