"""What ingest accepts: the request shape and the checks on it. Pure, no I/O."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.contracts.events import AuthorFacts, Post, post_id_for

# Ids and community names become parts of keys and window names downstream, where control
# characters are separators: one in a community name once stalled every mood window.
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"


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
    text: str = Field(examples=["Thanks for the quick fix!"])
    community: str | None = Field(
        default=None, min_length=1, max_length=128, pattern=PRINTABLE, examples=["support"]
    )
    metadata: dict[str, Any] = Field(default_factory=dict)
    author: AuthorFacts | None = None


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
    if len(json.dumps(request.metadata, default=str)) > max_metadata_bytes:
        raise Rejection(
            "metadata_too_large", "metadata", f"metadata is over {max_metadata_bytes} bytes"
        )


class WrongTenant(Exception):
    """The body names a tenant other than the key's."""


def tenant_for(request: SubmitPostRequest, key_tenant: str) -> str:
    if request.tenant is not None and request.tenant != key_tenant:
        raise WrongTenant(f"This API key submits for {key_tenant!r}, not {request.tenant!r}.")
    return key_tenant


def to_post(request: SubmitPostRequest, tenant: str) -> Post:
    return Post(
        post_id=post_id_for(tenant, request.external_id),
        tenant=tenant,
        external_id=request.external_id,
        author_id=request.author_id,
        community=request.community,
        text=request.text,
        metadata=request.metadata,
        author=request.author,
    )


def content_fingerprint(post: Post) -> str:
    """Tells a retry of the same submission from a different post reusing an external_id."""
    body = json.dumps([post.author_id, post.community, post.text], ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()
