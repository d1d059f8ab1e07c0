#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""How long the record checks (SPF, DMARC, MX) and domain-list DNSBL checks take
on N domains (default 10,000) against the local DNS world, through Unbound.
Prints figures; all traffic goes to 127.0.0.1."""
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
        for checks in ('spf,dmarc,mx', 'dnsbl,spf,dmarc,mx'):
            t0 = time.monotonic()
            p = subprocess.run([a.exe, 'scan', '@' + f.name, '--resolver', w.resolver,
                                '--rate', '0', '--checks', checks, '--format', 'json',
                                '--no-progress'], capture_output=True, text=True)
            wall = time.monotonic() - t0
            status = {}
            for line in p.stdout.splitlines():
                r = json.loads(line)
                if r['check'] == 'list-health':
                    continue
                key = (r['check'], r['status'])
                status[key] = status.get(key, 0) + 1
            print('checks %-18s %d domains: %.2f s (%.0f domains/s), exit %d, %s'
                  % (checks, a.n, wall, a.n / wall, p.returncode,
                     ' '.join('%s=%s:%d' % (c, s, n) for (c, s), n in sorted(status.items()))))
        os.unlink(f.name)
    finally:
        w.stop()


if __name__ == '__main__':
    main()
