#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: run history, deltas and alerts (--state, --delta, --nagios, --prom,
--on-change, job files, history) of the built dnsbl-scan against a private copy
of the local DNS world whose zone data the tests change between runs."""
import json, os, re, signal, sqlite3, subprocess, sys, tempfile, time, unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import EXE, ROOT, World, check_sanitizers, scan  # noqa: E402

W = None
TMP = None
POOL = ['192.0.2.8/29', '198.51.100.7', 'example-esp.test']
BENCH = os.path.join(ROOT, 'zones', 'bench', 'catalog.yaml')


def setUpModule():
    global W, TMP
    W = World(copy_data=True)
    TMP = tempfile.mkdtemp(prefix='dnsbl-state-')


def tearDownModule():
    W.stop()


def edit(rel, fn):
    W.edit(rel, fn)


def run(state, *extra, targets=POOL, checks='dnsbl,fcrdns,spf'):
    return scan('scan', '--state', state, '--resolver', W.resolver, '--rate', '0',
                '--checks', checks, '--no-color', *extra, *targets)


def load(path):
    with open(path) as f:
        return json.load(f)


def events(doc):
    return sorted((e['type'], e.get('target'), e.get('list')) for e in doc['events'])


class Deltas(unittest.TestCase):
    """Runs in order: baseline, changed world, unchanged world."""

    def test_runs(self):
        state = os.path.join(TMP, 'deltas.db')
        d1, d2, d3 = (os.path.join(TMP, 'delta%d.json' % i) for i in (1, 2, 3))

        r = run(state, '--delta', d1)
        self.assertEqual(r.code, 0, r.stderr)
        doc = load(d1)
        self.assertEqual(doc['events'], [], 'the first run is a silent baseline')
        self.assertIsNone(doc['previous_run'])

        # Change the world: one change per event type the issue names.
        edit('rbl/bl.spamcop.net', lambda t: t + '192.0.2.13\n')                 # new listing
        edit('rbl/b.barracudacentral.org', lambda t: t.replace('192.0.2.10\n', ''))  # delisting
        edit('rbl/all.spamrats.com', lambda t: t.replace('192.0.2.12 :127.0.0.38',
                                                         '192.0.2.12 :127.0.0.36'))  # code
        edit('rbl/zones.list', lambda t: re.sub(r'(?m)^dnsbl\.dronebl\.org .*\n', '', t))
        edit('rbl/bl.mailspike.net', lambda t: t + '0.0.0.0/1\n128.0.0.0/1\n')  # lists the world
        edit('rbl/bl.spameatingmonkey.net', lambda t: t + '192.0.2.0/24\n')     # anomaly
        edit('nsd/example-esp.test.zone',
             lambda t: t.replace('mta10     A       192.0.2.10', 'mta10     A       192.0.2.99')
             .replace('include:_spf.provider.test -all"', 'include:_spf.provider.test ~all"'))
        W.reload()

        r = run(state, '--delta', d2)
        self.assertEqual(r.code, 1, r.stderr)
        doc = load(d2)
        self.assertEqual(doc['previous_run']['id'], doc['run']['id'] - 1)
        self.assertEqual(events(doc), sorted([
            ('new_listing', '192.0.2.13', 'bl.spamcop.net'),
            ('delisted', '192.0.2.10', 'b.barracudacentral.org'),
            ('code_changed', '192.0.2.12', 'all.spamrats.com'),
            ('list_unhealthy', None, 'dnsbl.dronebl.org'),
            ('list_unhealthy', None, 'bl.mailspike.net'),
            ('list_anomaly', None, 'bl.spameatingmonkey.net'),
            ('fcrdns_changed', '192.0.2.10', None),
            ('spf_changed', 'example-esp.test', None),
        ]))
        for e in doc['events']:
            for key in ('type', 'check', 'target', 'before', 'after'):
                self.assertIn(key, e)
        nl = [e for e in doc['events'] if e['type'] == 'new_listing'][0]
        self.assertEqual(nl['check'], 'dnsbl')
        self.assertIn('spamcop', nl['txt'].lower())
        self.assertTrue(nl['meaning'])
        self.assertEqual(nl['after']['codes'], ['127.0.0.2'])
        self.assertIn('delist_url', nl)

        r = run(state, '--delta', d3)
        self.assertEqual(r.code, 0, r.stderr)
        self.assertEqual(load(d3)['events'], [], 'an unchanged run has no events')

        h = scan('history', '--state', state, '192.0.2.10')
        self.assertEqual(h.code, 0, h.stderr)
        self.assertIn('b.barracudacentral.org', h.stdout)
        self.assertIn('fcrdns', h.stdout)

        # The human summary prints the events when there is no --delta.
        edit('rbl/bl.spamcop.net', lambda t: t.replace('192.0.2.13\n', ''))
        W.reload()
        r = run(state)
        self.assertEqual(r.code, 0, 'a delisting alone is good news: ' + r.stderr)
        self.assertIn('delisted', r.stdout)
        self.assertIn('192.0.2.13', r.stdout)


class Crash(unittest.TestCase):
    def test_kill_9_leaves_the_last_complete_run(self):
        state = os.path.join(TMP, 'crash.db')
        r = run(state, targets=['192.0.2.8/29'], checks='dnsbl')
        self.assertEqual(r.code, 0, r.stderr)
        # A long run (rate-limited), killed with SIGKILL in the middle.
        p = subprocess.Popen([EXE, 'scan', '--state', state, '--lists', BENCH, '--resolver',
                              W.rbldnsd, '--rate', '2000', '--checks', 'dnsbl', '--format',
                              'json', '198.18.0.0/16'], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(1.5)
        self.assertIsNone(p.poll(), 'the long run should still be running')
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=10)
        with sqlite3.connect(state) as db:
            self.assertEqual(db.execute('PRAGMA integrity_check').fetchone()[0], 'ok')
        d = os.path.join(TMP, 'crash-delta.json')
        r = run(state, '--delta', d, targets=['192.0.2.8/29'], checks='dnsbl')
        self.assertEqual(r.code, 0, r.stderr)
        doc = load(d)
        self.assertEqual(doc['previous_run']['id'], 1, 'the killed run never became previous')
        self.assertEqual(doc['run']['id'], 3)
        self.assertEqual(doc['events'], [])


class Locking(unittest.TestCase):
    def test_second_run_stops_or_waits(self):
        state = os.path.join(TMP, 'lock.db')
        p_err = open(os.path.join(TMP, 'lock-first.stderr'), 'w+')
        p = subprocess.Popen([EXE, 'scan', '--state', state, '--lists', BENCH, '--resolver',
                              W.rbldnsd, '--rate', '500', '--checks', 'dnsbl', '--format',
                              'json', '198.18.0.0/20'], stdout=subprocess.DEVNULL,
                             stderr=p_err)
        try:
            deadline = time.monotonic() + 10
            while not os.path.exists(state + '.lock') and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.3)
            t0 = time.monotonic()
            r = run(state, targets=['192.0.2.10'], checks='dnsbl')
            self.assertLess(time.monotonic() - t0, 5, 'the second run must stop at once')
            self.assertEqual(r.code, 3)
            self.assertIn(state + '.lock', r.stderr)
            self.assertIn(str(p.pid), r.stderr)
            # With --wait it runs once the first one is gone.
            w = subprocess.Popen([EXE, 'scan', '--state', state, '--wait', '--resolver',
                                  W.resolver, '--rate', '0', '--checks', 'dnsbl',
                                  '--format', 'json', '192.0.2.10'],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(0.5)
            self.assertIsNone(w.poll(), '--wait must wait for the lock')
            p.send_signal(signal.SIGINT)
            p.wait(timeout=30)
            p_err.seek(0)
            check_sanitizers(p_err.read(), 'the interrupted first run')
            out, err = w.communicate(timeout=60)
            check_sanitizers(err, 'the waiting run')
            self.assertEqual(w.returncode, 0, err)
            self.assertIn('"target":"192.0.2.10"', out)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            p_err.close()
        with sqlite3.connect(state) as db:
            self.assertEqual(db.execute('PRAGMA integrity_check').fetchone()[0], 'ok')


class Alerts(unittest.TestCase):
    def test_nagios_line(self):
        state = os.path.join(TMP, 'nagios.db')
        r = scan('scan', '--state', state, '--resolver', W.resolver, '--rate', '0', '--checks',
                 'dnsbl', '--nagios', '-w', '1', '-c', '3', '192.0.2.10', '192.0.2.16')
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 1, r.stdout)
        m = re.match(r"^DNSBL (OK|WARNING|CRITICAL|UNKNOWN) - [^|]+\| (.+)$", lines[0])
        self.assertTrue(m, lines[0])
        self.assertEqual(r.code, {'OK': 0, 'WARNING': 1, 'CRITICAL': 2, 'UNKNOWN': 3}[m.group(1)])
        for perf in m.group(2).split():
            self.assertRegex(perf, r"^'?[\w ]+'?=-?[\d.]+[a-zA-Z%]*(;[^;]*){0,4}$")
        listed = int(re.search(r'listed=(\d+)', m.group(2)).group(1))
        self.assertGreaterEqual(listed, 3)
        self.assertEqual(m.group(1), 'CRITICAL')
        r = scan('scan', '--resolver', W.resolver, '--rate', '0', '--checks', 'dnsbl',
                 '--nagios', '--list', 'zen.spamhaus.org', '192.0.2.16')
        self.assertTrue(r.stdout.startswith('DNSBL OK - '), r.stdout)
        self.assertEqual(r.code, 0)

    def test_nagios_unknown_line_is_one_line_of_ascii(self):
        """The UNKNOWN line of a plugin that could not run takes the status line's
        text rule: printable ASCII but '|'. What the user typed cannot add a
        perfdata '|', a DEL or bytes above ASCII (each is one '?')."""
        r = scan('nagios', '-H', '192.0.2.10', '-w', 'caf\u00e9|x\x7f')
        self.assertEqual(r.code, 3)
        self.assertEqual(r.stdout, "DNSBL UNKNOWN - -w 'caf???x?': expected a number of "
                         "listing servers\n")
        # after the options: the last error said on stderr, filtered the same way
        r = scan('nagios', '-H', '192.0.2.10', '-s', 'bad|zon\u00e9.example')
        self.assertEqual(r.code, 3)
        self.assertIn('zon\u00e9', r.stderr, 'stderr keeps the bytes as they were')
        self.assertTrue(r.stdout.startswith("DNSBL UNKNOWN - -s 'bad?zon??.example': not a "
                                            "list id"), r.stdout)
        self.assertEqual(r.stdout.count('\n'), 1, r.stdout)
        self.assertTrue(r.stdout.isascii(), r.stdout)

    def test_prometheus_file(self):
        prom = os.path.join(TMP, 'dnsbl.prom')
        r = scan('scan', '--state', os.path.join(TMP, 'prom.db'), '--resolver', W.resolver,
                 '--rate', '0', '--checks', 'dnsbl', '--prom', prom, '192.0.2.10')
        self.assertEqual(r.code, 0, r.stderr)
        names = set()
        with open(prom) as f:
            for line in f:
                line = line.rstrip('\n')
                if line.startswith('#'):
                    self.assertRegex(line, r'^# (HELP|TYPE) dnsbl_scan_\w+ .+$')
                    continue
                m = re.match(r'^(dnsbl_scan_\w+)(\{[a-z_]+="[^"\\]*"(,[a-z_]+="[^"\\]*")*\})? '
                             r'(-?[\d.e+]+)$', line)
                self.assertTrue(m, line)
                names.add(m.group(1))
        for want in ('dnsbl_scan_listed', 'dnsbl_scan_errors', 'dnsbl_scan_list_unhealthy',
                     'dnsbl_scan_run_duration_seconds', 'dnsbl_scan_last_success_timestamp_seconds'):
            self.assertIn(want, names)
        self.assertEqual([f for f in os.listdir(TMP) if f.startswith('dnsbl.prom.tmp')], [])

    def test_on_change_gets_the_delta_on_stdin(self):
        state = os.path.join(TMP, 'hook.db')
        got = os.path.join(TMP, 'hook-stdin.json')
        args = ['--on-change', 'cp /dev/stdin ' + got]
        r = run(state, *args, targets=['192.0.2.16'], checks='dnsbl')
        self.assertFalse(os.path.exists(got), 'the baseline has no events: no hook')
        edit('rbl/bl.spamcop.net', lambda t: t + '192.0.2.16\n')
        W.reload()
        try:
            r = run(state, *args, targets=['192.0.2.16'], checks='dnsbl')
            self.assertEqual(r.code, 1, r.stderr)
            doc = load(got)
            self.assertEqual(events(doc), [('new_listing', '192.0.2.16', 'bl.spamcop.net')])
        finally:
            edit('rbl/bl.spamcop.net', lambda t: t.replace('192.0.2.16\n', ''))
            W.reload()

    def test_on_change_inherits_no_descriptors(self):
        # The hook is someone else's program: it gets stdin, stdout and stderr and
        # nothing else. The first hook run has stdin targets (spooled to a temporary
        # file), --nagios (results to /dev/null) and the delta in a temporary file;
        # the second one has the delta in a --delta file.
        state = os.path.join(TMP, 'hookfds.db')
        hook = os.path.join(TMP, 'hookfds.py')
        with open(hook, 'w') as f:
            f.write('import os, sys\n'
                    'fds = []\n'
                    'for fd in range(3, 1024):\n'
                    '    try:\n'
                    '        fds.append("%d %s" % (fd, os.readlink("/proc/self/fd/%d" % fd)))\n'
                    '    except OSError:\n'
                    '        pass\n'
                    'with open(sys.argv[1], "w") as f:\n'
                    '    f.write("\\n".join(fds))\n')
        out1, out2 = (os.path.join(TMP, 'hookfds%d.txt' % i) for i in (1, 2))
        cmd = '%s %s ' % (sys.executable, hook)
        r = run(state, targets=['192.0.2.16'], checks='dnsbl')
        self.assertEqual(r.code, 0, r.stderr)
        edit('rbl/bl.spamcop.net', lambda t: t + '192.0.2.16\n')
        W.reload()
        try:
            r = scan('scan', '--state', state, '--resolver', W.resolver, '--rate', '0',
                     '--checks', 'dnsbl', '--nagios', '--on-change', cmd + out1, '-',
                     stdin='192.0.2.16\n')
            with open(out1) as f:
                self.assertEqual(f.read(), '', r.stderr)
        finally:
            edit('rbl/bl.spamcop.net', lambda t: t.replace('192.0.2.16\n', ''))
            W.reload()
        r = run(state, '--delta', os.path.join(TMP, 'hookfds.json'), '--on-change', cmd + out2,
                targets=['192.0.2.16'], checks='dnsbl')
        self.assertEqual(r.code, 0, r.stderr)
        with open(out2) as f:
            self.assertEqual(f.read(), '', r.stderr)


class JobFiles(unittest.TestCase):
    def test_job_file_runs_and_bad_one_names_line_and_column(self):
        job = os.path.join(TMP, 'job.yaml')
        delta = os.path.join(TMP, 'job-delta.json')
        with open(job, 'w') as f:
            f.write('state: %s\n' % os.path.join(TMP, 'job.db'))
            f.write('pools:\n  - {label: transactional, targets: [192.0.2.10, 192.0.2.16]}\n')
            f.write('domains: [example-esp.test]\n')
            f.write('lists: [zen.spamhaus.org, bl.spamcop.net, multi.surbl.org]\n')
            f.write('checks: [dnsbl, spf]\n')
            f.write('resolvers: ["%s"]\n' % W.resolver)
            f.write('rate: 0\n')
            f.write('alerts: {delta: %s}\n' % delta)
        r = scan('scan', '-c', job, '--format', 'json')
        self.assertEqual(r.code, 0, r.stderr)
        self.assertEqual({x['target'] for x in r.results()},
                         {'192.0.2.10', '192.0.2.16', 'example-esp.test'})
        self.assertEqual(load(delta)['events'], [])
        with open(job, 'a') as f:
            f.write('concurency: 10\n')
        r = scan('scan', '-c', job)
        self.assertEqual(r.code, 2)
        self.assertRegex(r.stderr, re.escape(job) + r':10:1: ')


if __name__ == '__main__':
    unittest.main(verbosity=2)
