"""Sources metadata: several authors per Chicago, partial dates, url and access date, cut-off flag, schema."""

import json
import re

import jsonschema
import pytest
import yaml

from briefing.brief import bibliography_entry, combined_locator, full_note, long_date, short_note, short_title
from briefing.corpus import Source, locator, split_authors
from briefing.export import bibtex, csl_json
from conftest import ROOT


def source(**fields) -> Source:
    authors = split_authors(fields.pop("author", ""), "test")
    from briefing.corpus import join_names
    return Source(id="s", file="seeds/s.txt", sha256="0", text="x", author=join_names(authors), authors=authors,
                  **fields)


@pytest.mark.parametrize("written", ["Amadou Traoré and Claire Dubois", ["Amadou Traoré", "Claire Dubois"],
                                     "Amadou Traoré; Claire Dubois", "Amadou Traoré & Claire Dubois"])
def test_two_authors_print_per_chicago(written):
    s = source(author=written, title="Sahel Report", outlet="Le Monde", date="2023-05")
    assert full_note(s, "par. 3").striptags() == "Amadou Traoré and Claire Dubois, “Sahel Report,” Le Monde, May 2023, par. 3."
    assert short_note(s, "par. 4").striptags() == "Traoré and Dubois, “Sahel Report,” par. 4."
    assert bibliography_entry(s).striptags() == "Traoré, Amadou, and Claire Dubois. “Sahel Report.” Le Monde, May 2023."


def test_three_and_four_authors():
    s = source(author="Barry Warsaw, Jeremy Hylton, David Goodger, Alyssa Coghlan", title="PEP Purpose and Guidelines",
               date="2000")
    assert s.authors == ("Barry Warsaw", "Jeremy Hylton", "David Goodger", "Alyssa Coghlan")
    assert full_note(s, "p. 2").striptags().startswith("Barry Warsaw, Jeremy Hylton, David Goodger, and Alyssa Coghlan, ")
    assert short_note(s, "p. 2").striptags() == "Warsaw et al., “PEP Purpose and Guidelines,” p. 2."
    assert bibliography_entry(s).striptags() == ("Warsaw, Barry, Jeremy Hylton, David Goodger, and Alyssa Coghlan. "
                                                 "“PEP Purpose and Guidelines.” 2000.")


def test_url_and_access_date_in_notes_bibliography_csl_and_bibtex():
    s = source(author="Daniel Lemire", title="JSON parsing", outlet="Daniel Lemire's blog", date="2019-08-02",
               url="https://lemire.me/blog/2019/08/02/json-parsing-simdjson-vs-json-for-modern-c/", accessed="2024-03-01")
    note = full_note(s, "par. 1")
    assert note.striptags() == ("Daniel Lemire, “JSON parsing,” Daniel Lemire's blog, 2 August 2019, par. 1, accessed "
                                "1 March 2024, https://lemire.me/blog/2019/08/02/json-parsing-simdjson-vs-json-for-modern-c/.")
    assert '<a class="url" href="https://lemire.me/blog/' in note
    assert bibliography_entry(s).striptags().endswith(
        "2 August 2019. Accessed 1 March 2024. https://lemire.me/blog/2019/08/02/json-parsing-simdjson-vs-json-for-modern-c/.")
    (item,) = json.loads(csl_json([s]))
    assert item["URL"] == s.url and item["accessed"] == {"date-parts": [[2024, 3, 1]]}
    assert item["author"] == [{"family": "Lemire", "given": "Daniel"}]
    bib = bibtex([s]).decode()
    assert "url = {https://lemire.me/blog/2019/08/02/json-parsing-simdjson-vs-json-for-modern-c/}" in bib
    assert "urldate = {2024-03-01}" in bib


def test_a_news_site_gives_its_outlet_and_address():
    s = source(author="Mariko Sato", title="Ports and power", outlet="The Harbour Times", date="2024-05-02",
               type="news", url="https://harbour.example/ports")
    assert full_note(s, "par. 2").striptags() == ("Mariko Sato, “Ports and power,” The Harbour Times, 2 May 2024, "
                                                  "par. 2, https://harbour.example/ports.")
    assert bibliography_entry(s).striptags() == ("Sato, Mariko. “Ports and power.” The Harbour Times, 2 May 2024. "
                                                 "https://harbour.example/ports.")


def test_an_entry_of_a_reference_site_is_cited_by_the_sites_name():
    s = source(title="Japan–Australia relations", outlet="Wikipedia", type="reference",
               url="https://en.wikipedia.org/wiki/Australia%E2%80%93Japan_relations")
    assert full_note(s, "par. 3").striptags() == (
        "Wikipedia, s.v. “Japan–Australia relations,” n.d., par. 3, "
        "https://en.wikipedia.org/wiki/Australia%E2%80%93Japan_relations.")
    assert "<i>" not in full_note(s, "par. 3")   # a site's name is roman, a periodical's italic
    assert bibliography_entry(s).striptags() == (
        "Wikipedia. “Japan–Australia relations.” n.d. https://en.wikipedia.org/wiki/Australia%E2%80%93Japan_relations.")


def test_the_same_source_cited_again_at_once_drops_its_title():
    s = source(author="Anna Berg", title="Ports and power in the Pacific", date="2024")
    assert short_note(s, "par. 4", again=True).striptags() == "Berg, par. 4."   # Chicago 17 14.34, not "Ibid."
    assert combined_locator(["par. 43", "par. 45", "par. 43"]) == "pars. 43, 45"


@pytest.mark.parametrize("title, short", [
    ("The Blooming Friendship Between Azerbaijan And Israel", "The Blooming Friendship"),
    ("Strategic partnership between Israel and Azerbaijan does not depend on third countries’ opinion",
     "Strategic partnership"),
    ("As Tensions With Iran Mount, Officials From Neighboring Azerbaijan Visit Israel", "As Tensions With Iran Mount"),
    ("Israel Delivers Aid to Azerbaijan: Background and Implications", "Israel Delivers Aid to Azerbaijan"),
    ("Canberra and Tokyo Sign a Sweeping New Defence Pact", "Canberra and Tokyo Sign a Sweeping New Defence Pact"),
])
def test_a_short_title_is_a_whole_phrase(title, short):
    assert short_title(title) == short


def test_dates_may_be_a_year_or_a_month():
    assert [long_date(d) for d in ("2016", "2016-08", "2016-08-24", "")] == ["2016", "August 2016", "24 August 2016",
                                                                             "n.d."]


def test_a_page_locator_counts_form_feeds():
    s = source(title="Report")
    s = Source(**{**s.__dict__, "text": "One.\n\fTwo goes on\fto three.\n"})
    assert locator(s, 0, 4, 1) == "p. 1"
    assert locator(s, 7, 23, 2) == "pp. 2–3"
    assert locator(source(title="Web"), 0, 1, 5) == "par. 5"


@pytest.mark.parametrize("field, value, error", [
    ("date", "2023-02-30", "date: 2023-02-30 is not a real date (day is out of range for month)"),
    ("date", "2023-13", "date: 2023-13 is not a real date (month must be in 1..12)"),
    ("date", "May 2023", "date: expected a year (2016), a month (2016-08) or a date (2016-08-24); got 'May 2023'"),
    ("accessed", "2024", "accessed: expected a date like 2016-08-24; got '2024'"),
    ("url", "javascript:alert(1)", "url: expected a web address starting with http:// or https://; "
                                   "got 'javascript:alert(1)'"),
])
def test_impossible_dates_and_bad_urls_are_refused_with_file_and_line(project, run, field, value, error):
    path = project / "seeds" / "sources.yaml"
    text = path.read_text("utf-8").replace('    date: "2016-08-24"\n', f'    date: "2016-08-24"\n    {field}: "{value}"\n'
                                           if field != "date" else f'    date: "{value}"\n')
    path.write_text(text, "utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if f'{field}: "{value}"' in t)
    result = run("sources")
    assert (result.exit_code, result.output) == (1, f"error: seeds/sources.yaml:{line}:{text.splitlines()[line - 1].index(value)}: {error}\n")


def test_a_source_dated_after_the_cutoff_is_flagged_in_the_register(project):
    from briefing.brief import make_brief
    from briefing.build import Project, load
    from briefing.select import pinned

    outline = project / "outlines" / "default.yaml"
    text = outline.read_text("utf-8")
    outline.write_text(re.sub(r"(?m)^cutoff: .*$", "cutoff: 2016-08-01", text), "utf-8")
    corpus, parsed = load(Project(project), None)
    brief = make_brief(corpus, parsed, pinned(corpus, parsed))
    flags = {row.source.id: row.flags for row in brief.register}
    assert "dated 24 August 2016, after the information cut-off of 1 August 2016" in flags["blooming-friendship"]
    assert not any("cut-off" in f for f in flags["azerbaijan-israel-relations"])


def test_the_sources_schema_accepts_the_shipped_sources_and_names_every_field(run):
    from briefing.corpus import FIELDS
    result = run("schema", "--sources")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert set(doc["properties"]["sources"]["items"]["properties"]) == set(FIELDS)
    jsonschema.validate(yaml.safe_load((ROOT / "seeds" / "sources.yaml").read_text("utf-8")), doc)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"sources": [{"id": "a", "file": "a.txt", "date": "2016-8"}]}, doc)
