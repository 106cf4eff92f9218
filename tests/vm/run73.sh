#!/bin/bash
# VM test tier, Linux 7.3: boots Debian's 7.3 kernel (trixie-backports)
# under qemu (TCG) with netdevsim extended for devmem RX/TX and io_uring
# zcrx (netdevsim/devmem-7.3.patch), and runs tests/vm/guest/init73.
# See tests/vm/README.md.
#
#   tests/vm/run73.sh            (make check-vm runs it after the 6.12 tier)
#
# Environment: NCD_VM_CACHE (default /var/cache/ncdevmem-vm), NCD_VM_TIMEOUT
# (default 300 s), NCD_VM_BUILD73 (work dir, default build-vm73).
#
# Packages come from a private apt configuration kept in the cache
# ($NCD_VM_CACHE/apt73: sources.list, lists, archives); /etc/apt is only
# read (for the Debian mirror URI), never changed.
# Output: the guest's PASS/FAIL lines, then "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD

KVER_PIN=7.3.4-1~bpo13+1	# one pinned build; else the newest 7.3 offered
SERIES=7.3
CACHE=${NCD_VM_CACHE:-/var/cache/ncdevmem-vm}
W=${NCD_VM_BUILD73:-build-vm73}
SB=build-vm-static			# static build of the project (shared)
TIMEOUT=${NCD_VM_TIMEOUT:-300}
T0=$(date +%s.%N)

EXPECTED="guest-boot nsim-load nsim-link hds-on
refuse-hds-off check-hds-off refuse-no-dma refuse-rx-page-unaligned
devmem-rx devmem-rx-corrupt devmem-rx-binding-gone devmem-rx-nic-restored
devmem-rx-2q devmem-rx-2q-corrupt devmem-rx-large-niov devmem-rx-large-niov-corrupt
devmem-tx devmem-tx-corrupt devmem-tx-to-rx devmem-tx-to-rx-corrupt
zcrx-host zcrx-host-corrupt zcrx-dmabuf zcrx-dmabuf-corrupt zcrx-rx-buf-len zcrx-rx-buf-len-corrupt zcrx-enospc
zcrx-nodev-lo zcrx-nodev-lo-corrupt check-new-attrs
selftest-probe selftest-rx selftest-rx-c selftest-rx-large-niov selftest-rx-hds
selftest-tx selftest-tx-chunks upstream-pattern-6.12 upstream-pattern-6.12-mismatch
capture-devmem capture-zcrx capture-copy
rev-devmem rev-devmem-client-rx rev-devmem-server-tx rev-devmem-corrupt
rev-copy-devmem rev-copy-devmem-rx rev-copy-devmem-corrupt rev-zcrx rev-zcrx-rx rev-zcrx-corrupt rev-zcrx-nodev-lo zcrx-idle-timeout
bidir-devmem bidir-devmem-server bidir-devmem-rx bidir-devmem-tx bidir-devmem-corrupt
bidir-zcrx bidir-zcrx-server bidir-zcrx-rx bidir-zcrx-server-tx bidir-zcrx-paths bidir-zcrx-corrupt
rev-devmem-2q rev-devmem-2q-rx
rev-devmem-nic rev-devmem-nic-restored
journal-sigkill journal-restore
lease-create check-lease check-lease-netkit refuse-leased lease-gone
netkit-setup selftest-nk-rx netkit-devmem-rx netkit-devmem-rx-corrupt netkit-unleased-refused check-netkit-container
selftest-nk-tx selftest-nk-tx-chunks selftest-nk-rx-hds selftest-nk-rx-large-niov netkit-gone
userns-setup selftest-userns-rx selftest-userns-tx userns-foreign-refused userns-gone
fanin-net devmem-fanin devmem-fanin-restored devmem-fanin-corrupt
kernel-clean"

die() { echo "check-vm73: FATAL: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
step() { printf 'check-vm73: [%5.1fs] %s\n' "$(echo "$(date +%s.%N) - $T0" | bc)" "$*"; }

# ------------------------------------------------------------ host tools
. tests/vm/tier_lib.sh
vm_host_tools libelf-dev	# libelf-dev: objtool

# ------------------------------------------------------------ private apt
APT=$CACHE/apt73
mirror() {	# the Debian mirror the host already uses
	local u
	u=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' |
		grep -v security | head -1)
	[ -n "$u" ] || u=$(grep -hsE '^deb ' /etc/apt/sources.list | awk '{print $2}' |
		grep -v security | head -1)
	echo "${u:-http://deb.debian.org/debian}"
}
aptp() {	# apt-get/apt-cache with the private configuration
	local cmd=$1; shift
	"$cmd" -o Dir::Etc::sourcelist="$APT/sources.list" -o Dir::Etc::sourceparts=/dev/null \
		-o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache" "$@"
}
abi_of() { echo "${1%%-*}+deb13"; }	# 7.3.4-1~bpo13+1 -> 7.3.4+deb13
pkgs_of() {
	local a; a=$(abi_of "$1")
	echo "linux-binary-unsigned-$a-amd64=$1 linux-modules-$a-amd64=$1 linux-base-$a-amd64=$1" \
	     "linux-headers-$a-amd64=$1 linux-headers-$a-common=$1 linux-kbuild-$a=$1 linux-source-$SERIES=$1"
}
have_debs() { [ -f "$CACHE/deb-$1/.complete" ]; }

mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" || die "cannot create $APT (set NCD_VM_CACHE)"
exec 9>"$CACHE/.lock73" && flock 9
KVER=$KVER_PIN
if ! have_debs "$KVER"; then
	M=$(mirror)
	printf 'deb [trusted=yes] %s trixie-backports main\ndeb [trusted=yes] %s sid main\n' \
		"$M" "$M" >"$APT/sources.list"
	madison() { aptp apt-cache madison "linux-source-$SERIES" 2>/dev/null | awk '{print $3}'; }
	VERS=$(madison)
	if ! grep -qxF "$KVER_PIN" <<<"$VERS"; then
		step "apt-get update (private configuration in $APT)"
		aptp apt-get update >"$APT/update.log" 2>&1 || { tail -5 "$APT/update.log" >&2; die "apt-get update with $APT/sources.list failed: is $M reachable?"; }
		VERS=$(madison)
	fi
	if ! grep -qxF "$KVER_PIN" <<<"$VERS"; then
		KVER=$(sort -V <<<"$VERS" | tail -1)
		[ -n "$KVER" ] || die "no linux-source-$SERIES in trixie-backports or sid: pin another series in $0"
		echo "check-vm73: pinned $KVER_PIN is gone, using newest $SERIES: $KVER"
	fi
	step "downloading kernel packages $KVER (~300 MB)"
	mkdir -p "$CACHE/deb-$KVER"
	# shellcheck disable=SC2046  # one word per package
	( cd "$CACHE/deb-$KVER" && aptp apt-get download $(pkgs_of "$KVER") >download.log 2>&1 ) \
		|| { tail -5 "$CACHE/deb-$KVER/download.log" >&2; die "apt-get download of $KVER failed"; }
	touch "$CACHE/deb-$KVER/.complete"
fi
ABI=$(abi_of "$KVER")
KREL=$ABI-amd64
DEBS=$CACHE/deb-$KVER
TREE=$CACHE/root-$KVER
SRC=$TREE/linux-source-$SERIES
KDIR=$TREE/usr/src/linux-headers-$KREL
KB=$TREE/usr/lib/linux-kbuild-$ABI

# ------------------------------------------------------------ unpack + kbuild tools
# Debian's objtool and modpost need a newer glibc than the host's: both are
# built from linux-source and replace the prebuilt ones in the cached tree.
if [ ! -f "$TREE/.complete" ]; then
	step "unpacking packages and the needed parts of linux-source-$SERIES"
	rm -rf "$TREE" && mkdir -p "$TREE"
	for d in "$DEBS"/*.deb; do dpkg -x "$d" "$TREE" & done
	wait || die "dpkg -x failed"
	[ -f "$KDIR/Makefile" ] || die "unpacked tree incomplete: no $KDIR/Makefile"
	sed -i -e "s#^KBUILD_OUTPUT=/usr/src/#KBUILD_OUTPUT=$TREE/usr/src/#" \
		-e "s#^include /usr/src/#include $TREE/usr/src/#" "$KDIR/Makefile"
	tar -xJf "$TREE/usr/src/linux-source-$SERIES.tar.xz" -C "$TREE" \
		"linux-source-$SERIES/drivers/net/netdevsim" "linux-source-$SERIES/tools" \
		"linux-source-$SERIES/scripts/mod" "linux-source-$SERIES/scripts/include" \
		|| die "extracting linux-source-$SERIES"
	rm -f "$TREE/usr/src/linux-source-$SERIES.tar.xz"

	step "building objtool and modpost from linux-source-$SERIES"
	mkdir -p "$TREE/objtool"
	make -s -C "$SRC/tools/objtool" O="$TREE/objtool" -j"$(nproc)" >"$TREE/objtool.log" 2>&1 \
		|| { tail -20 "$TREE/objtool.log" >&2; die "objtool build failed (libelf-dev installed?)"; }
	# modpost: headers its sources include by "../../include/...", the
	# devicetable offsets generated by kbuild, elfconfig.h by mk_elfconfig
	MB=$TREE/modpost
	mkdir -p "$MB/scripts/mod" "$MB/tmp"
	ln -sfn "$TREE/usr/src/linux-headers-$ABI-common/include" "$MB/include"
	cp "$SRC"/scripts/mod/*.[ch] "$MB/scripts/mod/"
	cp "$SRC/scripts/mod/devicetable-offsets.c" "$MB/tmp/" && echo 'obj-m :=' >"$MB/tmp/Kbuild"
	make -C "$KDIR" M="$MB/tmp" CC=gcc CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT= \
		devicetable-offsets.s >"$TREE/modpost.log" 2>&1 || { tail -20 "$TREE/modpost.log" >&2; die "devicetable offsets"; }
	M=$MB/scripts/mod
	{
		echo "#ifndef __DEVICETABLE_OFFSETS_H__"
		echo "#define __DEVICETABLE_OFFSETS_H__"
		sed -ne 's:^[[:space:]]*\.ascii[[:space:]]*"\(.*\)".*:\1:; /^->/{s:->#\(.*\):/* \1 */:; s:^->\([^ ]*\) [\$#]*\([^ ]*\) \(.*\):#define \1 \2 /* \3 */:; s:->::; p;}' \
			<"$MB/tmp/devicetable-offsets.s"
		echo "#endif"
	} >"$M/devicetable-offsets.h"
	if ! { gcc -O2 -o "$M/mk_elfconfig" "$M/mk_elfconfig.c" &&
	       gcc -c -o "$M/empty.o" "$M/empty.c" &&
	       "$M/mk_elfconfig" <"$M/empty.o" >"$M/elfconfig.h" &&
	       gcc -O2 -I"$M" -I"$SRC/scripts/include" -o "$M/modpost" "$M/modpost.c" \
			"$M/file2alias.c" "$M/sumversion.c" "$M/symsearch.c"; } >>"$TREE/modpost.log" 2>&1; then
		tail -20 "$TREE/modpost.log" >&2; die "modpost build failed"
	fi
	if ! { cp "$M/modpost" "$KB/scripts/mod/modpost.real-lsb-64" &&
	       cp "$TREE/objtool/objtool" "$KB/tools/objtool/objtool.real-x86"; }; then
		die "installing objtool/modpost into $KB"
	fi
	touch "$TREE/.complete"
fi
VMLINUZ=$TREE/usr/lib/modules/$KREL/vmlinuz.unsigned
if [ ! -f "$VMLINUZ" ] || [ ! -d "$KDIR" ]; then
	die "unpacked tree incomplete: $TREE (remove it to redo)"
fi

# ------------------------------------------------------------ netdevsim
# the kernel was built by gcc-14: drop the flags gcc-12 lacks
vm_netdevsim "$SRC/drivers/net/netdevsim" "$ROOT/tests/vm/netdevsim/devmem-7.3.patch" \
	"$KDIR" CC=gcc CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=

# ------------------------------------------------------------ guest tools
# socat (the selftest's peer) and tcpdump (header-only capture) with their
# libraries, from the host suite's .debs (apt-get download, never installed)
GUEST_DEBS="socat tcpdump libpcap0.8 libdbus-1-3 libssl3 libwrap0 libnsl2 libtirpc3
libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0 libcom-err2 libkeyutils1 libc6
libsystemd0 libcap2 libgcrypt20 libgpg-error0 liblz4-1 liblzma5 libzstd1"
GT=$CACHE/guest-tools-$(echo "$GUEST_DEBS" | sha256sum | cut -c1-12)
if [ ! -f "$GT/.complete" ]; then
	step "downloading socat, tcpdump and their libraries for the guest"
	rm -rf "$GT" && mkdir -p "$GT/debs" "$GT/root"
	# shellcheck disable=SC2086  # one word per package
	( cd "$GT/debs" && apt-get download $GUEST_DEBS >download.log 2>&1 ) ||
		{ apt-get update >/dev/null 2>&1 && ( cd "$GT/debs" && apt-get download $GUEST_DEBS >download.log 2>&1 ); } ||
		{ tail -5 "$GT/debs/download.log" >&2; die "apt-get download of the guest tools failed"; }
	for d in "$GT"/debs/*.deb; do dpkg -x "$d" "$GT/root" || die "dpkg -x $d"; done
	touch "$GT/.complete"
fi
exec 9>&-

# ------------------------------------------------------------ static binaries
step "building static ncdevmem and guest programs"
mkdir -p "$W"
STATUS=$W/build-status
: >"$STATUS"
vm_static ncdevmem
GCC_GUEST="gcc -O2 -g -static -std=gnu11 -Wall -D_GNU_SOURCE -I."
$GCC_GUEST -o "$W/vm_testbed" tests/vm/guest/vm_testbed.c >"$W/vm_testbed.log" 2>&1 \
	|| { cat "$W/vm_testbed.log" >&2; die "vm_testbed does not build"; }
sed 's/^/check-vm73: not built: /' "$STATUS"

# ------------------------------------------------------------ initramfs
step "building initramfs"
vm_initramfs_start tests/vm/guest/init73
for f in journal.sh lease73.sh fanin73.sh peers73.sh netkit73.sh userns73.sh; do
	cp "tests/vm/guest/$f" "$IR/$f" || die "$f"
done
cp "$W/vm_testbed" "$IR/bin/"
# socat and tcpdump, the libraries they need (by DT_NEEDED) and the loader
mkdir -p "$IR/lib/x86_64-linux-gnu" "$IR/lib64" "$IR/etc"
GL=$GT/root/usr/lib/x86_64-linux-gnu
[ -d "$GL" ] || GL=$GT/root/lib/x86_64-linux-gnu
libdirs="$GT/root/usr/lib/x86_64-linux-gnu $GT/root/lib/x86_64-linux-gnu"
want="$GT/root/usr/bin/socat $GT/root/usr/bin/tcpdump"
# shellcheck disable=SC2086  # a list of paths without spaces
cp $want "$IR/bin/"
seen=" "
while [ -n "$want" ]; do
	next=""
	for f in $want; do
		for so in $(readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			case "$seen" in *" $so "*) continue ;; esac
			seen="$seen$so "
			src=""
			for d in $libdirs; do [ -e "$d/$so" ] && { src=$d/$so; break; }; done
			[ -n "$src" ] || die "guest tools: $so not in the unpacked .debs"
			cp -L "$src" "$IR/lib/x86_64-linux-gnu/$so"
			next="$next $src"
		done
	done
	want=$next
done
cp -L "$GT/root/lib64/ld-linux-x86-64.so.2" "$IR/lib64/" 2>/dev/null ||
	cp -L "$GL/ld-linux-x86-64.so.2" "$IR/lib64/" || die "guest tools: no ld-linux-x86-64.so.2"
printf 'root:x:0:0:root:/root:/bin/sh\ntcpdump:x:104:110::/nonexistent:/bin/false\n' >"$IR/etc/passwd"
printf 'root:x:0:\ntcpdump:x:110:\n' >"$IR/etc/group"
strip --strip-debug -o "$IR/lib/netdevsim.ko" "$MOD" || die "strip netdevsim.ko"
vm_module "$TREE/usr/lib/modules/$KREL" psample
vm_module "$TREE/usr/lib/modules/$KREL" veth	# the fan-in senders reach the router over it
vm_initramfs_finish

# ------------------------------------------------------------ boot
OUT2=$W/ttyS1.log	# the guest's files (pcaps), base64 between markers
rm -f "$OUT2"
vm_boot "oops=panic hugepages=40" -serial "file:$OUT2"

# ------------------------------------------------------------ captures
# the guest's pcaps (base64 on ttyS1) judged by the host's run_pair analysis
HLOG=$W/host-checks.log
: >"$HLOG"
GF=$W/guest-files
rm -rf "$GF" && mkdir -p "$GF"
[ -f "$OUT2" ] && awk -v d="$GF" '/^=== FILE /{f=d "/" $3 ".b64"; next} /^=== END/{f=""; next}
	f!=""{print >f}' <(tr -d '\r' <"$OUT2")
for c in devmem:5250 zcrx:5251 copy:5252; do
	m=${c%%:*} port=${c#*:} name=capture-${c%%:*}
	[ -f "$GF/$name.pcap.b64" ] || continue	# the guest said why
	if ! base64 -d "$GF/$name.pcap.b64" >"$GF/$name.pcap" 2>/dev/null; then
		echo "FAIL $name: the pcap did not come back intact over ttyS1" | tee -a "$HLOG"; continue
	fi
	line=$(python3 scripts/lib/pcap_payload.py "$GF/$name.pcap" --port "$port" --mode "$m" \
		--pattern offset --json "$GF/$name.json" 2>&1)
	if grep -q '"expected": true' "$GF/$name.json" 2>/dev/null; then
		echo "PASS $name" | tee -a "$HLOG"
	else
		echo "FAIL $name: not the expected verdict" | tee -a "$HLOG"
	fi
	echo "    | $line" | tee -a "$HLOG"
done

# ------------------------------------------------------------ verdict
. tests/vm/verdict.sh
vm_verdict "$QRC" "$TIMEOUT" "$LOG" "$HLOG"
