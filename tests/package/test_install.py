#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`meson install --destdir` from the build under test, then everything an
installed dnsbl-scan brings, checked where it landed:

- the file list (binary, man pages, completion, units, sysusers/tmpfiles,
  examples; the check_rbl link);
- the man pages: mandoc -Tlint and man --warnings;
- the units: systemd-analyze verify, and systemd-analyze security at or
  below 2.0 ("OK"); the sysusers.d user and the tmpfiles.d folder applied to a
  scratch root;
- bash and zsh completion, run as the shells run them;
- the example job file, the Nagios command line and the Icinga 2
  CheckCommand, each run against the local DNS world.

Needs the build folder in MESON_BUILD_ROOT (set by tests/meson.build). A tool
that is missing skips its part with a message; debian-packages.txt installs
them all for CI.
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'integration'))
import checks  # noqa: E402
from checks import have, run  # noqa: E402

BUILD = os.environ.get('MESON_BUILD_ROOT',
                       os.path.join(os.path.dirname(os.path.dirname(HERE)), 'build'))


def build_options():
    p = run(['meson', 'introspect', '--buildoptions', BUILD])
    return {o['name']: o['value'] for o in json.loads(p.stdout)}


class Install(checks.InstalledTree, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dest = tempfile.mkdtemp(prefix='dnsbl-install-')
        p = run(['meson', 'install', '-C', BUILD, '--no-rebuild', '--quiet',
                 '--destdir', cls.dest], timeout=300)
        if p.returncode != 0:
            shutil.rmtree(cls.dest, ignore_errors=True)
            raise RuntimeError('meson install failed:\n' + p.stdout + p.stderr)
        cls.opts = build_options()
        cls.prefix = cls.opts['prefix']
        cls.files = set()
        for d, _, files in os.walk(cls.dest):
            for f in files:
                cls.files.add(os.path.join(d, f)[len(cls.dest):])
        cls.world = None
        # For checks.InstalledTree: where things landed.
        cls.tree = cls.dest
        cls.bindir = os.path.join(cls.prefix, cls.opts['bindir'])
        cls.mandir = os.path.join(cls.prefix, cls.opts['mandir'])
        cls.man_pages = [p for p in cls.files if re.search(r'/man[15]/dnsbl-scan', p)]
        cls.service = checks.find(cls.dest, '/dnsbl-scan.service')
        cls.timer = checks.find(cls.dest, '/dnsbl-scan.timer')
        cls.sysusers = checks.find(cls.dest, '/sysusers.d/dnsbl-scan.conf')
        cls.tmpfiles = checks.find(cls.dest, '/tmpfiles.d/dnsbl-scan.conf')
        cls.bash_script = checks.find(cls.dest, '/completions/dnsbl-scan')
        cls.zsh_folder = os.path.dirname(checks.find(cls.dest, '/_dnsbl-scan'))

    @classmethod
    def tearDownClass(cls):
        if cls.world:
            cls.world.stop()
        shutil.rmtree(cls.dest, ignore_errors=True)

    def path(self, suffix):
        return checks.find(self.dest, suffix)

    def test_file_list(self):
        want = ['/bin/dnsbl-scan', '/man1/dnsbl-scan.1', '/man5/dnsbl-scan-job.5',
                '/completions/dnsbl-scan', '/_dnsbl-scan',
                '/systemd/system/dnsbl-scan.service', '/systemd/system/dnsbl-scan.timer',
                '/sysusers.d/dnsbl-scan.conf', '/tmpfiles.d/dnsbl-scan.conf',
                '/doc/dnsbl-scan/README.md', '/examples/job.yaml',
                '/examples/icinga2-dnsbl-scan.conf', '/examples/nagios-dnsbl-scan.cfg',
                '/hooks/dnsbl_hook.py', '/hooks/json-webhook', '/hooks/mail-sendmail',
                '/hooks/slack-webhook', '/bin/check_rbl']
        if not self.opts.get('man') or not have('scdoc'):
            want = [w for w in want if '/man' not in w]
        print('installed under %s:\n  %s' % (self.prefix, '\n  '.join(sorted(self.files))))
        for suffix in want:
            with self.subTest(file=suffix):
                self.path(suffix)
        self.assertEqual(len(self.files), len(want), 'unexpected files: %r' % sorted(self.files))
        self.assertEqual(self.path('/bin/dnsbl-scan'),
                         os.path.join(self.prefix, self.opts['bindir'], 'dnsbl-scan'))
        self.assertTrue(os.path.isdir(self.dest + os.path.join(
            self.prefix, self.opts['sysconfdir'], 'dnsbl-scan')), 'the job file folder')
        # the check_rbl drop-in: a link to the program beside it
        link = self.dest + os.path.join(self.prefix, self.opts['bindir'], 'check_rbl')
        self.assertTrue(os.path.islink(link), link)
        self.assertEqual(os.readlink(link), 'dnsbl-scan')
        p = run([link, '--version'])
        self.assertEqual(p.returncode, 3, p.stdout)  # a plugin's --version is UNKNOWN
        self.assertTrue(p.stdout.startswith('check_rbl (dnsbl-scan '), p.stdout)

    # --- the examples, against the local DNS world -------------------------------

    @classmethod
    def the_world(cls):
        if cls.world is None:
            import harness
            cls.world = harness.World()
        return cls.world

    def binary(self):
        return self.dest + self.path('/bin/dnsbl-scan')

    def test_example_job_file(self):
        w = self.the_world()
        job = self.dest + self.path('/examples/job.yaml')
        with tempfile.TemporaryDirectory() as tmp:
            p = run([self.binary(), 'scan', '--config', job, '--resolver', w.resolver,
                     '--rate', '0', '--state', tmp + '/state.db', '--delta', tmp + '/delta.json',
                     '--format', 'json'])
            # A first run is a silent baseline: 0, or 3 if some verdict stayed open.
            self.assertIn(p.returncode, (0, 3), p.stderr)
            self.assertTrue(os.path.exists(tmp + '/delta.json'))
            targets = {json.loads(l)['target'] for l in p.stdout.splitlines()
                       if l.startswith('{') and json.loads(l).get('target')}
            self.assertIn('192.0.2.10', targets)
            self.assertIn('example.com', targets)

    def test_nagios_command_definition(self):
        w = self.the_world()
        with open(self.dest + self.path('/examples/nagios-dnsbl-scan.cfg')) as f:
            cfg = f.read()
        line = re.search(r'^\s*command_line\s+(.*)$', cfg, re.M).group(1)
        self.assertTrue(line.startswith(os.path.join(self.prefix, self.opts['bindir'])))
        # Nagios runs the command line through /bin/sh after replacing its macros.
        line = line.replace('$ARG1$', '--warning 1 --critical 2 --resolver %s --rate 0' % w.resolver)
        line = line.replace('$HOSTADDRESS$', '192.0.2.10')
        line = self.dest + line
        p = run(['sh', '-c', line])
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertRegex(p.stdout, r'^DNSBL CRITICAL - (\S+: )?\d+ listings .*\| servers=\d+;\S* listed=')

    def test_icinga2_check_command(self):
        w = self.the_world()
        with open(self.dest + self.path('/examples/icinga2-dnsbl-scan.conf')) as f:
            conf = f.read()
        argv = re.findall(r'"([^"]*)"', re.search(r'command = \[([^\]]*)\]', conf).group(1))
        self.assertEqual(argv[0], os.path.join(self.prefix, self.opts['bindir'], 'dnsbl-scan'))
        # Icinga 2 builds the command line from `arguments`: each key with its
        # value when the value's custom variable is set, repeat_key for arrays,
        # skip_key for positional ones, in `order`.
        host_vars = {'dnsbl_scan_warning': '1', 'dnsbl_scan_critical': '1',
                     'dnsbl_scan_resolvers': [w.resolver], 'dnsbl_scan_rate': '0',
                     'address': '192.0.2.10'}
        defaults = dict(re.findall(r'^\s*vars\.(\w+) = "\$(\w+)\$"', conf, re.M))
        args = []
        for key, body in re.findall(r'"([^"]+)" = \{(.*?)\n    \}', conf, re.S):
            var = re.search(r'value = "\$(\w+)\$"', body).group(1)
            value = host_vars.get(var, host_vars.get(defaults.get(var, ''), None))
            if value is None:
                continue
            order = int(re.search(r'order = (-?\d+)', body).group(1)) if 'order =' in body else 0
            for v in (value if isinstance(value, list) else [value]):
                args.append((order, [v] if 'skip_key = true' in body else [key, v]))
        argv = [self.dest + argv[0]] + argv[1:]
        for _, a in sorted(args, key=lambda t: t[0]):
            argv += a
        p = run(argv)
        self.assertEqual(p.returncode, 2, '%s\n%s%s' % (shlex.join(argv), p.stdout, p.stderr))
        self.assertTrue(p.stdout.startswith('DNSBL CRITICAL - '), p.stdout)


if __name__ == '__main__':
    unittest.main(verbosity=2)
