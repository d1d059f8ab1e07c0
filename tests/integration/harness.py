# SPDX-License-Identifier: MIT
"""Shared harness for the integration tests: start the local DNS world and the
fault-injecting responder on loopback, run the built dnsbl-scan, parse its
JSON Lines. Every packet goes to 127.0.0.1; every wait is bounded."""
import json, os, random, shutil, signal, socket, subprocess, tempfile, time, unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXE = os.environ.get('DNSBL_SCAN', os.path.join(ROOT, 'build', 'dnsbl-scan'))
FAULTD = os.environ.get('FAULTD', os.path.join(ROOT, 'build', 'tests', 'faultd', 'faultd'))
LOSSPROXY = os.environ.get('LOSSPROXY', os.path.join(ROOT, 'build', 'tests', 'lossproxy',
                                                      'lossproxy'))
WORLD = os.path.join(ROOT, 'zones', 'world')


# What AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer print. In a
# -Db_sanitize build a report goes to the stderr the tests capture, and a UBSan
# report (recoverable by default) or a leak found at exit need not change an exit
# code that a test does not check: look for them in every captured stderr.
SANITIZER_MARKS = ('ERROR: AddressSanitizer', 'ERROR: LeakSanitizer', 'runtime error:',
                   'WARNING: AddressSanitizer', 'ERROR: UndefinedBehaviorSanitizer')


def check_sanitizers(stderr, what):
    """Raise AssertionError with the report when stderr holds a sanitizer report."""
    if isinstance(stderr, bytes):
        stderr = stderr.decode(errors='replace')
    for mark in SANITIZER_MARKS:
        at = (stderr or '').find(mark)
        if at >= 0:
            raise AssertionError('sanitizer report from %s:\n%s' % (what, stderr[max(0, at - 200):][:6000]))


def ports_free(base, n):
    """True when UDP and TCP ports base..base+n-1 on 127.0.0.1 can be bound now."""
    for port in range(base, base + n):
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            sk = socket.socket(socket.AF_INET, kind)
            try:
                sk.bind(('127.0.0.1', port))
            except OSError:
                return False
            finally:
                sk.close()
    return True


class World:
    """The local DNS world started from a private copy of zones/ so a test may
    edit zone data and reload."""

    def __init__(self, port=None, copy_data=False):
        self.tmp = tempfile.mkdtemp(prefix='dnsbl-world-')
        self.dir = os.path.join(self.tmp, 'run')
        self.data = None
        if copy_data:
            self.data = os.path.join(self.tmp, 'zones')
            shutil.copytree(os.path.join(ROOT, 'zones'), self.data, symlinks=True)
        # The world takes three ports (N, N+1, N+2). Pick free ones, so a world
        # left behind by a killed run cannot break the next run.
        rng = random.Random()
        for attempt in range(20):
            base = port if (port and attempt == 0) else rng.randrange(20000, 60000)
            if not ports_free(base, 3):
                continue
            args = [WORLD, 'start', '--dir', self.dir, '--port', str(base)]
            if self.data:
                args += ['--data', self.data]
            p = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               timeout=60)
            if p.returncode == 0:
                break
        else:
            raise RuntimeError('could not start the DNS world: %s' % p.stderr.decode()[-2000:])
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
        self.port = int(env['WORLD_PORT'])
        self.trust_anchor = env['WORLD_TRUST_ANCHOR']  # the signed root's KSK

    def edit(self, rel, fn):
        """Rewrite one file of the private zone data (copy_data=True) with @fn(text);
        the edit must change something. Call reload() to serve it."""
        path = os.path.join(self.data, rel)
        with open(path) as f:
            text = f.read()
        new = fn(text)
        assert new != text, 'edit of %s changed nothing' % rel
        with open(path, 'w') as f:
            f.write(new)

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
        err = b''
        try:
            _, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate(timeout=10)
        shutil.rmtree(self.tmp, ignore_errors=True)
        check_sanitizers(err, 'faultd')


class LossProxy:
    """The packet-losing UDP proxy (tests/lossproxy) in front of one loopback server."""

    def __init__(self, upstream, loss_up=0.0, loss_down=0.0, seed=1, max_seconds=300):
        self.tmp = tempfile.mkdtemp(prefix='dnsbl-lossproxy-')
        self.stats_file = os.path.join(self.tmp, 'stats.json')
        args = [LOSSPROXY, '--upstream', upstream, '--loss-up', str(loss_up),
                '--loss-down', str(loss_down), '--seed', str(seed),
                '--max-seconds', str(max_seconds), '--stats-file', self.stats_file]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.proc.stdout.readline().decode().strip()
        if not line.isdigit():
            self.proc.kill()
            self.proc.communicate(timeout=10)
            raise RuntimeError('lossproxy did not report its port: %r' % line)
        self.port = int(line)
        self.addr = '127.0.0.1:%d' % self.port

    def stop(self):
        """Stop it and return its counters (README: the --stats-file JSON)."""
        self.proc.send_signal(signal.SIGTERM)
        err = b''
        try:
            _, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate(timeout=10)
        stats = None
        if os.path.exists(self.stats_file):
            with open(self.stats_file) as f:
                stats = json.load(f)
        shutil.rmtree(self.tmp, ignore_errors=True)
        check_sanitizers(err, 'lossproxy')
        if self.proc.returncode != 0 or stats is None:
            raise RuntimeError('lossproxy exit %s: %s' % (self.proc.returncode, err.decode()))
        return stats


class HttpsServer:
    """A loopback HTTPS server for MTA-STS policies, with a test CA made at start
    (openssl; nothing is committed) and a certificate for the given names. It
    serves `pages[host] = (status, body, headers)` for GET /.well-known/mta-sts.txt,
    404 for anything else, and stops itself after max_seconds."""

    def __init__(self, names, pages, max_seconds=300):
        import http.server, ssl, threading
        self.tmp = tempfile.mkdtemp(prefix='dnsbl-https-')
        t = self.tmp
        ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']

        def run(*args):
            subprocess.run(['openssl'] + list(args), check=True, timeout=60,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        run('req', '-x509', *ec, '-keyout', t + '/ca.key', '-out', t + '/ca.pem', '-days', '2',
            '-subj', '/CN=dnsbl-scan test CA', '-addext', 'basicConstraints=critical,CA:TRUE',
            '-addext', 'keyUsage=critical,keyCertSign')
        run('req', *ec, '-keyout', t + '/srv.key', '-out', t + '/srv.csr', '-subj',
            '/CN=dnsbl-scan test server')
        with open(t + '/ext.cnf', 'w') as f:
            f.write('subjectAltName=' + ','.join('DNS:' + n for n in names) + '\n'
                    'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n')
        run('x509', '-req', '-in', t + '/srv.csr', '-CA', t + '/ca.pem', '-CAkey', t + '/ca.key',
            '-CAcreateserial', '-out', t + '/srv.pem', '-days', '2', '-extfile', t + '/ext.cnf')
        os.unlink(t + '/ca.key')  # nothing can sign with the test CA any more
        self.ca_file = t + '/ca.pem'
        self.requests = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                host = (self.headers.get('Host') or '').split(':')[0].lower()
                outer.requests.append((host, self.path))
                page = pages.get(host) if self.path == '/.well-known/mta-sts.txt' else None
                status, body, headers = page or (404, b'not found', {})
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.httpd.daemon_threads = True
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(t + '/srv.pem', t + '/srv.key')
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.addr = '127.0.0.1:%d' % self.port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.timer = threading.Timer(max_seconds, self.httpd.shutdown)
        self.timer.daemon = True
        self.timer.start()

    def stop(self):
        self.timer.cancel()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)
        shutil.rmtree(self.tmp, ignore_errors=True)
class ValidatingUnbound:
    """A second Unbound that validates (module-config "validator iterator") with the
    world's trust anchor and forwards everything to the world's Unbound: a resolver
    that gives SERVFAIL for bogus data unless the client sets CD. Bound to a free
    port on 127.0.0.1, stopped by PID, and killed after max_seconds whatever happens."""

    def __init__(self, world, max_seconds=300):
        self.tmp = tempfile.mkdtemp(prefix='dnsbl-validator-')
        rng = random.Random()
        for _ in range(50):
            self.port = rng.randrange(20000, 60000)
            if ports_free(self.port, 1):
                break
        conf = os.path.join(self.tmp, 'unbound.conf')
        with open(conf, 'w') as f:
            f.write('server:\n'
                    '    interface: 127.0.0.1@%d\n    port: %d\n    do-ip6: no\n'
                    '    username: ""\n    chroot: ""\n    directory: "%s"\n'
                    '    pidfile: "%s/unbound.pid"\n    use-syslog: no\n    logfile: ""\n'
                    '    module-config: "validator iterator"\n    trust-anchor-file: "%s"\n'
                    '    do-not-query-localhost: no\n    access-control: 127.0.0.0/8 allow\n'
                    '    num-threads: 1\n    cache-max-ttl: 0\n    cache-max-negative-ttl: 0\n'
                    '    local-zone: "test." nodefault\n'
                    'remote-control:\n    control-enable: no\n'
                    'forward-zone:\n    name: "."\n    forward-addr: 127.0.0.1@%d\n'
                    % (self.port, self.port, self.tmp, self.tmp, world.trust_anchor, world.port))
        self.proc = subprocess.Popen(['timeout', str(max_seconds), 'unbound', '-d', '-c', conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.addr = '127.0.0.1:%d' % self.port
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            p = subprocess.run(['dig', '@127.0.0.1', '-p', str(self.port), '+time=1', '+tries=1',
                                '+short', 'SOA', 'dnssec.test'], capture_output=True, text=True)
            if p.stdout.strip():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        err = self.stop()
        raise RuntimeError('the validating Unbound did not start: %s' % err[-2000:])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            _, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate(timeout=10)
        shutil.rmtree(self.tmp, ignore_errors=True)
        return (err or b'').decode(errors='replace')


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

    def health_lines(self):
        """Every list-health line: one per (list, kind) the run queried."""
        return [r for r in self.lines if r.get('check') == 'list-health']

    def health(self):
        """{list: health line}; with one line per (list, kind), an unhealthy one wins."""
        out = {}
        for r in self.lines:
            if r.get('check') != 'list-health':
                continue
            if r['list'] not in out or r.get('status') == 'unhealthy':
                out[r['list']] = r
        return out

    def health_by_kind(self):
        """{(list, kind): health line}; kind is None for a list checked as a whole."""
        return {(r['list'], r.get('kind')): r for r in self.lines
                if r.get('check') == 'list-health'}

    def one(self, **match):
        rs = self.results(**match)
        if len(rs) != 1:
            raise AssertionError('expected exactly one result for %r, got %d: %r'
                                 % (match, len(rs), rs[:5]))
        return rs[0]


def scan(*args, stdin=None, timeout=120, env=None):
    e = dict(os.environ)
    for k in ('SPAMHAUS_DQS_KEY', 'ABUSIX_API_KEY'):  # keyed lists stay out unless a test sets them
        e.pop(k, None)
    if env:
        e.update(env)
    t0 = time.monotonic()
    p = subprocess.run([EXE] + [str(a) for a in args], input=stdin, capture_output=True,
                       text=True, timeout=timeout, env=e)
    check_sanitizers(p.stderr, 'dnsbl-scan %s' % ' '.join(str(a) for a in args)[:300])
    return Run(p, time.monotonic() - t0)


class HttpReceiver:
    """A webhook receiver on 127.0.0.1 (a port of its own): records every POST
    (path, headers, JSON body) and answers with .status (200 unless a test says
    otherwise). It stops itself after max_seconds; stop() ends it sooner."""

    def __init__(self, max_seconds=300):
        import http.server, threading
        self.requests = []
        self.status = 200
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(n)
                try:
                    doc = json.loads(body)
                except ValueError:
                    doc = None
                receiver.requests.append((self.path, dict(self.headers), doc))
                self.send_response(receiver.status)
                self.send_header('Content-Length', '2')
                self.end_headers()
                self.wfile.write(b'ok')

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d/hook' % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.timer = threading.Timer(max_seconds, self.server.shutdown)
        self.timer.daemon = True
        self.timer.start()

    def stop(self):
        self.timer.cancel()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
