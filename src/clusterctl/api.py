"""The library interface, for notebooks and scripts.

    >>> from clusterctl import load_dataset, match
    >>> result = match({"name": "Acme", "sectors": ["biotech"], "location": "Lyon"})
    >>> result["matches"][0]["id"]
    'lyonbiopole'

`match` returns exactly the object `clusterctl match --format json` prints;
`match_many` streams the records of `clusterctl match --batch --format ndjson`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .dataset import Dataset, load_dataset
from .errors import ProfileError
from .i18n import _

if TYPE_CHECKING:
    from .matching import Matcher

__all__ = ["load_dataset", "match", "match_many", "matcher"]


def matcher(
    dataset: Dataset | str | None = None,
    weights: Mapping[str, float] | str | None = None,
) -> Matcher:
    """A reusable matcher (build it once when matching many profiles)."""
    from .matching import Matcher, parse_weights

    if not isinstance(dataset, Dataset):
        dataset = load_dataset(dataset)
    if weights is None or isinstance(weights, str):
        return Matcher(dataset, parse_weights(weights))  # the --weights syntax
    return Matcher(dataset, weights)  # criteria not given weigh 0


def match(
    profile: Mapping[str, Any] | str | Path,
    *,
    dataset: Dataset | str | None = None,
    top: int = 5,
    min_score: float = 0.0,
    weights: Mapping[str, float] | str | None = None,
    explain: bool = False,
    using: Matcher | None = None,
) -> dict[str, Any]:
    """Rank clusters for one company: a profile mapping or a YAML/JSON file path.
    `explain=True` gives every match's full detail, as `--explain` does."""
    from .matching import match_result
    from .profiles import resolve_profile
    from .selection import top_matches

    m = using or matcher(dataset, weights)
    company = resolve_profile(_profile(profile))
    selected = top_matches(m.match(company), top, min_score)
    return match_result(m, company, selected, explain=explain)


def match_many(
    profiles: Iterable[Mapping[str, Any]],
    *,
    dataset: Dataset | str | None = None,
    top: int = 3,
    min_score: float = 0.0,
    weights: Mapping[str, float] | str | None = None,
    explain: bool = False,
    on_reject: Callable[[int, str], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Rank clusters for many companies, fast (the batch path): one record per
    profile, exactly the object `clusterctl match --batch -f ndjson` prints for
    the same profiles written one per line, `line` being the profile's position
    from 1: {"line", "company", "matches", "warnings": [{"code", "text"}]}.
    A profile that fails validation is passed to `on_reject(line, reason)`;
    without `on_reject` it raises ProfileError."""
    from .batch import CHUNK, BatchMatcher, Block, RowRejected, batch_record

    m = matcher(dataset, weights)
    bm = BatchMatcher(m)
    block = Block()

    def flush() -> Iterator[dict[str, Any]]:
        if len(block):
            bm.score(block, top, min_score)
            for i in range(len(block)):
                yield batch_record(bm, block, i, explain=explain, min_score=min_score)

    for line, raw in enumerate(profiles, 1):
        try:
            bm.add_profile(block, raw, line)
        except RowRejected as exc:
            if on_reject is None:
                message = _("profile {line}: {error}")
                raise ProfileError(
                    message.format(line=line, error=exc.reason)
                ) from None
            on_reject(line, exc.reason)
            continue
        if len(block) >= CHUNK:
            yield from flush()
            block = Block()
            bm.bound_memory()
    yield from flush()


def _profile(profile: Mapping[str, Any] | str | Path) -> Any:
    from pydantic import ValidationError

    from .models import Profile
    from .problems import error_text
    from .profiles import read_profile

    if isinstance(profile, str | Path):
        return read_profile(str(profile))
    try:
        return Profile.model_validate(dict(profile))
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        if where:
            message = _("profile: {field}: {error}")
            raise ProfileError(
                message.format(field=where, error=error_text(first))
            ) from None
        message = _("profile: {error}")
        raise ProfileError(message.format(error=error_text(first))) from None
