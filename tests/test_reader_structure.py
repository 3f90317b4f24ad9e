"""Issue 12, round 2: rules that judge a unit by where it sits in the page's structure.

Each rule has a test of the defect it fixes and a test of a real-sounding sentence it must not touch.
Every page here is written for the test in the style of real news pages; none is copied from a real one.
"""

from __future__ import annotations

from newscast import read_text
from newscast.articles import noise
from tests.test_reader_recall import BYLINE, HEADLINE, STORY, scrape, spoken_body

# ------------------------------------------------------------------------------------------------
# Section headings in pairs: "Mayor vs. council" over "WINNER: Mayor" over the section's prose


def test_heading_pairs_over_prose_are_spoken_not_taken_for_teasers():
    page = scrape(
        HEADLINE,
        BYLINE,
        STORY[0],
        "Mayor Ellison vs. the city council",
        "WINNER: Ellison",
        "The mayor never blinked. She held the budget line for three weeks and the council gave way on Friday.",
        "Harbor board vs. the ferry union",
        "LOSER: Harbor board",
        "The board agreed to every demand it had called unaffordable in June, and the strike ended on Monday.",
        STORY[2],
    )
    body = spoken_body(read_text(page))
    for line in ("Mayor Ellison vs. the city council", "WINNER: Ellison", "Harbor board vs. the ferry union"):
        assert line in body


def test_two_teaser_titles_between_paragraphs_are_still_dropped():
    units = ["The county said on Tuesday.", "Ferries go electric", "Tides explained", "More body."]
    assert noise.teaser_runs(units) == {1, 2}
    page = scrape(
        HEADLINE, BYLINE, *STORY[:3], "Ferries go electric", "Tides explained", "Storm season ahead", *STORY[3:]
    )
    body = spoken_body(read_text(page))
    assert "Ferries go electric" not in body and "Tides explained" not in body
    assert all(sentence in body for sentence in STORY[2:])


# ------------------------------------------------------------------------------------------------
# Link density: a unit that is all link text is a link to another page, unless it is a statement of the story


def html_story(*paragraphs: str) -> str:
    body = "".join(paragraph if paragraph.startswith("<ul>") else f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Bridge reopens</title></head>'
        f"<body><article><h1>{HEADLINE}</h1>{body}</article></body></html>"
    )


def test_a_sentence_of_the_story_that_is_all_link_text_is_spoken():
    linked = (
        '<a href="/report">One likely reason for the delay is that the county never ordered the steel girders'
        " until the barge inquiry had closed.</a> Nobody said why."
    )
    article = read_text(html_story(STORY[0], " ".join(STORY[2:4]), linked, " ".join(STORY[4:])))
    assert "One likely reason for the delay is that the county never ordered" in spoken_body(article)


def test_linked_teaser_titles_and_calls_are_still_dropped():
    teasers = (
        '<ul><li><a href="/ferries">Ferries go electric on the north shore</a></li>'
        '<li><a href="/shop">&gt;&gt;&gt; Order the new print edition now! &lt;&lt;&lt;</a></li>'
        '<li><a href="/fed">What does the county do with a toll it no longer charges?</a></li></ul>'
    )
    article = read_text(html_story(STORY[0], " ".join(STORY[2:4]), teasers, " ".join(STORY[4:])))
    body = spoken_body(article)
    assert "Ferries go electric" not in body and "print edition" not in body and "no longer charges" not in body
    assert {d.rule for d in article.dropped if "Ferries" in d.text} == {"link to another page"}
    assert STORY[4] in body


def test_spanish_teaser_label_with_its_title_is_dropped():
    teaser = "PUEDES VER: ¿Qué es el consejo municipal y para qué sirve?"
    article = read_text(scrape(HEADLINE, BYLINE, STORY[0], teaser, *STORY[2:]))
    assert teaser not in spoken_body(article)
    assert "Puedes ver cómo el puente se abre cada mañana a las seis, dijo el alcalde." in spoken_body(
        read_text(
            scrape(
                HEADLINE,
                BYLINE,
                STORY[0],
                "Puedes ver cómo el puente se abre cada mañana a las seis, dijo el alcalde.",
                *STORY[2:],
            )
        )
    )


# ------------------------------------------------------------------------------------------------
# Credits: a short wire credit at the end is a credit, not a stray short line


def test_wire_credit_at_the_end_of_an_html_story_is_a_credit():
    article = read_text(html_story(STORY[0], " ".join(STORY[2:4]), " ".join(STORY[4:]), "With Post wires"))
    assert article.credits == ("With Post wires",)


def test_a_sentence_starting_with_with_stays_in_the_story():
    sentence = "With wires down across the county, crews worked through the night to restore power."
    article = read_text(html_story(STORY[0], " ".join(STORY[2:4]), " ".join(STORY[4:]), sentence))
    assert sentence in spoken_body(article) and article.credits == ()


# ------------------------------------------------------------------------------------------------
# Leaked tags: a title in angle brackets is text, not markup


def test_title_in_angle_brackets_is_spoken():
    sentence = "Visitors who watched <The Palace: Tale of a Clown> left glowing reviews of the show on Tuesday."
    assert noise.strip_inline_tags(sentence) == sentence
    article = read_text(scrape(HEADLINE, BYLINE, STORY[0], sentence, *STORY[2:]))
    assert "The Palace: Tale of a Clown" in spoken_body(article)


def test_leaked_tags_are_still_removed():
    cleaned = noise.clean_unit('The <a href="/x">county</a> said <b>no</b>.<br/><P>It <SPAN class="x">did</SPAN>.')
    assert "<" not in cleaned and cleaned.startswith("The county said no") and "It did" in cleaned


# ------------------------------------------------------------------------------------------------
# Headline: an h1 that shares no word with the page's title is a section name, not the story's headline


def html_titled(title: str, h1: str) -> str:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in (STORY[0], " ".join(STORY[2:4]), " ".join(STORY[4:])))
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:title" content="{title}"></head>'
        f"<body><article><h1>{h1}</h1>{body}</article></body></html>"
    )


def test_section_name_in_the_h1_is_not_the_headline():
    article = read_text(html_titled(HEADLINE, "Press releases"))
    assert article.headline == HEADLINE


def test_h1_rewritten_from_the_title_stays_the_headline():
    h1 = "Millbrook bridge reopens to cheers after repairs"
    article = read_text(html_titled("Bridge reopens: county counts the cost", h1))
    assert article.headline == h1


# ------------------------------------------------------------------------------------------------
# Disguised text: an ad spelt with look-alike letters of another script


def test_ad_spelt_with_cyrillic_look_alikes_is_dropped():
    ad = "Аdvеrtіѕе wіth thе most rеаd nеwѕ ѕіtе in thе county ~ Wе оffеr fullу flехіblе dіgіtаl расkаgеѕ."
    article = read_text(scrape(HEADLINE, BYLINE, *STORY[2:], ad))
    assert "most" not in spoken_body(article)
    assert {d.rule for d in article.dropped if "county ~" in d.text} == {"disguised text"}


def test_a_sentence_quoting_a_name_in_cyrillic_is_spoken():
    sentence = "The sister city of Millbrook, Бахмут in the old spelling, sent a choir of 40 singers for the reopening."
    assert sentence in spoken_body(read_text(scrape(HEADLINE, BYLINE, STORY[0], sentence, *STORY[2:])))


def test_hyphenated_label_matches_its_spaced_entry():
    article = read_text(scrape(HEADLINE, BYLINE, *STORY[2:5], "meist-diskutiert", *STORY[5:]))
    assert "meist-diskutiert" not in spoken_body(article)
    sentence = "Die meist-diskutierte Frage am Dienstag war, wann die Brücke wieder für Lastwagen öffnet."
    assert sentence in spoken_body(read_text(scrape(HEADLINE, BYLINE, STORY[0], sentence, *STORY[2:])))


def test_polish_teaser_label_with_its_title_is_dropped():
    teaser = "Dowiedz się więcej: Kto jak głosował w sprawie mostu?"
    article = read_text(scrape(HEADLINE, BYLINE, *STORY[2:5], teaser, *STORY[5:]))
    assert teaser not in spoken_body(article)
    assert {d.rule for d in article.dropped if d.text == teaser} == {"label"}


def test_site_name_in_the_title_leaves_the_h1_as_headline():
    article = read_text(html_titled("Harbor Gazette", HEADLINE))
    assert article.headline == HEADLINE
