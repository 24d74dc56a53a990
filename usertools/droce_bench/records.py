# SPDX-License-Identifier: BSD-3-Clause
"""What droce-bench measures, as typed records, and the frames it measures the raw link with.

Every record turns into the JSON of results.json with jsonable(): its fields in order,
dictionaries with their keys as strings (a raw set's frame sizes, "64"), None as null.
"""
import dataclasses
from dataclasses import dataclass, field
from typing import Optional

# ---------------------------------------------------------------- the raw link's frames

BIG_FRAME = 1514        # 1518 with the CRC: the 22.11 memif/af_packet maximum
# A RoCEv2 packet carrying 1024 bytes (path MTU 1024, the largest IB MTU a 1500-byte link
# takes): Ethernet 14 + IPv4 20 + UDP 8 + BTH 12 + payload + ICRC 4.
ROCE_FRAME = 14 + 20 + 8 + 12 + 1024 + 4
# The frame of a 64 B RDMA WRITE: the same headers, the RETH (16) and 64 bytes. memif
# copies each frame into memory the peer's CPU last held, so a frame costs it more the more
# cache lines it spans: the 64 B frames of the packet rate are not what droce's 64 B
# WRITEs put on the link.
WRITE_FRAME = 14 + 20 + 8 + 12 + 16 + 64 + 4
RAW_FRAMES = (64, WRITE_FRAME, ROCE_FRAME, BIG_FRAME)
PKT_FRAMES = (64, WRITE_FRAME)      # measured by packet rate, the others by byte rate
MIB = 1 << 20


def jsonable(obj):
    """obj as plain JSON values: a record's own to_json() where it has one, else its
    fields in order."""
    if hasattr(obj, "to_json"):
        return obj.to_json()
    if dataclasses.is_dataclass(obj):
        return fields_json(obj)
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    return obj


def fields_json(rec, skip_none=False):
    """A record's fields in order, as JSON values; with skip_none, those that are not None."""
    out = {f.name: getattr(rec, f.name) for f in dataclasses.fields(rec)}
    return {k: jsonable(v) for k, v in out.items() if not (skip_none and v is None)}


# ---------------------------------------------------------------- the raw link (testpmd)

@dataclass
class RawRate:
    """What testpmd rxonly received of one frame size over secs."""
    frame: int
    pps: float          # packets/s (testpmd's integer)
    Bps: float          # bytes/s
    secs: float


@dataclass
class RawMean(RawRate):
    """The mean of the raw sets that measured a frame size, and how many did."""
    runs: int = 0


# A raw set: {frame size: RawRate}; a set that failed is {}.
RawSet = dict


def raw_mean(sets):
    """Per frame size, the mean over the raw sets that measured it: {frame: RawMean}."""
    out = {}
    for frame in sorted(set().union(*sets)):
        runs = [s[frame] for s in sets if s.get(frame)]
        out[frame] = RawMean(frame, sum(r.pps for r in runs) / len(runs),
                             sum(r.Bps for r in runs) / len(runs), runs[0].secs, len(runs))
    return out


# ---------------------------------------------------------------- droce-perf

@dataclass
class BwRow:
    """A row of a bandwidth test (perftest's columns)."""
    size: int
    iters: int
    bw_peak: float      # MiB/s
    bw_avg: float       # MiB/s
    msgrate: float      # Mmsg/s


@dataclass
class LatRow:
    """A row of a latency test run for a number of iterations (-n), in us."""
    size: int
    iters: int
    t_min: float
    t_max: float
    t_typical: float
    t_avg: float
    t_stdev: float
    p99: float
    p99_9: float


LAT_KEYS = tuple(f.name for f in dataclasses.fields(LatRow))[2:]


@dataclass
class TimedLatRow:
    """A row of a latency test run for a time (-D): perftest's mean (us) and round trips
    a second."""
    size: int
    iters: int
    t_avg: float
    tps: float


def case_key(test, size):
    """A timed run's key in a round and a long latency run's: "write_bw/64"."""
    return "%s/%d" % (test, size)


# ---------------------------------------------------------------- sockperf (TCP loopback)

@dataclass
class PingPong:
    size: int
    median: float       # us
    avg: float
    p99: Optional[float]


@dataclass
class Throughput:
    size: int
    msg_per_s: float
    MBps: float


@dataclass
class Tcp:
    pp: list = field(default_factory=list)      # [PingPong]
    tp: list = field(default_factory=list)      # [Throughput]


# ---------------------------------------------------------------- --profile

@dataclass
class ProfileRow:
    """A sender's ns of CPU a packet by group (profile.PROFILE_COLS and "total") at pps,
    and for droce's the ceiling testpmd's total sets over its floor."""
    sender: str
    frame: int
    pps: float
    ns: dict
    ceiling: Optional[float] = None


@dataclass
class ProfileLat:
    """send_lat 8 B: perftest's t_avg (us), both processes' ns of CPU a half round trip."""
    t_avg: float
    ns: dict


@dataclass
class Profile:
    """A link's profile; one that could not be taken is empty (lat None, JSON {})."""
    bw: list = field(default_factory=list)      # [ProfileRow]
    raw: RawSet = field(default_factory=dict)   # the frames measured with the profile
    lat: Optional[ProfileLat] = None

    @property
    def taken(self):
        return self.lat is not None

    def to_json(self):
        return fields_json(self) if self.taken else {}


# ---------------------------------------------------------------- a link, a run

@dataclass
class LinkResult:
    pmd: str
    note: str
    raw_rounds: list = field(default_factory=list)      # [RawSet]: before, after each round
    bw: dict = field(default_factory=dict)              # {test: [BwRow]}: the sweeps
    steady_rounds: list = field(default_factory=list)   # [{case_key: BwRow}]: the rounds
    lat: dict = field(default_factory=dict)             # {test: [LatRow]}: the sweeps
    long_lat: dict = field(default_factory=dict)        # {case_key: LatRow}
    profile: Optional[Profile] = None                   # with --profile

    @property
    def raw(self):
        """The mean of the raw sets (the plot's raw line)."""
        return raw_mean(self.raw_rounds)

    @property
    def raw_before(self):
        return self.raw_rounds[0] if self.raw_rounds else {}

    @property
    def raw_after(self):
        return self.raw_rounds[-1] if self.raw_rounds else {}

    def to_json(self):
        out = {"pmd": self.pmd, "note": self.note, "raw": self.raw,
               "raw_before": self.raw_before, "raw_after": self.raw_after,
               "raw_rounds": self.raw_rounds, "bw": self.bw,
               "steady_rounds": self.steady_rounds, "lat": self.lat, "long_lat": self.long_lat}
        if self.profile is not None:
            out["profile"] = self.profile
        return jsonable(out)


@dataclass
class Plan:
    """Sizes, iterations and rounds (runs.plan())."""
    bw: list
    lat: list
    steady: list
    steady_secs: int
    rounds: int
    send_bw: list
    long_lat: list
    long_lat_n: int
    send_lat: list
    write_lat: list
    write_lat_n: int
    tcp: list
    tcp_tp: list
    raw_secs: float
    tcp_secs: int
    perf_timeout: int


@dataclass
class Meta:
    quick: bool
    cpus: tuple
    events: bool
    engine_lcore: bool
    plan: Plan
    secs: float
    date: str


@dataclass
class RatioRow:
    """A row of the summary's table; droce and baseline as shown, ratio and rounds None
    where there is none."""
    link: str
    metric: str
    droce: str
    baseline: str
    ratio: Optional[float]
    rounds: Optional[list]
    goal: str
    verdict: str


@dataclass
class Results:
    links: dict = field(default_factory=dict)           # {link name: LinkResult}
    tcp: Tcp = field(default_factory=Tcp)
    errors: list = field(default_factory=list)          # [str]: what could not be measured
    meta: Optional[Meta] = None
    ratios: Optional[list] = None                       # [RatioRow]

    def to_json(self):
        return fields_json(self, skip_none=True)
