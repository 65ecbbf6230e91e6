"""The README states each quality metric's definition exactly as the app does."""

from aiva_desk.reports.metrics import METRICS
from tests.helpers.paths import REPO

README = REPO / "README.md"


def test_the_readme_carries_every_metric_definition():
    text = " ".join(README.read_text(encoding="utf-8").split())
    for metric in METRICS:
        assert f"**{metric.title}** — {metric.definition}" in text, metric.key
