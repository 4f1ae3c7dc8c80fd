#!/usr/bin/python3
"""`meson install` into a temporary DESTDIR, then use what it put there as a user would.

Checks that the layout holds the program, the shared library, every public header, the
pkg-config file, the bundled scenarios and the docs; that the library exports exactly the
functions the public headers mark AF_API; that a C program built with
`pkg-config --cflags --libs aidflow` runs a bundled scenario and gets the same metrics as the
installed `aidflow run NAME` found through AIDFLOW_SCENARIO_PATH; and that every installed
scenario (those with `extends:` too) loads from the installed folder.

usage: test_install.py MESON BUILD_DIR SOURCE_DIR PREFIX BINDIR LIBDIR INCLUDEDIR DATADIR SANITIZE
"""
import glob
import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        sys.exit(f"FAIL: {shlex.join(cmd)} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p.stdout


def need(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)


def main():
    meson, build, src, prefix, bindir, libdir, incdir, datadir, sanitize = sys.argv[1:10]
    tmp = tempfile.mkdtemp(prefix="af_install_")
    try:
        run([meson, "install", "-C", build, "--no-rebuild", "--quiet", "--destdir", tmp])
        root = tmp + prefix
        at = lambda d: os.path.join(root, d)

        # The layout.
        aidflow = os.path.join(at(bindir), "aidflow")
        need(os.access(aidflow, os.X_OK), "bin/aidflow installed")
        need(os.path.exists(os.path.join(at(libdir), "libaidflow.so")), "libaidflow.so installed")
        headers = sorted(os.path.basename(h) for h in glob.glob(f"{src}/include/aidflow/*.h"))
        need(len(headers) > 10, f"found the public headers ({len(headers)})")
        for h in headers:
            need(os.path.exists(os.path.join(at(incdir), "aidflow", h)), f"header {h} installed")
        pc = os.path.join(at(libdir), "pkgconfig", "aidflow.pc")
        need(os.path.exists(pc), "aidflow.pc installed")
        scn_dir = os.path.join(at(datadir), "aidflow", "scenarios")
        bundled = sorted(os.path.relpath(p, f"{src}/scenarios")
                         for p in glob.glob(f"{src}/scenarios/*.yaml") +
                         glob.glob(f"{src}/scenarios/examples/*.yaml"))
        need(len(bundled) >= 5 and "default.yaml" in bundled, f"found the bundled scenarios {bundled}")
        for s in bundled + ["README.md"]:
            need(os.path.exists(os.path.join(scn_dir, s)), f"scenario {s} installed")
        for d in ["README.md", "DESIGN.md", "OUTPUTS.md"]:
            need(os.path.exists(os.path.join(at(datadir), "doc", "aidflow", d)), f"doc {d} installed")

        py = glob.glob(os.path.join(root, "**", "aidflow", "_paths.py"), recursive=True)
        need(len(py) == 1, f"the Python module's _paths.py installed once: {py}")
        need(os.path.exists(os.path.join(os.path.dirname(py[0]), "__init__.py")), "the Python module")
        libdir_said = open(py[0]).read()
        need(f'LIBDIR = "{os.path.join(prefix, libdir)}"' in libdir_said, f"_paths.py: {libdir_said}")

        # Exactly the AF_API functions are exported.
        declared = set()
        for h in glob.glob(f"{src}/include/aidflow/*.h"):
            text = re.sub(r"/\*.*?\*/", "", open(h).read(), flags=re.S)
            text = re.sub(r"^#.*$", "", text, flags=re.M)
            declared |= set(re.findall(r"\bAF_API\b[^;{]*?\b(\w+)\s*\(", text, flags=re.S))
        need(len(declared) > 50, f"found the AF_API declarations ({len(declared)})")
        nm = run(["nm", "-D", "--defined-only", os.path.join(at(libdir), "libaidflow.so")])
        exported = {line.split()[-1] for line in nm.splitlines()
                    if len(line.split()) == 3 and line.split()[1] in "TDBRW"}
        exported -= {"_init", "_fini", "__bss_start", "_edata", "_end"}  # the linker's own
        need(exported == declared,
             f"exported == AF_API: only exported {sorted(exported - declared)}, "
             f"only declared {sorted(declared - exported)}")

        # A C program built with pkg-config against the installed tree.
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pc), PKG_CONFIG_SYSROOT_DIR=tmp,
                   LD_LIBRARY_PATH=at(libdir))
        flags = shlex.split(run(["pkg-config", "--cflags", "--libs", "aidflow"], env=env))
        need(any(f.startswith("-I" + tmp) for f in flags), f"pkg-config points into the tree: {flags}")
        san = [f"-fsanitize={sanitize}"] if sanitize not in ("", "none") else []
        exe = os.path.join(tmp, "consumer")
        cc = shlex.split(os.environ.get("CC", "cc"))
        run(cc + ["-std=c17", "-Wall", "-Wextra", "-Werror", *san, "-o", exe,
                  f"{src}/tests/install/consumer.c", *flags], env=env)
        got = run([exe, os.path.join(scn_dir, "default.yaml")], env=env).splitlines()
        need(got[0].startswith("aidflow "), f"consumer's first line: {got[0]}")
        lib_metrics = {k: float(v) for k, v in (line.split() for line in got[1:])}

        # The installed program finds the bundled scenario by its bare name.
        work = os.path.join(tmp, "work")
        os.mkdir(work)
        env_run = dict(os.environ, AIDFLOW_SCENARIO_PATH=scn_dir)
        run([aidflow, "run", "default", "--replications", "1", "--jobs", "1", "--quiet",
             "--out", "out"], cwd=work, env=env_run)
        summary = json.load(open(os.path.join(work, "out", "summary.json")))
        need(summary["scenario"]["file"] == os.path.join(scn_dir, "default.yaml"),
             f"provenance names the file found: {summary['scenario']['file']}")
        cli_metrics = summary["per_replication"][0]["metrics"]
        need(list(cli_metrics) == list(lib_metrics), "the same metrics in the same order")
        for k, v in cli_metrics.items():
            w = lib_metrics[k]
            need((v is None and math.isnan(w)) or v == w, f"{k}: CLI {v}, library {w}")

        # Every installed scenario loads from there, extends: chains included.
        out = run([aidflow, "validate"] + [os.path.join(scn_dir, s) for s in bundled], env=env_run)
        need(out.count("\n") >= len(bundled), "validate summarised every scenario")
        run([aidflow, "show", "--hash", "examples/what_if_no_zikim"], cwd=work, env=env_run)

        # A name found nowhere: exit 2 and the places looked.
        p = subprocess.run([aidflow, "run", "no_such_scenario"], cwd=work, env=env_run,
                           capture_output=True, text=True)
        need(p.returncode == 2, f"unknown name exits 2, got {p.returncode}")
        need(scn_dir in p.stderr and "no_such_scenario.yaml" in p.stderr,
             f"the error lists where it looked: {p.stderr}")
        print(f"install: {len(bundled)} scenarios, {len(headers)} headers, {len(exported)} exported "
              f"functions, {len(cli_metrics)} metrics equal")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
