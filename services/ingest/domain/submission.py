"""What ingest accepts: the request shape and the checks on it. Pure, no I/O."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticSerializationError

from services.contracts.events import (
    UNDETERMINED,
    AuthorFacts,
    Post,
    PostSubmitted,
    Scores,
    post_id_for,
)
from services.contracts.text import (
    LANGUAGE_TAG,
    PRINTABLE,
    UnicodeText,
    deeper_than,
    unencodable_at,
)

# Ids and community names become parts of keys and window names downstream, where control
# characters are separators (one in a community name once stalled every mood window), and are
# shown to moderators: see `services.contracts.text.PRINTABLE`.
MAX_METADATA_DEPTH = 16
Mention = Annotated[str, StringConstraints(min_length=1, max_length=256, pattern=PRINTABLE)]


class SubmitPostRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tenant: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9._-]+$",
        examples=["acme"],
        description="Optional: the API key's tenant. Another tenant is refused with 403.",
    )
    external_id: str = Field(
        min_length=1, max_length=256, pattern=PRINTABLE, examples=["comment-981"]
    )
    author_id: str = Field(min_length=1, max_length=256, pattern=PRINTABLE, examples=["user-17"])
    text: UnicodeText = Field(examples=["Thanks for the quick fix!"])
    community: str | None = Field(
        default=None, min_length=1, max_length=128, pattern=PRINTABLE, examples=["support"]
    )
    metadata: dict[str, Any] = Field(default_factory=dict)
    author: AuthorFacts | None = None
    lang: str | None = Field(
        default=None,
        max_length=35,
        pattern=LANGUAGE_TAG,
        examples=["de"],
        description="The post's language if you know it (BCP 47: `de`, `pt-BR`); it wins over "
        "detection. Without it, or with `und` (not known), the classifier detects the language.",
    )
    reply_to: str | None = Field(
        default=None,
        min_length=1,
        max_length=256,
        pattern=PRINTABLE,
        examples=["comment-977"],
        description="Optional: the `external_id` of the post this one answers. Moderators see "
        "the parent beside the post; a parent we never received is shown as unknown.",
    )
    thread_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=256,
        pattern=PRINTABLE,
        examples=["thread-12"],
        description="Optional: your id of the conversation (thread, topic, comment section).",
    )
    mentions: list[Mention] = Field(
        default_factory=list,
        max_length=20,
        examples=[["user-5"]],
        description="Optional: the `author_id`s of members the post names. With `reply_to`, "
        "what the pile-on detector counts as aimed at a member.",
    )


class SubmitPostResponse(BaseModel):
    post_id: str = Field(examples=["f2e82753-2e9d-4bfd-b0bd-e7a9ea526965"])
    status_url: str = Field(
        examples=["http://127.0.0.1:8000/v1/posts/f2e82753-2e9d-4bfd-b0bd-e7a9ea526965/decision"]
    )
    duplicate: bool = Field(
        description="True when this (tenant, external_id) was already accepted."
    )


class Rejection(Exception):
    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(message)
        self.code, self.field, self.message = code, field, message


def check_submission(
    request: SubmitPostRequest, max_text_chars: int, max_metadata_bytes: int
) -> None:
    """Raise Rejection for input the pipeline must never see."""
    if not request.text.strip():
        raise Rejection("text_empty", "text", "text is empty or only whitespace")
    if len(request.text) > max_text_chars:
        raise Rejection(
            "text_too_long",
            "text",
            f"text has {len(request.text)} characters; the limit is {max_text_chars}",
        )
    check_metadata(request.metadata, max_metadata_bytes)
    if request.reply_to is not None and request.reply_to == request.external_id:
        raise Rejection("reply_to_self", "reply_to", "a post cannot answer itself")


def check_metadata(metadata: dict[str, Any], max_bytes: int) -> None:
    if deeper_than(metadata, MAX_METADATA_DEPTH):
        raise Rejection(
            "metadata_too_deep",
            "metadata",
            f"metadata nests more than {MAX_METADATA_DEPTH} levels of objects and lists",
        )
    where = unencodable_at(metadata, "metadata")
    if where is not None:
        raise Rejection("metadata_not_unicode", where, f"{where} holds a lone surrogate or a NUL")
    if len(json.dumps(metadata, default=str)) > max_bytes:
        raise Rejection("metadata_too_large", "metadata", f"metadata is over {max_bytes} bytes")


def encoded(event: PostSubmitted) -> bytes:
    """The record ingest will publish, encoded before anything is claimed, so a post that
    cannot be written fails alone, as a 422, and never half way through a batch."""
    try:
        return event.model_dump_json().encode()
    except (PydanticSerializationError, ValueError) as error:
        raise Rejection("unencodable", "post", f"the post cannot be encoded: {error}") from error


class WrongTenant(Exception):
    """The body names a tenant other than the key's."""


def tenant_for(request: SubmitPostRequest, key_tenant: str) -> str:
    if request.tenant is not None and request.tenant != key_tenant:
        raise WrongTenant(f"This API key submits for {key_tenant!r}, not {request.tenant!r}.")
    return key_tenant


def to_post(request: SubmitPostRequest, tenant: str, parent_author: str | None = None) -> Post:
    return Post(
        post_id=post_id_for(tenant, request.external_id),
        tenant=tenant,
        external_id=request.external_id,
        author_id=request.author_id,
        community=request.community,
        text=request.text,
        metadata=request.metadata,
        author=request.author,
        lang=None if unknown(request.lang) else request.lang,
        reply_to=request.reply_to,
        thread_id=request.thread_id,
        reply_to_author=parent_author if request.reply_to else None,
        mentions=list(dict.fromkeys(request.mentions)),
    )


def unknown(lang: str | None) -> bool:
    """`und` says nobody knows the language: the classifier should detect it, not take it as
    stated (an undetermined post would go to the first model whatever its language)."""
    return lang is not None and lang.split("-")[0].lower() == UNDETERMINED


def content_fingerprint(post: Post) -> str:
    """Tells a retry of the same submission from a different post reusing an external_id."""
    body = json.dumps([post.author_id, post.community, post.text], ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True)
class Admitted:
    """A submission that passed every check: what to claim and publish."""

    event: PostSubmitted
    fingerprint: str
    value: bytes  # the record, encoded

    @property
    def post(self) -> Post:
        return self.event.post


def admit(
    request: SubmitPostRequest,
    key_tenant: str,
    max_text_chars: int,
    max_metadata_bytes: int,
    scored: Scores | None = None,
    parent_author: str | None = None,
) -> Admitted:
    """Raise WrongTenant or Rejection, or give the post as it will be claimed and published
    (with its scores when it was scored as it was submitted, and the author of the post it
    answers when ingest received that post)."""
    tenant = tenant_for(request, key_tenant)
    check_submission(request, max_text_chars, max_metadata_bytes)
    post = to_post(request, tenant, parent_author)
    event = PostSubmitted(post=post, scored=scored)
    return Admitted(event, content_fingerprint(post), encoded(event))
