"""Embeddings for serving without torch: the configured sentence-transformers model, exported to ONNX.

Importing sentence-transformers (and with it torch and transformers) costs about 5 s, for a
vector per question. So the model is exported to ONNX once (at ingest, or the first time a
server starts without the file) and served with onnxruntime and tokenizers, which chromadb
already installs and which load in a quarter of a second.

The export is cached in ``Settings.onnx_dir``, named by the model's name and the SHA-1 of its
weights, so a changed model is exported again and two models never share a file. Every export is
checked against sentence-transformers on probe texts before it is used; a model that cannot be
exported, or whose export disagrees, is served by sentence-transformers, with one log line saying so.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

if TYPE_CHECKING:
    from .settings import Settings

log = logging.getLogger("interp_qa")

MIN_AGREEMENT = 0.9999  # cosine between the ONNX and the torch vector of every probe text
PROBES = [  # a question, a sentence, a long table row, and text past the model's length limit
    "How many features did OpenAI extract from GPT-4?",
    "Interpretability alone is not sufficient for safety.",
    "Organization: Anthropic | Features Identified: 34 million (Claude 3 Sonnet) | Key Achievement: scaling",
    " ".join(["Sparse autoencoders decompose activations into features."] * 80),
]


class OnnxExportError(RuntimeError):
    """The model could not be exported to ONNX, or its export disagrees with sentence-transformers."""


class OnnxEmbedding(BaseEmbedding):
    """A sentence-transformers model (transformer, mean or CLS pooling, normalised) run by onnxruntime.

    Args:
        onnx_path: the exported transformer (inputs ``input_ids``, ``attention_mask`` and maybe
            ``token_type_ids``; output ``last_hidden_state``).
        model_dir: the sentence-transformers folder, for ``tokenizer.json`` and the pooling config.
        embed_batch_size: texts per onnxruntime call.
    """

    _session: Any = PrivateAttr()
    _tokenizer: Any = PrivateAttr()
    _pooling: str = PrivateAttr()
    _inputs: list[str] = PrivateAttr()

    def __init__(self, onnx_path: Path, model_dir: Path, embed_batch_size: int = 32) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        super().__init__(model_name=str(model_dir), embed_batch_size=embed_batch_size)
        config = read_model_config(model_dir)
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self._inputs = [i.name for i in self._session.get_inputs()]
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=config["max_length"])
        pad = tokenizer.token_to_id(config["pad_token"]) or 0
        tokenizer.enable_padding(pad_id=pad, pad_token=config["pad_token"])
        self._tokenizer = tokenizer
        self._pooling = config["pooling"]

    @classmethod
    def class_name(cls) -> str:
        return "OnnxEmbedding"

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Normalised vectors of ``texts``, as sentence-transformers computes them."""
        import numpy as np

        # Like sentence-transformers: batches of texts of similar lengths (less padding), longest first,
        # results in the given order. (Tokenizing everything first to sort by tokens would tokenize twice,
        # and with padding on, every encoding has the longest one's length.)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out: list[list[float]] = [[] for _ in texts]
        for k in range(0, len(order), self.embed_batch_size):
            ids = order[k : k + self.embed_batch_size]
            batch = self._tokenizer.encode_batch([texts[i] for i in ids])
            feed = {
                "input_ids": np.array([e.ids for e in batch], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in batch], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in batch], dtype=np.int64),
            }
            hidden = self._session.run(None, {n: feed[n] for n in self._inputs})[0]
            mask = feed["attention_mask"][..., None].astype(np.float32)
            if self._pooling == "cls":
                vecs = hidden[:, 0]
            else:
                vecs = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            vecs = vecs / np.clip(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12, None)
            for i, v in zip(ids, vecs.astype(np.float32).tolist(), strict=True):
                out[i] = v
        return out

    def _get_query_embedding(self, query: str) -> list[float]:
        return self.embed([query])[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.embed([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.embed(texts)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


def read_model_config(model_dir: Path) -> dict[str, Any]:
    """What serving needs from a sentence-transformers folder: pooling, length limit, padding token.

    Raises :class:`OnnxExportError` for a layout this module does not reproduce (no
    tokenizer.json, a pooling other than mean or CLS, or no Normalize step).
    """
    if not (model_dir / "tokenizer.json").is_file():
        raise OnnxExportError(f"{model_dir} has no tokenizer.json")
    try:
        modules = json.loads((model_dir / "modules.json").read_text())
    except (OSError, ValueError) as e:
        raise OnnxExportError(f"{model_dir} has no readable modules.json ({e})") from e
    types = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    if types[:2] != ["Transformer", "Pooling"] or any(t not in ("Transformer", "Pooling", "Normalize") for t in types):
        raise OnnxExportError(f"{model_dir}: modules {types} are not Transformer, Pooling(, Normalize)")
    pooling_dir = next(m.get("path", "") for m in modules if m.get("type", "").endswith("Pooling"))
    pooling = json.loads((model_dir / pooling_dir / "config.json").read_text())
    modes = [k.removeprefix("pooling_mode_") for k, v in pooling.items() if k.startswith("pooling_mode_") and v]
    if modes not in (["mean_tokens"], ["cls_token"]):
        raise OnnxExportError(f"{model_dir}: pooling {modes} is not mean or CLS")
    max_length = 512
    with_len = model_dir / "sentence_bert_config.json"
    if with_len.is_file():
        max_length = int(json.loads(with_len.read_text()).get("max_seq_length") or max_length)
    pad_token = "[PAD]"
    special = model_dir / "special_tokens_map.json"
    if special.is_file():
        tok = json.loads(special.read_text()).get("pad_token", pad_token)
        pad_token = tok["content"] if isinstance(tok, dict) else tok
    return {"pooling": "cls" if modes == ["cls_token"] else "mean", "max_length": max_length, "pad_token": pad_token}


def export_path(settings: Settings) -> Path:
    """Where the ONNX export of the configured model lives: its name and the hash of its weights."""
    model_dir = Path(settings.resolve_embed_model())
    weights = next((model_dir / n for n in ("model.safetensors", "pytorch_model.bin") if (model_dir / n).is_file()),
                   None)
    if weights is None:
        raise OnnxExportError(f"{model_dir} holds no model.safetensors or pytorch_model.bin")
    with open(weights, "rb") as f:
        digest = hashlib.file_digest(f, "sha1").hexdigest()[:16]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", model_dir.name if model_dir.name != "model" else model_dir.parent.name)
    return settings.onnx_dir / f"{name}-{digest}.onnx"


def export(settings: Settings, torch_model: BaseEmbedding | None = None) -> Path:
    """Export the configured model to ONNX (once) and check it against sentence-transformers.

    Returns the path of a checked export. The check's result is kept beside the file
    (``.json``), so a model that failed it is not exported again at every start.
    """
    path = export_path(settings)
    verdict = path.with_suffix(".json")
    if verdict.is_file():
        result = json.loads(verdict.read_text())
        if not result.get("ok"):
            raise OnnxExportError(result.get("reason") or "an earlier export failed its check")
        if path.is_file():
            return path
    model_dir = Path(settings.resolve_embed_model())
    try:
        read_model_config(model_dir)
        _export(model_dir, path)
        if torch_model is None:
            from .index import load_torch_embed_model

            torch_model = load_torch_embed_model(settings)
        gap = agreement(OnnxEmbedding(path, model_dir), torch_model, PROBES)
        ok, reason = gap >= MIN_AGREEMENT, f"cosine to sentence-transformers {gap:.6f} < {MIN_AGREEMENT}"
    except OnnxExportError as e:  # the model's layout: it will not change, so the verdict is kept
        ok, reason, gap = False, str(e), 0.0
    except Exception as e:  # the exporter failed (maybe for a passing reason): try again next time
        raise OnnxExportError(f"{type(e).__name__}: {e}") from e
    settings.onnx_dir.mkdir(parents=True, exist_ok=True)
    tmp = verdict.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps({"model": str(model_dir), "ok": ok, "min_cosine": round(gap, 8),
                               "reason": "" if ok else reason}))
    tmp.replace(verdict)
    if not ok:
        raise OnnxExportError(reason)
    return path


def _export(model_dir: Path, path: Path) -> None:
    """``torch.onnx.export`` of the transformer, with dynamic batch and sequence axes."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir)).eval()
    names = ["input_ids", "attention_mask", "token_type_ids"]

    class LastHidden(torch.nn.Module):  # transformers 5's forward takes keyword inputs only
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    dummy = torch.ones(2, 16, dtype=torch.long)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    import warnings

    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(LastHidden(model), (dummy, dummy, torch.zeros_like(dummy)), str(tmp), dynamo=False,
                          input_names=names, output_names=["last_hidden_state"], opset_version=17,
                          dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]})
    tmp.replace(path)  # a killed export leaves no half file under the real name


def agreement(a: BaseEmbedding, b: BaseEmbedding, texts: list[str]) -> float:
    """The lowest cosine between the two models' vectors of ``texts`` (as queries and as passages)."""
    import numpy as np

    pairs = [(a.get_text_embedding_batch(texts), b.get_text_embedding_batch(texts)),
             ([a.get_query_embedding(t) for t in texts], [b.get_query_embedding(t) for t in texts])]
    worst = 1.0
    for xs, ys in pairs:
        for x, y in zip(xs, ys, strict=True):
            u, v = np.asarray(x), np.asarray(y)
            worst = min(worst, float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v))))
    return worst


def load_serving_model(settings: Settings) -> BaseEmbedding:
    """The model that embeds questions: the ONNX export, else sentence-transformers (one log line why)."""
    try:
        path = export_path(settings)
        if not path.with_suffix(".json").is_file():
            log.info("No ONNX export of %s in %s yet; exporting it once (about 5 s).",
                     settings.resolve_embed_model(), settings.onnx_dir)
        path = export(settings)
        return OnnxEmbedding(path, Path(settings.resolve_embed_model()), settings.embed_batch_size)
    except OnnxExportError as e:
        log.warning("Embedding questions with sentence-transformers (slower to start): the ONNX export of %s "
                    "is not usable (%s).", settings.resolve_embed_model(), e)
    from .index import load_torch_embed_model

    return load_torch_embed_model(settings)
