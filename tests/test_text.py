"""Shared text helpers: the Lancaster stemmer loaded without nltk's package."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
from interp_qa.settings import DEFAULT_CORPUS
from interp_qa.text import _lancaster_stemmer, tokens
words = sorted({w for f in DEFAULT_CORPUS.rglob('*.md') for w in tokens(f.read_text()) if w.isalpha()})
mine = [_lancaster_stemmer().stem(w) for w in words]
loaded = 'nltk' in sys.modules or 'scipy' in sys.modules
from nltk.stem import LancasterStemmer  # the package, whole, after ours
theirs = [LancasterStemmer().stem(w) for w in words]
print(len(words), loaded, sum(a != b for a, b in zip(mine, theirs)))
"""


def test_the_lancaster_stemmer_gives_nltk_s_stems_without_importing_nltk_s_package():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    words, loaded, differ = out.stdout.split()
    assert int(words) > 1000 and loaded == "False" and differ == "0"


def test_an_abbreviation_s_long_form_is_found_either_side_of_its_parenthesis():
    from interp_qa.text import long_form
    assert long_form("SAE", "Anthropic applies sparse autoencoders (SAEs) to extract") == (
        "SAEs", "sparse autoencoders")
    assert long_form("MAIA", "MIT developed MAIA (Multimodal Automated Interpretability Agent), a system") == (
        "MAIA", "Multimodal Automated Interpretability Agent")
    assert long_form("RLHF", "an analysis of Reinforcement Learning from Human Feedback (RLHF) and") == (
        "RLHF", "Reinforcement Learning from Human Feedback")
    # Not spelled out: a parenthesis that says something else, or letters that would reach across another one
    assert long_form("RLHF", "Key Limitations of RLHF (Per Recent Research)") is None
    assert long_form("RLAIF", "Human Feedback (RLHF) and AI Feedback (RLAIF) methods") is None


def test_a_british_spelling_gives_its_american_form():
    from interp_qa.text import american

    assert american("behaviour") == ["behavior"]
    assert american("organised") == ["organized"]
    assert american("analyse") == ["analyze"]
    assert american("modelling") == ["modeling"]
    assert american("centre") == ["center"]
    assert american("sceptics") == ["skeptics"]  # the survey's "Skeptical"
    assert american("four") == [] and american("tell") == []


def test_the_abbreviations_a_text_spells_out():
    from interp_qa.text import long_forms

    assert long_forms("Anthropic applies sparse autoencoders (SAEs) to extract features.") == {
        "sae": "sparse autoencoders"}
    assert long_forms("Reinforcement Learning from Human Feedback (RLHF) and AI Feedback (RLAIF) methods") == {
        "rlhf": "reinforcement learning from human feedback"}
    assert long_forms("MAIA (Multimodal Automated Interpretability Agent), a system") == {
        "maia": "multimodal automated interpretability agent"}
    # a long form never reaches across a line: a record's "- MAIA" then "organization: MIT (MAIA)"
    assert long_forms("link_texts:\n- MAIA\norganization: MIT (MAIA)") == {}
