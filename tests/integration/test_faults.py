#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: the built dnsbl-scan against the fault-injecting responder.
Timeouts, SERVFAIL, REFUSED, truncation, garbage, parking answers, refusal
codes, hostile TXT data and rate limits: each must become the right verdict,
and none may ever become `clean` or `listed` by accident."""
import os, sys, tempfile, unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Faultd, scan  # noqa: E402

CAT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fault-catalog.yaml')
F = None


def setUpModule():
    global F
    F = Faultd(log=True)


def tearDownModule():
    F.stop()


def fscan(*args, **kw):
    return scan('scan', '--lists', CAT, '--resolver', F.addr, '--format', 'json',
                '--checks', 'dnsbl', '--timeout', '300ms', '--tries', '1', *args, **kw)


class Faults(unittest.TestCase):
    def test_ok_list_listed_and_clean(self):
        r = fscan('--list', 'ok.fault.test', '192.0.2.2', '192.0.2.3')
        self.assertEqual(r.one(target='192.0.2.2')['status'], 'listed')
        self.assertEqual(r.one(target='192.0.2.2')['txt'], 'listed by ok.fault.test')
        self.assertEqual(r.one(target='192.0.2.3')['status'], 'clean')
        self.assertEqual(r.code, 1)

    def test_timeout_is_error_never_clean(self):
        r = fscan('--list', 'timeout.fault.test', '192.0.2.2', '192.0.2.3')
        for res in r.results():
            self.assertEqual((res['status'], res['reason']), ('error', 'timeout'))
        self.assertEqual(len(r.results()), 2)
        self.assertEqual(r.code, 3)

    def test_servfail_and_refused(self):
        r = fscan('--list', 'servfail.fault.test', '--list', 'refused.fault.test', '192.0.2.2')
        self.assertEqual(r.one(list='servfail.fault.test')['reason'], 'servfail')
        self.assertEqual(r.one(list='refused.fault.test')['reason'], 'refused')
        self.assertEqual(r.code, 3)

    def test_truncated_answer_falls_back_to_tcp(self):
        r = fscan('--list', 'tc.fault.test', '192.0.2.2')
        res = r.one(target='192.0.2.2')
        self.assertEqual(res['status'], 'listed')
        self.assertGreater(len(res['txt']), 1000, 'the long TXT exists only over TCP')
        tcp = [q for q in F.queries() if q[1] == 'tcp' and 'tc.fault.test' in q[2]]
        self.assertTrue(tcp, 'no query reached the responder over TCP')

    def test_garbage_is_invalid_answer(self):
        r = fscan('--list', 'garbage.fault.test', *['192.0.2.%d' % i for i in range(2, 12)])
        self.assertEqual(len(r.results()), 10)
        for res in r.results():
            self.assertEqual(res['status'], 'error', res)
            self.assertIn(res['reason'], ('invalid-answer', 'timeout'))

    def test_parking_answer_is_never_a_listing(self):
        r = fscan('--list', 'parked.fault.test', '192.0.2.2', '192.0.2.3')
        for res in r.results():
            self.assertEqual((res['status'], res['reason']), ('error', 'invalid-answer'))

    def test_refusal_code_is_blocked(self):
        r = fscan('--list', 'refusalcode.fault.test', '192.0.2.2')
        res = r.one(target='192.0.2.2')
        self.assertEqual((res['status'], res['reason']), ('error', 'blocked'))
        self.assertEqual(res['codes'], ['127.255.255.254'])
        self.assertEqual(r.code, 3)

    def test_list_that_lists_the_world_is_unhealthy(self):
        r = fscan('--list', 'hcfail-world.fault.test', '192.0.2.2', '192.0.2.3')
        h = r.health()['hcfail-world.fault.test']
        self.assertEqual(h['status'], 'unhealthy')
        # one line per (list, kind) queried: IPv4 targets here (null: the list as a whole)
        self.assertIn(h['kind'], (None, 'ip4'))
        self.assertIn('127.0.0.1', h['detail'])
        for res in r.results():
            self.assertEqual((res['status'], res['reason']), ('error', 'unhealthy'))
        self.assertEqual(r.code, 3)

    def test_dead_test_points_make_the_list_unhealthy(self):
        r = fscan('--list', 'hcfail-timeout.fault.test', '192.0.2.2')
        self.assertEqual(r.health()['hcfail-timeout.fault.test']['status'], 'unhealthy')
        self.assertEqual(r.one(target='192.0.2.2')['reason'], 'unhealthy')

    def test_hostile_txt_is_sanitized_in_every_format(self):
        j = fscan('--list', 'escape.fault.test', '192.0.2.2')
        txt = j.one(target='192.0.2.2')['txt']
        self.assertIn('\x1b', txt, 'JSON keeps the data, escaped (the parser decoded it)')
        t = scan('check', '--lists', CAT, '--resolver', F.addr, '--list', 'escape.fault.test',
                 '--format', 'text', '--no-color', '192.0.2.2')
        self.assertNotIn('\x1b', t.stdout)
        self.assertNotIn('\x07', t.stdout)
        self.assertIn('RED', t.stdout)
        c = scan('scan', '--lists', CAT, '--resolver', F.addr, '--list', 'escape.fault.test',
                 '--format', 'csv', '--checks', 'dnsbl', '192.0.2.2')
        for field in c.stdout.replace('\r\n', '\n').split(','):
            f = field.strip('"')
            self.assertFalse(f[:1] in ('=', '+', '@'), 'formula not defused: %r' % field)
        self.assertNotIn('\x1b', c.stdout)

    def test_rate_limit_is_enforced(self):
        # slow.fault.test has rate 5/s in the catalog: 11 targets need >= ~1.8 s.
        targets = ['192.0.2.%d' % i for i in range(20, 31)]
        r = scan('scan', '--lists', CAT, '--resolver', F.addr, '--format', 'json',
                 '--checks', 'dnsbl', '--list', 'slow.fault.test', *targets)
        self.assertEqual(len(r.results()), 11)
        self.assertGreaterEqual(r.elapsed, 1.6)
        q = [float(x[0]) for x in F.queries() if 'slow.fault.test' in x[2] and
             not x[2].startswith(('2.0.0.127', '1.0.0.127'))]
        self.assertGreaterEqual(len(q), 11)
        span = (max(q) - min(q)) / 1000.0
        self.assertGreaterEqual(span, 1.6, 'queries were not paced: %.2fs' % span)
        # --rate 0 lifts it.
        r = scan('scan', '--lists', CAT, '--resolver', F.addr, '--format', 'json',
                 '--checks', 'dnsbl', '--list', 'slow.fault.test', '--rate', '0', *targets)
        self.assertLess(r.elapsed, 1.5)


class MalformedAnswers(unittest.TestCase):
    """Answers that are not NXDOMAIN and yet carry no usable A record for the question
    name. README "Verdicts": only NXDOMAIN, a proper NODATA for the question name or an
    allow code is clean; anything else that is not a listing is an error. Each zone's
    test points work, so the list itself stays healthy. See tests/faultd/README.md."""

    def malformed(self, zone):
        r = fscan('--list', zone, '192.0.2.2', '192.0.2.3')
        self.assertEqual(r.health()[zone]['status'], 'healthy', r.health().get(zone))
        rs = r.results()
        self.assertEqual(sorted(x['target'] for x in rs), ['192.0.2.2', '192.0.2.3'])
        for res in rs:
            self.assertEqual((res['status'], res['reason']), ('error', 'invalid-answer'), res)
        self.assertEqual(r.code, 3)
        asked = [q for q in F.queries() if q[2].lower().endswith('.2.0.192.%s.' % zone)]
        self.assertTrue(asked, 'no query for a target reached faultd')
        return r

    def test_a_record_for_another_name_is_invalid_answer(self):
        self.malformed('othername.fault.test')

    def test_a_record_in_another_class_is_invalid_answer(self):
        self.malformed('wrongclass.fault.test')

    def test_aaaa_record_for_an_a_question_is_invalid_answer(self):
        self.malformed('aaaa.fault.test')

    def test_cname_to_a_name_without_address_is_invalid_answer(self):
        self.malformed('cnamedead.fault.test')

    def test_empty_truncated_answer_over_tcp_is_invalid_answer(self):
        self.malformed('tcempty.fault.test')
        tcp = [q for q in F.queries() if q[1] == 'tcp' and q[2].lower().endswith(
            '.2.0.192.tcempty.fault.test.')]
        self.assertTrue(tcp, 'the client never retried over TCP: the TCP shape went untested')

    def test_refusal_code_after_seventeen_listings_is_blocked(self):
        # 127.0.0.2 .. 127.0.0.18, then 127.255.255.254: the verdict covers every address.
        r = fscan('--list', 'many.fault.test', '192.0.2.2', '192.0.2.3')
        self.assertEqual(r.health()['many.fault.test']['status'], 'healthy')
        res = r.one(target='192.0.2.2')
        self.assertEqual((res['status'], res['reason']), ('error', 'blocked'), res)
        self.assertEqual(r.one(target='192.0.2.3')['status'], 'clean')
        self.assertEqual(r.code, 3)

    def test_missing_ipv6_test_point_leaves_ipv4_healthy(self):
        # ip6only answers every IPv4 test point and ::ffff:7f00:1 correctly, but not
        # ::ffff:7f00:2. Its IPv4 answers are as trustworthy as ever; its IPv6 ones not.
        zone = 'ip6only.fault.test'
        r = fscan('--list', zone, '192.0.2.2', '192.0.2.3', '2001:db8::2')
        self.assertEqual(r.one(target='192.0.2.2')['status'], 'listed')
        self.assertEqual(r.one(target='192.0.2.2')['txt'], 'listed by ip6only.fault.test')
        self.assertEqual(r.one(target='192.0.2.3')['status'], 'clean')
        v6 = r.one(target='2001:db8::2')
        self.assertEqual((v6['status'], v6['reason']), ('error', 'unhealthy'), v6)
        problems = [h for h in r.lines if h.get('check') == 'list-health' and
                    h.get('list') == zone and h['status'] != 'healthy']
        self.assertTrue(problems, 'the IPv6 test point failure is not reported')
        self.assertIn('FFFF:7F00:2', ' '.join(h['detail'] or '' for h in problems).upper())
        self.assertEqual(r.code, 1, 'a listing wins over an incomplete IPv6 verdict')

    def test_undocumented_point_does_not_make_ip4_unhealthy(self):
        # undoc answers SERVFAIL for 4.0.0.127 (127.0.0.4); this catalog never names it.
        r = fscan('--list', 'undoc.fault.test', '192.0.2.2', '192.0.2.3')
        self.assertEqual(r.health()['undoc.fault.test']['status'], 'healthy')
        self.assertEqual(r.one(target='192.0.2.2')['status'], 'listed')
        self.assertEqual(r.one(target='192.0.2.3')['status'], 'clean')
        self.assertEqual(r.code, 1)

    def test_undocumented_point_fails_once_the_catalog_names_it(self):
        # The control for the test above: the point really is broken, so naming it as a
        # test point makes the list unhealthy.
        with tempfile.TemporaryDirectory(prefix='dnsbl-undoc-') as d:
            cat = os.path.join(d, 'undoc.yaml')
            with open(cat, 'w') as f:
                f.write('lists:\n'
                        '  - {id: f-undoc, zone: undoc.fault.test, kinds: [ip4], rate: 0,\n'
                        '     test_points: {listed: [127.0.0.2, 127.0.0.4]},\n'
                        '     codes: [{code: 127.0.0.2, meaning: "listed", class: listing},\n'
                        '             {code: 127.0.0.4, meaning: "listed", class: listing}]}\n')
            r = scan('scan', '--lists', cat, '--resolver', F.addr, '--format', 'json',
                     '--checks', 'dnsbl', '--timeout', '300ms', '--tries', '1', '192.0.2.2')
        self.assertEqual(r.health()['undoc.fault.test']['status'], 'unhealthy', r.stderr)
        self.assertIn('127.0.0.4', r.health()['undoc.fault.test']['detail'])
        self.assertEqual(r.one(target='192.0.2.2')['status'], 'error')




def rcheck(*args):
    """`check` with record checks only, through faultd."""
    return scan('check', '--resolver', F.addr, '--format', 'json', '--timeout', '300ms',
                '--tries', '1', *args)


class RecordCheckErrorsExit3(unittest.TestCase):
    """A DNS failure leaves a record check's verdict open, whatever the check: every
    one exits 3, spf-auth's temperror included (it used to exit 0)."""

    def assert_open(self, r, check, status='error', reason='servfail'):
        res = r.one(check=check)
        self.assertEqual((res['status'], res['reason']), (status, reason), res)
        self.assertEqual(r.code, 3, '%s: %s %s' % (check, res, r.stderr))

    def test_spf(self):
        self.assert_open(rcheck('--checks', 'spf', 'servfail.fault.test'), 'spf')

    def test_spf_auth_temperror(self):
        r = rcheck('--checks', 'spf-auth', '--spf-domain', 'servfail.fault.test', '192.0.2.1')
        self.assert_open(r, 'spf-auth', status='temperror')
        self.assertEqual(r.one(check='spf-auth')['domain'], 'servfail.fault.test')

    def test_dmarc(self):
        self.assert_open(rcheck('--checks', 'dmarc', 'servfail.fault.test'), 'dmarc')

    def test_mx(self):
        self.assert_open(rcheck('--checks', 'mx', 'servfail.fault.test'), 'mx')

    def test_fcrdns(self):
        # faultd refuses every name outside its mode zones, the reverse zone included.
        self.assert_open(rcheck('--checks', 'fcrdns', '192.0.2.1'), 'fcrdns', reason='refused')

    def test_dnssec(self):
        # A DNS failure on the chain is an error, never "insecure". faultd refuses the
        # names above its mode zones, which the check asks first (is "test" a zone?).
        with tempfile.NamedTemporaryFile('w', suffix='.key') as anchor:
            anchor.write('. IN DS 20326 8 2 '
                         'E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n')
            anchor.flush()
            r = rcheck('--checks', 'dnssec', '--trust-anchor', anchor.name,
                       'x.servfail.fault.test')
        self.assert_open(r, 'dnssec', reason='refused')

    def test_expand(self):
        r = rcheck('--checks', 'fcrdns', '--expand', 'mx', 'servfail.fault.test')
        self.assert_open(r, 'expand')

    def test_resolve(self):
        # check resolves host names by default (--expand a): a failed lookup is the
        # name's error, with the DNS reason, never a silently dropped name
        self.assert_open(rcheck('--checks', 'fcrdns', 'servfail.fault.test'), 'expand')
        r = rcheck('--checks', 'fcrdns', '--no-resolve', 'servfail.fault.test')
        self.assertEqual((r.results(check='expand'), r.code), ([], 0))

    def test_garbage_is_the_dnsbl_word(self):
        r = rcheck('--checks', 'mx', 'garbage.fault.test')
        res = r.one(check='mx')
        self.assertEqual(res['status'], 'error')
        self.assertIn(res['reason'], ('invalid-answer', 'timeout'))
        self.assertEqual(r.code, 3)




class KeyEchoedInTxt(unittest.TestCase):
    """Issue 7 "Keys": a list whose TXT echoes the query name (key label included)
    never shows the key: the engine redacts it to {key} in every format."""
    KEY = 'Sekr1tEchoKey'
    CATALOG = """lists:
  - id: echo-keyed
    zone: "{key}.echo.fault.test"
    kinds: [ip4]
    access: key
    key_env: ECHO_TEST_KEY
    txt: true
    codes:
      - {code: 127.0.0.2, meaning: "listed by the echo zone", class: listing}
"""

    def test_echoed_key_is_redacted(self):
        with tempfile.TemporaryDirectory() as d:
            cat = os.path.join(d, 'echo.yaml')
            with open(cat, 'w') as f:
                f.write(self.CATALOG)
            for fmt in ('json', 'text', 'csv', 'summary'):
                r = scan('check', '--lists', cat, '--list', 'echo-keyed', '--resolver', F.addr,
                         '--checks', 'dnsbl', '--timeout', '300ms', '--format', fmt,
                         '192.0.2.2', env={'ECHO_TEST_KEY': self.KEY})
                out = r.stdout + r.stderr
                self.assertNotIn(self.KEY.lower(), out.lower(), fmt)
                if fmt == 'json':
                    x = r.one(target='192.0.2.2')
                    self.assertEqual(x['status'], 'listed', x)
                    self.assertIn('2.2.0.192.{key}.echo.fault.test', x['txt'], x)
        # The faultd log shows the key really was on the wire (so the test can fail).
        with open(F.log) as f:
            self.assertIn(self.KEY.lower(), f.read().lower())


if __name__ == '__main__':
    unittest.main(verbosity=2)
