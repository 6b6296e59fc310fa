"""The web UI, served for real by Gradio and driven over HTTP with gradio_client."""

from __future__ import annotations

import pytest

from interp_qa.ui import launch, render_sources

from .conftest import free_port


@pytest.fixture(scope="module")
def client(assistant):
    from gradio_client import Client

    port = free_port()
    app = launch(port=port, assistant=assistant, block=False)
    yield Client(f"http://127.0.0.1:{port}/", verbose=False)
    app.close() if hasattr(app, "close") else None


def test_ask_over_http(client):
    answer = client.predict("How many features did OpenAI extract from GPT-4?", [], api_name="/ask")
    assert not answer["abstained"] and answer["citations"]
    assert "[1]" in answer["text"]


def test_follow_up_over_http(client):
    answer = client.predict("And for GPT-4?", ["How many features did Anthropic extract from Claude 3 Sonnet?"],
                            api_name="/ask")
    assert "16M" in answer["text"] or "16 million" in answer["text"]


def test_empty_question_is_an_error_message_not_a_crash(client):
    with pytest.raises(Exception, match="The question is empty"):
        client.predict("   ", [], api_name="/ask")


def test_refuses_a_public_address_without_a_password(monkeypatch):
    monkeypatch.delenv("INTERP_QA_AUTH", raising=False)
    with pytest.raises(ValueError, match="INTERP_QA_AUTH"):
        launch(host="0.0.0.0", port=free_port(), block=False)


def test_sources_escape_html(assistant):
    answer = assistant.ask("How many features did OpenAI extract from GPT-4?")
    answer.citations[0].text = "<img src=x onerror=alert(1)>"
    assert "<img" not in render_sources(answer) and "&lt;img" in render_sources(answer)
