"""A post's conversation as the gateway serves it to the desk (its internal API): the post it
answers, its neighbours in its thread, and its author's recent posts, each with its latest
decision. Bounded by the caller's `around` and `recent`, whatever the thread's size. Pure."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from services.contracts.events import Action

MAX_AROUND = 20  # neighbours on each side of the post
MAX_RECENT = 20  # of the author's posts


class SaidPost(BaseModel):
    """A post as it was said, and what became of it."""

    post_id: str = Field(examples=["f2e82753-2e9d-4bfd-b0bd-e7a9ea526965"])
    external_id: str = Field(examples=["c-977"])
    author_id: str = Field(examples=["user-17"])
    community: str | None = None
    text: str = Field(examples=["Who else thinks the referee got it wrong?"])
    said_at: datetime
    reply_to: str | None = None
    thread_id: str | None = None
    action: Action | None = Field(default=None, description="Its latest decision; None: pending.")
    revision: int | None = None
    decided_by: str | None = None
    scores: dict[str, float] = Field(
        default_factory=dict, description="Its scores: empty when no model read it (yet)."
    )


class Conversation(BaseModel):
    post_id: str = Field(examples=["7b44d1c2-9e0f-4c11-8a55-3d2f0e6b1a90"])
    reply_to: str | None = Field(
        default=None, description="The parent's external id, as the platform sent it."
    )
    parent: SaidPost | None = Field(
        default=None,
        description="The parent, when we received it and still keep it (CONVERSATION_KEEP_HOURS).",
    )
    thread: list[SaidPost] = Field(
        default_factory=list,
        description="The post's neighbours in its thread and the post itself, oldest first.",
    )
    thread_posts: int = Field(default=0, description="Posts of the thread kept, at most 2,000.")
    author_recent: list[SaidPost] = Field(
        default_factory=list, description="The author's latest decided posts, newest first."
    )
