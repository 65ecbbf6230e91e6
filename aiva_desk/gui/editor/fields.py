"""The editor's fields: one binding per editable ticket field, between a widget and a value.

A :class:`FieldBinding` reads and writes one ticket field in the widget the form
gives it, and knows how that widget represents a value (``normalize``), so a
freshly loaded ticket never counts as edited. Combo boxes keep string keys as
item data and convert them back to the field's type (enums, ids, booleans).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QDateTime, SignalInstance
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from aiva_desk.domain import ClosureReason, Consistency, Priority, Satisfaction, SolutionClass
from aiva_desk.gui.common.formatting import local_time, priority_text
from aiva_desk.gui.common.forms import child
from aiva_desk.gui.common.text_widgets import guard_wheel
from aiva_desk.tickets.service import clean_tags

TAGS = "tags"  # not a column: TicketService.update saves it with the fields

# Every field the editor edits, with the words used for it in messages and dialogs.
FIELD_LABELS: dict[str, str] = {
    "subject": "Subject",
    "category_id": "Category",
    "priority": "Priority",
    "sla_due_at": "SLA deadline",
    "assignee_id": "Assignee",
    TAGS: "Tags",
    "description": "Description",
    "expected_behavior": "Expected behavior",
    "actual_behavior": "Actual behavior",
    "reproduction_steps": "Reproduction steps",
    "can_reproduce": "Can reproduce",
    "reproduction_conditions": "Reproduction conditions",
    "started_when": "Started when",
    "consistency": "Consistency",
    "users_affected": "Users affected",
    "recent_changes": "Recent changes",
    "agent_ref": "Agent ID",
    "knowledge_base_ref": "Knowledge base ID",
    "browser": "Browser",
    "operating_system": "OS",
    "error_messages": "Error messages",
    "console_errors": "Console errors",
    "network_errors": "Network errors",
    "root_cause": "Root cause",
    "solution": "Solution",
    "steps_taken": "Steps taken",
    "verification": "Verification",
    "prevention": "Prevention",
    "customer_explanation": "What was wrong (for the customer)",
    "customer_fix": "What we fixed (for the customer)",
    "customer_steps": "What the customer needs to do",
    "customer_prevention": "How to avoid it (for the customer)",
    "solution_class": "Solution type",
    "customer_satisfied": "Customer satisfied",
    "added_to_kb": "Added to KB",
    "time_spent_minutes": "Time spent",
    "satisfaction_score": "Satisfaction score",
    "satisfaction_comment": "Customer's comment",
    "closure_reason": "Closure reason",
}
LINE_FIELDS = {
    "subject": "subjectEdit",
    "started_when": "startedWhenEdit",
    "users_affected": "usersAffectedEdit",
    "agent_ref": "agentRefEdit",
    "knowledge_base_ref": "knowledgeBaseRefEdit",
    "browser": "browserEdit",
    "operating_system": "operatingSystemEdit",
    "satisfaction_comment": "satisfactionCommentEdit",
}
TEXT_FIELDS = {
    "description": "descriptionEdit",
    "expected_behavior": "expectedEdit",
    "actual_behavior": "actualEdit",
    "reproduction_steps": "reproductionEdit",
    "reproduction_conditions": "conditionsEdit",
    "recent_changes": "recentChangesEdit",
    "error_messages": "errorMessagesEdit",
    "console_errors": "consoleErrorsEdit",
    "network_errors": "networkErrorsEdit",
    "root_cause": "rootCauseEdit",
    "solution": "solutionEdit",
    "steps_taken": "stepsTakenEdit",
    "verification": "verificationEdit",
    "prevention": "preventionEdit",
}
# The customer's wording of a resolution, with its placeholder hint. Its boxes are made
# here, beside the form, so they are fields from the start (drafts, conflicts, saving);
# the resolution panel's Communicate step shows them when it is first opened.
CUSTOMER_WORDING_FIELDS = {
    "customer_explanation": ("customerExplanationEdit", "Your account had run out of credits."),
    "customer_fix": ("customerFixEdit", "We added credits; your calls go through again."),
    "customer_steps": ("customerStepsEdit", "Nothing: it works again now."),
    "customer_prevention": (
        "customerPreventionEdit",
        "We now e-mail you before your balance runs out.",
    ),
}
NO_DEADLINE = QDateTime.fromSecsSinceEpoch(946684800)  # 2000-01-01: shown as "No deadline"
YES_NO = {True: "yes", False: "no"}
SCORE_TEXT = {5: "5 – Excellent", 4: "4 – Good", 3: "3 – Fair", 2: "2 – Poor", 1: "1 – Very poor"}


@dataclass
class FieldBinding:
    name: str
    widget: QWidget
    get: Callable[[], Any]
    set: Callable[[Any], None]
    normalize: Callable[[Any], Any]  # the value as this widget would give it back
    changed: SignalInstance

    @property
    def label(self) -> str:
        return FIELD_LABELS[self.name]


def _key(value: Any) -> str:
    """A combo box item key for any field value ("" is "not set")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES_NO[value]
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def _plain(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2029", "\n")


def _moment(value: Any) -> dt.datetime | None:
    """A deadline as the date edit keeps it: aware UTC, whole milliseconds."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    value = value.astimezone(dt.UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _line(name: str, widget: QLineEdit) -> FieldBinding:
    return FieldBinding(
        name,
        widget,
        widget.text,
        lambda v: widget.setText(_line_text(v)),
        _line_text,
        widget.textChanged,
    )


def _line_text(value: Any) -> str:
    return "" if value is None else str(value)


def _text(name: str, widget: QPlainTextEdit) -> FieldBinding:
    return FieldBinding(
        name,
        widget,
        widget.toPlainText,
        lambda v: widget.setPlainText(_plain(v)),
        _plain,
        widget.textChanged,
    )


def _combo(
    name: str,
    widget: QComboBox,
    options: Sequence[tuple[str, Any]],
    decode: Callable[[str], Any],
    missing: Callable[[Any], str] = lambda value: str(value),
) -> FieldBinding:
    """A combo box of ``options`` (text, value); unknown values get an item of their own."""
    widget.clear()
    for text, value in options:
        widget.addItem(text, _key(value))

    def get() -> Any:
        key = widget.currentData()
        return decode(key) if key else None

    def set_value(value: Any) -> None:
        key = _key(value)
        index = widget.findData(key)
        if index < 0:
            widget.addItem(missing(value), key)
            index = widget.count() - 1
        widget.setCurrentIndex(index)

    def normalize(value: Any) -> Any:
        key = _key(value)
        return decode(key) if key else None

    return FieldBinding(name, widget, get, set_value, normalize, widget.currentIndexChanged)


def _deadline(widget: QDateTimeEdit) -> FieldBinding:
    widget.setMinimumDateTime(NO_DEADLINE)
    widget.setDateTime(NO_DEADLINE)

    def get() -> dt.datetime | None:
        value = widget.dateTime()
        if value <= NO_DEADLINE:
            return None
        return dt.datetime.fromtimestamp(value.toMSecsSinceEpoch() / 1000, dt.UTC)

    def set_value(value: Any) -> None:
        moment = _moment(value)
        if moment is None:
            widget.setDateTime(NO_DEADLINE)
        else:
            widget.setDateTime(QDateTime.fromMSecsSinceEpoch(int(moment.timestamp() * 1000)))

    return FieldBinding(
        "sla_due_at", widget, lambda: _moment(get()), set_value, _moment, widget.dateTimeChanged
    )


def _wording_box(root: QWidget, object_name: str, hint: str, label: str) -> QPlainTextEdit:
    edit = QPlainTextEdit(root)
    edit.setObjectName(object_name)
    edit.setPlaceholderText(f"e.g. {hint}")
    edit.setAccessibleName(label)
    edit.setTabChangesFocus(True)  # Tab goes on to the next point
    edit.hide()  # until the resolution panel places it
    return edit


def bind_fields(root: QWidget) -> dict[str, FieldBinding]:
    """Every editable field of the editor form in ``root``, keyed by field name.

    The category and assignee lists are data: fill them with :func:`set_choices`.
    """
    bindings: dict[str, FieldBinding] = {}
    for name, object_name in LINE_FIELDS.items():
        bindings[name] = _line(name, child(root, QLineEdit, object_name))
    for name, object_name in TEXT_FIELDS.items():
        bindings[name] = _text(name, child(root, QPlainTextEdit, object_name))
    for name, (object_name, hint) in CUSTOMER_WORDING_FIELDS.items():
        bindings[name] = _text(name, _wording_box(root, object_name, hint, FIELD_LABELS[name]))

    def combo(name: str, object_name: str, options: Sequence[tuple[str, Any]], decode, missing=str):
        bindings[name] = _combo(name, child(root, QComboBox, object_name), options, decode, missing)

    combo(
        "category_id",
        "categoryCombo",
        [("No category", None)],
        int,
        lambda value: f"Category {value}",
    )
    combo(
        "assignee_id",
        "assigneeCombo",
        [("Unassigned", None)],
        int,
        lambda value: f"Staff member {value}",
    )
    combo(
        "priority",
        "priorityCombo",
        [("Not set", None), *((priority_text(p, long=True), p) for p in Priority)],
        lambda key: Priority(int(key)),
    )
    combo(
        "can_reproduce",
        "canReproduceCombo",
        [("Not tried yet", None), ("Yes", True), ("No", False)],
        lambda key: key == "yes",
    )
    combo(
        "consistency",
        "consistencyCombo",
        [
            ("Unknown", Consistency.UNKNOWN),
            ("Every time", Consistency.CONSISTENT),
            ("Intermittent", Consistency.INTERMITTENT),
        ],
        Consistency,
    )
    combo(
        "solution_class",
        "solutionClassCombo",
        [
            ("Not classified", None),
            ("Quick fix (< 5 min)", SolutionClass.QUICK),
            ("Standard (5–30 min)", SolutionClass.STANDARD),
            ("Complex (30–60 min)", SolutionClass.COMPLEX),
            ("Requires escalation", SolutionClass.ESCALATION),
        ],
        SolutionClass,
    )
    combo(
        "customer_satisfied",
        "customerSatisfiedCombo",
        [("Pending", Satisfaction.PENDING), ("Yes", Satisfaction.YES), ("No", Satisfaction.NO)],
        Satisfaction,
    )
    combo(
        "satisfaction_score",
        "satisfactionScoreCombo",
        [("Not scored", None), *((SCORE_TEXT[score], score) for score in range(5, 0, -1))],
        int,
    )
    combo(
        "closure_reason",
        "closureReasonCombo",
        [(reason.label, reason) for reason in ClosureReason],
        ClosureReason,
    )
    bindings["sla_due_at"] = _deadline(child(root, QDateTimeEdit, "dueEdit"))
    check = child(root, QCheckBox, "addedToKbCheck")
    bindings["added_to_kb"] = FieldBinding(
        "added_to_kb",
        check,
        check.isChecked,
        lambda v: check.setChecked(bool(v)),
        bool,
        check.toggled,
    )
    spin = child(root, QSpinBox, "timeSpentSpin")
    bindings["time_spent_minutes"] = FieldBinding(
        "time_spent_minutes",
        spin,
        spin.value,
        lambda v: spin.setValue(int(v or 0)),
        lambda v: int(v or 0),
        spin.valueChanged,
    )
    tags = child(root, QLineEdit, "tagsEdit")
    bindings[TAGS] = FieldBinding(
        TAGS,
        tags,
        lambda: sorted(clean_tags(tags.text().split(","))),
        lambda v: tags.setText(", ".join(sorted(clean_tags(v or [])))),
        lambda v: sorted(clean_tags(v or [])),
        tags.textChanged,
    )
    for binding in bindings.values():
        if isinstance(binding.widget, QComboBox | QAbstractSpinBox):
            guard_wheel(binding.widget)
    return bindings


def set_choices(binding: FieldBinding, options: Sequence[tuple[str, Any]]) -> None:
    """Refill a combo box field with ``options`` (text, value), keeping its value."""
    combo = binding.widget
    assert isinstance(combo, QComboBox)
    wanted = [(text, _key(value)) for text, value in options]
    if wanted == [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())]:
        return
    key, text = combo.currentData(), combo.currentText()
    blocked = combo.blockSignals(True)
    try:
        combo.clear()
        for option_text, option_key in wanted:
            combo.addItem(option_text, option_key)
        index = combo.findData(key) if key is not None else 0
        if index < 0:
            combo.addItem(text, key)
            index = combo.count() - 1
        combo.setCurrentIndex(index)
    finally:
        combo.blockSignals(blocked)


def ensure_choice(binding: FieldBinding, value: Any, text: str) -> None:
    """Make sure a combo box field offers ``value`` (e.g. an inactive category) as ``text``."""
    combo = binding.widget
    assert isinstance(combo, QComboBox)
    if value is not None and combo.findData(_key(value)) < 0:
        combo.addItem(text, _key(value))


def describe_value(binding: FieldBinding, value: Any) -> str:
    """A field value in words, as its widget names it (for the conflict dialog)."""
    if value is None or value == "" or value == []:
        return "(empty)"
    widget = binding.widget
    if isinstance(widget, QComboBox):
        index = widget.findData(_key(value))
        return widget.itemText(index) if index >= 0 else str(value)
    if isinstance(value, dt.datetime):
        return local_time(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if binding.name == TAGS:
        return ", ".join(value)
    if binding.name == "time_spent_minutes":
        return f"{value} min"
    return str(value)
