#!/bin/bash
# --check and a real run read memory providers through the same probe: with
# NCD_LIBCUDA on the fake, --check names that library, its driver version and
# the GPU a run picks; every reason a real run refuses cuda or udmabuf with
# ("<kind>: <why>: <fix>" on stderr) is --check's FAIL line "<kind>: <why> ->
# <fix>", word for word.  udmabuf goes through its seams (NCD_UDMABUF_DEV,
# NCD_UDMABUF_LIMIT) since this host may have no /dev/udmabuf.
. "$(dirname "$0")/lib.sh"

FAKE=$B/tests/fake_cuda/libcuda.so.1
[ -f "$FAKE" ] || fail "fake libcuda not built (make tests)"
[ -x "$NCDEVMEM" ] || fail "no $NCDEVMEM"
port=$((20000 + $$ % 20000))

# The real run's refusal: its one line that is not the GPU choice.
reason() { grep -v '^cuda: using GPU\|^cuda: warning\|^ncdevmem: lo is a virtual' "$1" | head -1; }

# same_reason what real-stderr check-stdout
same_reason() {
	local what=$1 l want
	l=$(reason "$2")
	[ -n "$l" ] || { cat "$2"; fail "$what: the real run printed no reason"; }
	want="[FAIL] ${l%: *} -> ${l##*: }"
	grep -qxF -- "$want" "$3" ||
		{ echo "real run: $l"; grep -v '^\[ ok \]' "$3"; fail "$what: --check does not say '$want'"; }
	echo "$what: $want"
}

# chk out env...: --check on lo with the memory options that follow "--"
chk() {
	local out=$1; shift
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env "${envs[@]}" "$NCDEVMEM" --check -f lo "$@" >"$out" 2>&1 </dev/null
	[ $? = 4 ] || { cat "$out"; fail "--check on lo: not exit 4"; }
}

# A devmem receiver on lo opens its memory, then refuses lo (virtual): the
# GPU choice or the provider's reason is on stderr either way.
real() {
	local err=$1; shift
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env "${envs[@]}" timeout 20 "$NCDEVMEM" -l -f lo -s 127.0.0.1 -p $port \
		-n "$@" >/dev/null 2>"$err" </dev/null
}

# --- cuda: what the driver is and which GPU a run takes ---
real "$TMP/r1" NCD_LIBCUDA="$FAKE" FAKE_CUDA_DEVICES=2 -- --mem cuda --gpu 1
chk "$TMP/c1" NCD_LIBCUDA="$FAKE" FAKE_CUDA_DEVICES=2 -- --mem cuda --gpu 1
gpu=$(sed -n 's/^cuda: using \(GPU .*\)$/\1/p' "$TMP/r1")
[ -n "$gpu" ] || { cat "$TMP/r1"; fail "the real run named no GPU"; }
grep -F "[ ok ] cuda: $FAKE, CUDA 12.4 driver, 2 GPU(s); would use $gpu" "$TMP/c1" ||
	{ cat "$TMP/c1"; fail "--check does not name $FAKE, its driver and '$gpu'"; }
real "$TMP/r2" NCD_LIBCUDA="$FAKE" -- --mem cuda
chk "$TMP/c2" NCD_LIBCUDA="$FAKE" -- --mem cuda
gpu=$(sed -n 's/^cuda: using \(GPU .*\)$/\1/p' "$TMP/r2")
grep -qF "would use $gpu" "$TMP/c2" || { cat "$TMP/c2"; fail "default GPU: not '$gpu'"; }

# --- cuda: every refusal reads the same ---
for sw in "NCD_LIBCUDA=$TMP/none/libcuda.so.1" \
	  "NCD_LIBCUDA=$FAKE FAKE_CUDA_INIT_ERR=100" \
	  "NCD_LIBCUDA=$FAKE FAKE_CUDA_DEVICES=0" \
	  "NCD_LIBCUDA=$FAKE FAKE_CUDA_NO_DMABUF=1" \
	  "NCD_LIBCUDA=$FAKE FAKE_CUDA_DEVICES=2 --gpu 5" \
	  "NCD_LIBCUDA=$FAKE --gpu 0000:99:00.0"; do
	read -r -a w <<<"$sw"
	envs=() opts=()
	for x in "${w[@]}"; do
		case $x in *=*) envs+=("$x") ;; *) opts+=("$x") ;; esac
	done
	real "$TMP/r" "${envs[@]}" -- --mem cuda "${opts[@]}"
	chk "$TMP/c" "${envs[@]}" -- --mem cuda "${opts[@]}"
	same_reason "cuda, $sw" "$TMP/r" "$TMP/c"
done

# --- udmabuf: the size limit and a missing device ---
: >"$TMP/udmabuf"
echo 64 >"$TMP/limit"
U=(NCD_UDMABUF_DEV="$TMP/udmabuf" NCD_UDMABUF_LIMIT="$TMP/limit")
chk "$TMP/c" "${U[@]}" -- --mem udmabuf --buf-size 64M
grep -qF "[ ok ] udmabuf: $TMP/udmabuf, size_limit_mb 64, 64 MiB fits" "$TMP/c" ||
	{ cat "$TMP/c"; fail "64 MiB under a 64 MiB limit: not ok"; }
for sz in 65M 1G; do
	real "$TMP/r" "${U[@]}" -- --mem udmabuf --buf-size $sz
	chk "$TMP/c" "${U[@]}" -- --mem udmabuf --buf-size $sz
	same_reason "udmabuf $sz over size_limit_mb 64" "$TMP/r" "$TMP/c"
done
grep -q 'size_limit_mb is 64' "$TMP/r" || fail "the limit not named"
U=(NCD_UDMABUF_DEV="$TMP/none/udmabuf")
real "$TMP/r" "${U[@]}" -- --mem udmabuf
chk "$TMP/c" "${U[@]}" -- --mem udmabuf
same_reason "no /dev/udmabuf" "$TMP/r" "$TMP/c"
ok "--check and a real run agree on the CUDA driver, the GPU and every cuda/udmabuf refusal"
