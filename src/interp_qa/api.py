"""The HTTP API, served beside the web UI: OpenAI-compatible chat completions with citations, and REST.

- ``POST /v1/chat/completions`` (``model: "interp-qa"``): the last user message is the question, earlier
  user turns its history. The reply's ``message.content`` is the cited answer; ``citations``,
  ``abstained``, ``scope`` and ``backend`` are extension fields. ``stream: true`` sends OpenAI's
  server-sent chunks, the citations with the last one, then ``data: [DONE]``.
- ``GET /v1/models``; ``POST /api/ask`` (an :class:`Answer`), ``POST /api/retrieve`` (passages),
  ``GET /api/passages/{id}``, ``GET /healthz``; the OpenAPI schema and docs at ``/docs``.

Errors are JSON, never a stack trace: OpenAI's ``{"error": {...}}`` shape under ``/v1``, ``{"detail": ...}``
elsewhere. With ``INTERP_QA_AUTH=user:password`` every route wants HTTP basic auth or
``Authorization: Bearer <token>`` (``INTERP_QA_API_TOKEN``, or the password), which is what OpenAI
clients send as their API key.
"""

from __future__ import annotations

import base64
import hmac
import json
import logging
import secrets
import time
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from .text import MODES
from .types import Answer, Passage

if TYPE_CHECKING:
    from .assistant import Assistant

log = logging.getLogger(__name__)
MODEL_ID = "interp-qa"
MAX_BODY_BYTES = 1_000_000
API_PREFIXES = ("/v1/", "/api/")


class AskRequest(BaseModel):
    """A question for ``/api/ask``."""

    question: Any = Field(description="The question (a string of at most 2,000 characters).")
    history: list[str] | None = Field(None, description="Earlier user questions of the conversation, oldest first.")
    top_k: int | None = Field(None, description="Passages to retrieve (1-100).")
    mode: str | None = Field(None, description=f"Retrieval mode: {' | '.join(MODES)}.")


class RetrieveRequest(BaseModel):
    """A question for ``/api/retrieve``."""

    question: Any = Field(description="The question.")
    top_k: int | None = Field(None, description="Passages to return (1-100).")
    mode: str | None = Field(None, description=f"Retrieval mode: {' | '.join(MODES)}.")


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str
    content: Any = None


class ChatRequest(BaseModel):
    """OpenAI's chat completion request; fields other than these are accepted and ignored."""

    model_config = ConfigDict(extra="allow")
    model: str = MODEL_ID
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False


class APIError(Exception):
    def __init__(self, status: int, message: str, kind: str = "invalid_request_error") -> None:
        super().__init__(message)
        self.status, self.message, self.kind = status, message, kind


def error_body(path: str, message: str, kind: str = "invalid_request_error") -> dict:
    """OpenAI's error shape under /v1, FastAPI's ``detail`` elsewhere."""
    if path.startswith("/v1/"):
        return {"error": {"message": message, "type": kind, "param": None, "code": None}}
    return {"detail": message}


def _error(request: Request, status: int, message: str, kind: str = "invalid_request_error") -> JSONResponse:
    headers = {"WWW-Authenticate": 'Basic realm="interp-qa"'} if status == 401 else None
    return JSONResponse(error_body(request.url.path, message, kind), status_code=status, headers=headers)


def message_text(content: Any) -> str:
    """A chat message's text: a string, or OpenAI's list of content parts (the text parts joined)."""
    if content is None or isinstance(content, str):
        return content or ""
    if isinstance(content, list):
        return "\n".join(str(p.get("text", "")) for p in content if isinstance(p, dict) and p.get("type") == "text")
    raise APIError(400, f"A message's content must be a string or a list of parts, not {type(content).__name__}.")


def citation_json(n: int, p: Passage) -> dict:
    return {"index": n, "id": p.id, "title": p.title, "section": p.section, "source": p.source, "url": p.url,
            "text": p.text}


def _extensions(answer: Answer) -> dict:
    return {"citations": [citation_json(n, p) for n, p in enumerate(answer.citations, 1)],
            "abstained": answer.abstained, "status": answer.status, "scope": answer.scope,
            "backend": answer.backend}


class BodyLimit:
    """Refuses API request bodies over ``limit`` bytes with 413, before they are read whole."""

    def __init__(self, app, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIXES):
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            return await self._refuse(scope, send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            return await self.app(scope, counted, send)
        except _TooLarge:
            return await self._refuse(scope, send)

    async def _refuse(self, scope, send):
        data = json.dumps(error_body(scope["path"], f"The request body is over {self.limit:,} bytes.")).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]})
        await send({"type": "http.response.body", "body": data})


class _TooLarge(Exception):
    pass


def build_api(assistant: Assistant, auth: tuple[str, str] | None = None, token: str | None = None) -> FastAPI:
    """The API routes on a FastAPI app (mount the UI on it afterwards).

    Args:
        assistant: answers the questions.
        auth: (user, password) every route requires, as basic auth; None leaves the API open.
        token: a bearer token accepted instead (default: the password).
    """
    app = FastAPI(title="interp-qa", version="1", docs_url="/docs", redoc_url=None,
                  description="Cited answers about the survey *Is Interpretability Sufficient for Safety?*")
    bearer = token or (auth[1] if auth else None)

    def authorised(request: Request) -> None:
        if auth is None:
            return
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and bearer and hmac.compare_digest(value.strip(), bearer):
            return
        if scheme.lower() == "basic":
            try:
                user, _, password = base64.b64decode(value.strip()).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                user, password = "", ""
            if secrets.compare_digest(user, auth[0]) and secrets.compare_digest(password, auth[1]):
                return
        raise APIError(401, "Missing or wrong credentials: use HTTP basic auth, or 'Authorization: Bearer <token>' "
                            "(an OpenAI client's API key).", "authentication_error")

    @app.exception_handler(APIError)
    async def _api_error(request: Request, e: APIError) -> JSONResponse:
        return _error(request, e.status, e.message, e.kind)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, e: RequestValidationError) -> JSONResponse:
        first = e.errors()[0] if e.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x != "body")
        message = f"Invalid request: {first.get('msg', 'malformed body')}" + (f" (field {where})" if where else "")
        return _error(request, 400 if request.url.path.startswith("/v1/") else 422, message)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, e: HTTPException) -> JSONResponse:
        return _error(request, e.status_code, str(e.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, e: Exception) -> JSONResponse:
        log.exception("%s %s failed", request.method, request.url.path)
        return _error(request, 500, f"Something went wrong ({type(e).__name__}); try again.", "server_error")

    def run(call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except ValueError as e:  # a bad question, top_k or mode: the same message as the Python API
            raise APIError(400, str(e)) from e

    guarded = [Depends(authorised)]

    @app.get("/healthz", dependencies=guarded, summary="Index state, size and answer back end")
    def healthz(request: Request):
        from .models import describe

        r = assistant._retriever
        if r is None:
            return _error(request, 503, "The index is still loading.")
        return {"status": "ok", "passages": len(r), "documents": len(r.documents()),
                "backend": describe(assistant.settings), "retrieval_mode": assistant.settings.retrieval_mode}

    @app.post("/api/ask", dependencies=guarded, response_model=Answer, summary="A cited answer")
    def api_ask(body: AskRequest) -> Answer:
        return run(assistant.ask, body.question, history=body.history, top_k=body.top_k, mode=body.mode)

    @app.post("/api/retrieve", dependencies=guarded, response_model=list[Passage], summary="Passages, best first")
    def api_retrieve(body: RetrieveRequest) -> list[Passage]:
        return run(assistant.retrieve, body.question, top_k=body.top_k, mode=body.mode)

    @app.get("/api/passages/{passage_id:path}", dependencies=guarded, response_model=Passage,
             summary="One passage by id (URL-encode its '#' as %23)")
    def api_passage(passage_id: str) -> Passage:
        p = assistant.retriever.passages([passage_id]).get(passage_id)
        if p is None:
            raise APIError(404, f"No passage with id {passage_id!r}.", "not_found_error")
        return p

    @app.get("/v1/models", dependencies=guarded, summary="The one model: interp-qa")
    def models():
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "interp-qa"}]}

    @app.post("/v1/chat/completions", dependencies=guarded, summary="OpenAI-compatible chat completion")
    def chat(body: ChatRequest):
        users = [message_text(m.content) for m in body.messages if m.role == "user"]
        if not users:
            raise APIError(400, "No user message: the last user message is the question.")
        question, history = users[-1], [u for u in users[:-1] if u.strip()]
        question = run(assistant.check_question, question)
        cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        if not body.stream:
            answer = run(assistant.ask, question, history=history or None)
            return {"id": cid, "object": "chat.completion", "created": created, "model": MODEL_ID,
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.text},
                                 "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                    **_extensions(answer)}
        return StreamingResponse(_chunks(assistant, question, history, cid, created), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})

    return app


def _chunks(assistant: Assistant, question: str, history: list[str], cid: str, created: int) -> Iterator[str]:
    """OpenAI's chunk stream: the role, the text as it is written, then a last chunk with the citations."""
    def chunk(delta: dict, finish: str | None = None, **extra) -> str:
        body = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    try:
        for piece in assistant.ask_stream(question, history=history or None):
            if isinstance(piece, Answer):
                # The checked answer (for a model's answer, markers repaired) goes with the citations.
                yield chunk({}, "stop", text=piece.text, **_extensions(piece))
            else:
                yield chunk({"content": piece})
    except Exception as e:  # noqa: BLE001 - the stream is open: say so in it, no trace
        log.exception("streaming %r failed", question)
        error = {"error": {"message": f"Something went wrong ({type(e).__name__}).", "type": "server_error"}}
        yield f"data: {json.dumps(error)}\n\n"
    yield "data: [DONE]\n\n"
