"""One reader of an episode's tags and sidecars: what `info`, the feed and `serve` see is the same."""

from __future__ import annotations

import pytest

from newscast import AudioError, build_episode
from newscast.feed import read_item
from newscast.readback import read_episode, read_info, stored_guid

from .conftest import EXAMPLE_ARTICLE


def test_info_and_the_feed_read_the_same_tags_and_sidecars(tmp_path, tone_config):
    episode = build_episode(EXAMPLE_ARTICLE, tone_config, output=tmp_path / "ep.mp3")
    stored = read_episode(episode.path)
    item, info = read_item(episode.path), read_info(episode.path)
    assert stored.title == item.title == info.tags["title"] == episode.title
    assert stored.guid == item.guid == stored_guid(episode.path) != ""
    assert stored.audio_id == episode.audio_id
    assert stored.sidecars == info.sidecars == {"transcript": "ok", "chapters": "ok"}
    assert item.transcript == episode.path.with_suffix(".vtt")
    assert [(c.title, c.start) for c in stored.chapters] == [(c["title"], c["start"]) for c in info.chapters]
    assert [c.title for c in stored.chapters] == [c.title for c in episode.chapters]
    assert item.duration == pytest.approx(stored.duration) and stored.duration == pytest.approx(
        episode.duration, abs=0.1
    )


def test_a_file_that_is_not_an_mp3_is_an_audio_error(tmp_path):
    path = tmp_path / "notes.mp3"
    path.write_text("not audio")
    with pytest.raises(AudioError, match="not a readable MP3"):
        read_episode(path)
    assert stored_guid(path) is None
