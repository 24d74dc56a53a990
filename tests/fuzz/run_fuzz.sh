#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Run fuzz_rx for a bounded time on a fresh seed corpus made from the reference captures.
#
# usage: run_fuzz.sh BUILD_DIR SECONDS
#
# Exits 0 when the fuzzer ran the whole time without a crash, a sanitizer report, an
# invariant abort or a timeout; non-zero otherwise, after printing each crashing input in
# base64 (the files stay in BUILD_DIR/tests/fuzz/artifacts). The last line is the summary:
# '1 passed, 0 failed' or '0 passed, 1 failed'.
#
# Environment: FUZZ_RX_CAPTURES (captures directory, default tests/data/captures
# of the source tree), FUZZ_RX_CORPUS (a corpus directory to keep and grow instead of a
# temporary one), FUZZ_RX_ARGS (more libFuzzer flags).
set -u

fail() {
	echo "run_fuzz: $*" >&2
	echo '0 passed, 1 failed'
	exit 1
}

[ $# -eq 2 ] || fail "usage: run_fuzz.sh BUILD_DIR SECONDS"
build=$(cd "$1" && pwd) || fail "no build directory $1"
secs=$2
here=$(cd "$(dirname "$0")" && pwd)
fuzzer=$build/tests/fuzz/fuzz_rx
captures=${FUZZ_RX_CAPTURES:-$here/../data/captures}
artifacts=$build/tests/fuzz/artifacts
[ -x "$fuzzer" ] || fail "$fuzzer not built (configure with -Dfuzz=true)"

work=$(mktemp -d "${TMPDIR:-/tmp}/droce-fuzz.XXXXXX") || fail "mktemp failed"
trap 'rm -rf "$work"' EXIT
corpus=${FUZZ_RX_CORPUS:-$work/corpus}
mkdir -p "$corpus" "$artifacts" || fail "cannot make $corpus or $artifacts"
/usr/bin/python3 "$here/make_seeds.py" --captures "$captures" --out "$work/seeds" \
	--dict "$work/fuzz_rx.dict" ||
	fail "make_seeds.py failed"

# halt_on_error: a UBSan report is a crash, not a line in the log.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/../lsan.supp:print_suppressions=0}
export FUZZ_RX_STATS=1

rm -f "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*
# shellcheck disable=SC2086
"$fuzzer" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len=2048 \
	-dict="$work/fuzz_rx.dict" -print_final_stats=1 -artifact_prefix="$artifacts/" \
	${FUZZ_RX_ARGS:-} \
	"$corpus" "$work/seeds" > "$work/log" 2>&1
rc=$?

# The log without libFuzzer's per-input progress lines, which run to thousands.
grep -v -E '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse)|^[[:space:]]+NEW_FUNC' "$work/log"
last=$(grep -E '^#[0-9]+' "$work/log" | tail -n 1)
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log")
echo "run_fuzz: ${runs:-?} inputs, ${speed:-?} exec/s (limit ${secs}s); last: ${last:-none}"

found=$(ls "$artifacts" 2>/dev/null)
if [ $rc -ne 0 ] || [ -n "$found" ]; then
	for f in $found; do
		echo "run_fuzz: $artifacts/$f (base64):"
		base64 -w 76 "$artifacts/$f"
	done
	# QP state carries over between inputs: a finding may need the inputs before it.
	echo "run_fuzz: fuzz_rx exited $rc; try: FUZZ_RX_RESET_EACH=1 $fuzzer <file>," \
		"then the same without FUZZ_RX_RESET_EACH" >&2
	echo '0 passed, 1 failed'
	exit 1
fi
echo '1 passed, 0 failed'
