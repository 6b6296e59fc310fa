"""Where settings come from, and which source wins: code > environment > .env > TOML files > defaults."""

from __future__ import annotations

import pytest

from interp_qa import Settings


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A clean working folder and config home, with no INTERP_QA_* variables set."""
    import os

    for key in [k for k in os.environ if k.startswith("INTERP_QA_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return tmp_path


def test_each_source_overrides_the_one_below(home, monkeypatch):
    user = home / "config" / "interp-qa" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text("top_k = 2\nmax_question_chars = 500\ndense_weight = 0.5\nllm_timeout = 5\n")
    assert (Settings().top_k, Settings().max_question_chars) == (2, 500)  # the user's file

    (home / "work" / "interp-qa.toml").write_text("top_k = 3\nmax_question_chars = 600\n")
    s = Settings()
    assert (s.top_k, s.max_question_chars, s.dense_weight) == (3, 600, 0.5)  # ./interp-qa.toml over it

    named = home / "named.toml"
    named.write_text("top_k = 4\n")
    monkeypatch.setenv("INTERP_QA_CONFIG", str(named))
    assert Settings().top_k == 4 and Settings().max_question_chars == 600  # the named file over both

    (home / "work" / ".env").write_text("INTERP_QA_TOP_K=6\nINTERP_QA_LLM_TIMEOUT=7\n")
    assert Settings().top_k == 6 and Settings().llm_timeout == 7  # .env over files

    monkeypatch.setenv("INTERP_QA_TOP_K", "8")
    assert Settings().top_k == 8 and Settings().llm_timeout == 7  # the environment over .env
    assert Settings(top_k=9).top_k == 9  # code (and CLI flags) over everything


def test_a_named_config_file_must_exist(home, monkeypatch):
    monkeypatch.setenv("INTERP_QA_CONFIG", str(home / "missing.toml"))
    with pytest.raises(FileNotFoundError, match="missing.toml, which is not a file"):
        Settings()


def test_bad_values_say_which_setting(home, monkeypatch):
    from pydantic import ValidationError

    monkeypatch.setenv("INTERP_QA_TOP_K", "0")
    with pytest.raises(ValidationError, match="top_k"):
        Settings()


def test_a_synonym_file_from_the_environment(home, monkeypatch, assistant):
    from interp_qa import Assistant

    synonyms = home / "syn.txt"
    synonyms.write_text("weaknesses: gripes\n")
    monkeypatch.setenv("INTERP_QA_SYNONYMS", str(synonyms))
    s = Settings(data_dir=assistant.settings.data_dir)
    assert s.synonyms == synonyms
    reader = Assistant(s, auto_ingest=False).steps[0]
    assert reader.expand("What are the gripes about red-teaming?") == ["weaknesses"]
    assert reader.expand("What are the drawbacks of red-teaming?") == []  # the bundled list is replaced
