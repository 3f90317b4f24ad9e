"""The enums in models.py: one home for segment kinds, block kinds, progress stages and statuses."""

from __future__ import annotations

import json

import pytest

from newscast.config import SEGMENT_KINDS
from newscast.models import BlockKind, Segment, SegmentKind, SidecarStatus, Stage, Status, primary_language


def test_enum_values_serialise_as_the_same_strings():
    segment = Segment(SegmentKind.BODY, "Text.", 500, BlockKind.ITEM, story=2)
    assert (
        json.dumps(segment.to_dict())
        == '{"kind": "body", "text": "Text.", "pause_ms": 500, "block": "item", "story": 2}'
    )
    assert f"{Stage.SPEAK} {Status.FAILED} {SidecarStatus.STALE}" == "speak failed stale"


def test_script_order_lists_the_article_kinds_and_not_the_roundup_s_own():
    assert SEGMENT_KINDS == ("intro", "headline", "byline", "date", "highlights", "body", "credits", "outro")
    assert SegmentKind.TRANSITION not in SEGMENT_KINDS


@pytest.mark.parametrize(
    ("code", "primary"), [("en-US", "en"), ("en_GB", "en"), ("EN", "en"), (" fr ", "fr"), ("", "")]
)
def test_primary_language_is_one_rule_for_every_stage(code, primary):
    assert primary_language(code) == primary
