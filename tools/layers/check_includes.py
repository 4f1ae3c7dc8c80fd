#!/usr/bin/env python3
"""The include check of the layers (meson.build runs it on every build).

Every .c and .h file under src/MODULE/ and include/aidflow/ belongs to one module (a public
header's module is given by --header NAME:MODULE). A file may include, with #include "...",
only headers of its own module and of the modules its --layer MODULE:BELOW,... line lists.
Anything else is printed as `file:line:column: includes X of module M, above or beside
MODULE (it may use: ...)` and the check fails (exit 1), failing the build. On success the
stamp file is written. --allow FILE:HEADER lets one known include through.
"""
import argparse
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--root', required=True)
    ap.add_argument('--stamp')
    ap.add_argument('--layer', action='append', default=[])
    ap.add_argument('--header', action='append', default=[])
    ap.add_argument('--allow', action='append', default=[])
    a = ap.parse_args()

    below = {}
    for spec in a.layer:
        m, _, deps = spec.partition(':')
        below[m] = {d for d in deps.split(',') if d}
    public = dict(spec.split(':', 1) for spec in a.header)
    allowed = {tuple(spec.split(':', 1)) for spec in a.allow}

    def module_of_header(name):
        """The module of an included name, or None when it is not one of ours."""
        if name.startswith('aidflow/'):
            return public.get(name[len('aidflow/'):], '?')
        first = name.split('/', 1)[0]
        return first if '/' in name and first in below else None

    files = []
    for top, module_of in (('src', lambda rel: rel.split('/')[1]),
                           ('include/aidflow', lambda rel: public.get(os.path.basename(rel), '?'))):
        for dirpath, _, names in os.walk(os.path.join(a.root, top)):
            for n in sorted(names):
                if n.endswith(('.c', '.h')):
                    rel = os.path.relpath(os.path.join(dirpath, n), a.root)
                    files.append((rel, module_of(rel)))
    if not files:
        print(f'{a.root}: no source files found under src/ and include/aidflow/', file=sys.stderr)
        return 1

    bad = 0
    for rel, mod in sorted(files):
        if mod == '?' or mod not in below:
            print(f'{rel}:1:1: belongs to no layer (expected a module of meson.build\'s `layers`'
                  f' or a header listed in `public_header_layer`)', file=sys.stderr)
            bad += 1
            continue
        with open(os.path.join(a.root, rel), encoding='utf-8', errors='replace') as f:
            for lineno, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                name = m.group(1)
                target = module_of_header(name)
                if target is None or target == mod or target in below[mod]:
                    continue
                if (rel, name) in allowed:
                    continue
                col = line.index('#') + 1
                may = ', '.join(sorted(below[mod])) or 'nothing else'
                print(f'{rel}:{lineno}:{col}: includes "{name}" of module {target}, above or beside'
                      f' {mod} (expected a header of {mod} or of: {may})', file=sys.stderr)
                bad += 1
    if bad:
        print(f'layer include check: {bad} include(s) across the layers', file=sys.stderr)
        return 1
    if a.stamp:
        with open(a.stamp, 'w') as f:
            f.write(f'{len(files)} files checked\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
