"""The Google API discovery document for `commentanalyzer v1alpha1`, so that Google's own
client (`googleapiclient.discovery.build(..., discoveryServiceUrl=...)`) can call this
gateway's analyze and suggestscore unchanged. Pure: the caller supplies the root URL.

Only what the client needs to build its methods is described: the two methods, the standard
query parameters (`key`, `alt`, ...), and the request and response schemas by name.
"""

from __future__ import annotations

from typing import Any

API, VERSION = "commentanalyzer", "v1alpha1"


def _object(description: str, **properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "description": description, "properties": properties}


def _string(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description}


def _method(verb: str, request: str, response: str, description: str) -> dict[str, Any]:
    return {
        "id": f"{API}.comments.{verb}",
        "path": f"{VERSION}/comments:{verb}",
        "flatPath": f"{VERSION}/comments:{verb}",
        "httpMethod": "POST",
        "description": description,
        "parameters": {},
        "parameterOrder": [],
        "request": {"$ref": request},
        "response": {"$ref": response},
        "scopes": ["https://www.googleapis.com/auth/userinfo.email"],
    }


QUERY_PARAMETERS = {
    "key": "API key: a platform key of this gateway with the `score` scope.",
    "alt": "Data format for the response (json).",
    "fields": "Selector of the fields to include in a partial response.",
    "prettyPrint": "Returns the response with indentations and line breaks.",
    "quotaUser": "Accepted and ignored.",
    "access_token": "Accepted and ignored; use `key`.",
    "callback": "Accepted and ignored.",
    "upload_protocol": "Accepted and ignored.",
    "uploadType": "Accepted and ignored.",
    "$.xgafv": "Accepted and ignored.",
    "oauth_token": "Accepted and ignored; use `key`.",
}


def discovery_document(root_url: str) -> dict[str, Any]:
    root = root_url.rstrip("/") + "/"
    comment = _object(
        "The text to score.", text=_string("The comment."), type=_string("PLAIN_TEXT")
    )
    score = _object(
        "A score.", value={"type": "number", "format": "float"}, type=_string("PROBABILITY")
    )
    attributes = {"type": "object", "additionalProperties": {"type": "object"}}
    languages = {"type": "array", "items": {"type": "string"}}
    return {
        "kind": "discovery#restDescription",
        "discoveryVersion": "v1",
        "id": f"{API}:{VERSION}",
        "name": API,
        "version": VERSION,
        "title": "Perspective Comment Analyzer API (served by the moderation gateway)",
        "description": "Perspective-compatible scoring by this self-hosted moderation gateway.",
        "protocol": "rest",
        "rootUrl": root,
        "mtlsRootUrl": root,
        "servicePath": "",
        "baseUrl": root,
        "batchPath": "batch",
        "parameters": {
            name: {"type": "string", "location": "query", "description": text}
            for name, text in QUERY_PARAMETERS.items()
        },
        "auth": {"oauth2": {"scopes": {}}},
        "resources": {
            "comments": {
                "methods": {
                    "analyze": _method(
                        "analyze",
                        "AnalyzeCommentRequest",
                        "AnalyzeCommentResponse",
                        "Scores a comment for the requested attributes.",
                    ),
                    "suggestscore": _method(
                        "suggestscore",
                        "SuggestCommentScoreRequest",
                        "SuggestCommentScoreResponse",
                        "Suggests the scores a comment should have had (stored as feedback).",
                    ),
                }
            }
        },
        "schemas": {
            "AnalyzeCommentRequest": {
                "id": "AnalyzeCommentRequest",
                **_object(
                    "What to score and how.",
                    comment=comment,
                    requestedAttributes=attributes,
                    languages=languages,
                    doNotStore={"type": "boolean"},
                    clientToken=_string("Echoed back."),
                    sessionId=_string("The author's session."),
                    communityId=_string("The community."),
                    spanAnnotations={"type": "boolean"},
                ),
            },
            "AnalyzeCommentResponse": {
                "id": "AnalyzeCommentResponse",
                **_object(
                    "The scores.",
                    attributeScores=attributes,
                    languages=languages,
                    detectedLanguages=languages,
                    clientToken=_string("As sent."),
                ),
            },
            "SuggestCommentScoreRequest": {
                "id": "SuggestCommentScoreRequest",
                **_object(
                    "The scores the caller says a comment should have.",
                    comment=comment,
                    attributeScores=attributes,
                    languages=languages,
                    communityId=_string("The community."),
                    clientToken=_string("Echoed back."),
                    sessionId=_string("The author's session."),
                ),
            },
            "SuggestCommentScoreResponse": {
                "id": "SuggestCommentScoreResponse",
                **_object(
                    "The suggestion was recorded.",
                    requestedLanguages=languages,
                    detectedLanguages=languages,
                    clientToken=_string("As sent."),
                ),
            },
            "Score": {"id": "Score", **score},
        },
    }
