"""Civil criticism grouped into themes for the product team. Pure and deterministic.

A theme is a key phrase: a word or a run of two or three words without stop words between
them ("refund", "dark mode", "battery drain"). Phrases are weighed by how many posts use them,
longer phrases a little more (they say more). Greedily, the best phrase becomes a theme and
takes every post that uses it; the next best is chosen among the posts left, and so on, so a
post belongs to one theme and the same complaint is not counted under three of its words.
Each theme has its count, its count in the period before (the trend) and a few example posts.

Remarks are grouped by the language they were read in, and each language has its own themes:
"Rückerstattung" and "refund" are one complaint, but a product team reads them apart, and the
words of one language are not stop words of another. Words are read per language (`words.py`):
stop words from `stopwordsiso`, Chinese cut into words by jieba, Japanese by its scripts.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from services.pulse.domain.words import base, joined, stop_words, words_of


@dataclass(frozen=True)
class Remark:
    """One post of civil criticism."""

    post_id: str
    text: str
    at: float  # unix seconds
    language: str | None = None  # as read by the classifier; None when undetermined
    author: str | None = None  # the member who said it (None: kept before authors were)


@dataclass(frozen=True)
class Theme:
    phrase: str
    count: int
    previous: int  # posts with the phrase in the period before
    examples: tuple[Remark, ...] = field(default=())
    language: str | None = None
    members: tuple[Remark, ...] = field(default=())  # every post the theme took, newest first

    @property
    def trend(self) -> float | None:
        """Change against the period before (+1.0 is twice as many); None when it is new."""
        return None if self.previous == 0 else round(self.count / self.previous - 1, 3)


@dataclass(frozen=True)
class Spoken:
    """The remarks of one language in a digest."""

    language: str | None
    total: int
    unthemed: int
    themes: tuple[Theme, ...]


@dataclass(frozen=True)
class Digest:
    themes: tuple[Theme, ...]  # every language's, the most posts first
    total: int
    unthemed: int
    languages: tuple[Spoken, ...] = ()  # the most remarks first


def content_word(word: str, stop: frozenset[str]) -> bool:
    # two letters of a dense script say something ("返金", "退款"); two Latin ones rarely do.
    # One kanji alone is most often a verb's stem cut from its hiragana ending ("落ちます")
    return word not in stop and not word.isdigit() and len(word) > (2 if word.isascii() else 1)


def phrases_of(text: str, language: str | None = None, longest: int = 3) -> set[str]:
    """Key phrases: runs of up to `longest` content words, never across a stop word; words
    joined with spaces (shown as the language writes them by `joined`)."""
    stop = stop_words(language)
    found: set[str] = set()
    run: list[str] = []
    for word in [*words_of(text, language), ""]:
        if word and content_word(word, stop):
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
    previous: Iterable[Remark] = (),
    max_themes: int = 10,
    min_posts: int = 2,
    examples: int = 3,
) -> Digest:
    """Themes per language, at most `max_themes` in each."""
    now, before = by_language(current), by_language(previous)
    spoken = [
        themes_of(language, remarks, before.get(language, []), max_themes, min_posts, examples)
        for language, remarks in now.items()
    ]
    spoken.sort(key=lambda s: (-s.total, s.language or ""))
    themes = sorted(
        (theme for s in spoken for theme in s.themes), key=lambda t: -t.count
    )  # stable: within a count, the busier language first, then its own order
    return Digest(
        tuple(themes), total=len(current), unthemed=sum(s.unthemed for s in spoken),
        languages=tuple(spoken),
    )  # fmt: skip


def by_language(remarks: Iterable[Remark]) -> dict[str | None, list[Remark]]:
    """Remarks per language (`pt-BR` with `pt`). Undetermined ones, mostly short posts the
    detector was unsure of ("Dark mode is unreadable, terrible"), join the community's main
    language, the one with the most remarks, when it has more than they do: alone they would
    split its themes. When they are the most (remarks kept before languages were), they stay
    a group of their own rather than be guessed into a smaller language."""
    grouped: dict[str | None, list[Remark]] = defaultdict(list)
    for remark in remarks:
        grouped[base(remark.language)].append(remark)
    undetermined = grouped.get(None, [])
    main = max((code for code in grouped if code), key=lambda c: (len(grouped[c]), c), default=None)
    if undetermined and main and len(grouped[main]) > len(undetermined):
        grouped[main].extend(grouped.pop(None))
    return grouped


def themes_of(
    language: str | None,
    current: list[Remark],
    previous: list[Remark],
    max_themes: int,
    min_posts: int,
    examples: int,
) -> Spoken:
    """Greedy: the best phrase takes every post that uses it, then the next among the rest."""
    left = {remark.post_id: phrases_of(remark.text, language) for remark in current}
    earlier = [phrases_of(remark.text, language) for remark in previous]
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
        shown = joined(phrase, language)
        themes.append(
            Theme(shown, len(taken), before, tuple(taken[:examples]), language, tuple(taken))
        )
    return Spoken(language, len(current), len(left), tuple(themes))


# how the product team owns each theme, by (language, phrase): status, owner, tracker_url
Owned = Mapping[tuple[str | None, str], dict]


def owned_of(theme: Theme, owned: Owned) -> dict:
    return owned.get((theme.language, theme.phrase)) or {"status": "new"}


def theme_json(theme: Theme, owned: Owned | None = None) -> dict:
    ownership = owned_of(theme, owned or {})
    return {
        "theme": theme.phrase,
        "language": theme.language,
        "count": theme.count,
        "previous": theme.previous,
        "trend": theme.trend,
        "examples": [{"post_id": r.post_id, "text": r.text, "at": r.at} for r in theme.examples],
        "status": ownership["status"],
        "owner": ownership.get("owner"),
        "tracker_url": ownership.get("tracker_url"),
    }


def as_json(found: Digest, owned: Owned | None = None) -> list[dict]:
    return [theme_json(theme, owned) for theme in found.themes]


def languages_json(found: Digest, owned: Owned | None = None) -> list[dict]:
    return [
        {"language": s.language, "total": s.total, "unthemed": s.unthemed,
         "themes": [theme_json(theme, owned) for theme in s.themes]}
        for s in found.languages
    ]  # fmt: skip


def find_theme(found: Digest, phrase: str, language: str | None) -> Theme | None:
    return next((t for t in found.themes if t.phrase == phrase and t.language == language), None)


def trend_words(theme: Theme) -> str:
    return "new" if theme.trend is None else f"{theme.trend:+.0%}"


def language_name(language: str | None) -> str:
    return language or "undetermined"


def as_markdown(found: Digest, title: str, owned: Owned | None = None) -> str:
    lines = [f"# {title}", ""]
    lines.append(f"{found.total} posts of civil criticism; {found.unthemed} in no theme.")
    if len(found.languages) > 1:
        lines.append("By language: " + ", ".join(
            f"{language_name(s.language)} {s.total}" for s in found.languages
        ) + ".")  # fmt: skip
    lines.append("")
    lines += ["| Theme | Language | Posts | Period before | Trend | Status |",
              "|---|---|---:|---:|---:|---|"]  # fmt: skip
    for theme in found.themes:
        status = owned_of(theme, owned or {})
        lines.append(
            f"| {theme.phrase} | {language_name(theme.language)} | {theme.count} "
            f"| {theme.previous} | {trend_words(theme)} | {status_words(status)} |"
        )
    for spoken in found.languages:
        for theme in spoken.themes:
            lines += [
                "",
                f"## {theme.phrase} ({language_name(spoken.language)}, {theme.count})",
                "",
            ]
            lines += [f"> {' '.join(r.text.split())}" + "\n" for r in theme.examples]
    return "\n".join(lines).rstrip() + "\n"


def status_words(ownership: dict) -> str:
    """`planned (ana, https://tracker/1)`: the status, then who has it and where, if known."""
    more = ", ".join(x for x in (ownership.get("owner"), ownership.get("tracker_url")) if x)
    return f"{ownership['status']} ({more})" if more else ownership["status"]


def as_csv(found: Digest, owned: Owned | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["theme", "count", "previous", "trend", "example_post_id", "example_text",
                     "language", "status", "owner", "tracker_url"])  # fmt: skip
    for theme in found.themes:
        first = theme.examples[0] if theme.examples else None
        status = owned_of(theme, owned or {})
        writer.writerow(
            [theme.phrase, theme.count, theme.previous, "" if theme.trend is None else theme.trend,
             first.post_id if first else "", first.text if first else "", theme.language or "",
             status["status"], status.get("owner") or "", status.get("tracker_url") or ""]
        )  # fmt: skip
    return out.getvalue()
