"""PDF export: a write that fails leaves neither the file nor its temporary copy behind."""

from __future__ import annotations

import pytest

from aiva_desk.gui.reports import pdf as pdf_export


def test_a_pdf_is_written_in_place(qapp, tmp_path) -> None:
    target = tmp_path / "exports" / "report.pdf"
    assert pdf_export.html_to_pdf("<h1>Metrics</h1>", target, "Metrics") == 1
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in target.parent.iterdir()] == ["report.pdf"]


def test_a_failed_write_removes_the_temporary_file(qapp, tmp_path, monkeypatch) -> None:
    def refuse(_source, _target):
        raise PermissionError("the folder is read-only")

    monkeypatch.setattr(pdf_export.os, "replace", refuse)
    target = tmp_path / "exports" / "report.pdf"
    with pytest.raises(PermissionError):
        pdf_export.html_to_pdf("<h1>Metrics</h1>", target, "Metrics")
    assert list(target.parent.iterdir()) == []
