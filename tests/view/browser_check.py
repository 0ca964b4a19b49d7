#!/usr/bin/env python3
"""ivassign view pages in a real browser (ctest view.browser): headless Chromium loads each page from
file:// with the network off (no DNS, a dead proxy, and the page's own CSP) and the test reads what the
page's script wrote into #ivassign-selfcheck: no console error or uncaught exception, one table row per
buyer, one map cell per licence, the summary's welfare equal to the report's; then, opened with
#selftest, the page's script sorts a column, filters, shows winners only and hovers a licence (its tooltip).

  browser_check.py --cli build/ivassign --source-dir . [--keep DIR]
Exit 0 when every page passes, 1 on a failure, 77 (ctest SKIP_RETURN_CODE) when no Chromium is installed
(scripts/install-deps.sh --browser installs Debian's chromium; CI does).
"""
import argparse
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def browser_command(binary, profile_dir, url, budget_ms=20000, extra=()):
    """Headless, sandbox off (root in CI), no GPU, no network: every host name fails to resolve and any
    request would go to a closed local port; --dump-dom prints the DOM once the page's scripts have run."""
    return [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--disable-extensions", "--disable-background-networking", "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
            "--user-data-dir=" + profile_dir, "--virtual-time-budget=%d" % budget_ms, *extra, url]


class SelfCheck(html.parser.HTMLParser):
    """The attributes of <div id="ivassign-selfcheck"> in the dumped DOM."""

    def __init__(self):
        super().__init__()
        self.found = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") == "ivassign-selfcheck":
            self.found = attrs


def load(binary, page, work, fragment=""):
    profile = tempfile.mkdtemp(dir=work, prefix="profile-")
    cmd = browser_command(binary, profile, "file://" + os.path.abspath(page) + fragment, extra=("--dump-dom",))
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    parser = SelfCheck()
    parser.feed(run.stdout)
    return parser.found, run


def check_page(binary, page, work, rows, cells, welfare):
    """The page as it opens (rows, cells, welfare, errors), then with #selftest: the page's script sorts
    a column, filters, shows winners only and hovers a licence, and says what went wrong ("ok")."""
    found, run = load(binary, page, work)
    problems = []
    if found is None:
        return ["%s: no #ivassign-selfcheck in the DOM (exit %d): %s" % (page, run.returncode, run.stderr[-2000:])]
    if found.get("data-status") != "ready":
        problems.append("the page's script did not finish (status %r)" % found.get("data-status"))
    errors = json.loads(found.get("data-errors") or "[]")
    if errors:
        problems.append("console errors: %s" % errors)
    if int(found.get("data-rows", -1)) != rows:
        problems.append("table rows %s, expected %d" % (found.get("data-rows"), rows))
    if int(found.get("data-map-cells", -1)) != cells:
        problems.append("map cells %s, expected %d" % (found.get("data-map-cells"), cells))
    if welfare is not None and float(found.get("data-welfare", "nan")) != welfare:
        problems.append("summary welfare %s, the report's %r" % (found.get("data-welfare"), welfare))
    for line in run.stderr.splitlines():  # Chromium's own report of a blocked request, if any
        if "Refused to" in line or "ERR_NAME_NOT_RESOLVED" in line or "net::ERR" in line:
            problems.append("network: " + line.strip())
    driven, _ = load(binary, page, work, "#selftest")
    if driven is None or driven.get("data-selftest") != "ok":
        problems.append("sort, filter, winners only, tooltip: %s" % (driven or {}).get("data-selftest"))
    elif json.loads(driven.get("data-errors") or "[]"):
        problems.append("console errors while driven: %s" % driven.get("data-errors"))
    print("%s: rows %s, map cells %s, welfare %s, ready in %s ms%s" % (
        os.path.basename(page), found.get("data-rows"), found.get("data-map-cells"), found.get("data-welfare"),
        found.get("data-ready-ms"), "" if not problems else " -- FAILED"))
    return ["%s: %s" % (page, p) for p in problems]


def cli(args, *words):
    run = subprocess.run([args.cli, *words], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit("ivassign %s failed (%d): %s" % (" ".join(words), run.returncode, run.stderr))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--keep", help="write the pages here (default: a temporary directory, removed)")
    args = ap.parse_args()
    binary = chromium()
    if binary is None:
        print("view.browser: SKIPPED, no chromium (scripts/install-deps.sh --browser installs it)")
        return SKIP
    work = args.keep or tempfile.mkdtemp(prefix="ivassign-view-")
    os.makedirs(work, exist_ok=True)
    example = os.path.join(args.source_dir, "examples", "spectrum-small.json")
    market = os.path.join(work, "s40.json")
    cli(args, "generate", "spectrum", "--buyers", "40", "--licences", "90", "--seed", "7", "--out", market)
    cases = []  # (page, rows, map cells, welfare)
    # the descent (the solver of large markets) keeps the run short and reports payment intervals
    for name, instance, extra in (("example", example, ["--all-profiles"]), ("s40", market, ["--solver", "descent"])):
        report = os.path.join(work, name + "-report.json")
        cli(args, "mechanism", instance, "--out", report, "--quiet", *extra)
        page = os.path.join(work, name + ".html")
        cli(args, "view", report, "--instance", instance, "--out", page)
        doc = json.load(open(report))
        inst = json.load(open(instance))
        cells = inst["sellers"] if "geometry" in inst else 0
        cases.append((page, len(doc["profiles"][0]["assignment"]), cells, doc["profiles"][0]["welfare"]))
    check = os.path.join(work, "check.json")
    cli(args, "check", example, "--out", check, "--quiet")
    cli(args, "view", check, "--out", os.path.join(work, "check.html"))
    margins = json.load(open(check))["stage1"]["margins"]
    lies = sum(len(row) - round(len(row) ** 0.5) for row in margins)
    cases.append((os.path.join(work, "check.html"), lies, 0, None))
    replica = os.path.join(work, "replica.json")
    cli(args, "replica", "--base", os.path.join(args.source_dir, "examples", "replica-base.json"), "--sizes", "4,8",
        "--out", replica, "--quiet")
    cli(args, "view", replica, "--out", os.path.join(work, "replica.html"))
    cases.append((os.path.join(work, "replica.html"), len(json.load(open(replica))["rows"]), 0, None))
    problems = []
    for page, rows, cells, welfare in cases:
        problems += check_page(binary, page, work, rows, cells, welfare)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    for p in problems:
        print("FAILED:", p)
    print("view.browser: %d pages, %d problems" % (len(cases), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
