"""The corpus stage: chrome set aside, tags turned into flags, offsets exact."""

import pytest

from briefing import index
from briefing.corpus import load_corpus, sentences
from briefing.errors import SourceError
from conftest import ROOT, read_source


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT / "seeds", root=ROOT)


def test_every_passage_is_an_exact_slice(corpus):
    for p in corpus.passages:
        text = read_source(ROOT / corpus.source(p.source).file)
        assert text[p.start:p.end] == p.text


def test_paragraph_numbers_count_only_the_article(corpus):
    numbered = [p.n for p in corpus.passages_of("strategic-partnership") if p.n]
    assert numbered == [1, 2, 3, 4, 5]
    first = corpus.passages_of("tensions-with-iran-mount")[0]
    assert first.n == 1 and first.text.startswith("Last Monday, the world’s eyes")


def test_captions_bylines_pull_quotes_and_comments_are_set_aside(corpus):
    kept = {p.clean for p in corpus.passages}
    removed = {(r.source, corpus.source(r.source).text[r.start:r.end]): r.reason for r in corpus.removed}
    caption = "Israeli President Shimon Peres (left) and his Azerbaijani counterpart, Ilham Aliyev, in Baku on June 28, 2009"
    assert removed[("blooming-friendship", caption)] == "repeated line (caption or byline)"
    assert removed[("tensions-with-iran-mount", "Noa Landau")] == "repeated line (caption or byline)"
    pull = "Azerbaijan has always felt threatened and continues to feel threatened [by Iran] from an ideological, economic, and political point of view."
    assert removed[("blooming-friendship", pull)].startswith("pull quote repeated in par.")
    assert removed[("strategic-partnership", "About the Author")] == "end of the article"
    assert not any("Hajizade Group" in k for k in kept)
    assert not any(k.startswith("by: ") or "NOBODY CARES" in k for k in kept)


def test_maintenance_tags_are_flags(corpus):
    flagged = {p.id: p.flags for p in corpus.passages if p.flags}
    assert flagged == {
        "azerbaijan-israel-relations.p13": ("citation needed",),
        "azerbaijan-israel-relations.p32": ("who?",),
        "azerbaijan-israel-relations.p37": ("citation needed",),
    }
    assert all("ᶜ" not in p.clean and "ʷʰᵒ" not in p.clean for p in corpus.passages)


def test_bom_crlf_and_decomposed_letters_keep_exact_offsets(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    raw = "\ufeffTitle line\r\n\r\nThe Qe\u0301sebe settlement lies in the north of the country.\r\nMr. Smith\u02b7\u02b0\u1d52? said so in Baku. He left.\r\n"
    (seeds / "a.txt").write_bytes(raw.encode("utf-8"))
    (seeds / "sources.yaml").write_text("sources:\n  - id: a\n    file: a.txt\n    title: A\n", "utf-8")
    c = load_corpus(seeds, root=tmp_path)
    first, second = [p for p in c.passages if p.n]
    assert raw[first.start:first.end] == "The Qe\u0301sebe settlement lies in the north of the country."
    assert first.clean == "The Qésebe settlement lies in the north of the country."
    assert second.flags == ("who?",) and second.clean == "Mr. Smith said so in Baku. He left."
    assert [raw[a:b] for a, b in second.sentences] == ["Mr. Smith\u02b7\u02b0\u1d52? said so in Baku.", "He left."]


def test_seed_missing_from_sources_yaml_is_named(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("A sentence that is long enough to quote here.\n", "utf-8")
    (seeds / "b.txt").write_text("Another sentence that is long enough to quote.\n", "utf-8")
    (seeds / "sources.yaml").write_text("sources:\n  - id: a\n    file: a.txt\n", "utf-8")
    with pytest.raises(SourceError, match=r"^seeds/b.txt: not listed in sources.yaml; add an entry for it$"):
        load_corpus(seeds, root=tmp_path)


def test_sentences_do_not_split_after_initials_or_titles():
    text = "The U.S. embassy opened. Dr. Smith spoke. It ended."
    assert [text[a:b] for a, b in sentences(text, 0, len(text), frozenset({"Dr"}))] == [
        "The U.S. embassy opened.", "Dr. Smith spoke.", "It ended."]


def test_index_cache_reindexes_only_changed_files(backend, corpus):
    db = backend
    assert set(index.sync(corpus, db).values()) == {"indexed"}
    assert set(index.sync(corpus, db).values()) == {"unchanged"}
    changed = corpus.sources[0].__class__(**{**corpus.sources[0].__dict__, "key": "0" * 64})
    report = index.sync(corpus.__class__((changed,) + corpus.sources[1:], corpus.segmented), db)
    assert report[changed.id] == "indexed"
    assert [v for k, v in report.items() if k != changed.id] == ["unchanged"] * 4
    hits = index.search(db, "Harop", limit=5)
    assert hits and all(h.score <= 0 for h in hits)
