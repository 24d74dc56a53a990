# SPDX-License-Identifier: BSD-3-Clause
"""What droce-bench and droce-instr share on the command line: one-line errors (exit
status 1), the parser, the --lcores pair, the tools they need."""
import argparse
import os
import re
import shutil
import sys


def die(prog, msg):
    """The one-line error of bad options or prerequisites: exit status 1."""
    sys.stderr.write("%s: %s\n" % (prog, msg))
    sys.exit(1)


def parser(prog, doc):
    """An argument parser whose --help shows doc past its first line (the title) and
    whose errors are die()'s one line."""
    ap = argparse.ArgumentParser(prog=prog, formatter_class=argparse.RawDescriptionHelpFormatter,
                                 description=doc.split("\n", 2)[2])
    ap.error = lambda msg: die(prog, msg + " (see --help)")
    return ap


def cpu_pair(ap, text):
    """--lcores A,B: two CPU numbers of this host, or ap.error()."""
    m = re.fullmatch(r"(\d+),(\d+)", text)
    ncpu = os.cpu_count() or 1
    if not m or max(int(m.group(1)), int(m.group(2))) >= ncpu:
        ap.error("--lcores: want two CPU numbers A,B below %d, got '%s'" % (ncpu, text))
    return int(m.group(1)), int(m.group(2))


def need_tools(prog, tools):
    """tools {program: Debian package}: die() naming the package of the first missing."""
    for tool, pkg in tools.items():
        if shutil.which(tool) is None:
            die(prog, "%s not found (Debian package %s)" % (tool, pkg))
