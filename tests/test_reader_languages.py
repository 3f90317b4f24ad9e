"""Bylines and date lines in the languages of the development set, read as header fields, never spoken
as headings; sentences that start with the same words stay body text."""

from __future__ import annotations

import pytest

from newscast import build_script, read_article, read_text
from newscast.articles import signals
from newscast.articles.byline import clean_byline, is_byline
from newscast.articles.dates import find_date, is_date_line
from newscast.articles.language import detect_language, guess_language

from .conftest import DATA

GERMAN_SCRAPE = """Gemeinde baut den alten Steinbruch zum Badesee um

Von Anna Berger und Jonas Keller

Veröffentlicht am 12. Oktober 2023

Der Gemeinderat hat am Dienstag beschlossen, den stillgelegten Steinbruch am Ortsrand in einen Badesee umzubauen.

Von Anfang an war klar, dass die Anwohner mitreden sollen. Die Arbeiten beginnen im Frühjahr und sollen zwei Jahre dauern.
"""

SPANISH_SCRAPE = """El puerto recupera su viejo transbordador con motor eléctrico

Por María López y Juan Pérez Gil

Publicado el 3 de marzo de 2022

El ayuntamiento volvió a poner en servicio el lunes el transbordador que cruzaba la bahía desde hace un siglo.

Por la mañana, los primeros pasajeros elogiaron el silencio del motor y la puntualidad de las salidas.
"""


def heading_texts(article, config) -> list[str]:
    return [segment.text for segment in build_script(article, config).segments if segment.kind == "heading"]


def test_french_byline_and_date_line_are_header_fields_not_headings(tone_config):
    article = read_article(DATA / "ferry-fr.txt")
    assert article.byline == "Claire Moreau"
    assert article.iso_date == "2017-03-06"
    assert heading_texts(article, tone_config) == []


@pytest.mark.parametrize(
    ("scrape", "byline", "iso_date", "kept"),
    [
        (GERMAN_SCRAPE, "Anna Berger and Jonas Keller", "2023-10-12", "Von Anfang an war klar, dass die Anwohner"),
        (SPANISH_SCRAPE, "María López and Juan Pérez Gil", "2022-03-03", "Por la mañana, los primeros pasajeros"),
    ],
)
def test_german_and_spanish_bylines_and_date_lines(tone_config, scrape, byline, iso_date, kept):
    article = read_text(scrape, "page.txt")
    assert (article.byline, article.iso_date) == (byline, iso_date)
    assert heading_texts(article, tone_config) == []
    assert any(block.text.startswith(kept) for block in article.blocks)


@pytest.mark.parametrize(
    "line",
    [
        "Par Claire Moreau",
        "Von Anna Berger",
        "Von Anna Berger, dpa",
        "Por María López y Juan Pérez",
        "Di Marco Rossi",
        "Por Ana Sousa e João Lima",
        "Door Pieter van den Berg",
        "By Dana Whitfield",
    ],
)
def test_bylines_in_several_languages(line):
    assert is_byline(line)


@pytest.mark.parametrize(
    "sentence",
    [
        "Par ailleurs, le maire a dit que le bac resterait gratuit pour les enfants.",
        "Von Anfang an war klar, dass die Anwohner mitreden sollen.",
        "Por la mañana, los pasajeros elogiaron el silencio del motor.",
        "Di notte il traghetto resta fermo in porto.",
        "Door de storm bleef de veerboot een week aan de kade.",
        "Von Berlin",  # a place, not a person's name
        "Par Claire Moreau et la rédaction ont enquêté pendant deux ans sur le port.",
    ],
)
def test_sentences_that_start_like_a_byline_are_not_bylines(sentence):
    assert not is_byline(sentence)


@pytest.mark.parametrize(
    ("printed", "names"),
    [
        ("Par Claire Moreau", "Claire Moreau"),
        ("Von Anna Berger und Jonas Keller, dpa", "Anna Berger and Jonas Keller"),
        ("Por María López y Juan Pérez", "María López and Juan Pérez"),
        ("Di Marco Rossi e Giulia Bianchi", "Marco Rossi and Giulia Bianchi"),
        ("Door Pieter van den Berg", "Pieter van den Berg"),
    ],
)
def test_foreign_bylines_keep_names_only(printed, names):
    assert clean_byline(printed)[0] == names


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("Publié le 6 mars 2017", "2017-03-06"),
        ("Mis à jour le 1er février 2020 à 10h30", "2020-02-01"),
        ("Veröffentlicht am 12. Oktober 2023", "2023-10-12"),
        ("Aktualisiert am 3. März 2021, 14:05 Uhr", "2021-03-03"),
        ("Publicado el 3 de marzo de 2022", "2022-03-03"),
        ("Aggiornato il 15 settembre 2019 alle 09:12", "2019-09-15"),
        ("Publicado em 7 de dezembro de 2018", "2018-12-07"),
        ("Gepubliceerd op 21 augustus 2020", "2020-08-21"),
    ],
)
def test_date_lines_in_several_languages(line, iso):
    assert is_date_line(line)
    assert find_date(line) == iso


@pytest.mark.parametrize(
    "sentence",
    [
        "Le bac, remis en service le 6 mars 2017, transporte déjà plus de passagers qu'avant.",
        "Der Gemeinderat hat am 12. Oktober 2023 beschlossen, den Steinbruch umzubauen.",
    ],
)
def test_a_sentence_holding_a_date_is_not_a_date_line(sentence):
    assert not is_date_line(sentence)


# -- one language detector ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "Il consiglio ha votato martedì per ripristinare il traghetto, e la prima traversata è stata fatta dal sindaco.",
            "it",
        ),
        (
            "O conselho votou na terça-feira para recuperar a balsa, e a primeira travessia foi feita pelo prefeito da cidade.",
            "pt",
        ),
        (
            "De raad heeft dinsdag besloten de veerboot weer in te zetten, en de burgemeester voer als eerste mee naar de overkant.",
            "nl",
        ),
        (
            "Rada miasta zdecydowała we wtorek, że prom wróci na rzekę, a pierwszy kurs odbył się jeszcze tego samego dnia.",
            "pl",
        ),
    ],
)
def test_the_guess_covers_the_languages_of_the_stoplists(text, language):
    assert guess_language(text) == language


def test_prose_detection_and_the_article_language_share_one_detector():
    text = FRENCH_BODY * 2
    assert detect_language(text) == guess_language(text) == "fr"
    assert signals.is_prose(FRENCH_BODY, detect_language(text))
    assert not signals.is_prose("Accueil Actualités Sports Culture Météo Contact Newsletter.", "fr")


def test_a_scrape_gets_the_language_of_its_text(tone_config):
    article = read_text(SPANISH_SCRAPE, "page.txt")
    assert article.language == "es"
    assert build_script(article, tone_config).language == "es"


FRENCH_BODY = (
    "La ville a remis en service lundi le bac qui traversait la rade depuis un siècle, après deux ans de travaux. "
)


def test_a_byline_glued_to_its_date_line_gives_both_fields():
    scrape = SPANISH_SCRAPE.replace("Juan Pérez Gil\n\nPublicado", "Juan Pérez Gil Publicado")
    article = read_text(scrape, "page.txt")
    assert (article.byline, article.iso_date) == ("María López and Juan Pérez Gil", "2022-03-03")


def test_a_japanese_scrape_with_english_furniture_keeps_its_paragraphs():
    # a paragraph of a script written without spaces is one "word" to str.split: it was read as a run of links
    paragraphs = [
        "\u30d5\u30a7\u30ea\u30fc\u304c\u516d\u5e74\u3076\u308a\u306b\u6e2f\u306b\u623b\u308a\u3001"
        "\u521d\u65e5\u306b\u767e\u4eba\u4ee5\u4e0a\u304c\u4e57\u8239\u3057\u307e\u3057\u305f\u3002",
        "\u8239\u9577\u306f\u3001\u65b0\u3057\u3044\u96fb\u6c17\u30a8\u30f3\u30b8\u30f3\u306f\u9759\u304b"
        "\u3060\u3068\u8a71\u3057\u307e\u3057\u305f\u3002",
        "\u5e02\u306f\u6765\u5e74\u3001\u4e8c\u96bb\u76ee\u306e\u8239\u3092\u8cfc\u5165\u3059\u308b"
        "\u4e88\u5b9a\u3067\u3059\u3002",
    ]
    page = ["\u30d5\u30a7\u30ea\u30fc\u304c\u6e2f\u306b\u623b\u308b"]
    for paragraph in paragraphs:
        page += [paragraph, "Menu", "Search", "Advertisement"]
    article = read_text("\n\n".join(page) + "\n")
    assert [block.text for block in article.blocks] == paragraphs
