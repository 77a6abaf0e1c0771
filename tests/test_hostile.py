"""Hostile input through the real command line: broken, malicious, huge or oddly
encoded profiles, datasets and company registers.

Every case runs `python -m clusterctl` in a child process, as a user would, with
a time limit and a cap on its address space, so that a hang or a memory blow-up
fails the test instead of stalling the machine. The contract checked:

* a fatal input gets, quickly, an error on stderr whose every line names the file
  (and the line, as `FILE:LINE:`, where there is one), exit status 2, nothing on
  stdout and never a Python traceback (`validate` prints the problems it finds on
  stdout: that is its report);
* YAML tags that would build Python objects never run;
* a value that cannot be used (NAF code, postal code) is a warning and that
  criterion is left out; the match still succeeds;
* in a batch, every good row comes out, every bad row is named on stderr by its
  line, a summary ends stderr, and the exit status is 2 if any row was rejected.

Child processes run a few at a time (see `Runner`): most cases cost little more
than interpreter start-up, which overlaps well.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

HOSTILE = Path(__file__).parent / "hostile"
MEMORY_LIMIT = 1536 * 1024 * 1024
TIMEOUT = 20.0
MARKER = "PWNED"  # the file the YAML tags of tests/hostile try to create
MB = 1024 * 1024


# ---------------------------------------------------------------------- running
@dataclass(frozen=True)
class Job:
    """One command line, run in its own folder; `label` is how the input is named
    in messages (the argument given, or `<stdin>`)."""

    args: tuple[str, ...]
    cwd: Path
    label: str = ""
    stdin: Path | None = None
    env: tuple[tuple[str, str], ...] = ()
    timeout: float = TIMEOUT


@dataclass
class Result:
    job: Job
    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool

    @property
    def cwd(self) -> Path:
        return self.job.cwd

    @property
    def label(self) -> str:
        return self.job.label

    @property
    def stderr_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]

    def __str__(self) -> str:
        slow = " (killed: too slow)" if self.timed_out else ""
        return (
            f"clusterctl {' '.join(a[:80] for a in self.job.args)}\n"
            f"exit status {self.returncode}, {self.seconds:.1f} s{slow}\n"
            f"--- stdout:\n{self.stdout[:1500]}\n--- stderr:\n{self.stderr[:3000]}"
        )


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _environment(
    root: Path, pycache: Path, extra: tuple[tuple[str, str], ...]
) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CLUSTERCTL_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(
        NO_COLOR="1",
        TERM="dumb",
        PYTHONIOENCODING="utf-8",
        # Compiled modules are kept outside the source tree, for the next runs.
        PYTHONPYCACHEPREFIX=str(pycache),
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        CLUSTERCTL_CACHE_DIR=str(root / ".cache"),
        CLUSTERCTL_TODAY="2030-01-01",
    )
    env.update(extra)
    return env


@dataclass
class _Running:
    job: Job
    proc: subprocess.Popen[bytes]
    started: float
    files: list[Any]


@dataclass
class Runner:
    """Runs jobs a few at a time; `result()` waits for one, starting it first if
    it is still queued. Output goes to files, so no thread is needed and the
    memory cap is set between fork and exec."""

    root: Path
    workers: int
    pycache: Path
    queued: dict[str, Job] = field(default_factory=dict)
    running: dict[str, _Running] = field(default_factory=dict)
    done: dict[str, Result] = field(default_factory=dict)

    def add(self, key: str, job: Job) -> None:
        self.queued.setdefault(key, job)

    def result(self, key: str, build: Callable[[], Job]) -> Result:
        if key not in self.done and key not in self.running:
            job = self.queued.pop(key, None) or build()
            self._start(key, job)
        while key not in self.done:
            self._poll()
            while self.queued and len(self.running) < self.workers:
                first = next(iter(self.queued))
                self._start(first, self.queued.pop(first))
            if key not in self.done:
                time.sleep(0.005)
        return self.done[key]

    def _start(self, key: str, job: Job) -> None:
        files = [open(job.cwd / name, "w+b") for name in (".stdout", ".stderr")]  # noqa: SIM115
        if job.stdin:
            files.append(open(job.stdin, "rb"))  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "clusterctl", *job.args],
            cwd=job.cwd,
            stdin=files[2] if job.stdin else subprocess.DEVNULL,
            stdout=files[0],
            stderr=files[1],
            env=_environment(self.root, self.pycache, job.env),
            preexec_fn=_limit_memory,
        )
        self.running[key] = _Running(job, proc, time.monotonic(), files)

    def _poll(self) -> None:
        for key, run in list(self.running.items()):
            elapsed = time.monotonic() - run.started
            timed_out = False
            if run.proc.poll() is None:
                if elapsed <= run.job.timeout:
                    continue
                timed_out = True
                run.proc.kill()
                run.proc.wait()
            out, err = (self._read(handle) for handle in run.files[:2])
            for handle in run.files:
                handle.close()
            del self.running[key]
            code = None if timed_out else run.proc.returncode
            self.done[key] = Result(run.job, code, out, err, elapsed, timed_out)

    @staticmethod
    def _read(handle: Any) -> str:
        handle.seek(0)
        return str(handle.read(4 * MB).decode("utf-8", "replace"))

    def close(self) -> None:
        for run in self.running.values():
            run.proc.kill()
            run.proc.wait()
            for handle in run.files:
                handle.close()


#: test name -> how to build its job from its parameters, in a fresh folder
PLANS: dict[str, Callable[[dict[str, Any], Path], Job]] = {}


def plan(fn: Callable[[dict[str, Any], Path], Job]) -> Any:
    """Register how `test_x` builds its job (the function is named `plan_x`), so
    that the jobs of the selected tests can start before their turn."""
    PLANS["test_" + fn.__name__.removeprefix("plan_")] = fn
    return fn


def _folder(root: Path, nodeid: str) -> Path:
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in nodeid)
    folder = root / name[-120:]
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _params(item: Any) -> dict[str, Any]:
    callspec = getattr(item, "callspec", None)
    return dict(callspec.params) if callspec else {}


@pytest.fixture(scope="module")
def jobs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Runner]:
    """Queues the job of every selected test of this module, in test order."""
    root = tmp_path_factory.mktemp("hostile")
    # pytest's own folder of sessions outlives each one: compiled modules kept
    # there serve the next session too.
    sessions = tmp_path_factory.getbasetemp().parent
    pycache = sessions if sessions.name.startswith("pytest-of-") else root
    run = Runner(
        root, max(1, min(4, os.cpu_count() or 1)), pycache / "clusterctl-pycache"
    )
    module = sys.modules[__name__]
    for item in request.session.items:
        name = getattr(item, "originalname", "")
        if getattr(item, "module", None) is module and name in PLANS:
            folder = _folder(root, item.nodeid)
            run.add(item.nodeid, PLANS[name](_params(item), folder))
    yield run
    run.close()


@pytest.fixture
def result(request: pytest.FixtureRequest, jobs: Runner) -> Result:
    """The run of the current test's job (it has often finished already)."""
    node = request.node
    return jobs.result(
        node.nodeid,
        lambda: PLANS[node.originalname](
            _params(node), _folder(jobs.root, node.nodeid)
        ),
    )


def cases(table: dict[str, Any]) -> list[Any]:
    """pytest params from a table of name -> values (a tuple, one value, or a
    `pytest.param` carrying marks)."""
    out = []
    for name, case in table.items():
        if hasattr(case, "marks") and hasattr(case, "values"):
            out.append(pytest.param(*case.values, marks=case.marks, id=name))
        elif isinstance(case, tuple):
            out.append(pytest.param(*case, id=name))
        else:
            out.append(pytest.param(case, id=name))
    return out


def crossed(table: dict[str, Any], commands: dict[str, Any]) -> list[Any]:
    """Every case of `table` with every command, each keeping its case's marks."""
    out = []
    for param in cases(table):
        for command in commands:
            out.append(
                pytest.param(
                    *param.values,
                    command,
                    marks=param.marks,
                    id=f"{param.id}-{command}",
                )
            )
    return out


# ---------------------------------------------------------------------- checks
def assert_no_traceback(r: Result) -> None:
    assert not r.timed_out, f"did not finish in {r.job.timeout:.0f} s\n{r}"
    assert "Traceback" not in r.stderr, str(r)
    assert "Traceback" not in r.stdout, str(r)


def assert_input_error(r: Result, line: int | None = None, says: str = "") -> None:
    """Exit 2, nothing on stdout, every stderr line names the file (and line)."""
    assert_no_traceback(r)
    assert r.returncode == 2, str(r)
    assert r.stdout == "", str(r)
    assert r.stderr_lines, str(r)
    assert all(r.label in err for err in r.stderr_lines), str(r)
    if line is not None:
        assert f"{r.label}:{line}:" in r.stderr, str(r)
    assert says.lower() in r.stderr.lower(), str(r)


def assert_invalid_report(r: Result, line: int | None = None, says: str = "") -> None:
    """`validate`: exit 2; its report on stdout names the file (and line) on every
    line; the summary on stderr names the file."""
    assert_no_traceback(r)
    assert r.returncode == 2, str(r)
    assert all(out.startswith(r.label) for out in r.stdout.splitlines()), str(r)
    assert r.stderr_lines, str(r)
    assert all(r.label in err for err in r.stderr_lines), str(r)
    if line is not None:
        assert f"{r.label}:{line}:" in r.stdout + r.stderr, str(r)
    assert says.lower() in (r.stdout + r.stderr).lower(), str(r)


def assert_not_executed(r: Result) -> None:
    assert not (r.cwd / MARKER).exists(), f"a YAML tag ran a command\n{r}"


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# ---------------------------------------------------------------------- inputs
Make = Callable[[Path], str]


@dataclass(frozen=True)
class Input:
    """A file for the command line and what its error must say. `make(folder)`
    creates it (or finds it in tests/hostile) and returns the argument to pass."""

    make: Make
    line: int | None = None
    says: str = ""
    timeout: float = TIMEOUT


def static(name: str) -> Make:
    path = HOSTILE / name
    assert path.is_file(), path
    return lambda _folder: str(path)


def written(name: str, content: str | bytes | Callable[[], str | bytes]) -> Make:
    """A file written in the job's folder (content may be built lazily)."""

    def make(folder: Path) -> str:
        data = content() if callable(content) else content
        (folder / name).write_bytes(data.encode() if isinstance(data, str) else data)
        return name

    return make


def directory(name: str) -> Make:
    def make(folder: Path) -> str:
        (folder / name).mkdir(exist_ok=True)
        return name

    return make


def missing(name: str) -> Make:
    return lambda _folder: name


def line_of(name: str, fragment: str) -> int:
    """1-based line of `fragment` in a file of tests/hostile."""
    text = (HOSTILE / name).read_text(encoding="utf-8")
    return text[: text.index(fragment)].count("\n") + 1


def _nested(open_: str, close: str, depth: int = 10_000) -> str:
    return open_ * depth + close * depth


PROFILE_OK = (HOSTILE / "profile-ok.yaml").read_text(encoding="utf-8")
DATASET_OK = (HOSTILE / "dataset-ok.yaml").read_text(encoding="utf-8")
DATASET_LINES = DATASET_OK.count("\n")


def _dataset_with(old: str, new: str) -> str:
    assert old in DATASET_OK, old
    return DATASET_OK.replace(old, new, 1)


def _near_cap_profile() -> str:
    """Just under the 10 MB cap, but 3.2 million YAML nodes."""
    return "name: Acme\nsectors: [biotech]\nkeywords: [" + "ab," * 3_200_000 + "ab]\n"


def _job(inp: Input, args: tuple[str, ...], folder: Path, **kw: Any) -> Job:
    target = inp.make(folder)
    return Job(
        tuple(a.replace("{}", target) for a in args),
        folder,
        target,
        timeout=inp.timeout,
        **kw,
    )


# ---------------------------------------------------------------------- profiles
PROFILE_FATAL: dict[str, Any] = {
    "malformed-yaml": Input(static("profile-malformed.yaml"), 3, "invalid YAML"),
    "tab-indent": Input(static("profile-tab-indent.yaml"), 2, "tab"),
    "malformed-json": Input(static("profile-malformed.json"), 4),
    "truncated-json": Input(static("profile-truncated.json"), 4),
    "python-object-apply": Input(static("profile-python-apply.yaml"), 1),
    "python-object-new": Input(static("profile-python-new.yaml"), 2),
    "python-apply-open": Input(static("profile-python-open.yaml"), 4),
    "python-name": Input(static("profile-python-name.yaml"), 1),
    "alias-bomb": Input(static("profile-alias-bomb.yaml")),
    "too-many-aliases": Input(
        written("aliases.yaml", "a: &a x\nname: A\nsectors: [" + "*a, " * 5000 + "]"),
        says="alias",
    ),
    "nested-lists": Input(
        written("nested.yaml", "name: A\nsectors: " + _nested("[", "]")), 2, "nest"
    ),
    "nested-dicts": Input(
        written("nested.yaml", "name: A\nsectors: " + _nested("{a: ", "}")), 2, "nest"
    ),
    "nested-json": Input(
        written("nested.json", '{"name": "A", "sectors": ' + _nested("[", "]") + "}"),
        says="nest",
    ),
    "nested-block": Input(
        written("nested.yaml", "name: A\nsectors:\n  " + "- " * 10_000 + "x\n"),
        says="nest",
    ),
    "binary": Input(written("binary.yaml", random.Random(7).randbytes(8192) + b"\0")),
    "nul-in-name": Input(
        written("nul.yaml", b'name: "Acme\x00Vaccins"\nsectors: [biotech]\n')
    ),
    "control-char-in-keyword": pytest.param(
        Input(
            written(
                "control.yaml", b"name: A\nsectors: [biotech]\nkeywords: [a\x07b]\n"
            ),
            3,
        )
    ),
    "escaped-control-yaml": pytest.param(
        Input(static("profile-escaped-control.yaml"), 1)
    ),
    "escaped-control-json": pytest.param(
        Input(static("profile-escaped-control.json"), 1)
    ),
    "empty": Input(written("empty.yaml", b""), says="empty"),
    "whitespace-only": Input(written("blank.yaml", "\n   \n\n"), says="empty"),
    "comment-only": Input(static("profile-comment-only.yaml"), says="empty"),
    "directory": Input(directory("folder.yaml"), says="directory"),
    "missing": Input(missing("no-such-profile.yaml"), says="no such file"),
    "top-level-scalar": Input(static("profile-scalar.yaml"), 1, "mapping"),
    "top-level-list": Input(static("profile-list.yaml"), 1, "mapping"),
    "wrong-types": Input(static("profile-wrong-types.yaml"), 3, "employees"),
    "unknown-key": Input(
        static("profile-unknown-key.yaml"), 3, "did you mean 'location'"
    ),
    "unknown-location-key": Input(
        static("profile-unknown-location-key.yaml"), 5, "did you mean 'postal_code'"
    ),
    "duplicate-key-yaml": pytest.param(
        Input(static("profile-duplicate-key.yaml"), 3, "name")
    ),
    "duplicate-key-json": pytest.param(
        Input(static("profile-duplicate-key.json"), 4, "name")
    ),
    "invalid-date": pytest.param(Input(static("profile-invalid-date.yaml"), 3)),
    "huge-integer": pytest.param(
        Input(written("int.yaml", "name: A\nsectors: [x]\nemployees: " + "9" * 5000), 3)
    ),
    "bad-explicit-tag": pytest.param(
        Input(written("tag.yaml", "name: A\nsectors: [x]\nemployees: !!int many"), 3)
    ),
    "1-mb-name": Input(
        written("long.yaml", lambda: "name: " + "A" * MB + "\nsectors: [biotech]\n"),
        1,
        "name",
    ),
    "1-mb-sector": Input(
        written("long.yaml", lambda: "name: Acme\nsectors: [" + "b" * MB + "]\n"),
        2,
        "sectors",
    ),
    "over-10-mb": Input(
        written("big.yaml", lambda: PROFILE_OK + "#" + "x" * (11 * MB) + "\n"),
        says="10 MB",
        timeout=5.0,  # refused quickly, unread
    ),
    "latin-1": Input(
        written("latin1.yaml", PROFILE_OK.replace("Acme", "Société").encode("latin-1")),
        2,
        "--encoding",
    ),
}
PROFILE_COMMANDS = {
    "match": ("match", "{}", "--format", "csv"),
    "validate": ("validate", "{}"),
}
NEAR_CAP = Input(written("near-cap.yaml", _near_cap_profile), timeout=8.0)


@plan
def plan_profile_fatal(p: dict[str, Any], folder: Path) -> Job:
    return _job(p["inp"], PROFILE_COMMANDS[p["command"]], folder)


@pytest.mark.parametrize(
    ("inp", "command"),
    [
        *crossed(PROFILE_FATAL, PROFILE_COMMANDS),
        pytest.param(NEAR_CAP, "match", id="near-10-mb-cap-match"),
    ],
)
def test_profile_fatal(inp: Input, command: str, result: Result) -> None:
    assert_not_executed(result)
    if command == "validate" and result.stdout:
        assert_invalid_report(result, inp.line, inp.says)
    else:
        assert_input_error(result, inp.line, inp.says)


#: name -> (file, line of the bad value, the value the warning quotes, the CSV
#: column of the criterion left out)
PROFILE_WARNINGS: dict[str, Any] = {
    "bad-naf": ("profile-bad-naf.yaml", 3, "99.99Z", "naf_score"),
    "bad-postal-code": ("profile-bad-postal-code.yaml", 4, "6900A", "geo_score"),
    "bad-naf-and-postal-code": (
        "profile-bad-naf-and-postal-code.yaml",
        3,
        "hello",
        "naf_score",
    ),
    "bad-postal-code-with-city": pytest.param(
        "profile-bad-postal-code-with-city.yaml", 4, "00000", None
    ),
}


@plan
def plan_profile_warning(p: dict[str, Any], folder: Path) -> Job:
    return _job(Input(static(p["name"])), PROFILE_COMMANDS[p["command"]], folder)


@pytest.mark.parametrize(
    ("name", "line", "value", "column", "command"),
    crossed(PROFILE_WARNINGS, PROFILE_COMMANDS),
)
def test_profile_warning(
    name: str, line: int, value: str, column: str | None, command: str, result: Result
) -> None:
    """A bad NAF code or postal code: a warning, that criterion left out, exit 0."""
    assert_no_traceback(result)
    assert result.returncode == 0, str(result)
    if command == "validate":
        report = [out for out in result.stdout.splitlines() if value in out]
        assert any(f"{result.label}:{line}:" in out for out in report), str(result)
        assert all("warning" in out for out in report), str(result)
        return
    warnings = [err for err in result.stderr_lines if value in err]
    assert warnings, str(result)
    assert all("warning" in err for err in warnings), str(result)
    assert "error" not in result.stderr, str(result)
    rows = csv_rows(result.stdout)
    assert rows, str(result)
    if column:
        assert all(float(row[column]) == 0 for row in rows), str(result)


LATIN1_NAME = "Société Générale Vaccins"
LATIN1 = PROFILE_OK.replace("Acme Vaccins", LATIN1_NAME).encode("latin-1")
BOM_PROFILE = b"\xef\xbb\xbf" + PROFILE_OK.encode()
ACCEPTED_COMMANDS = {
    "match": ("match", "{}", "--format", "json"),
    "validate": ("validate", "{}"),
    "match-latin-1": ("match", "{}", "--encoding", "latin-1", "--format", "json"),
    "validate-latin-1": ("validate", "--encoding", "latin-1", "{}"),
    "match-stdin": ("match", "-", "--format", "json"),
}
#: name -> (input, command); a match must name the company as expected
PROFILE_ACCEPTED: dict[str, Any] = {
    "bom-match": (written("bom.yaml", BOM_PROFILE), "match"),
    "bom-validate": (written("bom.yaml", BOM_PROFILE), "validate"),
    "latin-1-with-encoding-match": (written("latin1.yaml", LATIN1), "match-latin-1"),
    "latin-1-with-encoding-validate": pytest.param(
        written("latin1.yaml", LATIN1), "validate-latin-1"
    ),
    "stdin-match": (static("profile-ok.yaml"), "match-stdin"),
}


@plan
def plan_profile_accepted(p: dict[str, Any], folder: Path) -> Job:
    job = _job(Input(p["make"]), ACCEPTED_COMMANDS[p["command"]], folder)
    if p["command"] == "match-stdin":
        return Job(job.args, folder, "<stdin>", stdin=folder / job.label)
    return job


@pytest.mark.parametrize(("make", "command"), cases(PROFILE_ACCEPTED))
def test_profile_accepted(make: Make, command: str, result: Result) -> None:
    """A BOM, Latin-1 with --encoding, stdin: read like any other profile."""
    assert_no_traceback(result)
    assert result.returncode == 0, str(result)
    if command.startswith("match"):
        doc = json.loads(result.stdout)
        assert doc["matches"], str(result)
        expected = LATIN1_NAME if "latin" in command else "Acme Vaccins"
        assert doc["company"]["name"] == expected


@plan
def plan_profile_from_stdin_error(p: dict[str, Any], folder: Path) -> Job:
    source = HOSTILE / "profile-malformed.yaml"
    return Job(("match", "-"), folder, "<stdin>", stdin=source)


def test_profile_from_stdin_error(result: Result) -> None:
    assert_input_error(result, 3, "invalid YAML")


# ---------------------------------------------------------------------- datasets
DATASET_FATAL: dict[str, Any] = {
    "malformed-yaml": Input(
        static("dataset-malformed.yaml"),
        line_of("dataset-malformed.yaml", "[Occitanie\n") + 1,
        "invalid YAML",
    ),
    "malformed-json": Input(static("dataset-malformed.json"), 4),
    "python-object-apply": Input(
        static("dataset-python-apply.yaml"),
        line_of("dataset-python-apply.yaml", "!!python"),
    ),
    "python-object-new": Input(
        static("dataset-python-new.yaml"),
        line_of("dataset-python-new.yaml", "!!python"),
    ),
    "alias-bomb": Input(static("dataset-alias-bomb.yaml")),
    "nested-lists": Input(
        written("nested.yaml", DATASET_OK + "extra: " + _nested("[", "]") + "\n"),
        DATASET_LINES + 1,
        "nest",
    ),
    "nested-dicts": Input(
        written("nested.yaml", _dataset_with("Alpha Pôle", _nested("{a: ", "}"))),
        None,
        "nest",
    ),
    "binary": Input(written("binary.yaml", random.Random(8).randbytes(8192) + b"\0")),
    "nul-in-name": Input(
        written("nul.yaml", _dataset_with("Alpha Pôle", "Alpha\0Pôle").encode())
    ),
    "control-char-in-name": pytest.param(
        Input(written("control.yaml", _dataset_with("Alpha Pôle", "Alpha\x1b")), 12)
    ),
    "escaped-control": pytest.param(
        Input(
            static("dataset-escaped-control.yaml"),
            line_of("dataset-escaped-control.yaml", "Beta\\0"),
        )
    ),
    "empty": Input(written("empty.yaml", b""), says="empty"),
    "comment-only": Input(static("dataset-comment-only.yaml"), says="empty"),
    "directory": Input(directory("folder.yaml"), says="directory"),
    "missing": Input(missing("no-such-dataset.yaml"), says="no such file"),
    "top-level-scalar": Input(static("dataset-scalar.yaml"), 1, "mapping"),
    "top-level-list": Input(static("dataset-list.yaml"), 1, "mapping"),
    "wrong-types": Input(
        static("dataset-wrong-types.yaml"),
        line_of("dataset-wrong-types.yaml", "lat: north"),
        "lat",
    ),
    "unknown-key": Input(
        static("dataset-unknown-key.yaml"),
        line_of("dataset-unknown-key.yaml", "sector:"),
        "did you mean 'sectors'",
    ),
    "unknown-top-key": Input(
        static("dataset-unknown-top-key.yaml"),
        line_of("dataset-unknown-top-key.yaml", "cluster:"),
        "did you mean 'clusters'",
    ),
    "clusters-is-a-mapping": Input(
        static("dataset-clusters-mapping.yaml"),
        line_of("dataset-clusters-mapping.yaml", "clusters:"),
        "list",
    ),
    "duplicate-id": Input(
        static("dataset-duplicate-id.yaml"),
        line_of("dataset-duplicate-id.yaml", "- id: alpha-pole\n  name: Beta"),
        "duplicate",
    ),
    "duplicate-key": pytest.param(
        Input(
            static("dataset-duplicate-key.yaml"),
            line_of("dataset-duplicate-key.yaml", "name: Gamma"),
            "name",
        )
    ),
    "invalid-date": pytest.param(
        Input(
            static("dataset-invalid-date.yaml"),
            line_of("dataset-invalid-date.yaml", "2025-02-30"),
        )
    ),
    "huge-integer": pytest.param(
        Input(written("int.yaml", _dataset_with("43.6047", "4" * 5000)), 14)
    ),
    "1-mb-name": Input(
        written("long.yaml", lambda: _dataset_with("Alpha Pôle", "A" * MB)), 12, "name"
    ),
    "over-10-mb": Input(
        written("big.yaml", lambda: DATASET_OK + "#" + "x" * (11 * MB) + "\n"),
        says="10 MB",
        timeout=5.0,  # refused quickly, unread
    ),
    "latin-1": Input(
        written("latin1.yaml", DATASET_OK.encode("latin-1")),
        DATASET_OK[: DATASET_OK.index("ô")].count("\n") + 1,
        "encoding",
    ),
}
DATASET_COMMANDS = {
    "list": ("--data", "{}", "list", "--format", "csv"),
    "validate": ("validate", "{}"),
}


@plan
def plan_dataset_fatal(p: dict[str, Any], folder: Path) -> Job:
    return _job(p["inp"], DATASET_COMMANDS[p["command"]], folder)


@pytest.mark.parametrize(("inp", "command"), crossed(DATASET_FATAL, DATASET_COMMANDS))
def test_dataset_fatal(inp: Input, command: str, result: Result) -> None:
    assert_not_executed(result)
    if command == "validate" and result.stdout:
        assert_invalid_report(result, inp.line, inp.says)
    else:
        assert_input_error(result, inp.line, inp.says)


#: name -> (dataset, command, line the error names)
DATASET_FROM_ENVIRONMENT: dict[str, Any] = {
    "malformed-list": (
        static("dataset-malformed.yaml"),
        ("list",),
        line_of("dataset-malformed.yaml", "[Occitanie\n") + 1,
    ),
    "directory-list": (directory("folder.yaml"), ("list",), None),
    "python-tag-match": (
        static("dataset-python-apply.yaml"),
        ("match", str(HOSTILE / "profile-ok.yaml")),
        line_of("dataset-python-apply.yaml", "!!python"),
    ),
}


@plan
def plan_dataset_from_environment(p: dict[str, Any], folder: Path) -> Job:
    target = p["make"](folder)
    return Job(p["args"], folder, target, env=(("CLUSTERCTL_DATA", target),))


@pytest.mark.parametrize(("make", "args", "line"), cases(DATASET_FROM_ENVIRONMENT))
def test_dataset_from_environment(
    make: Make, args: tuple[str, ...], line: int | None, result: Result
) -> None:
    """CLUSTERCTL_DATA=FILE fails exactly like --data FILE."""
    assert_not_executed(result)
    assert_input_error(result, line)


DATASET_ACCEPTED: dict[str, Any] = {
    "bom-list": (b"\xef\xbb\xbf" + DATASET_OK.encode(), ("--data", "{}", "list")),
    "bom-validate": (b"\xef\xbb\xbf" + DATASET_OK.encode(), ("validate", "{}")),
    "stdin-list": (DATASET_OK.encode(), ("--data", "-", "list")),
}


@plan
def plan_dataset_accepted(p: dict[str, Any], folder: Path) -> Job:
    (folder / "data.yaml").write_bytes(p["content"])
    args = tuple(a.replace("{}", "data.yaml") for a in p["args"])
    if "list" in args:
        args = (*args, "--format", "csv")
    stdin = folder / "data.yaml" if "-" in args else None
    return Job(args, folder, "data.yaml", stdin=stdin)


@pytest.mark.parametrize(("content", "args"), cases(DATASET_ACCEPTED))
def test_dataset_accepted(
    content: bytes, args: tuple[str, ...], result: Result
) -> None:
    """A BOM or stdin: read like any other dataset."""
    assert_no_traceback(result)
    assert result.returncode == 0, str(result)
    if "list" in args:
        ids = [row["id"] for row in csv_rows(result.stdout)]
        assert ids == ["alpha-pole", "beta-pole"], str(result)


# ---------------------------------------------------------------------- batch
@dataclass(frozen=True)
class Register:
    """A company register and what a batch run must make of it: the lines that
    come out, those rejected and those warned about (by line number)."""

    make: Make
    good: frozenset[int]
    rejected: frozenset[int] = frozenset()
    warned: frozenset[int] = frozenset()
    args: tuple[str, ...] = ()
    stdin: bool = False
    says: str = ""


def register(
    make: Make,
    good: set[int],
    rejected: set[int] | None = None,
    warned: set[int] | None = None,
    *args: str,
    stdin: bool = False,
    says: str = "",
) -> Register:
    return Register(
        make,
        frozenset(good),
        frozenset(rejected or ()),
        frozenset(warned or ()),
        args,
        stdin,
        says,
    )


MIXED_CSV = b"".join(
    line + b"\n"
    for line in (
        b"name,siren,sectors,naf,postal_code,city",
        b"Good One,123456789,biotech,72.11Z,69007,Lyon",
        b"Too Few,123",  # 3: rejected
        b"Too Many,1,biotech,72.11Z,69007,Lyon,extra",  # 4: rejected
        b"Soci\xe9t\xe9 Latin,,biotech,72.11Z,69007,Lyon",  # 5: undecodable
        b",,biotech,72.11Z,69007,Lyon",  # 6: neither name nor identifier
        b"Bad NAF,,biotech,99.99Z,69007,Lyon",  # 7: warning
        b"Bad Postal Code,,drones,30.30Z,ABCDE,Toulouse",  # 8: warning
        b",123456782,aerospace,,33000,Bordeaux",  # 9: warning (no name)
        b'"Multi\nLine",,biotech,,69007,Lyon',  # 10-11
        b"",  # 12: blank, ignored
        b"Good Two,,drones,30.30Z,31000,Toulouse",  # 13
    )
)
MIXED = {"good": {2, 7, 8, 9, 10, 13}, "rejected": {3, 4, 5, 6}, "warned": {7, 8, 9}}
GOOD_CSV = (
    "name,sectors,naf,postal_code,city\n"
    "Acme Vaccins,biotech,72.11Z,69007,Lyon\n"
    "Drone Works,drones,30.30Z,31000,Toulouse\n"
    "Aero Parts,aerospace,,33000,Bordeaux\n"
)
LATIN1_CSV = GOOD_CSV.replace("Acme", "Société").encode("latin-1")
SIRENE_HEADER = (
    "siren,siret,denominationUniteLegale,activitePrincipaleEtablissement,"
    "codePostalEtablissement,etatAdministratifEtablissement\n"
)
CLOSED_ROW = "987654321,98765432100011,Closed Company SARL,62.01Z,75008,F\n"
CLOSED_ROWS = 11 * MB // len(CLOSED_ROW) + 1


def _closed_establishments() -> str:
    """Over 10 MB of SIRENE rows, all of closed establishments (skipped) but the
    first and the last."""
    return (
        SIRENE_HEADER
        + "123456789,12345678900011,Acme Vaccins,72.11Z,69007,A\n"
        + CLOSED_ROW * CLOSED_ROWS
        + "123456780,12345678000011,Drone Works,30.30Z,31000,A\n"
    )


def _big_field_csv() -> str:
    lines = GOOD_CSV.splitlines()
    lines.insert(2, "Huge," + "x" * (2 * MB) + ",,,")
    return "\n".join(lines) + "\n"


def _huge_line(folder: Path) -> str:
    """A register whose third line is 512 MB of NUL bytes, with no newline (a
    sparse file: nothing is written to disk)."""
    path = folder / "huge-line.csv"
    with path.open("wb") as handle:
        handle.write(b"name,sectors\nAcme Vaccins,biotech\n")
        handle.truncate(512 * MB)
    return path.name


BATCH: dict[str, Any] = {
    # the item with a Python tag is rejected by its line; the tag never runs
    "yaml-python-tag": register(
        static("register-python-tag.yaml"), {1}, {3}, None, says="rejected"
    ),
    "csv-mixed": register(written("mixed.csv", MIXED_CSV), **MIXED),
    "csv-gzip": register(written("mixed.csv.gz", gzip.compress(MIXED_CSV)), **MIXED),
    "csv-stdin": register(written("mixed.csv", MIXED_CSV), **MIXED, stdin=True),
    "csv-crlf": register(
        written("crlf.csv", GOOD_CSV.replace("\n", "\r\n")), {2, 3, 4}
    ),
    "csv-semicolon": register(static("register-semicolon.csv"), {2, 3}),
    "csv-semicolon-explicit": register(
        static("register-semicolon.csv"), {2, 3}, None, None, "--delimiter", ";"
    ),
    "csv-bom": register(
        written("bom.csv", b"\xef\xbb\xbf" + GOOD_CSV.encode()), {2, 3, 4}
    ),
    "csv-latin-1": register(
        written("latin1.csv", LATIN1_CSV), {3, 4}, {2}, says="--encoding latin-1"
    ),
    "csv-latin-1-with-encoding": register(
        written("latin1.csv", LATIN1_CSV),
        {2, 3, 4},
        None,
        None,
        "--encoding",
        "latin-1",
    ),
    "csv-header-only": register(static("register-header-only.csv"), set()),
    "csv-over-10-mb-streams": register(
        written("sirene.csv", _closed_establishments), {2, CLOSED_ROWS + 3}
    ),
    "csv-2-mb-field": register(
        written("big-field.csv", _big_field_csv), {2, 4, 5}, {3}
    ),
    "csv-unclosed-quote": pytest.param(
        register(static("register-unclosed-quote.csv"), {2, 4, 5}, {3})
    ),
    "csv-512-mb-line": register(_huge_line, {2}, {3}),
    "csv-utf-16": register(
        written("utf16.csv", GOOD_CSV.encode("utf-16")),
        {2, 3, 4},
        None,
        None,
        "--encoding",
        "utf-16",
    ),
    "ndjson": register(static("register.ndjson"), {1, 5, 9, 10}, {2, 3, 6, 7, 8}, {9}),
    "yaml-list": register(static("register.yaml"), {1, 8, 12, 16}, {4, 5, 11}, {12}),
}


def _batch_job(reg: Register, folder: Path) -> Job:
    target = reg.make(folder)
    source = "-" if reg.stdin else target
    args = ("match", "--batch", source, "--format", "csv", *reg.args)
    if reg.stdin:
        return Job(args, folder, "<stdin>", stdin=folder / target)
    return Job(args, folder, target)


@plan
def plan_batch(p: dict[str, Any], folder: Path) -> Job:
    return _batch_job(p["reg"], folder)


@pytest.mark.parametrize("reg", cases(BATCH))
def test_batch(reg: Register, result: Result) -> None:
    """Every good row comes out; every bad row is named by its line on stderr;
    no YAML tag ever runs."""
    label = result.label
    assert_no_traceback(result)
    assert_not_executed(result)
    lines = {int(row["line"]) for row in csv_rows(result.stdout)}
    assert lines == reg.good, str(result)
    for line in reg.warned:
        assert f"{label}:{line}: warning:" in result.stderr, str(result)
    rejected = {
        int(err[len(label) + 1 :].split(":", 1)[0])
        for err in result.stderr_lines
        if err.startswith(f"{label}:") and ": rejected:" in err
    }
    assert rejected == reg.rejected, str(result)
    last = result.stderr_lines[-1]
    assert last.startswith(f"clusterctl: {label}:"), str(result)
    assert "rows read" in last, str(result)
    assert reg.says in result.stderr, str(result)
    # 2: a row was rejected; 1: no company to match (no result); else 0
    expected = 2 if reg.rejected else 0 if reg.good else 1
    assert result.returncode == expected, str(result)


CONTROL_CSV = (
    "name,sectors,postal_code\n"
    "Acme Vaccins,biotech,69007\n"
    "Esc\x1b[2JName,biotech,69007\n"
    "Nul\x00Name,drones,31000\n"
    "Drone Works,drones,31000\n"
)


@plan
def plan_batch_control_characters(p: dict[str, Any], folder: Path) -> Job:
    return _batch_job(register(written("control.csv", CONTROL_CSV), set()), folder)


def test_batch_control_characters(result: Result) -> None:
    """NUL or a terminal escape in a name never reaches stdout raw (the row is
    rejected by line, or the name cleaned); the good rows come out."""
    assert_no_traceback(result)
    lines = {int(row["line"]) for row in csv_rows(result.stdout)}
    assert {2, 5} <= lines, str(result)
    assert "\x00" not in result.stdout, str(result)
    assert "\x1b" not in result.stdout, str(result)
    for line in {3, 4} - lines:
        assert f"control.csv:{line}: rejected:" in result.stderr, str(result)


#: name -> (register, line the error names, fragment it says)
BATCH_FATAL: dict[str, Any] = {
    "empty": (written("empty.csv", b""), None, "empty"),
    "no-known-column": (static("register-no-known-column.csv"), 1, "no known column"),
    "missing": (missing("no-such-register.csv"), None, "no such file"),
    "directory": (directory("folder.csv"), None, "directory"),
    "unknown-extension": (written("register.dat", GOOD_CSV), None, "--input-format"),
    "truncated-gzip": (written("cut.csv.gz", gzip.compress(MIXED_CSV)[:40]), None, ""),
}


@plan
def plan_batch_fatal(p: dict[str, Any], folder: Path) -> Job:
    return _batch_job(register(p["make"], set()), folder)


@pytest.mark.parametrize(("make", "line", "says"), cases(BATCH_FATAL))
def test_batch_fatal(make: Make, line: int | None, says: str, result: Result) -> None:
    """A register that cannot be read at all: one error, nothing on stdout (not
    even the CSV header), and no YAML tag ever runs."""
    assert_not_executed(result)
    assert_input_error(result, line, says)


BATCH_UNREADABLE: dict[str, Any] = {
    "invalid-date": pytest.param(static("register-invalid-date.yaml"), ()),
    "utf-8-read-as-utf-16": pytest.param(
        written("good.csv", GOOD_CSV), ("--encoding", "utf-16")
    ),
}


@plan
def plan_batch_unreadable(p: dict[str, Any], folder: Path) -> Job:
    return _batch_job(register(p["make"], set(), None, None, *p["args"]), folder)


@pytest.mark.parametrize(("make", "args"), cases(BATCH_UNREADABLE))
def test_batch_unreadable(make: Make, args: tuple[str, ...], result: Result) -> None:
    """A register the reader gives up on (wholly or row by row): exit 2 naming
    it, no traceback."""
    assert_no_traceback(result)
    assert result.returncode == 2, str(result)
    assert result.label in result.stderr, str(result)
