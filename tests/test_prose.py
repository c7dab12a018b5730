"""Analyst prose: Markdown with raw HTML off, citations in order, plain text for the summary."""

from markupsafe import Markup

from briefing.prose import citations, plain, render

NOTES = [Markup('<sup class="n">1</sup>'), Markup('<sup class="n">2</sup>')]


def test_citations_are_found_in_order_and_malformed_ones_reported():
    cites, bad = citations("A [@iceberg] and [@src, par. 12]; [@x, page 3] and [@ y].")
    assert [(c.key, c.par, c.text) for c in cites] == [("iceberg", 0, "[@iceberg]"), ("src", 12, "[@src, par. 12]")]
    assert bad == ["[@x, page 3]", "[@ y]"]


def test_markdown_is_rendered_and_raw_html_is_printed_not_run():
    html = render("Sales *grew* [@a] and <script>alert(1)</script> [@b, par. 2].\n\n- one\n- two", NOTES)
    assert "<em>grew</em>" in html and "<li>one</li>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    # The note call sits on its word, with no space before it.
    assert 'grew</em><sup class="n">1</sup> and' in html and '&lt;/script&gt;<sup class="n">2</sup>.' in html


def test_images_headings_and_script_links_are_off():
    html = render("# Not a heading\n\n![x](http://example.org/x.png) [y](javascript:alert(1))", [])
    assert "<h1>" not in html and "<img" not in html and 'href="javascript' not in html


def test_adjacent_calls_are_separated_so_they_do_not_read_as_one_number():
    assert '1</sup><span class="call-sep">,</span><sup class="n">2' in render("x [@a] [@b, par. 1].", NOTES)


def test_plain_text_drops_citations_and_markup():
    assert plain("Oil *will* matter [@a, par. 4] [@b].\nMore.") == "Oil will matter. More."
