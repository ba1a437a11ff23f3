"""The feedback digest of one community and period, against the period of the same length
before it."""

from __future__ import annotations

from services.pulse.adapters.feedback import FeedbackBook
from services.pulse.domain.mood import Community
from services.pulse.domain.themes import Digest, digest


async def feedback_digest(
    book: FeedbackBook, where: Community, since: float, until: float, most: int
) -> Digest:
    current = await book.between(where, since, until, most)
    previous = await book.between(where, 2 * since - until, since, most)
    return digest(current, previous)
