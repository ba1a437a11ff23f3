"""The fine-tuned encoder's LoRA adapter: low-rank weight changes merged into MiniLM at load time.

The file holds, per adapted linear layer, the pair (A, B) in float16 and the scale alpha / r;
merging adds scale * B @ A to the layer's weight, so the served model has MiniLM's shape and
speed and only the repo-sized delta is shipped.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import torch

ADAPTER_PATH = Path(__file__).resolve().parent / "adapter.npz"


@dataclass(frozen=True)
class Adapter:
    pairs: dict[str, tuple[np.ndarray, np.ndarray]]  # module name -> (A (r, in), B (out, r))
    scale: float
    info: dict

    @cached_property  # hashes 1.25 MB: the head's check and the encoder's name share one pass
    def digest(self) -> str:
        """Names the adapter: a head trained over one adapter's embeddings needs that adapter."""
        found = hashlib.sha256(repr(self.scale).encode())
        for name in sorted(self.pairs):
            found.update(name.encode())
            for part in self.pairs[name]:
                found.update(part.astype(np.float16).tobytes())
        return found.hexdigest()[:12]

    def merge_into(self, model: torch.nn.Module) -> torch.nn.Module:
        with torch.no_grad():
            for name, (a, b) in self.pairs.items():
                layer = model.get_submodule(name)
                delta = torch.from_numpy(b.astype(np.float32) @ a.astype(np.float32))
                layer.weight += self.scale * delta
        return model

    def save(self, path: Path = ADAPTER_PATH) -> None:
        arrays = {}
        for name, (a, b) in self.pairs.items():
            arrays[f"A:{name}"] = a.astype(np.float16)
            arrays[f"B:{name}"] = b.astype(np.float16)
        np.savez_compressed(
            path, scale=np.array(self.scale), info=np.array(json.dumps(self.info)), **arrays
        )

    @classmethod
    def load(cls, path: Path = ADAPTER_PATH) -> Adapter:
        with np.load(path) as data:
            names = [key[2:] for key in data.files if key.startswith("A:")]
            pairs = {name: (data[f"A:{name}"], data[f"B:{name}"]) for name in names}
            return cls(pairs, float(data["scale"]), json.loads(str(data["info"])))


def of_peft(state: dict[str, torch.Tensor], scale: float, info: dict) -> Adapter:
    """The adapter from a peft model's state dict (keys `...<module>.lora_A.default.weight`)."""
    pairs: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for key, tensor in state.items():
        if ".lora_A." not in key:
            continue
        module = key.split(".lora_A.")[0]
        b = state[key.replace(".lora_A.", ".lora_B.")]
        name = module.split("base_model.model.", 1)[-1]
        pairs[name] = (tensor.detach().float().numpy(), b.detach().float().numpy())
    return Adapter(pairs, scale, info)
