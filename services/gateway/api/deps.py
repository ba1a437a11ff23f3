from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.gateway.adapters.decisions import DecisionStore, PostDirectory


def _store(request: Request) -> DecisionStore:
    return request.app.state.decisions


def _posts(request: Request) -> PostDirectory:
    return request.app.state.posts


DecisionStoreDep = Annotated[DecisionStore, Depends(_store)]
PostDirectoryDep = Annotated[PostDirectory, Depends(_posts)]
