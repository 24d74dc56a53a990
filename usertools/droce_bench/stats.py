# SPDX-License-Identifier: BSD-3-Clause
"""The summary's rows: droce's rates over the raw link's around each round, medians over
the rounds, latencies over TCP's, the goals' verdicts; the raw sets' spread."""
import statistics
from dataclasses import dataclass
from typing import Optional

from .records import (BIG_FRAME, MIB, PKT_FRAMES, ROCE_FRAME, WRITE_FRAME, RatioRow,
                      case_key, raw_mean)


@dataclass(frozen=True)
class Metric:
    """A row of the table: kind Bps (against the byte rate of BIG_FRAME), Bps_roce
    (ROCE_FRAME), pps (the packet rate of 64 B frames), pps_roce (WRITE_FRAME) or lat
    (against TCP's half round trip); a goal (op, value) on the links named."""
    label: str
    kind: str
    test: str
    size: int
    op: Optional[str] = None
    goal: Optional[float] = None
    where: tuple = ()


# (label, kind, test, size, goal op, goal value, links the goal applies to)
METRICS = [Metric(*m) for m in (
    ("WRITE 64 KiB bandwidth / raw byte rate", "Bps", "write_bw", 65536, ">=", 0.90, ("memif",)),
    ("WRITE 64 KiB bandwidth / raw byte rate at RoCE's frame (%d B)" % ROCE_FRAME, "Bps_roce",
     "write_bw", 65536),
    ("READ 64 KiB bandwidth / raw byte rate", "Bps", "read_bw", 65536),
    ("SEND 64 KiB bandwidth / raw byte rate", "Bps", "send_bw", 65536),
    ("WRITE 64 B message rate / raw packet rate", "pps", "write_bw", 64, ">=", 0.60,
     ("memif", "veth")),
    ("WRITE 64 B message rate / raw packet rate at its frame (%d B)" % WRITE_FRAME,
     "pps_roce", "write_bw", 64),
    ("READ 64 B message rate / raw packet rate", "pps", "read_bw", 64),
    ("SEND 64 B message rate / raw packet rate", "pps", "send_bw", 64),
    ("SEND 8 B half round trip / TCP's", "lat", "send_lat", 8, "<=", 0.25, ("memif", "veth")),
    ("WRITE 8 B half round trip / TCP's", "lat", "write_lat", 8),
    ("READ 8 B round trip / TCP's half round trip", "lat", "read_lat", 8))]
FRAME_OF = {"Bps": BIG_FRAME, "Bps_roce": ROCE_FRAME, "pps_roce": WRITE_FRAME, "pps": 64}


def median(xs):
    """The middle value; of an even count, the mean of the two middle ones. None if empty."""
    return statistics.median(xs) if xs else None


def row_at(rows, size):
    return next((r for r in rows if r.size == size), None)


def tcp_lat(res, size=14):
    r = row_at(res.tcp.pp, size)
    return r.median if r else None


def fmt_rate(v, unit):
    return "%.3g %s" % (v / 1e6, unit) if v is not None else "no data"


def raw_drift(lr):
    """One line per frame size listing every raw set, with how far the others lie from the
    first; [(line, spread)], the spread the highest minus the lowest, over the first."""
    out = []
    for frame in sorted(lr.raw):
        kind, unit = ("pps", "Mpps") if frame in PKT_FRAMES else ("Bps", "MB/s")
        vals = [getattr(s[frame], kind) if s.get(frame) else None for s in lr.raw_rounds]
        got = [v for v in vals if v is not None]
        if len(got) < 2 or vals[0] is None or not vals[0]:
            continue
        lo, hi = min(got) / vals[0] - 1, max(got) / vals[0] - 1
        out.append(("%s B frames: %s %s (%+.0f %% .. %+.0f %% of the first)" %
                    (frame, ", ".join("%.4g" % (v / 1e6) if v is not None else "failed"
                                      for v in vals), unit, 100 * lo, 100 * hi), hi - lo))
    return out


def rate_rounds(lr, test, size, frame, bytes_):
    """[(droce, baseline)] of a rate row, one per round: round k's timed run against the
    mean of raw sets k-1 and k (measured just before and just after it; the one taken if
    the other failed) at this frame size; a round whose timed run failed is left out, a
    baseline that could not be taken at all is None. With no timed run in any round, the
    sweep's row, which ran between raw sets 0 and 1, as the one round."""
    key, sets = case_key(test, size), lr.raw_rounds
    runs = [(k, rnd[key]) for k, rnd in enumerate(lr.steady_rounds, 1) if key in rnd]
    if not runs:
        r = row_at(lr.bw.get(test, []), size)
        runs = [(1, r)] if r else []
    out = []
    for k, r in runs:
        raw = raw_mean(sets[k - 1:k + 1]).get(frame)
        out.append((r.bw_avg * MIB if bytes_ else r.msgrate * 1e6,
                    (raw.Bps if bytes_ else raw.pps) if raw else None))
    return out


def rate_row(lr, m):
    """(droce, baseline, ratio, [ratio per round]) of a rate row, each the median over the
    rounds, and the cells for the first two."""
    bytes_ = m.kind.startswith("Bps")
    pairs = rate_rounds(lr, m.test, m.size, FRAME_OF[m.kind], bytes_)
    rounds = [d / b for d, b in pairs if b]
    d, b = median([d for d, _ in pairs]), median([b for _, b in pairs if b])
    ds, bs = (fmt_rate(d, "MB/s"), fmt_rate(b, "MB/s")) if bytes_ else \
        (fmt_rate(d, "Mmsg/s"), fmt_rate(b, "Mpps"))
    return ds, bs, median(rounds), rounds


def lat_row(res, lr, m):
    """The same of a latency row: against TCP's, measured once, so no rounds."""
    r = lr.long_lat.get(case_key(m.test, m.size)) or row_at(lr.lat.get(m.test, []), m.size)
    d, b = (r.t_typical if r else None), tcp_lat(res)
    ds = "%.2f us" % d if d is not None else "no data"
    bs = "%.2f us" % b if b is not None else "no data"
    return ds, bs, (d / b if d is not None and b else None), None


def ratio_rows(res):
    """[RatioRow]: every metric of every link, with its verdict where it has a goal."""
    out = []
    for ln, lr in res.links.items():
        for m in METRICS:
            ds, bs, ratio, rounds = lat_row(res, lr, m) if m.kind == "lat" else \
                rate_row(lr, m)
            goal_s, verdict = "", ""
            if m.op and ln in m.where:
                goal_s = "%s %g" % (m.op, m.goal)
                verdict = "NO DATA" if ratio is None else \
                    ("PASS" if (ratio >= m.goal if m.op == ">=" else ratio <= m.goal)
                     else "MISS")
            out.append(RatioRow(link="%s (%s)" % (ln, lr.pmd), metric=m.label, droce=ds,
                                baseline=bs, ratio=ratio, rounds=rounds, goal=goal_s,
                                verdict=verdict))
    return out
