#!/usr/bin/env python3
"""The table of bench-vs-baseline.sh: reads one comparison's run directory (baseline-cC-rR.log with the
kit's "== result:" line, leadgrains-cC-rR.json with the benchmark's report), takes the median of each
figure over the repeats of a configuration, prints the table and writes it as JSON.

usage: bench-vs-baseline-table.py RUN_DIR KIT_DIR WORKLOAD_DIR LEADS JSON_FILE
"""
import glob
import json
import os
import re
import statistics
import sys

run_dir, kit, workload, leads, json_file = sys.argv[1:]


def configuration(path):
    c, r = re.search(r"-c(\d+)-r(\d+)\.", os.path.basename(path)).groups()
    return int(c), int(r)


def baseline_runs():
    for path in glob.glob(os.path.join(run_dir, "baseline-c*-r*.log")):
        c, r = configuration(path)
        text = open(path).read()
        result = re.search(r"^== result: (.*)$", text, re.M)
        invariants = re.search(r"^== invariants: violations=(\S+)$", text, re.M)
        if not result:
            yield c, dict(run=r, ok=False, log=path)
            continue
        figures = dict(kv.split("=", 1) for kv in result.group(1).split())
        terminal = int(figures["distributed"]) + int(figures["no_eligible"])
        yield c, dict(run=r, ok=invariants is not None and invariants.group(1) == "0" and terminal == int(figures["leads"]),
                      leads_per_s=float(figures["dist_per_s"]), p50_ms=float(figures["p50_ms"]),
                      p99_ms=float(figures["p99_ms"]), retries=int(figures["retries"]), terminal=terminal,
                      invariant_violations=invariants.group(1) if invariants else "unchecked", log=path)


def leadgrains_runs():
    for path in glob.glob(os.path.join(run_dir, "leadgrains-c*-r*.log")):
        c, r = configuration(path)
        report = path[:-len(".log")] + ".json"
        if not os.path.exists(report):
            yield c, dict(run=r, ok=False, log=path)
            continue
        j = json.load(open(report))
        yield c, dict(run=r, ok=not j["invariant_violations"] and j["terminal"] == j["leads"],
                      leads_per_s=j["leads_per_second"], p50_ms=j["latency"]["p50"], p99_ms=j["latency"]["p99"],
                      errors=j["errors"], workflow=j["workflow"], invariant_violations=len(j["invariant_violations"]),
                      report=report)


def side(name, runs):
    by_c = {}
    for c, run in runs:
        by_c.setdefault(c, []).append(run)
    rows = []
    for c in sorted(by_c):
        measured = [run for run in by_c[c] if "leads_per_s" in run]
        row = dict(side=name, concurrency=c, runs=len(by_c[c]), all_ok=all(run["ok"] for run in by_c[c]),
                   detail=sorted(by_c[c], key=lambda run: run["run"]))
        if measured:
            # Each figure's own median: with 3 runs, one disturbed run moves none of them.
            for figure in ("leads_per_s", "p50_ms", "p99_ms"):
                row[figure] = round(statistics.median(run[figure] for run in measured), 1)
        rows.append(row)
    best = max((row for row in rows if "leads_per_s" in row), key=lambda row: row["leads_per_s"], default=None)
    return rows, best


baseline, baseline_best = side("baseline", baseline_runs())
leadgrains, leadgrains_best = side("LeadGrains", leadgrains_runs())
workflows = sorted({run["workflow"] for row in leadgrains for run in row["detail"] if "workflow" in run})
ratio = (round(leadgrains_best["leads_per_s"] / baseline_best["leads_per_s"], 2)
         if baseline_best and leadgrains_best else None)

print()
print(f"== LeadGrains ({', '.join(workflows) or '?'}) vs baseline {kit}: first {leads} leads of {workload}; "
      f"median of {max([row['runs'] for row in baseline + leadgrains], default=0)} run(s) per line ==")
print(f"{'side':<11} {'C':>5} {'leads/s':>9} {'p50 ms':>9} {'p99 ms':>9}  checks")
for row in baseline + leadgrains:
    figures = (f"{row['leads_per_s']:>9.1f} {row['p50_ms']:>9.1f} {row['p99_ms']:>9.1f}" if "leads_per_s" in row
               else f"{'failed':>9} {'':>9} {'':>9}")
    print(f"{row['side']:<11} {row['concurrency']:>5} {figures}  {'ok' if row['all_ok'] else 'BROKEN or failed, see detail in the JSON'}")
for name, best in (("baseline", baseline_best), ("LeadGrains", leadgrains_best)):
    if best:
        print(f"best       {name}: {best['leads_per_s']:.1f} leads/s at C={best['concurrency']} "
              f"(p50 {best['p50_ms']:.1f} ms, p99 {best['p99_ms']:.1f} ms)")
print(f"ratio      LeadGrains best / baseline best = {ratio if ratio is not None else 'n/a'}")

with open(json_file, "w") as f:
    json.dump(dict(baseline_kit=kit, workload=workload, leads=int(leads), leadgrains_workflow=workflows,
                   rows=baseline + leadgrains, best=dict(baseline=baseline_best, leadgrains=leadgrains_best),
                   ratio_leadgrains_to_baseline=ratio), f, indent=2)
print(f"[vs] wrote {json_file}")
