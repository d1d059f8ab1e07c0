#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: FCrDNS, SPF, SPF authorization, DMARC and MX checks of the
built dnsbl-scan against the local DNS world (zones/CASES.md, sections 2-5)."""
import os, sys, unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import World, scan  # noqa: E402

W = None
PORT = int(os.environ.get('WORLD_PORT_RECORDS', '53730'))


def setUpModule():
    global W
    W = World(PORT)


def tearDownModule():
    W.stop()


def rscan(checks, *targets, extra=()):
    r = scan('scan', '--resolver', W.resolver, '--rate', '0', '--format', 'json',
             '--checks', checks, *extra, *targets)
    return r


class Fcrdns(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.r = rscan('fcrdns', '192.0.2.10', '192.0.2.30', '192.0.2.40', '192.0.2.41',
                      '192.0.2.42', '192.0.2.43', '198.51.100.65', '2001:db8::25',
                      '2001:db8::26')

    def get(self, ip):
        return self.r.one(check='fcrdns', target=ip)

    def test_pass(self):
        x = self.get('192.0.2.10')
        self.assertEqual(x['status'], 'pass')
        self.assertEqual(x['ptr'], ['mta10.example-esp.test'])
        self.assertEqual(x['confirmed'], 'mta10.example-esp.test')
        self.assertFalse(x['generic'])

    def test_generic_name_warned(self):
        x = self.get('192.0.2.30')
        self.assertEqual(x['status'], 'pass')
        self.assertTrue(x['generic'])
        self.assertTrue(x['warnings'])

    def test_mismatch(self):
        self.assertEqual((self.get('192.0.2.40')['status'], self.get('192.0.2.40')['reason']),
                         ('fail', 'mismatch'))

    def test_no_ptr(self):
        self.assertEqual(self.get('192.0.2.41')['reason'], 'no-ptr')
        self.assertEqual(self.get('192.0.2.41')['status'], 'fail')

    def test_ptr_does_not_resolve(self):
        x = self.get('192.0.2.42')
        self.assertEqual((x['status'], x['reason']), ('fail', 'ptr-does-not-resolve'))

    def test_two_ptr_one_confirms(self):
        x = self.get('192.0.2.43')
        self.assertEqual(x['status'], 'pass')
        self.assertEqual(x['confirmed'], 'right43.pool.test')
        self.assertEqual(len(x['ptr']), 2)

    def test_classless_delegation(self):
        x = self.get('198.51.100.65')
        self.assertEqual(x['status'], 'pass')
        self.assertEqual(x['confirmed'], 'mail65.pool.test')

    def test_ipv6(self):
        self.assertEqual(self.get('2001:db8::25')['status'], 'pass')
        self.assertEqual(self.get('2001:db8::26')['status'], 'fail')


class Spf(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.r = rscan('spf', 'example-esp.test', 'spf-lookups.test', 'spf-lookups-10.test',
                      'spf-void.test', 'spf-void-2.test', 'spf-double.test',
                      'spf-syntax-ip.test', 'spf-syntax-mech.test', 'spf-loop.test',
                      'spf-include-none.test', 'spf-plus-all.test', 'spf-ptr.test',
                      'spf-long.test', 'no-spf.test')

    def get(self, d):
        return self.r.one(check='spf', target=d)

    def problems(self, d):
        return self.get(d).get('problems') or []

    def test_valid(self):
        x = self.get('example-esp.test')
        self.assertEqual(x['status'], 'valid')
        self.assertEqual(x['lookups'], 1)
        self.assertTrue(x['record'].startswith('v=spf1 ip4:192.0.2.0/24'))

    def test_eleven_lookups_invalid_ten_valid(self):
        x = self.get('spf-lookups.test')
        self.assertEqual((x['status'], x['reason']), ('invalid', 'too-many-lookups'))
        self.assertEqual(x['lookups'], 11)
        self.assertEqual(self.get('spf-lookups-10.test')['status'], 'valid')
        self.assertEqual(self.get('spf-lookups-10.test')['lookups'], 10)

    def test_void_lookups(self):
        x = self.get('spf-void.test')
        self.assertEqual(x['status'], 'invalid')
        self.assertEqual(x['void_lookups'], 3)
        self.assertEqual(self.get('spf-void-2.test')['status'], 'valid')

    def test_two_records(self):
        x = self.get('spf-double.test')
        self.assertEqual((x['status'], x['reason']), ('invalid', 'multiple-records'))

    def test_syntax_errors(self):
        for d in ('spf-syntax-ip.test', 'spf-syntax-mech.test'):
            x = self.get(d)
            self.assertEqual(x['status'], 'invalid', x)
            self.assertTrue(any(p['severity'] == 'error' for p in self.problems(d)), x)

    def test_loop_and_include_without_spf(self):
        self.assertEqual(self.get('spf-loop.test')['status'], 'invalid')
        self.assertEqual(self.get('spf-include-none.test')['status'], 'invalid')

    def test_warnings_keep_valid(self):
        for d in ('spf-plus-all.test', 'spf-ptr.test', 'spf-long.test'):
            x = self.get(d)
            self.assertEqual(x['status'], 'valid', x)
            self.assertTrue(any(p['severity'] == 'warning' for p in self.problems(d)), x)

    def test_none(self):
        self.assertEqual(self.get('no-spf.test')['status'], 'none')


class SpfAuth(unittest.TestCase):
    def test_pool_authorization(self):
        r = rscan('spf-auth', '192.0.2.10', '198.51.100.7', '203.0.113.5',
                  extra=('--spf-domain', 'example-esp.test', '--spf-domain', 'spf-lookups.test'))
        got = {(x['target'], x['domain']): x['result'] for x in r.results(check='spf-auth')}
        self.assertEqual(got[('192.0.2.10', 'example-esp.test')], 'pass')
        self.assertEqual(got[('198.51.100.7', 'example-esp.test')], 'pass')
        self.assertEqual(got[('203.0.113.5', 'example-esp.test')], 'fail')
        self.assertEqual(got[('192.0.2.10', 'spf-lookups.test')], 'permerror')
        self.assertEqual(len(got), 6)


class Dmarc(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.r = rscan('dmarc', 'example-esp.test', 'sub.example-esp.test', 'dmarc-missing.test',
                      'dmarc-syntax.test', 'dmarc-none.test', 'dmarc-double.test',
                      'example-esp-ext.test', 'example-esp-auth.test')

    def get(self, d):
        return self.r.one(check='dmarc', target=d)

    def test_valid_and_fallback(self):
        self.assertEqual(self.get('example-esp.test')['status'], 'valid')
        x = self.get('sub.example-esp.test')
        self.assertEqual(x['status'], 'valid')
        self.assertEqual(x['policy_domain'], 'example-esp.test')

    def test_missing_and_syntax(self):
        self.assertEqual(self.get('dmarc-missing.test')['status'], 'none')
        self.assertEqual(self.get('dmarc-syntax.test')['status'], 'invalid')
        self.assertEqual(self.get('dmarc-double.test')['status'], 'invalid')

    def test_p_none_warns(self):
        x = self.get('dmarc-none.test')
        self.assertEqual(x['status'], 'valid')
        self.assertTrue(any(p['severity'] == 'warning' for p in x.get('problems') or []))

    def test_external_rua(self):
        self.assertEqual(self.get('example-esp-ext.test')['status'], 'invalid')
        self.assertEqual(self.get('example-esp-auth.test')['status'], 'valid')


class Mx(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.r = rscan('mx', 'example-esp.test', 'mx-null.test', 'mx-cname.test',
                      'mx-dangling.test', 'mx-ip.test', 'mx-none.test')
        cls.r2 = rscan('mx', 'mx-escaped.test')

    def get(self, d):
        return self.r.one(check='mx', target=d)

    def test_normal_sorted_with_addresses(self):
        x = self.get('example-esp.test')
        self.assertEqual(x['status'], 'valid')
        self.assertEqual([h['host'] for h in x['hosts']],
                         ['mx1.example-esp.test', 'mx2.example-esp.test'])
        self.assertIn('192.0.2.50', x['hosts'][0]['addresses'])

    def test_host_name_with_escaped_bytes_is_asked_as_it_is(self):
        """README "Names as the wire carries them": the MX host's label holds a space
        and a dot; its address lookup uses exactly that wire name and finds it."""
        x = self.r2.one(check='mx', target='mx-escaped.test')
        self.assertEqual([h['host'] for h in x['hosts']], ['a\\032b\\046c.mx-escaped.test'], x)
        self.assertEqual(x['hosts'][0]['addresses'], ['192.0.2.51'], x)
        self.assertNotEqual(x['reason'], 'unresolvable', x)

    def test_null_cname_dangling_literal_none(self):
        self.assertEqual(self.get('mx-null.test')['status'], 'null')
        self.assertEqual((self.get('mx-cname.test')['status'], self.get('mx-cname.test')['reason']),
                         ('invalid', 'cname'))
        self.assertEqual(self.get('mx-dangling.test')['reason'], 'unresolvable')
        self.assertEqual(self.get('mx-ip.test')['reason'], 'ip-literal')
        self.assertEqual(self.get('mx-none.test')['status'], 'none')


class AllChecks(unittest.TestCase):
    def test_default_runs_every_applicable_check_once(self):
        r = scan('check', '--resolver', W.resolver, '--rate', '0', '--format', 'json',
                 '192.0.2.10', 'example-esp.test')
        ip_checks = {x['check'] for x in r.results(target='192.0.2.10')}
        dom_checks = {x['check'] for x in r.results(target='example-esp.test')}
        self.assertEqual(ip_checks, {'dnsbl', 'fcrdns'})
        self.assertEqual(dom_checks, {'dnsbl', 'spf', 'dmarc', 'mx', 'dkim', 'mta-sts', 'tls-rpt',
                                      'bimi', 'ns'})
        # One line per (target, check); dkim one per selector found: none here, so one.
        for check in ('fcrdns', 'spf', 'dmarc', 'mx', 'dkim', 'mta-sts', 'tls-rpt', 'bimi', 'ns'):
            self.assertEqual(len(r.results(check=check)), 1, check)


if __name__ == '__main__':
    unittest.main(verbosity=2)
