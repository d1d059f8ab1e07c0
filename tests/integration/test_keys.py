#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: keyed lists in the CLI. A keyed list asked for by name without
its key, or with a key that cannot go into a DNS name, stops the run (exit 2)
with one line naming the list and the variable; keyed lists of the default set
are skipped quietly; no key ever reaches the output (scan or `lists`, which
also shows each list's test points and notes), and the --on-change command
does not inherit any key variable. Everything runs against a private copy of
the local DNS world on loopback."""
import os, re, shutil, sys, tempfile, unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import World, scan  # noqa: E402

W = None
TMP = None
DQS_KEY = 'dqstestkey0123456789abcdef'  # the world serves this key's DQS zone
DQS = '{key}.zen.dq.spamhaus.net'


def setUpModule():
    global W, TMP
    W = World(copy_data=True)
    TMP = tempfile.mkdtemp(prefix='dnsbl-keys-')


def tearDownModule():
    W.stop()
    shutil.rmtree(TMP, ignore_errors=True)


def wscan(*args, **kw):
    return scan('scan', '--resolver', W.resolver, '--rate', '0', '--format', 'json',
                '--checks', 'dnsbl', *args, **kw)


def one_line(test, r):
    lines = r.stderr.strip().splitlines()
    test.assertEqual(len(lines), 1, r.stderr)
    test.assertTrue(lines[0].startswith('dnsbl-scan: '), r.stderr)
    return lines[0]


class NamedKeyedLists(unittest.TestCase):
    def test_missing_key_is_a_usage_error_naming_list_and_variable(self):
        for env in ({}, {'SPAMHAUS_DQS_KEY': ''}):
            r = wscan('--list', DQS, '--list', 'zen.spamhaus.org', '192.0.2.10', env=env)
            self.assertEqual(r.code, 2, r.stderr)
            line = one_line(self, r)
            self.assertIn('spamhaus-zen-dqs', line)
            self.assertIn('SPAMHAUS_DQS_KEY', line)
            self.assertEqual(r.lines, [], 'nothing is scanned')

    def test_missing_key_in_a_job_file(self):
        job = os.path.join(TMP, 'keyed-job.yaml')
        with open(job, 'w') as f:
            f.write('lists: [zen.spamhaus.org, spamhaus-dbl-dqs]\n')
            f.write('checks: [dnsbl]\n')
            f.write('resolvers: ["%s"]\n' % W.resolver)
            f.write('pools:\n  - {label: p, targets: [192.0.2.10]}\n')
        r = scan('scan', '-c', job, '--format', 'json')
        self.assertEqual(r.code, 2, r.stderr)
        line = one_line(self, r)
        self.assertIn('spamhaus-dbl-dqs', line)
        self.assertIn('SPAMHAUS_DQS_KEY', line)

    def test_key_that_is_not_a_label_is_refused_without_showing_it(self):
        for key, why in (('evil.example.', 'other than letters, digits'),
                         ('sp ace', 'other than letters, digits'),
                         ('k' * 64, 'longer than 63')):
            r = wscan('--list', DQS, '192.0.2.10', env={'SPAMHAUS_DQS_KEY': key})
            self.assertEqual(r.code, 2, r.stderr)
            line = one_line(self, r)
            self.assertIn('SPAMHAUS_DQS_KEY', line)
            self.assertIn(why, line)
            self.assertNotIn(key, r.stdout + r.stderr)

    def test_default_set_skips_keyed_lists_quietly_and_a_bad_key_loudly(self):
        r = wscan('192.0.2.99')
        self.assertNotEqual(r.code, 2, r.stderr)
        self.assertNotIn('SPAMHAUS_DQS_KEY', r.stderr)
        self.assertEqual([x for x in r.lines if '{key}' in x.get('list', '')], [])
        r = wscan('192.0.2.99', env={'SPAMHAUS_DQS_KEY': 'no.dots'})
        self.assertEqual(r.code, 2, r.stderr)
        self.assertIn('SPAMHAUS_DQS_KEY', one_line(self, r))

    def test_working_key_never_shown(self):
        r = wscan('--list', DQS, '192.0.2.10', env={'SPAMHAUS_DQS_KEY': DQS_KEY})
        self.assertEqual(r.one(target='192.0.2.10')['status'], 'listed')
        self.assertNotIn(DQS_KEY, r.stdout + r.stderr)
        self.assertNotIn(DQS_KEY.upper(), (r.stdout + r.stderr).upper())


class ListsCommand(unittest.TestCase):
    def test_lists_shows_health_points_and_notes_never_a_key(self):
        env = {'SPAMHAUS_DQS_KEY': DQS_KEY, 'ABUSIX_API_KEY': 'abusixtestkey'}
        r = scan('lists', env=env)
        self.assertEqual(r.code, 0, r.stderr)
        self.assertRegex(r.stdout, r'(?m)^    test points ip6 +listed: ::2 \(answers 127\.0\.10\.0\); '
                                   r'unlisted: ::1$')
        self.assertRegex(r.stdout, r'(?m)^    test points ip6 +listed: none; unlisted: '
                                   r'::FFFF:7F00:1 -- no documented IPv6 test entry$')
        self.assertIn('key $SPAMHAUS_DQS_KEY', r.stdout)
        j = scan('lists', '--format', 'json', env=env)
        self.assertEqual(j.code, 0, j.stderr)
        for out in (r.stdout, j.stdout):
            self.assertNotIn(DQS_KEY, out)
            self.assertNotIn('abusixtestkey', out)
        by_id = {x['id']: x for x in j.lines}
        tp = by_id['dnswl']['test_points']
        self.assertEqual(tp['ip6']['listed'], [{'point': '::2', 'code': '127.0.10.0'}])
        self.assertEqual(tp['ip6']['unlisted'], [{'point': '::1'}])
        zen = by_id['spamhaus-zen']['test_points']
        self.assertEqual(zen['ip6']['listed'], [])
        self.assertEqual(zen['ip6']['note'], 'no documented IPv6 test entry')
        self.assertEqual(by_id['surbl']['domain_mode'], 'both')
        self.assertEqual([p['point'] for p in by_id['surbl']['test_points']['domain']['listed']],
                         ['test.surbl.org', 'surbl-org-permanent-test-point.com', '2.0.0.127'])
        self.assertNotIn('test_points', by_id['sorbs'], 'dead lists are not probed')


class OnChangeEnvironment(unittest.TestCase):
    def test_on_change_command_inherits_no_key_variable(self):
        state = os.path.join(TMP, 'keys.db')
        out = os.path.join(TMP, 'hook-environ')
        # ABUSIX_API_KEY belongs to lists this run does not use: it goes too.
        env = {'SPAMHAUS_DQS_KEY': DQS_KEY, 'ABUSIX_API_KEY': 'abusixtestkey',
               'DNSBL_KEYS_TEST_MARK': 'kept'}
        args = ['--state', state, '--list', DQS, '--on-change', 'cp /proc/self/environ ' + out,
                '192.0.2.17']
        r = wscan(*args, env=env)
        self.assertEqual(r.code, 0, r.stderr)
        self.assertFalse(os.path.exists(out), 'the baseline run has no events')
        path = os.path.join(W.data, 'rbl', 'zen.spamhaus.org')
        with open(path) as f:
            text = f.read()
        with open(path, 'w') as f:
            f.write(re.sub(r'(?m)^(\$DATASET ip4set:sbl @\n.*\n)', r'\g<1>192.0.2.17\n', text))
        W.reload()
        r = wscan(*args, env=env)
        self.assertEqual(r.code, 1, r.stderr)
        with open(out, 'rb') as f:
            names = {v.split(b'=', 1)[0].decode() for v in f.read().split(b'\0') if v}
        self.assertIn('DNSBL_KEYS_TEST_MARK', names, 'the hook saw our environment')
        self.assertNotIn('SPAMHAUS_DQS_KEY', names)
        self.assertNotIn('ABUSIX_API_KEY', names)
        self.assertNotIn(DQS_KEY, r.stdout + r.stderr)


if __name__ == '__main__':
    unittest.main(verbosity=2)
