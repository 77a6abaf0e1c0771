"""Completion glue for bash, zsh and fish: scripts, and candidates written the
way each shell inserts them.

- bash inserts a candidate as it is given: candidates are quoted here for the
  word being completed (`Pays\\ de\\ la\\ Loire`; inside an opened quote, the
  rest of the value and the closing quote: `'Provence-Alpes-Côte d'\\''Azur'`).
- zsh quotes what it inserts; the script adds the candidates with `compadd -U`
  so that zsh keeps them although they differ from what was typed in case or
  accents (`ile` -> `Île-de-France`).
- fish escapes what it inserts but keeps only candidates that match what was
  typed, ignoring case but not accents: a candidate is given without its
  accents when what was typed has none (`Ile-de-France`, which `--region`
  accepts as well).

These classes replace Typer's for the three shells (`register`), for
completion itself and for the scripts `--install-completion` and
`--show-completion` write.
"""

from __future__ import annotations

import os
import re
import unicodedata
from typing import Any

from typer._completion_classes import BashComplete, FishComplete, ZshComplete

from clusterctl.i18n import _
from clusterctl.text import normalize

#: The word being completed, as typed (with an opening quote, if any).
WORD_VAR = "_CLUSTERCTL_WORD"

BASH_SCRIPT = r"""
%(complete_func)s() {
    local IFS=$'\n'
    mapfile -t COMPREPLY < <(env COMP_WORDS="${COMP_WORDS[*]}" \
        COMP_CWORD=$COMP_CWORD _CLUSTERCTL_WORD="${COMP_WORDS[COMP_CWORD]}" \
        %(autocomplete_var)s=complete_bash $1 2>/dev/null)
    return 0
}

complete -o default -F %(complete_func)s %(prog_name)s
"""

ZSH_SCRIPT = r"""
#compdef %(prog_name)s

%(complete_func)s() {
  local -a values shown lines
  local line
  lines=("${(@f)$(env _TYPER_COMPLETE_ARGS="${words[1,$CURRENT]}" \
      %(autocomplete_var)s=complete_zsh %(prog_name)s 2>/dev/null)}")
  for line in "${lines[@]}"; do
    [[ -z $line ]] && continue
    values+=("${line%%%%$'\t'*}")
    if [[ $line == *$'\t'* ]]; then
      shown+=("${line%%%%$'\t'*}  -- ${line#*$'\t'}")
    else
      shown+=("$line")
    fi
  done
  if (( ${#values} )); then
    compadd -U -l -d shown -- "${values[@]}"
  else
    _files
  fi
}

compdef %(complete_func)s %(prog_name)s
"""

FISH_SCRIPT = (
    "complete --command %(prog_name)s --no-files --arguments "
    '"(env %(autocomplete_var)s=complete_fish _TYPER_COMPLETE_FISH_ACTION=get-args '
    '_TYPER_COMPLETE_ARGS=(commandline -cp) %(prog_name)s)" --condition '
    '"env %(autocomplete_var)s=complete_fish _TYPER_COMPLETE_FISH_ACTION=is-args '
    '_TYPER_COMPLETE_ARGS=(commandline -cp) %(prog_name)s"'
)


# ---------------------------------------------------------------- quoting
_BASH_SPECIAL = re.compile(r"""([\s'"\\$`!&;|<>(){}\[\]*?#~=:])""")


def bash_word(value: str, typed: str) -> str:
    """`value` as bash should insert it in place of `typed` (the word as it
    is on the command line, opening quote included)."""
    if typed.startswith("'"):
        return value.replace("'", "'\\''") + "'"
    if typed.startswith('"'):
        return re.sub(r'(["\\$`])', r"\\\1", value) + '"'
    return _BASH_SPECIAL.sub(r"\\\1", value)


def plain_letters(text: str) -> str:
    """`text` without accents: `Île-de-France` -> `Ile-de-France`."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fish_word(value: str, typed: str) -> str:
    """`value`, or its unaccented spelling when `typed` has no accents and
    fish would otherwise drop it as not matching."""
    if not typed or value.casefold().startswith(typed.casefold()):
        return value
    plain = plain_letters(value)
    if normalize(plain) == normalize(value) and plain != value:
        return plain
    return value


def _last_word(args: str) -> str:
    """The word being completed at the end of a command line as typed."""
    from typer._click.shell_completion import split_arg_string

    if not args or args.endswith(" "):
        return ""
    words = split_arg_string(args)
    return words[-1] if words else ""


# ---------------------------------------------------------------- fast path
def quick_completions(cli: Any, args: list[str], incomplete: str) -> list[Any] | None:
    """Candidates for the value of an option (or a CLUSTER argument) found
    without building Click's contexts, which would convert every option typed
    so far and import pydantic on each Tab. None when Click must decide."""
    from typer._click.shell_completion import CompletionItem

    from .complete import COMPLETERS, matching
    from .usage import LANG_OPTION

    words = list(args)
    if words and words[-1] == LANG_OPTION:  # taken before or after the command
        from clusterctl.i18n import LANGUAGES

        return [CompletionItem(v) for v in matching(LANGUAGES, incomplete)]
    commands = getattr(cli, "commands", {})
    name = next((w for w in words if w in commands), None)
    if name is None:
        if incomplete.startswith("-") or (words and _option(cli, words[-1])):
            return None
        return [
            CompletionItem(n, help=commands[n].get_short_help_str())
            for n in cli.list_commands(None)
            if n.startswith(incomplete) and not commands[n].hidden
        ]
    command = commands[name]
    if incomplete.startswith("-") and not _takes_value(cli, name, words):
        from .usage import param_help

        names = [
            (opt, param_help(p) or None)
            for p in command.params
            if p.param_type_name == "option" and not getattr(p, "hidden", False)
            for opt in p.opts
            if opt.startswith("--") or not incomplete[1:]
        ]
        names.append(("--help", _("Show the command's help.")))
        names.append((LANG_OPTION, _("Language of messages, tables and help.")))
        return [CompletionItem(o, help=h) for o, h in names if o.startswith(incomplete)]
    after = words[words.index(name) + 1 :]
    param = _value_of(command, after)
    if param is None:
        return None
    completer = COMPLETERS.get(f"{name}.{param.name}") or COMPLETERS.get(
        param.name or ""
    )
    if completer is None:
        return None
    ctx = _light_context(cli, command, name, words)
    return [CompletionItem(v) for v in completer(ctx, incomplete)]


def _takes_value(cli: Any, name: str, words: list[str]) -> bool:
    """`--sort -na`: the incomplete word is the value of the option before it."""
    param = _option(cli.commands[name], words[-1]) if words else None
    return param is not None and not getattr(param, "is_flag", False)


def _option(command: Any, word: str) -> Any:
    return next(
        (
            p
            for p in command.params
            if word in getattr(p, "opts", ()) and p.param_type_name == "option"
        ),
        None,
    )


def _value_of(command: Any, after: list[str]) -> Any:
    """The parameter the next word gives a value to, if Click is not needed
    to know it: the option just typed, or the command's first argument."""
    if after:
        option = _option(command, after[-1])
        if option is not None:
            return None if option.is_flag or option.count else option
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    positional = [
        w
        for i, w in enumerate(after)
        if not w.startswith("-") and not (i and _takes(command, after[i - 1]))
    ]
    return arguments[0] if len(arguments) == 1 and not positional else None


def _takes(command: Any, word: str) -> bool:
    option = _option(command, word)
    return option is not None and not option.is_flag


def _light_context(cli: Any, command: Any, name: str, words: list[str]) -> Any:
    """A context with what completers read: the command's name, `--near`
    and `--data` as typed."""
    import typer

    root = typer.Context(cli, info_name="clusterctl", resilient_parsing=True)
    ctx = typer.Context(command, info_name=name, parent=root, resilient_parsing=True)
    for option, key in (("--data", "data"), ("-d", "data"), ("--near", "near")):
        if option in words[:-1]:
            ctx.params[key] = words[words.index(option) + 1]
    return ctx


class _Quick:
    """Shell classes try the fast path before Click's resolution."""

    def get_completions(self, args: list[str], incomplete: str) -> list[Any]:
        found = quick_completions(self.cli, args, incomplete)  # type: ignore[attr-defined]
        if found is not None:
            return found
        found = super().get_completions(args, incomplete)  # type: ignore[misc]
        return list(found)


# ---------------------------------------------------------------- classes
class Bash(_Quick, BashComplete):
    source_template = BASH_SCRIPT

    def format_completion(self, item: Any) -> str:
        return bash_word(str(item.value), os.environ.get(WORD_VAR, ""))


class Zsh(_Quick, ZshComplete):
    source_template = ZSH_SCRIPT

    def format_completion(self, item: Any) -> str:
        value = str(item.value).replace("\n", " ")
        help_text = " ".join(str(item.help or "").split())
        return f"{value}\t{help_text}" if help_text else value

    def complete(self) -> str:
        args, incomplete = self.get_completion_args()
        return "\n".join(
            self.format_completion(i) for i in self.get_completions(args, incomplete)
        )


class Fish(_Quick, FishComplete):
    source_template = FISH_SCRIPT

    def format_completion(self, item: Any) -> str:
        typed = _last_word(os.environ.get("_TYPER_COMPLETE_ARGS", ""))
        value = fish_word(str(item.value), typed)
        help_text = " ".join(str(item.help or "").split())
        return f"{value}\t{help_text}" if help_text else value


SHELLS: dict[str, Any] = {"bash": Bash, "zsh": Zsh, "fish": Fish}


def register() -> None:
    """Use these classes and scripts for bash, zsh and fish (for completion,
    `--install-completion` and `--show-completion`)."""
    from typer import _completion_shared
    from typer._click.shell_completion import add_completion_class

    for name, cls in SHELLS.items():
        add_completion_class(cls, name)
        _completion_shared._completion_scripts[name] = cls.source_template
