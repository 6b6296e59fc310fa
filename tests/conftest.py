"""One index for the whole session: the real embedding model and a real Chroma store in a temp dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from interp_qa import Assistant, Settings
from interp_qa.settings import DEFAULT_CORPUS

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("data"), corpus_paths=[DEFAULT_CORPUS])


@pytest.fixture(scope="session")
def assistant(settings: Settings) -> Assistant:
    a = Assistant(settings, auto_ingest=False)
    report = a.ingest()
    assert report.errors == [] and report.total > 100
    return a
