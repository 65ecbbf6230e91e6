"""Documentation hints follow the SOP's bad and good examples."""

import pytest

from aiva_desk.tickets.doc_quality import documentation_hints


@pytest.mark.parametrize(
    ("bad", "good"),
    [
        ("Restarted the service", "Restarted API service using: pm2 restart api"),
        ("Fixed configuration", "Changed max_tokens from 4096 to 1024 in agent settings"),
        (
            "User had wrong settings",
            "Knowledge Base Search was disabled. Enabled in Agent > Settings > Tools",
        ),
    ],
)
def test_the_sops_bad_examples_get_its_good_ones(bad, good):
    assert [hint.good_example for hint in documentation_hints(bad)] == [good]
    assert documentation_hints(good) == []


@pytest.mark.parametrize(
    "specific",
    [
        "Agent was not responding, status showed 'Active'",
        "API credits balance was $0.00",
        "Added $100 credits to tenant account",
        "Before: agent silent in Test Chat. After: agent now responding normally",
    ],
)
def test_the_sops_context_examples_pass(specific):
    assert documentation_hints(specific) == []


@pytest.mark.parametrize("vague", ["Checked stuff", "Looked into it", "Fixed it"])
def test_vague_entries_get_the_general_hint(vague):
    [hint] = documentation_hints(vague)
    assert hint.good_example is None and "Be specific" in hint.text


def test_empty_entries_get_no_hint():
    assert documentation_hints("   ") == []


@pytest.mark.parametrize(
    "next_step",
    [
        "None yet; confirming with billing.",
        "Waiting for the customer's HAR file",
        "Waiting on the customer’s screenshot of the widget",
        "Asked engineering whether the webhook retries",
        "Checking with the tenant admin",
        "Escalated to Tier 2",
    ],
)
def test_entries_naming_a_next_step_get_no_hint(next_step):
    assert documentation_hints(next_step) == []


@pytest.mark.parametrize(
    "vague",
    [
        "None",
        "none.",
        "tbd",
        "TBD",
        "n/a",
        "N/A",
        "checked",
        "looked into it",
        "Working on it",
        "Still investigating",
        "Looking into this further",
        "Nothing to add",
    ],
)
def test_placeholders_and_vague_progress_get_the_general_hint(vague):
    [hint] = documentation_hints(vague)
    assert "Be specific" in hint.text
