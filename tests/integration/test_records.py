#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: FCrDNS, SPF, SPF authorization, DMARC and MX checks of the
built dnsbl-scan against the local DNS world (zones/CASES.md, sections 2-5)."""
import os, sys, unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import subprocess  # noqa: E402
import tempfile  # noqa: E402

from harness import ValidatingUnbound, World, scan  # noqa: E402

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


# zones/CASES.md section 7: domain -> (status, reason, zone).
DNSSEC_CASES = {
    'secure.dnssec.test': ('secure', None, 'secure.dnssec.test'),
    'www.secure.dnssec.test': ('secure', None, 'secure.dnssec.test'),
    'dnssec.test': ('secure', None, 'dnssec.test'),
    'host.dnssec.test': ('secure', None, 'dnssec.test'),
    'unsigned.dnssec.test': ('insecure', 'no-ds', 'unsigned.dnssec.test'),
    'island.dnssec.test': ('insecure', 'no-ds', 'island.dnssec.test'),
    'bogus-sig.dnssec.test': ('bogus', 'bad-signature', 'bogus-sig.dnssec.test'),
    'expired.dnssec.test': ('bogus', 'expired-signature', 'expired.dnssec.test'),
    'bogus-ds.dnssec.test': ('bogus', 'ds-mismatch', 'bogus-ds.dnssec.test'),
    'nosig.dnssec.test': ('bogus', 'no-dnskey', 'nosig.dnssec.test'),
    'example-esp.test': ('insecure', 'no-ds', 'example-esp.test'),
    'd7.bulk.test': ('insecure', 'no-ds', 'bulk.test'),
}
DNSSEC_FIELDS = ['target', 'check', 'status', 'reason', 'zone', 'signed', 'ds', 'chain',
                 'insecure_at', 'algorithms', 'record', 'problem', 'pool']


def dnssec_scan(resolver, *extra, targets=DNSSEC_CASES):
    return scan('scan', '--resolver', resolver, '--rate', '0', '--format', 'json',
                '--checks', 'dnssec', '--trust-anchor', W.trust_anchor, *extra, *targets)


class Dnssec(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.r = dnssec_scan(W.resolver)

    def test_every_case_of_the_world(self):
        self.assertEqual(self.r.code, 0, self.r.stderr)  # insecure and bogus are problems
        for d, (status, reason, zone) in DNSSEC_CASES.items():
            x = self.r.one(check='dnssec', target=d)
            self.assertEqual(list(x), DNSSEC_FIELDS, x)
            self.assertEqual((x['status'], x['reason'], x['zone']), (status, reason, zone), x)
            self.assertEqual(x['problem'] is None, status == 'secure', x)

    def test_secure_chain_and_facts(self):
        x = self.r.one(target='secure.dnssec.test')
        self.assertEqual(x['chain'], ['.', 'dnssec.test', 'secure.dnssec.test'])
        self.assertEqual((x['signed'], x['ds'], x['insecure_at']), (True, True, None))
        self.assertEqual(x['algorithms'], ['ECDSAP256SHA256'])

    def test_insecure_says_where_the_chain_ends(self):
        x = self.r.one(target='unsigned.dnssec.test')
        self.assertEqual((x['insecure_at'], x['signed'], x['ds']),
                         ('unsigned.dnssec.test', False, False))
        self.assertEqual(x['chain'], ['.', 'dnssec.test'])
        island = self.r.one(target='island.dnssec.test')
        self.assertEqual((island['signed'], island['ds']), (True, False))
        self.assertEqual(self.r.one(target='example-esp.test')['chain'], ['.'])

    def test_bogus_names_the_failing_record(self):
        x = self.r.one(target='bogus-sig.dnssec.test')
        self.assertIn(' MX 99 mx1.example-esp.test.', x['record'])
        self.assertIn(' DS ', self.r.one(target='bogus-ds.dnssec.test')['record'])
        self.assertIn(' DNSKEY ', self.r.one(target='expired.dnssec.test')['record'])

    def test_verdict_does_not_depend_on_the_resolver_validating(self):
        """The same verdicts through a validating resolver, which would answer SERVFAIL
        for the bogus zones if the program did not ask with CD and validate itself."""
        v = ValidatingUnbound(W)
        try:
            sf = subprocess.run(['dig', '@127.0.0.1', '-p', str(v.port), '+time=2', 'MX',
                                 'bogus-sig.dnssec.test'], capture_output=True, text=True)
            self.assertIn('status: SERVFAIL', sf.stdout, 'the second resolver validates')
            ad = subprocess.run(['dig', '@127.0.0.1', '-p', str(v.port), '+time=2', 'MX',
                                 'secure.dnssec.test'], capture_output=True, text=True)
            self.assertRegex(ad.stdout, r'flags: [a-z ]* ad', 'the second resolver validates')
            r = dnssec_scan(v.addr)
        finally:
            v.stop()
        self.assertEqual(r.code, 0, r.stderr)
        for d in DNSSEC_CASES:
            a, b = self.r.one(target=d), r.one(target=d)
            self.assertEqual((b['status'], b['reason'], b['zone']),
                             (a['status'], a['reason'], a['zone']), d)

    def test_debian_root_key_does_not_trust_the_world_root(self):
        """The default anchor is the real root's key: the world's root does not match it."""
        r = scan('scan', '--resolver', W.resolver, '--rate', '0', '--format', 'json',
                 '--checks', 'dnssec', 'secure.dnssec.test')
        if '--trust-anchor' in r.stderr:
            self.skipTest('dns-root-data is not installed: %s' % r.stderr.strip())
        x = r.one(target='secure.dnssec.test')
        self.assertEqual((x['status'], x['reason']), ('bogus', 'anchor-mismatch'), x)

    def test_bad_anchor_file_is_a_usage_error(self):
        r = scan('scan', '--resolver', W.resolver, '--checks', 'dnssec', '--trust-anchor',
                 '/nonexistent/anchor.key', 'secure.dnssec.test')
        self.assertEqual(r.code, 2)
        self.assertIn('/nonexistent/anchor.key', r.stderr)
        self.assertEqual(r.stdout, '')


class Origin(unittest.TestCase):
    """zones/CASES.md section 8: Team Cymru's service, served by a fake copy."""

    @classmethod
    def setUpClass(cls):
        cls.r = rscan('origin', '192.0.2.10', '192.0.2.11', '198.51.100.7', '203.0.113.5',
                      '2001:db8::10', '192.0.3.1', '192.0.9.5')

    def get(self, ip):
        return self.r.one(check='origin', target=ip)

    def test_fields_and_longest_prefix(self):
        x = self.get('192.0.2.10')
        self.assertEqual(list(x), ['target', 'check', 'status', 'reason', 'asn', 'as_name',
                                   'prefix', 'country', 'registry', 'allocated', 'via', 'pool'])
        self.assertEqual((x['status'], x['asn'], x['prefix']), ('valid', 64500, '192.0.2.0/24'))
        self.assertEqual((x['country'], x['registry'], x['allocated']),
                         ('ZZ', 'arin', '2010-01-01'))
        self.assertEqual(x['as_name'], 'EXAMPLE-ESP - Example ESP, ZZ')
        self.assertEqual(self.get('198.51.100.7')['asn'], 64501)
        self.assertEqual(self.get('2001:db8::10')['prefix'], '2001:db8::/32')

    def test_moas_first_as(self):
        self.assertEqual(self.get('203.0.113.5')['asn'], 64502)

    def test_scan_summary_groups_listings_by_network_and_as(self):
        r = scan('scan', '--resolver', W.resolver, '--rate', '0', '--checks', 'dnsbl,origin',
                 '--no-progress', '--no-color', '192.0.2.10', '192.0.2.11', '198.51.100.0/28',
                 '203.0.113.5')
        rows = {l.split('  ')[0]: l.split() for l in r.stdout.splitlines()}
        self.assertIn('listings by /24 (IPv6: /64)', rows, r.stdout)
        # 198.51.100.0/28 is listed by UCEPROTECT level 2 (a range): 16 addresses, 16
        # neighbourhood listings; 198.51.100.7 is SpamCop's too, a listing of its own.
        self.assertEqual(rows['198.51.100.0/24'][1:4], ['16', '17', '16'], r.stdout)
        self.assertEqual(rows['192.0.2.0/24'][1], '2', r.stdout)
        asn = [l for l in r.stdout.splitlines() if l.startswith('AS64500 EXAMPLE-ESP')]
        self.assertEqual(len(asn), 1, r.stdout)
        self.assertTrue(asn[0].rstrip().endswith('192.0.2.0/24'), asn)
        self.assertTrue(any(l.startswith('AS64502 EXAMPLE-TRANSIT') and
                            l.split()[-1] == '203.0.113.0/24' for l in r.stdout.splitlines()))

    def test_not_announced_and_garbage(self):
        x = self.get('192.0.3.1')
        self.assertEqual((x['status'], x['reason'], x['asn']), ('none', 'not-announced', None))
        y = self.get('192.0.9.5')
        self.assertEqual((y['status'], y['reason']), ('error', 'invalid-answer'))
        self.assertEqual(self.r.code, 3, 'an invalid answer leaves a verdict open')


class Expand(unittest.TestCase):
    """zones/CASES.md section 9: --expand mx,spf,a."""

    @classmethod
    def setUpClass(cls):
        cls.r = scan('check', '--resolver', W.resolver, '--rate', '0', '--format', 'json',
                     '--checks', 'dnsbl,fcrdns', '--list', 'zen.spamhaus.org',
                     '--list', 'bl.spamcop.net', '--expand', 'mx,spf,a',
                     'expand-a.test', 'expand-b.test', '192.0.2.11')

    def via(self, ip, check='fcrdns'):
        return self.r.one(check=check, target=ip)['via']

    def test_expand_lines(self):
        a = self.r.one(check='expand', target='expand-a.test')
        self.assertEqual(list(a), ['target', 'check', 'status', 'reason', 'addresses', 'sources',
                                   'skipped', 'pool'])
        self.assertEqual((a['status'], a['reason']), ('valid', None))
        self.assertEqual(a['addresses'], 6)  # .50, ::50, .21, .10, .11, 198.51.100.7
        self.assertIn({'via': 'expand-a.test spf ip4:192.0.2.10/31',
                       'addresses': ['192.0.2.10/31']}, a['sources'])
        self.assertTrue(any('ip4:198.51.0.0/16' in x and 'wider than /24, not walked' in x
                            for x in a['skipped']), a['skipped'])
        self.assertTrue(any('ptr: depends on the connecting address' in x for x in a['skipped']))
        self.assertEqual(self.r.one(check='expand', target='expand-b.test')['status'], 'valid')

    def test_every_address_checked_once_with_every_via(self):
        for ip in ('192.0.2.50', '2001:db8::50', '192.0.2.21', '192.0.2.10', '192.0.2.11',
                   '198.51.100.7'):
            self.assertEqual(len(self.r.results(check='fcrdns', target=ip)), 1, ip)
            self.assertEqual(len(self.r.results(check='dnsbl', target=ip,
                                                list='zen.spamhaus.org')), 1, ip)
        self.assertEqual(self.via('192.0.2.50'), ['expand-a.test mx mx1.example-esp.test',
                                                  'expand-b.test mx mx1.example-esp.test'])
        self.assertEqual(self.via('192.0.2.21'), ['expand-a.test a'])
        self.assertEqual(self.via('198.51.100.7'), ['expand-a.test spf a:relay.expand-a.test'])

    def test_direct_target_found_again_carries_the_vias(self):
        self.assertEqual(sorted(self.via('192.0.2.11')),
                         ['expand-a.test spf include:expand-b.test ip4:192.0.2.11',
                          'expand-a.test spf ip4:192.0.2.10/31',
                          'expand-b.test spf ip4:192.0.2.11'])

    def test_listing_of_an_expanded_address_says_how_it_was_found(self):
        z = self.r.one(check='dnsbl', target='192.0.2.10', list='zen.spamhaus.org')
        self.assertEqual((z['status'], z['via']),
                         ('listed', ['expand-a.test spf ip4:192.0.2.10/31']))
        self.assertEqual(self.r.code, 1)

    def test_text_output_shows_via(self):
        r = scan('check', '--resolver', W.resolver, '--rate', '0', '--checks', 'dnsbl',
                 '--list', 'bl.spamcop.net', '--expand', 'spf', '--no-color', 'expand-a.test')
        # The target's heading says how the address was found.
        self.assertIn('198.51.100.7 via expand-a.test spf a:relay.expand-a.test',
                      r.stdout.splitlines())

    def test_job_file_expand_and_trust_anchor(self):
        with tempfile.TemporaryDirectory() as d:
            job = os.path.join(d, 'job.yaml')
            with open(job, 'w') as f:
                f.write('state: %s\ndomains: [expand-a.test, secure.dnssec.test]\n'
                        'expand: [spf]\nchecks: [dnsbl, dnssec]\nlists: [bl.spamcop.net]\n'
                        'resolvers: ["%s"]\nrate: 0\nformat: json\ntrust_anchor: %s\n'
                        % (os.path.join(d, 'state.db'), W.resolver, W.trust_anchor))
            r = scan('scan', '-c', job)
            self.assertEqual(r.one(check='dnsbl', target='198.51.100.7')['via'],
                             ['expand-a.test spf a:relay.expand-a.test'])
            self.assertEqual(r.one(check='dnssec', target='secure.dnssec.test')['status'],
                             'secure')
            with open(job, 'a') as f:
                f.write('expand: [spf, ns]\n')
            with open(job) as f:
                text = f.read().replace('expand: [spf]\n', '')
            with open(job, 'w') as f:
                f.write(text)
            bad = scan('scan', '-c', job)
            self.assertEqual(bad.code, 2)
            self.assertRegex(bad.stderr, r"job.yaml:\d+:\d+: unknown expand source 'ns'")

    def test_bad_expand_word_is_a_usage_error(self):
        r = scan('check', '--expand', 'mx,ns', 'expand-a.test')
        self.assertEqual(r.code, 2)
        self.assertIn('--expand', r.stderr)


class HostNames(unittest.TestCase):
    """zones/CASES.md section 13: --resolve, a host name's A/AAAA on the IP lists (the
    --expand a path: same line, same vias)."""

    LISTS = ('--list', 'zen.spamhaus.org', '--list', 'bl.spamcop.net',
             '--list', 'multi.surbl.org')

    @classmethod
    def setUpClass(cls):
        cls.r = scan('check', '--resolver', W.resolver, '--rate', '0', '--format', 'json',
                     '--checks', 'dnsbl,fcrdns', *cls.LISTS, 'mta10.example-esp.test',
                     'mx1.example-esp.test', 'gone.mx-dangling.test', 'mx-null.test')

    def test_check_resolves_by_default_and_each_result_says_via(self):
        z = self.r.one(check='dnsbl', target='192.0.2.10', list='zen.spamhaus.org')
        self.assertEqual((z['status'], z['via']), ('listed', ['mta10.example-esp.test a']))
        for ip in ('192.0.2.50', '2001:db8::50'):
            self.assertEqual(self.r.one(check='fcrdns', target=ip)['via'],
                             ['mx1.example-esp.test a'], ip)
        self.assertEqual(self.r.one(check='dnsbl', target='192.0.2.50',
                                    list='bl.spamcop.net')['via'], ['mx1.example-esp.test a'])
        # the name is still checked as a domain, on the domain lists
        self.assertEqual(self.r.one(check='dnsbl', target='mta10.example-esp.test',
                                    list='multi.surbl.org')['status'], 'clean')
        x = self.r.one(check='expand', target='mx1.example-esp.test')
        self.assertEqual((x['status'], x['addresses']), ('valid', 2))
        self.assertEqual(x['sources'], [{'via': 'mx1.example-esp.test a',
                                         'addresses': ['192.0.2.50', '2001:db8::50']}])
        self.assertEqual(self.r.code, 1)

    def test_a_name_that_does_not_exist_is_an_error(self):
        x = self.r.one(check='expand', target='gone.mx-dangling.test')
        self.assertEqual((x['status'], x['reason']), ('error', 'nxdomain'))
        r = scan('check', '--resolver', W.resolver, '--rate', '0', '--checks', 'dnsbl',
                 *self.LISTS, '--no-color', 'gone.mx-dangling.test')
        self.assertEqual(r.code, 3, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r'error +expand')
        self.assertIn('nxdomain', r.stdout)
        # --expand a alone keeps its rule: a domain that does not exist is none
        r = scan('check', '--resolver', W.resolver, '--rate', '0', '--checks', 'dnsbl',
                 *self.LISTS, '--no-resolve', '--expand', 'a', '--format', 'json',
                 'gone.mx-dangling.test')
        x = r.one(check='expand')
        self.assertEqual((x['status'], x['reason'], r.code), ('none', 'nxdomain', 0))

    def test_a_name_without_address_is_none_and_said(self):
        x = self.r.one(check='expand', target='mx-null.test')
        self.assertEqual((x['status'], x['addresses']), ('none', 0))
        self.assertEqual(x['skipped'], ['mx-null.test a: mx-null.test has no A or AAAA record'])

    def test_no_resolve_and_scan_default(self):
        for args in (('check', '--no-resolve'), ('scan',)):
            r = scan(*args, '--resolver', W.resolver, '--rate', '0', '--format', 'json',
                     '--checks', 'dnsbl,fcrdns', *self.LISTS, 'mta10.example-esp.test',
                     'gone.mx-dangling.test')
            self.assertEqual(r.results(check='expand'), [], args)
            self.assertEqual(r.results(target='192.0.2.10'), [], args)
            self.assertEqual(r.code, 0, args)
        r = scan('scan', '--resolve', '--resolver', W.resolver, '--rate', '0', '--format',
                 'json', '--checks', 'dnsbl', *self.LISTS, 'mta10.example-esp.test')
        self.assertEqual(r.one(check='dnsbl', target='192.0.2.10', list='bl.spamcop.net')['via'],
                         ['mta10.example-esp.test a'])
        self.assertEqual(r.code, 1)

    def test_resolve_and_expand_share_one_path(self):
        # example-esp.test's own A and its MX host mx1 are both 192.0.2.50: checked once,
        # with every via, in domain order, whichever spelling found it
        r = scan('check', '--resolver', W.resolver, '--rate', '0', '--format', 'json',
                 '--checks', 'fcrdns', '--expand', 'mx', 'example-esp.test',
                 'mx1.example-esp.test')
        self.assertEqual(r.one(check='fcrdns', target='192.0.2.50')['via'],
                         ['example-esp.test mx mx1.example-esp.test', 'example-esp.test a',
                          'mx1.example-esp.test a'])
        self.assertEqual(len(r.results(check='expand')), 2)

    def test_job_file_resolve_key(self):
        with tempfile.TemporaryDirectory() as d:
            job = os.path.join(d, 'job.yaml')
            with open(job, 'w') as f:
                f.write('state: %s\ndomains: [relay7.example-esp.test]\nresolve: true\n'
                        'checks: [dnsbl]\nlists: [bl.spamcop.net]\nresolvers: ["%s"]\n'
                        'rate: 0\nformat: json\n' % (os.path.join(d, 'state.db'), W.resolver))
            r = scan('scan', '-c', job)
            self.assertEqual(r.one(check='dnsbl', target='198.51.100.7')['via'],
                             ['relay7.example-esp.test a'])
            r = scan('scan', '-c', job, '--no-resolve')
            self.assertEqual(r.results(target='198.51.100.7'), [])


class OptionsWithoutEffect(unittest.TestCase):
    """An option the chosen checks ignore is a usage error naming both (exit 2),
    before anything is asked."""

    def test_flag(self):
        r = scan('check', '--resolver', '127.0.0.1:9', '--checks', 'dnsbl', '--spf-domain',
                 'example-esp.test', '192.0.2.10')
        self.assertEqual(r.code, 2)
        self.assertEqual(r.stdout, '')
        self.assertIn('--spf-domain has no effect under --checks dnsbl: it is for the spf-auth '
                      'check', r.stderr)

    def test_job_file_key_contradicting_its_checks(self):
        with tempfile.TemporaryDirectory() as d:
            job = os.path.join(d, 'job.yaml')
            with open(job, 'w') as f:
                f.write('domains: [example-esp.test]\nchecks: [spf, dmarc]\n'
                        'dkim_selectors: [s1]\nresolvers: ["127.0.0.1:9"]\nstate: %s\n'
                        % os.path.join(d, 'state.db'))
            r = scan('scan', '-c', job)
            self.assertEqual(r.code, 2)
            self.assertIn('job.yaml:3:1: dkim_selectors has no effect under checks: [spf, dmarc] '
                          '(%s:2:1): it is for the dkim check' % job, r.stderr)
            # the command line's --checks narrows a shared job file without an error
            r = scan('scan', '-c', job, '--checks', 'spf', '--resolver', W.resolver,
                     '--format', 'json')
            self.assertEqual(r.code, 0, r.stderr)
            self.assertEqual(r.one(check='spf')['status'], 'valid')


class AllChecks(unittest.TestCase):
    def test_default_runs_every_applicable_check_once(self):
        r = scan('check', '--resolver', W.resolver, '--rate', '0', '--format', 'json',
                 '192.0.2.10', 'example-esp.test')
        ip_checks = {x['check'] for x in r.results(target='192.0.2.10')}
        dom_checks = {x['check'] for x in r.results(target='example-esp.test')}
        self.assertEqual(ip_checks, {'dnsbl', 'fcrdns', 'origin'})
        # check resolves host names by default: the domain's own address is checked too
        self.assertEqual(dom_checks, {'dnsbl', 'spf', 'dmarc', 'mx', 'dkim', 'mta-sts', 'tls-rpt',
                                      'bimi', 'ns', 'dnssec', 'expand'})
        resolved = {x['check'] for x in r.results(target='192.0.2.50')}
        self.assertEqual(resolved, {'dnsbl', 'fcrdns', 'origin'})
        self.assertEqual(r.one(check='fcrdns', target='192.0.2.50')['via'],
                         ['example-esp.test a'])
        # One line per (target, check); dkim one per selector found: none here, so one.
        for check in ('fcrdns', 'spf', 'dmarc', 'mx', 'dkim', 'mta-sts', 'tls-rpt', 'bimi', 'ns',
                      'dnssec', 'origin', 'expand'):
            self.assertEqual(len([x for x in r.results(check=check)
                                  if x['target'] in ('192.0.2.10', 'example-esp.test')]), 1, check)


if __name__ == '__main__':
    unittest.main(verbosity=2)
