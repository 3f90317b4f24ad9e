"""Issue 12: the reader keeps every sentence of the story, drops furniture by its shape, and says what it dropped.

Every page here is written for the test in the style of real news pages; none is copied from a real one.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from newscast import build_script, load_config, read_text
from newscast.articles import decode
from newscast.articles.byline import is_byline
from newscast.articles.html import looks_like_html
from newscast.articles.text import split_units


def spoken_body(article) -> str:
    return "\n".join(block.text for block in article.blocks)


def scrape(*units: str) -> str:
    return "\n\n".join(units) + "\n"


HEADLINE = "Bridge reopens after six months of repairs"
BYLINE = "By Dana Whitfield, Staff Writer"
DATE_LINE = "Updated 9:14 AM ET, Tue March 5, 2024"
STORY = [
    "The Millbrook bridge reopened to traffic on Tuesday morning, six months after a barge struck one of its piers.",
    "Reporters who contributed to this coverage were on the bridge at dawn.",
    "Commuters lined up before sunrise, and the first car crossed at 6:02 a.m. to cheers from the work crews.",
    "The repairs cost $14 million, about a third more than the county had first estimated, officials said.",
    "Engineers replaced two steel girders and poured a new concrete cap on the damaged pier over the winter.",
    "Traffic is expected to return to its old level of 30,000 cars a day within a few weeks, the county said.",
    "A second phase of work, to repaint the spans, will begin next spring and close one lane at a time.",
]


# ------------------------------------------------------------------------------------------------
# Do no harm: prose is spoken unless its whole shape or the page's structure says otherwise


def test_contributed_sentence_mid_story_does_not_end_the_body():
    article = read_text(scrape(HEADLINE, BYLINE, DATE_LINE, *STORY))
    assert [block.text for block in article.blocks] == STORY
    assert article.credits == ()


def test_credit_line_near_the_end_is_still_a_credit():
    article = read_text(scrape(HEADLINE, BYLINE, *STORY[2:], "Jane Roe contributed to this report.", "Terms of Use"))
    assert article.credits == ("Jane Roe contributed to this report.",)
    assert spoken_body(article).endswith(STORY[-1])


def test_highlights_found_below_video_player_and_messenger_prompt():
    page = scrape(
        HEADLINE,
        "JUST WATCHED",
        "Divers inspect the damaged pier",
        "Replay",
        "More Videos ...",
        "MUST WATCH",
        "Divers inspect the damaged pier 01:48",
        "Chat with us in Facebook Messenger. Find out what's happening in the world as it unfolds.",
        "Story highlights",
        "The bridge carries 30,000 cars a day",
        "Repairs came in a third over budget",
        *STORY[2:],
    )
    article = read_text(page)
    assert article.highlights == ("The bridge carries 30,000 cars a day", "Repairs came in a third over budget")
    body = spoken_body(article)
    assert "Story highlights" not in body and "30,000 cars a day" not in body.split("\n")[0]
    assert article.blocks[0].text == STORY[2]


def test_four_single_word_list_inside_the_story_is_kept():
    items = ["\u2022 Flour", "\u2022 Sugar", "\u2022 Eggs", "\u2022 Butter"]
    page = scrape(
        HEADLINE, BYLINE, STORY[0], "The bakery on the corner sold out of four things by noon", *items, *STORY[2:]
    )
    texts = [block.text for block in read_text(page).blocks]
    assert [t for t in texts if t in {"Flour", "Sugar", "Eggs", "Butter"}] == ["Flour", "Sugar", "Eggs", "Butter"]


def test_analysis_subheading_is_kept():
    article = read_text(scrape(HEADLINE, BYLINE, STORY[0], "Analysis", *STORY[2:]))
    assert ("heading", "Analysis") in [(block.kind, block.text) for block in article.blocks]


@pytest.mark.parametrize(
    "sentence",
    [
        "Join us, the mayor told the crowd gathered at the east end of the bridge on Tuesday.",
        "Download speeds on the new app doubled after the county moved its traffic cameras to fibre.",
        "The newsletter, launched by two retired engineers in 2019, now reaches 40,000 readers.",
        "Copyright lawyers said the county's use of the bridge design drawings was fair.",
        "Follow the detour signs, the county said, until the last lane reopens in April.",
        "Figure 3 in the engineers' report shows the river rising past the old flood mark twice last winter.",
        "Source: the mayor's office said on Tuesday that the ferry would run again from next spring.",
        "More information on the repairs, the county said, will be posted at the library every Friday.",
        "Date and place of the hearing: March 5 at City Hall, the clerk said, with seats for 200 residents.",
        "Quelle der Mittel ist ein Landesprogramm, sagte die Bürgermeisterin am Dienstag vor dem Rat.",
    ],
)
def test_prose_that_starts_like_furniture_is_spoken(sentence):
    article = read_text(scrape(HEADLINE, BYLINE, STORY[0], sentence, *STORY[2:]))
    assert sentence in spoken_body(article)


# ------------------------------------------------------------------------------------------------
# Furniture of many outlets, dropped by its shape


FURNITURE = [
    "Follow @millbrooknews Follow @danawhitfield",
    "To view the full story, please subscribe",
    "Thanks for signing up!",
    "SEE MORE:",
    "Also see:",
    "DON'T MISS",
    "Lea también: El puente reabre",
    "Lesen Sie auch",
    "7 years ago",
    "UPDATED: Tue., Nov. 19",
    "2024-03-05T09:14:00Z",
    "Lesezeit: 2 Minuten",
    "https://www.example.com/news/bridge-reopens",
    "newsdesk@example.com",
    "AFP / JOHN DOE",
    "Photograph: Jane Roe/Getty Images",
    "(AP Photo/Jane Roe)",
    "Story continues below advertisement",
    "toggle caption",
    "Leave a Reply Cancel reply",
    "Your email address will not be published. Required fields are marked *",
    # round 4: captions, metadata and labels of outlets outside the development set
    "Abbildung 4: Die alte Fähre im Trockendock, kurz vor dem Umbau auf Elektroantrieb.",
    "Figure 2. Traffic on the bridge by hour, before and after the repairs",
    "News date : 04/21/2024 Category : Press Releases",
    "05/03/2024 - Publicado por: Ana Souza - Categoria: Cidades - Tags: ponte, balsa",
    "Quelle: Landesregierung",
    "Video verfügbar bis 28.02.2025",
    "Verkehr | Blog | Brückenbau | Alles klar?",
    "(Alle Angaben ohne Gewähr)",
    "*Werbung. Dieser Beitrag enthält Werbung für eine Fährlinie.",
    "Weitere Informationen zum Brückenbau in Millbrook:",
    "Vorschau auf den nächsten Artikel",
    "Beiträge aus dem Forum",
    "Advertising disclosure: We may receive compensation for some of the links in this story.",
]


@pytest.mark.parametrize("line", FURNITURE)
def test_furniture_line_is_dropped_and_named(line):
    article = read_text(scrape(HEADLINE, BYLINE, STORY[0], line, *STORY[2:]))
    assert line not in spoken_body(article)
    assert line in [dropped.text for dropped in article.dropped]
    assert all(sentence in spoken_body(article) for sentence in [STORY[0], *STORY[2:]])


def test_teaser_titles_under_a_label_are_dropped():
    page = scrape(
        HEADLINE, BYLINE, STORY[0], "Lesen Sie auch", "Neue Brücke für Millbrook", "Staus im Zentrum", *STORY[2:]
    )
    body = spoken_body(read_text(page))
    assert "Neue Brücke" not in body and "Staus im Zentrum" not in body


def test_share_button_and_bracketed_link_label_are_cut_from_the_end_of_a_paragraph():
    quote = "A ferry is a bridge that moves, the captain likes to say."
    polish = "Prom wrócił na rzekę po sześciu latach przerwy, a pierwszy kurs odbył się we wtorek rano."
    body = spoken_body(
        read_text(
            scrape(HEADLINE, BYLINE, STORY[0], f"{quote} Click To Tweet", f"{polish} [czytaj więcej]", *STORY[2:])
        )
    )
    assert quote in body and "Click To Tweet" not in body
    assert polish in body and "czytaj" not in body


def test_share_label_inside_a_sentence_is_spoken():
    sentence = "The button under each quote said click to tweet, and the mayor's aides pressed it all morning."
    assert sentence in spoken_body(read_text(scrape(HEADLINE, BYLINE, STORY[0], sentence, *STORY[2:])))


def test_rights_and_source_lines_closing_the_story_are_its_credits():
    rights = "\u00a9 2024 Harbor Wire Service. All rights reserved. This material may not be redistributed."
    article = read_text(scrape(HEADLINE, BYLINE, *STORY[2:], "Quelle: dpa", rights))
    assert article.credits == ("Quelle: dpa", rights)
    assert spoken_body(article).endswith(STORY[-1])


def test_source_line_mid_story_is_furniture_not_a_credit():
    article = read_text(scrape(HEADLINE, BYLINE, STORY[0], "Source: County traffic office", *STORY[2:]))
    assert article.credits == ()
    assert ("Source: County traffic office", "source line") in [(d.text, d.rule) for d in article.dropped]


def test_photo_credit_cut_from_a_caption():
    caption = "Commuters cross the reopened bridge on Tuesday. (AP Photo/Jane Roe)"
    body = spoken_body(read_text(scrape(HEADLINE, BYLINE, STORY[0], caption, *STORY[2:])))
    assert "Commuters cross the reopened bridge on Tuesday." in body and "AP Photo" not in body


def test_last_gallery_caption_without_hide_caption_is_cut():
    paragraph = (
        "Photos: The bridge repairs Divers at work. Hide Caption 1 of 2 "
        "Photos: The bridge repairs The new girder is lifted into place by a floating crane, the largest ever "
        "brought up the river, while crews on both banks watch the cables and a tug holds the barge steady."
    )
    article = read_text(scrape(HEADLINE, BYLINE, STORY[0], paragraph, *STORY[2:]))
    assert "girder is lifted" not in spoken_body(article)


# ------------------------------------------------------------------------------------------------
# Text scrape header


def test_headline_ending_in_punctuation_is_found():
    headline = "OPINION: The bridge was a promise. Then came the barge."
    article = read_text(scrape(headline, *STORY))
    assert article.headline == headline


def test_by_the_numbers_is_not_a_byline():
    assert not is_byline("By the numbers: what the repairs cost")
    assert is_byline("By Dana Whitfield")
    article = read_text(scrape(HEADLINE, BYLINE, STORY[0], "By the numbers: what the repairs cost", *STORY[2:]))
    assert article.byline == "Dana Whitfield"  # names only (issue 15)
    assert "By the numbers: what the repairs cost" in spoken_body(article)


# ------------------------------------------------------------------------------------------------
# HTML: never less than trafilatura keeps


def html_page(body: str, head: str = '<meta charset="utf-8"><title>Bridge reopens</title>') -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body><article><h1>{HEADLINE}</h1>{body}</article></body></html>"


LONG = " ".join(STORY[2:])


def test_html_loose_text_after_a_heading_is_spoken():
    loose = "Loose text after the heading tells how the barge broke free of its tug in a storm last September."
    article = read_text(html_page(f"<p>{STORY[0]} {LONG}</p><h2>What happened</h2>{loose}<p>{STORY[6]}</p>"))
    assert loose in spoken_body(article)


def test_html_list_numbers_and_day_numbers_are_kept():
    page = html_page(
        f"<p>{STORY[0]} {LONG}</p><ol><li>Choose the right lane</li><li>Keep to the speed limit</li></ol>"
        f"<p>31. Oktober 2023 war der Tag, an dem die Arbeiten begannen, und alle waren da.</p><p>{STORY[6]}</p>"
    )
    body = spoken_body(read_text(page))
    assert "1. Choose the right lane" in body and "2. Keep to the speed limit" in body
    assert "31. Oktober 2023" in body


@pytest.mark.parametrize(
    ("opening", "place"), [("MADRID \u2014 ", "Madrid"), ("HANOI, Vietnam (AP) \u2014 ", "Hanoi, Vietnam")]
)
def test_html_dateline_place_is_spoken_as_a_lead_in(opening, place):
    article = read_text(html_page(f"<p>{opening}{STORY[0]}</p><p>{LONG}</p>"))
    assert article.dateline == place
    first = next(s for s in build_script(article, load_config()).segments if s.kind == "body")
    assert first.text == f"{place}. {STORY[0]}"


def test_dateline_as_its_own_segment_or_off():
    article = read_text(html_page(f"<p>MADRID \u2014 {STORY[0]}</p><p>{LONG}</p>"))
    config = load_config()
    own = build_script(article, replace(config, script=replace(config.script, dateline="segment")))
    assert [s.text for s in own.segments if s.kind == "body"][:2] == ["Madrid.", STORY[0]]
    off = build_script(article, replace(config, script=replace(config.script, dateline="off")))
    assert next(s.text for s in off.segments if s.kind == "body") == STORY[0]


def test_html_repeated_heading_keeps_its_first_copy():
    page = html_page(f"<h2>The cost</h2><p>{STORY[0]}</p><h2>The cost</h2><p>{LONG}</p>")
    headings = [block.text for block in read_text(page).blocks if block.kind == "heading"]
    assert headings.count("The cost") >= 1


def test_html_table_skipped_with_a_note_or_read_by_rows():
    table = "<table><tr><th>Year</th><th>Cars a day</th></tr><tr><td>2023</td><td>30,000</td></tr></table>"
    article = read_text(html_page(f"<p>{STORY[0]} {LONG}</p>{table}<p>{STORY[6]}</p>"))
    config = load_config()
    noted = [s.text for s in build_script(article, config).segments]
    assert config.script.table_note in noted and "2023, 30,000" not in noted
    rows = build_script(article, replace(config, script=replace(config.script, tables="rows")))
    assert [s.text for s in rows.segments if s.block == "table"] == ["Year, Cars a day", "2023, 30,000"]


@pytest.mark.parametrize(
    "prefix",
    [
        "<style>" + "body { color: #333; } .ad { display: none; }\n" * 120 + "</style>\n",
        "<!-- saved from url=(0042)https://news.example.com/ -->\n" + "<!-- cached page -->\n" * 250,
        "PHP Warning:  Undefined variable $ad in /var/www/html/header.php on line 12\n<br />\n",
    ],
)
def test_html_recognised_whatever_comes_first(prefix):
    page = prefix + html_page(f"<p>{STORY[0]} {LONG}</p>")
    assert looks_like_html(page)
    body = spoken_body(read_text(page))
    assert STORY[0] in body and "color" not in body


def test_plain_text_is_not_taken_for_html():
    assert not looks_like_html(scrape(HEADLINE, *STORY))


def test_declared_utf8_is_honoured_despite_a_stray_byte():
    text = "Caf\u00e9 owners on the bridge said the r\u00e9opening was a relief. " * 20
    data = html_page(f"<p>{text}</p>").encode("utf-8").replace(b"relief. ", b"relief\xff ", 1)
    decoded = decode(data, "page")
    assert "Caf\u00e9 owners" in decoded and "r\u00e9opening" in decoded


def test_declared_charset_is_used_before_guessing():
    text = "\u041c\u043e\u0441\u0442 \u043e\u0442\u043a\u0440\u044b\u0442."  # a short Cyrillic line
    data = html_page(
        f"<p>{text}</p>", head='<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
    )
    assert text in decode(data.encode("cp1251"), "page")


# ------------------------------------------------------------------------------------------------
# Say what was dropped


def test_dropped_accounts_for_every_unit_of_a_scrape():
    page = scrape(
        "Menu",
        "Breaking News",
        HEADLINE,
        BYLINE,
        DATE_LINE,
        "Story highlights",
        "The bridge carries 30,000 cars a day",
        STORY[0],
        "Advertisement",
        *STORY[2:],
        "Sign up for our morning newsletter and get the news straight to your inbox.",
        "\u00a9 2024 Millbrook Media. All rights reserved.",
    )
    article = read_text(page)
    header_units = [article.headline, article.byline, article.date]
    accounted = len(header_units) + len(article.highlights) + len(article.blocks) + len(article.credits)
    assert accounted + len(article.dropped) == len(split_units(page))
    rules = {dropped.text: dropped.rule for dropped in article.dropped}
    assert rules["Advertisement"] == "banner" and rules["Story highlights"] == "highlights label"


# ------------------------------------------------------------------------------------------------
# Negative corpus: story paragraphs (written for this test) wrapped in furniture keep every sentence

CORPUS = [
    "Watch crews began lifting the first of the new girders shortly after midnight, when traffic was lightest.",
    "Follow-up inspections found no cracks in the other piers, the state transportation department said.",
    "Related work on the approach ramps, which was delayed by a dispute over permits, is due to finish in May.",
    "Share prices of the barge operator fell 4 percent on Tuesday after the county said it would seek damages.",
    "Subscribers to the county's text alerts were told about the closure four hours before the signs went up.",
    "The copyright on the original 1962 design drawings belongs to a firm that closed in the 1990s.",
    "Photo radar will be switched on along the bridge next month, and fines will start at $50, officials said.",
    "The mayor, who was elected seven years ago on a promise to fix the bridge, called the reopening a relief.",
    "Residents can read the engineers' report at www.millbrook.example.gov or at the town library.",
    "Updated figures released on Monday showed that truck traffic fell by half while the bridge was closed.",
    "Die Brücke war nach dem Unfall sechs Monate lang gesperrt, und die Pendler mussten einen Umweg fahren.",
    "Lesen Sie die Meinung der Anwohner, sagte der Bürgermeister, bevor Sie über die Maut entscheiden.",
    "El puente volvió a abrir el martes, y los vecinos celebraron con música y comida en la plaza central.",
    "Lea también los comentarios de los ingenieros, dijo la alcaldesa, porque explican el retraso de las obras.",
    "Reporters who contributed to this coverage spent three nights with the crews on the river.",
    "Download times for the county's traffic camera feeds improved after the upgrade, the IT office said.",
]

FURNITURE_AROUND = [
    ["Menu", "Search", "Sign In", "Breaking News"],
    ["JUST WATCHED", "Crews lift a girder", "Replay", "More Videos ...", "MUST WATCH", "Crews lift a girder 02:10"],
    ["Advertisement"],
    ["Photos: The bridge repairs", "Divers at work under the bridge.", "Hide Caption", "1 of 8"],
    ["Follow @millbrooknews Follow @countyroads"],
    ["SEE MORE:", "Toll plans stall again", "Ferry service ends"],
    ["Story continues below advertisement"],
    ["Leave a Reply Cancel reply", "Your email address will not be published. Required fields are marked *"],
]


def test_negative_corpus_keeps_every_sentence():
    units = [HEADLINE, BYLINE, DATE_LINE]
    for index, paragraph in enumerate(CORPUS):
        units.append(paragraph)
        units.extend(FURNITURE_AROUND[index % len(FURNITURE_AROUND)])
    units.append("\u00a9 2024 Millbrook Media. All rights reserved.")
    article = read_text(scrape(*units))
    body = spoken_body(article)
    missing = [paragraph for paragraph in CORPUS if paragraph not in body]
    assert missing == []
    for furniture in (
        "JUST WATCHED",
        "Hide Caption",
        "@millbrooknews",
        "SEE MORE",
        "Toll plans stall",
        "Leave a Reply",
    ):
        assert furniture not in body


def test_build_warns_when_much_prose_was_dropped(tmp_path):
    from typer.testing import CliRunner

    from newscast.cli import app

    page = tmp_path / "mostly-repeats.txt"
    repeated = "Crews worked through the night on the river, lifting girders into place one by one."
    units = [HEADLINE, BYLINE, STORY[0]]
    for _ in range(3):
        units += ["Photos: The bridge repairs", repeated, "Hide Caption", "1 of 3"]
    units += ["A fourth sentence of real story text, short but enough to be spoken aloud."]
    page.write_text(scrape(*units), encoding="utf-8")
    config = tmp_path / "newscast.toml"
    config.write_text('[script]\nwarn_dropped = 0.1\n[speech]\nengine = "tone"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(page), "-o", str(tmp_path / "out.mp3"), "-c", str(config)])
    assert result.exit_code == 0, result.output
    assert "of the page's prose was dropped" in result.output
    listed = CliRunner().invoke(app, ["script", "--dropped", str(page)])
    assert listed.exit_code == 0 and f"[repeated] {repeated}" in listed.output


def test_html_links_inside_text_without_spaces_add_no_spaces():
    sentence = "\u5b50\u3069\u3082\u306e<a href='/a'>\u8650\u5f85</a>\u3092\u306a\u304f\u3059\u6cd5\u5f8b\u304c\u3067\u304d\u307e\u3057\u305f\u3002"
    other = "\u6a4b\u306f\u706b\u66dc\u65e5\u306e\u671d\u306b\u518d\u3073\u958b\u901a\u3057\u307e\u3057\u305f\u3002"
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>\u6a4b</title></head><body><article>"
        f"<h1>\u6a4b\u304c\u518d\u958b\u901a</h1><p>{sentence * 4}</p><p>{other * 6}</p><p>{other * 5}</p>"
        "</article></body></html>"
    )
    assert "\u5b50\u3069\u3082\u306e\u8650\u5f85\u3092" in spoken_body(read_text(page))
