"""Each topic section of the default brief holds passages a reader would agree belong to it.

For every topic: passages that MUST be chosen (the clearest cases in the sources), passages
that MUST NOT be (they share a word with the topic but are about something else), and a
reader's test applied to every passage chosen (does it talk about the topic at all?).
"""

import re

import pytest

WIKI = "azerbaijan-israel-relations"
TOPICS = {
    "history": {
        "must": {f"{WIKI}.p5", f"{WIKI}.p19"},            # recognition in 1991; 25th anniversary of ties
        "must_not": {"tensions-with-iran-mount.p12",       # recognising the Armenian genocide
                     "tensions-with-iran-mount.p13", "tensions-with-iran-mount.p14",
                     "israel-delivers-aid.p5",             # a court ruling on arms sales
                     "blooming-friendship.p9"},            # Ahmadinejad's reaction to a visit
        "reader": r"recogni|diplomatic|anniversary|independence|visit|embassy|relations|ties",
    },
    "security": {
        "must": {f"{WIKI}.p28", f"{WIKI}.p27"},            # the embassy bomb plot; counter-terrorism
        "must_not": {"israel-delivers-aid.p3",             # "terrorists" as an insult in an aid row
                     f"{WIKI}.p32", f"{WIKI}.p33",         # air bases for a strike on Iran
                     "tensions-with-iran-mount.p5"},       # an arms sale
        "reader": r"intelligence|terror|plot|bomb|security|extremist",
    },
    "arms": {
        "must": {f"{WIKI}.p35", "tensions-with-iran-mount.p5"},   # $1.6bn of drones; Iron Dome, radar
        "must_not": {f"{WIKI}.p40", f"{WIKI}.p44",         # gasoline and oil
                     f"{WIKI}.p28"},                       # a bomb plot
        "reader": r"arms|weapon|drone|missile|military|unmanned|kamikaze|armament",
    },
    "energy": {
        "must": {f"{WIKI}.p44", f"{WIKI}.p40"},            # the oil pipeline; gasoline supplies
        "must_not": {"blooming-friendship.p27",            # guarding energy sites: security
                     "tensions-with-iran-mount.p10",       # licences for military exports
                     f"{WIKI}.p35"},                       # an arms deal
        "reader": r"\boil\b|\bgas\b|gasoline|energy|pipeline|trad(e|ing)|export",
    },
    "iran": {
        "must": {"israel-delivers-aid.p8", f"{WIKI}.p30"},  # Azerbaijanis in Iran; Iran as a threat
        "must_not": {"tensions-with-iran-mount.p4",        # an arms total; Iran only as a neighbour
                     "strategic-partnership.p5"},          # Armenia's conduct; Iran in passing
        "reader": r"Iran|Tehran|Shia|Shi.ite",
    },
    "disputes": {
        "must": {f"{WIKI}.p36", "tensions-with-iran-mount.p4"},   # arms shares; "$5 billion … $4.85 billion"
        "must_not": {f"{WIKI}.p28", f"{WIKI}.p46"},
        "reader": r"\d",                                    # a disputed figure is a number
    },
}


def chosen(manifest, topic):
    return [e for e in manifest["excerpts"] if e["section"] == topic]


@pytest.mark.parametrize("topic", TOPICS)
def test_topic_section_holds_what_belongs_to_it(built, topic):
    _, manifest, _ = built
    want = TOPICS[topic]
    passages = {e["passage"] for e in chosen(manifest, topic)}
    assert want["must"] <= passages, f"{topic}: missing {want['must'] - passages}"
    assert not want["must_not"] & passages, f"{topic}: wrongly chose {want['must_not'] & passages}"
    for e in chosen(manifest, topic):
        assert re.search(want["reader"], e["printed"]), f"{topic}: {e['passage']} is not about {topic}"


def test_every_excerpt_names_its_section_and_topic(built):
    _, manifest, _ = built
    assert {e["section"] for e in manifest["excerpts"]} == set(TOPICS)
    for e in manifest["excerpts"]:
        assert e["topic"] == e["section"], e["id"]   # each default section is named by its topic


def test_no_passage_is_printed_twice(built):
    _, manifest, _ = built
    passages = [e["passage"] for e in manifest["excerpts"]]
    assert len(passages) == len(set(passages))
