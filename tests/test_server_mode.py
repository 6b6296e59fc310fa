"""Chroma server mode: a real `chroma run` on loopback shared by several app processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from interp_qa import Assistant, Settings
from interp_qa.settings import DEFAULT_CORPUS

from .conftest import free_port, says, wait_for_http

SONNET = "How many features did Anthropic extract from Claude 3 Sonnet?"


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory):
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    chroma = Path(sys.executable).parent / "chroma"
    with open(path / "server.log", "wb") as log:
        proc = subprocess.Popen([str(chroma), "run", "--path", str(path / "db"), "--host", "127.0.0.1",
                                 "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/api/v2/heartbeat", proc, seconds=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def server_settings(chroma_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("client"), corpus_paths=[DEFAULT_CORPUS], chroma_url=chroma_url,
                    collection="interp_qa_server")


def test_ingest_and_ask_through_a_chroma_server(server_settings: Settings):
    a = Assistant(server_settings, auto_ingest=False)
    report = a.ingest()
    assert report.total > 100 and report.errors == []
    assert not (server_settings.data_dir / "chroma").exists()  # nothing stored locally
    answer = a.ask(SONNET)
    assert says(answer.text, 34) and answer.citations
    assert a.ingest().embedded == 0  # unchanged: nothing embedded again


def test_two_app_processes_share_the_server(server_settings: Settings):
    Assistant(server_settings, auto_ingest=False).ingest()
    env = {**os.environ, "INTERP_QA_CHROMA_URL": server_settings.chroma_url,
           "INTERP_QA_COLLECTION": server_settings.collection, "INTERP_QA_DATA_DIR": str(server_settings.data_dir)}
    questions = [SONNET, "How many features did OpenAI extract from GPT-4?"]
    procs = [subprocess.Popen([sys.executable, "-m", "interp_qa.cli", "ask", q, "--json"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for q in questions]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-500:] for o in outs]
    answers = [json.loads(o[0]) for o in outs]
    assert says(answers[0]["text"], 34) and says(answers[1]["text"], 16)


def test_another_machine_builds_its_bm25_once_from_the_server(server_settings: Settings, tmp_path: Path, caplog):
    """Ingest ran elsewhere: this machine's data directory has no BM25 of the live generation yet."""
    Assistant(server_settings, auto_ingest=False).ingest()
    other = server_settings.model_copy(update={"data_dir": tmp_path / "machine-b"})
    with caplog.at_level("WARNING", logger="interp_qa"):
        b = Assistant(other, auto_ingest=False)
        answer = b.ask(SONNET)
    assert any("building them from the index" in r.getMessage() for r in caplog.records)
    live = b.retriever.collection.name
    assert (other.generations_dir / live / "stats.sqlite3").is_file()  # kept for the next start
    assert answer.text == Assistant(server_settings, auto_ingest=False).ask(SONNET).text
    caplog.clear()
    with caplog.at_level("WARNING", logger="interp_qa"):
        assert Assistant(other, auto_ingest=False).ask(SONNET).text == answer.text
    assert not any("building them" in r.getMessage() for r in caplog.records)  # built once


def test_a_bad_server_url_says_what_is_wrong(tmp_path: Path):
    from interp_qa.index import IndexUnreadableError

    s = Settings(data_dir=tmp_path, chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(IndexUnreadableError, match="chroma run"):
        Assistant(s, auto_ingest=False).retrieve("anything")
    with pytest.raises(ValueError, match="http://host:port"):
        Assistant(Settings(data_dir=tmp_path, chroma_url="localhost"), auto_ingest=False).retrieve("anything")
