#!/bin/bash
# make install / make uninstall into a DESTDIR: binary, man page, bash
# completion; the man page documents every long option the binary accepts
# and every exit code, and renders without groff warnings; the completion
# offers every option and the --mem/--mode values; -V prints the version
# from git describe (VERSION alone outside a git tree) and the features.
. "$(dirname "$0")/lib.sh"
[ -x "$NCDEVMEM" ] || skip "no ncdevmem binary at $NCDEVMEM"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BD=$(dirname "$NCDEVMEM")
D=$TMP/dest
make -s -C "$ROOT" B="$BD" install DESTDIR="$D" PREFIX=/usr >"$TMP/make.log" 2>&1 ||
	{ cat "$TMP/make.log"; fail "make install exit $?"; }
BIN=$D/usr/bin/ncdevmem MAN=$D/usr/share/man/man1/ncdevmem.1
COMP=$D/usr/share/bash-completion/completions/ncdevmem
for f in "$BIN" "$MAN" "$COMP"; do [ -s "$f" ] || fail "make install: $f missing"; done
[ -x "$BIN" ] || fail "installed binary not executable"

# every long option of the binary (from its --help) is in the man page
opts=$("$BIN" --help | grep -E '^ +-' | grep -oE -- '--[a-z][a-z-]*' | sort -u)
[ "$(echo "$opts" | wc -l)" -ge 30 ] || fail "too few options parsed from --help: $opts"
sed 's/\\-/-/g' "$MAN" >"$TMP/man.txt"
for o in $opts; do
	grep -qE -- "(^|[^a-z-])$o([^a-z-]|\$)" "$TMP/man.txt" || fail "man page lacks $o"
done
for o in $(grep -oE '^ +\{ "[a-z-]+"' "$ROOT/opts.c" | grep -oE '[a-z-]+'); do
	echo "$opts" | grep -qx -- "--$o" || fail "--help lacks --$o (opts.c has it)"
done
for c in 0 1 2 4 128+N; do
	sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$MAN" | grep -qx "\\.B $c" || fail "man page: exit code $c"
done
if command -v groff >/dev/null; then
	groff -man -ww -z "$MAN" 2>"$TMP/groff.err"
	[ ! -s "$TMP/groff.err" ] || { cat "$TMP/groff.err"; fail "groff warnings in the man page"; }
fi

# completion, with the installed binary
out=$(bash -c '. "$1"; COMP_WORDS=("$2" -); COMP_CWORD=1; _ncdevmem; echo "${COMPREPLY[*]}"' _ "$COMP" "$BIN")
for o in $opts; do
	[[ " $out " == *" $o "* ]] || fail "completion lacks $o: $out"
done
out=$(bash -c '. "$1"; COMP_WORDS=("$2" --mem ""); COMP_CWORD=2; _ncdevmem; echo "${COMPREPLY[*]}"' _ "$COMP" "$BIN")
[ "$out" = "host udmabuf cuda" ] || fail "--mem completion: $out"
out=$(bash -c '. "$1"; COMP_WORDS=("$2" --mode d); COMP_CWORD=2; _ncdevmem; echo "${COMPREPLY[*]}"' _ "$COMP" "$BIN")
[ "$out" = "devmem" ] || fail "--mode d completion: $out"

# -V: version (git describe of this tree) and the features
"$BIN" -V >"$TMP/v" || fail "-V exit $?"
ver=$(cat "$ROOT/VERSION")
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	assert_contains "$TMP/v" "^ncdevmem $ver \\(git [0-9a-f]{7,}(-dirty)?\\)$" "-V: version and git revision"
else
	assert_contains "$TMP/v" "^ncdevmem $ver$" "-V: version"
fi
assert_contains "$TMP/v" "^liburing: $(pkg-config --modversion liburing) " "-V: liburing version"
assert_contains "$TMP/v" '^io_uring zcrx: ' "-V: zcrx"
assert_contains "$TMP/v" '^CUDA: loader' "-V: CUDA loader"
assert_contains "$TMP/v" '^SIMD levels: .*portable scalar; in use: (avx512|avx2|portable)$' "-V: SIMD levels"
NCD_ISA=scalar "$BIN" -V | grep -q 'in use: scalar$' || fail "-V does not report the level in use"

# outside a git tree: VERSION alone, no git part
mkdir -p "$TMP/src"
cp "$ROOT/Makefile" "$ROOT/VERSION" "$ROOT"/*.c "$ROOT"/*.h "$TMP/src/"
make -s -C "$TMP/src" B=b b/version.o >"$TMP/make2.log" 2>&1 || { cat "$TMP/make2.log"; fail "build of version.o outside git"; }
strings -n 3 "$TMP/src/b/version.o" | grep -qx "$ver" || fail "no plain version outside a git tree"
strings "$TMP/src/b/version.o" | grep -q '(git ' && fail "git part outside a git tree"

make -s -C "$ROOT" B="$BD" uninstall DESTDIR="$D" PREFIX=/usr >"$TMP/make.log" 2>&1 ||
	{ cat "$TMP/make.log"; fail "make uninstall exit $?"; }
left=$(find "$D" -type f)
[ -z "$left" ] || fail "make uninstall left: $left"
ok "install, man page, completion, -V, uninstall"
