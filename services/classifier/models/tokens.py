"""A tokenizer that several inference threads can share."""

from __future__ import annotations

import threading
from typing import Any


class SharedTokenizer:
    """Serializes calls to a Hugging Face fast tokenizer. Each call sets the Rust tokenizer's
    padding and truncation state, so two threads calling at once fail with "Already borrowed".
    Tokenizing is about 1 % of a batch's time, so a lock costs nothing that matters."""

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer
        self._lock = threading.Lock()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return self._tokenizer(*args, **kwargs)
