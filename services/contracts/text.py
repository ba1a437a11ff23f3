"""What text the contracts can carry, and checks on what a caller sends that JSON parsing lets
through but nothing downstream can carry: strings with a lone surrogate (valid JSON escapes,
"\\ud800", that no UTF-8 encoder takes), characters that hide or reorder text in ids, and
nesting deep enough to exhaust a serializer. Pure; each walk is iterative, so a deep value
cannot exhaust Python's stack either.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator

# A surrogate left in a Python str after JSON decoding is a lone one: pairs decode to one
# character.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Ids and names become parts of keys and window names (control characters are separators
# there) and are shown to moderators, where zero-width and bidirectional controls make two ids
# look alike or reorder what is shown. (Pydantic refuses a lone surrogate in any str field
# with a pattern before the pattern runs.)
PRINTABLE = r"^[^\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]+$"


# A language as platforms state it (BCP 47): a 2- or 3-letter language, then subtags (script,
# region, ...): `de`, `pt-BR`, `zh-Hant-TW`.
LANGUAGE_TAG = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"
_LANGUAGE_TAG = re.compile(LANGUAGE_TAG)


def is_language_tag(tag: str) -> bool:
    return bool(_LANGUAGE_TAG.match(tag))


def unencodable(text: str) -> bool:
    """Whether the string holds a lone surrogate or a NUL: nothing downstream carries it."""
    return "\x00" in text or LONE_SURROGATE.search(text) is not None


def unencodable_at(value: Any, root: str) -> str | None:
    """The path of the first key or string in `value` with a lone surrogate or a NUL (None:
    there is none)."""
    stack: list[tuple[str, Any]] = [(root, value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if unencodable(item):
                return path
        elif isinstance(item, dict):
            for key, inner in item.items():
                if unencodable(str(key)):
                    return f"{path}.{key!r}"
                stack.append((f"{path}.{key}", inner))
        elif isinstance(item, list):
            stack.extend((f"{path}[{i}]", inner) for i, inner in enumerate(item))
    return None


def deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and objects nest more than `limit` levels deep."""
    stack: list[tuple[int, Any]] = [(0, value)]
    while stack:
        depth, item = stack.pop()
        if isinstance(item, dict | list):
            if depth >= limit:
                return True
            inner = item.values() if isinstance(item, dict) else item
            stack.extend((depth + 1, i) for i in inner)
    return False


def _unicode(text: str) -> str:
    if unencodable(text):
        raise ValueError("holds a lone surrogate or a NUL: not Unicode text")
    return text


# Free text that must reach Kafka as UTF-8: refused (422 naming the field) otherwise.
UnicodeText = Annotated[str, AfterValidator(_unicode)]
