#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""How long the domain checks take on N domains (default 10,000) against the local
DNS world, through Unbound: SPF + DMARC + MX (the figure of earlier releases), with
the domain blocklists, with the newer record checks (DKIM, MTA-STS without the HTTPS
fetch, TLS-RPT, BIMI, NS), and with DNSSEC validated by the program, on unsigned
domains (d<N>.bulk.test) and on signed ones (d<N>.bench.secure.dnssec.test, whose MX
answers are verified one by one). Prints domains/s and the peak RSS of each run; all
traffic goes to 127.0.0.1. --repeat N runs the configurations N times over, in turn (so
a busy machine's bursts spread over all of them; ranges); --only CHECKS keeps the
configurations whose check list is CHECKS.

The output is read line by line and never held whole: on Linux a child's peak RSS
(ru_maxrss) starts at its parent's high-water mark when it was forked, so a benchmark
that grew to hold a run's output would report its own size as the program's."""
import argparse, json, os, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                'integration'))
from harness import World, EXE  # noqa: E402

RUNS = [
    ('spf,dmarc,mx', 'd%d.bulk.test'),
    ('dnsbl,spf,dmarc,mx', 'd%d.bulk.test'),
    ('dnsbl,spf,dmarc,mx,dnssec', 'd%d.bulk.test'),
    ('dnsbl,spf,dmarc,mx,dnssec', 'd%d.bench.secure.dnssec.test'),
    ('spf,dmarc,mx,dkim', 'd%d.bulk.test'),
    ('spf,dmarc,mx,mta-sts', 'd%d.bulk.test'),
    ('spf,dmarc,mx,tls-rpt', 'd%d.bulk.test'),
    ('spf,dmarc,mx,bimi', 'd%d.bulk.test'),
    ('spf,dmarc,mx,ns', 'd%d.bulk.test'),
    ('spf,dmarc,mx,mta-sts,tls-rpt,bimi,ns', 'd%d.bulk.test'),
    ('spf,dmarc,mx,dkim,mta-sts,tls-rpt,bimi,ns', 'd%d.bulk.test'),
    ('dnsbl,spf,dmarc,mx,dkim,mta-sts,tls-rpt,bimi,ns,dnssec', 'd%d.bulk.test'),
    ('dnsbl,spf,dmarc,mx,dkim,mta-sts,tls-rpt,bimi,ns,dnssec', 'd%d.bench.secure.dnssec.test'),
]


def run(exe, w, checks, path):
    """One scan; (wall seconds, exit code, peak RSS in KiB, status counts)."""
    # options tied to a check only where it runs: elsewhere they are usage errors
    tied = (['--trust-anchor', w.trust_anchor] if 'dnssec' in checks.split(',') else []) + \
        (['--no-fetch'] if 'mta-sts' in checks.split(',') else [])
    t0 = time.monotonic()
    p = subprocess.Popen([exe, 'scan', '@' + path, '--resolver', w.resolver, '--rate', '0',
                          '--checks', checks, *tied, '--format', 'json', '--no-progress'],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    counts = {}
    for line in p.stdout:
        r = json.loads(line)
        if r['check'] != 'list-health':
            key = (r['check'], r['status'])
            counts[key] = counts.get(key, 0) + 1
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, p.returncode, usage.ru_maxrss, counts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('-n', type=int, default=10000)
    ap.add_argument('--exe', default=EXE)
    ap.add_argument('--repeat', type=int, default=1)
    ap.add_argument('--only', action='append', help='a check list of RUNS (repeatable)')
    a = ap.parse_args()
    runs = [r for r in RUNS if not a.only or r[0] in a.only]
    w = World()
    files = {}
    try:
        for _, pattern in runs:
            if pattern not in files:
                with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False) as f:
                    for i in range(a.n):
                        f.write(pattern % i + '\n')
                files[pattern] = f.name
        for checks, pattern in runs * a.repeat:
            wall, code, rss, counts = run(a.exe, w, checks, files[pattern])
            print('checks %-26s %-28s %d domains: %.2f s (%.0f domains/s), peak RSS %.1f MiB, '
                  'exit %d, %s' % (checks, pattern % 0, a.n, wall, a.n / wall, rss / 1024, code,
                                   ' '.join('%s=%s:%d' % (c, s, n)
                                            for (c, s), n in sorted(counts.items()))))
    finally:
        for path in files.values():
            os.unlink(path)
        w.stop()


if __name__ == '__main__':
    main()
