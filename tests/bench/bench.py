#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Throughput and memory benchmark: a /16 x 8 blocklists scan against the local
DNS world, next to dnsperf's ceiling for the same workload on the same server
in the same run, plus peak RSS for a larger range to show memory stays flat.

    tests/bench/bench.py [--build DIR] [--port N] [--big-prefix 12]

Prints one figure per line; exits non-zero only when something failed to run
(figures are for people and the closing note, not pass/fail thresholds).
All traffic goes to 127.0.0.1.
"""
import argparse, json, os, re, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def peak_rss_mib(pid):
    """VmHWM of the running program. (getrusage's ru_maxrss is not used: it also
    counts the forked Python parent's pages from before exec.)"""
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def run_scan(exe, args, out_path):
    t0 = time.monotonic()
    rss = 0.0
    with open(out_path, 'wb') as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen([exe] + args, stdout=out, stderr=err)
        while p.poll() is None:
            # Zombie-free polling: the status file exists until we reap the child.
            r = peak_rss_mib(p.pid)
            if r:
                rss = max(rss, r)
            time.sleep(0.05)
        err.seek(0)
        msg = err.read().decode(errors='replace')
    wall = time.monotonic() - t0
    return p.returncode, wall, rss, msg


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default=os.path.join(ROOT, 'build'))
    ap.add_argument('--port', type=int, default=int(os.environ.get('BENCH_PORT', '53600')))
    ap.add_argument('--big-prefix', type=int, default=12)
    ap.add_argument('--concurrency', type=int, default=100)
    a = ap.parse_args()
    exe = os.path.join(a.build, 'dnsbl-scan')
    world = os.path.join(ROOT, 'zones', 'world')
    catalog = os.path.join(ROOT, 'zones', 'bench', 'catalog.yaml')
    tmp = tempfile.mkdtemp(prefix='dnsbl-bench-')
    wdir = os.path.join(tmp, 'world')
    subprocess.run([world, 'start', '--dir', wdir, '--port', str(a.port)], check=True,
                   stdout=subprocess.DEVNULL)
    try:
        env = dict(l.split('=', 1) for l in open(os.path.join(wdir, 'world.env')).read().split()
                   if '=' in l)
        rbl = env['WORLD_RBLDNSD'].strip('"\'')
        host, port = rbl.rsplit(':', 1)

        # dnsperf: the server's own ceiling for exactly the scan's 524,288 questions.
        qfile = os.path.join(tmp, 'queries.txt')
        with open(qfile, 'w') as f:
            for i in range(65536):
                rev = f"{i % 256}.{i // 256}.18.198"
                for k in range(1, 9):
                    f.write(f"{rev}.bl{k}.bench.test A\n")
        # The best of a few windows: the ceiling is the server's, not one setting's.
        ceiling, lost = 0.0, '?'
        for window in (100, 200, 500):
            dp = subprocess.run(['dnsperf', '-s', host, '-p', port, '-d', qfile, '-n', '1',
                                 '-c', '4', '-q', str(window), '-t', '2'],
                                capture_output=True, text=True)
            m = re.search(r'Queries per second:\s+([\d.]+)', dp.stdout)
            if m and float(m.group(1)) > ceiling:
                ceiling = float(m.group(1))
                lm = re.search(r'Queries lost:\s+(\d+)', dp.stdout)
                lost = lm.group(1) if lm else '?'
        print(f"dnsperf ceiling: {ceiling:.0f} queries/s (best of windows 100/200/500; "
              f"lost {lost} of 524288)")

        out = os.path.join(tmp, 'scan.jsonl')
        args = ['scan', '198.18.0.0/16', '--lists', catalog, '--resolver', rbl, '--rate', '0',
                '--checks', 'dnsbl', '--format', 'json', '--concurrency', str(a.concurrency),
                '--no-progress']
        code, wall, rss, err = run_scan(exe, args, out)
        results = errors = listed = 0
        seen = set()
        with open(out) as f:
            for line in f:
                r = json.loads(line)
                if r.get('check') != 'dnsbl':
                    continue
                results += 1
                seen.add((r['target'], r['list']))
                if r['status'] == 'error':
                    errors += 1
                elif r['status'] == 'listed':
                    listed += 1
        qps = results / wall if wall > 0 else 0
        print(f"scan /16 x 8 lists: {results} results ({len(seen)} distinct), {listed} listed, "
              f"{errors} lost/error, exit {code}")
        print(f"scan wall time: {wall:.2f} s, {qps:.0f} queries/s "
              f"({100 * qps / ceiling if ceiling else 0:.0f}% of the dnsperf ceiling)")
        print(f"scan peak RSS: {rss:.1f} MiB")
        if err.strip():
            print("scan stderr: " + err.strip().splitlines()[-1])

        big = f"198.16.0.0/{a.big_prefix}" if a.big_prefix >= 12 else "10.0.0.0/8"
        args = ['scan', big, '--lists', catalog, '--list', 'bl1.bench.test', '--resolver', rbl,
                '--rate', '0', '--checks', 'dnsbl', '--format', 'json',
                '--concurrency', str(a.concurrency), '--no-progress']
        code, wall, rss, _ = run_scan(exe, args, os.devnull)
        n = 1 << (32 - a.big_prefix)
        print(f"scan {big} x 1 list: {n} queries in {wall:.2f} s ({n / wall:.0f}/s), "
              f"peak RSS {rss:.1f} MiB, exit {code}")
    finally:
        subprocess.run([world, 'stop', '--dir', wdir], stdout=subprocess.DEVNULL)
    return 0


if __name__ == '__main__':
    sys.exit(main())
