#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Embed a text file as a C byte array: embed.py INPUT OUTPUT SYMBOL."""
import sys

src, dst, sym = sys.argv[1:4]
data = open(src, 'rb').read()
with open(dst, 'w') as f:
    f.write('/* generated from %s by lists/embed.py: do not edit */\n#include <stddef.h>\n' % src.split('/')[-1])
    f.write('const char %s[] = {\n' % sym)
    for i in range(0, len(data), 16):
        f.write(''.join('%d,' % b for b in data[i:i + 16]) + '\n')
    f.write('0};\nconst size_t %s_len = %d;\n' % (sym, len(data)))
