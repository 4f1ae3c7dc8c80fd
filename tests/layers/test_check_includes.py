#!/usr/bin/env python3
"""The layer include check (tools/layers/check_includes.py) on small trees made here: it
passes a tree that keeps to its layers, and fails, naming file:line:column, on an include of
a higher module's internal header, of a higher module's public header, and of a file that
belongs to no layer; --allow lets one named include through.

usage: test_check_includes.py CHECKER
"""
import os
import subprocess
import sys
import tempfile

LAYERS = ['--layer=base:', '--layer=engine:base', '--layer=report:engine,base',
          '--header=error.h:base', '--header=stats.h:engine', '--header=report.h:report']


def tree(root, files):
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(text)


def run(checker, root, extra=()):
    p = subprocess.run([sys.executable, checker, '--root', root, *LAYERS, *extra],
                       capture_output=True, text=True)
    return p.returncode, p.stderr


def main():
    checker = sys.argv[1]
    failures = 0

    def expect(cond, what):
        nonlocal failures
        if not cond:
            print('FAIL:', what)
            failures += 1

    good = {
        'include/aidflow/error.h': '',
        'include/aidflow/stats.h': '#include "aidflow/error.h"\n',
        'include/aidflow/report.h': '#include "aidflow/stats.h"\n',
        'src/base/buf.h': '#include "aidflow/error.h"\n#include <stdio.h>\n',
        'src/engine/stats.c': '#include "aidflow/stats.h"\n#include "base/buf.h"\n',
        'src/report/page.c': '#include "report/page.h"\n#include "base/buf.h"\n#include "aidflow/stats.h"\n',
        'src/report/page.h': '',
    }
    with tempfile.TemporaryDirectory() as root:
        tree(root, good)
        rc, err = run(checker, root)
        expect(rc == 0, f'a tree that keeps to its layers passes (rc {rc}: {err})')

        tree(root, {'src/engine/up.c': '/* x */\n  #include "report/page.h"\n#include "aidflow/report.h"\n'})
        rc, err = run(checker, root)
        expect(rc == 1, 'an include up the layers fails the check')
        expect('src/engine/up.c:2:3: includes "report/page.h" of module report' in err,
               f'the internal header is named with its place: {err}')
        expect('src/engine/up.c:3:1: includes "aidflow/report.h" of module report' in err,
               f'the public header is named with its place: {err}')
        rc, err = run(checker, root, ['--allow=src/engine/up.c:report/page.h',
                                      '--allow=src/engine/up.c:aidflow/report.h'])
        expect(rc == 0, f'--allow lets the named includes through ({err})')
        os.remove(os.path.join(root, 'src/engine/up.c'))

        tree(root, {'src/base/down.c': '#include "aidflow/stats.h"\n'})
        rc, err = run(checker, root)
        expect(rc == 1 and 'src/base/down.c:1:1:' in err, f'base may use nothing above it: {err}')
        os.remove(os.path.join(root, 'src/base/down.c'))

        tree(root, {'src/stray/x.c': ''})
        rc, err = run(checker, root)
        expect(rc == 1 and 'src/stray/x.c:1:1: belongs to no layer' in err,
               f'a folder outside the layers is an error: {err}')
        os.remove(os.path.join(root, 'src/stray/x.c'))

        stamp = os.path.join(root, 'stamp')
        rc, err = run(checker, root, ['--stamp', stamp])
        expect(rc == 0 and os.path.exists(stamp), 'the stamp is written on success')

    with tempfile.TemporaryDirectory() as empty:
        rc, err = run(checker, empty)
        expect(rc == 1 and 'no source files' in err, 'an empty tree is an error, not a pass')

    print('%d failure(s)' % failures)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
