"""Benchmark clusterctl: start-up time, batch-matching throughput, peak memory.

    .venv/bin/python bench/run.py [--quick] [--rows 100000] [--million]
                                  [--unique-naf]

Every figure is a ratio against a baseline measured in the same run on the same
machine (a do-nothing Typer app, a read-and-write-only pass over the register,
the one-company-at-a-time reference scorer, a register ten times smaller), with
the runs of the candidate and of its baseline interleaved, and medians taken
over the repetitions. The table also shows the absolute numbers; the table, the
targets and the machine are written to bench/results.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CACHE = BENCH / ".cache"
RESULTS = BENCH / "results.json"
SHARED = Path(os.environ.get("CLUSTERCTL_BENCH_SHARED", "/work/shared/bench"))
EXAMPLE = "examples/biotech-startup-lyon.yaml"
SEED = 42
SANITY_ROWS = 200
MILLION = 1_000_000

#: Settings per mode: start-up rounds; at most `reps` repetitions of each batch
#: variant (at least one, and no new one once that variant's runs would pass
#: `budget` seconds); reference-scorer sample size; rows.
MODES = {
    "quick": {"rounds": 10, "reps": 2, "budget": 10.0, "sample": 500, "rows": 20_000},
    "default": {
        "rounds": 20,
        "reps": 5,
        "budget": 90.0,
        "sample": 2000,
        "rows": 100_000,
    },
}
STARTUP_TARGET = 1.10
FLOOR_TARGET = 4.0
REFERENCE_TARGET = 5.0
MEMORY_TARGET = 1.2


@dataclass(frozen=True)
class Variant:
    key: str
    style: str
    args: tuple[str, ...]
    label: str
    min_rows_per_s: float | None
    max_vs_floor: float | None


VARIANTS = (
    Variant(
        "sirene_csv", "sirene", ("--format", "csv"), "SIRENE csv", 50_000, FLOOR_TARGET
    ),
    # NDJSON records carry the full numeric breakdown of each match (every
    # criterion's score, weight and contribution) and eligibility.
    Variant(
        "sirene_ndjson",
        "sirene",
        ("--format", "ndjson"),
        "SIRENE ndjson",
        10_000,
        None,
    ),
    Variant(
        "simple_ndjson",
        "simple",
        ("--format", "ndjson"),
        "simple ndjson",
        10_000,
        None,
    ),
    # --explain adds, per match, what matched for each criterion and the reasons
    # in words: reported for information.
    Variant(
        "sirene_ndjson_explain",
        "sirene",
        ("--format", "ndjson", "--explain"),
        "SIRENE ndjson --explain",
        None,
        None,
    ),
)


# ------------------------------------------------------------------ running
@dataclass
class Run:
    seconds: float
    rss_mb: float
    cpu_seconds: float
    returncode: int
    timed_out: bool = False

    @property
    def failure(self) -> str | None:
        if self.timed_out:
            return f"timed out after {self.seconds:.0f} s"
        if self.returncode != 0:
            return f"exit status {self.returncode}"
        return None


def child_env() -> dict[str, str]:
    """The environment of every run: no colour, no PYTHON* settings, default data."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PYTHON") and k not in ("CLUSTERCTL_DATA", "FORCE_COLOR")
    }
    env.update(NO_COLOR="1", TERM="dumb")
    return env


ENV = child_env()


def run(argv: Sequence[str], timeout: float | None = None) -> Run:
    """Run a command with stdin, stdout and stderr on /dev/null.

    Wall time is the whole subprocess, start to exit; peak memory and CPU time
    come from `os.wait4`, which returns the rusage of that one child (what
    `getrusage(RUSAGE_CHILDREN)` reports in a fresh parent)."""
    killed = threading.Event()
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env=ENV,
    )
    timer = None
    if timeout:

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if timer:
        timer.cancel()
    return Run(
        seconds,
        usage.ru_maxrss / 1024,
        usage.ru_utime + usage.ru_stime,
        proc.returncode,
        killed.is_set(),
    )


def cli() -> list[str]:
    """clusterctl as users start it (its console script), with this interpreter."""
    script = Path(sys.executable).with_name("clusterctl")
    if script.is_file():
        return [sys.executable, str(script)]
    return [sys.executable, "-m", "clusterctl"]


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ figures
@dataclass
class Figure:
    id: str
    label: str
    value: float | None
    unit: str  # "x" (a ratio) or "rows/s"
    target: tuple[str, float] | None = None
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def ok(self) -> bool | None:
        if self.error:
            return False
        if self.target is None or self.value is None:
            return None
        op, bound = self.target
        return self.value <= bound if op == "<=" else self.value >= bound

    def shown(self, value: float | None = None) -> str:
        value = self.value if value is None else value
        if value is None:
            return "-"
        return f"{value:,.0f} rows/s" if self.unit == "rows/s" else f"{value:.2f}x"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "value": None if self.value is None else round(self.value, 4),
            "unit": self.unit,
            "target": None
            if self.target is None
            else {"op": self.target[0], "value": self.target[1]},
            "ok": self.ok,
            "detail": self.detail,
            "error": self.error,
            "data": self.data,
        }


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def short(rows: int) -> str:
    """100000 -> 100k, 1000000 -> 1M."""
    if rows >= MILLION and rows % MILLION == 0:
        return f"{rows // MILLION}M"
    return f"{rows // 1000}k" if rows >= 1000 and rows % 1000 == 0 else f"{rows:,}"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def paired_ratio(
    fid: str,
    label: str,
    candidate: Sequence[float],
    baseline: Sequence[float],
    target: tuple[str, float] | None,
    names: tuple[str, str],
) -> Figure:
    """Median over rounds of candidate/baseline times, each pair run back to back."""
    ratio = median([c / b for c, b in zip(candidate, baseline, strict=True)])
    detail = (
        f"{ms(median(candidate))} vs {ms(median(baseline))} {names[1]} "
        f"(medians of {len(candidate)}; min {ms(min(candidate))} vs "
        f"{ms(min(baseline))})"
    )
    data = {
        f"{names[0]}_ms": [round(s * 1000, 1) for s in candidate],
        f"{names[1]}_ms": [round(s * 1000, 1) for s in baseline],
    }
    return Figure(fid, label, ratio, "x", target, detail, data)


# ------------------------------------------------------------------ registers
def digest(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()[:8]


class Registers:
    """Synthetic registers in bench/.cache/, generated once per size and style.

    The shared make-companies tool is used when present (developer machines and
    CI), else bench/make_register.py, which writes the same layouts."""

    def __init__(self) -> None:
        shared = SHARED / "make-companies"
        self.own = [sys.executable, str(BENCH / "make_register.py")]
        self.own_tag = f"own-{digest(BENCH / 'make_register.py')}"
        if shared.is_file():
            self.argv, self.tag = [sys.executable, str(shared)], f"mc-{digest(shared)}"
            self.generator = str(shared)
        else:
            say(f"note: {shared} not found; registers come from bench/make_register.py")
            self.argv, self.tag = self.own, self.own_tag
            self.generator = "bench/make_register.py"

    def get(self, style: str, rows: int) -> Path:
        path = CACHE / f"{style}-{rows}-seed{SEED}-{self.tag}.csv"
        if path.exists():
            return path
        CACHE.mkdir(exist_ok=True)
        say(f"generating {path.relative_to(ROOT)}")
        tmp = path.with_suffix(".part")
        options = ["--rows", str(rows), "--style", style, "--seed", str(SEED)]
        done = subprocess.run([*self.argv, *options, "-o", str(tmp)], check=False)
        if done.returncode != 0 and self.argv != self.own:
            say(f"note: {self.generator} failed; using bench/make_register.py")
            self.argv, self.tag = self.own, self.own_tag
            self.generator = "bench/make_register.py"
            return self.get(style, rows)
        if done.returncode != 0:
            raise SystemExit(f"bench: cannot generate {path.name}")
        tmp.rename(path)
        return path


# ------------------------------------------------------------------ start-up
def measure_startup(rounds: int) -> list[Figure]:
    base = cli()
    commands = {
        "floor": [
            sys.executable,
            str(BENCH / "floor_app.py"),
            "list",
            "--format",
            "json",
        ],
        "list": [*base, "list", "--format", "json"],
        "version": [*base, "--version"],
        "search": [*base, "search", "aerospace"],
        "match": [*base, "match", EXAMPLE, "--format", "json"],
    }
    failures = {}
    for name, argv in commands.items():  # warm-up (bytecode, page cache) and check
        failure = run(argv).failure
        if failure:
            failures[name] = f"{' '.join(argv[2:])}: {failure}"
    names = list(commands)
    times: dict[str, list[float]] = {name: [] for name in names}
    for i in range(rounds):
        say(f"start-up: round {i + 1}/{rounds}")
        shift = i % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(run(commands[name]).seconds)
    specs = (
        ("list", "floor", "list --format json / floor", STARTUP_TARGET),
        ("version", "floor", "--version / floor", STARTUP_TARGET),
        ("search", "list", "search aerospace / list", None),
        ("match", "list", "match a profile / list", None),
    )
    figures = []
    for cand, base_name, label, target in specs:
        figure = paired_ratio(
            f"startup.{cand}",
            f"start-up {label}",
            times[cand],
            times[base_name],
            None if target is None else ("<=", target),
            (cand, base_name),
        )
        figure.error = failures.get(cand) or failures.get(base_name)
        figures.append(figure)
    return figures


# ------------------------------------------------------------------ batch
def batch_argv(variant: Variant, register: Path) -> list[str]:
    return [*cli(), "match", "--batch", str(register), "--top", "3", *variant.args]


def floor_argv(register: Path) -> list[str]:
    return [sys.executable, str(BENCH / "floor_rw.py"), str(register)]


def last_error(argv: Sequence[str]) -> str:
    """Run a failed command again, untimed, for the last line of its stderr."""
    done = subprocess.run(
        argv, capture_output=True, text=True, cwd=ROOT, env=ENV, check=False
    )
    lines = done.stderr.strip().splitlines()
    return lines[-1] if lines else f"exit status {done.returncode} again, no message"


def sanity_check(variant: Variant, register: Path, rows: int) -> str | None:
    """Run a variant on a small register: exit 0 and the expected output lines."""
    done = subprocess.run(
        batch_argv(variant, register),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=ENV,
        check=False,
    )
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1:] or [""]
        return f"exit status {done.returncode} on {rows} rows: {last[0]}"
    lines = done.stdout.splitlines()
    expected = 1 + 3 * rows if "csv" in variant.args else rows
    if len(lines) != expected:
        return f"{len(lines)} output lines for {rows} rows (expected {expected})"
    if "ndjson" in variant.args and '"breakdown"' not in lines[0]:
        return "ndjson output has no breakdown"
    return None


def reference(register: Path, sample: int) -> float | str:
    """Rows per second of the reference scorer (bench/reference.py), in a child;
    or what went wrong."""
    argv = [sys.executable, str(BENCH / "reference.py"), str(register)]
    done = subprocess.run(
        [*argv, "--sample", str(sample)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=ENV,
        check=False,
    )
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1:] or [""]
        return f"reference scorer: exit status {done.returncode}: {last[0]}"
    result = json.loads(done.stdout)
    return result["scored"] / result["seconds"]


@dataclass
class BatchRuns:
    rows: int
    batch: dict[str, list[Run]] = field(default_factory=dict)
    floor: dict[str, list[Run]] = field(default_factory=dict)
    reference: dict[str, list[float]] = field(default_factory=dict)
    small: list[Run] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def measure_batch(
    registers: dict[str, Path],
    rows: int,
    *,
    reps: int,
    budget: float,
    timeout: float,
    sample: int = 0,
    small: Path | None = None,
    errors: dict[str, str] | None = None,
) -> BatchRuns:
    """Time each variant next to a floor run on the same register, repeatedly.

    A variant is repeated up to `reps` times, and not again once its next
    repetition would take its own time past `budget` seconds. Each repetition
    also times the reference scorer for the styles still running and, while the
    SIRENE csv variant runs, that variant on the ten-times-smaller register."""
    out = BatchRuns(rows, errors=dict(errors or {}))
    active = [v for v in VARIANTS if v.key not in out.errors]
    spent = dict.fromkeys((v.key for v in active), 0.0)
    for rep in range(reps):
        for v in active:
            say(f"batch {rows:,} rows: {v.label}, run {rep + 1}")
            started = time.perf_counter()
            pair = ["floor", "batch"] if rep % 2 == 0 else ["batch", "floor"]
            for kind in pair:
                register = registers[v.style]
                if kind == "floor":
                    out.floor.setdefault(v.key, []).append(run(floor_argv(register)))
                    continue
                argv = batch_argv(v, register)
                result = run(argv, timeout)
                out.batch.setdefault(v.key, []).append(result)
                if result.timed_out:
                    bound = rows / result.seconds
                    out.errors[v.key] = f"{result.failure} (under {bound:,.0f} rows/s)"
                elif result.failure:
                    out.errors[v.key] = f"{result.failure}: {last_error(argv)}"
            spent[v.key] += time.perf_counter() - started
            if v.key == "sirene_csv" and small is not None:
                out.small.append(run(batch_argv(v, small), timeout))
        for style in sorted({v.style for v in active}) if sample else ():
            say(f"reference scorer: {style}, {sample} rows")
            rate = reference(registers[style], sample)
            if isinstance(rate, str):
                out.errors[f"reference.{style}"] = rate
            else:
                out.reference.setdefault(style, []).append(rate)
        active = [
            v
            for v in active
            if v.key not in out.errors
            and spent[v.key] * (rep + 2) / (rep + 1) <= budget
        ]
        if not active:
            break
    return out


def batch_figures(runs: BatchRuns, reference_rates: dict[str, float]) -> list[Figure]:
    figures = []
    n = runs.rows
    for v in VARIANTS:
        prefix = f"batch.{n}.{v.key}"
        label = f"{v.label} {short(n)}"
        error = runs.errors.get(v.key)
        batch = [r for r in runs.batch.get(v.key, []) if not r.failure]
        floor = runs.floor.get(v.key, [])
        if error or not batch:
            error = error or "not run"
            figures.append(
                Figure(
                    f"{prefix}.rows_per_s",
                    f"{label}: rows/s",
                    None,
                    "rows/s",
                    None if v.min_rows_per_s is None else (">=", v.min_rows_per_s),
                    error=error,
                )
            )
            continue
        seconds = median([r.seconds for r in batch])
        rate = n / seconds
        figures.append(
            Figure(
                f"{prefix}.rows_per_s",
                f"{label}: rows/s",
                rate,
                "rows/s",
                None if v.min_rows_per_s is None else (">=", v.min_rows_per_s),
                f"{seconds:.2f} s per run (median of {len(batch)}), "
                f"{median([r.cpu_seconds for r in batch]):.2f} s CPU, "
                f"peak {median([r.rss_mb for r in batch]):.0f} MB",
                {
                    "seconds": [round(r.seconds, 3) for r in batch],
                    "cpu_seconds": [round(r.cpu_seconds, 3) for r in batch],
                    "peak_rss_mb": [round(r.rss_mb, 1) for r in batch],
                },
            )
        )
        pairs = list(zip(batch, floor, strict=False))
        floor_s = median([f.seconds for _b, f in pairs])
        figures.append(
            Figure(
                f"{prefix}.vs_floor",
                f"{label}: time / r-w floor",
                median([b.seconds / f.seconds for b, f in pairs]),
                "x",
                None if v.max_vs_floor is None else ("<=", v.max_vs_floor),
                f"floor {n / floor_s:,.0f} rows/s ({floor_s:.2f} s)",
                {"floor_seconds": [round(f.seconds, 3) for _b, f in pairs]},
            )
        )
        ref = reference_rates.get(v.style)
        ref_error = runs.errors.get(f"reference.{v.style}")
        if ref_error or not ref:
            figures.append(
                Figure(
                    f"{prefix}.vs_reference",
                    f"{label}: speed / reference",
                    None,
                    "x",
                    None if v.min_rows_per_s is None else (">=", REFERENCE_TARGET),
                    error=ref_error or "reference scorer not run",
                )
            )
        else:
            figures.append(
                Figure(
                    f"{prefix}.vs_reference",
                    f"{label}: speed / reference",
                    rate / ref,
                    "x",
                    None if v.min_rows_per_s is None else (">=", REFERENCE_TARGET),
                    f"reference scorer {ref:,.0f} rows/s ({v.style}, in-process)",
                )
            )
    return figures


def memory_figure(
    fid: str,
    label: str,
    big: list[Run],
    small: list[Run],
    rows: tuple[int, int],
    target: tuple[str, float] | None,
) -> Figure:
    big = [r for r in big if not r.failure]
    small = [r for r in small if not r.failure]
    if not big or not small:
        return Figure(fid, label, None, "x", target, error="not run")
    big_mb = median([r.rss_mb for r in big])
    small_mb = median([r.rss_mb for r in small])
    return Figure(
        fid,
        label,
        big_mb / small_mb,
        "x",
        target,
        f"{big_mb:.0f} MB at {rows[0]:,} rows vs {small_mb:.0f} MB at {rows[1]:,}",
        {
            f"peak_rss_mb_{rows[0]}": [round(r.rss_mb, 1) for r in big],
            f"peak_rss_mb_{rows[1]}": [round(r.rss_mb, 1) for r in small],
        },
    )


UNIQUE_NAF_TARGET = 1.3


def unique_naf(source: Path) -> Path:
    """The SIRENE register `source` with a different NAF-like value on every
    row (`00.00001`, `00.00002`...): each is unknown, so every per-value cache
    of the batch sees a new key on every row. Generated once, beside it."""
    path = source.with_name(source.stem + "-unique-naf.csv")
    if path.exists():
        return path
    say(f"generating {path.relative_to(ROOT)}")
    tmp = path.with_suffix(".part")
    with (
        source.open(encoding="utf-8", newline="") as src,
        tmp.open("w", encoding="utf-8", newline="") as out,
    ):
        header = src.readline()
        column = header.lower().split(",").index("activiteprincipaleunitelegale")
        out.write(header)
        for n, line in enumerate(src, 1):
            cells = line.split(",")
            code = f"{n:07d}"
            cells[column] = f"{code[:2]}.{code[2:]}"
            out.write(",".join(cells))
    tmp.rename(path)
    return path


def unique_naf_figure(registers: Registers, timeout: float) -> Figure:
    """Peak memory at 1,000,000 rows / 100,000 rows, every NAF value new: the
    caches must be bounded whatever the input."""
    variant = VARIANTS[0]  # SIRENE csv
    runs = {}
    for rows in (100_000, MILLION):
        register = unique_naf(registers.get("sirene", rows))
        say(f"batch {rows:,} rows with unique NAF values: {variant.label}")
        runs[rows] = [run(batch_argv(variant, register), timeout)]
    return memory_figure(
        f"memory.unique_naf.{MILLION}.sirene_csv",
        f"peak RSS unique NAF {short(MILLION)} / {short(100_000)}",
        runs[MILLION],
        runs[100_000],
        (MILLION, 100_000),
        ("<=", UNIQUE_NAF_TARGET),
    )


# ------------------------------------------------------------------ report
def machine() -> dict[str, Any]:
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory_gb = None
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory_gb = round(pages / 2**30, 1)
    except (ValueError, OSError):
        pass
    usable = (
        len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count()
    )
    return {
        "cpu": cpu or platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_gb": memory_gb,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def code() -> dict[str, Any]:
    from importlib.metadata import version

    info: dict[str, Any] = {"clusterctl": version("clusterctl")}
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run(
        [*git, "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    if head.returncode == 0:
        changed = subprocess.run(
            [*git, "status", "--porcelain", "--", "src", "data"],
            capture_output=True,
            text=True,
            check=False,
        )
        info["commit"] = head.stdout.strip()
        info["uncommitted_changes"] = sorted(
            line[3:] for line in changed.stdout.splitlines()
        )
    return info


def table(figures: list[Figure], header: list[str]) -> str:
    lines = [*header, ""]
    width = max(len(f.label) for f in figures)
    lines.append(f"{'figure':<{width}}  {'value':>15}  {'target':>17}  result  detail")
    for f in figures:
        target = "" if f.target is None else f"{f.target[0]} {f.shown(f.target[1])}"
        result = {True: "PASS", False: "FAIL", None: "info"}[f.ok]
        detail = f"ERROR: {f.error}" if f.error else f.detail
        lines.append(
            f"{f.label:<{width}}  {f.shown():>15}  {target:>17}  {result:<6}  {detail}"
        )
    failed = [f for f in figures if f.ok is False]
    lines.append("")
    lines.append(
        f"{sum(f.ok is True for f in figures)} passed, {len(failed)} failed, "
        f"{sum(f.ok is None for f in figures)} for information"
    )
    return "\n".join(lines)


# ------------------------------------------------------------------ main
def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--quick", action="store_true", help="20,000 rows, fewer runs (~1 minute)"
    )
    p.add_argument("--rows", type=int, help="rows of the batch registers")
    p.add_argument(
        "--million", action="store_true", help="also batch 1,000,000 rows (one run)"
    )
    p.add_argument(
        "--unique-naf",
        action="store_true",
        help="also the memory of 1,000,000 vs 100,000 rows whose NAF values are "
        "all different (one run each)",
    )
    p.add_argument("--rounds", type=int, help="start-up rounds (each command once)")
    p.add_argument("--reps", type=int, help="at most this many batch repetitions")
    p.add_argument(
        "--budget", type=float, help="seconds per variant after which reps stop"
    )
    p.add_argument("--sample", type=int, help="rows timed with the reference scorer")
    p.add_argument("--timeout", type=float, default=900.0, help="seconds per batch run")
    p.add_argument(
        "--million-timeout",
        type=float,
        default=900.0,
        help="seconds per 1,000,000-row batch run",
    )
    p.add_argument("--skip-startup", action="store_true", help="no start-up figures")
    p.add_argument("--output", type=Path, default=RESULTS, help="results JSON file")
    p.add_argument(
        "--check", action="store_true", help="exit status 1 when a target fails"
    )
    args = p.parse_args(argv)
    mode = MODES["quick" if args.quick else "default"]
    for key, value in mode.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if importlib.util.find_spec("clusterctl") is None:
        raise SystemExit(
            "bench: clusterctl is not importable; run .venv/bin/python bench/run.py"
        )
    started = dt.datetime.now(dt.UTC)
    info = {"machine": machine(), "code": code()}
    figures: list[Figure] = []
    if not args.skip_startup:
        figures += measure_startup(args.rounds)

    registers = Registers()
    rows = args.rows
    small_rows = max(rows // 10, 1)
    files = {style: registers.get(style, rows) for style in ("sirene", "simple")}
    small = registers.get("sirene", small_rows)
    sanity = {style: registers.get(style, SANITY_ROWS) for style in files}
    errors = {}
    for v in VARIANTS:
        problem = sanity_check(v, sanity[v.style], SANITY_ROWS)
        if problem:
            errors[v.key] = problem
    runs = measure_batch(
        files,
        rows,
        reps=args.reps,
        budget=args.budget,
        timeout=args.timeout,
        sample=args.sample,
        small=small,
        errors=errors,
    )
    rates = {style: median(r) for style, r in runs.reference.items()}
    figures += batch_figures(runs, rates)
    figures.append(
        memory_figure(
            f"memory.{rows}.sirene_csv",
            f"peak RSS SIRENE csv {short(rows)} / {short(small_rows)}",
            runs.batch.get("sirene_csv", []),
            runs.small,
            (rows, small_rows),
            None,
        )
    )
    if args.million:
        big = {style: registers.get(style, MILLION) for style in files}
        million = measure_batch(
            big,
            MILLION,
            reps=1,
            budget=0,
            timeout=args.million_timeout,
            errors=errors,
        )
        figures += batch_figures(million, rates)
        figures.append(
            memory_figure(
                f"memory.{MILLION}.sirene_csv",
                f"peak RSS SIRENE csv {short(MILLION)} / {short(rows)}",
                million.batch.get("sirene_csv", []),
                runs.batch.get("sirene_csv", []),
                (MILLION, rows),
                ("<=", MEMORY_TARGET),
            )
        )

    if args.unique_naf:
        figures.append(unique_naf_figure(registers, args.million_timeout))

    m = info["machine"]
    mode = "quick" if args.quick else "default"
    header = [
        f"clusterctl benchmark, {started:%Y-%m-%d %H:%M} UTC, mode {mode}"
        + (" + million" if args.million else ""),
        f"machine: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), "
        f"{m['memory_gb']} GB, {m['python']}, load {m['load_average']}",
        f"code: clusterctl {info['code']['clusterctl']}"
        + (f", commit {info['code']['commit']}" if "commit" in info["code"] else "")
        + (
            f" + uncommitted {', '.join(info['code']['uncommitted_changes'])}"
            if info["code"].get("uncommitted_changes")
            else ""
        ),
        f"registers: {rows:,} rows, seed {SEED}, from {registers.generator}; "
        f"start-up rounds {args.rounds}, batch reps <= {args.reps}, "
        f"reference sample {args.sample} rows",
    ]
    print(table(figures, header))
    result = {
        "generated": started.isoformat(timespec="seconds"),
        "seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 1),
        "command": " ".join(["bench/run.py", *(argv or sys.argv[1:])]),
        "mode": mode,
        "million": args.million,
        **info,
        "registers": {"rows": rows, "seed": SEED, "generator": registers.generator},
        "settings": {
            "startup_rounds": args.rounds,
            "max_reps": args.reps,
            "budget_seconds": args.budget,
            "reference_sample": args.sample,
            "timeout_seconds": args.timeout,
            "million_timeout_seconds": args.million_timeout if args.million else None,
        },
        "figures": [f.as_json() for f in figures],
        "passed": sum(f.ok is True for f in figures),
        "failed": [f.id for f in figures if f.ok is False],
    }
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    say(f"wrote {args.output}")
    return 1 if args.check and result["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
