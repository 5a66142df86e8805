#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare two runs of suites/bench/guest.sh: base and series.

Usage: report.py BASE_DIR SERIES_DIR OUT_DIR [SECONDS]
Reads <dir>/bench.txt ("key value" lines) of each run; writes
OUT_DIR/bench.md (header and a markdown table: operation, N, tasks, base,
series, ratio base/series; also printed) and OUT_DIR/bench.png (each
operation's time against N, log-log, both kernels, drawn by gnuplot).
SECONDS, when given, is the whole run's wall clock, for the header.
"""
import datetime
import glob
import os
import re
import subprocess
import sys
import tempfile

OPS = [("enable", "enable (insmod all_N)"),
       ("replace_half", "replace all_N by half_N (N/2 nops)"),
       ("replace_all", "replace half_N by all2_N"),
       ("disable", "disable all2_N (until freed)")]
CALLS = [("none", "f10_1, no patch loaded"),
         ("unpatched", "f10_unpatched, all_10 active (outside it)"),
         ("patched", "f10_1 patched by all_10"),
         ("nop_done", "f10_1 nop'ed by half_10, transition over"),
         ("held_switched.patched", "held transition, switched task, patched func"),
         ("held_switched.nop", "held transition, switched task, nop func"),
         ("held_unswitched.patched", "held transition, unswitched task, patched func"),
         ("held_unswitched.nop", "held transition, unswitched task, nop func")]
MEM = ["Slab", "VmallocUsed", "Percpu", "module_coresize"]
LAYOUTS = [("vmlinux", "vmlinux"), ("mod1", "1 module"), ("mod20", "20 modules")]
# The 6.12 series, one module object, idle VM, N=1000, seconds: the series
# column of backport/6.12/RESULTS.md (run of 2026-12-01).
FIGURES_612 = {"enable": 0.514, "replace_half": 0.511, "replace_all": 0.455,
               "disable": 0.181}


def load(d):
    vals = {}
    with open(os.path.join(d, "bench.txt")) as f:
        for line in f:
            key, _, value = line.strip().partition(" ")
            if key:
                vals[key] = value
    desc = os.path.join(d, "kernel.txt")
    if os.path.exists(desc):
        with open(desc) as f:
            vals["kernel_desc"] = f.read().strip()
    return vals


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def fmt(v):
    x = num(v)
    if x is None:
        return "—"
    if "." not in v:
        return v
    return f"{x:.3f}" if abs(x) < 100 else f"{x:.1f}"


def ratio(b, s):
    b, s = num(b), num(s)
    return f"{b / s:.2f}" if b is not None and s else "—"


def table(base, series):
    rows = []
    keys = set(base) | set(series)
    ns = sorted({int(k.split(".")[3]) for k in keys if k.startswith("time.")})
    labels = []		# in the order the guest ran them
    for k in list(series) + list(base):
        if k.startswith("tasks.") and k[6:] not in labels:
            labels.append(k[6:])

    def tasks(label):
        b, s = base.get(f"tasks.{label}", "?"), series.get(f"tasks.{label}", "?")
        return f"{label} ({b}/{s})"

    for op, text in OPS:
        for lay, ltext in LAYOUTS:
            for label in labels:
                for n in ns:
                    k = f"time.{op}.{lay}.{n}.{label}"
                    if k in keys:
                        rows.append((f"{text}, {ltext}, s", n, tasks(label),
                                     base.get(k), series.get(k)))
    for case, text in CALLS:
        k = f"call.{case}.ns"
        if k in keys:
            rows.append((f"call: {text}, ns", 10, "idle", base.get(k), series.get(k)))
    for field in MEM:
        k = f"mem.{field}.bytes_per_func"
        if k in keys:
            rows.append((f"memory: {field} per patched function, bytes", 1000,
                         "idle", base.get(k), series.get(k)))
    out = ["| operation | N | tasks | base | series | base/series |",
           "|---|---:|---|---:|---:|---:|"]
    for op, n, t, b, s in rows:
        out.append(f"| {op} | {n} | {t} | {fmt(b)} | {fmt(s)} | {ratio(b, s)} |")
    return out, ns, labels


def header(base, series, seconds):
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    lines = ["# Livepatch benchmark: base vs series", "",
             f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}",
             f"- base kernel ({base.get('kernel_desc', 'tag debian-base, no patches')}): "
             f"`{base.get('uname_r', '?')}`",
             f"- series kernel (build/linux, branch series): `{series.get('uname_r', '?')}`",
             "- both kernels carry the vmlinux layout's targets, klp_bench_v<N>_<i>(), "
             "linked into vmlinux; the module layouts' targets are modules",
             f"- machine: {os.cpu_count()} CPUs, {mem_gib:.0f} GiB; guests: QEMU TCG "
             f"single-threaded, 2 vCPUs, {int(base.get('mem_total_kB', 0)) // 1024} MiB",
             "- times: wall clock in the guest until the transition reads 0 and the "
             "replaced or disabled patch's sysfs folder is gone; one run each",
             f"- per call: mean of {series.get('call.ncalls', '?')} calls timed in the "
             "kernel, best of 5",
             "- tasks: the label, then the threads counted in /proc (base/series)",
             "- N=5000 and 10000 run on the series kernel only (the base "
             "kernel's cost grows with N squared)"]
    if seconds:
        lines.append(f"- whole `make bench` run: {int(seconds) // 60} min {int(seconds) % 60} s")
    return lines + [""]


def plot(base, series, ns, labels, outdir):
    with tempfile.TemporaryDirectory() as tmp:
        plots = []
        for op, text in OPS:
            curves = []
            for color, kname, vals in ((1, "base", base), (2, "series", series)):
                for dash, (label, (lay, ltext)) in enumerate(
                        [(lb, ly) for lb in labels for ly in LAYOUTS], 1):
                    pts = [(n, vals.get(f"time.{op}.{lay}.{n}.{label}")) for n in ns]
                    pts = [(n, v) for n, v in pts if num(v)]
                    if not pts:
                        continue
                    path = os.path.join(tmp, f"{op}-{kname}-{lay}-{label}.dat")
                    with open(path, "w") as f:
                        f.writelines(f"{n} {v}\n" for n, v in pts)
                    curves.append(f"'{path}' using 1:2 with linespoints lc {color} "
                                  f"dt {dash} lw 2 title '{kname}, {ltext}, {label} tasks'")
            if curves:
                plots.append(f"set title '{text}'\nplot " + ", \\\n\t".join(curves))
        script = "\n".join([
            "set terminal pngcairo noenhanced size 1400,1000 font ',10'",
            f"set output '{os.path.join(outdir, 'bench.png')}'",
            "set multiplot layout 2,2 title 'livepatch: operation time vs N "
            "(QEMU TCG, 2 vCPUs)'",
            "set logscale xy", "set xlabel 'N (patched functions)'",
            "set ylabel 'seconds'", "set key top left", "set grid",
            *plots, "unset multiplot", ""])
        path = os.path.join(tmp, "bench.gnuplot")
        with open(path, "w") as f:
            f.write(script)
        subprocess.run(["gnuplot", path], check=True)


def goals(series):
    """The issue's goals, from the series' figures: numbers, no verdict."""
    out = ["", "## Goals (series)", "",
           "| goal | layout | tasks | figures | met |", "|---|---|---|---|---|"]
    labels = sorted({k.split(".")[4] for k in series if k.startswith("time.")})
    for op, text in OPS:
        for lay, ltext in LAYOUTS:
            for label in labels:
                t10, t1k, t10k = (num(series.get(f"time.{op}.{lay}.{n}.{label}"))
                                  for n in (10, 1000, 10000))
                if None in (t10, t1k, t10k):
                    continue
                bound = 10 * t1k + t10
                out.append(f"| {text}: t(10000) <= 10 t(1000) + t(10) | {ltext} | "
                           f"{label} | {t10k:.3f} <= {bound:.3f} | "
                           f"{'yes' if t10k <= bound else 'no'} |")
    for op, text in OPS:
        if op == "enable":
            continue
        for label in labels:
            one, twenty = (num(series.get(f"time.{op}.{lay}.1000.{label}"))
                           for lay in ("mod1", "mod20"))
            if one and twenty:
                out.append(f"| {text}, N=1000: 20 objects within 10% of 1 | — | {label} | "
                           f"{twenty:.3f} / {one:.3f} = {twenty / one:.2f} | "
                           f"{'yes' if twenty <= 1.1 * one else 'no'} |")
    for op, ref in FIGURES_612.items():
        t = num(series.get(f"time.{op}.mod1.1000.idle"))
        if t:
            out.append(f"| {op}, N=1000: at most the 6.12 series' {ref} s | 1 module | "
                       f"idle | {t:.3f} | {'yes' if t <= ref else 'no'} |")
    return out


FG_LINE = re.compile(r"^\s*\d+\)\s*(?:[-+!#*@$&]\s*)?([\d.]+)?\s*(us|ms|s)?\s*\|(\s*)(.*)$")


def fg_totals(path):
    """Seconds per (depth, function) in a function_graph trace (funcgraph-tail)."""
    tot, cnt = {}, {}
    with open(path) as f:
        for line in f:
            m = FG_LINE.match(line)
            if not m or not m.group(1):
                continue
            d = float(m.group(1)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[m.group(2)]
            depth = (len(m.group(3)) - 1) // 2
            body = m.group(4).strip()
            mm = re.match(r"\}\s*/\*\s*(\S+)\s*\*/", body) or re.match(r"([\w.]+)\(\);", body)
            if not mm:
                continue
            key = (depth, mm.group(1))
            tot[key] = tot.get(key, 0.0) + d
            cnt[key] = cnt.get(key, 0) + 1
    return tot, cnt


def profiles(d):
    """The phases of each profiled operation: the top functions per depth."""
    files = sorted(glob.glob(os.path.join(d, "profile.*.txt")))
    if not files:
        return []
    out = ["", "## Where the time goes (series, function_graph, idle)", "",
           "Per profiled operation: the functions that took at least 2% of it, by",
           "depth below the traced entry points, with the number of calls. The",
           "tracer's own overhead inflates the totals.", ""]
    for path in files:
        _, pas, op, lay, n, _ = os.path.basename(path).split(".")
        tot, cnt = fg_totals(path)
        top = sum(v for (depth, _), v in tot.items() if depth == 0)
        if not top:
            continue
        out.append(f"- {op}, {lay}, N={n}, from "
                   f"{'load_module()' if pas == 'load' else 'livepatch entry points'}: "
                   f"{top:.3f} s")
        for depth in (1, 2, 3):
            items = sorted(((v, k[1]) for k, v in tot.items() if k[0] == depth),
                           reverse=True)
            items = [(v, name) for v, name in items if v >= 0.02 * top][:6]
            if items:
                out.append(f"  - depth {depth}: " + ", ".join(
                    f"{name} {v:.3f} s ({cnt[(depth, name)]}x)" for v, name in items))
    return out


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    base, series = load(sys.argv[1]), load(sys.argv[2])
    outdir = sys.argv[3]
    seconds = sys.argv[4] if len(sys.argv) == 5 else None
    rows, ns, labels = table(base, series)
    md = "\n".join(header(base, series, seconds) + rows + goals(series) +
                   profiles(sys.argv[2])) + "\n"
    with open(os.path.join(outdir, "bench.md"), "w") as f:
        f.write(md)
    print(md, end="")
    plot(base, series, ns, labels, outdir)
    print(f"report.py: {os.path.join(outdir, 'bench.md')}, {os.path.join(outdir, 'bench.png')}")


if __name__ == "__main__":
    main()
