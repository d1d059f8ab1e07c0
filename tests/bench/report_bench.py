#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The HTML report of a large pool: size, time to write and time to open.

    tests/bench/report_bench.py [--build DIR] [--port N] [--loads 5]

Scans 198.18.0.0/16 against the eight benchmark lists of the local DNS world
(524,288 queries to rbldnsd on loopback) three ways: plain, with --html, and
twice with --state and --html (a store with history, then `report --state`).
Prints each report's size, the scan's wall time with and without --html, the
`report` command's time and peak RSS, and how long headless Chromium takes to
open each file: navigation start to two animation frames after the load
event, for the first load in a fresh browser and the median of --loads more.
The issue's bar: under 5 MB and under 2 s. Figures only, no pass/fail; exits
non-zero only when something failed to run. All traffic goes to 127.0.0.1;
Chromium runs offline (tests/integration/browser.py)."""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))
import browser  # noqa: E402
from harness import World  # noqa: E402


def timed(cmd):
    """Run @cmd; return (exit code, wall seconds)."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, err = p.communicate()
    wall = time.monotonic() - t0
    if p.returncode not in (0, 1):
        sys.stderr.write(err.decode(errors='replace'))
    return p.returncode, wall


def peak_rss(cmd):
    """Peak RSS (MiB) of @cmd, measured by GNU time; None when it is not installed."""
    if not os.path.exists('/usr/bin/time'):
        return None
    p = subprocess.run(['/usr/bin/time', '-f', '%M'] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    try:
        return int(p.stderr.strip().splitlines()[-1]) / 1024.0
    except (ValueError, IndexError):
        return None


def open_times(paths, loads):
    """{path: (first load ms, median of @loads later loads ms)} in one fresh browser."""
    out = {}
    b = browser.Chromium()
    try:
        for path in paths:
            url = 'file://' + path
            times = []
            for i in range(loads + 1):
                page = b.open(url)
                t = page.evaluate(browser.LOAD_TIMING_JS, await_promise=True)
                if page.requests != [url]:
                    raise RuntimeError('%s requested %r' % (path, page.requests))
                times.append(t['painted'])
                page.call('Page.close')
            out[path] = (times[0], statistics.median(times[1:]), max(times))
    finally:
        b.close()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default=os.path.join(ROOT, 'build'))
    ap.add_argument('--port', type=int, default=int(os.environ.get('BENCH_PORT', '53650')),
                    help='first port to try for the DNS world (a free one is picked otherwise)')
    ap.add_argument('--loads', type=int, default=5)
    a = ap.parse_args()
    exe = os.path.join(a.build, 'dnsbl-scan')
    catalog = os.path.join(ROOT, 'zones', 'bench', 'catalog.yaml')
    tmp = tempfile.mkdtemp(prefix='dnsbl-report-bench-')
    w = World(a.port)
    try:
        rbl = w.rbldnsd
        scan = [exe, 'scan', '198.18.0.0/16', '--lists', catalog, '--resolver', rbl, '--rate',
                '0', '--checks', 'dnsbl', '--concurrency', '100', '--no-progress']
        live = os.path.join(tmp, 'scan.html')
        state = os.path.join(tmp, 'state.db')
        stored = os.path.join(tmp, 'stored.html')

        code, plain = timed(scan)
        code2, with_html = timed(scan + ['--html', live])
        print(f"scan /16 x 8 lists: {plain:.2f} s plain, {with_html:.2f} s with --html "
              f"(exit {code}, {code2})")
        scratch = os.path.join(tmp, 'scratch.html')
        print(f"scan --html peak RSS: {peak_rss(scan + ['--html', scratch]) or 0:.1f} MiB "
              f"(plain: {peak_rss(scan) or 0:.1f} MiB)")
        for i in range(2):
            timed(scan + ['--state', state])
        rcode, rwall = timed([exe, 'report', '--state', state, '-o', stored])
        print(f"report --state (two runs of the /16 in the store): {rwall:.2f} s, "
              f"peak RSS {peak_rss([exe, 'report', '--state', state, '-o', scratch]) or 0:.1f}"
              f" MiB, exit {rcode}")
        for name, path in (('scan --html', live), ('report --state', stored)):
            print(f"{name} file: {os.path.getsize(path) / 1e6:.2f} MB")
        if not browser.find_chromium():
            print('open time: chromium is not installed')
            return 0
        for path, (first, median, worst) in open_times([live, stored], a.loads).items():
            name = 'scan --html' if path == live else 'report --state'
            print(f"{name} opens in Chromium: {first:.0f} ms the first time, median "
                  f"{median:.0f} ms over {a.loads} more loads (slowest {worst:.0f} ms)")
    finally:
        w.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
