#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The rooms of the tree form the tree the build declares.

Each component folder (scanner/core, scanner/dns, ..., output/writers, ..., cli) builds one
static library in its meson.build, naming the components it is built on
(`dependencies: [core_dep, dns_dep, ...]`). This test reads those declarations and checks
that every `#include "x/y.h"` of a component's files points into the component itself or
into one it names (directly or through what that names), that the declared graph has no
cycle, and that the libraries only a few rooms may use stay in those rooms (the rules the
folders' README files state). Run by `meson test --suite layout`."""
import os
import re
import sys
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))

# Third-party headers and the only rooms that may include them (README of each folder).
CONFINED = {
    'ares.h': {'scanner/dns'},         # c-ares: the resolver core only
    'curl/curl.h': {'scanner/dns'},    # libcurl: the HTTPS fetch only
    'sqlite3.h': {'output/store', 'output/report'},  # the store, and the report reading it
    'ldns/ldns.h': {'scanner/checks'},  # DNSSEC validation
    'libpsl.h': {'scanner/core'},
}
# Calls that do I/O or read the environment, and the pure rooms where they must not appear.
PURE_ROOMS = {'scanner/checks', 'scanner/core'}
IMPURE = re.compile(r'\b(fopen|socket|connect|getenv|fork|execv\w*|popen|system)\s*\(')
# Known, commented exceptions: file -> why.
IMPURE_OK = {
    'scanner/checks/dnssec.c': 'reads the trust-anchor file once, at set-up (scan_dnssec_new)',
    'scanner/core/yamlload.c': 'reads a YAML file for the catalog and the job file loaders',
}


def aliases():
    """Dependencies that only gather others (scanner_dep, output_dep): name -> names."""
    out = {}
    for d in ('scanner', 'output'):
        text = open(os.path.join(ROOT, d, 'meson.build')).read()
        for name, body in re.findall(r'^(\w+)_dep = (.*)$', text, re.M):
            out[name] = set(re.findall(r'(\w+)_dep', body))
    return out


def components():
    """{folder: set of component names it declares} and {name: folder}."""
    comps, names, alias = {}, {}, aliases()
    for d, _, files in os.walk(ROOT):
        rel = os.path.relpath(d, ROOT)
        if rel.startswith(('build', 'tests', '.git', 'debian')) or 'meson.build' not in files:
            continue
        text = open(os.path.join(d, 'meson.build')).read()
        m = re.search(r"^(\w+)_lib = static_library\('(\w+)'", text, re.M)
        if not m:
            continue
        deps = re.search(r"static_library\(.*?dependencies: \[([^\]]*)\]", text, re.S)
        own = set(re.findall(r'(\w+)_dep', deps.group(1))) if deps else set()
        while own & set(alias):
            a = (own & set(alias)).pop()
            own = (own - {a}) | alias[a]
        comps[rel] = own
        names[m.group(1)] = rel
    return comps, names


def closure(folder, comps, names, seen=None):
    seen = set() if seen is None else seen
    for n in comps[folder]:
        f = names.get(n)
        if f and f not in seen:
            seen.add(f)
            closure(f, comps, names, seen)
    return seen


def sources(folder):
    d = os.path.join(ROOT, folder)
    for f in sorted(os.listdir(d)):
        if f.endswith(('.c', '.h')):
            yield os.path.join(folder, f), open(os.path.join(d, f), errors='replace').read()


class Layers(unittest.TestCase):
    comps, names = components()

    def test_the_components_are_found(self):
        # A change to the meson files must not make this test vacuous.
        for f in ('scanner/core', 'scanner/dns', 'scanner/checks', 'scanner/engine',
                  'output/writers', 'output/store', 'cli'):
            self.assertIn(f, self.comps)

    def test_no_cycle(self):
        for f in self.comps:
            self.assertNotIn(f, closure(f, self.comps, self.names), f + ' depends on itself')

    def test_includes_stay_inside_the_declared_tree(self):
        for folder in self.comps:
            allowed = closure(folder, self.comps, self.names) | {folder}
            for path, text in sources(folder):
                for inc in re.findall(r'^#include "([^"]+)"', text, re.M):
                    room = os.path.dirname(inc)
                    if room not in self.comps:
                        continue  # generated or local headers
                    with self.subTest(file=path, include=inc):
                        self.assertIn(room, allowed, '%s includes %s, but %s does not name %s '
                                      'in its meson.build' % (path, inc, folder, room))

    def test_confined_libraries(self):
        for folder in self.comps:
            for path, text in sources(folder):
                for inc in re.findall(r'^#include <([^>]+)>', text, re.M):
                    if inc in CONFINED:
                        with self.subTest(file=path, include=inc):
                            self.assertIn(folder, CONFINED[inc], path + ' includes ' + inc)

    def test_pure_rooms_do_no_io(self):
        for folder in PURE_ROOMS:
            for path, text in sources(folder):
                if path in IMPURE_OK:
                    continue
                code = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
                with self.subTest(file=path):
                    self.assertIsNone(IMPURE.search(code), path)


if __name__ == '__main__':
    unittest.main(verbosity=2)
