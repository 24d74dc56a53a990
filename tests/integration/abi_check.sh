#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# usage: abi_check.sh <build dir> <source dir>
# 1. libdroce.so exports exactly the functions lib/include/droce/*.h declare, and
#    lib/droce.map lists exactly those (abi_symbols.py compares the three both ways).
# 2. Installed headers + libdroce.pc are enough for an outside program to build and run.
set -euo pipefail
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; echo "0 passed, 1 failed"; exit 1; }

lib=$build/lib/libdroce.so
out=$(/usr/bin/python3 "$src/tests/integration/abi_symbols.py" --check \
	"$src/lib/include/droce" "$src/lib/droce.map" "$lib") || fail "$out"
echo "$out"

DESTDIR=$tmp/root meson install -C "$build" --quiet >/dev/null
pc=$(dirname "$(find "$tmp/root" -name libdroce.pc | head -n1)")
[ -f "$pc/libdroce.pc" ] || fail "libdroce.pc not installed"
for h in droce.h ndk.h ndk_ext.h; do
	[ -f "$(find "$tmp/root" -path "*/droce/$h" | head -n1)" ] || fail "$h not installed"
done
# Point the installed .pc at where DESTDIR put it (a sysroot would also move libdpdk's paths).
sed -i "s|^prefix=|prefix=$tmp/root|" "$pc/libdroce.pc"
export PKG_CONFIG_PATH=$pc
# A sanitizer build of droce needs the outside program built with the same runtime.
san=()
# (ldd's output is captured first: with pipefail, grep -q closing the pipe early can fail it.)
deps=$(ldd "$lib")
grep -q libasan <<<"$deps" && san+=(-fsanitize=address,undefined)
cc -std=c11 -Wall -Wextra -Werror "${san[@]}" -o "$tmp/outside" \
	"$src/tests/integration/outside_app.c" $(pkg-config --cflags --libs libdroce) -pthread ||
	fail "outside program does not build"
libdir=$(dirname "$(find "$tmp/root" -name 'libdroce.so' | head -n1)")
out=$(LD_LIBRARY_PATH=$libdir "$tmp/outside" 2>&1) || fail "outside program failed: $out"
grep -q 'outside app: gid\[1\] 2001:db8::7/64 path_mtu 4096' <<<"$out" ||
	fail "unexpected output: $out"
grep -q 'outside app: ndk 2.1 RoCEv2, pd created (status 0), pd closed' <<<"$out" ||
	fail "unexpected output: $out"
echo "2 passed, 0 failed"
