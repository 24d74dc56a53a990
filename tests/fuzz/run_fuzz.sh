#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Run a libFuzzer target for a bounded time on a fresh seed corpus: fuzz_rx (the default)
# on the frames of the reference captures, fuzz_cm on the programs it writes itself.
#
# usage: run_fuzz.sh BUILD_DIR SECONDS [fuzz_rx|fuzz_cm]
#
# Exits 0 when the fuzzer ran the whole time without a crash, a sanitizer report, an
# invariant abort or a timeout; non-zero otherwise, after printing each crashing input in
# base64 (the files stay in BUILD_DIR/tests/fuzz/artifacts, or artifacts-cm for fuzz_cm).
# The last line is the summary: '1 passed, 0 failed' or '0 passed, 1 failed'.
#
# Environment: FUZZ_RX_CAPTURES (captures directory, default tests/data/captures
# of the source tree), FUZZ_RX_CORPUS / FUZZ_CM_CORPUS (a corpus directory to keep and grow
# instead of a temporary one), FUZZ_RX_ARGS / FUZZ_CM_ARGS (more libFuzzer flags).
set -u

fail() {
	echo "run_fuzz: $*" >&2
	echo '0 passed, 1 failed'
	exit 1
}

[ $# -eq 2 ] || [ $# -eq 3 ] || fail "usage: run_fuzz.sh BUILD_DIR SECONDS [fuzz_rx|fuzz_cm]"
build=$(cd "$1" && pwd) || fail "no build directory $1"
secs=$2
target=${3:-fuzz_rx}
here=$(cd "$(dirname "$0")" && pwd)
fuzzer=$build/tests/fuzz/$target
[ -x "$fuzzer" ] || fail "$fuzzer not built (configure with -Dfuzz=true)"

work=$(mktemp -d "${TMPDIR:-/tmp}/droce-fuzz.XXXXXX") || fail "mktemp failed"
trap 'rm -rf "$work"' EXIT

# halt_on_error: a UBSan report is a crash, not a line in the log.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/../lsan.supp:print_suppressions=0}

case $target in
fuzz_rx)
	captures=${FUZZ_RX_CAPTURES:-$here/../data/captures}
	artifacts=$build/tests/fuzz/artifacts
	corpus=${FUZZ_RX_CORPUS:-$work/corpus}
	extra=${FUZZ_RX_ARGS:-}
	/usr/bin/python3 "$here/make_seeds.py" --captures "$captures" --out "$work/seeds" \
		--dict "$work/fuzz_rx.dict" ||
		fail "make_seeds.py failed"
	flags="-max_len=2048 -dict=$work/fuzz_rx.dict"
	export FUZZ_RX_STATS=1
	;;
fuzz_cm)
	artifacts=$build/tests/fuzz/artifacts-cm
	corpus=${FUZZ_CM_CORPUS:-$work/corpus}
	extra=${FUZZ_CM_ARGS:-}
	mkdir -p "$work/seeds" || fail "cannot make $work/seeds"
	FUZZ_CM_SEEDS=$work/seeds "$fuzzer" > "$work/log" 2>&1 ||
		fail "$target could not write its seeds: $(cat "$work/log")"
	# A program of a few hundred ops, with room for some made-up 256-byte MADs.
	flags="-max_len=4096"
	;;
*)
	fail "unknown target $target (fuzz_rx or fuzz_cm)"
	;;
esac
mkdir -p "$corpus" "$artifacts" || fail "cannot make $corpus or $artifacts"

rm -f "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*
# shellcheck disable=SC2086
"$fuzzer" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 $flags \
	-print_final_stats=1 -artifact_prefix="$artifacts/" $extra \
	"$corpus" "$work/seeds" > "$work/log" 2>&1
rc=$?

# The log without libFuzzer's per-input progress lines, which run to thousands.
grep -v -E '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse)|^[[:space:]]+NEW_FUNC' "$work/log"
last=$(grep -E '^#[0-9]+' "$work/log" | tail -n 1)
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log")
echo "run_fuzz: $target: ${runs:-?} inputs, ${speed:-?} exec/s (limit ${secs}s);" \
	"last: ${last:-none}"

found=$(ls "$artifacts" 2>/dev/null)
if [ $rc -ne 0 ] || [ -n "$found" ]; then
	for f in $found; do
		echo "run_fuzz: $artifacts/$f (base64):"
		base64 -w 76 "$artifacts/$f"
	done
	if [ "$target" = fuzz_rx ]; then
		# QP state carries over between inputs: a finding may need the inputs before it.
		echo "run_fuzz: fuzz_rx exited $rc; try: FUZZ_RX_RESET_EACH=1 $fuzzer <file>," \
			"then the same without FUZZ_RX_RESET_EACH" >&2
	else
		# Each input starts from a fresh box: the file alone reproduces it.
		echo "run_fuzz: fuzz_cm exited $rc; replay with: FUZZ_CM_TRACE=1 $fuzzer <file>" >&2
	fi
	echo '0 passed, 1 failed'
	exit 1
fi
echo '1 passed, 0 failed'
