#!/usr/bin/env python3
"""The full run's report: the CSVs of examples/run_full_device.sh (any number of shard
folders, complete or stopped runs) -> the docs/accuracy.md tables and plots.

    python3 tools/accuracy/full_report.py RESULTS... [--out DIR] [--epoch-mlp N] [--epoch-cnn N]

RESULTS: folders searched recursively for train_epochs.csv (finished runs) and
train_epochs.partial.csv (runs stopped by the time limit: their complete epochs). Writes into
DIR (default ./full-report): report.md (the tables, the MuPPET switch epochs, what ran),
full_<net>_accuracy.png (test accuracy per epoch of every scheme, mean over seeds, min..max
bars), full_<net>_muppet.png (MuPPET's ratio p against its decaying threshold T, every seed,
switch epochs marked) with their gnuplot scripts and data. Standard library and gnuplot only.

The table of a net is read at one epoch for every scheme: --epoch-<net>, by default the
largest epoch that every run of the net reached (so a stopped run cuts the table, never mixes
epochs). Each scheme's difference from FP32 is taken per seed (same seed: same
initialization and data order), then its mean and min..max over the seeds are reported.
Runs that went further than the table epoch (the MLP's fp32 and muppet) get a second table
at their last common epoch.
"""
import argparse
import csv
import os
import shutil
import subprocess
import sys
from collections import defaultdict

SCHEME_ORDER = ["fp32", "bf16", "fp16", "fp8", "bfp8", "bfp12", "bfp14", "bfp16", "muppet", "schedule", "mxfp4", "nvfp4"]


def read_rows(path):
    """{(net, scheme, seed): {epoch: row}} of one CSV (a torn last line is skipped)."""
    out = defaultdict(dict)
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            try:
                key = (row["model"], row["scheme"], int(row["seed"]))
                ep = int(row["epoch"])
                float(row["test_acc"])
            except (KeyError, TypeError, ValueError):
                continue
            out[key][ep] = row
    return out


def load(folders):
    """runs[(net, scheme, seed)] = {epoch: row}; sources[key] = (path, finished). A finished
    run's train_epochs.csv wins over a partial file; of two partial files the longer."""
    runs, sources = {}, {}
    for top in folders:
        for root, _dirs, files in os.walk(top):
            for name in ("train_epochs.csv", "train_epochs.partial.csv"):
                if name not in files:
                    continue
                path = os.path.join(root, name)
                finished = name == "train_epochs.csv"
                for key, rows in read_rows(path).items():
                    old = sources.get(key)
                    if old is None or (finished and not old[1]) or (finished == old[1] and len(rows) > len(runs[key])):
                        runs[key] = rows
                        sources[key] = (path, finished)
    return runs, sources


def order(schemes):
    return sorted(schemes, key=lambda s: (SCHEME_ORDER.index(s) if s in SCHEME_ORDER else 99, s))


def fmt_pp(x):
    return "%+.2f" % x


def table(runs, net, epoch, schemes, seeds):
    """Markdown rows: scheme, mean acc, acc range, mean diff, diff range, seeds."""
    lines = ["| scheme | test acc. (%%) at epoch %d | seed range (%%) | vs FP32 (pp) | seed range (pp) | seeds |" % epoch,
             "|---|---|---|---|---|---|"]
    fp32 = {sd: float(runs[(net, "fp32", sd)][epoch]["test_acc"]) for sd in seeds
            if (net, "fp32", sd) in runs and epoch in runs[(net, "fp32", sd)]}
    for sc in schemes:
        accs, diffs = [], []
        for sd in seeds:
            r = runs.get((net, sc, sd), {})
            if epoch not in r:
                continue
            a = float(r[epoch]["test_acc"])
            accs.append(100 * a)
            if sd in fp32:
                diffs.append(100 * (a - fp32[sd]))
        if not accs:
            continue
        mean = sum(accs) / len(accs)
        rng = "%.2f .. %.2f" % (min(accs), max(accs)) if len(accs) > 1 else "-"
        if sc == "fp32":
            d, dr = "", ""
        else:
            d = fmt_pp(sum(diffs) / len(diffs)) if diffs else "-"
            dr = "%s .. %s" % (fmt_pp(min(diffs)), fmt_pp(max(diffs))) if len(diffs) > 1 else "-"
        lines.append("| %s | %.2f | %s | %s | %s | %d |" % (sc, mean, rng, d, dr, len(accs)))
    return lines


def muppet_switches(rows):
    """[(epoch, from, to)] of one MuPPET run (epochs counted from 1: the switch comes after it)."""
    out = []
    eps = sorted(rows)
    for i, ep in enumerate(eps):
        if rows[ep].get("muppet_switch") == "1":
            nxt = rows[eps[i + 1]]["precision"] if i + 1 < len(eps) else "next level"
            out.append((ep, rows[ep]["precision"], nxt))
    return out


def gnuplot(dirname, script_name, script):
    path = os.path.join(dirname, script_name)
    with open(path, "w") as f:
        f.write(script)
    if not shutil.which("gnuplot"):
        return "gnuplot not found: %s not drawn" % script_name
    r = subprocess.run(["gnuplot", script_name], cwd=dirname, capture_output=True, text=True)
    return None if r.returncode == 0 else "gnuplot failed on %s: %s" % (script_name, r.stderr.strip()[:300])


def plot_accuracy(out, runs, net, schemes, seeds, prefix):
    dat = "%s_%s_accuracy.dat" % (prefix, net)
    with open(os.path.join(out, dat), "w") as f:
        for i, sc in enumerate(schemes):
            if i:
                f.write("\n\n")
            f.write("# %s: epoch mean min max (test accuracy %%, over seeds)\n" % sc)
            eps = sorted({ep for sd in seeds for ep in runs.get((net, sc, sd), {})})
            for ep in eps:
                v = [100 * float(runs[(net, sc, sd)][ep]["test_acc"]) for sd in seeds if ep in runs.get((net, sc, sd), {})]
                f.write("%d %.4f %.4f %.4f\n" % (ep, sum(v) / len(v), min(v), max(v)))
    # The low end: the FP4 schemes can sit far below the others; the range starts 2 points
    # under the lowest mean after the first epoch.
    png = "%s_%s_accuracy.png" % (prefix, net)
    # 8 colours: the second eight schemes dashed
    plots = ", \\\n     ".join("'%s' index %d using 1:2:3:4 with yerrorlines lw 1.5 lc %d dt %d pt %d title '%s'"
                               % (dat, i, i % 8 + 1, i // 8 + 1, i % 13 + 1, sc) for i, sc in enumerate(schemes))
    script = ("set terminal pngcairo size 1100,700 noenhanced font ',10'\nset output '%s'\nset grid\nset key outside right\n"
              "set xlabel 'epoch'\nset ylabel 'test accuracy (%%), mean over %d seeds; bars: min..max'\n"
              "set title 'Fashion-MNIST %s, full data set: test accuracy per scheme'\nplot %s\n" % (png, len(seeds), net, plots))
    return png, gnuplot(out, "%s_%s_accuracy.gp" % (prefix, net), script)


def plot_muppet(out, runs, net, seeds, prefix):
    have = [sd for sd in seeds if (net, "muppet", sd) in runs]
    if not have:
        return None, None
    dat = "%s_%s_muppet.dat" % (prefix, net)
    arrows = []
    last = 0
    with open(os.path.join(out, dat), "w") as f:
        for i, sd in enumerate(have):
            if i:
                f.write("\n\n")
            rows = runs[(net, "muppet", sd)]
            f.write("# seed %d: epoch ratio_p threshold_T\n" % sd)
            for ep in sorted(rows):
                p = rows[ep].get("muppet_ratio") or "NaN"
                f.write("%d %s %s\n" % (ep, p, rows[ep].get("muppet_threshold") or "NaN"))
                last = max(last, ep)
            for ep, a, b in muppet_switches(rows):
                arrows.append("set arrow from %.2f, graph 0 to %.2f, graph 1 nohead dt 2 lw 1.5 lc %d" % (ep + 0.5 + 0.08 * i, ep + 0.5 + 0.08 * i, i + 1))
                arrows.append("set label '%s->%s (s%d)' at %.2f, graph %.2f tc lt %d font ',8'" % (a, b, sd, ep + 0.6, 0.97 - 0.04 * i, i + 1))
    png = "%s_%s_muppet.png" % (prefix, net)
    plots = []
    for i, sd in enumerate(have):
        plots.append("'%s' index %d using 1:2 with linespoints pt 7 lw 1.5 lc %d title 'ratio p, seed %d'" % (dat, i, i + 1, sd))
    plots.append("'%s' index 0 using 1:3 with lines lw 2.5 lc rgb 'black' title 'threshold T(j) = 1 + 1.5 exp(-0.1 j)'" % dat)
    script = ("set terminal pngcairo size 1100,650 noenhanced font ',10'\nset output '%s'\nset grid\nset key bottom right\n"
              "set xlabel 'epoch'\nset ylabel 'p = max S(j) / Delta(j)'\n"
              "set title 'MuPPET policy, %s, full data set: ratio p (eq. 6) vs threshold T (eq. 7); dashed: switches after that epoch'\n"
              "%s\nplot [0.5:%.1f] %s\n" % (png, net, "\n".join(arrows), last + 0.5, ", \\\n     ".join(plots)))
    return png, gnuplot(out, "%s_%s_muppet.gp" % (prefix, net), script)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", nargs="+", help="folders with the runs' CSV files (searched recursively)")
    ap.add_argument("--out", default="full-report", help="output folder (default ./full-report)")
    ap.add_argument("--epoch-mlp", type=int, default=0, help="epoch of the MLP table (default: the last every MLP run reached)")
    ap.add_argument("--epoch-cnn", type=int, default=0, help="epoch of the CNN table (default: the last every CNN run reached)")
    ap.add_argument("--prefix", default="full", help="file name prefix of the plots (default full)")
    a = ap.parse_args()
    runs, sources = load(a.results)
    if not runs:
        sys.exit("full_report.py: no train_epochs.csv or train_epochs.partial.csv under " + " ".join(a.results))
    os.makedirs(a.out, exist_ok=True)
    md = ["# Full run: final accuracy tables", ""]
    notes = []
    for net in ("mlp", "cnn"):
        keys = [k for k in runs if k[0] == net and runs[k]]
        if not keys:
            continue
        schemes = order({k[1] for k in keys})
        seeds = sorted({k[2] for k in keys})
        last = {k: max(runs[k]) for k in keys}
        epoch = getattr(a, "epoch_" + net) or min(last.values())
        md += ["## %s" % net.upper(), ""]
        stopped = sorted("%s seed %d (%d epochs, stopped)" % (k[1], k[2], last[k]) for k in keys if not sources[k][1])
        md.append("%d runs (%d schemes x seeds %s); the table is read at epoch %d%s." % (
            len(keys), len(schemes), ", ".join(map(str, seeds)), epoch,
            "" if not stopped else "; runs stopped by the time limit: " + "; ".join(stopped)))
        md.append("")
        md += table(runs, net, epoch, schemes, seeds)
        md.append("")
        longer = [k for k in keys if last[k] > epoch]
        if {k[1] for k in longer} - {"fp32"}:
            e2 = min(last[k] for k in longer)
            md.append("Runs that went on to epoch %d:" % e2)
            md.append("")
            md += table(runs, net, e2, order({k[1] for k in longer}), seeds)
            md.append("")
        # FP32's best and last, for the anchors
        fp = [k for k in keys if k[1] == "fp32"]
        if fp:
            best = max(100 * float(r["test_acc"]) for k in fp for r in runs[k].values())
            md.append("FP32: best test accuracy of any seed and epoch %.2f%%; at its last epoch (%s) %s." % (
                best, ", ".join(str(last[k]) for k in sorted(fp)),
                ", ".join("%.2f" % (100 * float(runs[k][last[k]]["test_acc"])) for k in sorted(fp))))
            md.append("")
        mu = [k for k in keys if k[1] == "muppet"]
        if mu:
            md.append("MuPPET switches (after epoch; levels bfp8 -> bfp12 -> bfp14 -> bfp16 -> fp32):")
            md.append("")
            for k in sorted(mu):
                sw = muppet_switches(runs[k])
                md.append("- seed %d (%d epochs): %s; at the end %s" % (
                    k[2], last[k], ", ".join("%d (%s -> %s)" % s for s in sw) if sw else "no switch",
                    runs[k][last[k]]["precision"]))
            md.append("")
        png, err = plot_accuracy(a.out, runs, net, schemes, seeds, a.prefix)
        md.append("![%s accuracy](img/%s)" % (net, png))
        if err:
            notes.append(err)
        png, err = plot_muppet(a.out, runs, net, seeds, a.prefix)
        if png:
            md.append("![%s MuPPET](img/%s)" % (net, png))
        if err:
            notes.append(err)
        secs = sum(float(r["seconds"]) for k in keys for r in runs[k].values())
        md.append("")
        md.append("Training time of the %s runs: %.0f CPU-seconds in all (the runs' own per-epoch seconds)." % (net, secs))
        md.append("")
    # What the device script's runs.txt files say did not finish (planned runs without a CSV
    # appear only there).
    unfinished = []
    for top in a.results:
        for root, _dirs, files in os.walk(top):
            if "runs.txt" in files:
                with open(os.path.join(root, "runs.txt")) as f:
                    for line in f:
                        w = line.split()
                        if len(w) >= 5 and w[4] != "done":
                            unfinished.append("%s %s seed %s (%s epochs planned): %s" % (w[0], w[1], w[2], w[3], w[4]))
    if unfinished:
        md += ["## Runs that did not finish", ""] + ["- " + u for u in sorted(unfinished)] + [""]
    for n in notes:
        md.append("note: " + n)
    with open(os.path.join(a.out, "report.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))
    print("\nwrote %s/report.md and the plots" % a.out)


if __name__ == "__main__":
    main()
