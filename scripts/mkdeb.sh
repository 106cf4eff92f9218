#!/bin/bash
# SPDX-License-Identifier: MIT
# make deb: builds B/ncdevmem_VERSION_ARCH.deb with Debian's own tools:
# `make install` into a staging root, dpkg-shlibdeps for Depends, dpkg-deb
# to build.  usage: scripts/mkdeb.sh [BUILD_DIR]   (prints the .deb's path)
# Exit 0 ok, 1 failed, 4 dpkg-deb or dpkg-shlibdeps missing.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=${1:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
die() { echo "mkdeb: $*" >&2; exit 1; }
command -v dpkg-deb >/dev/null || { echo "mkdeb: needs dpkg-deb (apt-get install dpkg)" >&2; exit 4; }
command -v dpkg-shlibdeps >/dev/null || { echo "mkdeb: needs dpkg-shlibdeps (apt-get install dpkg-dev)" >&2; exit 4; }

W=$B/deb
ST=$W/root
rm -rf "$W" && mkdir -p "$ST/DEBIAN" "$W/debian" || die "cannot create $W"
make -s -C "$ROOT" B="$B" install DESTDIR="$ST" PREFIX=/usr >/dev/null ||
	die "make install into $ST failed"
# as dh_strip does: lintian's unstripped-binary-or-object otherwise
strip --remove-section=.comment --remove-section=.note --strip-unneeded \
	"$ST/usr/bin/ncdevmem" || die "strip failed"
gzip -9n "$ST/usr/share/man/man1/ncdevmem.1" || die "gzip of the man page failed"
DOC=$ST/usr/share/doc/ncdevmem
mkdir -p "$DOC"
# the build's date: the commit's when built from git (reproducible), else now
WHEN=$(cd "$ROOT" && test -e .git && git log -1 --format=%ct 2>/dev/null) || WHEN=
WHEN=${SOURCE_DATE_EPOCH:-${WHEN:-$(date +%s)}}
YEAR=$(date -u -d "@$WHEN" +%Y)
cat >"$DOC/copyright" <<TXT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: ncdevmem

Files: *
Copyright: $YEAR the ncdevmem authors
License: MIT
 Permission is hereby granted, free of charge, to any person obtaining a
 copy of this software and associated documentation files (the "Software"),
 to deal in the Software without restriction, including without limitation
 the rights to use, copy, modify, merge, publish, distribute, sublicense,
 and/or sell copies of the Software, and to permit persons to whom the
 Software is furnished to do so, subject to the following conditions:
 .
 The above copyright notice and this permission notice shall be included
 in all copies or substantial portions of the Software.
 .
 THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS
 OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
 MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT.
 IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY
 CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT,
 TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE
 SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
TXT

# Version: VERSION, plus the git revision when built from a git tree
VER=$(cat "$ROOT/VERSION") || die "no VERSION file"
GIT=$(cd "$ROOT" && test -e .git && git describe --tags --always --dirty 2>/dev/null)
[ -z "$GIT" ] || VER=$VER+g$(echo "$GIT" | tr -c 'A-Za-z0-9.+~\n' .)
ARCH=$(dpkg --print-architecture) || die "dpkg --print-architecture failed"

# dpkg-shlibdeps wants a debian/control naming the package
printf 'Source: ncdevmem\n\nPackage: ncdevmem\nArchitecture: any\n' >"$W/debian/control"
DEPS=$(cd "$W" && dpkg-shlibdeps -O root/usr/bin/ncdevmem 2>"$W/shlibdeps.err") ||
	{ cat "$W/shlibdeps.err" >&2; die "dpkg-shlibdeps failed"; }
DEPS=${DEPS#shlibs:Depends=}
[ -n "$DEPS" ] || die "dpkg-shlibdeps found no dependencies"

MAINT=${DEB_MAINTAINER:-ncdevmem maintainers <maintainers@users.noreply.r-seed-e4220382.example>}
# a native package carries its Debian changelog as changelog.gz
cat >"$DOC/changelog" <<LOG
ncdevmem ($VER) unstable; urgency=medium

  * Built from the source tree with make deb; the history is the git log.

 -- $MAINT  $(LC_ALL=C date -u -R -d "@$WHEN")
LOG
gzip -9n "$DOC/changelog" || die "gzip of the changelog failed"
(cd "$ST" && find usr -type f -print0 | sort -z | xargs -0 md5sum >DEBIAN/md5sums) ||
	die "md5sums failed"

cat >"$ST/DEBIAN/control" <<CTL
Package: ncdevmem
Version: $VER
Architecture: $ARCH
Maintainer: $MAINT
Installed-Size: $(du -sk --exclude=DEBIAN "$ST" | cut -f1)
Depends: $DEPS
Recommends: iperf3
Section: net
Priority: optional
Description: benchmark and test tool for Linux device memory TCP
 A netcat-style tool that receives TCP payload into GPU or host dma-buf
 memory through devmem TCP (or io_uring zcrx, or the copy path), validates
 it in place and reports throughput and CPU cost like iperf3.
CTL
DEB=$B/ncdevmem_${VER}_$ARCH.deb
dpkg-deb --root-owner-group -Zxz --build "$ST" "$DEB" >/dev/null || die "dpkg-deb --build failed"
echo "$DEB"
