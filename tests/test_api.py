"""The HTTP API on the UI's server: the real `openai` client for /v1, httpx for REST, a real server."""

from __future__ import annotations

import base64
import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from interp_qa.ui import launch

from .conftest import free_port, says

SONNET = "How many features did Anthropic extract from Claude 3 Sonnet?"


@pytest.fixture(scope="module")
def url(assistant):
    server = launch(port=free_port(), assistant=assistant, block=False)
    yield server.url
    server.close()


@pytest.fixture(scope="module")
def http(url):
    with httpx.Client(base_url=url, timeout=60) as c:
        yield c


@pytest.fixture(scope="module")
def client(url):
    from openai import OpenAI

    return OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0)


# ----- OpenAI-compatible ----------------------------------------------------------------------------
def test_the_openai_client_gets_a_cited_answer(client, assistant):
    reply = client.chat.completions.create(model="interp-qa", messages=[{"role": "user", "content": SONNET}])
    text = reply.choices[0].message.content
    assert says(text, 34) and "[1]" in text and reply.choices[0].finish_reason == "stop"
    assert text == assistant.ask(SONNET).text
    extra = reply.model_extra
    assert extra["abstained"] is False and extra["backend"] == "extractive"
    first = extra["citations"][0]
    assert first["index"] == 1 and says(first["text"], 34) and first["id"].startswith("corpus/")
    assert [m.id for m in client.models.list().data] == ["interp-qa"]


def test_the_openai_client_streams_and_gets_citations_last(client, assistant):
    question = "What are the key cruxes in this debate?"
    chunks = list(client.chat.completions.create(
        model="interp-qa", messages=[{"role": "user", "content": question}], stream=True))
    deltas = [c.choices[0].delta.content or "" for c in chunks]
    expected = assistant.ask(question)
    assert "".join(deltas) == expected.text and sum(1 for d in deltas if d) >= 3  # it arrived in pieces
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert [c["id"] for c in chunks[-1].model_extra["citations"]] == [c.id for c in expected.citations]
    assert all("citations" not in (c.model_extra or {}) for c in chunks[:-1])


def test_earlier_user_messages_are_the_history(client):
    history = [{"role": "user", "content": "Tell me about the MAIA agent."},
               {"role": "assistant", "content": "MAIA is an automated interpretability agent [1]."}]
    question = {"role": "user", "content": "Which lab built it?"}
    alone = client.chat.completions.create(model="interp-qa", messages=[question]).choices[0].message.content
    followed = client.chat.completions.create(model="interp-qa", messages=[*history, question])
    assert "MIT" in followed.choices[0].message.content and "MIT" not in alone


def test_openai_errors_have_openai_shape(client, url):
    from openai import BadRequestError

    with pytest.raises(BadRequestError) as e:
        client.chat.completions.create(model="interp-qa", messages=[{"role": "user", "content": "   "}])
    assert e.value.status_code == 400 and e.value.body["message"].startswith("The question is empty.")
    r = httpx.post(f"{url}/v1/chat/completions", json={"messages": []})
    assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error"
    r = httpx.post(f"{url}/v1/chat/completions", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and "error" in r.json()


# ----- REST -------------------------------------------------------------------------------------------
def test_rest_ask_retrieve_and_passages(http, assistant):
    answer = http.post("/api/ask", json={"question": SONNET, "top_k": 3}).json()
    assert answer["text"] == assistant.ask(SONNET, top_k=3).text and answer["scope"] == "fact"
    passages = http.post("/api/retrieve", json={"question": SONNET, "top_k": 2, "mode": "bm25"}).json()
    assert len(passages) == 2 and passages[0]["id"] == assistant.retrieve(SONNET, 2, "bm25")[0].id
    pid = passages[0]["id"]
    one = http.get("/api/passages/" + pid.replace("#", "%23")).json()
    assert one["id"] == pid and one["text"] == passages[0]["text"]
    missing = http.get("/api/passages/corpus%2Fsurvey%23nothing-1")
    assert missing.status_code == 404 and "No passage with id" in missing.json()["detail"]


def test_health_models_and_docs(http, assistant):
    health = http.get("/healthz").json()
    assert health["status"] == "ok" and health["passages"] == assistant.retriever.collection.count()
    assert health["documents"] == 13 and health["backend"] == "extractive"
    assert http.get("/docs").status_code == 200
    paths = http.get("/openapi.json").json()["paths"]
    assert {"/api/ask", "/api/retrieve", "/v1/chat/completions", "/healthz"} <= set(paths)
    assert http.get("/").status_code == 200  # the UI is on the same port


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"question": ""}, 400, "The question is empty."),
        ({"question": 5}, 400, "The question must be a string, not int."),
        ({"question": "x" * 2001}, 400, "The question is 2001 characters long; the limit is 2000."),
        ({"question": SONNET, "top_k": 0}, 400, "top_k must be between 1 and 100, got 0."),
        ({"question": SONNET, "mode": "fast"}, 400, "Unknown retrieval mode 'fast'"),
        ({}, 422, "Invalid request: Field required (field question)"),
        ({"question": SONNET, "history": "not a list"}, 422, "Invalid request"),
    ],
)
def test_bad_input_gets_a_clear_error(http, body, status, message):
    r = http.post("/api/ask", json=body)
    assert r.status_code == status and r.json()["detail"].startswith(message), r.text


def test_malformed_and_oversized_bodies(http):
    r = http.post("/api/ask", content=b'{"question": ', headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"].startswith("Invalid request")
    big = json.dumps({"question": SONNET, "history": ["x" * 1_100_000]}).encode()
    r = http.post("/api/ask", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "over 1,000,000 bytes" in r.json()["detail"]
    r = http.post("/v1/chat/completions", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "error" in r.json()


def test_parallel_requests_get_the_serial_answers(http, url):
    from interp_qa.evaluation import DEFAULT_QUESTIONS, load_questions

    questions = [q.question for q in load_questions(DEFAULT_QUESTIONS)[:20]]
    serial = [http.post("/api/ask", json={"question": q}).json()["text"] for q in questions]
    with ThreadPoolExecutor(20) as pool:
        parallel = list(pool.map(lambda q: httpx.post(f"{url}/api/ask", json={"question": q},
                                                      timeout=120).json()["text"], questions))
    assert parallel == serial


# ----- auth ---------------------------------------------------------------------------------------------
def test_with_auth_the_api_wants_basic_auth_or_a_bearer_token(assistant, monkeypatch):
    from openai import AuthenticationError, OpenAI

    monkeypatch.setenv("INTERP_QA_AUTH", "reader:s3cret")
    monkeypatch.setenv("INTERP_QA_API_TOKEN", "tok-123")
    server = launch(host="0.0.0.0", port=free_port(), assistant=assistant, block=False)
    base = server.url.replace("0.0.0.0", "127.0.0.1")
    try:
        assert httpx.post(f"{base}/api/ask", json={"question": SONNET}).status_code == 401
        basic = base64.b64encode(b"reader:s3cret").decode()
        r = httpx.post(f"{base}/api/ask", json={"question": SONNET}, headers={"Authorization": f"Basic {basic}"},
                       timeout=60)
        assert r.status_code == 200 and says(r.json()["text"], 34)
        with pytest.raises(AuthenticationError):
            OpenAI(base_url=f"{base}/v1", api_key="wrong", max_retries=0).models.list()
        reply = OpenAI(base_url=f"{base}/v1", api_key="tok-123", max_retries=0).chat.completions.create(
            model="interp-qa", messages=[{"role": "user", "content": SONNET}])
        assert says(reply.choices[0].message.content, 34)
    finally:
        server.close()
