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


def test_ask_prints_the_answer_then_its_sources(settings, assistant):
    env = {"INTERP_QA_DATA_DIR": str(settings.data_dir)}
    proc = run("ask", "How many features did OpenAI extract from GPT-4?", "--top-k", "3", "--mode", "bm25", env=env)
    assert proc.returncode == 0, proc.stderr
    text, _, sources = proc.stdout.partition("\n\n")
    expected = assistant.ask("How many features did OpenAI extract from GPT-4?", top_k=3, mode="bm25")
    assert text.strip() == expected.text
    assert sources.strip().splitlines()[0] == (f"[1] {expected.citations[0].title} — {expected.citations[0].section} "
                                               f"({expected.citations[0].source}, {expected.citations[0].id})")


def test_ask_with_history_answers_the_follow_up(settings, assistant):
    env = {"INTERP_QA_DATA_DIR": str(settings.data_dir)}
    proc = run("ask", "Which lab built it?", "--history", "Tell me about the MAIA agent.", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    answer = Answer.model_validate_json(proc.stdout)
    assert "MIT" in answer.text and "MAIA" in (answer.standalone_question or "")


def test_retrieve_lists_passages(settings, assistant):
    env = {"INTERP_QA_DATA_DIR": str(settings.data_dir)}
    proc = run("retrieve", "induction heads", "--top-k", "2", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    passages = json.loads(proc.stdout)
    assert [p["id"] for p in passages] == [p.id for p in assistant.retrieve("induction heads", top_k=2)]
    plain = run("retrieve", "induction heads", "--top-k", "2", env=env).stdout
    assert plain.startswith(f"1. [{passages[0]['score']:.4f}] {passages[0]['id']}") and "\n2. [" in plain


def test_ingest_a_folder_then_rebuild(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "probes.md").write_text("# Probes\n\nLinear probes reached 90% accuracy on truthfulness.\n")
    env = {"INTERP_QA_DATA_DIR": str(tmp_path / "data"), "INTERP_QA_CORPUS_PATHS": str(notes)}
    first = run("ingest", str(notes), env=env)
    assert first.returncode == 0 and "1 passages: 1 added" in first.stdout, first.stdout + first.stderr
    again = run("ingest", "--rebuild", env=env)
    assert again.returncode == 0 and "1 added" in again.stdout and "embedded 1 (reused 0)" in again.stdout  # afresh
    answer = Answer.model_validate_json(run("ask", "What accuracy did linear probes reach?", "--json", env=env).stdout)
    assert "90%" in answer.text


def test_a_missing_index_or_corpus_is_exit_code_2(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    for corpus, message in [(tmp_path / "nothing", "no such file or folder"), (empty, "The index is empty")]:
        env = {"INTERP_QA_DATA_DIR": str(tmp_path / "data"), "INTERP_QA_CORPUS_PATHS": str(corpus)}
        proc = run("retrieve", "anything", env=env)
        assert proc.returncode == 2 and proc.stderr.startswith("error: ") and message in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr


def test_eval_gates_fail_with_exit_1(settings, assistant, tmp_path):
    questions = tmp_path / "two.jsonl"
    questions.write_text("\n".join(line for line in DEFAULT_QUESTIONS_TEXT().splitlines()[:2]) + "\n")
    env = {"INTERP_QA_DATA_DIR": str(settings.data_dir)}
    ok = run("eval", "--questions", str(questions), "--configs", "hybrid+rerank", "--out", str(tmp_path / "a"),
             "--min-hit1", "0.5", env=env)
    assert ok.returncode == 0, ok.stderr
    gated = run("eval", "--questions", str(questions), "--configs", "bm25", "--out", str(tmp_path / "b"),
                "--min-fact-accuracy", "1.01", env=env)
    assert gated.returncode == 1 and "Below the gate: fact_accuracy" in gated.stderr


def DEFAULT_QUESTIONS_TEXT() -> str:  # noqa: N802 - read as a constant
    from interp_qa.evaluation import DEFAULT_QUESTIONS

    return DEFAULT_QUESTIONS.read_text(encoding="utf-8")


def test_config_file_and_doctor(settings, assistant, tmp_path):
    config = tmp_path / "settings.toml"
    config.write_text(f'data_dir = "{settings.data_dir}"\ntop_k = 2\n')
    proc = run("--config", str(config), "ask", "What is an induction head?", "--json")
    assert proc.returncode == 0, proc.stderr
    assert len(Answer.model_validate_json(proc.stdout).passages) == 2  # top_k from the file
    doctor = run("--config", str(config), "doctor")
    assert doctor.returncode == 0 and doctor.stdout.startswith("ok "), doctor.stdout + doctor.stderr
    assert "FAIL" not in doctor.stdout


def _serves(cmd: list[str], env: dict, url: str) -> dict:
    """Start a server command, wait for its /healthz, stop it; returns the health report."""
    import time

    import httpx

    proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise AssertionError(f"exited {proc.returncode}: {proc.stderr.read()}")
            try:
                r = httpx.get(f"{url}/healthz", timeout=2)
                if r.status_code == 200:
                    return r.json()
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError("no answer from /healthz within 120 s")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_and_app_py_listen_where_they_are_told(settings, assistant):
    from interp_qa.settings import PROJECT_ROOT

    from .conftest import free_port

    env = {"INTERP_QA_DATA_DIR": str(settings.data_dir)}
    port = free_port()
    health = _serves([sys.executable, "-m", "interp_qa.cli", "serve", "--port", str(port)], env,
                     f"http://127.0.0.1:{port}")
    assert health["status"] == "ok" and health["passages"] == assistant.retriever.collection.count()
    port = free_port()
    health = _serves([sys.executable, str(PROJECT_ROOT / "app.py")], {**env, "GRADIO_SERVER_PORT": str(port)},
                     f"http://127.0.0.1:{port}")
    assert health["status"] == "ok"


def test_serving_beyond_loopback_needs_a_password_or_insecure(settings, assistant):
    from .conftest import free_port

    env = {"INTERP_QA_DATA_DIR": str(settings.data_dir)}
    refused = run("serve", "--host", "0.0.0.0", "--port", str(free_port()), env=env)
    assert refused.returncode == 2 and "Refusing to serve on 0.0.0.0 without a password" in refused.stderr
    port = free_port()
    health = _serves([sys.executable, "-m", "interp_qa.cli", "serve", "--host", "0.0.0.0", "--port", str(port),
                      "--insecure"], env, f"http://127.0.0.1:{port}")
    assert health["status"] == "ok"
    port = free_port()
    named = {**env, "GRADIO_SERVER_NAME": "0.0.0.0", "GRADIO_SERVER_PORT": str(port), "INTERP_QA_AUTH": "u:p"}
    proc = subprocess.Popen([sys.executable, "-m", "interp_qa.cli", "serve"], env={**os.environ, **named},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        import time

        import httpx

        deadline, status = time.monotonic() + 120, None
        while time.monotonic() < deadline and status is None:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code
            except httpx.HTTPError:
                time.sleep(0.2)
        assert status == 401  # with a password set, the API wants it
        auth = httpx.get(f"http://127.0.0.1:{port}/healthz", auth=("u", "p"), timeout=10)
        assert auth.status_code == 200 and auth.json()["status"] == "ok"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
