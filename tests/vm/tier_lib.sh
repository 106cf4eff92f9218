# shellcheck shell=bash
# Sourced by the VM tiers (run.sh, run73.sh): the host-side steps both take
# the same way.  The caller sets W (work dir), SB (static build dir),
# STATUS (the build-status file), and defines die() and step().

# vm_host_tools [PKG...]: install what building and booting a tier needs
# (and the extra Debian packages named), only what is missing; sets BUSYBOX.
vm_host_tools() {
	local need=() t a
	command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
	dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
	for t in cpio:cpio xz:xz-utils patch:patch bc:bc gcc:gcc make:make; do
		command -v "${t%%:*}" >/dev/null || need+=("${t#*:}")
	done
	for a in libnl-3.a libnl-genl-3.a liburing.a; do
		[ -f /usr/lib/x86_64-linux-gnu/$a ] ||
			need+=(libnl-3-dev libnl-genl-3-dev liburing-dev)
	done
	for t in "$@"; do
		dpkg -s "$t" >/dev/null 2>&1 || need+=("$t")
	done
	if [ ${#need[@]} -gt 0 ]; then
		echo "$(basename "$0"): installing ${need[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1 || {
			apt-get update >/dev/null && apt-get install -y --no-install-recommends \
				"${need[@]}" >/dev/null; } || die "cannot install ${need[*]}"
	fi
	BUSYBOX=$(command -v busybox-static 2>/dev/null || echo /bin/busybox)
	[ -x "$BUSYBOX" ] || die "no static busybox"
}

# vm_netdevsim SRCDIR PATCH KDIR [MAKEVAR...]: netdevsim's source with our
# PATCH, built against the headers in KDIR, cached by kernel and patch hash
# as $CACHE/netdevsim-$KREL-KEY.ko; sets MOD.  Needs ROOT, CACHE, KREL, KVER.
vm_netdevsim() {
	local src=$1 patch=$2 kdir=$3 key
	shift 3
	key=$(sha256sum "$patch" | cut -c1-16)
	MOD=$CACHE/netdevsim-$KREL-$key.ko
	[ -f "$MOD" ] && return 0
	step "building extended netdevsim for $KREL (patch $key)"
	rm -rf "$W/netdevsim" && mkdir -p "$W" && cp -r "$src" "$W/netdevsim"
	( cd "$W/netdevsim" && patch -p1 -s <"$patch" ) ||
		die "$(basename "$patch") does not apply to $KVER"
	make -C "$kdir" M="$ROOT/$W/netdevsim" CONFIG_DEBUG_INFO_BTF_MODULES= "$@" \
		-j"$(nproc)" modules >"$W/netdevsim.log" 2>&1 ||
		{ tail -30 "$W/netdevsim.log" >&2; die "netdevsim build failed (log: $W/netdevsim.log)"; }
	cp "$W/netdevsim/netdevsim.ko" "$MOD.tmp" && mv "$MOD.tmp" "$MOD"
}

# vm_static TARGET...: static builds of the project's make targets in $SB
# (static libnl/liburing); a target that fails is recorded in $STATUS with
# its first error, so the guest checks needing it FAIL with that reason.
vm_static() {
	local t log
	STATIC_LIBS="$(pkg-config --static --libs libnl-3.0 libnl-genl-3.0 liburing) -ldl -lm -pthread"
	for t in "$@"; do
		log=$W/static-$t.log
		CFLAGS='-O2 -g' LDFLAGS=-static make -s -j"$(nproc)" B="$SB" \
			LDLIBS="$STATIC_LIBS" "$SB/$t" >"$log" 2>&1 && continue
		echo "$t static build failed: $(grep -m1 -E 'error|undefined|No rule' "$log")" >>"$STATUS"
	done
}

# vm_initramfs_start INIT: a fresh $IR with busybox and INIT as /init.
vm_initramfs_start() {
	IR=$W/initramfs
	rm -rf "$IR" && mkdir -p "$IR"/{bin,lib,proc,sys,dev,tmp,run}
	cp "$BUSYBOX" "$IR/bin/busybox"
	cp "$1" "$IR/init" && chmod 755 "$IR/init"
}

# vm_initramfs_finish: the static ncdevmem (or the reason it is missing),
# /build-status, and the cpio archive $W/initramfs.cpio.
vm_initramfs_finish() {
	[ -x "$SB/ncdevmem" ] && ! readelf -l "$SB/ncdevmem" | grep -q interpreter &&
		cp "$SB/ncdevmem" "$IR/bin/"
	[ -x "$IR/bin/ncdevmem" ] || grep -q "^ncdevmem " "$STATUS" ||
		echo "ncdevmem static binary missing" >>"$STATUS"
	cp "$STATUS" "$IR/build-status"
	( cd "$IR" && find . | cpio -o -H newc --quiet ) >"$W/initramfs.cpio" || die "cpio"
}

# vm_module MODDIR NAME: a module of the unpacked kernel (its
# lib/modules/KREL), decompressed into the initramfs as /lib/NAME.ko
vm_module() {
	local ko
	ko=$(find "$1" -name "$2.ko.xz" | head -1)
	[ -n "$ko" ] && xz -dc "$ko" >"$IR/lib/$2.ko" || die "$2.ko not in $1"
}

# vm_boot APPEND [QEMU_ARG...]: boot $VMLINUZ with $W/initramfs.cpio under
# qemu TCG (at most $TIMEOUT s; QEMU_ARGs after the console's -serial), the
# console in $LOG, its check lines on stdout; sets LOG and QRC.  TCG has
# been seen to oops while the kernel patches its own code at boot (int3 in
# sched_clock_cpu, ~2 s in, before /init, on 6.12 and 7.3): not our code,
# and no check ran, so such a boot is tried once more; an oops once the
# checks run still fails.
vm_boot() {
	LOG=$W/console.log
	step "booting $KREL under qemu TCG (timeout ${TIMEOUT}s)"
	vm_boot_once "$@"
	if ! grep -qE '^(PASS|FAIL) ' "$LOG" && grep -qE 'Oops|Kernel panic' "$LOG"; then
		step "the kernel died while booting, before any check (a TCG flake): booting once more"
		vm_boot_once "$@"
	fi
	step "guest finished (qemu rc=$QRC)"
}

vm_boot_once() {
	local append=$1
	shift
	timeout -k 5 "$TIMEOUT" qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp 2 -m 1024 \
		-nographic -no-reboot -nodefaults -serial stdio "$@" \
		-kernel "$VMLINUZ" -initrd "$W/initramfs.cpio" \
		-append "console=ttyS0 quiet panic=-1 $append" </dev/null 2>&1 |
		sed -u 's/\r$//; s/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g' | tee "$LOG" |
		grep --line-buffered -E '^(PASS|FAIL|    \|)|VM-|Kernel panic|BUG:|WARNING:'
	QRC=${PIPESTATUS[0]}
}
