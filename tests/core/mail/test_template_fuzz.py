"""Any text typed into the template editor either renders or is refused with one
line naming the template (and the line where Jinja knows it); values that look like
template syntax stay literal; no template can exhaust memory or time."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiva_desk import template_engine
from aiva_desk.mail.context import Signer
from aiva_desk.mail.message_templates import CATALOG, TemplateLibrary
from aiva_desk.mail.sample import sample_context
from aiva_desk.template_engine import TemplateProblem

FRAGMENTS = [
    "{{", "}}", "{%", "%}", "{#", "#}", "{{ ticket_number }}", "{{ nothing_here }}",
    "{% if %}", "{% endif %}", "{% for x in y %}", "{% endfor %}", "{% raw %}", "|upper",
    "|no_such_filter", "{{ 1/0 }}", "{{ ''.__class__ }}", "{{ range(10)|list }}", "Subject:",
    "Subject: Hi\n\n", "\n", "[[ gap ]]", "'", '"', "(", ")", "ß", "日本", "\U0001f600",
    "{% set a = 1 %}", "{{ a }}", "{% macro m() %}", "{% endmacro %}", "{% include 'x' %}",
    "{% extends 'y' %}", "{{ lipsum() }}", "{{ cycler }}", "{{ self }}", "\x00", "{{-", "-}}",
]  # fmt: skip
sources = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=20).map("".join),
    st.lists(st.sampled_from(FRAGMENTS), max_size=20).map(
        lambda parts: "Subject: A\n" + " ".join(parts)
    ),
)
FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def values(context) -> dict:
    return sample_context(context.db, Signer(name="Bea", email="bea@example.com"))


@FUZZ
@given(source=sources)
def test_any_template_text_renders_or_is_refused_in_one_line(context, values, source):
    library = TemplateLibrary(context.paths.templates)
    try:
        message = library.preview(CATALOG[0].key, source, values)
    except TemplateProblem as problem:
        text = str(problem)
        assert "\n" not in text.strip() and CATALOG[0].name in text
        assert "Traceback" not in text
        if problem.line is not None:
            assert f"line {problem.line}" in text
            assert 1 <= problem.line <= len(re.split(r"\r\n|\r|\n", source))  # Jinja's lines
    else:
        assert message.subject


PAYLOADS = [
    "{{ 7*7 }}",
    "{% for x in range(3) %}x{% endfor %}",
    "{{ ''.__class__.__mro__ }}",
    "{# comment #}",
    "{% raw %}",
    "[[ gap ]]",
]


@FUZZ
@given(payload=st.lists(st.sampled_from(PAYLOADS) | st.text(max_size=10), max_size=5).map("".join))
def test_values_are_never_parsed_as_template_syntax(payload):
    source = "Subject: {{ customer }}\n\nDear {{ customer }},\n{{ customer|upper }}"
    rendered = template_engine.render_source(source, "t.txt.j2", customer=payload)
    assert rendered == f"Subject: {payload}\n\nDear {payload},\n{payload.upper()}"


@pytest.mark.parametrize(
    "source",
    [
        "{{ 'x' * 10**10 }}",
        "{{ 'ab' * 999999999 }}",
        "{{ [1] * 10**9 }}",
        "{{ 9 ** 99999999 }}",
        "{{ (range(99999)|list) * 99999 }}",
    ],
)
def test_a_template_cannot_exhaust_memory_or_time(source):
    with pytest.raises(TemplateProblem, match=r"^The template t\.txt\.j2 could not be filled in"):
        template_engine.render_source("Subject: A\n\n" + source, "t.txt.j2")


def test_a_deeply_nested_template_is_refused_in_one_line():
    with pytest.raises(TemplateProblem) as raised:
        template_engine.render_source("{{ " + "(" * 2000 + "1" + ")" * 2000 + " }}", "t.txt.j2")
    assert "\n" not in str(raised.value)
