# SPDX-License-Identifier: ISC
# Replays every fuzz corpus through its target (the stub driver when
# libFuzzer is not linked), so that a crash found once stays fixed.
set -eu
: "${SR_SRCDIR:?}" "${SR_BUILDDIR:?}"
rc=0
n=0
for corpus in "$SR_SRCDIR"/tests/fuzz/corpus/fuzz-*; do
	name=$(basename "$corpus")
	bin=$SR_BUILDDIR/tests/fuzz/$name
	if [ ! -x "$bin" ]; then
		echo "FAIL: $name: no binary at $bin"
		rc=1
		continue
	fi
	if ! "$bin" "$corpus"; then
		echo "FAIL: $name crashed or failed on its corpus"
		rc=1
	fi
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "FAIL: no corpus found"; exit 1; }
echo "$n corpora replayed"
exit $rc
