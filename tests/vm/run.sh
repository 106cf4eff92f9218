#!/bin/bash
# VM test tier: boots Debian's Linux 6.12 under qemu (TCG) with an extended
# netdevsim that can do devmem RX, and runs the guest checks in
# tests/vm/guest/init.  See tests/vm/README.md.
#
#   tests/vm/run.sh            (or: make check-vm)
#
# Environment:
#   NCD_VM_CACHE    where packages, unpacked trees and built modules are kept
#                   (default /var/cache/ncdevmem-vm; outside the repo)
#   NCD_VM_TIMEOUT  hard limit for the VM run in seconds (default 300)
#   NCD_VM_KEEP=1   keep going after a failed prerequisite build where possible
#   NCD_VM_BUILD    work directory in the repo (default build-vm)
#
# Output: the guest's PASS/FAIL lines, then "N passed, N failed".  Exit 0 only
# if every expected check printed PASS and the guest printed VM-DONE.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

# One pinned kernel build; if the archive dropped it, the newest 6.12.
KVER_PIN=6.12.117-1~deb12u1
CACHE=${NCD_VM_CACHE:-/var/cache/ncdevmem-vm}
W=${NCD_VM_BUILD:-build-vm}
SB=build-vm-static			# static build of the project
TIMEOUT=${NCD_VM_TIMEOUT:-300}
T0=$(date +%s.%N)

# Checks the guest must report as PASS, in order.
EXPECTED="guest-boot udmabuf-device nsim-load nsim-link testbed-bind testbed-devmem-rx
udmabuf-alloc udmabuf-limit udmabuf-mmap-sync udmabuf-validate
bind-rx-ok bind-rx-range bind-rx-busy bind-rx-unbind-on-close bind-rx-bad-fd bind-rx-virtual-refused check-readiness
devmem-rx-64M devmem-rx-tokens devmem-rx-token-batch devmem-rx-binding-gone devmem-rx-nic-restored devmem-rx-corrupt devmem-rx-upstream-pattern devmem-rx-nic-config devmem-rx-missteered
kernel-clean"

die() { echo "check-vm: FATAL: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
step() { printf 'check-vm: [%5.1fs] %s\n' "$(echo "$(date +%s.%N) - $T0" | bc)" "$*"; }

# ------------------------------------------------------------ host tools
. tests/vm/tier_lib.sh
vm_host_tools

# ------------------------------------------------------------ kernel packages
abi_of() { local v=${1%%-*}; echo "$v+deb12"; }	# 6.12.117-1~deb12u1 -> 6.12.117+deb12
pkgs_of() {	# version -> package=version list
	local a; a=$(abi_of "$1")
	echo "linux-image-$a-amd64-unsigned=$1 linux-headers-$a-amd64=$1" \
	     "linux-headers-$a-common=$1 linux-kbuild-$a=$1 linux-source-6.12=$1"
}
have_debs() { [ -f "$CACHE/deb-$1/.complete" ]; }

KVER=$KVER_PIN
madison() { apt-cache madison linux-source-6.12 2>/dev/null | awk '{print $3}'; }
if ! have_debs "$KVER"; then
	VERS=$(madison)
	if ! grep -qxF "$KVER_PIN" <<<"$VERS"; then
		apt-get update >/dev/null 2>&1
		VERS=$(madison)
	fi
	if ! grep -qxF "$KVER_PIN" <<<"$VERS"; then
		KVER=$(sort -V <<<"$VERS" | tail -1)
		[ -n "$KVER" ] || die "apt-cache madison offers no linux-source-6.12 (bookworm-security in sources.list?)"
		echo "check-vm: pinned $KVER_PIN is gone, using newest 6.12: $KVER"
	fi
fi
ABI=$(abi_of "$KVER")
KREL=$ABI-amd64
DEBS=$CACHE/deb-$KVER
TREE=$CACHE/root-$KVER
mkdir -p "$DEBS" || die "cannot create $DEBS (set NCD_VM_CACHE)"
# one run at a time fills the cache
exec 9>"$CACHE/.lock" && flock 9
if ! have_debs "$KVER"; then
	step "downloading kernel packages $KVER (~280 MB)"
	( cd "$DEBS" && apt-get download $(pkgs_of "$KVER") >/dev/null 2>"$DEBS/download.log" ) \
		|| { cat "$DEBS/download.log" >&2; die "apt-get download failed"; }
	touch "$DEBS/.complete"
fi
if [ ! -f "$TREE/.complete" ]; then
	step "unpacking packages"
	rm -rf "$TREE" && mkdir -p "$TREE"
	for d in "$DEBS"/*.deb; do dpkg -x "$d" "$TREE" || die "dpkg -x $d"; done
	# the headers' Makefile includes the -common tree by absolute path
	sed -i "s#^include /usr/src/#include $TREE/usr/src/#" "$TREE/usr/src/linux-headers-$KREL/Makefile"
	tar -xJf "$TREE/usr/src/linux-source-6.12.tar.xz" -C "$TREE" \
		linux-source-6.12/drivers/net/netdevsim || die "extracting netdevsim source"
	rm -f "$TREE/usr/src/linux-source-6.12.tar.xz"
	touch "$TREE/.complete"
fi
KDIR=$TREE/usr/src/linux-headers-$KREL
VMLINUZ=$TREE/boot/vmlinuz-$KREL
[ -f "$VMLINUZ" ] && [ -d "$KDIR" ] || die "unpacked tree incomplete: $TREE"

# ------------------------------------------------------------ netdevsim
vm_netdevsim "$TREE/linux-source-6.12/drivers/net/netdevsim" \
	"$ROOT/tests/vm/netdevsim/devmem.patch" "$KDIR"
exec 9>&-

# ------------------------------------------------------------ static binaries
# Static builds of the project and of the guest test programs.  A program
# that cannot be built yet is recorded in /build-status and its checks FAIL
# in the guest with that reason (never skipped silently).
step "building static ncdevmem and guest programs"
mkdir -p "$W"
STATUS=$W/build-status
: >"$STATUS"
vm_static libncd.a ncdevmem
GCC_GUEST="gcc -O2 -g -static -std=gnu11 -Wall -D_GNU_SOURCE -I. $(pkg-config --cflags libnl-3.0 libnl-genl-3.0)"
$GCC_GUEST -o "$W/vm_testbed" tests/vm/guest/vm_testbed.c >"$W/vm_testbed.log" 2>&1 \
	|| { cat "$W/vm_testbed.log" >&2; die "vm_testbed does not build"; }
for p in vm_udmabuf vm_bind; do
	if ! $GCC_GUEST -o "$W/$p" tests/vm/guest/$p.c "$SB/libncd.a" $STATIC_LIBS >"$W/$p.log" 2>&1; then
		rm -f "$W/$p"
		echo "$p $(grep -m1 -E 'error|undefined reference' "$W/$p.log" | sed 's#.*/##')" >>"$STATUS"
	fi
done
sed 's/^/check-vm: not built: /' "$STATUS"

# ------------------------------------------------------------ initramfs
step "building initramfs"
vm_initramfs_start tests/vm/guest/init
cp "$W/vm_testbed" "$IR/bin/"
for p in vm_udmabuf vm_bind; do [ -x "$W/$p" ] && cp "$W/$p" "$IR/bin/"; done
cp "$MOD" "$IR/lib/netdevsim.ko"
vm_module "$TREE/lib/modules/$KREL" psample
vm_initramfs_finish

# ------------------------------------------------------------ boot
vm_boot ""

# ------------------------------------------------------------ verdict
. tests/vm/verdict.sh
vm_verdict "$QRC" "$TIMEOUT" "$LOG"
