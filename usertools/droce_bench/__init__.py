# SPDX-License-Identifier: BSD-3-Clause
"""droce-bench's parts (usertools/droce-bench is the command; doc/benchmark.md the method).

proc     processes, their logs, the lab torn down at the end (droce-instr uses it too)
cli      one-line errors, the parser, --lcores (droce-instr too)
records  the results as dataclasses, their JSON; the raw link's frame sizes
links    memif and veth set-up and teardown
raw      the raw link: dpdk-testpmd txonly -> rxonly
runs     droce-perf server/client pairs; the plan of sizes and rounds
tcp      TCP loopback: sockperf
stats    medians over the rounds, ratios, verdicts, the raw sets' spread
profile  --profile: perf on the senders, the ceiling and the bounds
report   summary.md, results.json, the CSV files, the gnuplot plots
"""
