"""Shell completion offers only what the command accepts, whatever the case
and accents typed, quoted right for bash, zsh and fish.

Candidates come from the completion entry point (`_CLUSTERCTL_COMPLETE`), as
the shells ask for them; each one is then run through the command, which must
accept it. The real shells are driven in tmux when they are installed."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time

import pytest

from clusterctl.cli import app
from clusterctl.cli.shells import bash_word, fish_word
from conftest import PLAIN_ENV, SMALL, clusterctl_command, plain_env


def candidates(runner, line, shell="bash", word=None):
    """What the completion entry point answers for the command line `line`
    (the last word being completed, empty after a space)."""
    from typer._click.shell_completion import split_arg_string

    words = split_arg_string(line)
    current = "" if line.endswith(" ") else words[-1]
    env = {**PLAIN_ENV, "_CLUSTERCTL_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        env |= {
            "COMP_WORDS": "clusterctl " + line,
            "COMP_CWORD": str(len(words) + (1 if line.endswith(" ") else 0)),
            "_CLUSTERCTL_WORD": current if word is None else word,
        }
    else:
        env |= {"_TYPER_COMPLETE_ARGS": "clusterctl " + line}
        if shell == "fish":
            env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    result = runner.invoke(app, [], env=env, prog_name="clusterctl")
    assert result.exit_code == 0, result.output
    return [c for c in result.stdout.split("\n") if c]


def bash_values(runner, line):
    """Candidates as bash would put them on the command line, unquoted."""
    return [shlex.split(c)[0] for c in candidates(runner, line)]


# ---------------------------------------------------------------- accepted
def accepted(runner, args):
    result = runner.invoke(app, [*args, "-f", "json"] if "-f" not in args else args)
    return result.exit_code in (0, 1), result.stderr


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("list --sector ", ["list", "--sector"]),
        ("list --region ", ["list", "--region"]),
        ("list --status ", ["list", "--status"]),
        ("map --status ", ["list", "--status"]),
        ("list --member-type ", ["list", "--member-type"]),
        ("list --sort ", ["list", "--sort"]),
        ("list --sort -", ["list", "--sort"]),
        ("list --fields ", ["list", "--fields"]),
        ("show --fields ", ["show", "cap-digital", "--fields"]),
        ("search --fields ", ["search", "aerospace", "--fields"]),
        ("related --fields ", ["related", "pmt", "--fields"]),
        ("sectors --fields ", ["sectors", "--fields"]),
        ("regions --fields ", ["regions", "--fields"]),
        ("show ", ["show"]),
        ("related ", ["related"]),
        ("list --format ", ["list", "--format"]),
    ],
)
def test_every_candidate_is_accepted(runner, line, command):
    values = bash_values(runner, line)
    assert values, line
    for value in values:
        if value == "help":
            continue
        ok, stderr = accepted(runner, [*command, value])
        assert ok, (line, value, stderr)


def test_match_offers_the_states_it_ranks(runner, tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("name: A\nsectors: [biotech]\n", encoding="utf-8")
    values = bash_values(runner, "match p.yaml --status ")
    assert "merged" not in values
    assert {"current", "doubtful", "all"} <= set(values)
    for value in values:
        result = runner.invoke(app, ["match", str(profile), "--status", value])
        assert result.exit_code in (0, 1), (value, result.stderr)
    assert bash_values(runner, "match p.yaml --cluster cap") == [
        "cap-digital",
        "capenergies",
    ]


def test_input_formats_offered_are_read(runner, tmp_path):
    registers = {
        "csv": "name,naf\nAcme,30.30Z\n",
        "ndjson": '{"name": "Acme", "naf": "30.30Z"}\n',
        "yaml": "- name: Acme\n  naf: 30.30Z\n",
    }
    values = bash_values(runner, "match --batch x --input-format ")
    assert sorted(values) == sorted(registers)
    for value in values:
        path = tmp_path / "register.txt"
        path.write_text(registers[value], encoding="utf-8")
        result = runner.invoke(
            app, ["match", "--batch", str(path), "--input-format", value, "-f", "csv"]
        )
        assert result.exit_code == 0, (value, result.stderr)


def test_sectors_are_the_taxonomy_ids_only(runner):
    sectors = json.loads(runner.invoke(app, ["sectors", "-f", "json"]).stdout)
    values = bash_values(runner, "list --sector ")
    assert values == [s["id"] for s in sectors]
    ecosystems = {s["ecosystem"] for s in sectors} - {s["id"] for s in sectors}
    assert ecosystems  # the EU ecosystem ids, which --sector rejects
    assert not ecosystems & set(values)


def test_cluster_ids_come_from_the_dataset_in_use(runner):
    small = {
        c["id"]
        for c in json.loads(
            runner.invoke(
                app, ["list", "-d", SMALL, "--status", "all", "-f", "json"]
            ).stdout
        )
    }
    assert set(bash_values(runner, f"-d {SMALL} show ")) == small
    assert set(bash_values(runner, f"show --data {SMALL} ")) == small


# ---------------------------------------------------------------- matching
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("list --region ile", ["Île-de-France"]),
        ("list --region PAYS", ["Pays de la Loire"]),
        ("list --region loire", ["Centre-Val de Loire", "Pays de la Loire"]),
        ("list --region paca", ["Provence-Alpes-Côte d'Azur"]),
        ("list --region provence-alpes-cote", ["Provence-Alpes-Côte d'Azur"]),
        ("list --sector BIO", ["biotech", "bioeconomy"]),
        ("list --status DOUB", ["doubtful"]),
        ("list --member-type Start", ["startup"]),
        ("list --fields id,na", ["id,name", "id,naf"]),
        ("list --sort -na", ["-name", "-naf"]),
        ("show DIGITAL", ["cap-digital"]),
        ("list --format JS", ["json", "jsonl"]),
        ("schema pro", ["profile"]),
    ],
)
def test_case_and_accents_do_not_matter(runner, line, expected):
    assert bash_values(runner, line) == expected


def test_a_french_sector_word_completes_to_what_sector_accepts(runner):
    values = bash_values(runner, "list --sector sante")
    assert values[0] == "Santé"
    for value in values[:5]:
        assert accepted(runner, ["list", "--sector", value])[0], value


# ---------------------------------------------------------------- quoting
@pytest.mark.parametrize(
    ("value", "typed", "expected"),
    [
        ("Pays de la Loire", "pays", r"Pays\ de\ la\ Loire"),
        ("Provence-Alpes-Côte d'Azur", "prov", r"Provence-Alpes-Côte\ d\'Azur"),
        ("Provence-Alpes-Côte d'Azur", "'Prov", "Provence-Alpes-Côte d'\\''Azur'"),
        ("Provence-Alpes-Côte d'Azur", '"Prov', "Provence-Alpes-Côte d'Azur\""),
        ("Île-de-France", "ile", "Île-de-France"),
    ],
)
def test_bash_words_are_quoted_for_the_word_being_typed(value, typed, expected):
    word = bash_word(value, typed)
    assert word == expected
    opening = typed[0] if typed[0] in "'\"" else ""
    line = f"printf '%s\\n' {opening}{word}"
    shown = subprocess.run(
        ["bash", "-c", line], capture_output=True, text=True, check=True
    ).stdout
    assert shown == value + "\n"


def test_the_entry_point_quotes_for_bash_and_leaves_zsh_and_fish_to_the_shell(
    runner,
):
    assert candidates(runner, "list --region pays") == [r"Pays\ de\ la\ Loire"]
    assert candidates(runner, "list --region 'Prov", word="'Prov") == [
        "Provence-Alpes-Côte d'\\''Azur'"
    ]
    assert candidates(runner, "list --region pays", shell="zsh") == ["Pays de la Loire"]
    assert candidates(runner, "list --region ile", shell="fish") == ["Ile-de-France"]
    assert fish_word("Île-de-France", "Île") == "Île-de-France"


def test_completion_imports_nothing_heavy():
    code = (
        "import os, sys\n"
        "os.environ.update(_CLUSTERCTL_COMPLETE='complete_bash', "
        "COMP_WORDS='clusterctl list --region pa', COMP_CWORD='3')\n"
        "sys.argv = ['clusterctl']\n"
        "from clusterctl.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sys.modules), file=sys.stderr)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=plain_env()
    )
    assert run.stdout == "Pays\\ de\\ la\\ Loire\n"
    heavy = ("rich", "pydantic", "yaml", "rapidfuzz", "numpy")
    assert not [m for m in run.stderr.split() if m.startswith(heavy)]


def test_scripts_for_each_shell():
    env = plain_env(_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1")
    for shell, marker in (
        ("bash", "_CLUSTERCTL_WORD="),
        ("zsh", "compadd -U"),
        ("fish", "complete --command clusterctl"),
    ):
        script = subprocess.run(
            [*clusterctl_command(), "--show-completion", shell],
            capture_output=True,
            text=True,
            env=env,
        ).stdout
        assert marker in script, shell


# ---------------------------------------------------------------- real shells
SHELL_SETUP = {
    "bash": "bash --norc",
    "zsh": "env ZDOTDIR=/nonexistent zsh -f",
    "fish": "fish --no-config",
}
SHELL_INIT = {
    "bash": "PS1='$ '; source {script}",
    "zsh": "PS1='$ '; autoload -Uz compinit; compinit -u; source {script}",
    "fish": "function fish_prompt; echo '$ '; end; source {script}",
}


def _screen(session):
    return subprocess.run(
        ["tmux", "capture-pane", "-t", session, "-p"], capture_output=True, text=True
    ).stdout


def _wait(session, ready, seconds=30.0):
    """Poll the screen until `ready(screen)` (a loaded machine is slow)."""
    screen = ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        screen = _screen(session)
        if ready(screen):
            break
        time.sleep(0.25)
    return screen


def typed_in(shell, script, text):
    """The command line after typing `text` and Tab in `shell` (in tmux)."""
    session = f"clusterctl-test-{shell}-{os.getpid()}"
    bindir = os.path.dirname(clusterctl_command()[0])
    tmux = ["tmux", "new-session", "-d", "-s", session, "-x", "160", "-y", "20"]
    subprocess.run([*tmux, SHELL_SETUP[shell]], check=True)
    try:
        if shell == "fish":
            path = f"set -x PATH {bindir} $PATH"
        else:
            path = f"export PATH={bindir}:$PATH"
        init = SHELL_INIT[shell].format(script=script)
        keys = f"{path}; {init}; clear; echo READY"
        subprocess.run(["tmux", "send-keys", "-t", session, keys, "Enter"], check=True)
        _wait(session, lambda s: any(x.strip() == "READY" for x in s.splitlines()))
        subprocess.run(["tmux", "send-keys", "-t", session, "-l", text], check=True)
        subprocess.run(["tmux", "send-keys", "-t", session, "Tab"], check=True)

        def completed(screen):
            lines = [x for x in screen.splitlines() if x.startswith("$ clusterctl")]
            return bool(lines) and lines[-1].rstrip() != "$ " + text.rstrip()

        screen = _wait(session, completed)
        lines = [x for x in screen.splitlines() if x.startswith("$ clusterctl")]
        return lines[-1][2:].rstrip() if lines else screen
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_real_shells_insert_regions_quoted(shell, tmp_path):
    if not (shutil.which("tmux") and shutil.which(shell)):
        pytest.skip(f"needs tmux and {shell}")
    script = tmp_path / f"completion.{shell}"
    script.write_text(
        subprocess.run(
            [*clusterctl_command(), "--show-completion", shell],
            capture_output=True,
            text=True,
            env=plain_env(_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1"),
            check=True,
        ).stdout,
        encoding="utf-8",
    )
    for typed in ("clusterctl list --region pays", "clusterctl list --region 'prov"):
        line = typed_in(shell, script, typed)
        assert line.startswith("clusterctl list --region "), line
        # the line as the shell itself reads it: one word, the region's name
        echo = line.replace("clusterctl list --region", "printf '%s\\n'", 1)
        words = subprocess.run(
            [shell, "-c", echo], capture_output=True, text=True, check=True
        ).stdout.splitlines()
        assert words in (["Pays de la Loire"], ["Provence-Alpes-Côte d'Azur"]), line


@pytest.mark.parametrize(
    ("args", "constant"),
    [
        (["sectors"], "SECTOR_FIELDS"),
        (["regions"], "REGION_FIELDS"),
        (["search", "aerospace"], "SEARCH_FIELDS"),
        (["related", "pmt"], "RELATED_FIELDS"),
    ],
)
def test_completed_fields_are_the_records_fields(runner, args, constant):
    from clusterctl.cli import browse, matchcmd

    fields = getattr(browse, constant, None) or getattr(matchcmd, constant)
    record = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)[0]
    assert tuple(record) == fields
