"""Fast CPU copies of BERT-family models: export once to ONNX, cache on disk, serve.

- onnx-int8: the legacy TorchScript exporter with eager attention gives a graph that ONNX
  Runtime's transformer optimizer can fuse (attention, layer norm, GELU); dynamic per-channel int8
  quantization then runs the matmuls on VNNI/AMX.
- openvino-bf16: the plain fp32 export compiled by OpenVINO with bf16 inference precision, which
  uses AMX/AVX-512-BF16 where the CPU has them (and falls back to fp32 where it does not).
- openvino-int8: the fp32 export statically quantized by NNCF (transformer preset: SmoothQuant,
  int8 matmuls, sensitive ops left in float), calibrated on services/classifier/models/
  calibration.py; runs on AMX-INT8 / VNNI.
Every export computes the last layer for the first token only where the model reads nothing else
(first_token.py). Exports are keyed by a fingerprint of the weights and of the graph's shape.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from services.classifier.models.first_token import first_token_only

log = logging.getLogger(__name__)
CACHE = Path(os.environ.get("MODERATION_CACHE", Path.home() / ".cache" / "moderation")) / "onnx"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
GRAPH_VERSION = 2  # 2: last layer for the first token only
FAST_RUNTIMES = ("onnx-int8", "openvino-bf16", "openvino-int8")


class _Logits(torch.nn.Module):
    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.model(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        )[0]


def fingerprint(model: torch.nn.Module) -> str:
    digest = hashlib.sha256(f"graph {GRAPH_VERSION}".encode())
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().float().flatten()[:4096].numpy().tobytes())
        digest.update(str(tuple(tensor.shape)).encode())
    return digest.hexdigest()[:20]


def _export_fp32(model: torch.nn.Module, path: Path) -> None:
    if hasattr(model, "set_attn_implementation"):
        model.set_attn_implementation("eager")
    # The sample must contain padding: transformers drops the attention mask from the graph
    # when the traced mask is all ones, and the export would then ignore padding forever.
    sample = {k: torch.ones((2, 8), dtype=torch.long) for k in INPUTS}
    sample["attention_mask"][1, 5:] = 0
    sample["token_type_ids"].zero_()
    axes = {k: {0: "batch", 1: "sequence"} for k in (*INPUTS, "output")}
    with torch.inference_mode(), first_token_only(model):
        torch.onnx.export(
            _Logits(model.eval()),
            tuple(sample.values()),
            str(path),
            input_names=list(INPUTS),
            output_names=["output"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )


def export_fp32(model: torch.nn.Module, name: str) -> Path:
    """The plain fp32 ONNX export (what OpenVINO compiles), cached."""
    target = CACHE / f"{name}-{fingerprint(model)}.fp32.onnx"
    if not target.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        _export_fp32(model, partial)
        partial.rename(target)
    return target


def export_int8(model: torch.nn.Module, name: str) -> Path:
    """Export `model` (BERT-like, first output = what we want) to a fused int8 ONNX file, cached."""
    return int8_cached(name, fingerprint(model), lambda: model)


def int8_cached(name: str, key: str, build: Callable[[], torch.nn.Module]) -> Path:
    """The int8 export cached under `key`; `build` makes the model only when it is missing
    (a model whose weights file names it need not be built to find its export)."""
    target = CACHE / f"{name}-{key}.int8pc.onnx"
    if target.exists():
        return target
    model = build()
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer

    config = model.config
    work = Path(tempfile.mkdtemp(prefix="onnx-"))
    try:
        raw, fused = work / "model.onnx", work / "fused.onnx"
        _export_fp32(model, raw)
        optimized = optimizer.optimize_model(
            str(raw),
            model_type="bert",
            num_heads=config.num_attention_heads,
            hidden_size=config.hidden_size,
        )
        optimized.save_model_to_file(str(fused))
        quantize_dynamic(
            str(fused),
            str(work / "int8.onnx"),
            weight_type=QuantType.QInt8,
            per_channel=True,  # per-tensor int8 moved MiniLM embeddings to cosine 0.92; this 0.98+
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
        CACHE.mkdir(parents=True, exist_ok=True)
        shutil.move(work / "int8.onnx", target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log.info("exported an int8 ONNX model", extra={"path": str(target)})
    return target


Encode = Callable[[list[str]], dict[str, np.ndarray]]
CALIBRATION_VERSION = 1


def export_openvino_int8(model: torch.nn.Module, name: str, encode: Encode) -> Path:
    """Statically quantized OpenVINO IR of `model` (.xml + .bin), cached. Takes about a minute."""
    target = CACHE / f"{name}-{fingerprint(model)}.ov-int8-c{CALIBRATION_VERSION}.xml"
    if target.exists():
        return target
    import nncf
    import openvino as ov

    from services.classifier.models.calibration import calibration_texts

    fp32 = export_fp32(model, name)
    samples = [_feed(encode([text]), set(INPUTS)) for text in calibration_texts()]
    quantized = nncf.quantize(
        ov.Core().read_model(str(fp32)),
        nncf.Dataset(samples),
        model_type=nncf.ModelType.TRANSFORMER,
        subset_size=len(samples),
    )
    partial = target.with_name(f"{target.stem}.partial.xml")
    ov.save_model(quantized, str(partial))
    partial.with_suffix(".bin").rename(target.with_suffix(".bin"))
    partial.rename(target)  # last: the .xml existing means the pair is complete
    log.info("quantized an OpenVINO int8 model", extra={"path": str(target)})
    return target


def _feed(encoded: dict[str, np.ndarray], inputs: set[str]) -> dict[str, np.ndarray]:
    """Token arrays as the exported graph wants them: int64, only its inputs, zero segment ids."""
    feed = {k: v.astype(np.int64) for k, v in encoded.items() if k in inputs}
    if "token_type_ids" in inputs and "token_type_ids" not in feed:
        feed["token_type_ids"] = np.zeros_like(feed["input_ids"])
    return feed


class OnnxModel:
    """An ONNX Runtime session over token ids; returns the exported model's first output."""

    def __init__(self, path: Path, threads: int) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle worker threads would otherwise spin, taking CPU from ingest, Kafka and Redis when
        # they share a small machine.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}

    def __call__(self, encoded: dict[str, np.ndarray]) -> np.ndarray:
        return self.session.run(None, _feed(encoded, self.inputs))[0]


class OpenVinoModel:
    """An OpenVINO compiled model over token ids, bf16 where the CPU supports it.

    With several streams, that many batches run at once (OpenVINO's throughput mode), each from
    its own caller thread on an infer request of its own."""

    def __init__(self, path: Path, threads: int, precision: str = "bf16", streams: int = 1) -> None:
        import openvino as ov

        core = ov.Core()
        if precision == "bf16" and "BF16" not in core.get_property(
            "CPU", "OPTIMIZATION_CAPABILITIES"
        ):
            precision = "f32"
        self.precision = precision
        mode = {"PERFORMANCE_HINT": "LATENCY"}
        if streams > 1:
            mode = {"PERFORMANCE_HINT": "THROUGHPUT", "NUM_STREAMS": streams}
        compiled = core.compile_model(
            core.read_model(str(path)),
            "CPU",
            {"INFERENCE_PRECISION_HINT": precision, "INFERENCE_NUM_THREADS": threads, **mode},
        )
        self.inputs = {port.get_any_name() for port in compiled.inputs}
        self._idle: queue.SimpleQueue = queue.SimpleQueue()
        for _ in range(streams):
            self._idle.put(compiled.create_infer_request())

    def __call__(self, encoded: dict[str, np.ndarray]) -> np.ndarray:
        request = self._idle.get()
        try:
            return np.array(request.infer(_feed(encoded, self.inputs))[0], copy=True)
        finally:
            self._idle.put(request)


def compiled(
    model: torch.nn.Module, name: str, runtime: str, threads: int, encode: Encode, streams: int = 1
):
    """The fast runtime for a torch model, or None for plain torch. `encode` tokenizes texts
    as the model's scorer does (for calibration). `streams` batches at once share `threads`."""
    per_stream = max(1, threads // streams)
    torch.set_num_threads(per_stream)  # for plain torch, and torch work beside a fast runtime
    if runtime == "onnx-int8":  # concurrent runs, each on its caller's share of the threads
        return OnnxModel(export_int8(model, name), per_stream)
    if runtime == "openvino-bf16":
        return OpenVinoModel(export_fp32(model, name), threads, "bf16", streams)
    if runtime == "openvino-int8":  # float parts in bf16 where the CPU has it
        return OpenVinoModel(export_openvino_int8(model, name, encode), threads, "bf16", streams)
    return None
