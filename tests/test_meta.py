"""The shape of the program: fast imports, every command documented and wrapped."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from clusterctl.cli import app

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
SRC = Path(__file__).parent.parent / "src" / "clusterctl"
HEAVY = ("rich", "pydantic", "rapidfuzz", "yaml", "numpy")


def test_importing_the_cli_loads_no_heavy_module():
    code = "import clusterctl.cli, sys; print(' '.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    loaded = sorted({m.split(".")[0] for m in out if m.startswith(HEAVY)})
    assert loaded == []


def test_the_plain_model_of_a_cluster_loads_no_heavy_module():
    """Plain records, their fields and vocabularies are what `list` reads from
    the cache: none of them may pull pydantic or YAML in."""
    code = (
        "import clusterctl.dataset, clusterctl.records, clusterctl.vocabulary, sys\n"
        "print(' '.join(sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert sorted({m.split(".")[0] for m in out if m.startswith(HEAVY)}) == []


def test_a_cluster_has_one_name_in_the_code():
    """The plain record is `ClusterRecord` everywhere and the pydantic model
    `models.Cluster`: no module imports one under the other's name."""
    offenders = [
        f"{path.relative_to(SRC)}:{n}"
        for path in sorted(SRC.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"import .*\bClusterRecord as\b|\bas ClusterRecord\b", line)
    ]
    assert offenders == []


def test_command_modules_do_not_import_the_cli_package():
    """`clusterctl.cli` imports the command modules; they take `app` from
    `cli.app`, never from the package, so that nothing imports in a circle."""
    folder = SRC / "cli"
    modules = {p.stem for p in folder.glob("*.py")}
    cycles = []
    for path in sorted(folder.glob("*.py")):
        if path.name == "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            names = {a.name for a in node.names}
            if (node.level == 0 and node.module == "clusterctl.cli") or (
                node.level == 1 and not node.module and names - modules
            ):
                cycles.append(f"{path.name}:{node.lineno}")
    assert cycles == []


def test_list_json_needs_no_rich_or_rapidfuzz(tmp_path):
    code = (
        "import sys, io, contextlib\n"
        "from clusterctl.cli import app\n"
        "sys.argv = ['clusterctl', 'list', '--format', 'json']\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        app()\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(' '.join(sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert not [m for m in out if m.startswith(("rich", "rapidfuzz"))]


def test_every_command_is_documented_wrapped_and_in_readme():
    names = []
    for command in app.registered_commands:
        callback = command.callback
        name = command.name or callback.__name__
        names.append(name)
        help_text = command.help or callback.__doc__  # help=N_(...) when given
        assert help_text, name
        assert "Example:" in help_text, name
        assert hasattr(callback, "__wrapped__"), f"{name} lacks @user_errors"
        assert f"clusterctl {name}" in README, f"README does not show {name}"
    assert set(names) >= {
        "list",
        "show",
        "search",
        "match",
        "related",
        "sectors",
        "regions",
        "naf",
        "info",
        "validate",
        "schema",
        "init",
    }


def test_python_dash_m_help():
    result = subprocess.run(
        [sys.executable, "-m", "clusterctl", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "Exit status: 0 results printed" in result.stdout
