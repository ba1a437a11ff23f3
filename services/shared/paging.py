"""Cursors for lists read from a sorted index: the (score, member) of the last item served,
so the next page starts right after it even when other items arrive or leave meanwhile; and
the two shapes every list answers in, a `Page` (with a real cursor) or a `Listing` (none).
Pure."""

from __future__ import annotations

import base64
import binascii
import math
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


@dataclass(frozen=True)
class Position:
    score: float
    member: str


def encode(position: Position) -> str:
    raw = f"{position.score!r}|{position.member}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> Position | None:
    """The position a cursor names, or None if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        score, member = raw.split("|", 1)
        value = float(score)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return Position(value, member) if math.isfinite(value) and member else None


def after(entries: list[tuple[str, float]], position: Position | None) -> list[tuple[str, float]]:
    """Entries (in index order) past the position: ties on the score are ordered by member, as
    Redis orders them."""
    if position is None:
        return entries
    return [
        (m, s)
        for m, s in entries
        if s > position.score or (s == position.score and m > position.member)
    ]


def before(entries: list[tuple[str, float]], position: Position | None) -> list[tuple[str, float]]:
    """Entries (in reverse index order, newest first) past the position."""
    if position is None:
        return entries
    return [
        (m, s)
        for m, s in entries
        if s < position.score or (s == position.score and m < position.member)
    ]


class Page(BaseModel, Generic[T]):
    """One page of a list read in order: pass `next_cursor` back as `cursor` for the next page;
    it is null on the last one."""

    data: list[T]
    next_cursor: str | None = Field(default=None, description="null: this is the last page")


class Listing(BaseModel, Generic[T]):
    """A whole list, small by nature (a tenant's keys, webhooks, queues): no cursor."""

    data: list[T]
