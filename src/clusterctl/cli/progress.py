"""Progress of long work on stderr, for a person watching a terminal.

`RowProgress` shows the rows done and their rate and, when the size of the
input is known, the share of it read, a bar and the time left; a compressed
file counts too, by the compressed bytes read (pass `position`, the offset in
the file under the decompressor). Nothing is drawn when stderr is not a
terminal, nor when the results themselves go to the terminal (stdout is one):
then the rows appearing are the progress, and a bar would cut them. Messages
go through `progress.stderr`, which prints each line above the bar, so a
warning is never cut by it; the bar is cleared when the work ends, even on an
error.

Drawing uses Rich on a terminal that takes escape codes; with `NO_COLOR` or
`TERM=dumb` the line is rewritten with carriage returns only. Rich is
imported when the bar starts, never for `--help` or completion.

    with RowProgress(total=size, position=raw.tell) as progress:
        for block in blocks:
            ...
            progress.advance(len(block))
            progress.stderr.write(warnings_of(block))
"""

from __future__ import annotations

import io
import os
import sys
import time
from collections.abc import Callable
from typing import IO, Any, cast

from clusterctl.i18n import _, format_number, ngettext

#: At most this many redraws a second.
REFRESH = 8


def wanted(stream: IO[str]) -> bool:
    """A bar only on a terminal."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def plain(environ: Any = None) -> bool:
    env = os.environ if environ is None else environ
    return bool(env.get("NO_COLOR")) or env.get("TERM") == "dumb"


class RowProgress:
    """Rows done, rate, and with a known size percent, bar and time left."""

    def __init__(
        self,
        *,
        total: int | None = None,
        position: Callable[[], int] | None = None,
        label: str | None = None,
        stream: IO[str] | None = None,
        output: IO[str] | None = None,
        enabled: bool | None = None,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        output = output if output is not None else sys.stdout
        self.total = total if total and total > 0 else None
        self.position = position
        self.label = label if label is not None else _("matching")
        if enabled is None:
            enabled = wanted(self.stream) and not wanted(output)
        self.enabled = enabled
        self.rows = 0
        self.started = time.monotonic()
        self._drawn = 0.0
        self._bar: _Drawer | None = None
        self.stderr: IO[str] = (
            cast(IO[str], _Above(self)) if self.enabled else self.stream
        )

    # ------------------------------------------------------------ lifecycle
    def __enter__(self) -> RowProgress:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        if self.enabled and self._bar is None:
            self.started = time.monotonic()
            self._bar = (
                _PlainLine(self.stream) if plain() else _RichBar(self.stream, self)
            )
            self._bar.show(self)

    def stop(self) -> None:
        """Clear the bar (what was printed above it stays)."""
        if self._bar is not None:
            self.stderr.flush()
            self._bar.clear()
            self._bar = None

    # ------------------------------------------------------------ progress
    def advance(self, rows: int = 0) -> None:
        """`rows` more rows done; redraws at most `REFRESH` times a second."""
        self.rows += rows
        now = time.monotonic()
        if self._bar is not None and now - self._drawn >= 1 / REFRESH:
            self._drawn = now
            self._bar.show(self)

    def done_bytes(self) -> int | None:
        if self.position is None:
            return None
        try:
            return int(self.position())
        except (OSError, ValueError):  # a closed file: the work has ended
            return self.total

    def fraction(self) -> float | None:
        """How much of the input is read, 0 to 1, when its size is known."""
        done = self.done_bytes()
        if self.total is None or done is None:
            return None
        return max(0.0, min(1.0, done / self.total))

    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.rows / elapsed if elapsed > 0 else 0.0

    def remaining(self) -> float | None:
        """Seconds left, from the share read so far and the time it took."""
        share = self.fraction()
        elapsed = time.monotonic() - self.started
        if not share or share >= 1 or elapsed < 0.5:
            return None
        return elapsed * (1 - share) / share

    def text(self) -> str:
        """The line in words: `matching: 12,400 rows, 8,310 rows/s, 35%, 0:07 left`."""
        done = ngettext("{label}: {count} row", "{label}: {count} rows", self.rows)
        parts = [
            done.format(label=self.label, count=format_number(self.rows)),
            _("{rate} rows/s").format(rate=format_number(round(self.rate()))),
        ]
        share = self.fraction()
        if share is not None:
            parts.append(_("{percent}%").format(percent=round(share * 100)))
            left = self.remaining()
            if left is not None:
                parts.append(_("{time} left").format(time=_clock(left)))
        return ", ".join(parts)


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# ---------------------------------------------------------------- drawing
class _Drawer:
    def show(self, progress: RowProgress) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def above(self, text: str) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def clear(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class _PlainLine(_Drawer):
    """One line rewritten with carriage returns: no escape code at all."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.width = 0
        self.last = ""

    def show(self, progress: RowProgress) -> None:
        self.last = progress.text()
        self._write(self.last)

    def _write(self, text: str) -> None:
        import shutil

        text = text[: max(10, shutil.get_terminal_size((80, 24)).columns - 1)]
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = max(self.width, len(text))

    def above(self, text: str) -> None:
        self._erase()
        self.stream.write(text)
        if self.last:
            self._write(self.last)

    def _erase(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.width = 0

    def clear(self) -> None:
        self._erase()
        self.stream.flush()


class _RichBar(_Drawer):
    """Rich's progress display: the words, a bar when the size is known."""

    def __init__(self, stream: IO[str], progress: RowProgress) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn

        self.console = Console(file=stream, highlight=False, markup=False)
        columns: list[Any] = [TextColumn("{task.description}")]
        if progress.total is not None:
            columns.append(BarColumn(bar_width=24))
        self.rich = Progress(
            *columns,
            console=self.console,
            transient=True,
            auto_refresh=False,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.task = self.rich.add_task(progress.text(), total=1.0)
        self.rich.start()

    def show(self, progress: RowProgress) -> None:
        share = progress.fraction()
        self.rich.update(self.task, description=progress.text(), completed=share or 0)
        self.rich.refresh()

    def above(self, text: str) -> None:
        self.console.print(text, end="", soft_wrap=True, markup=False, highlight=False)

    def clear(self) -> None:
        self.rich.stop()


class _Above(io.TextIOBase):
    """stderr while the bar shows: whole lines go above the bar; a partial
    line waits for its end."""

    def __init__(self, progress: RowProgress) -> None:
        self.progress = progress
        self.pending = ""

    def write(self, text: str) -> int:
        self.pending += text
        if "\n" in self.pending:
            lines, _, self.pending = self.pending.rpartition("\n")
            self._emit(lines + "\n")
        return len(text)

    def _emit(self, text: str) -> None:
        bar = self.progress._bar
        if bar is None:
            self.progress.stream.write(text)
        else:
            bar.above(text)

    def flush(self) -> None:
        if self.pending:
            text, self.pending = self.pending, ""
            self._emit(text + "\n")
        self.progress.stream.flush()

    def isatty(self) -> bool:
        return wanted(self.progress.stream)

    def writable(self) -> bool:
        return True
