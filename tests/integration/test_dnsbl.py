#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: the built dnsbl-scan against the local DNS world (rbldnsd, NSD
and Unbound on loopback, serving zones/). Asserts on the JSON Lines output:
every status and reason where it should be, and no false listing from the
world-lister, the parked zone or the refusal-coder."""
import os, re, sys, tempfile, unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, World, scan  # noqa: E402

W = None
PORT = int(os.environ.get('WORLD_PORT_DNSBL', '53710'))
BENCH = os.path.join(ROOT, 'zones', 'bench', 'catalog.yaml')
DQS_KEY = 'dqstestkey0123456789abcdef'


def setUpModule():
    global W
    W = World(PORT)


def tearDownModule():
    W.stop()


def wscan(*args, **kw):
    return scan('scan', '--resolver', W.resolver, '--rate', '0', '--format', 'json',
                '--checks', 'dnsbl', *args, **kw)


class Verdicts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.r = wscan('192.0.2.10', '192.0.2.11', '192.0.2.12', '192.0.2.14', '192.0.2.20',
                      '192.0.2.99', '203.0.113.5', '2001:db8::10',
                      'malware-phish.example-bad.test', 'www.spammy-bad.test',
                      'clean.example-esp.test')

    def test_multi_code_listing_with_meanings_txt_and_delist(self):
        z = self.r.one(target='192.0.2.10', list='zen.spamhaus.org')
        self.assertEqual(z['status'], 'listed')
        self.assertEqual(z['class'], 'listing')
        self.assertEqual(z['codes'], ['127.0.0.2', '127.0.0.9'])
        self.assertEqual(len(z['meanings']), 2)
        self.assertTrue(all(m for m in z['meanings']))
        self.assertIn('192.0.2.10', z['txt'])
        self.assertIn('192.0.2.10', z['delist_url'])
        self.assertIsNone(z['reason'])

    def test_json_schema(self):
        for res in self.r.results():
            for key in ('target', 'check', 'list', 'status', 'codes', 'meanings', 'txt',
                        'reason', 'delist_url'):
                self.assertIn(key, res)
            self.assertEqual(res['check'], 'dnsbl')
            self.assertIn(res['status'], ('listed', 'clean', 'error'))
            self.assertIsInstance(res['codes'], list)

    def test_unknown_code_is_listed_as_unknown(self):
        z = self.r.one(target='192.0.2.14', list='zen.spamhaus.org')
        self.assertEqual((z['status'], z['codes']), ('listed', ['127.0.0.77']))
        self.assertIn('unknown code', z['meanings'][0])

    def test_nxdomain_is_clean(self):
        self.assertEqual(self.r.one(target='192.0.2.99', list='zen.spamhaus.org')['status'],
                         'clean')
        self.assertEqual(self.r.one(target='192.0.2.99', list='bl.spamcop.net')['status'],
                         'clean')

    def test_allowlist_answer_is_clean_never_listed(self):
        d = self.r.one(target='192.0.2.20', list='list.dnswl.org')
        self.assertEqual((d['status'], d['class']), ('clean', 'allow'))
        self.assertEqual(d['codes'], ['127.0.3.2'])

    def test_informational_list(self):
        u = self.r.one(target='203.0.113.5', list='dnsbl-3.uceprotect.net')
        self.assertEqual((u['status'], u['class']), ('listed', 'informational'))

    def test_ipv6_listing(self):
        z = self.r.one(target='2001:db8::10', list='zen.spamhaus.org')
        self.assertEqual(z['status'], 'listed')
        # An IPv6 address is never sent to an IPv4-only list.
        self.assertEqual(self.r.results(target='2001:db8::10', list='bl.spamcop.net'), [])

    def test_bitmask_domain_list(self):
        s = self.r.one(target='malware-phish.example-bad.test', list='multi.surbl.org')
        self.assertEqual(s['status'], 'listed')
        self.assertEqual(len(s['meanings']), 2, s)
        u = self.r.one(target='www.spammy-bad.test', list='multi.uribl.com')
        self.assertEqual(u['status'], 'listed')
        # Domains never go to IP lists.
        self.assertEqual(self.r.results(target='www.spammy-bad.test',
                                        list='zen.spamhaus.org'), [])

    def test_refusal_coder_is_blocked_never_listed(self):
        h = self.r.health()['dbl.spamhaus.org']
        self.assertEqual((h['status'], h['reason']), ('unhealthy', 'blocked'))
        self.assertIn('127.255.255.254', h['detail'])
        for res in self.r.results(list='dbl.spamhaus.org'):
            self.assertEqual((res['status'], res['reason']), ('error', 'blocked'))

    def test_world_lister_and_parked_zone_give_zero_listings(self):
        for zone in ('ips.backscatterer.org', 'psbl.surriel.com'):
            self.assertEqual(self.r.health()[zone]['status'], 'unhealthy', zone)
            rs = self.r.results(list=zone)
            self.assertTrue(rs)
            for res in rs:
                self.assertEqual((res['status'], res['reason']), ('error', 'unhealthy'))

    def test_exactly_one_result_per_pair(self):
        pairs = [(x['target'], x['list']) for x in self.r.results()]
        self.assertEqual(len(pairs), len(set(pairs)))

    def test_exit_code_listed_wins(self):
        self.assertEqual(self.r.code, 1)


class Commands(unittest.TestCase):
    def test_clean_target_exit_0(self):
        r = wscan('--list', 'zen.spamhaus.org', '--list', 'bl.spamcop.net', '192.0.2.99')
        self.assertEqual(r.code, 0, r.stderr)
        self.assertEqual({x['status'] for x in r.results()}, {'clean'})

    def test_check_text_output_is_readable(self):
        r = scan('check', '--resolver', W.resolver, '--rate', '0', '--checks', 'dnsbl',
                 '--no-color', '192.0.2.10')
        self.assertEqual(r.code, 1)
        self.assertIn('zen.spamhaus.org', r.stdout)
        self.assertIn('127.0.0.2', r.stdout)
        self.assertIn('check.spamhaus.org', r.stdout)

    def test_csv_output(self):
        r = scan('scan', '--resolver', W.resolver, '--rate', '0', '--checks', 'dnsbl',
                 '--format', 'csv', '--list', 'zen.spamhaus.org', '192.0.2.10')
        rows = r.stdout.replace('\r\n', '\n').strip().split('\n')
        self.assertTrue(rows[0].startswith('target,check,list,status'))
        self.assertTrue(any(row.startswith('192.0.2.10,dnsbl,zen.spamhaus.org,listed')
                            for row in rows))

    def test_summary_is_default_for_scan(self):
        r = scan('scan', '--resolver', W.resolver, '--rate', '0', '--checks', 'dnsbl',
                 '--no-color', '192.0.2.0/28')
        self.assertEqual(r.code, 1)
        self.assertIn('192.0.2.10', r.stdout)
        self.assertIn('zen.spamhaus.org', r.stdout)

    def test_lists_command(self):
        r = scan('lists')
        self.assertEqual(r.code, 0)
        for zone in ('zen.spamhaus.org', 'dbl.spamhaus.org', 'b.barracudacentral.org',
                     'bl.spamcop.net', 'psbl.surriel.com', 'bl.mailspike.net',
                     'dnsbl-1.uceprotect.net', 'ips.backscatterer.org', 'all.spamrats.com',
                     'dnsbl.dronebl.org', 'bl.spameatingmonkey.net', 'multi.surbl.org',
                     'multi.uribl.com', 'list.dnswl.org', 'dnsbl.sorbs.net'):
            self.assertIn(zone, r.stdout)
        self.assertIn('dead', r.stdout)

    def test_dead_list_is_a_tombstone(self):
        r = wscan('--list', 'dnsbl.sorbs.net', '--list', 'zen.spamhaus.org', '192.0.2.99')
        self.assertIn('dnsbl.sorbs.net', r.stderr)
        self.assertIn('2024', r.stderr)
        self.assertEqual(r.results(list='dnsbl.sorbs.net'), [])

    def test_keyed_list_needs_key_and_never_leaks_it(self):
        r = wscan('--list', '{key}.zen.dq.spamhaus.net', '192.0.2.10')
        self.assertEqual(r.results(), [])
        self.assertIn('SPAMHAUS_DQS_KEY', r.stderr)
        r = wscan('--list', '{key}.zen.dq.spamhaus.net', '192.0.2.10',
                  env={'SPAMHAUS_DQS_KEY': DQS_KEY})
        res = r.one(target='192.0.2.10')
        self.assertEqual(res['status'], 'listed')
        self.assertNotIn(DQS_KEY, r.stdout + r.stderr)

    def test_bad_target_line_names_file_and_line(self):
        with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False) as f:
            f.write('# pool\n192.0.2.10\n192.0.2.300\n\n192.0.2.11\n')
        try:
            r = wscan('--list', 'zen.spamhaus.org', '@' + f.name)
            self.assertEqual(r.code, 2)
            self.assertIn('%s:3:' % f.name, r.stderr)
            self.assertEqual(r.results(), [], 'nothing is scanned without --skip-invalid')
            r = wscan('--list', 'zen.spamhaus.org', '--skip-invalid', '@' + f.name)
            self.assertEqual(len(r.results()), 2)
            self.assertIn('%s:3:' % f.name, r.stderr)
        finally:
            os.unlink(f.name)

    def test_bad_catalog_names_file_line_column(self):
        with tempfile.NamedTemporaryFile('w', suffix='.yaml', delete=False) as f:
            f.write('lists:\n  - id: x\n    zone: x.test\n    kinds: [ip5]\n')
        try:
            r = scan('scan', '--lists', f.name, '192.0.2.1')
            self.assertEqual(r.code, 2)
            self.assertRegex(r.stderr, '^dnsbl-scan: ' + re.escape(f.name) + r':4:\d+: ')
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        finally:
            os.unlink(f.name)

    def test_reserved_addresses_skipped_with_one_warning(self):
        r = wscan('--list', 'zen.spamhaus.org', '10.0.0.1', '192.168.0.0/24', '192.0.2.99')
        self.assertEqual([x['target'] for x in r.results()], ['192.0.2.99'])
        self.assertEqual(r.stderr.count('warning'), 2, r.stderr)

    def test_duplicates_checked_once(self):
        r = wscan('--list', 'zen.spamhaus.org', '192.0.2.10', '192.0.2.10', '192.0.2.8/30',
                  stdin=None)
        self.assertEqual(sorted(x['target'] for x in r.results()),
                         ['192.0.2.10', '192.0.2.11', '192.0.2.8', '192.0.2.9'])

    def test_stdin_targets(self):
        r = wscan('--list', 'zen.spamhaus.org', '-', stdin='192.0.2.10\n192.0.2.99\n')
        self.assertEqual(len(r.results()), 2)

    def test_bad_usage_exit_2(self):
        for args in (['scan'], ['scan', '--timeout', 'soon', '192.0.2.1'],
                     ['scan', '--resolver', 'dns.example', '192.0.2.1'], ['frobnicate'],
                     ['scan', '--lists', '/nonexistent/catalog.yaml', '192.0.2.1']):
            r = scan(*args)
            self.assertEqual(r.code, 2, args)
            self.assertTrue(r.stderr.startswith('dnsbl-scan: '), r.stderr)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)


class Scale(unittest.TestCase):
    def test_slash16_accounts_for_every_target_once(self):
        r = scan('scan', '198.18.0.0/16', '--lists', BENCH, '--list', 'bl1.bench.test',
                 '--resolver', W.rbldnsd, '--rate', '0', '--checks', 'dnsbl', '--format', 'json',
                 # A window rbldnsd's default socket buffer holds, and a third try, so a
                 # loaded CI machine does not turn two dropped packets into an error.
                 '--concurrency', '100', '--tries', '3', timeout=600)
        rs = r.results()
        self.assertEqual(len(rs), 65536)
        self.assertEqual(len({x['target'] for x in rs}), 65536)
        self.assertEqual([x for x in rs if x['status'] == 'error'], [])
        self.assertGreater(len([x for x in rs if x['status'] == 'listed']), 300)


class DeadServer(unittest.TestCase):
    """Runs last in its own world: a stopped server gives `error`, never `clean`."""

    def test_stopped_server_gives_error_never_clean(self):
        w = World(PORT + 5)
        try:
            w.stop_one('rbldnsd')
            r = scan('scan', '--resolver', w.resolver, '--rate', '0', '--format', 'json',
                     '--checks', 'dnsbl', '--timeout', '500ms', '--tries', '1',
                     '--list', 'zen.spamhaus.org', '--list', 'bl.spamcop.net', '192.0.2.99',
                     '192.0.2.10')
            rs = r.results()
            self.assertEqual(len(rs), 4)
            for res in rs:
                self.assertEqual(res['status'], 'error', res)
            self.assertEqual(r.code, 3)
            r = scan('scan', '--resolver', '127.0.0.1:9', '--rate', '0', '--format', 'json',
                     '--checks', 'dnsbl', '--timeout', '200ms', '--tries', '1',
                     '--list', 'zen.spamhaus.org', '192.0.2.99')
            self.assertEqual(r.one(target='192.0.2.99')['status'], 'error')
            self.assertEqual(r.code, 3)
        finally:
            w.stop()


if __name__ == '__main__':
    unittest.main(verbosity=2)
