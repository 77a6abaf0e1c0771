"""Help and usage errors in the program's own voice.

Every error, Typer's and Click's included, is one line on stderr,
`clusterctl: error: ...`, in plain words, with the closest valid value when
there is one, and exit status 2 for a usage error. `--help` shows the main
commands first, in sections, and arguments by name (`CLUSTER`, not
`{name} <str>`). `clusterctl` alone prints a short help and exits 0: asking
the program what it does is not an error.

Help is written in English in the code (`N_()` marks it for the catalog)
and translated when it is shown, so that it follows the language chosen for
this run (`--lang`, read here before Click parses anything, `$CLUSTERCTL_LANG`
or the locale), Typer's and Click's own words (`Usage:`, `[default: ...]`,
`Show this message and exit.`) included: the help is laid out here, not by
Typer.

Imports nothing heavy: this runs for every `--help` and every Tab press.
"""

from __future__ import annotations

import inspect
import os
import re
import shlex
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from clusterctl import i18n
from clusterctl.errors import ExitCode
from clusterctl.i18n import N_, _

#: `--help` lists the commands in these sections, in this order.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("Commands"), ("match", "list", "show", "search", "related", "map", "init")),
    (N_("Vocabularies"), ("sectors", "regions", "naf")),
    (N_("Dataset tools"), ("info", "validate", "schema")),
)

#: Typer's and Click's own help texts, translated where they are shown.
TYPER_WORDS = (
    N_("Show this message and exit."),
    N_("Install completion for the current shell."),
    N_(
        "Show completion for the current shell, to copy it or customize the "
        "installation."
    ),
)

SHORT_HELP = N_("""\
clusterctl: France's pôles de compétitivité, and which of them fit a company.

  clusterctl match company.yaml        rank the clusters that fit a company
  clusterctl init company.yaml         write a company profile to fill in
  clusterctl list --sector biotech     list and filter the clusters
  clusterctl show cap-digital          one cluster, every field
  clusterctl search "aerospace"        search names, sectors and keywords
  clusterctl map --region Occitanie    draw the clusters on a map

'clusterctl --help' lists every command; 'clusterctl COMMAND --help' explains one.
""")


def error(message: str) -> None:
    """The one error format."""
    from clusterctl.formats import printable

    text = _("error: {message}").format(message=message)
    print(f"clusterctl: {printable(text)}", file=sys.stderr)


# ---------------------------------------------------------------- language
LANG_OPTION = "--lang"


def take_language(args: Sequence[str]) -> list[str]:
    """Use the language `--lang X` (or `--lang=X`) asks for, anywhere before
    `--`, and return the arguments without it (Click never sees it, so it is
    accepted before and after the command's name). Without it, the language
    comes from `$CLUSTERCTL_LANG` or the locale. A value that is not a language
    the program speaks is a usage error."""
    rest: list[str] = []
    value: str | None = None
    words = list(args)
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--":
            rest.extend(words[index:])
            break
        if word == LANG_OPTION:
            if index + 1 >= len(words):
                raise LanguageError(
                    _("{option} needs a value ({choices})").format(
                        option=LANG_OPTION, choices=_language_choices()
                    )
                )
            value = words[index + 1]
            index += 2
            continue
        if word.startswith(LANG_OPTION + "="):
            value = word.split("=", 1)[1]
        else:
            rest.append(word)
        index += 1
    if value is not None and i18n.parse_language(value) is None:
        refused = _("'{value}' is not one of {choices}").format(
            value=value, choices=_language_choices()
        )
        raise LanguageError(f"{LANG_OPTION}: {refused}")
    if value is not None:
        os.environ[i18n.ENV_LANG] = value  # worker processes speak it too
    code = i18n.detect_language(rest if value is None else [LANG_OPTION, value])
    if i18n.language() != code:
        i18n.set_language(code)
    return rest


def _language_choices() -> str:
    return ", ".join(reversed(i18n.LANGUAGES))


class LanguageError(ValueError):
    """`--lang` without a value, or naming a language the program lacks."""


# ---------------------------------------------------------------- help
class TranslatedHelp:
    """Help laid out in the language in use: the command's text, its epilog,
    its short help in the command list, every option's help and the words
    Typer and Click add (`Usage:`, `[default: ...]`, `[required]`)."""

    help: str | None
    epilog: str | None

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        if self.help:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(inspect.cleandoc(_(self.help)))

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        if self.epilog:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(inspect.cleandoc(_(self.epilog)))

    def get_short_help_str(self, limit: int = 45) -> str:
        from typer._click.utils import make_default_short_help

        return make_default_short_help(_(self.help), limit) if self.help else ""

    def format_parameters(self, ctx: Any, formatter: Any) -> None:
        """Arguments by name, then options, each with its help translated."""
        arguments, options = [], []
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            if param.param_type_name == "argument":
                arguments.append((_argument_name(param), param_help(param)))
            else:
                record = param.get_help_record(ctx)
                if record:
                    options.append((record[0], help_record_text(param, record[1])))
        if arguments:
            with section(formatter, _("Arguments")):
                formatter.write_dl(arguments)
        if options:
            with section(formatter, _("Options")):
                formatter.write_dl(options)


@contextmanager
def section(formatter: Any, title: str) -> Iterator[None]:
    """Click's `formatter.section`, its heading punctuated as the language
    wants (`Options:`, `Options :`)."""
    formatter.write_paragraph()
    heading = _("{title}:").format(title=title)
    formatter.write(f"{'':>{formatter.current_indent}}{heading}\n")
    formatter.indent()
    try:
        yield
    finally:
        formatter.dedent()


def param_help(param: Any) -> str:
    """A parameter's own help, in the language in use."""
    text = getattr(param, "help", None) or ""
    return _(text) if text else ""


def help_record_text(param: Any, text: str) -> str:
    """Click's help column (`help  [default: 5; x>=1]`) in the language in
    use: the parameter's help translated, and the bracket in words."""
    own = getattr(param, "help", None) or ""
    if own and text.startswith(own):
        text = _(own) + text[len(own) :]
    return in_words(text)


class ClusterctlCommand(TranslatedHelp, TyperCommand):
    """A command whose usage line and argument list name arguments plainly,
    whose ranges read `1 or more`, and whose errors know the command."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .complete import attach

        attach(self.name or "", self.params)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        given = list(args)
        try:
            return super().parse_args(ctx, args)
        except typer.TyperException as exc:
            if getattr(exc, "ctx", None) is None:
                exc.ctx = ctx  # type: ignore[attr-defined]
            exc.extra_args = _extra_words(str(exc.message), given)  # type: ignore[attr-defined]
            raise

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = _argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        self.format_parameters(ctx, formatter)


#: Click's range notations, and the words for them.
_RANGES = (
    (re.compile(r"^(?P<low>-?[\d.]+)<=x<=(?P<high>-?[\d.]+)$"), N_("{low} to {high}")),
    (re.compile(r"^x>=(?P<low>-?[\d.]+)$"), N_("{low} or more")),
    (re.compile(r"^x<=(?P<high>-?[\d.]+)$"), N_("{high} or less")),
    (re.compile(r"^x>(?P<low>-?[\d.]+)$"), N_("more than {low}")),
)
_BRACKET = re.compile(r"(?:^|  )\[([^\[\]]*)\]$")


def in_words(help_text: str) -> str:
    """Click's bracket after a help text, `[default: 5; x>=1]`, in the words
    of the language in use: `[default: 5; 1 or more]`."""
    found = _BRACKET.search(help_text)
    if found is None:
        return help_text
    words = [_extra_word(part) for part in found.group(1).split("; ")]
    bracket = "[" + i18n.join_clauses(words).strip() + "]"
    return help_text[: found.start(1) - 1] + bracket


def _extra_word(part: str) -> str:
    """One item of Click's bracket in words."""
    for pattern, words in _RANGES:
        matched = pattern.match(part)
        if matched:
            numbers = {
                key: i18n.format_decimal(float(value), None)
                for key, value in matched.groupdict().items()
            }
            return _(words).format(**numbers)
    name, sep, value = part.partition(": ")
    if sep and name == "default":
        return _("default: {value}").format(value=value)
    if sep and name == "env var":
        return _("env var: {variable}").format(variable=value)
    if part == "required":
        return _("required")
    return part


def _extra_words(message: str, given: Sequence[str]) -> list[str]:
    """The words Click calls `unexpected extra argument(s) (a b)`, as given
    (a word may hold spaces: `"Pays de la Loire"`)."""
    found = re.search(r"unexpected extra argument\(s\) \((.*)\)\s*$", message)
    if not found:
        return []
    text = found.group(1)
    for start in range(len(given)):
        for end in range(start + 1, len(given) + 1):
            if " ".join(given[start:end]) == text:
                return list(given[start:end])
    return text.split()


def _argument_name(param: Any) -> str:
    return str(param.metavar or param.name or "").strip("[]{}").upper()


class ClusterctlGroup(TranslatedHelp, TyperGroup):
    """The `clusterctl` command: sections in `--help`, errors in one voice,
    in the language `--lang` chooses."""

    def list_commands(self, ctx: Any) -> list[str]:
        known = [name for _title, names in SECTIONS for name in names]
        order = {name: i for i, name in enumerate(known)}
        return sorted(self.commands, key=lambda n: order.get(n, len(order)))

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        listed = set()
        sections = [(title, list(names)) for title, names in SECTIONS]
        others = [
            n
            for n in self.list_commands(ctx)
            if n not in dict.fromkeys(n for _title, names in SECTIONS for n in names)
        ]
        if others:
            sections[0][1].extend(others)
        width = max(len(n) for n in self.commands) if self.commands else 0
        limit = formatter.width - 6 - width
        for title, names in sections:
            rows = []
            for name in names:
                command = self.commands.get(name)
                if command is None or command.hidden or name in listed:
                    continue
                listed.add(name)
                rows.append((name, command.get_short_help_str(limit)))
            if rows:
                with section(formatter, _(title)):
                    formatter.write_dl(rows)

    def format_options(self, ctx: Any, formatter: Any) -> None:
        self.format_parameters(ctx, formatter)
        self.format_commands(ctx, formatter)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if args and name not in self.commands and not name.startswith("-"):
            raise _usage(no_such_command(name, list(self.commands)), ctx)
        return super().resolve_command(ctx, args)

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if _completing(args):
            from .shells import register

            register()
        if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
            extra.setdefault("color", False)  # Click's own messages, uncoloured
        if not _completing(args):
            try:
                args = take_language(sys.argv[1:] if args is None else args)
            except LanguageError as exc:
                error(str(exc))
                sys.exit(ExitCode.USAGE)
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        if not (sys.argv[1:] if args is None else args) and not _completing(args):
            short_help()  # at once: nothing to parse, nothing to load
            sys.exit(ExitCode.OK)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except typer.TyperException as exc:
            error(describe(exc))
            sys.exit(getattr(exc, "exit_code", ExitCode.USAGE))
        except typer.Abort:
            error(_("aborted"))
            sys.exit(ExitCode.NO_RESULT)
        sys.exit(code if isinstance(code, int) else ExitCode.OK)


def _completing(args: Sequence[str] | None) -> bool:
    """Completing, or writing a completion script."""
    given = sys.argv[1:] if args is None else args
    return bool(os.environ.get("_CLUSTERCTL_COMPLETE")) or any(
        a in ("--install-completion", "--show-completion") for a in given
    )


def _usage(message: str, ctx: typer.Context) -> Exception:
    """A Click usage error carrying our message (exit status 2)."""
    exc = typer.BadParameter(message, ctx=ctx)
    exc.plain = True  # type: ignore[attr-defined]
    return exc


def install(app: typer.Typer) -> None:
    """Give every command of `app` the plain usage line and argument list."""
    for command in app.registered_commands:
        if command.cls in (None, TyperCommand):
            command.cls = ClusterctlCommand


def short_help() -> None:
    """`clusterctl` alone: what it does, the commands to start with."""
    sys.stdout.write(_(SHORT_HELP))


# ---------------------------------------------------------------- errors
def describe(exc: Any) -> str:
    """A Typer or Click usage error as one line of plain words."""
    kind = type(exc).__name__
    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "clusterctl"
    see = _("; see '{command} --help'").format(command=where)
    if getattr(exc, "plain", False):
        return str(exc.message)
    if kind == "NoSuchOption":
        name = exc.option_name
        known = _option_names(ctx)
        hint = _closest(name, known)
        return _("no such option '{option}'").format(option=name) + (hint or see)
    message = str(getattr(exc, "message", exc)).strip()
    if kind == "MissingParameter":
        param = exc.param
        if param is not None and param.param_type_name == "argument":
            what = param_help(param).rstrip(".")
            name = _argument_name(param)
            if what:
                text = _("missing {argument}: {what}").format(
                    argument=name, what=what[:1].lower() + what[1:]
                )
            else:
                text = _("missing {argument}").format(argument=name)
            return text + see
        return _("missing {option}").format(option=_param_hint(exc)) + see
    if kind == "BadOptionUsage":
        return _option_usage(exc) + see
    if kind == "BadArgumentUsage" or "unexpected extra argument" in message:
        text = _extra_arguments(exc, ctx)
        return text if text.endswith(")") else text + see
    if kind == "BadParameter":
        return f"{_param_hint(exc)}: {_bad_value(exc)}"
    message = message.rstrip(".")
    return message[:1].lower() + message[1:]


def _param_hint(exc: Any) -> str:
    param = getattr(exc, "param", None)
    if param is None:
        hint = getattr(exc, "param_hint", None)
        if isinstance(hint, list | tuple):
            return "/".join(str(h) for h in hint)
        return str(hint or _("value"))
    if param.param_type_name == "argument":
        return _argument_name(param)
    return str(max(param.opts, key=len))


def _bad_value(exc: Any) -> str:
    """Why a value was refused: the valid choices (and the closest one), or
    pydantic's complaint in plain words, or the callback's own message."""
    param = getattr(exc, "param", None)
    value = _given_value(exc)
    choices = _choices_of(param)
    if choices and value is not None:
        hint = _closest(value, choices)
        return (
            _("'{value}' is not one of {choices}").format(
                value=value, choices=", ".join(choices)
            )
            + hint
        )
    cause = exc.__cause__
    if cause is not None and hasattr(cause, "errors"):
        from clusterctl.problems import plain_message, shorten

        errors = cause.errors(include_url=False)
        if errors:
            if not value:
                return plain_message(errors[0])
            return _("{message} (got {value})").format(
                message=plain_message(errors[0]), value=shorten(errors[0].get("input"))
            )
    message = str(exc.message).strip()
    return message[:1].lower() + message[1:]


def _given_value(exc: Any) -> str | None:
    cause = exc.__cause__
    if cause is not None and hasattr(cause, "errors"):
        errors = cause.errors(include_url=False)
        if errors and isinstance(errors[0].get("input"), str):
            return str(errors[0]["input"])
    return None


def _choices_of(param: Any) -> list[str]:
    descriptor = getattr(param, "type_descriptor", None)
    choices = getattr(descriptor, "choices", None) or ()
    return [str(getattr(c, "value", c)) for c in choices]


def _option_usage(exc: Any) -> str:
    """`Option '--limit' requires an argument.` -> `--limit needs a value (N)`."""
    name = getattr(exc, "option_name", "") or ""
    message = str(exc.message)
    if "requires an argument" in message or "requires" in message:
        metavar = _metavar_of(getattr(exc, "ctx", None), name)
        if metavar:
            return _("{option} needs a value ({choices})").format(
                option=name, choices=metavar
            )
        return _("{option} needs a value").format(option=name)
    if "does not take a value" in message:
        return _("{option} takes no value").format(option=name)
    return message[:1].lower() + message[1:].rstrip(".")


def _metavar_of(ctx: Any, option: str) -> str | None:
    if ctx is None:
        return None
    for param in ctx.command.get_params(ctx):
        if option in getattr(param, "opts", ()):
            return str(param.metavar) if param.metavar else None
    return None


def _extra_arguments(exc: Any, ctx: Any) -> str:
    """`Got unexpected extra argument (biotech)` -> what the word may be."""
    words = getattr(exc, "extra_args", None) or _extra_words(str(exc.message), [])
    command = ctx.info_name if ctx is not None else "clusterctl"
    first = words[0] if words else ""
    hint = filter_hint(first) if command in ("list", "map") else ""
    shown = " ".join(f"'{w}'" for w in words)
    text = _("{command} takes no argument {words}").format(command=command, words=shown)
    return text + hint


def shell_word(text: str) -> str:
    """`text` as one word of a command line, quoted only when it must be (in
    double quotes when that is enough: `"Pays de la Loire"`)."""
    if re.fullmatch(r"[\w@%+=:,./-]+", text):
        return text
    if not re.search(r'["$`\\!]', text):
        return f'"{text}"'
    return shlex.quote(text)


def word_kind(word: str) -> str | None:
    """ "sector" or "region" (a key, not a word to show) when `word` names
    one, else None."""
    for kind, looks_like in (("sector", _is_sector), ("region", _is_region)):
        if word and looks_like(word):
            return kind
    return None


def filter_hint(word: str) -> str:
    """` (to filter by sector, use --sector biotech)` when `word` names a sector
    (or a region), for a word given where an option was needed."""
    kind = word_kind(word)
    if kind is None:
        return ""
    if kind == "sector":
        text = _(" (to filter by sector, use --sector {word})")
    else:
        text = _(" (to filter by region, use --region {word})")
    return text.format(word=shell_word(word))


def not_a_cluster_hint(word: str) -> str | None:
    """For `show biotech`: `'biotech' is a sector: try 'clusterctl list
    --sector biotech'`; None when the word is neither a sector nor a region."""
    kind = word_kind(word)
    if kind is None:
        return None
    if kind == "sector":
        text = _("'{word}' is a sector, not a cluster: try '{command}'")
    else:
        text = _("'{word}' is a region, not a cluster: try '{command}'")
    command = f"clusterctl list --{kind} {shell_word(word)}"
    return text.format(word=word, command=command)


def _is_sector(word: str) -> bool:
    from clusterctl import query
    from clusterctl.errors import ClusterctlError

    try:
        return bool(query.resolve_sectors([word]))
    except ClusterctlError:
        return False


def _is_region(word: str) -> bool:
    from clusterctl import query
    from clusterctl.errors import ClusterctlError

    try:
        return bool(query.resolve_regions([word]))
    except ClusterctlError:
        return False


def no_such_command(name: str, commands: Sequence[str]) -> str:
    """`no such command 'lst' (did you mean 'list'?)`; for a file, the command
    that reads it."""
    hint = _closest(name, commands)
    if not hint and os.path.isfile(name):
        quoted = shell_word(name)
        if name.lower().endswith((".csv", ".csv.gz", ".ndjson", ".jsonl", ".gz")):
            hint = _(" (to match its companies: {command})").format(
                command=f"clusterctl match --batch {quoted}"
            )
        else:
            hint = _(" (to match this company: {command})").format(
                command=f"clusterctl match {quoted}"
            )
    see = _("; see '{command} --help'").format(command="clusterctl")
    return _("no such command '{name}'").format(name=name) + (hint or see)


def _option_names(ctx: Any) -> list[str]:
    if ctx is None:
        return []
    return [
        o
        for p in ctx.command.get_params(ctx)
        for o in getattr(p, "opts", ())
        if o.startswith("--")
    ]


def _closest(word: str, choices: Sequence[str]) -> str:
    from clusterctl.problems import did_you_mean

    return did_you_mean(word, choices)
