"""aidflow from Python: load a scenario, run replications, get the tables as pandas DataFrames.

A thin ctypes binding of the shared libaidflow (the same code as the `aidflow` program, so the
same scenario, overrides and seed give the same numbers as `aidflow run`):

    import aidflow
    scn = aidflow.Scenario.load("default", overrides={"inspections.nitzana.lanes": 8})
    run = scn.run(replications=10, jobs=2)
    run.daily()      # daily.csv as a DataFrame: run_id, replication, day, date, region, category, ...
    run.stations()   # stations.csv
    run.metrics()    # every replication's metrics: replication, seed, metric, value
    run.summary()    # per metric: mean, sd, ci_low, ci_high, n (summary.json's "metrics")

Mistakes in a scenario or an override raise aidflow.ScenarioError, whose text is the
compiler-style `file:line:col: error: ...` the command line prints.

The library is found through $AIDFLOW_LIB (a path to libaidflow.so), else the libdir the
module was installed with, else the system's library path. Needs Debian's python3-numpy and
python3-pandas.
"""
import ctypes
import ctypes.util
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

__all__ = ["Error", "ScenarioError", "Scenario", "Run", "library", "version"]

DAILY_COLUMNS = ["trucks_delivered", "tonnes_delivered", "need_tonnes", "consumed_tonnes",
                 "unmet_tonnes", "stock_tonnes"]
# After coverage in daily.csv: hours from first dispatch to entry and to delivery.
TIME_COLUMNS = ["dispatch_to_entry_mean_h", "dispatch_to_entry_p95_h",
                "dispatch_to_delivery_mean_h", "dispatch_to_delivery_p95_h"]
# After those in daily.csv: the day's counting bases (docs/OUTPUTS.md).
BASIS_COLUMNS = ["trucks_inspected", "trucks_entered", "trucks_offloaded", "trucks_collected",
                 "tonnes_distributed"]
STATION_COLUMNS = ["arrivals", "served", "flagged", "rejected", "blocked", "queue_mean",
                   "queue_midnight", "wait_mean_min", "utilisation", "open_hours"]
_AF_OK = 0
_AF_NOMEM = 1
_AF_NOTFOUND = 7


class Error(Exception):
    """A failure reported by libaidflow; `status` is its af_status name (e.g. "AF_IO")."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class ScenarioError(Error):
    """A scenario or override that does not load: the text holds every `file:line:col: ...`."""


_lib = None
_lib_lock = threading.Lock()


def _candidates():
    env = os.environ.get("AIDFLOW_LIB")
    if env:
        return [env]
    found = []
    try:
        from . import _paths  # written by `meson install`
        found.append(os.path.join(_paths.LIBDIR, "libaidflow.so." + _paths.SOVERSION))
    except ImportError:
        pass
    name = ctypes.util.find_library("aidflow")
    if name:
        found.append(name)
    return found


def _declare(lib):
    c = ctypes
    P, S, D, U64, I = c.c_void_p, c.c_size_t, c.c_double, c.c_uint64, c.c_int
    DP = c.POINTER(c.c_double)
    sigs = {
        "af_version": ([], c.c_char_p),
        "af_status_name": ([I], c.c_char_p),
        "af_free": ([P], None),
        "af_error_size": ([], S),
        "af_error_message": ([P], c.c_char_p),
        "af_diagnostics_create": ([S], P),
        "af_diagnostics_destroy": ([P], None),
        "af_diagnostics_text": ([P], P),
        "af_scenario_load": ([c.c_char_p, c.POINTER(c.c_char_p), S, c.POINTER(P), P], I),
        "af_scenario_load_buffer": ([c.c_char_p, c.c_char_p, S, c.POINTER(c.c_char_p), S,
                                     c.c_uint, c.POINTER(P), P], I),
        "af_scenario_free": ([P], None),
        "af_scenario_find": ([c.c_char_p, c.c_char_p, c.c_char_p, S, P], I),
        "af_scenario_install_dir": ([], c.c_char_p),
        "af_scenario_hash": ([P], U64),
        "af_scenario_name": ([P], c.c_char_p),
        "af_scenario_seed": ([P], U64),
        "af_scenario_replications": ([P], c.c_uint),
        "af_scenario_confidence": ([P], D),
        "af_scenario_horizon_days": ([P], I),
        "af_scenario_n_regions": ([P], S),
        "af_scenario_n_categories": ([P], S),
        "af_scenario_region_name": ([P, S], c.c_char_p),
        "af_scenario_category_name": ([P, S], c.c_char_p),
        "af_scenario_date": ([P, I, c.c_char_p], None),
        "af_model_run_daily": ([P, U64, c.c_uint, P, c.POINTER(P), P], I),
        "af_result_free": ([P], None),
        "af_result_seed": ([P], U64),
        "af_result_replication": ([P], c.c_uint),
        "af_result_n_days": ([P], I),
        "af_result_n_regions": ([P], S),
        "af_result_n_categories": ([P], S),
        "af_result_n_stations": ([P], S),
        "af_result_station_name": ([P, S], c.c_char_p),
        "af_result_bottleneck": ([P], S),
        "af_result_n_metrics": ([P], S),
        "af_result_metric_name": ([P, S], c.c_char_p),
        "af_result_metric_value": ([P, S], D),
        "af_result_daily_values": ([P, DP, S], S),
        "af_result_station_values": ([P, DP, S], S),
        "af_summarise_metric_values": ([c.POINTER(P), S, S, D, DP], None),
    }
    for name, (args, res) in sigs.items():
        f = getattr(lib, name)
        f.argtypes = args
        f.restype = res
    return lib


def library():
    """The loaded libaidflow (ctypes.CDLL), loading it on first use."""
    global _lib
    with _lib_lock:
        if _lib is None:
            tried = []
            for path in _candidates():
                try:
                    _lib = _declare(ctypes.CDLL(path))
                    break
                except OSError as e:
                    tried.append(f"{path} ({e})")
            if _lib is None:
                raise Error("cannot load libaidflow: set AIDFLOW_LIB to the path of libaidflow.so"
                            + (f"; tried {', '.join(tried)}" if tried else ""))
        return _lib


def version():
    """The library's version, as `aidflow version` prints it."""
    return library().af_version().decode()


def _status_name(st):
    return library().af_status_name(st).decode()


class _ErrorBuf:
    def __init__(self):
        self.buf = ctypes.create_string_buffer(library().af_error_size())

    @property
    def ptr(self):
        return ctypes.cast(self.buf, ctypes.c_void_p)

    def message(self):
        return library().af_error_message(self.ptr).decode(errors="replace")


def _overrides(overrides):
    """A dict {path: value} or a list of "path=value" as the C array the loader takes."""
    if overrides is None:
        items = []
    elif isinstance(overrides, dict):
        items = [f"{k}={_text(v)}" for k, v in overrides.items()]
    elif isinstance(overrides, str):
        items = [overrides]
    else:
        items = list(overrides)
    arr = (ctypes.c_char_p * max(len(items), 1))(*[s.encode() for s in items])
    return arr, len(items)


def _text(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _load(call):
    lib = library()
    diags = lib.af_diagnostics_create(0)
    if not diags:
        raise MemoryError("out of memory")
    out = ctypes.c_void_p()
    try:
        st = call(ctypes.byref(out), diags)
        if st != _AF_OK:
            if st == _AF_NOMEM:
                raise MemoryError("out of memory loading a scenario")
            p = lib.af_diagnostics_text(diags)
            text = ctypes.string_at(p).decode(errors="replace") if p else ""
            lib.af_free(p)
            raise ScenarioError(text.rstrip("\n") or _status_name(st), _status_name(st))
    finally:
        lib.af_diagnostics_destroy(diags)
    return out


class Scenario:
    """A loaded, checked scenario (extends and overrides applied). Immutable."""

    def __init__(self, handle, source):
        self._h = handle
        self.source = source  # the file it came from, or the name given to its text

    @staticmethod
    def find(name, search_path=None):
        """The path of scenario `name` as `aidflow run NAME` finds it: NAME as a file, else
        NAME.yaml in the current folder, $AIDFLOW_SCENARIO_PATH, the installed scenarios."""
        lib = library()
        if search_path is None:
            search_path = os.environ.get("AIDFLOW_SCENARIO_PATH")
        buf = ctypes.create_string_buffer(4096)
        err = _ErrorBuf()
        st = lib.af_scenario_find(name.encode(), search_path.encode() if search_path else None,
                                  buf, len(buf), err.ptr)
        if st != _AF_OK:
            raise Error(err.message(), _status_name(st))
        return buf.value.decode()

    @classmethod
    def load(cls, path, overrides=None):
        """Loads a scenario file, or a bundled scenario by name ("default"), applying overrides
        (a dict {path: value} or a list of "path=value", as `--set`)."""
        path = cls.find(os.fspath(path))
        arr, n = _overrides(overrides)
        h = _load(lambda out, d: library().af_scenario_load(path.encode(), arr, n, out, d))
        return cls(h, path)

    @classmethod
    def from_text(cls, text, name="<text>", overrides=None, allow_files=False):
        """Loads a scenario from YAML text. `name` is what errors call it and the folder that
        `extends:` paths are relative to; extends is refused unless allow_files."""
        data = text.encode() if isinstance(text, str) else bytes(text)
        arr, n = _overrides(overrides)
        flags = 0 if allow_files else 1  # AF_LOAD_NO_FILES
        h = _load(lambda out, d: library().af_scenario_load_buffer(
            name.encode(), data, len(data), arr, n, flags, out, d))
        return cls(h, name)

    def __del__(self):
        h, self._h = getattr(self, "_h", None), None
        if h and _lib is not None:
            _lib.af_scenario_free(h)

    def _str(self, fn, *args):
        v = getattr(library(), fn)(self._h, *args)
        return v.decode() if v is not None else None

    name = property(lambda self: self._str("af_scenario_name"))
    seed = property(lambda self: library().af_scenario_seed(self._h))
    replications = property(lambda self: library().af_scenario_replications(self._h))
    confidence = property(lambda self: library().af_scenario_confidence(self._h))
    horizon_days = property(lambda self: library().af_scenario_horizon_days(self._h))
    hash = property(lambda self: f"{library().af_scenario_hash(self._h):016x}")

    @property
    def regions(self):
        return [self._str("af_scenario_region_name", i)
                for i in range(library().af_scenario_n_regions(self._h))]

    @property
    def categories(self):
        return [self._str("af_scenario_category_name", i)
                for i in range(library().af_scenario_n_categories(self._h))]

    def dates(self):
        """The ISO dates of the reported days, day 1 first."""
        buf = ctypes.create_string_buffer(11)
        out = []
        for d in range(self.horizon_days):
            library().af_scenario_date(self._h, d, buf)
            out.append(buf.value.decode())
        return out

    def run(self, replications=None, seed=None, jobs=1):
        """Runs replications 0..N-1 (default: the scenario's) with `seed` (default: the
        scenario's) on `jobs` threads; the result does not depend on jobs."""
        n = self.replications if replications is None else int(replications)
        n = max(n, 1)
        s = self.seed if seed is None else int(seed)
        lib = library()

        def one(rep):
            out = ctypes.c_void_p()
            err = _ErrorBuf()
            st = lib.af_model_run_daily(self._h, s, rep, None, ctypes.byref(out), err.ptr)
            if st != _AF_OK:
                raise Error(f"replication {rep}: {err.message() or _status_name(st)}",
                            _status_name(st))
            return out

        if jobs and jobs > 1:
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                results = list(pool.map(one, range(n)))
        else:
            results = [one(r) for r in range(n)]
        return Run(self, s, results)


class Run:
    """The replications of one run: the tables of `aidflow run`'s output as DataFrames."""

    def __init__(self, scenario, seed, results):
        self.scenario = scenario  # kept alive: the results' names point into it
        self.seed = seed
        self._r = results

    def __del__(self):
        for h in getattr(self, "_r", []):
            if h and _lib is not None:
                _lib.af_result_free(h)
        self._r = []

    def __len__(self):
        return len(self._r)

    @property
    def run_id(self):
        """The run's id in every table, "HASH-SEED" (as `aidflow run` writes it)."""
        return f"{self.scenario.hash}-{self.seed}"

    def _values(self, fn, r, width):
        lib = library()
        n = getattr(lib, fn)(r, None, 0)
        arr = np.empty(n, dtype=np.float64)
        getattr(lib, fn)(r, arr.ctypes.data_as(ctypes.POINTER(ctypes.c_double)), n)
        return arr.reshape(-1, width)

    def daily(self):
        """daily.csv: one row per replication, day, region and category, in that order."""
        scn = self.scenario
        regions, cats, dates = scn.regions, scn.categories, np.array(scn.dates(), dtype=object)
        frames = []
        for r in self._r:
            v = self._values("af_result_daily_values", r,
                             len(DAILY_COLUMNS) + len(TIME_COLUMNS) + len(BASIS_COLUMNS))
            days = library().af_result_n_days(r)
            per_day = len(regions) * len(cats)
            df = pd.DataFrame({
                "run_id": np.full(len(v), self.run_id, dtype=object),
                "replication": np.full(len(v), library().af_result_replication(r), dtype=np.int64),
                "day": np.repeat(np.arange(1, days + 1, dtype=np.int64), per_day),
                "date": np.repeat(dates[:days], per_day),
                "region": np.tile(np.repeat(np.array(regions, dtype=object), len(cats)), days),
                "category": np.tile(np.array(cats, dtype=object), days * len(regions)),
            })
            for k, col in enumerate(DAILY_COLUMNS):
                df[col] = v[:, k]
            need = v[:, 2]
            with np.errstate(divide="ignore", invalid="ignore"):
                df["coverage"] = np.where(need > 0, v[:, 1] / np.where(need > 0, need, 1.0), np.nan)
            for k, col in enumerate(TIME_COLUMNS):
                df[col] = v[:, len(DAILY_COLUMNS) + k]
            for k, col in enumerate(BASIS_COLUMNS):
                df[col] = v[:, len(DAILY_COLUMNS) + len(TIME_COLUMNS) + k]
            frames.append(df)
        return pd.concat(frames, ignore_index=True)

    def stations(self):
        """stations.csv: one row per replication, day and station."""
        dates = np.array(self.scenario.dates(), dtype=object)
        frames = []
        lib = library()
        for r in self._r:
            v = self._values("af_result_station_values", r, len(STATION_COLUMNS))
            days, ns = lib.af_result_n_days(r), lib.af_result_n_stations(r)
            names = np.array([lib.af_result_station_name(r, i).decode() for i in range(ns)],
                             dtype=object)
            df = pd.DataFrame({
                "run_id": np.full(len(v), self.run_id, dtype=object),
                "replication": np.full(len(v), lib.af_result_replication(r), dtype=np.int64),
                "day": np.repeat(np.arange(1, days + 1, dtype=np.int64), ns),
                "date": np.repeat(dates[:days], ns),
                "station": np.tile(names, days),
            })
            for k, col in enumerate(STATION_COLUMNS):
                df[col] = v[:, k]
            frames.append(df)
        return pd.concat(frames, ignore_index=True)

    def metric_names(self):
        lib = library()
        r = self._r[0]
        return [lib.af_result_metric_name(r, k).decode() for k in range(lib.af_result_n_metrics(r))]

    def metrics(self):
        """Every replication's metrics (summary.json's per_replication), long form."""
        lib = library()
        names = self.metric_names()
        rows = {"replication": [], "seed": [], "metric": [], "value": []}
        for r in self._r:
            rep, seed = lib.af_result_replication(r), lib.af_result_seed(r)
            for k, m in enumerate(names):
                rows["replication"].append(rep)
                rows["seed"].append(seed)
                rows["metric"].append(m)
                rows["value"].append(lib.af_result_metric_value(r, k))
        return pd.DataFrame(rows)

    def summary(self, confidence=None):
        """Per metric across replications: mean, sd, ci_low, ci_high (Student t at the
        scenario's confidence unless given), n; indexed by metric, in the model's order."""
        lib = library()
        conf = self.scenario.confidence if confidence is None else float(confidence)
        arr = (ctypes.c_void_p * len(self._r))(*[r.value for r in self._r])
        out = (ctypes.c_double * 5)()
        names = self.metric_names()
        rows = []
        for k in range(len(names)):
            lib.af_summarise_metric_values(arr, len(self._r), k, conf, out)
            rows.append(list(out))
        df = pd.DataFrame(rows, columns=["mean", "sd", "ci_low", "ci_high", "n"],
                          index=pd.Index(names, name="metric"))
        df["n"] = df["n"].astype(np.int64)
        return df

    def bottlenecks(self):
        """The bottleneck station of each replication."""
        lib = library()
        names = [lib.af_result_station_name(r, lib.af_result_bottleneck(r)) for r in self._r]
        return [n.decode() if n is not None else None for n in names]
