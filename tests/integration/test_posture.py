#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: the mail-posture checks dkim, mta-sts, tls-rpt, bimi and ns of the
built dnsbl-scan against the local DNS world (zones/CASES.md, sections 7-11), a
loopback HTTPS server for MTA-STS policies, and the fault responder for DNS
failures. Every packet goes to 127.0.0.1."""
import os, sys, unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Faultd, HttpsServer, World, scan  # noqa: E402

W = None
HTTPS = None

GOOD_POLICY = b'version: STSv1\r\nmode: enforce\r\nmx: mx1.good.sts.test\r\nmax_age: 604800\r\n'
TEXT = {'Content-Type': 'text/plain'}
PAGES = {
    'mta-sts.good.sts.test': (200, GOOD_POLICY, TEXT),
    'mta-sts.uncovered.sts.test': (200, b'version: STSv1\nmode: enforce\n'
                                        b'mx: mx1.uncovered.sts.test\nmax_age: 604800\n', TEXT),
    'mta-sts.redirect.sts.test': (301, b'', {'Location': 'https://mta-sts.good.sts.test/'}),
    'mta-sts.badcert.sts.test': (200, GOOD_POLICY, TEXT),
    'mta-sts.syntax.sts.test': (200, b'version: STSv1\nmode: block\nmx: mx1.good.sts.test\n'
                                     b'max_age: 604800\n', TEXT),
    'mta-sts.big.sts.test': (200, GOOD_POLICY + b'x' * 100000, TEXT),
}
CERT_NAMES = [h for h in PAGES if h != 'mta-sts.badcert.sts.test'] + ['mta-sts.notfound.sts.test']


def setUpModule():
    global W, HTTPS
    W = World()
    HTTPS = HttpsServer(CERT_NAMES, PAGES)


def tearDownModule():
    W.stop()
    HTTPS.stop()


def pscan(checks, *targets, extra=()):
    r = scan('scan', '--resolver', W.resolver, '--rate', '0', '--format', 'json',
             '--checks', checks, *extra, *targets)
    if r.code not in (0, 1, 3):
        raise AssertionError('exit %d: %s' % (r.code, r.stderr))
    return r


class TlsRpt(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.r = pscan('tls-rpt', 'good.tlsrpt.test', 'two.tlsrpt.test', 'no-rua.tlsrpt.test',
                      'bad-uri.tlsrpt.test', 'not-first.tlsrpt.test', 'tlsrpt.test')

    def get(self, d):
        return self.r.one(check='tls-rpt', target=d)

    def test_valid(self):
        x = self.get('good.tlsrpt.test')
        self.assertEqual(x['status'], 'valid', x)
        self.assertEqual(x['rua'], ['mailto:tlsrpt@tlsrpt.test', 'https://reports.tlsrpt.test/v1'])
        self.assertEqual(x['problems'], [])

    def test_invalid(self):
        for d, reason in (('two.tlsrpt.test', 'multiple-records'),
                          ('no-rua.tlsrpt.test', 'missing-tag'),
                          ('bad-uri.tlsrpt.test', 'bad-report-uri')):
            x = self.get(d)
            self.assertEqual((x['status'], x['reason']), ('invalid', reason), x)

    def test_none(self):
        self.assertEqual(self.get('tlsrpt.test')['status'], 'none')
        self.assertEqual(self.get('not-first.tlsrpt.test')['status'], 'none')


class Bimi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.r = pscan('bimi', 'bimi.test', 'inherit.bimi.test', 'declined.bimi.test',
                      'p-none.bimi.test', 'pct.bimi.test', 'http-logo.bimi.test', 'tlsrpt.test')

    def get(self, d):
        return self.r.one(check='bimi', target=d)

    def test_valid(self):
        x = self.get('bimi.test')
        self.assertEqual(x['status'], 'valid', x)
        self.assertEqual(x['selector'], 'default')
        self.assertEqual(x['l'], 'https://brand.bimi.test/logo.svg')
        self.assertEqual(x['dmarc_policy'], 'reject')
        self.assertFalse(x['declined'])

    def test_org_fallback(self):
        x = self.get('inherit.bimi.test')
        self.assertEqual((x['status'], x['record_domain']), ('valid', 'bimi.test'), x)

    def test_declined(self):
        x = self.get('declined.bimi.test')
        self.assertEqual(x['status'], 'valid', x)
        self.assertTrue(x['declined'])

    def test_dmarc_not_enforced(self):
        for d in ('p-none.bimi.test', 'pct.bimi.test'):
            x = self.get(d)
            self.assertEqual((x['status'], x['reason']), ('invalid', 'dmarc-not-enforced'), x)

    def test_http_logo(self):
        x = self.get('http-logo.bimi.test')
        self.assertEqual((x['status'], x['reason']), ('invalid', 'bad-uri'), x)

    def test_none(self):
        self.assertEqual(self.get('tlsrpt.test')['status'], 'none')

    def test_selector_option(self):
        r = pscan('bimi', 'selector.bimi.test', extra=('--bimi-selector', 'brand'))
        x = r.one(check='bimi', target='selector.bimi.test')
        self.assertEqual((x['status'], x['selector']), ('valid', 'brand'), x)
        self.assertEqual(x['l'], 'https://brand.bimi.test/other.svg')


class Ns(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.r = pscan('ns', 'ns-good.test', 'www.ns-good.test', 'gone.ns-good.test',
                      'ns-single.test', 'ns-cname.test', 'ns-literal.test', 'ns-dangling.test',
                      'ns-slash24.test')

    def get(self, d):
        return self.r.one(check='ns', target=d)

    def test_valid(self):
        x = self.get('ns-good.test')
        self.assertEqual(x['status'], 'valid', x)
        self.assertEqual([h['host'] for h in x['hosts']], ['ns1.ns-good.test', 'ns2.ns-good.test'])
        self.assertEqual(x['hosts'][1]['addresses'], ['198.51.100.71', '2001:db8::71'])
        self.assertEqual(x['soa'], 'ns1.ns-good.test. hostmaster.ns-good.test. 2026010101 7200 '
                                   '900 1209600 3600')
        self.assertEqual(x['problems'], [])

    def test_subdomain_walks_to_its_zone(self):
        x = self.get('www.ns-good.test')
        self.assertEqual((x['status'], x['zone']), ('valid', 'ns-good.test'), x)

    def test_invalid(self):
        for d, reason in (('gone.ns-good.test', 'nxdomain'), ('ns-single.test', 'too-few-ns'),
                          ('ns-cname.test', 'cname'), ('ns-literal.test', 'ip-literal'),
                          ('ns-dangling.test', 'unresolvable')):
            x = self.get(d)
            self.assertEqual((x['status'], x['reason']), ('invalid', reason), x)

    def test_warnings_keep_valid(self):
        x = self.get('ns-slash24.test')
        self.assertEqual(x['status'], 'valid', x)
        msgs = ' | '.join(p['message'] for p in x['problems'] if p['severity'] == 'warning')
        for needle in ('one /24', 'SOA refresh 600', 'SOA expire 86400', 'SOA retry 600'):
            self.assertIn(needle, msgs)


class Dkim(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.r = pscan('dkim', 'dkim.test', 'weak.dkim.test', 'sha1.dkim.test', 'testing.dkim.test',
                      'notemail.dkim.test', 'badkey.dkim.test', 'badk.dkim.test', 'two.dkim.test',
                      'version.dkim.test', 'nop.dkim.test', 'none.dkim.test', 'empty.dkim.test',
                      extra=('--dkim-selector', 'custom'))

    def sel(self, d, s):
        return self.r.one(check='dkim', target=d, selector=s)

    def test_one_line_per_selector_with_sources(self):
        lines = self.r.results(check='dkim', target='dkim.test')
        got = [(x['selector'], x['source'], x['status']) for x in lines]
        self.assertEqual(got, [('custom', 'given', 'valid'), ('selector1', 'inferred', 'valid'),
                               ('selector2', 'inferred', 'revoked'), ('k1', 'common', 'valid')])
        x = self.sel('dkim.test', 'selector1')
        self.assertEqual((x['key_type'], x['key_bits']), ('rsa', 2048))
        self.assertEqual(x['problems'], [])
        x = self.sel('dkim.test', 'k1')
        self.assertEqual((x['key_type'], x['key_bits']), ('ed25519', 256))
        x = self.sel('dkim.test', 'custom')
        self.assertEqual((x['key_bits'], x['cname']), (1024, 'custom.keys.dkim.test'))
        self.assertTrue(any('2048' in p['message'] for p in x['problems']))

    def test_invalid_keys(self):
        for d, reason in (('weak.dkim.test', 'weak-key'), ('sha1.dkim.test', 'weak-hash'),
                          ('notemail.dkim.test', 'not-for-email'), ('badkey.dkim.test', 'bad-key'),
                          ('badk.dkim.test', 'unknown-key-type'),
                          ('two.dkim.test', 'multiple-records'),
                          ('version.dkim.test', 'version-not-first'),
                          ('nop.dkim.test', 'missing-tag')):
            x = self.sel(d, 's1')
            self.assertEqual((x['status'], x['reason'], x['source']), ('invalid', reason, 'common'),
                             x)

    def test_testing_flag(self):
        x = self.sel('testing.dkim.test', 's1')
        self.assertEqual(x['status'], 'valid', x)
        self.assertTrue(x['testing'])

    def test_none(self):
        x = self.r.one(check='dkim', target='none.dkim.test')
        self.assertEqual((x['status'], x['domainkey_exists']), ('none', False), x)
        self.assertEqual(x['selectors_tried'], ['custom'])
        x = self.r.one(check='dkim', target='empty.dkim.test')
        self.assertEqual((x['status'], x['domainkey_exists']), ('none', True), x)
        self.assertIn('selector1', x['selectors_tried'])
        self.assertIn('google', x['selectors_tried'])


class DkimWildcard(unittest.TestCase):
    """dkim-wildcard-txt and dkim-wildcard-key: a wildcard under _domainkey answers every
    selector, so the common guesses are not asked (they would prove nothing and cost ~30
    queries per domain); the given and inferred selectors are, and the line says so."""

    @classmethod
    def setUpClass(cls):
        cls.r = pscan('dkim', 'wildtxt.dkim.test', 'wildkey.dkim.test')
        cls.given = pscan('dkim', 'wildtxt.dkim.test', extra=('--dkim-selector', 'custom'))

    def warned(self, x, needle):
        return any(p['severity'] == 'warning' and needle in p['message'] for p in x['problems'])

    def test_txt_wildcard_none_without_guessing(self):
        x = self.r.one(check='dkim', target='wildtxt.dkim.test')
        self.assertEqual((x['status'], x['domainkey_exists']), ('none', True), x)
        self.assertEqual(x['selectors_tried'], [], 'no common selector guessed')
        self.assertTrue(self.warned(x, 'a wildcard answers every selector'), x)

    def test_given_selector_is_judged_and_marked(self):
        x = self.given.one(check='dkim', target='wildtxt.dkim.test')
        self.assertEqual((x['selector'], x['source'], x['status'], x['reason']),
                         ('custom', 'given', 'invalid', 'invalid-version'), x)
        self.assertTrue(self.warned(x, 'a wildcard publishes this record'), x)

    def test_key_wildcard_reports_inferred_only(self):
        lines = self.r.results(check='dkim', target='wildkey.dkim.test')
        got = [(x['selector'], x['source'], x['status'], x['key_bits']) for x in lines]
        self.assertEqual(got, [('google', 'inferred', 'valid', 2048)])
        self.assertTrue(self.warned(lines[0], 'a wildcard publishes this record'), lines[0])

class MtaSts(unittest.TestCase):
    DOMAINS = ('good.sts.test', 'uncovered.sts.test', 'notfound.sts.test', 'redirect.sts.test',
               'badcert.sts.test', 'syntax.sts.test', 'big.sts.test', 'nohost.sts.test',
               'twice.sts.test', 'noid.sts.test', 'tlsrpt.test')

    @classmethod
    def setUpClass(cls):
        cls.r = pscan('mta-sts', *cls.DOMAINS,
                      extra=('--ca-file', HTTPS.ca_file, '--https-connect', HTTPS.addr))

    def get(self, d):
        return self.r.one(check='mta-sts', target=d)

    def test_valid(self):
        x = self.get('good.sts.test')
        self.assertEqual(x['status'], 'valid', x)
        self.assertEqual((x['id'], x['mode'], x['max_age']), ('20260101', 'enforce', 604800))
        self.assertTrue(x['fetched'])
        self.assertEqual(x['mx'], ['mx1.good.sts.test'])
        self.assertEqual(x['problems'], [])
        self.assertIn(('mta-sts.good.sts.test', '/.well-known/mta-sts.txt'), HTTPS.requests)

    def test_invalid(self):
        for d, reason in (('uncovered.sts.test', 'mx-not-covered'),
                          ('notfound.sts.test', 'policy-http-status'),
                          ('redirect.sts.test', 'policy-http-status'),
                          ('badcert.sts.test', 'policy-certificate'),
                          ('syntax.sts.test', 'policy-syntax'),
                          ('big.sts.test', 'policy-too-large'),
                          ('nohost.sts.test', 'no-policy-host'),
                          ('twice.sts.test', 'multiple-records'),
                          ('noid.sts.test', 'missing-tag')):
            x = self.get(d)
            self.assertEqual((x['status'], x['reason']), ('invalid', reason), x)
        self.assertEqual(self.get('uncovered.sts.test')['uncovered'], ['backup.example-esp.test'])

    def test_none(self):
        self.assertEqual(self.get('tlsrpt.test')['status'], 'none')

    def test_no_fetch(self):
        n = len(HTTPS.requests)
        r = pscan('mta-sts', 'good.sts.test', 'notfound.sts.test', extra=('--no-fetch',))
        for d in ('good.sts.test', 'notfound.sts.test'):
            x = r.one(check='mta-sts', target=d)
            self.assertEqual((x['status'], x['fetched'], x['mode']), ('valid', False, None), x)
        self.assertEqual(len(HTTPS.requests), n, 'no fetch at all')

    def test_connection_refused_is_error(self):
        import socket
        sk = socket.socket()
        sk.bind(('127.0.0.1', 0))
        port = sk.getsockname()[1]
        sk.close()  # nothing listens there now
        r = pscan('mta-sts', 'good.sts.test',
                  extra=('--ca-file', HTTPS.ca_file, '--https-connect', '127.0.0.1:%d' % port))
        x = r.one(check='mta-sts', target='good.sts.test')
        self.assertEqual((x['status'], x['reason']), ('error', 'fetch-failed'), x)
        self.assertEqual(r.code, 3)

    def test_system_ca_does_not_trust_the_test_ca(self):
        r = pscan('mta-sts', 'good.sts.test', extra=('--https-connect', HTTPS.addr))
        x = r.one(check='mta-sts', target='good.sts.test')
        self.assertEqual((x['status'], x['reason']), ('invalid', 'policy-certificate'), x)


class DnsFailures(unittest.TestCase):
    """A DNS failure is error with its reason in every new check, never none."""

    def test_servfail_and_timeout(self):
        fd = Faultd()
        try:
            checks = 'tls-rpt,bimi,ns,dkim,mta-sts'
            r = scan('scan', '--resolver', fd.addr, '--rate', '0', '--format', 'json',
                     '--timeout', '300ms', '--tries', '1', '--checks', checks,
                     'a.servfail.fault.test', 'b.timeout.fault.test')
        finally:
            fd.stop()
        self.assertEqual(r.code, 3, r.stderr)
        got = {(x['target'], x['check']): (x['status'], x['reason']) for x in r.results()}
        for c in checks.split(','):
            self.assertEqual(got[('a.servfail.fault.test', c)], ('error', 'servfail'), c)
            self.assertEqual(got[('b.timeout.fault.test', c)], ('error', 'timeout'), c)


if __name__ == '__main__':
    unittest.main(verbosity=2)
