#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""How long the record checks (SPF, DMARC, MX; then every domain check: DKIM,
MTA-STS without the HTTPS fetch, TLS-RPT, BIMI, NS too) and domain-list DNSBL
checks take on N domains (default 10,000) against the local DNS world, through
Unbound, with the peak RSS of each run. Prints figures; all traffic goes to
127.0.0.1."""
import argparse, json, os, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                'integration'))
from harness import World, EXE  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('-n', type=int, default=10000)
    ap.add_argument('--exe', default=EXE)
    a = ap.parse_args()
    w = World()
    try:
        with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False) as f:
            for i in range(a.n):
                f.write('d%d.bulk.test\n' % i)
        for checks in ('spf,dmarc,mx', 'dnsbl,spf,dmarc,mx',
                       'spf,dmarc,mx,dkim,mta-sts,tls-rpt,bimi,ns'):
            t0 = time.monotonic()
            out = tempfile.TemporaryFile('w+')
            p = subprocess.Popen([a.exe, 'scan', '@' + f.name, '--resolver', w.resolver,
                                  '--rate', '0', '--checks', checks, '--format', 'json',
                                  '--no-progress', '--no-fetch'], stdout=out,
                                 stderr=subprocess.DEVNULL, text=True)
            _, wstatus, usage = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(wstatus)
            wall = time.monotonic() - t0
            out.seek(0)
            p.stdout = out.read()
            status = {}
            for line in p.stdout.splitlines():
                r = json.loads(line)
                if r['check'] == 'list-health':
                    continue
                key = (r['check'], r['status'])
                status[key] = status.get(key, 0) + 1
            print('checks %-18s %d domains: %.2f s (%.0f domains/s), peak RSS %.1f MiB, exit %d, %s'
                  % (checks, a.n, wall, a.n / wall, usage.ru_maxrss / 1024, p.returncode,
                     ' '.join('%s=%s:%d' % (c, s, n) for (c, s), n in sorted(status.items()))))
        os.unlink(f.name)
    finally:
        w.stop()


if __name__ == '__main__':
    main()
