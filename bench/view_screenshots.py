#!/usr/bin/env python3
"""Screenshots and load times of `ivassign view` pages in headless Chromium (issue 31).

  bench/view_screenshots.py [--cli build/ivassign] [--work DIR] [--s200-report R]
                            [--large-instance S --large-report R]
                            [--docs-image docs/img/view-200x800.png]

1. The bundled example (examples/spectrum-small.json, every profile) and spectrum 200 x 800 seed 7: the
   mechanism with defaults, `ivassign view --instance`, a 1280 x 800 screenshot of each (WORK/*.png;
   --docs-image copies the 200 x 800 one, shrunk to a palette PNG when Pillow is there).
2. Spectrum 1000 x 4000 seed 7 (generated and run unless --large-instance/--large-report give them; the
   mechanism takes minutes): the page's size (target <= 5 MB) and its open-to-interactive time in
   headless Chromium (target < 2 s): performance.now() when the page's script has drawn everything,
   i.e. from navigation start through parsing, Chart.js, the table, the charts and the map; the median of
   5 loads, against the bundled example's page loaded the same way in the same run (the ratio).
Prints a markdown table for bench/RESULTS.md. Needs chromium (scripts/install-deps.sh --browser).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "view"))
import browser_check  # noqa: E402  (the browser command line and the self-check reader)


def run(*cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("%s failed (%d): %s" % (" ".join(cmd), r.returncode, r.stderr[-2000:]))


def page(cli, work, name, instance, report=None, extra=()):
    if report is None:
        report = os.path.join(work, name + "-report.json")
        run(cli, "mechanism", instance, "--out", report, "--quiet", *extra)
    html = os.path.join(work, name + ".html")
    run(cli, "view", report, "--instance", instance, "--out", html)
    return html


def screenshot(binary, html, png, work):
    profile = tempfile.mkdtemp(dir=work, prefix="profile-")
    cmd = browser_check.browser_command(
        binary, profile, "file://" + os.path.abspath(html), budget_ms=10000,
        extra=("--window-size=1280,800", "--hide-scrollbars", "--screenshot=" + os.path.abspath(png)))
    subprocess.run(cmd, capture_output=True, timeout=180)
    if not os.path.exists(png):
        sys.exit("no screenshot from: " + " ".join(cmd))


def interactive_ms(binary, html, work, loads=5):
    times = []
    for _ in range(loads):
        found, run_ = browser_check.load(binary, html, work)
        if not found or found.get("data-status") != "ready" or found.get("data-errors") not in ("[]", None):
            sys.exit("%s did not load cleanly: %s %s" % (html, found, run_.stderr[-1000:]))
        times.append(float(found["data-interactive-ms"]))
    return statistics.median(times), times


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", default=os.path.join(HERE, "..", "build", "ivassign"))
    ap.add_argument("--work", default=None, help="where pages and screenshots go (default: a temporary folder, kept)")
    ap.add_argument("--s200-report")
    ap.add_argument("--large-instance")
    ap.add_argument("--large-report")
    ap.add_argument("--docs-image")
    args = ap.parse_args()
    binary = browser_check.chromium()
    if binary is None:
        sys.exit("no chromium: scripts/install-deps.sh --browser")
    work = args.work or tempfile.mkdtemp(prefix="ivassign-view-bench-")
    os.makedirs(work, exist_ok=True)
    root = os.path.join(HERE, "..")
    example = page(args.cli, work, "example", os.path.join(root, "examples", "spectrum-small.json"), extra=("--all-profiles",))
    s200 = os.path.join(work, "s200.json")
    run(args.cli, "generate", "spectrum", "--buyers", "200", "--licences", "800", "--seed", "7", "--out", s200)
    p200 = page(args.cli, work, "s200", s200, report=args.s200_report)
    for html in (example, p200):
        screenshot(binary, html, html[:-5] + ".png", work)
        print("screenshot:", html[:-5] + ".png")
    if args.docs_image:
        shutil.copyfile(p200[:-5] + ".png", args.docs_image)
        print("docs image: %s (%d bytes)" % (args.docs_image, os.path.getsize(args.docs_image)))
    large = args.large_instance
    if large is None:
        large = os.path.join(work, "s1000.json")
        run(args.cli, "generate", "spectrum", "--buyers", "1000", "--licences", "4000", "--seed", "7", "--out", large)
    p1000 = page(args.cli, work, "s1000", large, report=args.large_report)
    base, base_all = interactive_ms(binary, example, work)
    big, big_all = interactive_ms(binary, p1000, work)
    size = os.path.getsize(p1000)
    print("| page | bytes | open to interactive, median of 5 (ms) | all loads (ms) |")
    print("| --- | --- | --- | --- |")
    print("| bundled example (4 x 4, 81 profiles) | %d | %.0f | %s |" % (os.path.getsize(example), base, ", ".join("%.0f" % t for t in base_all)))
    print("| spectrum 1000 x 4000 seed 7 | %d (%.2f MB; target <= 5 MB) | %.0f (target < 2000) | %s |" % (
        size, size / 1e6, big, ", ".join("%.0f" % t for t in big_all)))
    print("ratio 1000 x 4000 / example: %.2f" % (big / base))
    for name in os.listdir(work):  # the browser profiles
        if name.startswith("profile-"):
            shutil.rmtree(os.path.join(work, name), ignore_errors=True)
    print("work folder:", work)


if __name__ == "__main__":
    main()
