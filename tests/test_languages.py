"""An article's language: read from the page or guessed, carried through the script, and choosing the
normaliser's rules, the gTTS language and the voice; and a second voice for quotations."""

from __future__ import annotations

from urllib.parse import unquote

import numpy as np
import pytest
import responses
import soundfile

from newscast import EngineError, build_episode, build_script, load_config, read_article
from newscast.articles.language import declared_language, guess_language
from newscast.errors import ConfigError
from newscast.pipeline import speech_settings_for
from newscast.speech.text import quoted_parts

from .conftest import DATA, EXAMPLE_ARTICLE, ToneEngine
from .test_gtts import BATCH_URL, batchexecute_body, mp3_clip

FRENCH = DATA / "ferry-fr.txt"
GERMAN = DATA / "quarry-de.html"


def tone_voices(**voices):
    return load_config(overrides={"speech": {"engine": "tone", "voice": "300", "voices": voices}})


def dominant_frequency(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))])


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The council voted on Tuesday to restore the ferry, and the first crossing was made by the mayor.", "en"),
        ("Le conseil a voté mardi pour rétablir le bac, et la première traversée a été faite par le maire.", "fr"),
        (
            "Der Rat hat am Dienstag beschlossen, die Fähre wieder einzusetzen, und der Bürgermeister fuhr als erster.",
            "de",
        ),
        (
            "El consejo votó el martes para recuperar el ferry, y la primera travesía la hizo el alcalde de la ciudad.",
            "es",
        ),
        ("Ferry back", ""),  # too short to tell
    ],
)
def test_language_is_guessed_from_common_words(text, language):
    assert guess_language(text) == language


@pytest.mark.parametrize(
    ("html", "language"),
    [
        ('<!DOCTYPE html><html lang="fr-FR"><head>', "fr"),
        ("<html class='x' lang=de><body>", "de"),
        ('<html><head><meta http-equiv="Content-Language" content="es">', "es"),
        ('<html><head><meta property="og:locale" content="pt_BR">', "pt"),
        ("<html><head><title>x</title>", ""),
    ],
)
def test_the_page_declares_its_language(html, language):
    assert declared_language(html) == language


def test_articles_carry_their_language_into_the_script(tone_config):
    french, german, english = read_article(FRENCH), read_article(GERMAN), read_article(EXAMPLE_ARTICLE)
    assert (french.language, german.language, english.language) == ("fr", "de", "en")
    assert build_script(french, tone_config).language == "fr"
    assert build_script(german, tone_config).language == "de"


def test_the_declared_language_wins_over_the_guess():
    page = GERMAN.read_text(encoding="utf-8").replace('lang="de-DE"', 'lang="nl"')
    from newscast.articles import read_text

    assert read_text(page, "page.html").language == "nl"


@pytest.mark.parametrize(
    ("source", "language", "voice", "hertz"), [(FRENCH, "fr", "440", 440), (GERMAN, "de", "620", 620)]
)
def test_french_and_german_articles_route_to_their_language_and_voice(tmp_path, source, language, voice, hertz):
    config = tone_voices(fr="440", de="620")
    episode = build_episode(source, config, tmp_path / "out.mp3")
    assert {(v, lang) for v, lang, _ in ToneEngine.voices} == {(voice, language)}
    spoken = " ".join(ToneEngine.calls)
    assert "%" in spoken or "°C" in spoken  # the English rules left the text alone...
    assert "percent" not in spoken and "degrees" not in spoken  # ...and said nothing English
    samples, rate = soundfile.read(episode.path, dtype="float32")
    start, end = max(episode.timeline, key=lambda span: span[1] - span[0])  # the longest segment, away from the edges
    middle = samples[int((start + 0.1) * rate) : int((end - 0.1) * rate)]
    assert dominant_frequency(middle, rate) == pytest.approx(hertz, abs=8)


def test_an_english_article_keeps_the_main_voice_and_english_rules(tmp_path):
    build_episode(EXAMPLE_ARTICLE, tone_voices(fr="440"), tmp_path / "out.mp3")
    assert {(v, lang) for v, lang, _ in ToneEngine.voices} == {("300", "en")}


def test_a_voice_named_for_the_configured_language_is_used_too(tmp_path):
    build_episode(EXAMPLE_ARTICLE, tone_voices(en="520"), tmp_path / "out.mp3")
    assert {(v, lang) for v, lang, _ in ToneEngine.voices} == {("520", "en")}


def test_a_foreign_article_without_its_own_voice_says_so(tmp_path):
    settings, note = speech_settings_for("fr", tone_voices())
    assert settings.language == "fr" and settings.voice == "300"
    assert "[speech.voices]" in note and "'fr'" in note
    reports = []
    build_episode(FRENCH, tone_voices(), tmp_path / "out.mp3", on_progress=reports.append)
    assert any("names no voice for it" in report.message for report in reports if report.stage == "engine")


@pytest.mark.waits
@responses.activate
def test_gtts_speaks_a_french_article_in_french(tmp_path):
    responses.add(responses.POST, BATCH_URL, body=batchexecute_body(mp3_clip()))
    config = load_config(overrides={"speech": {"engine": "gtts"}})
    build_episode(FRENCH, config, tmp_path / "out.mp3")
    bodies = [unquote(call.request.body) for call in responses.calls]
    assert bodies and all('\\"fr\\"' in body for body in bodies), bodies[0]


def test_a_piper_voice_for_a_language_is_fetched_on_first_use_and_fails_clearly_offline(tmp_path):
    config = load_config(overrides={"speech": {"engine": "piper", "voices": {"fr": "fr_FR-siwis-medium"}}})
    with pytest.raises(EngineError, match=r"fr_FR-siwis-medium.*not downloaded.*newscast voices --download"):
        build_episode(FRENCH, config, tmp_path / "out.mp3")
    assert not (tmp_path / "out.mp3").exists()


@pytest.mark.parametrize(
    ("voices", "message"),
    [({"french": "x"}, "keys are language codes"), ({"fr": 3}, "must be a string")],
)
def test_bad_voice_tables_are_refused(voices, message):
    with pytest.raises(ConfigError, match=message):
        load_config(overrides={"speech": {"voices": voices}})


def test_bad_link_mode_is_refused():
    with pytest.raises(ConfigError, match=r"speech\.links"):
        load_config(overrides={"speech": {"links": "spell"}})


# -- quotations in a second voice ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "parts"),
    [
        (
            'The mayor said, "We will rebuild the pier."',
            [("The mayor said,", False), ("We will rebuild the pier.", True)],
        ),
        (
            "“It works,” she said, “and it is quiet.”",
            [("It works,", True), ("she said,", False), ("and it is quiet.", True)],
        ),
        ("« Nous voulions un bac », a-t-il dit.", [("Nous voulions un bac", True), (", a-t-il dit.", False)]),
        ("No quotation here.", [("No quotation here.", False)]),
    ],
)
def test_sentences_are_cut_at_their_quotation_marks(sentence, parts):
    assert quoted_parts(sentence) == parts


def test_quotations_are_spoken_in_the_second_voice_with_the_transcript_unchanged(tmp_path):
    article = tmp_path / "quote.txt"
    narration, quote = "The harbor master said, ", "We will sail again before the summer."
    article.write_text(
        "Ferry returns to the harbor\n\n"
        f'{narration}"{quote}" The first crossing is set for Monday morning.\n\n'
        "Tickets will cost the same as before the repairs.\n",
        encoding="utf-8",
    )
    episode = build_episode(article, tone_voices(quotes="800"), tmp_path / "out.mp3")
    assert ("800", "en", quote) in ToneEngine.voices
    assert ("300", "en", "The harbor master said") in ToneEngine.voices  # the trailing comma is no sound
    assert all(voice == "300" for voice, _, text in ToneEngine.voices if text != quote)
    cue = next(cue for cue in episode.cues if cue.text.startswith("The harbor master"))
    assert cue.text == f'{narration}"{quote}"'  # the transcript shows the sentence as written
    samples, rate = soundfile.read(episode.path, dtype="float32")
    said = len("The harbor master said") * 0.01  # the tone engine: 10 ms a character
    narrator_part = samples[int((cue.start + 0.03) * rate) : int((cue.start + said - 0.03) * rate)]
    quote_part = samples[int((cue.start + said + 0.05) * rate) : int((cue.end - 0.05) * rate)]
    assert dominant_frequency(narrator_part, rate) == pytest.approx(300, abs=10)
    assert dominant_frequency(quote_part, rate) == pytest.approx(800, abs=10)
    assert cue.end - cue.start == pytest.approx(said + len(quote) * 0.01, abs=0.02)


def test_without_a_quotes_voice_a_quotation_is_spoken_by_the_narrator_in_one_piece(tmp_path):
    article = tmp_path / "quote.txt"
    article.write_text('Ferry returns\n\nThe harbor master said, "We sail again." Tickets cost the same.\n')
    build_episode(article, tone_voices(), tmp_path / "out.mp3")
    assert 'The harbor master said, "We sail again."' in ToneEngine.calls
    assert {voice for voice, _, _ in ToneEngine.voices} == {"300"}


def test_an_all_numbers_list_item_builds(tmp_path, tone_config):
    # was ZeroDivisionError from initialisms_as_letters, raised out of `build`
    article = tmp_path / "seasons.txt"
    article.write_text(
        "Club lists its winning seasons\n\nThe club won the league in these seasons:\n\n"
        "\u2022 2015 2016 2017 2018\n\u2022 2021\n\nIt hopes to add another this year.\n",
        encoding="utf-8",
    )
    episode = build_episode(article, tone_config, tmp_path / "out.mp3")
    assert episode.duration > 1
    assert "twenty fifteen twenty sixteen twenty seventeen twenty eighteen" in ToneEngine.calls


@responses.activate
def test_a_language_the_engine_does_not_speak_falls_back_to_the_configured_one(tmp_path):
    # A page may declare (or the guess may find) a language gTTS has no voice for: the build must still speak it.
    page = tmp_path / "page.html"
    story = " ".join(["The harbour board met on Tuesday and agreed to keep the ferry running all winter."] * 6)
    page.write_text(f'<html lang="ast"><head><title>Ferry stays</title></head><body><h1>Ferry stays</h1>'
                    f"<p>{story}</p><p>{story}</p></body></html>", encoding="utf-8")  # fmt: skip
    responses.add(responses.POST, BATCH_URL, body=batchexecute_body(mp3_clip()))
    reports = []
    config = load_config(overrides={"speech": {"engine": "gtts"}})
    episode = build_episode(page, config, tmp_path / "out.mp3", on_progress=reports.append)
    assert episode.duration > 0
    bodies = [unquote(call.request.body) for call in responses.calls]
    assert bodies and all('\\"en\\"' in body for body in bodies)
    assert any("does not speak" in report.message for report in reports if report.stage == "engine")
