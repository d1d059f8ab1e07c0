#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration: the example --on-change hooks of output/alert/hooks/ (python3 standard
library only) against a webhook receiver on 127.0.0.1 that this test starts and
stops, and a fake sendmail that records what it is given. Each hook gets the delta
on standard input, as dnsbl-scan gives it, and must put the delist URLs in its
message, keep DNS data from breaking out of it, and exit non-zero when its
message was not accepted (so dnsbl-scan keeps the events for the next run).
The end-to-end runs (dnsbl-scan calling a hook) are in test_monitoring.py."""
import json, os, subprocess, sys, tempfile, time, unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, HttpReceiver  # noqa: E402

HOOKS = os.path.join(ROOT, 'output', 'alert', 'hooks')
TMP = None

# A delta as dnsbl-scan writes it: a new listing found now, one an earlier run could
# not deliver, an unhealthy list, an SPF change; hostile text where DNS puts it.
DELTA = {
    'run': {'id': 42, 'status': 'complete', 'complete': True},
    'previous_run': {'id': 41, 'status': 'complete', 'complete': True},
    'events': [
        {'type': 'new_listing', 'check': 'dnsbl', 'target': '192.0.2.13', 'list': 'bl.spamcop.net',
         'list_id': 'spamcop', 'codes': ['127.0.0.2'],
         'meaning': 'SpamCop SCBL <b>&</b>\x1b[31m', 'txt': 'Blocked\r\nSubject: x',
         'delist_url': 'https://www.spamcop.net/bl.shtml?192.0.2.13', 'pool': 'marketing',
         'run_id': 42, 'redelivered': False},
        {'type': 'new_listing', 'check': 'dnsbl', 'target': '192.0.2.10',
         'list': 'zen.spamhaus.org', 'codes': ['127.0.0.2', '127.0.0.9'], 'meaning': 'SBL',
         'delist_url': 'https://check.spamhaus.org/results/?query=192.0.2.10', 'pool': None,
         'run_id': 40, 'redelivered': True},
        {'type': 'list_unhealthy', 'check': 'dnsbl', 'target': None, 'list': 'zen.spamhaus.org',
         'kind': 'ip4', 'reason': 'blocked', 'detail': 'refuses this resolver', 'pool': None,
         'run_id': 42, 'redelivered': False},
        {'type': 'spf_changed', 'check': 'spf', 'target': 'example-esp.test',
         'before': {'status': 'valid'}, 'after': {'status': 'invalid'}, 'pool': None,
         'run_id': 42, 'redelivered': False},
    ],
    'counts': {'new_listing': 2}, 'total': 4, 'redelivered': 1,
}


def setUpModule():
    global TMP
    TMP = tempfile.mkdtemp(prefix='dnsbl-hooks-')


def hook(name, *args, env=None, doc=DELTA):
    e = {k: v for k, v in os.environ.items()
         if k not in ('SLACK_WEBHOOK_URL', 'DNSBL_WEBHOOK_URL', 'DNSBL_WEBHOOK_TOKEN',
                      'DNSBL_MAIL_TO', 'DNSBL_MAIL_FROM', 'SENDMAIL')}
    e.update(env or {})
    t0 = time.monotonic()
    p = subprocess.run([os.path.join(HOOKS, name)] + list(args), input=json.dumps(doc).encode(),
                       capture_output=True, timeout=60, env=e)
    p.elapsed = time.monotonic() - t0
    return p


class Webhooks(unittest.TestCase):
    def setUp(self):
        self.rx = HttpReceiver()

    def tearDown(self):
        self.rx.stop()

    def test_slack_message(self):
        p = hook('slack-webhook', env={'SLACK_WEBHOOK_URL': self.rx.url})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(self.rx.requests), 1)
        path, headers, body = self.rx.requests[0]
        self.assertEqual(path, '/hook')
        self.assertEqual(list(body), ['text'])
        text = body['text']
        self.assertTrue(text.startswith('*dnsbl-scan run 42 (complete): 4 events, 1 redelivered*\n'))
        self.assertIn('NEW LISTING 192.0.2.13 (pool marketing) on bl.spamcop.net: 127.0.0.2', text)
        self.assertIn('delist: https://www.spamcop.net/bl.shtml?192.0.2.13', text)
        self.assertIn('(redelivered from run 40) NEW LISTING 192.0.2.10 on zen.spamhaus.org', text)
        self.assertIn('delist: https://check.spamhaus.org/results/?query=192.0.2.10', text)
        self.assertIn('LIST UNHEALTHY zen.spamhaus.org (ip4): blocked - refuses this resolver', text)
        self.assertIn('SPF CHANGED example-esp.test (spf): valid -&gt; invalid', text)
        self.assertIn('&lt;b&gt;&amp;&lt;/b&gt;?[31m', text, 'Slack markup and escapes are defused')
        self.assertNotIn('\x1b', text)

    def test_slack_url_as_argument(self):
        p = hook('slack-webhook', self.rx.url)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(self.rx.requests), 1)

    def test_json_webhook_carries_the_delta(self):
        p = hook('json-webhook', env={'DNSBL_WEBHOOK_URL': self.rx.url,
                                      'DNSBL_WEBHOOK_TOKEN': 's3cret'})
        self.assertEqual(p.returncode, 0, p.stderr)
        _, headers, body = self.rx.requests[0]
        self.assertEqual(headers['Authorization'], 'Bearer s3cret')
        self.assertEqual(headers['X-Dnsbl-Scan-Run'], '42')
        self.assertEqual(body['source'], 'dnsbl-scan')
        self.assertEqual(body['delta'], DELTA, 'the document as dnsbl-scan wrote it')
        self.assertIn('delist: https://www.spamcop.net/bl.shtml?192.0.2.13', body['text'])
        self.assertEqual(len(body['text'].splitlines()), 4)

    def test_a_refusing_receiver_fails_the_hook(self):
        self.rx.status = 500
        for name in ('slack-webhook', 'json-webhook'):
            p = hook(name, self.rx.url)
            self.assertEqual(p.returncode, 1, name)
            self.assertEqual(p.stderr.decode(), '%s: the webhook answered HTTP 500\n' % name)

    def test_no_receiver_fails_quickly(self):
        url = self.rx.url
        self.rx.stop()
        p = hook('json-webhook', url)
        self.assertEqual(p.returncode, 1)
        self.assertIn(b'cannot post to the webhook', p.stderr)
        self.assertLess(p.elapsed, 10)
        self.rx = HttpReceiver()  # for tearDown

    def test_no_url_is_an_error(self):
        p = hook('json-webhook')
        self.assertEqual(p.returncode, 1)
        self.assertIn(b'no webhook URL', p.stderr)


class Mail(unittest.TestCase):
    def fake_sendmail(self, status=0):
        """A sendmail that records its arguments and message, then exits @status."""
        out = tempfile.mkdtemp(dir=TMP)
        path = os.path.join(out, 'sendmail')
        with open(path, 'w') as f:
            f.write('#!/bin/sh\n'
                    'printf "%%s\\n" "$@" > "%s/argv"\n'
                    'cat > "%s/message"\n'
                    'exit %d\n' % (out, out, status))
        os.chmod(path, 0o755)
        return path, out

    def test_message_through_sendmail(self):
        sendmail, out = self.fake_sendmail()
        p = hook('mail-sendmail', 'postmaster@example.test', 'noc@example.test',
                 env={'SENDMAIL': sendmail, 'DNSBL_MAIL_FROM': 'dnsbl-scan@example.test'})
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(out, 'argv')) as f:
            self.assertEqual(f.read().split(), ['-i', 'postmaster@example.test',
                                                'noc@example.test'])
        with open(os.path.join(out, 'message'), 'rb') as f:
            raw = f.read().decode()
        head, _, body = raw.partition('\n\n')
        self.assertIn('Subject: dnsbl-scan run 42 (complete): 4 events, 1 redelivered', head)
        self.assertIn('To: postmaster@example.test, noc@example.test', head)
        self.assertIn('From: dnsbl-scan@example.test', head)
        self.assertIn('Auto-Submitted: auto-generated', head)
        self.assertNotIn('Subject: x', raw.replace('Subject: dnsbl', ''),
                         'no header injection from DNS data')
        self.assertIn('delist: https://www.spamcop.net/bl.shtml?192.0.2.13', body)
        self.assertIn('(redelivered from run 40) NEW LISTING 192.0.2.10', body)
        self.assertNotIn('\x1b', raw)

    def test_recipients_from_the_environment(self):
        sendmail, out = self.fake_sendmail()
        p = hook('mail-sendmail', env={'SENDMAIL': sendmail, 'DNSBL_MAIL_TO': 'a@x.test, b@x.test'})
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(out, 'argv')) as f:
            self.assertEqual(f.read().split(), ['-i', 'a@x.test', 'b@x.test'])

    def test_sendmail_failure_fails_the_hook(self):
        sendmail, _ = self.fake_sendmail(status=75)
        p = hook('mail-sendmail', 'postmaster@example.test', env={'SENDMAIL': sendmail})
        self.assertEqual(p.returncode, 1)
        self.assertIn(b'exited with status 75', p.stderr)

    def test_option_like_recipient_refused(self):
        sendmail, out = self.fake_sendmail()
        p = hook('mail-sendmail', '-oQ/tmp', env={'SENDMAIL': sendmail})
        self.assertEqual(p.returncode, 1)
        self.assertFalse(os.path.exists(os.path.join(out, 'argv')), 'sendmail never ran')


if __name__ == '__main__':
    unittest.main(verbosity=2)
