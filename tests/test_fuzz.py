"""Fuzzing the loaders: on any input, a clean BriefingError or a correct result, never a crash.

The outline loader gets random bytes, YAML-shaped noise and well-formed documents with
random values in the outline's own fields; the corpus loader gets random text, whose
passages, sentences and removed spans must always be exact slices of it.
"""

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings, strategies as st

from briefing import yamlio
from briefing.corpus import Source, load_corpus, load_rules, segment
from briefing.errors import BriefingError
from briefing.outline import load_outline
from briefing.select import find

pytestmark = pytest.mark.slow   # hundreds of examples each: run by `pytest -m slow` and in CI

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])



def pieces(bits: list[str], max_size: int):
    """Return strings made of the given bits: characters and short runs that steer the parsers."""
    return st.lists(st.sampled_from(bits), max_size=max_size).map("".join)


# Characters that steer YAML, Markdown and the segmenter, with maintenance tags, a BOM and a bidi override.
YAML_BITS = list(":-[]{}&*!|>'\"#%@?,\\\n\t ") + ["a", "b", "1", "é", "\x07", "\ufeff", "\x00", "&a", "*a", "!!"]
TEXT_BITS = list("abcAB 19.!?\"'“”()[]\n\r\t#>*-•:,;…") + ["ᶜⁱᵗᵃᵗⁱᵒⁿ", " ⁿᵉᵉᵈᵉᵈ", "ʷʰᵒ?", "\u00a0", "\ufeff",
                                                           "e\u0301", "Mr.", "U.S.", "\u202e", "Word ", "Sentence. "]
FIELDS = ["title", "subtitle", "audience", "marking", "date", "cutoff", "version", "status", "sections", "id",
          "query", "excerpts", "quotes", "source", "text", "extends", "drop", "order", "topic", "page", "size",
          "max_pages", "judgments", "likelihood", "confidence", "exclude", "duplex", "bleed"]
SCALARS = (st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats() | st.text(max_size=30)
           | st.sampled_from(["2026-01-01", "2026-13-45", "one", "../../etc/passwd", "/etc/passwd", "a\x00b",
                              "default.yaml", "x" * 300, "[@one, par. 1]", "{{ 7*7 }}", "<script>"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=5),
                      max_leaves=25)
OUTLINES = st.fixed_dictionaries({}, optional={k: VALUES for k in FIELDS}) | VALUES


def load_or_refuse(path: Path):
    """Load an outline; a BriefingError is a fine outcome, anything else escapes and fails."""
    try:
        return load_outline(path, sources={"one"}, root=path.parent)
    except BriefingError as e:
        assert str(e)   # the command line prints it as one line, whatever names it quotes
        return None


@FUZZ
@given(data=st.binary(max_size=600))
def test_random_bytes_never_crash_the_yaml_or_outline_loader(tmp_path, data):
    (tmp_path / "o.yaml").write_bytes(data)
    try:
        yamlio.load(tmp_path / "o.yaml")
    except BriefingError:
        pass
    load_or_refuse(tmp_path / "o.yaml")


@FUZZ
@given(text=pieces(YAML_BITS, 300))
def test_yaml_shaped_noise_never_crashes_the_outline_loader(tmp_path, text):
    (tmp_path / "o.yaml").write_text(text, "utf-8")
    load_or_refuse(tmp_path / "o.yaml")


@FUZZ
@given(doc=OUTLINES)
@example(doc={"title": "x", "date": "2026-01-01", "sections": True})   # found by this test
@example(doc={"title": "x", "date": "2026-01-01", "sections": [{"query": "a"}, {"query": "b"}]})
@example(doc={})
def test_random_values_in_outline_fields_give_problems_not_crashes(tmp_path, doc):
    (tmp_path / "o.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    outline = load_or_refuse(tmp_path / "o.yaml")
    if outline is not None:
        assert outline.title and outline.sections


@settings(max_examples=200, deadline=None)
@given(text=pieces(TEXT_BITS, 400))
def test_segmenting_random_text_gives_exact_slices(text):
    passages, removed = segment(Source("x", "x.txt", "0", text), load_rules())
    for p in passages:
        assert 0 <= p.start <= p.end <= len(text) and p.text == text[p.start:p.end]
        spans = list(p.sentences)
        assert all(p.start <= a < b <= p.end for a, b in spans)
        assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))
    for r in removed:
        assert 0 <= r.start < r.end <= len(text)
    assert [p.n for p in passages if p.n] == list(range(1, 1 + sum(1 for p in passages if p.n)))


@settings(max_examples=200, deadline=None)
@given(text=pieces(TEXT_BITS, 200), cut=st.tuples(st.integers(0, 200), st.integers(0, 200)))
def test_finding_a_quote_never_crashes_and_stays_in_bounds(text, cut):
    span = find(text, text[min(cut):max(cut)])
    assert span is None or 0 <= span[0] < span[1] <= len(text)


@FUZZ
@given(data=st.binary(max_size=400) | pieces(TEXT_BITS, 400).map(lambda t: t.encode("utf-8")))
def test_loading_random_seed_bytes_refuses_cleanly_or_slices_exactly(tmp_path, data):
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    (seeds / "sources.yaml").write_text("sources:\n  - id: one\n    file: one.txt\n", "utf-8")
    (seeds / "one.txt").write_bytes(data)
    try:
        corpus = load_corpus(seeds)
    except BriefingError as e:
        assert str(e).startswith("seeds/one.txt") and "\n" not in str(e)
        return
    with open(seeds / "one.txt", encoding="utf-8", newline="") as f:
        text = f.read()
    assert all(p.text == text[p.start:p.end] for p in corpus.passages)
