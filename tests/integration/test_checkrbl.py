#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: check_rbl, flag for flag (issue 9), against the local DNS world.

The two command lines monitoring systems ship for check_rbl run unchanged, only
the binary path differs (our `check_rbl` link):

- Debian's /etc/nagios-plugins/config/rbl.cfg:
  check_rbl -H '$HOSTADDRESS$' --extra-opts='rbl@/etc/nagios-plugins/check_rbl.ini' --timeout=60
- the Icinga 2 ITL CheckCommand "rbl" (arguments in Icinga's order, by key):
  check_rbl -H $rbl_hostname$ -c 1 -s ZONE... -t 15 -w 1

Both read /etc: the ini file at Debian's path and /etc/resolv.conf (the program
asks the system's resolver, as check_rbl does). So the test runs itself again
inside a private network and mount namespace (unshare, as root): loopback only,
the world's Unbound reached on 127.0.0.1:53 (through the project's lossproxy,
losing nothing: the world's servers take ports 1024 and up), and an overlay on
/etc that holds
resolv.conf ("nameserver 127.0.0.1") and nagios-plugins/check_rbl.ini. Nothing
outside the namespace changes and no packet leaves its loopback. Without root
or unshare the test is skipped, saying why.

Checked for each: the state (exit code), the status line and the perfdata
(check_rbl's servers=N;W;C first).
"""
import os, re, shutil, subprocess, sys, tempfile, unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness import EXE, LOSSPROXY, ROOT, World, check_sanitizers  # noqa: E402

INSIDE = '--inside-namespace'
ETC_INI = '/etc/nagios-plugins/check_rbl.ini'
# The world's IP lists (zones/rbl/zones.list), in Debian's file format.
WORLD_ZONES = ['zen.spamhaus.org', 'b.barracudacentral.org', 'bl.spamcop.net',
               'bl.mailspike.net', 'dnsbl-1.uceprotect.net', 'dnsbl-2.uceprotect.net',
               'all.spamrats.com', 'dnsbl.dronebl.org', 'bl.spameatingmonkey.net',
               'bl.0spam.org', 'bl.blocklist.de', 'ips.backscatterer.org',
               # a domain list (does not apply to an address) and a zone the catalog lacks
               'dbl.spamhaus.org', 'bl1.bench.test']
PLUGIN_LINE = re.compile(r'^DNSBL (OK|WARNING|CRITICAL|UNKNOWN) - ([^|\n]+) \| (\S.*)$')
STATES = {'OK': 0, 'WARNING': 1, 'CRITICAL': 2, 'UNKNOWN': 3}
W = None
BIN = None


def namespace_problem():
    """Why the test cannot make its namespace, or None."""
    if os.geteuid() != 0:
        return 'needs root for unshare --net --mount'
    if not shutil.which('unshare') or not shutil.which('ip'):
        return 'needs unshare (util-linux) and ip (iproute2)'
    p = subprocess.run(['unshare', '--net', '--mount', 'true'], stderr=subprocess.PIPE,
                       timeout=30)
    if p.returncode != 0:
        return 'unshare --net --mount failed: ' + p.stderr.decode(errors='replace')[-300:]
    return None


def setup_inside(tmp):
    """In the namespace: loopback up, /etc overlaid with our resolv.conf and ini."""
    subprocess.run(['ip', 'link', 'set', 'lo', 'up'], check=True, timeout=30)
    subprocess.run(['mount', '--make-rprivate', '/'], check=True, timeout=30)
    upper, work = os.path.join(tmp, 'upper'), os.path.join(tmp, 'work')
    os.makedirs(os.path.join(upper, 'nagios-plugins'))
    os.makedirs(work)
    # resolv.conf may be a link (systemd-resolved): an overlay file replaces it
    with open(os.path.join(upper, 'resolv.conf'), 'w') as f:
        f.write('nameserver 127.0.0.1\n')
    subprocess.run(['mount', '-t', 'overlay', 'overlay', '-o',
                    'lowerdir=/etc,upperdir=%s,workdir=%s' % (upper, work), '/etc'],
                   check=True, timeout=30)


def write_ini(zones):
    with open(ETC_INI, 'w') as f:
        f.write('[rbl]\n; added by debian in random order\n')
        for z in zones:
            f.write('server=%s\n' % z)


def plugin(args, timeout=90):
    p = subprocess.run([BIN] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=timeout)
    check_sanitizers(p.stderr, ' '.join(args))
    lines = p.stdout.splitlines()
    assert len(lines) == 1, 'not one line: %r (stderr %s)' % (p.stdout, p.stderr[-2000:])
    m = PLUGIN_LINE.match(lines[0])
    assert m, 'not a plugin line: %r' % lines[0]
    state, text, perf = m.groups()
    assert STATES[state] == p.returncode, (state, p.returncode, lines[0])
    labels = [tok.split('=')[0] for tok in perf.split()]
    for tok in perf.split():
        assert re.match(r"^[a-z_]+=-?[\d.]+s?(;[-\d.:@~]*){0,4}$", tok), tok
    return state, text, perf, labels, p


class CheckRbl(unittest.TestCase):
    def assert_perf_first(self, perf, labels, servers, w='0', c='0'):
        self.assertEqual(labels[0], 'servers', perf)
        self.assertTrue(perf.startswith('servers=%d;%s;%s ' % (servers, w, c)), perf)
        for label in ('listed', 'errors', 'unhealthy_lists', 'targets', 'time'):
            self.assertIn(label, labels)

    # --- Debian: rbl.cfg's command line ---------------------------------------------

    def debian(self, host):
        return plugin(['-H', host, '--extra-opts=rbl@' + ETC_INI, '--timeout=60'])

    def test_debian_rbl_cfg_listed_address(self):
        write_ini(WORLD_ZONES)
        state, text, perf, labels, p = self.debian('192.0.2.10')
        self.assertEqual(state, 'CRITICAL')
        # zen, barracuda and spamcop list 192.0.2.10; 13 lists apply (not dbl), and
        # ips.backscatterer.org lists the world: not counted, named
        self.assertTrue(text.startswith('192.0.2.10: 3 listings on 3 of 13 lists '
                                        '(b.barracudacentral.org, bl.spamcop.net, '
                                        'zen.spamhaus.org), 1 list unhealthy or blocked '
                                        '(ips.backscatterer.org/ip4)'), text)
        self.assert_perf_first(perf, labels, 3)
        self.assertIn('note: bl1.bench.test is not in the catalog', p.stderr)

    def test_debian_rbl_cfg_host_name(self):
        write_ini(WORLD_ZONES)
        state, text, perf, labels, _ = self.debian('mta10.example-esp.test')
        self.assertEqual(state, 'CRITICAL')
        self.assertTrue(text.startswith('192.0.2.10 (mta10.example-esp.test): 3 listings on 3 '
                                        'of 13 lists'), text)
        self.assert_perf_first(perf, labels, 3)

    def test_debian_rbl_cfg_clean_address_unhealthy_list_is_unknown(self):
        write_ini(WORLD_ZONES)
        # 192.0.2.20 is listed nowhere; ips.backscatterer.org, which applies, is unhealthy
        state, text, perf, labels, _ = self.debian('192.0.2.20')
        self.assertEqual(state, 'UNKNOWN')
        self.assertIn('192.0.2.20: 0 listings on 0 of 13 lists, 1 list unhealthy or blocked '
                      '(ips.backscatterer.org/ip4)', text)
        self.assert_perf_first(perf, labels, 0)
        write_ini([z for z in WORLD_ZONES if z != 'ips.backscatterer.org'])
        state, text, perf, labels, _ = self.debian('192.0.2.20')
        self.assertEqual(state, 'OK', text)
        self.assertTrue(text.startswith('192.0.2.20: 0 listings on 0 of 12 lists, 1 target'),
                        text)

    def test_debian_check_rbl_ini_as_shipped(self):
        """Debian's own file, 207 zones: most are not in the world (unhealthy there),
        but the listings found make it CRITICAL, and nothing is a usage error."""
        shutil.copy(os.path.join(ROOT, 'tests', 'data', 'debian-check_rbl.ini'), ETC_INI)
        state, text, perf, labels, p = self.debian('192.0.2.10')
        self.assertEqual(state, 'CRITICAL', text)
        self.assertRegex(text, r'^192\.0\.2\.10: [3-9] listings on \d+ of \d+ lists ')
        self.assertIn('bl.spamcop.net', text)
        self.assertEqual(labels[0], 'servers')
        self.assertNotIn('UNKNOWN', p.stdout)

    def test_debian_bad_ini_is_unknown_with_file_and_line(self):
        with open(ETC_INI, 'w') as f:
            f.write('[rbl]\nserver=zen.spamhaus.org\nservre=bl.spamcop.net\n')
        p = subprocess.run([BIN, '-H', '192.0.2.10', '--extra-opts=rbl@' + ETC_INI,
                            '--timeout=60'], stdout=subprocess.PIPE, text=True, timeout=60)
        self.assertEqual(p.returncode, 3)
        self.assertEqual(p.stdout, "DNSBL UNKNOWN - %s:3: unknown option 'servre' (check_rbl's "
                         "long options: server, host, warning, critical, timeout, "
                         "query-timeout, retry, nameserver, ...)\n" % ETC_INI)

    # --- Icinga 2 ITL: CheckCommand "rbl" ----------------------------------------------

    def icinga(self, host, zones, w='1', c='1'):
        args = ['-H', host, '-c', c]
        for z in zones:
            args += ['-s', z]
        return plugin(args + ['-t', '15', '-w', w])

    def test_icinga_itl_rbl(self):
        state, text, perf, labels, _ = self.icinga('192.0.2.10', WORLD_ZONES)
        self.assertEqual(state, 'CRITICAL')
        self.assertTrue(text.startswith('192.0.2.10: 3 listings on 3 of 13 lists'), text)
        self.assert_perf_first(perf, labels, 3)
        state, text, perf, labels, _ = self.icinga('192.0.2.10', WORLD_ZONES, w='3', c='4')
        self.assertEqual(state, 'WARNING')
        self.assert_perf_first(perf, labels, 3, '2', '3')
        state, text, perf, labels, _ = self.icinga('2001:db8::10', ['zen.spamhaus.org',
                                                                   'bl.spamcop.net'])
        self.assertEqual(state, 'CRITICAL')
        # spamcop serves IPv4 only: it does not apply to an IPv6 address
        self.assertTrue(text.startswith('2001:db8::10: 1 listing on 1 of 1 list '
                                        '(zen.spamhaus.org)'), text)
        state, text, perf, labels, _ = self.icinga('192.0.2.20', ['zen.spamhaus.org',
                                                                 'bl.spamcop.net'])
        self.assertEqual(state, 'OK')
        self.assert_perf_first(perf, labels, 0)

    def test_icinga_usage_errors_are_unknown(self):
        for args, want in ((['-s', 'zen.spamhaus.org'], 'host or url has to be set'),
                           (['-H', '192.0.2.10', '-w', '2', '-c', '1'],
                            'critical has to be greater or equal warning'),
                           (['-H', '192.0.2.10', '-t', 'x'], "-t 'x': expected seconds"),
                           (['-H', '192.0.2.10', '--bogus'], "unknown option '--bogus'"),
                           (['-H', '192.0.2.10', '-t'], "option '-t' needs a value"),
                           (['-H', '192.0.2.10', '-x'], "unknown option '-x'")):
            p = subprocess.run([BIN] + args, stdout=subprocess.PIPE, text=True, timeout=60)
            self.assertEqual(p.returncode, 3, args)
            self.assertTrue(p.stdout.startswith('DNSBL UNKNOWN - '), p.stdout)
            self.assertIn(want, p.stdout)


def main_inside():
    global W, BIN
    tmp = tempfile.mkdtemp(prefix='dnsbl-checkrbl-')
    proxy = None
    try:
        setup_inside(tmp)
        BIN = os.path.join(tmp, 'check_rbl')
        os.symlink(EXE, BIN)
        W = World()
        proxy = subprocess.Popen([LOSSPROXY, '--upstream', W.resolver, '--port', '53',
                                  '--max-seconds', '580'], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL)
        line = proxy.stdout.readline().decode().strip()
        assert line == '53', 'lossproxy did not take port 53: %r' % line
        prog = unittest.main(argv=[sys.argv[0]], exit=False, verbosity=2)
        return 0 if prog.result.wasSuccessful() else 1
    finally:
        if proxy:
            proxy.kill()
            proxy.wait(timeout=10)
        if W:
            W.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    if INSIDE in sys.argv:
        sys.exit(main_inside())
    why = namespace_problem()
    if why:
        print('SKIP: ' + why)
        sys.exit(77)
    sys.exit(subprocess.run(['unshare', '--net', '--mount', sys.executable,
                             os.path.abspath(__file__), INSIDE], timeout=580).returncode)
