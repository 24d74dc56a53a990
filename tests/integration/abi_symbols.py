#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The public API's functions, as the installed headers declare them and the library exports them.

usage: abi_symbols.py --headers DIR          print the functions DIR/*.h declare, sorted
       abi_symbols.py --map FILE             print the functions a version map exports
       abi_symbols.py --check DIR MAP LIB    compare the three; exit 1 on any difference

Declarations are read with comments, preprocessor lines and typedefs removed: every
top-level statement that names a droce_* or ndk_* function (not a pointer to one) counts.
The exported list is nm -D's defined text, data and read-only symbols.
"""
import pathlib
import re
import subprocess
import sys

API_NAME = re.compile(r'\b((?:droce|ndk)_\w+)\s*\(')


def statements(text):
    """Top-level statements (ending in ';') of a C header, bodies of braces dropped."""
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'//[^\n]*', ' ', text)
    text = '\n'.join(l for l in text.splitlines() if not l.lstrip().startswith('#'))
    text = text.replace('extern "C" {', ' ')
    depth, cur, out = 0, [], []
    for ch in text:
        if ch == '{':
            depth += 1
        elif ch == '}':
            depth = max(depth - 1, 0)
            cur = [] if depth == 0 else cur
        elif depth == 0:
            cur.append(ch)
            if ch == ';':
                out.append(' '.join(''.join(cur).split()))
                cur = []
    return out


def declared(hdr_dir):
    names = set()
    for path in sorted(pathlib.Path(hdr_dir).glob('*.h')):
        for st in statements(path.read_text()):
            if st.startswith('typedef') or st.startswith('struct') and '(' not in st:
                continue
            m = API_NAME.search(st)
            if m and not st[:m.start()].rstrip().endswith('(*'):
                names.add(m.group(1))
    return names


def mapped(map_file):
    text = re.sub(r'#[^\n]*', '', pathlib.Path(map_file).read_text())
    body = text[text.index('global:') + len('global:'):text.index('local:')]
    return {n.strip() for n in body.split(';') if n.strip()}


def exported(lib):
    out = subprocess.run(['nm', '-D', '--defined-only', lib], check=True,
                         capture_output=True, text=True).stdout
    return {f[2].split('@')[0] for f in (l.split() for l in out.splitlines())
            if len(f) == 3 and f[1] in 'TDBR'}


def diff(what, a_name, a, b_name, b):
    bad = 0
    for n in sorted(a - b):
        print('%s: %s in %s, not in %s' % (what, n, a_name, b_name))
        bad += 1
    return bad


def main(argv):
    if len(argv) == 3 and argv[1] == '--headers':
        print('\n'.join(sorted(declared(argv[2]))))
        return 0
    if len(argv) == 3 and argv[1] == '--map':
        print('\n'.join(sorted(mapped(argv[2]))))
        return 0
    if len(argv) != 5 or argv[1] != '--check':
        sys.exit(__doc__)
    dec, mp, exp = declared(argv[2]), mapped(argv[3]), exported(argv[4])
    if len(dec) < 50:
        print('only %d functions parsed from %s: the parser is broken' % (len(dec), argv[2]))
        return 1
    bad = diff('abi', 'the headers', dec, 'the version map', mp)
    bad += diff('abi', 'the version map', mp, 'the headers', dec)
    bad += diff('abi', 'the headers', dec, 'the library\'s exports', exp)
    bad += diff('abi', 'the library\'s exports', exp, 'the headers', dec)
    print('%d functions declared, mapped and exported; %d differences' % (len(dec), bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
