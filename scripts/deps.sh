#!/bin/bash
# Installs the Debian packages ncdevmem builds and tests with, only those
# missing.  Used by .ci/run, scripts/run_pair.sh and `make check`.
# NCD_NO_APT=1 skips installing (then missing tools make tests skip).
set -u
PKGS="build-essential pkg-config libnl-3-dev libnl-genl-3-dev liburing-dev
libcmocka-dev iproute2 iperf3 jq tcpdump socat netcat-openbsd python3 gnuplot-nox
clang libclang-rt-14-dev valgrind qemu-system-x86 busybox-static cpio xz-utils
kmod patch bc file gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static
openssh-server openssh-client nftables debootstrap lintian zstd"
[ "${1:-}" = "--list" ] && { echo $PKGS; exit 0; }
missing=()
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ -n "${NCD_NO_APT:-}" ] || [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
	echo "deps: missing Debian packages: ${missing[*]} (install them with apt-get as root)" >&2
	exit 0
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null &&
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
	{ echo "deps: apt-get install failed: check the package mirror" >&2; exit 1; }
