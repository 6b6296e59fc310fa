"""Answer models: build the configured llama-index LLM, and check that it works (``doctor``).

``openai`` uses llama-index's ``OpenAILike`` (any OpenAI-compatible server); ``llama-cpp``
uses ``LlamaCPP`` on a local GGUF file. Retries are ours (exactly one, see ``generate.py``),
so both clients are built with ``max_retries=0``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .prompts import PLAIN_STOPS, plain_prompt
from .settings import Settings


class LLMConfigError(ValueError):
    """The configured back end cannot be used as configured; the message says what to set."""


def describe(settings: Settings) -> str:
    """A short name of the configured back end and model, for answers and the status line."""
    if settings.llm == "openai":
        return f"openai:{settings.llm_model or '?'}@{settings.llm_base_url or '?'}"
    if settings.llm == "llama-cpp":
        return f"llama-cpp:{Path(settings.llm_model_path).name if settings.llm_model_path else '?'}"
    return "extractive"


def check_config(settings: Settings) -> None:
    """Raise :class:`LLMConfigError` naming the missing or wrong setting."""
    if settings.llm == "openai":
        if not settings.llm_base_url:
            raise LLMConfigError("INTERP_QA_LLM=openai needs INTERP_QA_LLM_BASE_URL "
                                 "(e.g. http://127.0.0.1:8080/v1) or --llm-base-url.")
        if not settings.llm_base_url.startswith(("http://", "https://")):
            raise LLMConfigError(f"INTERP_QA_LLM_BASE_URL must start with http:// or https://, "
                                 f"got {settings.llm_base_url!r}.")
    elif settings.llm == "llama-cpp":
        path = settings.llm_model_path
        if not path:
            raise LLMConfigError("INTERP_QA_LLM=llama-cpp needs INTERP_QA_LLM_MODEL_PATH (a .gguf file) "
                                 "or --llm-model-path.")
        if not Path(path).is_file():
            raise LLMConfigError(f"INTERP_QA_LLM_MODEL_PATH: {path} is not a file.")
        with open(path, "rb") as f:
            if f.read(4) != b"GGUF":
                raise LLMConfigError(f"INTERP_QA_LLM_MODEL_PATH: {path} is not a GGUF file "
                                     "(it does not start with the GGUF magic bytes).")


def load_llm(settings: Settings) -> Any:
    """The llama-index LLM for ``settings.llm`` (``openai`` or ``llama-cpp``)."""
    check_config(settings)
    if settings.llm == "openai":
        try:
            from llama_index.llms.openai_like import OpenAILike
        except ImportError as e:
            raise LLMConfigError("The openai back end needs the 'llm' extra: pip install 'interp-qa[llm]'.") from e
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
        chat = settings.llm_api == "chat"
        extra: dict[str, Any] = {} if chat else {
            "messages_to_prompt": _plain_messages_to_prompt, "additional_kwargs": {"stop": PLAIN_STOPS}}
        return OpenAILike(
            model=settings.llm_model or "default",
            api_base=settings.llm_base_url,
            api_key=key,
            is_chat_model=chat,
            context_window=settings.llm_context_window,
            max_tokens=settings.llm_max_tokens,
            temperature=settings.llm_temperature,
            timeout=settings.llm_timeout,
            max_retries=0,
            reuse_client=True,
            **extra,
        )
    if settings.llm == "llama-cpp":
        try:
            from llama_index.llms.llama_cpp import LlamaCPP
        except ImportError as e:
            raise LLMConfigError("The llama-cpp back end needs the 'llm' extra: pip install 'interp-qa[llm]'.") from e
        llm = LlamaCPP(
            model_path=str(settings.llm_model_path),
            temperature=settings.llm_temperature,
            max_new_tokens=settings.llm_max_tokens,
            context_window=settings.llm_context_window,
            generate_kwargs={"stop": ["<end_of_turn>", "<start_of_turn>", "<|im_end|>", "</s>"]},
            model_kwargs={"n_gpu_layers": 0, "n_threads": settings.llm_threads or os.cpu_count() or 1},
            verbose=False,
        )
        # LlamaCPP formats chats with Llama-2 tags by default; use the model's own format.
        llm.messages_to_prompt = chat_formatter(llm._model, settings.llm_chat_format)  # type: ignore[assignment]
        if llm.messages_to_prompt is _plain_messages_to_prompt:
            llm.generate_kwargs["stop"] = [*llm.generate_kwargs["stop"], *PLAIN_STOPS]
        to_prompt = llm.messages_to_prompt
        llm.completion_to_prompt = lambda text: to_prompt([_user(text)])  # type: ignore[misc]
        return llm
    raise LLMConfigError(f"INTERP_QA_LLM={settings.llm!r} has no model to load.")


def _plain_messages_to_prompt(messages: Sequence[Any]) -> str:
    return plain_prompt([(str(getattr(m.role, "value", m.role)), m.content or "") for m in messages])


def _user(text: str) -> Any:
    from llama_index.core.llms import ChatMessage

    return ChatMessage(role="user", content=text)


def chat_formatter(model: Any, chat_format: str = "auto") -> Callable[[Sequence[Any]], str]:
    """Turn chat messages into a prompt in the GGUF's own format.

    ``auto``: the chat template stored in the file when there is one; a file without one
    holds a base model, which gets a plain text prompt. Formats that have no system role
    get the system text at the top of the first user turn.
    """
    from llama_cpp import llama_chat_format as lcf

    meta = getattr(model, "metadata", {}) or {}
    template = meta.get("tokenizer.chat_template")
    if chat_format == "auto":
        chat_format = "template" if template else "plain"  # no chat template: a base model
    if chat_format == "plain":
        return _plain_messages_to_prompt

    if chat_format == "template":
        if not template:
            raise LLMConfigError("llm_chat_format=template, but the GGUF file has no chat template.")
        bos = model._model.token_get_text(model.token_bos())
        eos = model._model.token_get_text(model.token_eos())
        formatter = lcf.Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)
    else:
        name = {"llama-2": "llama2"}.get(chat_format, chat_format.replace("-", "_"))
        fn = getattr(lcf, f"format_{name}", None)
        if fn is None:
            raise LLMConfigError(f"Unknown llm_chat_format {chat_format!r}; try auto, gemma, chatml, llama-2.")
        formatter = fn
    merge_system = chat_format in {"gemma", "mistral-instruct"}

    def messages_to_prompt(messages: Sequence[Any]) -> str:
        msgs = [{"role": str(getattr(m.role, "value", m.role)), "content": m.content or ""} for m in messages]
        if merge_system and msgs and msgs[0]["role"] == "system":
            system = msgs.pop(0)["content"]
            if msgs:
                msgs[0] = {**msgs[0], "content": f"{system}\n\n{msgs[0]['content']}"}
        return formatter(messages=msgs).prompt  # type: ignore[arg-type]  # plain role/content dicts

    return messages_to_prompt


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def doctor(settings: Settings) -> list[Check]:
    """Check the index, the embedding model and the answer back end; say what is wrong."""
    checks: list[Check] = []
    from .index import IndexMissingError, IndexUnreadableError, get_collection, open_client

    try:
        collection = get_collection(open_client(settings, create=False), settings.collection, create=False)
        checks.append(Check("index", True, f"{collection.count()} passages in {settings.chroma_dir}"))
    except (IndexMissingError, IndexUnreadableError) as e:
        checks.append(Check("index", False, str(e)))
    model = settings.resolve_embed_model()
    ok = Path(model).exists() or "/" not in model
    checks.append(Check("embedding model", ok, model if ok else f"{model} does not exist"))
    checks.append(llm_check(settings))
    return checks


def llm_check(settings: Settings) -> Check:
    """Ask the configured model for a one-word reply; report what failed, in words."""
    if settings.llm == "extractive":
        return Check("answer back end", True, "extractive (no model needed)")
    try:
        llm = load_llm(settings)
    except Exception as e:  # noqa: BLE001 - every failure is reported, none is fatal here
        return Check("answer back end", False, f"{describe(settings)}: {explain_failure(e, settings)}")
    from llama_index.core.llms import ChatMessage

    try:
        reply = llm.chat([ChatMessage(role="user", content="Reply with the word: ready")])
    except Exception as e:  # noqa: BLE001
        return Check("answer back end", False, f"{describe(settings)}: {explain_failure(e, settings)}")
    text = (reply.message.content or "").strip().replace("\n", " ")
    return Check("answer back end", True, f"{describe(settings)} replied {text[:60]!r}")


def explain_failure(e: BaseException, settings: Settings) -> str:
    """A failure of the model call, said in terms of what to change."""
    name = type(e).__name__
    url = settings.llm_base_url
    if name in {"APITimeoutError", "ReadTimeout", "ConnectTimeout", "WriteTimeout", "PoolTimeout"} or isinstance(
            e, TimeoutError):
        return f"no reply from {url} within {settings.llm_timeout:g} s (INTERP_QA_LLM_TIMEOUT)"
    if name in {"APIConnectionError", "ConnectError", "RemoteProtocolError"}:
        return f"cannot connect to {url}: is the server running? ({e.__cause__ or e})"
    if name == "AuthenticationError":
        return f"{url} refused the API key (INTERP_QA_LLM_API_KEY)"
    if name == "NotFoundError":
        return f"{url} does not know model {settings.llm_model!r} or the path (INTERP_QA_LLM_MODEL / _BASE_URL)"
    if name == "APIStatusError" or hasattr(e, "status_code"):
        return f"{url} answered HTTP {getattr(e, 'status_code', '?')}: {str(e)[:200]}"
    return f"{name}: {str(e)[:200]}"
