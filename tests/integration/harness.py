# SPDX-License-Identifier: MIT
"""Shared harness for the integration tests: start the local DNS world and the
fault-injecting responder on loopback, run the built dnsbl-scan, parse its
JSON Lines. Every packet goes to 127.0.0.1; every wait is bounded."""
import json, os, shutil, signal, subprocess, tempfile, time, unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXE = os.environ.get('DNSBL_SCAN', os.path.join(ROOT, 'build', 'dnsbl-scan'))
FAULTD = os.environ.get('FAULTD', os.path.join(ROOT, 'build', 'tests', 'faultd', 'faultd'))
WORLD = os.path.join(ROOT, 'zones', 'world')


class World:
    """The local DNS world started from a private copy of zones/ so a test may
    edit zone data and reload."""

    def __init__(self, port, copy_data=False):
        self.tmp = tempfile.mkdtemp(prefix='dnsbl-world-')
        self.dir = os.path.join(self.tmp, 'run')
        self.data = None
        args = [WORLD, 'start', '--dir', self.dir, '--port', str(port)]
        if copy_data:
            self.data = os.path.join(self.tmp, 'zones')
            shutil.copytree(os.path.join(ROOT, 'zones'), self.data, symlinks=True)
            args += ['--data', self.data]
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, timeout=60)
        env = {}
        with open(os.path.join(self.dir, 'world.env')) as f:
            lines = f.read().splitlines()
        for line in lines:
            if '=' in line:
                k, v = line.strip().split('=', 1)
                env[k] = v.strip('"\'')
        self.resolver = env['WORLD_RESOLVER']
        self.rbldnsd = env['WORLD_RBLDNSD']
        self.nsd = env['WORLD_NSD']

    def reload(self):
        subprocess.run([WORLD, 'reload', '--dir', self.dir], check=True,
                       stdout=subprocess.DEVNULL, timeout=60)

    def stop_one(self, which):
        subprocess.run([WORLD, 'stop-one', which, '--dir', self.dir], check=True,
                       stdout=subprocess.DEVNULL, timeout=60)

    def stop(self):
        subprocess.run([WORLD, 'stop', '--dir', self.dir], stdout=subprocess.DEVNULL, timeout=60)
        shutil.rmtree(self.tmp, ignore_errors=True)


class Faultd:
    """The project's fault-injecting responder (tests/faultd)."""

    def __init__(self, log=False):
        self.tmp = tempfile.mkdtemp(prefix='dnsbl-faultd-')
        self.log = os.path.join(self.tmp, 'queries.log') if log else None
        args = [FAULTD, '--max-seconds', '600']
        if self.log:
            args += ['--log', self.log]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.proc.stdout.readline().decode().strip()
        if not line.isdigit():
            raise RuntimeError('faultd did not report its port: %r' % line)
        self.port = int(line)
        self.addr = '127.0.0.1:%d' % self.port

    def queries(self):
        if not self.log or not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return [l.split() for l in f if l.strip()]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.stdout.close()
        self.proc.stderr.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.tmp, ignore_errors=True)


class Run:
    def __init__(self, proc, elapsed):
        self.code = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.elapsed = elapsed
        self.lines = []
        if self.stdout.lstrip().startswith('{'):
            self.lines = [json.loads(l) for l in self.stdout.splitlines() if l.strip()]

    def results(self, check=None, **match):
        out = []
        for r in self.lines:
            if r.get('check') == 'list-health':
                continue
            if check and r.get('check') != check:
                continue
            if all(r.get(k) == v for k, v in match.items()):
                out.append(r)
        return out

    def health(self):
        return {r['list']: r for r in self.lines if r.get('check') == 'list-health'}

    def one(self, **match):
        rs = self.results(**match)
        if len(rs) != 1:
            raise AssertionError('expected exactly one result for %r, got %d: %r'
                                 % (match, len(rs), rs[:5]))
        return rs[0]


def scan(*args, stdin=None, timeout=300, env=None):
    e = dict(os.environ)
    e.pop('SPAMHAUS_DQS_KEY', None)
    if env:
        e.update(env)
    t0 = time.monotonic()
    p = subprocess.run([EXE] + [str(a) for a in args], input=stdin, capture_output=True,
                       text=True, timeout=timeout, env=e)
    return Run(p, time.monotonic() - t0)
