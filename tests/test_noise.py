"""Table-driven tests of each noise rule: (input, expected)."""

from __future__ import annotations

import pytest

from newscast.articles import noise

CLEANERS = [
    (noise.unescape_entities, "Maine&#39;s ferries &amp; boats", "Maine's ferries & boats"),
    (noise.unescape_entities, "&amp;quot;double&amp;quot;", '"double"'),
    (noise.unescape_entities, "no entities here", "no entities here"),
    (noise.strip_inline_tags, 'Some <a href="https://x.org/a">riders</a> said', "Some riders said"),
    (noise.strip_inline_tags, "line<br/>break", "line break"),
    (noise.strip_inline_tags, "5 < 6 and 7 > 2", "5 < 6 and 7 > 2"),
    (
        noise.strip_inline_video_player,
        "Crops failed. JUST WATCHED Frost explained Replay More Videos ... MUST WATCH Frost explained 00:57 "
        "Insurance pays.",
        "Crops failed. Insurance pays.",
    ),
    (
        noise.strip_inline_video_player,
        "JUST WATCHED Wind machines Replay More Videos ... MUST WATCH Wind machines 01:48",
        "",
    ),
    (noise.strip_inline_video_player, "She said to replay the tape.", "She said to replay the tape."),
    (
        noise.strip_inline_gallery,
        "Photos: Photos: Frost Frost – Ice on a branch. Hide Caption 1 of 2 Photos: Frost – Dawn. Hide Caption 2 of 2",
        "",
    ),
    (
        noise.strip_inline_gallery,
        "The vote passed. Photos: Vote night – Crowds. Hide Caption 1 of 1",
        "The vote passed.",
    ),
    (noise.strip_trailing_read_more, "The season ends in May. Read More", "The season ends in May."),
    (noise.strip_trailing_read_more, "Read More", "Read More"),
    (noise.split_glued_sentences, "engines are gone.In their place", "engines are gone. In their place"),
    (noise.split_glued_sentences, 'rode the crossing."She learned."', 'rode the crossing. "She learned."'),
    (noise.split_glued_sentences, 'a "quote."Next one', 'a "quote." Next one'),
    (noise.split_glued_sentences, "the U.S. and U.K. agreed", "the U.S. and U.K. agreed"),
    (noise.split_glued_sentences, "visit CNN.com today", "visit CNN.com today"),
    (noise.split_glued_sentences, "cost $4.2 million", "cost $4.2 million"),
    (noise.collapse_whitespace, "  a \t b\u00a0 c  ", "a b c"),
]


@pytest.mark.parametrize(("cleaner", "text", "expected"), CLEANERS)
def test_cleaner(cleaner, text, expected):
    assert noise.collapse_whitespace(cleaner(text)) == expected


PREDICATES = [
    (noise.is_video_player_text, "JUST WATCHED", True),
    (noise.is_video_player_text, "Replay", True),
    (noise.is_video_player_text, "More Videos ...", True),
    (noise.is_video_player_text, "MUST WATCH", True),
    (noise.is_video_player_text, "Old ferry, new engines 02:15", True),
    (noise.is_video_player_text, "Debates determine Super PAC spending? 03:21", True),
    (noise.is_video_player_text, "The vote is set for 10:30", False),
    (noise.is_video_player_text, "Voters replay the debate in their heads.", False),
    (noise.is_gallery_text, "Hide Caption", True),
    (noise.is_gallery_text, "3 of 20", True),
    (noise.is_gallery_text, "Photos: Harbor Queen through the years", True),
    (noise.is_gallery_text, "01 Harbor Queen02 Harbor Queen RESTRICTED03 Harbor Queen", True),
    (noise.is_gallery_text, "Image caption The ferry at dawn", True),
    (noise.is_gallery_text, "Three of the 20 crew members were hurt.", False),
    (noise.is_gallery_text, "In 2001 and 2002 the fleet grew.", False),
    (noise.is_prompt, "Sign up for our morning newsletter and get the news straight to your inbox.", True),
    (noise.is_prompt, "Chat with us in Facebook Messenger. Find out what's happening in the world.", True),
    (noise.is_prompt, "Share on Facebook Share on Twitter Email", True),
    (noise.is_prompt, "Follow us on Twitter", True),
    (noise.is_prompt, "The company said it would share its data with regulators.", False),
    (noise.is_prompt, "Facebook said it had removed the posts.", False),
    (noise.is_banner, "Breaking News", True),
    (noise.is_banner, "Advertisement", True),
    (noise.is_banner, "World | Science", True),
    (noise.is_banner, "Edition: U.S.", True),
    (noise.is_banner, "Live TV", True),
    (noise.is_banner, "Breaking the ice on the river took a week.", False),
    (noise.is_read_more, "Read More", True),
    (noise.is_read_more, "READ: Island ferries turn to batteries", True),
    (noise.is_read_more, "Related: How tides work", True),
    (noise.is_read_more, "Read more about it, she said, and you will understand.", False),
    (noise.is_graphic_link, "(Graphic: Oil output since 2010 - here)", True),
    (noise.is_graphic_link, "GRAPHIC: Where the ferries sail https://example.com/g", True),
    (noise.is_graphic_link, "The graphic designer said the map was here all along.", False),
    (noise.is_prompt, "Sign up here", True),
    (noise.is_read_more, "Read more: County budget sets aside money for new trails", True),
    (noise.is_gallery_text, "Media caption The minister spoke to reporters on Friday", True),
    (noise.is_gallery_text, "President Trump at the club last week. Credit...Anna Smith/The Daily", True),
    (noise.is_banner, "Related Topics", True),
    (noise.is_banner, "Continue reading the main story", True),
    (noise.is_copyright, "© 2017 Cable News Network. All Rights Reserved.", True),
    (noise.is_copyright, "The copyright case went to court.", False),
    (noise.is_copyright, "Copyright lawyers said the design drawings were fair game.", False),
    (noise.is_copyright, "Copyright 2024 Millbrook Media", True),
    (noise.is_prompt, "Follow @millbrooknews Follow @countyroads", True),
    (noise.is_prompt, "Join us, the mayor told the crowd on the bridge.", False),
    (noise.is_prompt, "Download speeds on the new app doubled last month.", False),
    (noise.is_prompt, "The newsletter now reaches 40,000 readers.", False),
    (noise.is_timestamp, "7 years ago", True),
    (noise.is_timestamp, "UPDATED: Tue., Nov. 19", True),
    (noise.is_timestamp, "2019-11-19T10:22:00Z", True),
    (noise.is_timestamp, "Lesezeit: 2 Minuten", True),
    (noise.is_timestamp, "5 min read", True),
    (noise.is_timestamp, "Seven years ago the bridge was new.", False),
    (noise.is_bare_address, "https://example.com/news/bridge", True),
    (noise.is_bare_address, "newsdesk@example.com", True),
    (noise.is_bare_address, "Residents can write to roads@example.gov until Friday.", False),
    (noise.is_photo_credit, "AFP / JOHN DOE", True),
    (noise.is_photo_credit, "Photograph: Jane Roe/Getty Images", True),
    (noise.is_photo_credit, "(AP Photo/Jane Roe)", True),
    (noise.is_photo_credit, "Input/output rose 4 percent, the agency said.", False),
    (noise.is_label, "Lesen Sie auch", True),
    (noise.is_label, "Lea también: El puente reabre", True),
    (noise.is_label, "Story continues below advertisement", True),
    (noise.is_label, "toggle caption", True),
    (noise.is_label, "Thanks for signing up!", True),
    (noise.is_label, "Related stories ran in three papers the next week.", False),
]


@pytest.mark.parametrize(("predicate", "text", "expected"), PREDICATES)
def test_predicate(predicate, text, expected):
    assert predicate(text) is expected


CONTEXT = [
    # caption repeated around gallery chrome: every copy goes
    (
        noise.repeated_units,
        ["Crew load bikes.", "Photos: Ferry", "Crew load bikes.", "Hide Caption", "2 of 12", "Real paragraph."],
        {0, 2},
    ),
    # a teaser and its HTML-escaped twin
    (noise.repeated_units, ["Maine&#39;s ferries go electric", "Maine's ferries go electric", "Body."], {1}),
    # a paragraph doubled by the scrape keeps its first copy
    (noise.repeated_units, ["The vote passed 5 to 4.", "Then it rained.", "The vote passed 5 to 4."], {2}),
    # a line the story repeats (a meal plan's daily line) keeps its copy away from gallery chrome
    (
        noise.repeated_units,
        ["Eat every 2 hours.", "Day two.", "Lunch is soup.", "Photos: Meals", "Eat every 2 hours.", "Hide Caption"],
        {4},
    ),
    # a video title sits between player chrome
    (noise.sandwiched_between_markers, ["JUST WATCHED", "Old ferry", "Replay"], {1}),
    (noise.sandwiched_between_markers, ["A paragraph.", "Another.", "Replay"], set()),
    # a list in the story (prose on both sides) stays; a menu at the page's edge goes
    (
        noise.navigation_lists,
        [
            "The bakery sold out of four things by noon on Saturday.",
            "- Flour",
            "- Sugar",
            "- Eggs",
            "- Butter",
            "Its owner said she would order twice as much next week.",
        ],
        set(),
    ),
    (noise.navigation_lists, ["- World", "- Business", "- Sport", "- Culture", "The story starts here."], {0, 1, 2, 3}),
    # titles under a teaser label
    (noise.teasers_under_label, ["Body.", "SEE MORE:", "Toll plans stall", "Ferry service ends", "More body."], {2, 3}),
    # the teaser a "Read More" link points at
    (noise.teasers_by_read_more, ["Body.", "Island ferries turn to batteries", "Read More", "What riders say"], {1}),
    # several short unpunctuated lines in a row are a block of links; one alone is a subheading
    (noise.teaser_runs, ["Body.", "Ferries go electric", "Tides explained", "More body."], {1, 2}),
    (noise.teaser_runs, ["Body.", "How the batteries work", "More body."], set()),
]


@pytest.mark.parametrize(("rule", "units", "expected"), CONTEXT)
def test_context_rule(rule, units, expected):
    assert rule(units) == expected


def test_clean_unit_runs_every_cleaner():
    text = "  Maine&#39;s <b>ferry</b> sailed.It was quiet. Read More "
    assert noise.clean_unit(text) == "Maine's ferry sailed. It was quiet."
