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
import os
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
    ns = sorted({int(k.split(".")[2]) for k in keys if k.startswith("time.")})
    labels = []		# in the order the guest ran them
    for k in list(series) + list(base):
        if k.startswith("tasks.") and k[6:] not in labels:
            labels.append(k[6:])

    def tasks(label):
        b, s = base.get(f"tasks.{label}", "?"), series.get(f"tasks.{label}", "?")
        return f"{label} ({b}/{s})"

    for op, text in OPS:
        for label in labels:
            for n in ns:
                k = f"time.{op}.{n}.{label}"
                if k in keys:
                    rows.append((f"{text}, s", n, tasks(label),
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
             f"- machine: {os.cpu_count()} CPUs, {mem_gib:.0f} GiB; guests: QEMU TCG "
             f"single-threaded, 2 vCPUs, {int(base.get('mem_total_kB', 0)) // 1024} MiB",
             "- times: wall clock in the guest until the transition reads 0 and the "
             "replaced or disabled patch's sysfs folder is gone; one run each",
             f"- per call: mean of {series.get('call.ncalls', '?')} calls timed in the "
             "kernel, best of 5",
             "- tasks: the label, then the threads counted in /proc (base/series)",
             "- N=5000 runs on the series kernel only"]
    if seconds:
        lines.append(f"- whole `make bench` run: {int(seconds) // 60} min {int(seconds) % 60} s")
    return lines + [""]


def plot(base, series, ns, labels, outdir):
    with tempfile.TemporaryDirectory() as tmp:
        plots = []
        for op, text in OPS:
            curves = []
            for color, kname, vals in ((1, "base", base), (2, "series", series)):
                for dash, label in enumerate(labels, 1):
                    pts = [(n, vals.get(f"time.{op}.{n}.{label}")) for n in ns]
                    pts = [(n, v) for n, v in pts if num(v)]
                    if not pts:
                        continue
                    path = os.path.join(tmp, f"{op}-{kname}-{label}.dat")
                    with open(path, "w") as f:
                        f.writelines(f"{n} {v}\n" for n, v in pts)
                    curves.append(f"'{path}' using 1:2 with linespoints lc {color} "
                                  f"dt {dash} lw 2 title '{kname}, {label} tasks'")
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


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    base, series = load(sys.argv[1]), load(sys.argv[2])
    outdir = sys.argv[3]
    seconds = sys.argv[4] if len(sys.argv) == 5 else None
    rows, ns, labels = table(base, series)
    md = "\n".join(header(base, series, seconds) + rows) + "\n"
    with open(os.path.join(outdir, "bench.md"), "w") as f:
        f.write(md)
    print(md, end="")
    plot(base, series, ns, labels, outdir)
    print(f"report.py: {os.path.join(outdir, 'bench.md')}, {os.path.join(outdir, 'bench.png')}")


if __name__ == "__main__":
    main()
