"""The command line, run as a user runs it (a real subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from interp_qa import Answer

from .conftest import says


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "interp_qa.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def test_help_imports_no_heavy_library():
    code = ("import sys; from interp_qa import cli\n"
            "try:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('torch', 'chromadb', 'gradio', 'llama_index.core', 'sentence_transformers')"
            " if m in sys.modules]\nprint(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("[]")


def test_ask_json(settings, assistant):
    env = {"INTERP_QA_DATA_DIR": str(settings.data_dir)}
    proc = run("ask", "How many features did OpenAI extract from GPT-4?", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    answer = Answer.model_validate_json(proc.stdout)
    assert answer.citations and says(answer.text, 16)


def test_empty_question_is_a_clear_error(settings, assistant):
    proc = run("ask", "  ", env={"INTERP_QA_DATA_DIR": str(settings.data_dir)})
    assert proc.returncode == 2 and "error: The question is empty" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_ingest_of_an_unchanged_corpus_embeds_nothing(settings, assistant):
    proc = run("ingest", env={"INTERP_QA_DATA_DIR": str(settings.data_dir)})
    assert proc.returncode == 0, proc.stderr
    assert "0 added, 0 updated, 0 removed" in proc.stdout and "embedded 0" in proc.stdout


def test_build_corpus_check_passes_on_the_committed_corpus():
    proc = run("build-corpus", "--check")
    assert proc.returncode == 0, proc.stdout


def test_build_corpus_check_finds_an_edited_file_and_write_mode_restores_it(tmp_path):
    import shutil

    from interp_qa.settings import DEFAULT_CORPUS

    corpus = tmp_path / "corpus"
    shutil.copytree(DEFAULT_CORPUS, corpus)
    survey = corpus / "survey.md"
    original = survey.read_text(encoding="utf-8")
    survey.write_text(original.replace("34M features", "35M features", 1), encoding="utf-8")
    proc = run("build-corpus", "--check", "--corpus", str(corpus))
    assert proc.returncode == 1 and "stale:" in proc.stdout and "survey.md" in proc.stdout
    assert survey.read_text(encoding="utf-8") != original  # --check writes nothing
    proc = run("build-corpus", "--corpus", str(corpus))
    assert proc.returncode == 0 and "wrote 1 file(s)" in proc.stdout
    assert survey.read_text(encoding="utf-8") == original
    assert run("build-corpus", "--check", "--corpus", str(corpus)).returncode == 0


def test_eval_on_a_subset(settings, assistant, tmp_path):
    env = {"INTERP_QA_DATA_DIR": str(settings.data_dir)}
    proc = run("eval", "--limit", "12", "--configs", "bm25", "hybrid+rerank", "naive", "--out", str(tmp_path), env=env)
    assert proc.returncode == 0, proc.stderr
    results = json.loads((tmp_path / "latest.json").read_text())
    for config in ("bm25", "hybrid+rerank", "naive"):
        m = results["retrieval"][config]
        assert {"hit@1", "hit@5", "mrr", "ndcg@5", "p50_ms"} <= set(m)
        assert 0 <= m["hit@1"] <= m["hit@5"] <= 1 and 0 <= m["mrr"] <= 1 and m["p50_ms"] > 0
    assert results["retrieval"]["hybrid+rerank"]["hit@1"] >= 0.75  # the first 12 questions are easy ones
    assert 0.75 <= results["answers"]["fact_accuracy"] <= 1 and results["questions"] == 12
    assert {"fact_accuracy", "citation_support", "abstention_accuracy", "false_abstention", "p50_ms"} <= set(
        results["answers"])
    assert (tmp_path / "report.md").read_text().startswith("# interp-qa evaluation")
    assert (tmp_path / "retrieval.png").stat().st_size > 1000
    assert "hybrid+rerank" in proc.stdout
