"""Analyst prose: Markdown with raw HTML off, citations in order, plain text for the summary."""

from markupsafe import Markup

from briefing.prose import citations, groups, plain, render

NOTES = [Markup('<sup class="n">1</sup>'), Markup('<sup class="n">2</sup>')]


def test_citations_are_found_in_order_and_malformed_ones_reported():
    cites, bad = citations("A [@iceberg] and [@src, par. 12]; [@x, page 3] and [@ y].")
    assert [(c.key, c.par, c.text) for c in cites] == [("iceberg", 0, "[@iceberg]"), ("src", 12, "[@src, par. 12]")]
    assert bad == ["[@x, page 3]", "[@ y]"]


def test_markdown_is_rendered_and_raw_html_is_printed_not_run():
    html = render("Sales *grew* [@a] and <script>alert(1)</script> [@b, par. 2].\n\n- one\n- two", NOTES)
    assert "<em>grew</em>" in html and "<li>one</li>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    # The note call sits on its word, with no space before it, and after the punctuation that ends the phrase.
    assert 'grew</em><sup class="n">1</sup> and' in html and '&lt;/script&gt;<span class="called">.<sup class="n">2</sup></span>' in html


def test_the_call_follows_punctuation_as_chicago_places_it():
    html = render("Oil matters [@a]; gas less [@b].", NOTES)
    assert html == ('<p>Oil matters<span class="called">;<sup class="n">1</sup></span> gas less'
                    '<span class="called">.<sup class="n">2</sup></span></p>\n')   # held together: no break before a call



def test_images_headings_and_script_links_are_off():
    html = render("# Not a heading\n\n![x](http://example.org/x.png) [y](javascript:alert(1))", [])
    assert "<h1>" not in html and "<img" not in html and 'href="javascript' not in html


def test_citations_side_by_side_are_one_note():
    text = "x [@a] [@b, par. 1]. y [@c, par. 2], z [@d]"
    assert [[c.key for c in g] for g in groups(text)] == [["a", "b"], ["c"], ["d"]]
    assert render("x [@a] [@b, par. 1].", NOTES[:1]) == '<p>x<span class="called">.<sup class="n">1</sup></span></p>\n'



def test_plain_text_drops_citations_and_markup():
    assert plain("Oil *will* matter [@a, par. 4] [@b].\nMore.") == "Oil will matter. More."
