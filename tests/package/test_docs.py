#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What ships with the program names everything the program has. Read from the
sources, so a new option, check, key or variable fails here until it is
documented:

- every option of the option table (cli/options.c: each row's flag, its --no-
  form and its letter) is in dnsbl-scan(1) and in the bash and zsh completions;
- every check name (scanner/core/vocab.c) and output format is in the man page and
  both completions;
- every environment variable the C sources read (getenv) and every key variable
  of the default catalog (key_env) is in the man page's ENVIRONMENT;
- every reason word and JSON field of the README's tables is in the man page;
- every job-file key (the option rows' keys, and cli/jobfile.c's job-only ones) is
  in dnsbl-scan-job(5).
"""
import os
import re
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read(rel):
    with open(os.path.join(ROOT, rel), encoding='utf-8') as f:
        return f.read()


def table(src, start):
    """The text of the C initializer that begins at @start, up to its '};'."""
    at = src.index(start)
    return src[at:src.index('};', at)]


def option_rows():
    return table(read('cli/options.c'), 'cli_options[CLI_O_COUNT] = {')


def long_options():
    return re.findall(r'\.(?:flag|no) = "([a-z0-9-]+)"', option_rows())


def short_options():
    return re.findall(r"\.letter = '(.)'", option_rows())


def check_names():
    return re.findall(r'\{"([a-z-]+)", SCAN_CHECK_', read('scanner/core/vocab.c'))


def formats():
    m = re.search(r'#define CLI_FORMAT_WORDS (.*)', read('cli/options.h'))
    return re.findall(r'"([a-z]+)"', m.group(1))


def env_vars():
    names = set()
    for comp in ('cli', 'scanner', 'output', 'lists'):
        for d, _, files in os.walk(os.path.join(ROOT, comp)):
            for name in files:
                if name.endswith('.c'):
                    path = os.path.relpath(os.path.join(d, name), ROOT)
                    names |= set(re.findall(r'getenv\("([A-Z_]+)"\)', read(path)))
    names |= set(re.findall(r'key_env:\s*([A-Z0-9_]+)', read('lists/default.yaml')))
    return sorted(names)


def job_keys():
    """The keys of the option rows (JOB("alerts.delta", ...): "delta" in its
    mapping), then the keys only the job file has (cli/jobfile.c)."""
    keys = [k.split('.')[-1] for k in re.findall(r'JOB\("([a-z_.]+)",', option_rows())]
    src = read('cli/jobfile.c')
    for t in ('top_keys[] = {', 'pool_keys[] = {'):
        keys += re.findall(r'ONLY\("([a-z_]+)", J_', table(src, t))
    return keys


def readme_reasons():
    s = read('README.md')
    block = s[s.index('<!-- reasons:begin -->'):s.index('<!-- reasons:end -->')]
    return re.findall(r'^\| `([a-z-]+)` \|', block, re.M)


def readme_json_fields():
    """The DNSBL field table and the record checks' field column."""
    s = read('README.md')
    fields = []
    at = s.index('| field | type | meaning |')
    for line in s[at:].splitlines()[2:]:
        if not line.startswith('|'):
            break
        fields += re.findall(r'^\| `([a-z_]+)` \|', line)
    at = s.index('| check | targets | `status` | fields |')
    for line in s[at:].splitlines()[2:]:
        if not line.startswith('|'):
            break
        fields += re.findall(r'`([a-z_]+)`', line.split(' | ')[-1])
    return sorted(set(fields))


def mentions(text, word):
    """@word as a whole word (not part of a longer option or name)."""
    return re.search(r'(?<![\w-])' + re.escape(word) + r'(?![\w-])', text) is not None


def bold(scd, word):
    """@word set in bold in an scdoc page: *word* or inside *...*, *word*, ..."""
    return re.search(r'\*' + re.escape(word) + r'\*', scd) is not None


class Docs(unittest.TestCase):
    man = read('doc/dnsbl-scan.1.scd')
    job = read('doc/dnsbl-scan-job.5.scd')
    bash = read('dist/completion/dnsbl-scan.bash')
    zsh = read('dist/completion/_dnsbl-scan')
    # the words offered after `check` and `scan`
    bash_scan = re.search(r"_dnsbl_scan_scan_opts='([^']*)'", bash).group(1)
    zsh_scan = zsh[zsh.index('  scan_opts=('):zsh.index('  lists_opts=(')]

    def test_sources_parsed(self):
        # A refactor of the tables must not make this test vacuous.
        self.assertGreater(len(long_options()), 20)
        self.assertEqual(sorted(short_options()), ['c', 'h', 'o', 'w'])
        self.assertIn('spf-auth', check_names())
        self.assertIn('summary', formats())
        self.assertIn('NO_COLOR', env_vars())
        self.assertIn('SPAMHAUS_DQS_KEY', env_vars())
        self.assertIn('on_change_timeout', job_keys())
        self.assertIn('pools', job_keys())
        self.assertIn('targets', job_keys())
        self.assertIn('unhealthy', readme_reasons())
        self.assertIn('delist_url', readme_json_fields())
        self.assertIn('policy_domain', readme_json_fields())

    def test_every_option_documented_and_completed(self):
        opts = ['--' + o for o in long_options()] + ['-' + c for c in short_options()]
        for opt in opts:
            with self.subTest(option=opt):
                self.assertTrue(bold(self.man, opt), 'dnsbl-scan(1) lacks ' + opt)
                self.assertTrue(mentions(self.bash_scan, opt), 'the bash completion lacks ' + opt)
                self.assertTrue(mentions(self.zsh_scan, opt), 'the zsh completion lacks ' + opt)

    def test_every_check_and_format(self):
        for word in check_names() + ['all'] + formats():
            with self.subTest(word=word):
                self.assertTrue(bold(self.man, word), 'dnsbl-scan(1) lacks ' + word)
                if word == 'expand':
                    continue  # a result line's check, chosen by --expand, not a --checks word
                self.assertTrue(mentions(self.bash, word), 'the bash completion lacks ' + word)
                self.assertTrue(mentions(self.zsh, word), 'the zsh completion lacks ' + word)

    def test_every_command(self):
        for cmd in ('check', 'scan', 'lists', 'history'):
            with self.subTest(command=cmd):
                self.assertIn('*dnsbl-scan %s*' % cmd, self.man)
                self.assertTrue(mentions(self.bash, cmd))
                self.assertIn("'%s:" % cmd, self.zsh)

    def test_environment(self):
        env = self.man[self.man.index('# ENVIRONMENT'):self.man.index('# FILES')]
        for var in env_vars():
            with self.subTest(variable=var):
                self.assertTrue(bold(env, var), 'ENVIRONMENT in dnsbl-scan(1) lacks ' + var)

    def test_exit_codes(self):
        codes = self.man[self.man.index('# EXIT STATUS'):self.man.index('# ENVIRONMENT')]
        for code in ('0', '1', '2', '3'):
            self.assertIn('*%s*' % code, codes)

    def test_reasons(self):
        reasons = self.man[self.man.index('# REASONS'):self.man.index('# EXIT STATUS')]
        for word in readme_reasons():
            with self.subTest(reason=word):
                self.assertTrue(bold(reasons, word), 'REASONS in dnsbl-scan(1) lacks ' + word)

    def test_json_fields(self):
        for field in readme_json_fields():
            with self.subTest(field=field):
                self.assertTrue(bold(self.man, field), 'dnsbl-scan(1) lacks the field ' + field)

    def test_job_keys(self):
        for key in job_keys():
            with self.subTest(key=key):
                self.assertTrue(bold(self.job, key), 'dnsbl-scan-job(5) lacks ' + key)


if __name__ == '__main__':
    unittest.main(verbosity=2)
