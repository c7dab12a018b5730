"""Each topic section of the default brief holds passages a reader would agree belong to it.

For every topic: passages that MUST be chosen (the clearest cases in the sources), passages
that MUST NOT be (they share a word with the topic but are about something else), and a
reader's test applied to every passage chosen (does it talk about the topic at all?).
"""

import re
from pathlib import Path

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
def test_topic_section_holds_what_belongs_to_it(built_on, topic):
    _, manifest, _ = built_on
    want = TOPICS[topic]
    passages = {e["passage"] for e in chosen(manifest, topic)}
    assert want["must"] <= passages, f"{topic}: missing {want['must'] - passages}"
    assert not want["must_not"] & passages, f"{topic}: wrongly chose {want['must_not'] & passages}"
    for e in chosen(manifest, topic):
        assert re.search(want["reader"], e["printed"]), f"{topic}: {e['passage']} is not about {topic}"


def test_every_excerpt_names_its_section_and_topic(built_on):
    _, manifest, _ = built_on
    assert {e["section"] for e in manifest["excerpts"]} == set(TOPICS)
    for e in manifest["excerpts"]:
        assert e["topic"] == e["section"], e["id"]   # each default section is named by its topic


def test_postgres_gives_the_same_excerpts_as_sqlite(built, built_pg):
    """Both index backends rank alike, so the default brief quotes the same passages, cut the same way."""
    assert built_pg[1]["excerpts"] == built[1]["excerpts"]
    assert built_pg[1]["excerpts"]


def test_no_passage_is_printed_twice(built_on):
    _, manifest, _ = built_on
    passages = [e["passage"] for e in manifest["excerpts"]]
    assert len(passages) == len(set(passages))


# --- the built-in library on another subject ----------------------------------------------------------
# Press-style sentences on relations between Japan, Australia and their neighbours, written for this
# test: no seed words, and traps where a topic shares a stem or a prefix with another subject.
LIBRARY = {
    "history": {
        "must": ["Australia and Japan established diplomatic relations in 1952, seven years after the war ended.",
                 "The two governments marked the fiftieth anniversary of the basic treaty with a state visit to "
                 "Canberra.",
                 "Tokyo formally recognised the new government within a week of its independence."],
        "must_not": ["Parliament voted to recognise the massacre as genocide, angering the ambassador.",
                     "The ministry said exports of beef rose by a fifth in the first quarter."],
    },
    "security": {
        "must": ["The two services agreed to share intelligence on extremist networks operating in the region.",
                 "Police said the bombing of the consulate had been planned for months by a militant cell.",
                 "Officials signed a security agreement covering counter-terrorism training and port protection."],
        "must_not": ["The military parade in Tokyo featured new transport aircraft and a naval band.",
                     "Cargo ships left Bombay harbour loaded with cotton and spices bound for Yokohama.",
                     "Critics called the ministers terrorists for blocking humanitarian aid to the islands."],
    },
    "arms": {
        "must": ["Canberra agreed to buy twelve submarines in the largest arms deal in the country's history.",
                 "The navy will acquire anti-ship missiles and radar under a new procurement plan.",
                 "Sales of reconnaissance drones to the region tripled, according to a defence industry survey."],
        "must_not": ["Armed clashes broke out along the fishing grounds, leaving two sailors injured.",
                     "Armenian exiles held a vigil outside the embassy on Sunday evening.",
                     "Coal exports to the northern ports fell sharply after the floods."],
    },
    "energy": {
        "must": ["Liquefied natural gas shipments from the north-west shelf now cover a third of demand.",
                 "Two-way trade reached a record last year as exports of iron ore recovered.",
                 "The new pipeline will carry crude from the offshore field to the refinery at the coast."],
        "must_not": ["It is important that both sides keep talking, the spokesman said after the summit.",
                     "The army guards the gas terminals, a security official said, after threats last month.",
                     "Arms exports to the region are reviewed by a committee of the cabinet."],
    },
    "regional": {
        "must": ["Both capitals worry that a rival power is building ports across the Pacific.",
                 "The border dispute between its two neighbours has drawn in the regional powers.",
                 "Analysts describe the pact as an alliance in all but name, aimed at the balance of power."],
        "must_not": ["The prime minister opened a new cultural centre in Osaka on Friday.",
                     "Grain farmers welcomed the cut in tariffs on wheat."],
    },
    "disputes": {
        "must": ["Officials put the cost at 4.2 billion dollars; independent auditors estimate nearly twice that.",
                 "According to the census, some 30,000 Japanese nationals live in Australia.",
                 "Tourism accounted for roughly 12 percent of the islands' income last year.",
                 "Independent auditors estimated the cost at nearly twice the official figure.",   # only "estimate"
                 "The ministry's estimates of the harvest were revised after the floods."],
        "must_not": ["The minister thanked her hosts and promised to return next spring."],
    },
}


def _matches(fts: str, texts: list[str]) -> set[str]:
    import sqlite3

    with sqlite3.connect(":memory:") as db:   # the same tokenizer as the passage index
        db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61 remove_diacritics 2')")
        db.executemany("INSERT INTO t VALUES (?)", [(t,) for t in texts])
        return {row[0] for row in db.execute("SELECT x FROM t WHERE t MATCH ?", (fts,))}


def _matches_pg(url: str, fts: str, texts: list[str]) -> set[str]:
    import psycopg

    from briefing import ftsquery, pgindex

    tree = ftsquery.parse(fts)
    with psycopg.connect(url) as db:   # the passage index's text search configuration, tokens and tsquery
        pgindex._prepare(db)
        db.execute(f"CREATE TEMP TABLE t AS SELECT x, {pgindex._DOCUMENT} AS tsv "
                   "FROM unnest(%s::text[], %s::text[], %s::text[]) u(x, hterms, tterms)",
                   (texts, [""] * len(texts), [ftsquery.terms(t) for t in texts]))
        stem = pgindex.stems(db, {w for p in ftsquery.phrases(tree) for w in p.words})
        return {row[0] for row in db.execute("SELECT x FROM t WHERE tsv @@ %s::tsquery",
                                             (ftsquery.tsquery(tree, stem),))}


def test_every_built_in_topic_has_passages_that_must_and_must_not_match(backend):
    from briefing.topics import BUILTIN, _read, query

    topics = _read(BUILTIN)
    assert set(topics) == set(LIBRARY)
    for name, want in LIBRARY.items():
        texts = want["must"] + want["must_not"]
        hits = _matches(query(topics[name]), texts) if isinstance(backend, Path) else \
            _matches_pg(backend, query(topics[name]), texts)
        assert set(want["must"]) <= hits, f"{name}: misses {set(want['must']) - hits}"
        assert not hits & set(want["must_not"]), f"{name}: wrongly matches {hits & set(want['must_not'])}"


def test_the_built_in_library_names_no_country_company_or_group():
    from briefing.topics import BUILTIN

    words = set(re.findall(r"\b[A-Z][a-z]+\b", BUILTIN.read_text("utf-8").split("topics:", 1)[1]))
    # Capitalised words are titles' first words only; a proper noun would be a corpus's subject.
    titles = {"History", "Security", "Arms", "Energy", "Regional", "Disputed", "Recognition", "Intelligence",
              "Weapons", "Oil", "Neighbours", "Passages", "Guarding", "Strike", "Recognising", "Names"}
    assert words <= titles, f"proper nouns in the built-in library: {words - titles}"
