"""Text as it really comes: hard-wrapped lines joined, comment threads and drop: lines
recognised as a person sees them, and everything set aside reported with its reason."""

import re

import pytest

from briefing.corpus import Source, load_corpus, load_rules, segment
from conftest import ROOT, read_source

REAL = ROOT / "tests" / "data" / "real"


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)   # words, not bullets


def cut(text: str, drop=()):
    return segment(Source("x", "x.txt", "0", text), load_rules(), tuple(drop))


@pytest.mark.parametrize("blank_lines", [True, False], ids=["email", "pdf-paste"])
def test_a_75_column_hard_wrapped_seed_keeps_every_word(blank_lines):
    text = read_source(REAL / "wikimedia-turkey-75col.txt")
    assert max(len(line) for line in text.splitlines()) == 75
    if not blank_lines:   # pasted from a PDF: no blank line between paragraphs either
        text = re.sub(r"\n\n+", "\n", text)
    passages, removed = cut(text)
    assert removed == []
    assert sum(len(words(p.text)) for p in passages) == len(words(text)) == 534
    assert all(p.text == text[p.start:p.end] for p in passages)
    quotable = [p for p in passages if p.n]
    opening = quotable[0]
    assert opening.clean.startswith("Today, on Wikipedia’s 19th birthday,")
    assert opening.clean.endswith("we received reports that access was restored to Wikipedia.")
    # A sentence broken across lines before a capital ("…by the\nConstitutional Court…") is still one sentence.
    assert "ruling by the\nConstitutional Court" in opening.text
    (said,) = [printed for a, b in opening.sentences if "Constitutional Court of Turkey that" in (printed := " ".join(text[a:b].split()))]
    assert said.endswith("This latest development follows a 26 December 2019 ruling by the Constitutional Court of "
                         "Turkey that the more than two and a half year block imposed by the Turkish government was "
                         "unconstitutional.")
    if blank_lines:   # the paragraphs are the article’s own, so "par. N" means the same as on the web page
        assert len(quotable) == 9


def test_a_truncated_last_line_is_set_aside_and_the_sentences_before_it_kept():
    text = "The committee met in Baku on Monday to review the accord. It agreed to meet\nagain in the spring and to publish the"
    (p,), (r,) = cut(text)
    assert p.clean == "The committee met in Baku on Monday to review the accord."
    assert text[r.start:r.end] == "It agreed to meet\nagain in the spring and to publish the"
    assert r.reason == "truncated: the text ends mid-sentence"


@pytest.mark.parametrize("header", ["Comments (2)", "12 comments", "82 COMMENTS", "Leave a Reply", "Join the discussion",
                                    "Reader comments", "Show comments", "3 responses to “Azerbaijan and Israel”",
                                    "One thought on “Azerbaijan and Israel”", "Comments are closed."])
def test_comment_threads_are_recognised_in_their_common_forms(header):
    text = ("The ministers signed the agreement in Baku on Monday afternoon.\n\n" + header +
            "\n\nJohn wrote: this agreement is a disgrace and everyone knows it.\n")
    passages, removed = cut(text)
    assert [p.clean for p in passages] == ["The ministers signed the agreement in Baku on Monday afternoon."]
    assert [r.reason for r in removed] == ["end of the article", "after the end of the article (comments, bio or links)"]


def test_a_sentence_about_comments_does_not_end_the_article():
    text = "12 comments made by the minister were quoted in the press.\n\nThe talks go on in Baku this week as planned.\n"
    passages, removed = cut(text)
    assert removed == [] and len(passages) == 2


def test_drop_lines_match_as_a_person_sees_them():
    text = "•  By   Anna Zamejc\nThe ministers signed the agreement in Baku on Monday afternoon.\n“Share” this\n"
    passages, removed = cut(text, drop=["by anna zamejc", '"share" this'])
    assert [p.clean for p in passages] == ["The ministers signed the agreement in Baku on Monday afternoon."]
    assert [r.reason for r in removed] == ["listed under drop: in sources.yaml"] * 2


def test_a_drop_line_that_matches_nothing_is_an_error_naming_file_and_line(project, run):
    path = project / "seeds" / "sources.yaml"
    path.write_text(path.read_text("utf-8").replace('      - "By Anna Zamejc"', '      - "By Anna Zamejcz"'), "utf-8")
    line = path.read_text("utf-8").splitlines().index('      - "By Anna Zamejcz"') + 1
    result = run("check")
    assert (result.exit_code, result.output) == (1, f"error: seeds/sources.yaml:{line}:9: drop line matches no line of "
                                                    "seeds/blooming-friendship.txt: 'By Anna Zamejcz'\n")


def test_sources_removed_lists_what_was_set_aside_with_reasons(project, run):
    result = run("sources", "--removed", "strategic-partnership")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == ("seeds/strategic-partnership.txt:1: no complete sentence (a title, deck or caption): "
                        "Strategic partnership between Israel and Azerbaijan does not depend on third countries’ opinion")
    assert "seeds/strategic-partnership.txt:18: end of the article: About the Author" in lines
    result = run("sources", "--removed", "nope")
    assert result.exit_code == 1 and result.output.startswith("error: unknown source 'nope' (known: israel-delivers-aid")


def test_editing_a_drop_line_or_boilerplate_changes_search_without_clearing_the_cache(project, run):
    def hits(query):
        result = run("search", "--json", query)
        assert result.exit_code == 0, result.output
        return [h["passage"] for h in __import__("json").loads(result.stdout)]

    sources = project / "seeds" / "sources.yaml"
    original = sources.read_text("utf-8")
    line = "Today, however, no such precautions are needed"
    assert any(p.startswith("blooming-friendship") for p in hits('"no such precautions"'))
    cache = project / "out" / ".cache" / "index.sqlite"
    assert cache.exists()
    full = next(x for x in read_source(project / "seeds" / "blooming-friendship.txt").splitlines() if x.startswith(line))
    sources.write_text(original.replace('      - "By Anna Zamejc"\n', f'      - "By Anna Zamejc"\n      - {full!r}\n'), "utf-8")
    assert hits('"no such precautions"') == []
    sources.write_text(original + "boilerplate:\n  drop_patterns: [{pattern: 'precautions', reason: test}]\n", "utf-8")
    assert hits('"no such precautions"') == []
    sources.write_text(original, "utf-8")
    assert hits('"no such precautions"')
    assert cache.exists()


def test_a_line_set_aside_can_be_kept_and_a_keep_line_must_match(project, run):
    deck = ("As the U.S. embassy was inaugurated in Jerusalem and death toll in Gaza rose by the hour an Israeli "
            "minister met with an Azeri delegation to discuss the evolving cooperation between the two countries")
    removed = run("sources", "--removed", "tensions-with-iran-mount").stdout
    assert f"seeds/tensions-with-iran-mount.txt:3: no complete sentence (a title, deck or caption): {deck[:100]}…" \
        in removed.splitlines()
    path = project / "seeds" / "sources.yaml"
    text = path.read_text("utf-8")
    entry = "  - id: tensions-with-iran-mount\n"
    path.write_text(text.replace(entry, entry + f"    keep: [{deck.upper()!r}]\n"), "utf-8")
    corpus = load_corpus(project / "seeds", root=project)
    (kept,) = [p for p in corpus.passages_of("tensions-with-iran-mount") if p.clean == deck]
    assert kept.n == 1 and kept.kind == "paragraph"
    path.write_text(text.replace(entry, entry + "    keep: [Not in the article]\n"), "utf-8")
    result = run("sources")
    line = text.splitlines().index(entry.rstrip()) + 2
    assert (result.exit_code, result.output) == (1, f"error: seeds/sources.yaml:{line}:12: keep line matches no line "
                                                    "of seeds/tensions-with-iran-mount.txt: 'Not in the article'\n")


def test_figure_and_table_captions_are_set_aside_but_sentences_about_them_kept():
    text = ("Fig. 1: Neural networks are based on simple units which get combined to complex networks.\n\n"
            "Figure 1 shows how simple units are combined into complex networks of many layers.\n")
    passages, removed = cut(text)
    assert [p.clean for p in passages] == ["Figure 1 shows how simple units are combined into complex networks of "
                                           "many layers."]
    assert [r.reason for r in removed] == ["caption (of a figure or table)"]
