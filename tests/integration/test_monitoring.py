#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: scheduled monitoring (issue 8) against the local DNS world.

- Job files: every pool of a two- and a three-pool file is scanned, results and
  events carry the pool's label, a pool's own lists, a bad target named at
  FILE:LINE:COLUMN, --timeout winning over the file.
- At-least-once delivery: an --on-change command that fails and then succeeds,
  standard output on /dev/full, kill -9 after the commit and before the delta
  rename, kill -9 after every output took the events (the one duplicate).
- State and output paths: folders created, an uncreatable one refused before
  the scan, temporary files of killed runs removed.
- Hostile YAML refused at once through the command line.

A listing appears without editing the world: two one-list catalogs give the
same list id ("flip") the zone bl.spamcop.net, where 192.0.2.11 is clean, and
then zen.spamhaus.org, where it is listed (127.0.0.4). The store keys listings
by list id, so the second run sees a new listing.
"""
import json, os, re, signal, sqlite3, subprocess, sys, tempfile, time, unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import EXE, ROOT, HttpReceiver, World, check_sanitizers, scan  # noqa: E402

W = None
TMP = None
T = '192.0.2.11'
CATALOG = '''lists:
  - id: flip
    zone: %s
    kinds: [ip4]
    codes: [{code: %s, meaning: "%s"}]
    delist: "https://delist.example/{ip}"
'''


def setUpModule():
    global W, TMP
    W = World()
    TMP = tempfile.mkdtemp(prefix='dnsbl-monitoring-')
    write('clean.yaml', CATALOG % ('bl.spamcop.net', '127.0.0.2', 'SpamCop: listed'))
    write('listed.yaml', CATALOG % ('zen.spamhaus.org', '127.0.0.4', 'XBL: exploited host'))


def tearDownModule():
    W.stop()


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, 'w') as f:
        f.write(text)
    return path


def load(path):
    with open(path) as f:
        return json.load(f)


def flip(state, catalog, *extra, env=None, **kw):
    """One run of the flip list against T."""
    return scan('scan', '--state', state, '--lists', os.path.join(TMP, catalog),
                '--resolver', W.resolver, '--rate', '0', '--checks', 'dnsbl', '--no-color',
                *extra, T, env=env, **kw)


def raw(args, env=None, stdout=subprocess.DEVNULL):
    """Run dnsbl-scan with a given stdout (a file, /dev/full); returns (code, stderr)."""
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([EXE] + [str(a) for a in args], stdout=stdout, stderr=subprocess.PIPE,
                       text=True, timeout=120, env=e)
    check_sanitizers(p.stderr, 'dnsbl-scan %s' % ' '.join(map(str, args)))
    return p.returncode, p.stderr


def recorder(name):
    """A hook that appends the delta it gets on stdin, one document a line."""
    out = os.path.join(TMP, name + '.jsonl')
    hook = write(name + '.py', 'import json, sys\n'
                               'doc = json.load(sys.stdin)\n'
                               'with open(%r, "a") as f:\n'
                               '    f.write(json.dumps(doc) + "\\n")\n' % out)
    return '%s %s' % (sys.executable, hook), out


def received(out):
    if not os.path.exists(out):
        return []
    with open(out) as f:
        return [json.loads(l) for l in f if l.strip()]


class JobFiles(unittest.TestCase):
    def job(self, name, text):
        return write(name, text.replace('RESOLVER', W.resolver))

    def test_every_pool_is_scanned_with_its_label(self):
        write('extra.txt', '192.0.2.16\n')
        two = self.job('two.yaml', 'pools:\n'
                                   '  - {label: transactional, targets: [192.0.2.8/30, "@extra.txt"]}\n'
                                   '  - {label: marketing, targets: [198.51.100.6/31]}\n'
                                   'lists: [bl.spamcop.net]\n'
                                   'checks: [dnsbl]\n'
                                   'resolvers: ["RESOLVER"]\n'
                                   'rate: 0\n'
                                   'state: two.db\n')
        r = scan('scan', '-c', two, '--format', 'json')
        self.assertEqual(r.code, 0, r.stderr)
        pools = {x['target']: x['pool'] for x in r.results()}
        self.assertEqual(pools, {'192.0.2.8': 'transactional', '192.0.2.9': 'transactional',
                                 '192.0.2.10': 'transactional', '192.0.2.11': 'transactional',
                                 '192.0.2.16': 'transactional', '198.51.100.6': 'marketing',
                                 '198.51.100.7': 'marketing'})
        # the audit's miss: the SpamCop listing in the second pool
        self.assertEqual(r.one(target='198.51.100.7')['status'], 'listed')

        three = self.job('three.yaml', 'pools:\n'
                                       '  - {label: a, targets: [192.0.2.8/31]}\n'
                                       '  - {label: b, targets: [198.51.100.7]}\n'
                                       '  - {label: c, targets: [203.0.113.5, 192.0.2.8]}\n'
                                       'domains: [example-esp.test]\n'
                                       'lists: [bl.spamcop.net, dbl.spamhaus.org]\n'
                                       'checks: [dnsbl]\n'
                                       'resolvers: ["RESOLVER"]\n'
                                       'rate: 0\n'
                                       'state: three.db\n')
        r = scan('scan', '-c', three, '--format', 'json')
        self.assertIn(r.code, (0, 3), r.stderr)
        pools = {x['target']: x['pool'] for x in r.results()}
        self.assertEqual(pools, {'192.0.2.8': 'a', '192.0.2.9': 'a', '198.51.100.7': 'b',
                                 '203.0.113.5': 'c', 'example-esp.test': None},
                         'a target in two pools is checked once, under the first')
        text = scan('scan', '-c', three, '--format', 'summary')
        self.assertIn('198.51.100.7 (pool b)  bl.spamcop.net', text.stdout)

    def test_a_pool_with_its_own_lists(self):
        job = self.job('own.yaml', 'pools:\n'
                                   '  - {label: t, targets: [192.0.2.10]}\n'
                                   '  - {label: m, targets: [198.51.100.7], lists: [zen.spamhaus.org]}\n'
                                   'lists: [bl.spamcop.net]\n'
                                   'checks: [dnsbl]\n'
                                   'resolvers: ["RESOLVER"]\n'
                                   'rate: 0\n'
                                   'state: own.db\n')
        r = scan('scan', '-c', job, '--format', 'json')
        got = sorted((x['target'], x['list']) for x in r.results())
        self.assertEqual(got, [('192.0.2.10', 'bl.spamcop.net'),
                               ('198.51.100.7', 'zen.spamhaus.org')], r.stderr)
        # --list on the command line replaces every selection of the file
        r = scan('scan', '-c', job, '--format', 'json', '--list', 'b.barracudacentral.org')
        got = sorted((x['target'], x['list']) for x in r.results())
        self.assertEqual(got, [('192.0.2.10', 'b.barracudacentral.org'),
                               ('198.51.100.7', 'b.barracudacentral.org')], r.stderr)

    def test_bad_target_is_named_at_file_line_column(self):
        job = self.job('bad.yaml', 'state: bad.db\n'
                                   'pools:\n'
                                   '  - {label: t, targets: [192.0.2.10, 192.0.2.0/33]}\n')
        r = scan('scan', '-c', job)
        self.assertEqual(r.code, 2)
        self.assertIn(job + ":3:38: '192.0.2.0/33': IPv4 prefix longer than /32", r.stderr)
        self.assertNotIn('argument', r.stderr)
        self.assertFalse(os.path.exists(os.path.join(TMP, 'bad.db')), 'nothing was scanned')

    def test_timeout_on_the_command_line_wins(self):
        # A resolver that never answers: the health deadline is 4 x --timeout, at
        # least 2 s. With the file's 9 s that is 36 s; the flag's 100 ms gives 2 s.
        job = self.job('slow.yaml', 'pools: [{targets: [192.0.2.10]}]\n'
                                    'lists: [bl.spamcop.net]\n'
                                    'checks: [dnsbl]\n'
                                    'resolvers: ["127.0.0.1:9"]\n'
                                    'timeout: 9s\n'
                                    'tries: 1\n'
                                    'state: slow.db\n')
        r = scan('scan', '-c', job, '--timeout', '100ms', '--format', 'json', timeout=60)
        self.assertEqual(r.one(target='192.0.2.10')['reason'], 'unhealthy', r.stderr)
        self.assertLess(r.elapsed, 10, 'the job file\'s timeout won over --timeout')

    def test_events_carry_the_pool(self):
        job = write('pooled.yaml', 'state: pooled.db\n'
                                   'catalog: clean.yaml\n'
                                   'pools: [{label: transactional, targets: [%s]}]\n'
                                   'checks: [dnsbl]\n'
                                   'resolvers: ["%s"]\n'
                                   'rate: 0\n'
                                   'alerts: {delta: pooled.json}\n' % (T, W.resolver))
        self.assertEqual(scan('scan', '-c', job).code, 0)
        r = scan('scan', '-c', job, '--lists', os.path.join(TMP, 'listed.yaml'))
        self.assertEqual(r.code, 1, r.stderr)
        ev = load(os.path.join(TMP, 'pooled.json'))['events']
        self.assertEqual([(e['type'], e['target'], e['pool']) for e in ev],
                         [('new_listing', T, 'transactional')])


class Delivery(unittest.TestCase):
    def test_on_change_reads_the_delta_file_it_is_given(self):
        """With --delta, the --on-change command's standard input is the delta file
        itself: it must be readable, or the hook gets nothing and the event is lost."""
        state = os.path.join(TMP, 'hookdelta.db')
        delta = os.path.join(TMP, 'hookdelta.json')
        cmd, out = recorder('hookdelta')
        self.assertEqual(flip(state, 'clean.yaml', '--delta', delta, '--on-change', cmd).code, 0)
        r = flip(state, 'listed.yaml', '--delta', delta, '--on-change', cmd)
        self.assertEqual(r.code, 1, r.stderr)
        docs = received(out)
        self.assertEqual(len(docs), 1, r.stderr)
        self.assertEqual([(e['type'], e['target']) for e in docs[0]['events']],
                         [('new_listing', T)])
        self.assertEqual(load(delta), docs[0], 'the hook reads what the --delta file holds')

    def test_on_change_fails_then_delivers_exactly_once(self):
        state = os.path.join(TMP, 'hook.db')
        cmd, out = recorder('hook')
        self.assertEqual(flip(state, 'clean.yaml', '--on-change', cmd).code, 0)
        r = flip(state, 'listed.yaml', '--on-change', 'false')
        self.assertEqual(r.code, 3, 'a failed delivery wins over news: ' + r.stderr)
        lines = [l for l in r.stderr.splitlines() if 'not delivered' in l]
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertRegex(lines[0], r'^dnsbl-scan: not delivered: --on-change: .*false.* status 1; '
                                   r'1 event kept in the store for the next run$')
        failed_run = 2

        r = flip(state, 'listed.yaml', '--on-change', cmd)
        self.assertEqual(r.code, 1, 'the news goes out now: ' + r.stderr)
        docs = received(out)
        self.assertEqual(len(docs), 1)
        ev = docs[0]['events']
        self.assertEqual([(e['type'], e['target'], e['redelivered'], e['run_id']) for e in ev],
                         [('new_listing', T, True, failed_run)])
        self.assertEqual(ev[0]['delist_url'], 'https://delist.example/' + T)
        self.assertEqual(docs[0]['redelivered'], 1)

        r = flip(state, 'listed.yaml', '--on-change', cmd)
        self.assertEqual(r.code, 0, r.stderr)
        self.assertEqual(len(received(out)), 1, 'a delivered event is never delivered again')

        h = scan('history', '--state', state)
        self.assertRegex(h.stdout, r'run 2 \S+ delivery failed: --on-change: .*; its events were '
                                   r'delivered by run 3')
        hj = scan('history', '--state', state, '--format', 'json')
        d = [x for x in hj.lines if x.get('kind') == 'delivery']
        self.assertEqual([(x['run'], x['delivered_by']) for x in d], [(2, 3)])

    def test_the_example_webhook_hook_end_to_end(self):
        """output/alert/hooks/json-webhook as the --on-change command: refused once by the
        receiver, then delivered with the delist URL, marked redelivered."""
        state = os.path.join(TMP, 'webhook.db')
        rx = HttpReceiver()
        try:
            cmd = '%s %s' % (os.path.join(ROOT, 'output', 'alert', 'hooks', 'json-webhook'), rx.url)
            self.assertEqual(flip(state, 'clean.yaml', '--on-change', cmd).code, 0)
            rx.status = 503
            r = flip(state, 'listed.yaml', '--on-change', cmd)
            self.assertEqual(r.code, 3, r.stderr)
            self.assertIn('json-webhook: the webhook answered HTTP 503', r.stderr)
            rx.status = 200
            r = flip(state, 'listed.yaml', '--on-change', cmd)
            self.assertEqual(r.code, 1, r.stderr)
            self.assertEqual(len(rx.requests), 2)
            body = rx.requests[1][2]
            self.assertEqual([(e['type'], e['redelivered'], e['run_id'])
                              for e in body['delta']['events']], [('new_listing', True, 2)])
            self.assertIn('(redelivered from run 2) NEW LISTING %s on zen.spamhaus.org' % T,
                          body['text'])
            self.assertIn('delist: https://delist.example/' + T, body['text'])
            self.assertEqual(flip(state, 'listed.yaml', '--on-change', cmd).code, 0)
            self.assertEqual(len(rx.requests), 2)
        finally:
            rx.stop()

    def test_stdout_on_dev_full(self):
        state = os.path.join(TMP, 'full.db')
        delta = os.path.join(TMP, 'full.json')
        self.assertEqual(flip(state, 'clean.yaml').code, 0)
        with open('/dev/full', 'w') as full:
            code, err = raw(['scan', '--state', state, '--lists', os.path.join(TMP, 'listed.yaml'),
                             '--resolver', W.resolver, '--rate', '0', '--checks', 'dnsbl', T],
                            stdout=full)
        self.assertEqual(code, 3, err)
        self.assertIn('not delivered: standard output: No space left on device', err)
        r = flip(state, 'listed.yaml', '--delta', delta)
        self.assertEqual(r.code, 1, r.stderr)
        self.assertEqual([(e['type'], e['redelivered'], e['run_id']) for e in load(delta)['events']],
                         [('new_listing', True, 2)])
        r = flip(state, 'listed.yaml', '--delta', delta)
        self.assertEqual((r.code, load(delta)['events']), (0, []), r.stderr)

    def test_kill_9_after_the_commit_before_the_delta_rename(self):
        state = os.path.join(TMP, 'kill.db')
        delta = os.path.join(TMP, 'kill', 'delta.json')
        self.assertEqual(flip(state, 'clean.yaml', '--delta', delta).code, 0)
        r = flip(state, 'listed.yaml', '--delta', delta,
                 env={'DNSBL_SCAN_FAULT': 'kill-before-delta-rename'})
        self.assertEqual(r.code, -signal.SIGKILL)
        self.assertEqual(load(delta)['events'], [], 'the rename never happened')
        left = [f for f in os.listdir(os.path.dirname(delta)) if '.tmp.' in f]
        self.assertEqual(len(left), 1, 'the killed run left its temporary file')
        with sqlite3.connect(state) as db:
            self.assertEqual(db.execute("SELECT status, delivery FROM runs WHERE id = 2").fetchone(),
                             ('complete', 'pending'))

        r = flip(state, 'listed.yaml', '--delta', delta)
        self.assertEqual(r.code, 1, r.stderr)
        self.assertEqual([(e['type'], e['redelivered'], e['run_id']) for e in load(delta)['events']],
                         [('new_listing', True, 2)])
        self.assertEqual([f for f in os.listdir(os.path.dirname(delta)) if '.tmp.' in f], [],
                         'the next run removed it')
        r = flip(state, 'listed.yaml', '--delta', delta)
        self.assertEqual((r.code, load(delta)['events']), (0, []), r.stderr)

    def test_kill_9_after_every_output_is_the_one_duplicate(self):
        state = os.path.join(TMP, 'dup.db')
        cmd, out = recorder('dup')
        self.assertEqual(flip(state, 'clean.yaml').code, 0)
        r = flip(state, 'listed.yaml', '--on-change', cmd,
                 env={'DNSBL_SCAN_FAULT': 'kill-before-delivered'})
        self.assertEqual(r.code, -signal.SIGKILL)
        r = flip(state, 'listed.yaml', '--on-change', cmd)
        self.assertEqual(r.code, 1, r.stderr)
        docs = received(out)
        self.assertEqual([[(e['type'], e['redelivered']) for e in d['events']] for d in docs],
                         [[('new_listing', False)], [('new_listing', True)]],
                         'the README\'s one duplicate: the hook took it, the store never knew')
        self.assertEqual(flip(state, 'listed.yaml', '--on-change', cmd).code, 0)
        self.assertEqual(len(received(out)), 2)

    def test_a_prom_path_that_is_a_folder_is_refused_before_the_scan(self):
        state = os.path.join(TMP, 'prom.db')
        prom = os.path.join(TMP, 'promdir', 'x.prom')
        os.makedirs(prom, exist_ok=True)
        r = flip(state, 'listed.yaml', '--prom', prom)
        self.assertEqual(r.code, 2, r.stderr)
        self.assertIn('--prom %s: it is a folder' % prom, r.stderr)
        self.assertEqual(r.stdout, '', 'refused before the scan')
        self.assertFalse(os.path.exists(state))


class Paths(unittest.TestCase):
    def test_missing_state_folder_is_created(self):
        state = os.path.join(TMP, 'new', 'deeper', 'state.db')
        r = flip(state, 'clean.yaml')
        self.assertEqual(r.code, 0, r.stderr)
        self.assertTrue(os.path.exists(state))
        old = os.umask(0)
        os.umask(old)
        for d in (os.path.join(TMP, 'new'), os.path.join(TMP, 'new', 'deeper')):
            self.assertEqual(os.stat(d).st_mode & 0o777, 0o750 & ~old, d)

    def test_uncreatable_delta_or_prom_folder_fails_before_the_scan(self):
        blocker = write('plainfile', 'not a folder\n')
        for opt in ('--delta', '--prom'):
            state = os.path.join(TMP, 'refused%s.db' % opt)
            r = flip(state, 'clean.yaml', opt, os.path.join(blocker, 'sub', 'out'))
            self.assertEqual(r.code, 2, r.stderr)
            self.assertRegex(r.stderr, re.escape(opt + ' ' + blocker) +
                             r'/sub/out: cannot create its folder: Not a directory')
            self.assertEqual(r.stdout, '')
            self.assertFalse(os.path.exists(state), 'no run was started')

    def test_delta_into_a_missing_folder(self):
        state = os.path.join(TMP, 'mk.db')
        delta = os.path.join(TMP, 'made', 'for', 'delta.json')
        r = flip(state, 'clean.yaml', '--delta', delta)
        self.assertEqual(r.code, 0, r.stderr)
        self.assertEqual(load(delta)['events'], [])

    def test_delta_needs_a_store(self):
        r = scan('scan', '--resolver', W.resolver, '--delta', os.path.join(TMP, 'x.json'), T)
        self.assertEqual(r.code, 2)
        self.assertIn('--delta needs a state store', r.stderr)

    def test_stale_temporary_files_are_removed(self):
        out = os.path.join(TMP, 'stale')
        os.makedirs(out, exist_ok=True)
        delta, prom = os.path.join(out, 'd.json'), os.path.join(out, 'm.prom')
        # a PID that cannot exist (above pid_max), and one that does: this test's
        dead, alive = 2 ** 22 + 1, os.getpid()
        for p in (delta, prom):
            for pid in (dead, alive):
                write(os.path.join(out, '%s.tmp.%d' % (os.path.basename(p), pid)), 'x')
        r = flip(os.path.join(TMP, 'stale.db'), 'clean.yaml', '--delta', delta, '--prom', prom)
        self.assertEqual(r.code, 0, r.stderr)
        self.assertEqual(sorted(os.listdir(out)),
                         sorted(['d.json', 'm.prom', 'd.json.tmp.%d' % alive,
                                 'm.prom.tmp.%d' % alive]))


class HostileYaml(unittest.TestCase):
    def test_refused_at_once(self):
        deep = write('deep.yaml', 'pools: ' + '[' * 100000 + '\n')
        big = write('big.yaml', 'pools:\n  - targets:\n' + '      - 192.0.2.1\n' * 450000)
        for path, want in ((deep, ':1:71: nesting deeper than 64 levels'),
                           (big, ': the file is larger than 1 MiB')):
            t0 = time.monotonic()
            r = scan('scan', '-c', path)
            self.assertLess(time.monotonic() - t0, 2)
            self.assertEqual(r.code, 2)
            self.assertIn(path, r.stderr)
            self.assertIn(want, r.stderr)
            r = scan('lists', '--lists', path)
            self.assertEqual(r.code, 2)
            self.assertIn(want, r.stderr)


if __name__ == '__main__':
    unittest.main(verbosity=2)
