"""Civil criticism grouped into themes for the product team. Pure and deterministic.

A theme is a key phrase: a word or a run of two or three words without stop words between
them ("refund", "dark mode", "battery drain"). Phrases are weighed by how many posts use them,
longer phrases a little more (they say more). Greedily, the best phrase becomes a theme and
takes every post that uses it; the next best is chosen among the posts left, and so on, so a
post belongs to one theme and the same complaint is not counted under three of its words.
Each theme has its count, its count in the period before (the trend) and a few example posts.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field

_STOP = """a about above after again against all am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each even ever every few for from further get gets got had
    hadn't has hasn't have haven't having he her here hers herself him himself his how i i'm
    i've if in into is isn't it it's its itself just let's like me more most much must my
    myself no nor not now of off on once only or other ought our ours ourselves out over own
    really same she should shouldn't so some still such than that that's the their theirs them
    themselves then there there's these they they're this those through to too under until up
    us very was wasn't we we're were weren't what what's when where which while who whom why
    will with won't would wouldn't you you're your yours yourself yourselves also again
    anyone anything please thanks thank since one two yet ok okay lol im ive dont cant wont
    want wanted need needs way thing things lot bit time make made back going go gone"""
STOP_WORDS = frozenset(_STOP.split())
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class Remark:
    """One post of civil criticism."""

    post_id: str
    text: str
    at: float  # unix seconds


@dataclass(frozen=True)
class Theme:
    phrase: str
    count: int
    previous: int  # posts with the phrase in the period before
    examples: tuple[Remark, ...] = field(default=())

    @property
    def trend(self) -> float | None:
        """Change against the period before (+1.0 is twice as many); None when it is new."""
        return None if self.previous == 0 else round(self.count / self.previous - 1, 3)


@dataclass(frozen=True)
class Digest:
    themes: tuple[Theme, ...]
    total: int
    unthemed: int


def words_of(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def phrases_of(text: str, longest: int = 3) -> set[str]:
    """Key phrases: runs of up to `longest` content words, never across a stop word."""
    found: set[str] = set()
    run: list[str] = []
    for word in [*words_of(text), ""]:
        if word and word not in STOP_WORDS and len(word) > 2 and not word.isdigit():
            run.append(word)
            continue
        for size in range(1, longest + 1):
            for i in range(len(run) - size + 1):
                found.add(" ".join(run[i : i + size]))
        run = []
    return found


def weight(phrase: str, posts: int) -> float:
    return posts * (1 + 0.25 * phrase.count(" "))


def digest(
    current: list[Remark],
    previous: list[Remark] = (),  # type: ignore[assignment]
    max_themes: int = 10,
    min_posts: int = 2,
    examples: int = 3,
) -> Digest:
    phrases = {remark.post_id: phrases_of(remark.text) for remark in current}
    left = dict(phrases)
    earlier = [phrases_of(remark.text) for remark in previous]
    by_id = {remark.post_id: remark for remark in current}
    themes: list[Theme] = []
    while left and len(themes) < max_themes:
        counts = Counter(p for found in left.values() for p in found)
        if not counts:
            break
        # ties: the longer phrase, then alphabetical, so the same posts give the same digest
        phrase, posts = max(counts.items(), key=lambda kv: (weight(*kv), kv[0].count(" "), kv[0]))
        if posts < min_posts:
            break
        taken = sorted(
            (by_id[post_id] for post_id, found in left.items() if phrase in found),
            key=lambda r: (-r.at, r.post_id),
        )
        for remark in taken:
            del left[remark.post_id]
        before = sum(1 for found in earlier if phrase in found)
        themes.append(Theme(phrase, len(taken), before, tuple(taken[:examples])))
    return Digest(tuple(themes), total=len(current), unthemed=len(left))


def as_json(found: Digest) -> list[dict]:
    return [
        {
            "theme": theme.phrase,
            "count": theme.count,
            "previous": theme.previous,
            "trend": theme.trend,
            "examples": [
                {"post_id": r.post_id, "text": r.text, "at": r.at} for r in theme.examples
            ],
        }
        for theme in found.themes
    ]


def trend_words(theme: Theme) -> str:
    return "new" if theme.trend is None else f"{theme.trend:+.0%}"


def as_markdown(found: Digest, title: str) -> str:
    lines = [f"# {title}", ""]
    lines.append(f"{found.total} posts of civil criticism; {found.unthemed} in no theme.")
    lines.append("")
    lines += ["| Theme | Posts | Period before | Trend |", "|---|---:|---:|---:|"]
    for theme in found.themes:
        lines.append(
            f"| {theme.phrase} | {theme.count} | {theme.previous} | {trend_words(theme)} |"
        )
    for theme in found.themes:
        lines += ["", f"## {theme.phrase} ({theme.count})", ""]
        lines += [f"> {' '.join(r.text.split())}" + "\n" for r in theme.examples]
    return "\n".join(lines).rstrip() + "\n"


def as_csv(found: Digest) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["theme", "count", "previous", "trend", "example_post_id", "example_text"])
    for theme in found.themes:
        first = theme.examples[0] if theme.examples else None
        writer.writerow(
            [theme.phrase, theme.count, theme.previous, "" if theme.trend is None else theme.trend,
             first.post_id if first else "", first.text if first else ""]
        )  # fmt: skip
    return out.getvalue()
