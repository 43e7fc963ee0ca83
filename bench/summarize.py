#!/usr/bin/env python3
"""Summarise the raw results of bench/scan.sh and bench/scaling.sh into markdown tables.

    summarize.py scan    RESULTS_DIR   -> prints the tables, writes RESULTS_DIR/summary.json
    summarize.py scaling RESULTS_DIR   -> same for the scaling benchmark

Raw data: one hyperfine JSON export per round (`--runs 1`, so each holds one run of every tool:
wall time and the child's user/system CPU), and one GNU time file per tool (`%e %U %S %M`
per run; %M is the peak RSS in KiB). Medians everywhere; ratios are ratios of medians.
"""

import glob
import json
import os
import re
import statistics
import sys

TIME_LINE = re.compile(r"^([0-9.]+) ([0-9.]+) ([0-9.]+) ([0-9]+)$")
PEERS = ["ruff", "bandit", "semgrep"]
TOOL_ORDER = ["snakeguard", "no-taint", "parse", "ruff", "bandit", "semgrep"]
# Issue 9 targets (stdlib, 2 cores, medians of the same run).
TARGET_RUFF = 1.0      # snakeguard time / ruff time <= 1.0
TARGET_BANDIT = 150.0  # bandit time / snakeguard time >= 150
TARGET_FLOOR = 2.5     # snakeguard time / parse-only time <= 2.5
TARGET_RSS = 200.0     # MiB


def median(values):
    return statistics.median(values) if values else None


def rounds(directory, prefix):
    """Per-command lists of wall and CPU seconds from the timed rounds `prefix-r*.json`."""
    wall, cpu = {}, {}
    for path in sorted(glob.glob(os.path.join(directory, f"{prefix}-r*.json"))):
        for result in json.load(open(path))["results"]:
            name = result["command"]
            wall.setdefault(name, []).extend(result["times"])
            cpu.setdefault(name, []).append(result["user"] + result["system"])
    return wall, cpu


def rss_mib(path):
    """Peak RSS (MiB) of every run recorded in a GNU time file."""
    if not os.path.exists(path):
        return []
    values = []
    for line in open(path):
        match = TIME_LINE.match(line.strip())
        if match:
            values.append(int(match.group(4)) / 1024)
    return values


def fmt(value, digits=2):
    if value is None:
        return "—"
    if digits == 0:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def ratio(numerator, denominator):
    if numerator is None or denominator in (None, 0):
        return None
    return numerator / denominator


def ratios_of(numerator, denominator):
    """`ratio` of two tools' medians, wall and CPU."""
    return {
        "wall": ratio(numerator["wall_median_s"], denominator["wall_median_s"]),
        "cpu": ratio(numerator["cpu_median_s"], denominator["cpu_median_s"]),
    }


def fmt_ratio(value):
    if value is None:
        return "—"
    return f"{value:.1f}×" if value >= 10 else f"{value:.2f}×"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def scan(directory):
    meta = json.load(open(os.path.join(directory, "meta.json")))
    summary = {"meta": meta, "results": {}}
    rows, ratio_rows = [], []
    for corpus, stats in meta["corpora"].items():
        for mode in ("all", "one"):
            wall, cpu = rounds(directory, f"{corpus}-{mode}")
            if not wall:
                continue
            med = {}
            for tool in [t for t in TOOL_ORDER if t in wall]:
                rss = rss_mib(os.path.join(directory, f"{corpus}-{mode}-{tool}.time"))
                med[tool] = {
                    "runs": len(wall[tool]),
                    "wall_s": wall[tool],
                    "cpu_s": cpu[tool],
                    "rss_mib": rss,
                    "wall_median_s": median(wall[tool]),
                    "cpu_median_s": median(cpu[tool]),
                    "rss_median_mib": median(rss),
                    "rss_max_mib": max(rss) if rss else None,
                }
                note = os.path.join(directory, f"{corpus}-{mode}-{tool}.note")
                if os.path.exists(note):
                    med[tool]["note"] = open(note).read().strip()
            summary["results"].setdefault(corpus, {})[mode] = med
            mode_name = "all cores" if mode == "all" else "1 core"
            for tool, m in med.items():
                files_per_s = ratio(stats["files"], m["wall_median_s"])
                rows.append([corpus, f"{stats['files']:,}", f"{stats['lines']:,}", mode_name,
                             tool + (" *" if "note" in m else ""), fmt(m["wall_median_s"], 3),
                             fmt(m["cpu_median_s"], 3), fmt(m["rss_median_mib"], 1),
                             fmt(files_per_s, 0), m["runs"]])
            sg = med.get("snakeguard")
            ratios = {}
            if sg:
                for peer in PEERS:
                    if peer in med:
                        ratios[f"vs_{peer}"] = ratios_of(med[peer], sg)
                if "no-taint" in med:
                    # The pattern rules alone against ruff's, and the taint pass's share.
                    nt = med["no-taint"]
                    if "ruff" in med:
                        ratios["no_taint_over_ruff"] = ratios_of(nt, med["ruff"])
                    ratios["taint_pass_share"] = {
                        "wall": 1 - nt["wall_median_s"] / sg["wall_median_s"],
                        "cpu": 1 - nt["cpu_median_s"] / sg["cpu_median_s"],
                    }
                if "parse" in med:
                    ratios["over_parse_floor"] = ratios_of(sg, med["parse"])
            summary["results"][corpus][mode + "_ratios"] = ratios
            cells = [corpus, mode_name]
            for key in [f"vs_{p}" for p in PEERS] + ["over_parse_floor", "no_taint_over_ruff"]:
                r = ratios.get(key)
                cells.append(f"{fmt_ratio(r['wall'])} / {fmt_ratio(r['cpu'])}" if r else "—")
            r = ratios.get("taint_pass_share")
            cells.append(f"{r['wall']:.0%} / {r['cpu']:.0%}" if r else "—")
            ratio_rows.append(cells)

    print(f"snakeguard scan benchmark, {meta['date']}, {meta['nproc']} cores ({meta['cpu']}), "
          f"{meta['mem_total_mib']} MiB; load average {meta['loadavg_start'][0]:.1f} at start, "
          f"{meta.get('loadavg_end', [0])[0]:.1f} at end")
    print("versions: " + ", ".join(v if v.startswith(k) else f"{k} {v}" for k, v in meta["versions"].items()))
    print(f"runs: {meta['runs']} (snakeguard, parse, ruff), {meta['slow_runs']} (bandit, semgrep; "
          f"{meta.get('slow_runs_pinned', meta['slow_runs'])} on one core); "
          f"{meta['warmup_rounds']} warm-up round(s) of the fast tools\n")
    print(table(["corpus", "files", "lines", "cores", "tool", "wall median (s)",
                 "CPU user+sys median (s)", "peak RSS (MiB)", "files/s", "runs"], rows))
    if any("note" in m for c in summary["results"].values() for k, ms in c.items()
           if not k.endswith("_ratios") for m in ms.values()):
        print("\n\\* semgrep was stopped after one run that exceeded the time limit")
    print("\nRatios (wall / CPU): speedup of snakeguard = peer median ÷ snakeguard median; "
          "floor = snakeguard median ÷ parse-only median; without taint = snakeguard "
          "`--ignore taint` (pattern rules alone) ÷ ruff; taint share = 1 − without taint ÷ "
          "snakeguard.\n")
    print(table(["corpus", "cores", "vs ruff --select S", "vs bandit", "vs semgrep (reduced rules)",
                 "snakeguard ÷ parse floor", "without taint ÷ ruff", "taint pass share"],
                ratio_rows))

    # Issue 9 targets, stdlib on all cores.
    std = summary["results"].get("stdlib", {})
    all_ratios, all_med = std.get("all_ratios", {}), std.get("all", {})
    checks = []
    def check(name, key, metric, op, target):
        r = all_ratios.get(key, {}).get(metric)
        if r is None:
            return
        ok = r <= target if op == "<=" else r >= target
        checks.append({"target": name, "metric": metric, "value": r, "limit": f"{op} {target}", "met": ok})
    for metric in ("wall", "cpu"):
        r = all_ratios.get("vs_ruff", {}).get(metric)
        if r:
            checks.append({"target": "snakeguard / ruff", "metric": metric, "value": 1 / r,
                           "limit": f"<= {TARGET_RUFF}", "met": 1 / r <= TARGET_RUFF})
        check("bandit / snakeguard", "vs_bandit", metric, ">=", TARGET_BANDIT)
        check("snakeguard / parse floor", "over_parse_floor", metric, "<=", TARGET_FLOOR)
    if "snakeguard" in all_med and all_med["snakeguard"]["rss_max_mib"] is not None:
        peak = all_med["snakeguard"]["rss_max_mib"]
        checks.append({"target": "snakeguard peak RSS (MiB, max of runs)", "metric": "rss",
                       "value": peak, "limit": f"<= {TARGET_RSS}", "met": peak <= TARGET_RSS})
    summary["targets"] = checks
    if checks:
        print("\nIssue 9 targets (stdlib, all cores, medians of this run):\n")
        print(table(["target", "measured on", "value", "limit", "met"],
                    [[c["target"], c["metric"], f"{c['value']:.2f}", c["limit"],
                      "yes" if c["met"] else "**no**"] for c in checks]))
    json.dump(summary, open(os.path.join(directory, "summary.json"), "w"), indent=2)


def scaling(directory):
    meta = json.load(open(os.path.join(directory, "meta.json")))
    wall, cpu = rounds(directory, "scaling")
    summary = {"meta": meta, "results": {}}
    rows = []
    base = {}
    for size, stats in meta["corpora"].items():
        for tool in ("snakeguard", "no-taint", "parse"):
            name = f"{tool}@{size}"
            if name not in wall:
                continue
            rss = rss_mib(os.path.join(directory, f"{tool}-{size}.time"))
            m = {"runs": len(wall[name]), "wall_s": wall[name], "cpu_s": cpu[name], "rss_mib": rss,
                 "wall_median_s": median(wall[name]), "cpu_median_s": median(cpu[name]),
                 "rss_median_mib": median(rss)}
            summary["results"].setdefault(size, {})[tool] = m
            per_file_wall = m["wall_median_s"] / stats["files"] * 1000
            per_file_cpu = m["cpu_median_s"] / stats["files"] * 1000
            if size == "x1":
                base[tool] = (per_file_wall, per_file_cpu)
            rows.append((size, stats, tool, m, per_file_wall, per_file_cpu))
    out = []
    for size, stats, tool, m, pfw, pfc in rows:
        b = base.get(tool)
        out.append([size, f"{stats['files']:,}", f"{stats['lines']:,}", tool,
                    fmt(m["wall_median_s"], 3), fmt(m["cpu_median_s"], 3),
                    fmt(m["rss_median_mib"], 1), f"{pfw:.3f}", f"{pfc:.3f}",
                    fmt_ratio(pfw / b[0]) if b else "—", fmt_ratio(pfc / b[1]) if b else "—"])
    print(f"snakeguard scaling benchmark, {meta['date']}, {meta['nproc']} cores ({meta['cpu']}); "
          f"{meta['runs']} runs, sizes and tools alternating; load average "
          f"{meta['loadavg_start'][0]:.1f} at start, {meta.get('loadavg_end', [0])[0]:.1f} at end\n")
    print(table(["stdlib copies", "files", "lines", "tool", "wall median (s)", "CPU median (s)",
                 "peak RSS (MiB)", "wall ms/file", "CPU ms/file", "wall/file vs x1",
                 "CPU/file vs x1"], out))
    print("\nLinear growth = the per-file columns stay near 1.00× of the x1 row.")
    taint_rows = []
    taint_base = None
    for size, stats in meta["corpora"].items():
        tools = summary["results"].get(size, {})
        if "snakeguard" not in tools or "no-taint" not in tools:
            continue
        full, without = tools["snakeguard"], tools["no-taint"]
        taint_wall = full["wall_median_s"] - without["wall_median_s"]
        taint_cpu = full["cpu_median_s"] - without["cpu_median_s"]
        per_file_cpu = taint_cpu / stats["files"] * 1000
        summary["results"][size]["taint_pass"] = {"wall_s": taint_wall, "cpu_s": taint_cpu}
        if size == "x1":
            taint_base = per_file_cpu
        taint_rows.append((size, stats, taint_wall, taint_cpu, taint_cpu / full["cpu_median_s"],
                           per_file_cpu))
    if taint_rows:
        out = [[size, f"{stats['files']:,}", fmt(wall, 3), fmt(cpu, 3), f"{share:.0%}",
                f"{pfc:.3f}", fmt_ratio(pfc / taint_base) if taint_base else "—"]
               for size, stats, wall, cpu, share, pfc in taint_rows]
        print("\nThe taint pass on its own: snakeguard minus snakeguard `--ignore taint` (medians).\n")
        print(table(["stdlib copies", "files", "wall (s)", "CPU (s)", "share of the scan's CPU",
                     "CPU ms/file", "CPU/file vs x1"], out))
    json.dump(summary, open(os.path.join(directory, "summary.json"), "w"), indent=2)


if __name__ == "__main__":
    {"scan": scan, "scaling": scaling}[sys.argv[1]](sys.argv[2])
