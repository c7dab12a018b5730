"""Find numeric claims (percentages, money, counts, distances, years, dates) in prose, with exact offsets.

Every claim's offsets index the text exactly as given; nothing here rewrites it. Candidates from all
patterns compete per sentence: unit-bearing readings beat dates, dates beat counts, counts beat bare years.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, replace
from datetime import date

from dateutil.parser import parserinfo

from .corpus import TAG, load_rules, sentences


@dataclass(frozen=True)
class Claim:
    source: str
    start: int
    end: int
    text: str
    kind: str  # percent | money | count | distance | rank | date | period | year
    value: float | None
    low: float | None
    high: float | None
    unit: str
    hedge: str
    period: str
    subject: str
    sentence_start: int
    sentence_end: int
    conversion: tuple = ()
    iso: str = ""  # ISO 8601 form of a date or day/month range: "1991-10-18", "2017-01/2017-02", "--04-05"


TIME_KINDS = ("date", "year", "period")  # the kinds that say when rather than how much
MAX_SENTENCE = 2000   # characters; a longer run is read in pieces
_LOOK = 300           # characters looked at around a number for its labels, clause and subject


# --- vocabulary: general English, units and currencies only ---------------------------------------------
_PINFO = parserinfo()  # dateutil's month names and lookup, so "Sept." and "Jan" parse like "September"
_MONTH = "(?:" + "|".join(sorted({n + (r"\b\.?" if n != names[-1] else r"\b") for names in _PINFO.MONTHS
                                  for n in names}, key=len, reverse=True)) + ")"
_HEDGES = ("somewhere around", "somewhere between", "barely over", "just over", "just under", "well over",
           "well under", "more than", "less than", "fewer than", "at least", "at most", "up to", "close to",
           "as many as", "as much as", "as few as", "no more than", "no less than", "in excess of", "upwards of",
           "an estimated", "estimated", "approximately", "roughly", "nearly", "almost", "about", "around", "some",
           "over", "under", "below", "above", "circa", "approx.", "c.", "~")
_TIME_HEDGES = ("as early as", "as late as", "as of", "prior to", "since", "until", "till", "through", "by",
                "before", "after", "circa", "c.", "ca.", "around", "about", "early", "mid", "late", "pre", "post")
_STOP = set("""a an the of in on at to for from by with and or but nor as than that which who whom whose this
these those it its is are was were be been being has have had will would can could may might must shall should
do does did not no per each every all any such into onto over under about after before during since until
between among against through within without across along around out up down off also only just more most less
least so very then there their they them he she his her we our you your i me my us while when where if""".split())
_HEDGE_WORDS = _STOP | {h.split()[0] for h in _HEDGES + _TIME_HEDGES}
_IRREGULAR_PLURALS = {"people", "children", "men", "women", "police", "personnel", "staff", "cattle", "aircraft",
                      "feet", "data", "media", "sheep", "fish"}
_LABEL = re.compile(r"(?i)\b(?:vol|volume|issue|no|nos|number|section|sec|article|art|chapter|ch|figure|fig|"
                    r"table|page|pages|p|pp|part|paragraph|para|item|appendix|annex|footnote|note|clause|rule|"
                    r"resolution|version|step|phase|stage|level|round|session|episode|season|edition|line)[.:]?\s*$")
_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6,
           "billion": 1e9, "bn": 1e9, "bln": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12}
_METRES = {"km": 1e3, "m": 1.0, "mi": 1609.344, "nmi": 1852.0, "ft": 0.3048, "yd": 0.9144}
_DIST = {"km": "km", "kilometre": "km", "kilometer": "km", "m": "m", "metre": "m", "meter": "m", "mi": "mi",
         "mile": "mi", "nmi": "nmi", "nautical mile": "nmi", "ft": "ft", "foot": "ft", "feet": "ft", "yd": "yd",
         "yard": "yd"}
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₽": "RUB", "₩": "KRW", "₺": "TRY",
            "₪": "ILS", "₼": "AZN", "₴": "UAH", "₦": "NGN", "₫": "VND", "₱": "PHP", "₸": "KZT", "₾": "GEL"}
_DOLLAR_PREFIX = {"US": "USD", "U.S.": "USD", "A": "AUD", "C": "CAD", "CA": "CAD", "HK": "HKD", "NZ": "NZD",
                  "S": "SGD", "R": "BRL", "NT": "TWD", "MX": "MXN"}
_CODES = set("USD EUR GBP JPY CNY CHF CAD AUD NZD HKD SGD RUB INR KRW TRY ILS AZN UAH BRL MXN ZAR SEK NOK".split())
_CURWORDS = {"dollar": "USD", "euro": "EUR", "pound sterling": "GBP", "yen": "JPY", "yuan": "CNY",
             "renminbi": "CNY", "ruble": "RUB", "rouble": "RUB", "rupee": "INR", "franc": "CHF", "peso": "MXN"}
_DOLLAR_QUAL = {"us": "USD", "u.s.": "USD", "american": "USD", "canadian": "CAD", "australian": "AUD",
                "hong kong": "HKD", "new zealand": "NZD", "singapore": "SGD"}


def _alt(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


# --- patterns -------------------------------------------------------------------------------------------
# A number touches no word, decimal/thousands tail or clock time on either side; "100's" is no quantity.
# Up to 15 digits: no quantity in prose is stated more precisely than a float holds (a longer run of
# digits is a code or a hoax, and as a float it would be inf and print as Infinity).
_NUM = r"(?<!\w)(?<!\w[.,])(?<!\d:)(?:\d{1,3}(?:,\d{3}){1,4}|\d{1,15})(?:\.\d+)?(?!\d|[.,]\d|:\d|['’]s\b)"
_CURPRE = rf"(?:U\.S\.\s?\$|[A-Z]{{1,2}}\$|[{''.join(_SYMBOLS)}]|(?:{_alt(_CODES)})\s?)"
# Single-letter scales must be attached ("$5m") so that "5 m" stays a distance and "5 B-52s" a count.
_SCALE = r"(?:\s*(?i:thousand|million|billion|trillion)\b|\s?(?i:mln|bln|mn|bn|tn)\b|[kmbMB]\b)"
_PCT = r"%|(?i:per\s?cent|percentage\s+points?|pct)\b"
_DISTU = rf"(?:(?:{_alt(k for k in _DIST if len(k) > 3)})s?|{_alt(k for k in _DIST if len(k) <= 3)})\b"
_CURWORD = (rf"(?:(?:(?i:{_alt(_DOLLAR_QUAL)})\s+)?(?i:dollars?)|{_alt(_CODES)}|(?i:"
            + "|".join(r"s?\s+".join(k.split()) + "s?" for k in sorted(_CURWORDS, key=len, reverse=True)) + r"))\b")
# An ordinal rank with its measure: "second-largest", "third biggest", "ranked fifth". "The first" alone
# is an order of events, not a rank, so a rank needs its superlative or a verb of ranking.
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
            "ninth": 9, "tenth": 10}
_ORD = rf"(?:{'|'.join(ORDINALS)}|[1-9]\d?(?:st|nd|rd|th))"
_LARGEST = {"largest", "biggest", "greatest", "leading", "top", "main"}
_RANK = re.compile(rf"(?i)(?<![\w-])(?:(?P<o1>{_ORD})[\s-]+(?P<sup>{_alt(_LARGEST)}|highest|lowest|smallest"
                   rf"|(?:most|least)\s+[^\W\d_]+)|(?:rank(?:s|ed|ing)?|placed|came)\s+(?:as\s+)?(?:the\s+)?"
                   rf"(?P<o2>{_ORD}))(?![\w-])")
_RATE = r"\s+(?:(?:per|a|an|each)\s+(?:day|week|month|quarter|year|annum)|per\s+(?:capita|person|head))\b"


def _q(t: str) -> str:
    return (rf"(?P<cur{t}>{_CURPRE})?(?P<n{t}>{_NUM})(?P<sc{t}>{_SCALE})?"
            rf"(?:(?:-|\s*)(?P<u{t}>{_PCT}|{_DISTU}))?(?P<cw{t}>\s+{_CURWORD})?(?P<per{t}>{_RATE})?")


_SINGLE = re.compile(_q("a") + rf"(?P<conv>\s*\(\s*(?:(?i:about|approx\.?|approximately|around|roughly|c\.|~)\s*)?"
                     rf"(?P<cn>{_NUM})\s*(?P<cu>{_DISTU})\s*\))?")
_RANGE = re.compile(r"(?:(?P<btw>(?i:between|from))\s+)?" + _q("a") +
                    r"(?P<sep>\s*[-–—]\s*|\s+(?:to|and|through)\s+)" + _q("b"))
_D = r"(?<![\w.,:])(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\w)"
_Y = r"(?<!\w)(?:1\d|20)\d\d(?!\w|:\d)"
_DATES = [re.compile(p.replace("MON", _MONTH).replace("DAY", _D).replace("YEAR", _Y)) for p in (
    r"(?P<m1>MON)\s+(?P<d1>DAY)\s*(?:[-–—]|to)\s*(?P<d2>DAY)(?:,?\s+(?P<y>YEAR))?",
    r"(?P<d1>DAY)\s*(?:[-–—]|to)\s*(?P<d2>DAY)\s+(?P<m1>MON)(?:,?\s+(?P<y>YEAR))?",
    r"(?P<m1>MON)\s*(?:[-–—]|to|through)\s*(?P<m2>MON),?\s+(?P<y>YEAR)",
    r"(?P<m1>MON)\s+(?P<d1>DAY)(?:,?\s+(?P<y>YEAR))?",
    r"(?P<d1>DAY)\s+(?P<m1>MON)(?:,?\s+(?P<y>YEAR))?",
    r"(?P<m1>MON),?\s+(?P<y>YEAR)")]
_DAY_LIST = re.compile(rf",\s*({_D})(?=\s*[,;)\]]|\s+and\b|\s*$)")  # "October 8, 19, 29": more days
_DECADE = re.compile(r"(?<!\w)(?:(?P<h>(?i:very\s+)?(?i:early|mid|late)[\s-]+))?(?P<d>(?:1\d|20)\d0)['’]?s\b")
_HEDGE_RE = re.compile(rf"(?i)(?<!\w)({_alt(_HEDGES)})\s*$")
_TIME_HEDGE_RE = re.compile(rf"(?i)(?<!\w)({_alt(_TIME_HEDGES)})(?:[\s-]+|\s+the\s+)$")
_FROM_BEFORE = re.compile(r"(?i)\bfrom\s+(?:[a-z]+\s+){0,2}$")
_WORD = re.compile(r"\s+([^\W\d_][\w'’-]*)")
_CLAUSE_END = re.compile(r"[,;:!?()\[\]\"“”—\n]|\.(?=\s|$)")


@functools.cache
def _abbreviations() -> frozenset[str]:
    return load_rules().abbreviations


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split text[start:end] into sentence spans (absolute offsets), as the corpus does."""
    return list(sentences(text, start, end, _abbreviations()))


def _num(tok: str) -> float:
    return float(tok.replace(",", ""))


def _dist_code(u: str) -> str:
    key = re.sub(r"\s+", " ", u.lower())
    return _DIST.get(key) or _DIST[key[:-1]]


def _pieces(text: str, ss: int, se: int):
    """Yield a sentence in pieces of at most MAX_SENTENCE characters, cut at spaces: prose never needs
    longer, and a hostile run-on text stays linear."""
    while se - ss > MAX_SENTENCE:
        cut = text.rfind(" ", ss + MAX_SENTENCE // 2, ss + MAX_SENTENCE)
        cut = cut if cut > ss else ss + MAX_SENTENCE
        yield ss, cut
        ss = cut
        while ss < se and text[ss].isspace():
            ss += 1
    if ss < se:
        yield ss, se


def _yearlike(tok: str) -> bool:
    return bool(re.fullmatch(r"(?:1\d|20)\d\d", tok))


def _blocked(text: str, s: int, e: int, ss: int, unitless: bool) -> bool:
    """Tell whether the number text[s:e] is an id, label, list or citation marker rather than a quantity."""
    line = text.rfind("\n", max(0, s - _LOOK), s) + 1  # only the words just before matter; a long line stays linear
    line, at_start = (line, True) if line else (max(0, s - _LOOK), s <= _LOOK)
    before, after = text[line:s], text[e:e + 2]
    near, base = (before, line) if s - line <= 40 else (text[s - 40:s], s - 40)  # labels sit just before a number
    if re.search(r"[^\W\d_]-$", near) and not re.search(r"(?i)\b(?:pre|post|mid|early|late)-$", near):
        return True  # "F-16", "Covid-19"; but "post-2006" is a year
    if (before.endswith("[") and after[:1] == "]") or (before.endswith("(") and after[:1] == ")" and e - s <= 2):
        return True  # "[1]", "(3)"
    if at_start and re.fullmatch(r"\s*[#*>-]*\s*", before) and (re.match(r"[.)](?:\s|$)", after) or
                                                                ("." in text[s:e] and re.match(r"\s[A-Z]", after))):
        return True  # "1. Intro", "2.3 Background"
    if _LABEL.search(near):
        return True  # "section 4", "Issue: 159"
    cap = re.search(r"(?<![\w-])([A-Z][\w-]*) $", near)  # "Boeing 737", but not "In 2019" or a first word
    return bool(unitless and cap and base + cap.start() > ss and cap.group(1).lower() not in _HEDGE_WORDS
                and not re.fullmatch(_MONTH, cap.group(1)))


def _reading(m: re.Match, t: str) -> dict:
    """Interpret one number of a quantity match with its currency, scale and unit."""
    cur, sc, u, cw, per = (m.group(g + t) for g in ("cur", "sc", "u", "cw", "per"))
    n = _num(m.group("n" + t))
    r = {"tok": m.group("n" + t), "start": m.start("cur" + t) if cur else m.start("n" + t), "n": n}
    if sc and sc.strip() == "m" and not (cur or cw):
        u, sc = "m", None  # lower-case "m" without a currency is metres
    scale = _SCALES[sc.strip().lower()] if sc else 1.0
    ends = [m.end(g + t) for g in ("n", "sc", "u", "cw") if m.group(g + t)]
    if cur or cw:
        if cw:
            w = re.sub(r"\s+", " ", cw.strip().lower())
            qual = next((_DOLLAR_QUAL[k] for k in _DOLLAR_QUAL if w.startswith(k + " ")), "USD")
            unit = (w.upper() if w.upper() in _CODES else qual if "dollar" in w
                    else _CURWORDS.get(re.sub(r"s\b", "", w), ""))
        else:
            code = cur.strip()
            unit = _SYMBOLS.get(code) or (code if code in _CODES else _DOLLAR_PREFIX.get(code[:-1], code))
        if per:  # "$60,000 per month" is a rate, not a sum
            rate = per.split()[-1].lower()
            unit += "/" + {"annum": "year", "capita": "person", "head": "person"}.get(rate, rate)
            ends.append(m.end("per" + t))
        r.update(kind="money", unit=unit, value=n * scale)
    elif u and re.fullmatch(_PCT, u):
        r.update(kind="percent", unit="pp" if u.lower().startswith("percentage") else "%", value=n)
    elif u:
        r.update(kind="distance", unit="m", value=n * scale * _METRES[_dist_code(u)])
    else:
        r.update(kind="count", unit="", value=n * scale)
    r.update(end=max(ends), scaled=bool(sc), bare=r["kind"] == "count" and not sc)
    return r


def _noun(text: str, e: int, se: int, one: bool) -> tuple[str, int]:
    """Return the counted noun within three words after offset e and where it ends, or ("", e)."""
    if compound := re.match(r"-([^\W\d_]+)(?:-[^\W\d_]+)*\b", text[e:se]):
        return compound.group(1), e + compound.end()  # "44-day", "12-year-old"
    pos = e
    for i in range(3):
        w = _WORD.match(text, pos, se)
        if not w or w.group(1).lower() in _STOP or re.fullmatch(_MONTH, w.group(1)):
            break
        word, pos = w.group(1), w.end()
        low = word.lower()  # no tagger: the first plural-looking word is the head ("5,000 Welsh speakers living")
        if low in _IRREGULAR_PLURALS or (len(low) > 2 and low.endswith("s")
                                         and not low.endswith(("ss", "us", "'s", "’s"))):
            return word, pos
        if one and i == 0:
            return word, pos
    return "", e


def _hedge(rx: re.Pattern, text: str, ss: int, s: int) -> tuple[str, int]:
    """Return the hedge written just before offset s and where it starts."""
    h = rx.search(text, max(ss, s - 40), s)
    return (re.sub(r"[\s-]+", " ", h.group(1).lower()), h.start()) if h else ("", s)


def _mk(text, source, ss, se, s, e, kind, **kw) -> Claim:
    base = dict(value=None, low=None, high=None, unit="", hedge="", period="", subject="")
    return Claim(source, s, e, text[s:e], kind, sentence_start=ss, sentence_end=se, **{**base, **kw})


def _rank_candidates(text, source, ss, se):
    """Yield (priority, claim) for ordinal ranks; every "-largest" word is one measure, "rank"."""
    for m in _RANK.finditer(text, ss, se):
        word = (m.group("o1") or m.group("o2")).lower()
        n = ORDINALS.get(word) or int(re.match(r"\d+", word).group())
        sup = re.sub(r"\s+", " ", (m.group("sup") or "").lower())
        yield 3, _mk(text, source, ss, se, m.start(), m.end(), "rank", value=n,
                     unit="rank" if not sup or sup in _LARGEST else sup)


def _time_candidates(text, source, ss, se):
    """Yield (priority, claim) for month-based dates and ranges, and decades."""
    for rx in _DATES:
        for m in rx.finditer(text, ss, se):
            g = m.groupdict()
            y = int(g["y"]) if g.get("y") else None
            mons = [_PINFO.month(g[k].rstrip(".")) for k in ("m1", "m2") if g.get(k)]
            days = [int(re.match(r"\d+", g[k]).group()) for k in ("d1", "d2") if g.get(k)]
            try:
                for d in days:
                    date(y or 2000, mons[0], d)  # reject "February 30"; 2000 admits a yearless Feb 29
            except ValueError:
                continue
            ys = f"{y:04d}" if y else "-"
            iso = [f"{ys}-{mons[0]:02d}-{d:02d}" for d in days] or [f"{ys}-{mo:02d}" for mo in mons]
            hedge, s = _hedge(_TIME_HEDGE_RE, text, ss, m.start())
            label = (hedge + " " if hedge else "") + re.sub(r"\s*[-–—]\s*", "–", re.sub(r"\s+", " ", m.group()))
            span = len(iso) > 1  # a day or month range is a period within the year
            yield 2, _mk(text, source, ss, se, s, m.end(), "period" if span else "date", value=None if span else y,
                         low=y if span else None, high=y if span else None, unit="years" if span else "date",
                         hedge=hedge, period=label, iso="/".join(iso))
            pos = m.end()
            while not y and len(days) == 1 and (more := _DAY_LIST.match(text, pos, se)):
                d = int(re.match(r"\d+", more.group(1)).group())
                yield 2, _mk(text, source, ss, se, more.start(1), more.end(1), "date", unit="date",
                             period=f"{m.group('m1')} {more.group(1)}", iso=f"--{mons[0]:02d}-{d:02d}")
                pos = more.end()
    for m in _DECADE.finditer(text, ss, se):
        d, hedge, s = int(m.group("d")), re.sub(r"[\s-]+", " ", (m.group("h") or "").strip().lower()), m.start()
        if not hedge:
            hedge, s = _hedge(_TIME_HEDGE_RE, text, ss, s)
        yield 2, _mk(text, source, ss, se, s, m.end(), "period", low=d, high=d + 9, unit="years", hedge=hedge,
                     period=(hedge + " " if hedge else "") + m.group("d") + "s")


def _year(text, source, ss, se, s, e, tok) -> Claim:
    """Make a year claim, or an open period for "since 2011" / "until 2020"."""
    hedge, s = _hedge(_TIME_HEDGE_RE, text, ss, s)
    y, label = int(tok), (hedge + " " if hedge else "") + tok
    if hedge in ("since", "until", "till", "through"):
        low, high = (y, None) if hedge == "since" else (None, y)
        return _mk(text, source, ss, se, s, e, "period", low=low, high=high, unit="years", hedge=hedge, period=label)
    return _mk(text, source, ss, se, s, e, "year", value=y, unit="year", hedge=hedge, period=label)


def _quantity_candidates(text, source, ss, se):
    """Yield (priority, claim) for ranges, single quantities, counts and bare years."""
    for m in _RANGE.finditer(text, ss, se):
        a, b = _reading(m, "a"), _reading(m, "b")
        btw, sep, ta, tb = (m.group("btw") or "").lower(), m.group("sep").strip(), a["tok"], b["tok"]
        s, e = m.start("btw") if btw else a["start"], b["end"]
        if re.match(r"\w", text[e:e + 1]) or _blocked(text, m.start("na"), m.end("na"), ss, a["bare"]):
            continue
        if (sep == "and") != (btw == "between"):
            continue  # "and" joins a range only after "between"
        if a["bare"] and b["bare"] and _yearlike(ta) and (_yearlike(tb) or (len(tb) == 2 and sep in "-–—")):
            low, high = int(ta), int(tb if len(tb) == 4 else ta[:2] + tb)  # "1992–93"
            if low < high:
                yield 2, _mk(text, source, ss, se, s, e, "period", low=low, high=high, unit="years",
                             period=f"{low}–{high}")
            continue
        if btw == "from" or (sep == "to" and _FROM_BEFORE.search(text, ss, s)):
            continue  # "from X to Y" states a change, not a range
        if b["n"] and (a["bare"] or (a["kind"] == "money" and b["kind"] == "count" and not a["scaled"])):
            if b["kind"] == "count":  # "$2–3 billion": b takes a's currency
                b.update(kind=a["kind"], unit=a["unit"])
            else:  # "60–69%", "5–10 km": a takes b's unit
                a.update(kind=b["kind"], unit=b["unit"])
            a["value"] = a["n"] * b["value"] / b["n"]  # and b's scale
        if a["kind"] != b["kind"] or a["unit"] != b["unit"] or not 0 <= a["value"] < b["value"]:
            continue
        unit = b["unit"]
        if b["kind"] == "count":
            unit, e = _noun(text, e, se, False)
        hedge, s = _hedge(_HEDGE_RE, text, ss, s) if not btw else ("", s)
        yield 1 if b["kind"] == "count" else 3, _mk(text, source, ss, se, s, e, b["kind"], low=a["value"],
                                                    high=b["value"], unit=unit, hedge=hedge)
    for m in _SINGLE.finditer(text, ss, se):
        r = _reading(m, "a")
        kind, s, e = r["kind"], r["start"], m.end("conv") if m.group("conv") and r["kind"] == "distance" else r["end"]
        if re.match(r"\w", text[e:e + 1]) or _blocked(text, m.start("na"), m.end("na"), ss, kind == "count"):
            continue
        conv = (_num(m.group("cn")), _dist_code(m.group("cu"))) if m.group("conv") and kind == "distance" else ()
        hedge, hs = _hedge(_HEDGE_RE, text, ss, s)
        unit, prio = r["unit"], 3
        if kind == "count":
            unit, e2 = _noun(text, e, se, r["value"] == 1)
            if r["bare"] and _yearlike(r["tok"]) and not (hedge and unit):  # "some 2000 troops" stays a count
                yield 0, _year(text, source, ss, se, s, e, r["tok"])
                continue
            e, prio = e2, 1 if unit or r["scaled"] else 0
        yield prio, _mk(text, source, ss, se, hs, e, kind, value=r["value"], unit=unit, hedge=hedge, conversion=conv)


def _words(seg: str) -> list[str]:
    return [w for w in re.findall(r"[\w'’.-]+", TAG.sub(" ", seg)) if not re.search(r"\d", w) and w.strip(".-")]


def _subject(text: str, c: Claim, taken: list[Claim], starts: list[int]) -> str:
    """Return the words of c's clause after it (or else the clause's opening words), lower-case."""
    i = bisect.bisect_left(starts, c.end)
    nxt = min(starts[i] if i < len(starts) else c.sentence_end, c.sentence_end, c.end + _LOOK)
    stop = _CLAUSE_END.search(text, c.end, nxt)
    words = ([c.unit] if c.kind == "count" and c.unit else []) + _words(text[c.end:stop.start() if stop else nxt])[:8]
    if not any(w.lower() not in _STOP for w in words):
        a = max(c.sentence_start, c.start - _LOOK)
        seg = list(text[a:c.start])  # blank other claims so "$60,000" cuts no clause
        for o in taken[max(bisect.bisect_left(starts, a) - 1, 0):bisect.bisect_left(starts, c.start)]:
            if o.end <= c.start:
                seg[max(o.start - a, 0):max(o.end - a, 0)] = " " * (max(o.end - a, 0) - max(o.start - a, 0))
        seg = "".join(seg)
        words = _words(seg[max([x.end() for x in _CLAUSE_END.finditer(seg)], default=0):])[:8]
    while words and words[-1].lower() in _STOP:
        words.pop()  # "of the grain shipped from the" reads as cut off
    return " ".join(words).lower().rstrip(".")


def extract_claims(text: str, *, source: str, spans: list[tuple[int, int]] | None = None) -> list[Claim]:
    """Find numeric statements in text (optionally only inside the given (start, end) spans), with offsets into text."""
    found: dict[tuple[int, int, str], Claim] = {}
    for a, b in spans if spans is not None else [(0, len(text))]:
        for ss, se in (piece for sent in split_sentences(text, a, b) for piece in _pieces(text, *sent)):
            cands = sorted([*_time_candidates(text, source, ss, se), *_quantity_candidates(text, source, ss, se),
                            *_rank_candidates(text, source, ss, se)],
                           key=lambda pc: (-pc[0], pc[1].start - pc[1].end, pc[1].start))
            taken: list[Claim] = []
            used = bytearray(se - ss)
            for _, c in cands:  # higher priority, then longer, wins an overlap
                if not any(used[c.start - ss:c.end - ss]):
                    taken.append(c)
                    used[c.start - ss:c.end - ss] = b"\1" * (c.end - c.start)
            taken.sort(key=lambda c: c.start)
            starts = [c.start for c in taken]
            times = [c for c in taken if c.kind in TIME_KINDS]
            tstarts = [t.start for t in times]
            for c in taken:
                period = c.period
                if c.kind not in TIME_KINDS and times:  # the nearest time stated in the sentence
                    j = bisect.bisect_left(tstarts, c.start)
                    near = times[max(j - 1, 0):j + 1]
                    period = min(near, key=lambda t: max(t.start - c.end, c.start - t.end)).period
                found[(c.start, c.end, c.kind)] = replace(c, period=period, subject=_subject(text, c, taken, starts))
    return sorted(found.values(), key=lambda c: (c.start, c.end))


def conversion_mismatch(c: Claim, tolerance: float = 0.05) -> float | None:
    """Return the relative error of a stated unit conversion that does not hold, else None."""
    if not c.conversion or c.value is None or c.conversion[1] not in _METRES:
        return None
    expected = c.value / _METRES[c.conversion[1]]
    err = abs(c.conversion[0] - expected) / expected
    return err if err > tolerance else None
