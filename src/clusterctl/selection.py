"""Which ranked matches a command shows: the best ones above a score, or the
one cluster a user asks about (`match --cluster`, "why not X?").

`search` (for names) is imported where it is used: most matches never need it.

Matches keep their rank in the full ranking, so that "rank 7" means the same
whatever is shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .errors import NotFoundError
from .i18n import _, format_date, pgettext
from .labels import cluster_label, phase_notice, status_text

if TYPE_CHECKING:
    from .dataset import ClusterRecord
    from .matching import Match, Matcher

Ranked = list[tuple[int, "Match"]]


def top_matches(ranked: Iterable[Match], top: int, min_score: float = 0.0) -> Ranked:
    """(rank, match) of the first `top` matches scoring `min_score` or more,
    ranked 1, 2, 3... among those kept (with current labels first, a match
    below the minimum may come before one above it: it is left out, not
    counted)."""
    kept = [m for m in ranked if m.score >= min_score]
    return list(enumerate(kept[:top], 1))


def require_clusters(matcher: Matcher, statuses: Sequence[str] | None) -> None:
    """A `NotFoundError` when the matcher has no cluster to rank: none in the
    dataset, or none whose label is in the states asked for (`statuses`, as
    given by the user), with the programme's phase notice when it has ended."""
    if matcher.clusters:
        return
    if not statuses:
        text = _("{file}: no current cluster to match against")
        raise NotFoundError(text.format(file=matcher.dataset.source))
    notice = phase_notice(matcher.dataset, matcher.on)
    either = pgettext("between filter values", " or ")
    text = _("no cluster's label is {states} on {date}").format(
        states=either.join(statuses), date=format_date(matcher.on)
    )
    raise NotFoundError(text + (f" ({notice})" if notice else ""))


def scored_target(matcher: Matcher, name: str) -> tuple[ClusterRecord, str | None]:
    """The cluster `name` designates, or its successor when it merged (with a
    note saying so): the cluster whose score `match --cluster` explains."""
    from .search import find_clusters

    target = find_clusters(matcher.dataset, name)[0]
    if not target.successor:
        return target, None
    note = _("{name} has merged into {successor}; scoring that instead").format(
        name=target.name, successor=target.successor
    )
    return matcher.dataset.get(target.successor) or target, note


def match_of(
    target: ClusterRecord, matcher: Matcher, ranked: Sequence[Match]
) -> Ranked:
    """The ranked match of `target`, as a one-item selection; a `NotFoundError`
    when it is not ranked, saying why (its label)."""
    for rank, m in enumerate(ranked, 1):
        if m.cluster.id == target.id:
            return [(rank, m)]
    state = cluster_label(target, matcher.on, matcher.programme)
    if state.status == "merged":
        text = _("'{name}' is not ranked: its label is {state} ({note})")
    else:
        text = _("'{name}' is not ranked: its label is {state} ({note}); try {option}")
    raise NotFoundError(
        text.format(
            name=target.name,
            state=status_text(state.status),
            note=state.note,
            option="--status all",
        )
    )
