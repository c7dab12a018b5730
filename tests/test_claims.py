import glob
import os

import pytest
from hypothesis import given, settings, strategies as st

from briefing.claims import Claim, conversion_mismatch, extract_claims, split_sentences
from conftest import read_source

SEEDS = os.path.join(os.path.dirname(__file__), "..", "seeds")


def claims(text, **kw):
    out = extract_claims(text, source="t", **kw)
    for c in out:
        assert text[c.start:c.end] == c.text and c.start < c.end
        assert c.sentence_start <= c.start < c.end <= c.sentence_end
    return out


def one(text, kind=None):
    found = [c for c in claims(text) if kind is None or c.kind == kind]
    assert len(found) == 1, found
    return found[0]


def check(c, **want):
    got = {k: getattr(c, k) for k in want}
    assert got == want


# --- percentages --------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, text, value, low, high, unit, hedge", [
    ("Farmers sold over 45% of the harvest abroad.", "over 45%", 45.0, None, None, "%", "over"),
    ("Turnout reached 38 percent of registered voters.", "38 percent", 38.0, None, None, "%", ""),
    ("Turnout reached 38 per cent of registered voters.", "38 per cent", 38.0, None, None, "%", ""),
    ("Imports covered 52–58% of local demand.", "52–58%", None, 52.0, 58.0, "%", ""),
    ("Imports covered 52-58 percent of local demand.", "52-58 percent", None, 52.0, 58.0, "%", ""),
    ("Imports covered 52 to 58 percent of local demand.", "52 to 58 percent", None, 52.0, 58.0, "%", ""),
    ("Imports covered between 52 and 58 percent of demand.", "between 52 and 58 percent", None, 52.0, 58.0, "%", ""),
    ("Sales were 12.5 percent higher than a year earlier.", "12.5 percent", 12.5, None, None, "%", ""),
    ("Nearly 70% of nurses are women.", "Nearly 70%", 70.0, None, None, "%", "nearly"),
    ("The party gained 3 percentage points in the poll.", "3 percentage points", 3.0, None, None, "pp", ""),
    ("At least 15 % of the budget goes to roads.", "At least 15 %", 15.0, None, None, "%", "at least"),
])
def test_percent(sentence, text, value, low, high, unit, hedge):
    c = one(sentence, "percent")
    check(c, text=text, value=value, low=low, high=high, unit=unit, hedge=hedge, kind="percent")


def test_percent_subject_and_period():
    c = one("In 2015, the port handled over 45% of the grain shipped from the valley.", "percent")
    check(c, period="2015", subject="of the grain shipped from the valley")


# --- money --------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, text, value, low, high, unit, hedge", [
    ("The city borrowed $3.4 billion for the tunnel.", "$3.4 billion", 3.4e9, None, None, "USD", ""),
    ("Grants rose to US$7 million last spring.", "US$7 million", 7e6, None, None, "USD", ""),
    ("The museum cost $415 million to build.", "$415 million", 415e6, None, None, "USD", ""),
    ("Donors pledged $72.8 million to the fund.", "$72.8 million", 72.8e6, None, None, "USD", ""),
    ("Tolls raised about 350 million US dollars a decade ago.", "about 350 million US dollars", 350e6, None, None,
     "USD", "about"),
    ("The bank lent €5bn to small firms.", "€5bn", 5e9, None, None, "EUR", ""),
    ("The club paid £12m for the striker.", "£12m", 12e6, None, None, "GBP", ""),
    ("The agency paid the consultants $45,000 per month for advice.", "$45,000 per month", 45000.0, None, None,
     "USD/month", ""),
    ("The repairs will cost $2–3 billion over time.", "$2–3 billion", None, 2e9, 3e9, "USD", ""),
    ("The fine was between $4 million and $6 million in total.", "between $4 million and $6 million", None, 4e6,
     6e6, "USD", ""),
    ("The grant was worth 20 million euros to the region.", "20 million euros", 20e6, None, None, "EUR", ""),
    ("Fees reached roughly A$900,000 in the first year.", "roughly A$900,000", 900000.0, None, None, "AUD",
     "roughly"),
    ("The loan was USD 40 million at a fixed rate.", "USD 40 million", 40e6, None, None, "USD", ""),
])
def test_money(sentence, text, value, low, high, unit, hedge):
    c = one(sentence, "money")
    check(c, text=text, value=value, low=low, high=high, unit=unit, hedge=hedge, kind="money")


def test_money_change_is_two_values_not_a_range():
    cs = [c for c in claims("Between 1995 and 2003, rents climbed from just over $2 million to $90 million.")
          if c.kind == "money"]
    assert [(c.text, c.value, c.hedge, c.period) for c in cs] == [
        ("just over $2 million", 2e6, "just over", "1995–2003"), ("$90 million", 90e6, "", "1995–2003")]


def test_money_period_from_month_range():
    c = one("Exports totalled $88.1 million in March–April 2014, a record.", "money")
    check(c, value=88.1e6, period="March–April 2014")


# --- counts -------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, text, value, unit, hedge", [
    ("The valley is home to some 40,000 farmers, most of them poor.", "some 40,000 farmers", 40000.0, "farmers",
     "some"),
    ("There are nearly 3,000 Welsh speakers living in the town.", "nearly 3,000 Welsh speakers", 3000.0,
     "speakers", "nearly"),
    ("As the census shows, up to 12 million residents commute daily.", "up to 12 million residents", 12e6,
     "residents", "up to"),
    ("The river basin supports somewhere around 9 million rural households.",
     "somewhere around 9 million rural households", 9e6, "households", "somewhere around"),
    ("Police detained 17 people after the match.", "17 people", 17.0, "people", ""),
    ("The choir has more than 250 members today.", "more than 250 members", 250.0, "members", "more than"),
    ("The bridge stood for close to 900 years before it fell.", "close to 900 years", 900.0, "years", "close to"),
    ("The court sentenced him to 4 years in jail.", "4 years", 4.0, "years", ""),
    ("Estimates put the diaspora at over 2 million.", "over 2 million", 2e6, "", "over"),
    ("Some 2500 volunteers turned up.", "Some 2500 volunteers", 2500.0, "volunteers", "some"),
])
def test_counts(sentence, text, value, unit, hedge):
    c = one(sentence, "count")
    check(c, text=text, value=value, unit=unit, hedge=hedge, low=None, high=None)


def test_count_range_with_noun():
    c = one("Between 200 and 300 pilgrims arrive each day.", "count")
    check(c, text="Between 200 and 300 pilgrims", low=200.0, high=300.0, value=None, unit="pilgrims")


def test_count_subject_has_noun():
    c = one("About 6,000 miners live in the hills.", "count")
    check(c, subject="miners live in the hills", hedge="about")


# --- distances and conversions ------------------------------------------------------------

def test_distance_with_conversion():
    c = one("The pipeline runs 800 km (497 miles) across the plain.", "distance")
    check(c, text="800 km (497 miles)", value=800000.0, unit="m", conversion=(497.0, "mi"))
    assert conversion_mismatch(c) is None


def test_distance_with_wrong_conversion():
    c = one("The base lies 500 km (340 miles) from the coast.", "distance")
    err = conversion_mismatch(c)
    assert err is not None and 0.08 < err < 0.10


@pytest.mark.parametrize("sentence, text, value", [
    ("The trail climbs 1,200 metres in a day.", "1,200 metres", 1200.0),
    ("The towers are 30 miles apart.", "30 miles", 30 * 1609.344),
    ("A fence 400m long was built.", "400m", 400.0),
    ("The wall is 12 ft tall.", "12 ft", 12 * 0.3048),
])
def test_distances(sentence, text, value):
    c = one(sentence, "distance")
    check(c, text=text, unit="m", conversion=())
    assert c.value == pytest.approx(value)


def test_no_conversion_gives_no_mismatch():
    assert conversion_mismatch(one("The road is 40 km long.", "distance")) is None
    assert conversion_mismatch(one("Turnout was 40%.", "percent")) is None


# --- years, dates, periods ----------------------------------------------------------------

@pytest.mark.parametrize("sentence, text, kind, value, low, high, hedge, period, iso", [
    ("The canal opened in 1987 after long delays.", "1987", "year", 1987, None, None, "", "1987", ""),
    ("By 2030, the plan should be finished.", "By 2030", "year", 2030, None, None, "by", "by 2030", ""),
    ("The firm has grown since 2009.", "since 2009", "period", None, 2009, None, "since", "since 2009", ""),
    ("The drought lasted between 1998 and 2003.", "between 1998 and 2003", "period", None, 1998, 2003, "",
     "1998–2003", ""),
    ("Output doubled from 2005 to 2015.", "from 2005 to 2015", "period", None, 2005, 2015, "", "2005–2015", ""),
    ("The war of 1914–1918 changed the map.", "1914–1918", "period", None, 1914, 1918, "", "1914–1918", ""),
    ("The famine of 1846-49 emptied the villages.", "1846-49", "period", None, 1846, 1849, "", "1846–1849", ""),
    ("The treaty was signed on June 3, 1998 in the capital.", "June 3, 1998", "date", 1998, None, None, "",
     "June 3, 1998", "1998-06-03"),
    ("The treaty was signed on 3 June 1998 in the capital.", "3 June 1998", "date", 1998, None, None, "",
     "3 June 1998", "1998-06-03"),
    ("Talks resumed in September 2005.", "September 2005", "date", 2005, None, None, "", "September 2005",
     "2005-09"),
    ("Prices peaked in March–May 2011.", "March–May 2011", "period", None, 2011, 2011, "", "March–May 2011",
     "2011-03/2011-05"),
    ("The festival ran on July 4-6 this year.", "July 4-6", "period", None, None, None, "", "July 4–6",
     "--07-04/--07-06"),
    ("Rents rose in the 1980s.", "1980s", "period", None, 1980, 1989, "", "1980s", ""),
    ("Rents rose in the late 1980s.", "late 1980s", "period", None, 1980, 1989, "late", "late 1980s", ""),
    ("The plan dates from the post-1945 era.", "post-1945", "year", 1945, None, None, "post", "post 1945", ""),
    ("The league was founded in early 1920.", "early 1920", "year", 1920, None, None, "early", "early 1920", ""),
    ("The bill passed on Sept. 14, 2001.", "Sept. 14, 2001", "date", 2001, None, None, "", "Sept. 14, 2001",
     "2001-09-14"),
])
def test_time(sentence, text, kind, value, low, high, hedge, period, iso):
    c = one(sentence)
    check(c, text=text, kind=kind, value=value, low=low, high=high, hedge=hedge, period=period, iso=iso)


def test_date_day_list():
    cs = claims("(see the minutes of March 4, 11, 25, April 2)")
    assert [(c.text, c.iso) for c in cs] == [("March 4", "--03-04"), ("11", "--03-11"), ("25", "--03-25"),
                                            ("April 2", "--04-02")]
    assert all(c.kind == "date" for c in cs)


def test_invalid_date_is_not_a_date():
    assert all(c.kind != "date" for c in claims("The memo of February 30 was forged."))


def test_period_picks_nearest_time():
    text = ("The region supplied 30 percent of the timber from 2001 to 2010 and from 2006 to 2010, "
            "it supplied 45 percent of the timber.")
    pct = [c for c in claims(text) if c.kind == "percent"]
    assert [(c.value, c.period) for c in pct] == [(30.0, "2001–2010"), (45.0, "2006–2010")]


def test_year_reading_loses_to_money_and_percent():
    cs = claims("The fund paid $2014 and 1999% was a typo.")
    assert {(c.kind, c.value) for c in cs} == {("money", 2014.0), ("percent", 1999.0)}


# --- negatives ----------------------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "The town marked the 40th anniversary of the flood.",
    "At the 61st session the delegates met again.",
    "It was the first time the second team had won.",
    "The F-16 and the A320 were on display.",
    "Doors open at 19:45 and close at 23:00.",
    "Vaccines against Covid-19 arrived late.",
    "Journal of Rivers Volume: 12 Issue: 204",
    "See section 4 and page 12 for details.",
    "The Boeing 737 landed safely.",
    "Many 100's of birds gathered.",
    "Results appear in Table 3 and Figure 7.",
])
def test_not_quantities(sentence):
    assert claims(sentence) == []


@pytest.mark.parametrize("sentence, text, value, unit, subject", [
    ("It was the second largest harbour in the region.", "second largest", 2, "rank", "harbour in the region"),
    ("Norway is now the third-biggest supplier of salmon.", "third-biggest", 3, "rank", "supplier of salmon"),
    ("The port ranked 4th among ports handling grain.", "ranked 4th", 4, "rank", "among ports handling grain"),
    ("Rice is the fifth most important crop.", "fifth most important", 5, "most important", "crop"),
])
def test_ranks(sentence, text, value, unit, subject):
    c = one(sentence, "rank")
    check(c, text=text, value=value, unit=unit, subject=subject)


def test_list_and_section_numbers_are_skipped():
    text = "1. Background\n2. Findings\n2.3 Method\n[4] A cited work\nThe survey had 300 respondents."
    cs = claims(text)
    assert [(c.kind, c.text) for c in cs] == [("count", "300 respondents")]


def test_citation_and_enumerator_markers_are_skipped():
    cs = claims("The mayor resigned [3] after the vote (2) in 2012.")
    assert [(c.kind, c.text) for c in cs] == [("year", "2012")]


def test_timestamp_line():
    cs = claims("Posted March 2, 2019 18:22\nGreat article.")
    assert [(c.kind, c.text) for c in cs] == [("date", "March 2, 2019")]


def test_spans_restrict_extraction():
    text = "Alpha had 10 boats. Beta had 20 boats. Gamma had 30 boats."
    start = text.index("Beta")
    cs = claims(text, spans=[(start, start + len("Beta had 20 boats."))])
    assert [(c.text, c.start) for c in cs] == [("20 boats", text.index("20 boats"))]


def test_offsets_with_crlf_and_unicode():
    text = "Intro\u00a0line\r\nCafé owners — about 1,200 of them — earned €3.5 million in 2019.\r\n"
    cs = claims(text)
    assert {c.text for c in cs} == {"about 1,200", "€3.5 million", "2019"}


# --- sentences ----------------------------------------------------------------------------

def test_split_sentences_respects_abbreviations_and_numbers():
    text = "Dr. Smith met U.S. officials. They paid $1.5 million! Then? Yes.\nNew line here"
    spans = split_sentences(text, 0, len(text))
    assert [text[a:b] for a, b in spans] == [
        "Dr. Smith met U.S. officials.", "They paid $1.5 million!", "Then?", "Yes.", "New line here"]


def test_split_sentences_offsets_are_absolute():
    text = "xx. First one. Second one."
    spans = split_sentences(text, 4, len(text))
    assert [text[a:b] for a, b in spans] == ["First one.", "Second one."]


def test_claim_is_frozen():
    c = one("Turnout was 40%.")
    assert isinstance(c, Claim)
    with pytest.raises(Exception):
        c.value = 1.0


# --- seeds --------------------------------------------------------------------------------

@pytest.mark.parametrize("path", sorted(glob.glob(os.path.join(SEEDS, "*.txt"))))
def test_seed_offsets(path):
    text = read_source(path)
    for c in extract_claims(text, source=os.path.basename(path)):
        assert c.start < c.end and text[c.start:c.end] == c.text


@pytest.mark.parametrize("sentence, kind, text, low, high, unit", [
    ("The fires spread 5–10 km inland.", "distance", "5–10 km", 5000.0, 10000.0, "m"),
    ("Floods displaced 2 to 3 million people.", "count", "2 to 3 million people", 2e6, 3e6, "people"),
    ("Turnout was 40%–45% in the north.", "percent", "40%–45%", 40.0, 45.0, "%"),
])
def test_more_ranges(sentence, kind, text, low, high, unit):
    check(one(sentence, kind), text=text, low=low, high=high, unit=unit, value=None)


def test_change_between_percentages_is_two_claims():
    cs = claims("Coverage grew from 20% to 35% of homes.")
    assert [(c.text, c.value) for c in cs] == [("20%", 20.0), ("35%", 35.0)]


def test_currency_words():
    check(one("The estate sold for 20 million pounds sterling.", "money"), unit="GBP", value=20e6)
    check(one("Wages average 300 Canadian dollars a week.", "money"), unit="CAD/week", value=300.0)
    check(one("The ticket costs 1,500 rupees.", "money"), unit="INR", value=1500.0)


def test_zero_ends_do_not_crash():
    claims("Scores ran 5–0% and 0–0 km, then 0 to 0 people.")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(
    ["5", "1,500", "2.5", "2019", "1990s", "–", "-", " to ", " and ", "between ", "from ", "%", " percent",
     "$", "US$", "€", " million", "bn", "m", " km", " (", ")", " miles", "March", " 4", ", ", ". ", "\n", "1. ",
     "[", "]", "th", ":", " people", "over ", "some ", "since ", "the ", "A", "F-", "é", "\r\n", " "]),
    max_size=25))
def test_offsets_hold_on_arbitrary_text(parts):
    text = "".join(parts)
    for c in claims(text):
        assert c.kind in ("percent", "money", "count", "distance", "date", "period", "year")
        assert c.value is not None or c.low is not None or c.high is not None or c.kind in ("date", "period")


@pytest.mark.parametrize("sentence, kind, text, value, unit, hedge", [
    ("The talks followed a 44-day war.", "count", "44-day", 44.0, "day", ""),
    ("A 12-year-old girl won.", "count", "12-year-old", 12.0, "year", ""),
    ("The 2,300-km canal opened.", "distance", "2,300-km", 2.3e6, "m", ""),
    ("The chapel was built c. 1420 by monks.", "year", "c. 1420", 1420, "year", "c."),
    ("Population: 10,000", "count", "10,000", 10000.0, "", ""),
    ("In 2009 troops entered the city.", "year", "2009", 2009, "year", ""),
    ("Some 2000 soldiers were deployed.", "count", "Some 2000 soldiers", 2000.0, "soldiers", "some"),
    ("The 5 m wall stood.", "distance", "5 m", 5.0, "m", ""),
    ("They got a $5m grant.", "money", "$5m", 5e6, "USD", ""),
    ("Output was $4,500 per capita.", "money", "$4,500 per capita", 4500.0, "USD/person", ""),
    ("Only 1 person was hurt.", "count", "1 person", 1.0, "person", ""),
])
def test_more_singles(sentence, kind, text, value, unit, hedge):
    check(one(sentence, kind), text=text, value=value, unit=unit, hedge=hedge)


def test_conversion_with_hedge_inside_parentheses():
    c = one("The lake lies 50 km (about 31 miles) north.", "distance")
    check(c, text="50 km (about 31 miles)", conversion=(31.0, "mi"))
    assert conversion_mismatch(c) is None
    assert conversion_mismatch(c, tolerance=0.001) == pytest.approx(abs(31 - 50000 / 1609.344) / (50000 / 1609.344))


# --- maintenance tags, and text no prose ever holds ---------------------------------------------

def test_a_maintenance_tag_after_a_full_stop_still_ends_the_sentence():
    text = "A firm opened a branch in Lisbon.ᶜⁱᵗᵃᵗⁱᵒⁿ ⁿᵉᵉᵈᵉᵈ In March 2021, a rival opened two more."
    spans = split_sentences(text, 0, len(text))
    assert [text[a:b] for a, b in spans] == ["A firm opened a branch in Lisbon.ᶜⁱᵗᵃᵗⁱᵒⁿ ⁿᵉᵉᵈᵉᵈ",
                                             "In March 2021, a rival opened two more."]
    c = one("Exports rose by 40 percent.ᶜⁱᵗᵃᵗⁱᵒⁿ ⁿᵉᵉᵈᵉᵈ", "percent")
    assert "ᶜ" not in c.subject  # the tag is a flag on the passage, never a word of the subject


@pytest.mark.slow   # seconds of CPU: run by `pytest -m slow` and in CI
@pytest.mark.parametrize("text", ["$1 " * 6000, "1-2-" * 6000, "5% 2019 " * 3000, "." * 50000 + " 5%",
                                  "Section " * 4000 + "4"])
def test_hostile_run_on_text_stays_fast(text):
    import time

    start = time.process_time()
    for c in claims(text):
        assert c.sentence_end - c.sentence_start <= 2000  # a run-on text is read in pieces
    assert time.process_time() - start < 20
