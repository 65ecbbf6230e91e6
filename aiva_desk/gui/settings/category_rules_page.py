"""Settings → Mail Rules: the keywords that guess a new mail's category, in order.

Each row is a keyword (edited in place: F2 or a double click) and the category it
guesses; Insert adds, Del removes, Alt+Up/Alt+Down move. "Try a subject" runs the rows as
they stand — applied or not — through the same matcher the intake uses
(:func:`aiva_desk.inbound.category_rules.first_matching_rule`). Nothing is stored until
:meth:`CategoryRulesPage.apply`, which saves the whole list in one transaction or, naming
the rule at fault, nothing. Below the rules: for how many days after closing a
customer's reply reopens a ticket (later, it opens a new ticket that names the old one).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.app_context import AppContext
from aiva_desk.errors import ValidationError
from aiva_desk.gui.common.forms import hint_label, problem_label
from aiva_desk.gui.common.icons import icon
from aiva_desk.inbound.category_rules import (
    RuleInput,
    first_matching_rule,
    list_rules,
    save_rules,
)

KEYWORD, CATEGORY = range(2)
FALLBACK = "General Question"
INTRO = (
    "A new e-mail's category is guessed from these keywords, tried from the top: the first "
    "one found in its subject or text (as whole words, in any case) wins. Without a match, "
    f"a category the mail names is taken, else {FALLBACK}. The guess is marked as such "
    "until the ticket is triaged."
)


MIN_REOPEN_DAYS, MAX_REOPEN_DAYS = 0, 365


class CategoryRulesPage(QWidget):
    """Edit the keyword → category rules as one ordered list.

    Signals:
        changed(): a rule was edited, added, removed or moved (not stored until apply()).
    """

    title = "Mail Rules"
    icon_name = "category"
    changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("categoryRulesPage")
        self.setAccessibleName("Mail rules")
        self._context = context
        self._categories: list[tuple[str, int]] = []
        self._loaded: list[RuleInput] = []
        self._filling = False

        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("categoryRulesTable")
        self.table.setAccessibleName("Keyword rules, tried from the top")
        self.table.setHorizontalHeaderLabels(["Keyword", "Category"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setToolTip("The order the rules are tried in")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(KEYWORD, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(CATEGORY, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(CATEGORY, 220)

        self.add_button = self._button(
            "addRuleButton", "&Add", "Add a rule below the selected one (Insert)"
        )
        self.remove_button = self._button(
            "removeRuleButton", "&Remove", "Remove the selected rule (Delete)"
        )
        self.up_button = self._button("moveRuleUpButton", "Move &Up", "Try it earlier (Alt+Up)")
        self.down_button = self._button(
            "moveRuleDownButton", "Move &Down", "Try it later (Alt+Down)"
        )
        self.problem = problem_label("categoryRulesProblem", self)

        self.try_edit = QLineEdit(self)
        self.try_edit.setObjectName("tryRulesEdit")
        self.try_edit.setAccessibleName("Try a subject")
        self.try_edit.setPlaceholderText("Type a subject or a sentence of a mail")
        self.try_edit.setClearButtonEnabled(True)
        self.try_result = QLabel(self)
        self.try_result.setObjectName("tryRulesResult")
        self.try_result.setWordWrap(True)
        try_label = QLabel("&Try a subject:", self)
        try_label.setBuddy(self.try_edit)
        self.reopen_spin = QSpinBox(self)
        self.reopen_spin.setObjectName("reopenDaysSpin")
        self.reopen_spin.setRange(MIN_REOPEN_DAYS, MAX_REOPEN_DAYS)
        self.reopen_spin.setSuffix(" days")
        self.reopen_spin.setAccessibleName("Days a closed ticket can be reopened by a reply")
        reopen_label = QLabel("A reply reopens a closed ticket for &up to", self)
        reopen_label.setBuddy(self.reopen_spin)
        reopen_after = QLabel("after it closed; later, it opens a new ticket naming the old.", self)

        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        try_row = QHBoxLayout()
        try_row.addWidget(try_label)
        try_row.addWidget(self.try_edit, 1)
        reopen_row = QHBoxLayout()
        reopen_row.addWidget(reopen_label)
        reopen_row.addWidget(self.reopen_spin)
        reopen_row.addWidget(reopen_after, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(INTRO, self))
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problem)
        layout.addLayout(try_row)
        layout.addWidget(self.try_result)
        layout.addSpacing(8)
        layout.addLayout(reopen_row)

        self.add_button.clicked.connect(lambda _checked=False: self.add_rule())
        self.remove_button.clicked.connect(lambda _checked=False: self.remove_rule())
        self.up_button.clicked.connect(lambda _checked=False: self.move_rule(-1))
        self.down_button.clicked.connect(lambda _checked=False: self.move_rule(1))
        for keys, slot in (
            (QKeySequence.StandardKey.Delete, self.remove_rule),
            (QKeySequence("Alt+Up"), lambda: self.move_rule(-1)),
            (QKeySequence("Alt+Down"), lambda: self.move_rule(1)),
            (QKeySequence("Insert"), self.add_rule),
        ):
            shortcut = QShortcut(keys, self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        self.table.itemChanged.connect(lambda _item: self._edited())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.try_edit.textChanged.connect(lambda _text: self._try())
        self.reopen_spin.valueChanged.connect(lambda _value: self._edited())
        self._update_buttons()

    def _button(self, name: str, text: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        return button

    # -- the protocol of a settings page ---------------------------------------------

    def load(self) -> None:
        """Show the stored rules (edits not applied are dropped)."""
        rules = list_rules(self._context.db)
        self._categories = [(c.name, c.id) for c in self._context.tickets.categories()]
        active = {category_id for _name, category_id in self._categories}
        self._filling = True
        try:
            self.table.setRowCount(0)
            for rule in rules:
                off = None if rule.category_id in active else (rule.category_name, rule.category_id)
                self._insert_row(self.table.rowCount(), rule.keyword, rule.category_id, off)
        finally:
            self._filling = False
        self._loaded = self.rules()
        self.reopen_spin.setValue(self._context.settings.reopen_days)
        self._say("")
        self._update_buttons()
        self._try()

    def apply(self) -> None:
        """Store the list; on a problem nothing is stored and its rule is selected."""
        self._commit_editor()
        rules = self.rules()
        try:
            save_rules(self._context.db, rules, actor=self._context.actor)
        except ValidationError as exc:
            key = next(iter(exc.problems), "0.keyword")
            self.table.selectRow(int(key.split(".", 1)[0]))
            self._say(" ".join(exc.problems.values()))
            raise
        if self.reopen_spin.value() != self._context.settings.reopen_days:
            self._context.settings.reopen_days = self.reopen_spin.value()
            self._context.save_settings()
        self.load()

    def is_dirty(self) -> bool:
        reopen_changed = self.reopen_spin.value() != self._context.settings.reopen_days
        return reopen_changed or self.rules() != self._loaded

    # -- reading the rows ----------------------------------------------------------

    def rules(self) -> list[RuleInput]:
        """The rows as they stand, top to bottom."""
        found = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, KEYWORD)
            combo = self.table.cellWidget(row, CATEGORY)
            assert isinstance(combo, QComboBox)
            found.append(RuleInput(item.text() if item else "", combo.currentData()))
        return found

    def category_combo(self, row: int) -> QComboBox:
        combo = self.table.cellWidget(row, CATEGORY)
        assert isinstance(combo, QComboBox)
        return combo

    def _selected_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    # -- edits ---------------------------------------------------------------------

    def _insert_row(
        self, row: int, keyword: str, category_id: int | None, off: tuple[str, int] | None = None
    ) -> None:
        self.table.insertRow(row)
        self.table.setItem(row, KEYWORD, QTableWidgetItem(keyword))
        combo = QComboBox(self.table)
        combo.setObjectName("ruleCategoryCombo")
        combo.setAccessibleName("Category the keyword guesses")
        for name, category_id_choice in self._categories:
            combo.addItem(name, category_id_choice)
        if off is not None:  # a switched-off category stays shown until the rule changes
            combo.addItem(icon("category"), f"{off[0]} (switched off)", off[1])
        combo.setCurrentIndex(max(combo.findData(category_id), 0))
        combo.currentIndexChanged.connect(lambda _index: self._edited())
        self.table.setCellWidget(row, CATEGORY, combo)

    def add_rule(self, keyword: str = "", category_id: int | None = None) -> int:
        """Add a rule below the selected one (start typing its keyword); return its row."""
        selected = self._selected_row()
        row = selected + 1 if selected >= 0 else self.table.rowCount()
        self._filling = True
        try:
            default = category_id if category_id is not None else self._fallback_id()
            self._insert_row(row, keyword, default)
        finally:
            self._filling = False
        self.table.selectRow(row)
        self.table.setFocus()
        if not keyword:
            self.table.editItem(self.table.item(row, KEYWORD))
        self._edited()
        return row

    def remove_rule(self) -> None:
        row = self._selected_row()
        if row < 0:
            return
        self.table.removeRow(row)
        if self.table.rowCount():
            self.table.selectRow(min(row, self.table.rowCount() - 1))
        self._edited()

    def move_rule(self, step: int) -> None:
        """Move the selected rule ``step`` places (−1 up, 1 down)."""
        row = self._selected_row()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        rules = self.rules()
        combo = self.category_combo(row)
        off = None
        if combo.currentData() not in {cid for _n, cid in self._categories}:
            off = (combo.currentText().removesuffix(" (switched off)"), combo.currentData())
        self._filling = True
        try:
            self.table.removeRow(row)
            self._insert_row(target, rules[row].keyword, rules[row].category_id, off)
        finally:
            self._filling = False
        self.table.selectRow(target)
        self._edited()

    def _commit_editor(self) -> None:
        """Take the keyword still being typed in place."""
        if self.table.state() != QAbstractItemView.State.EditingState:
            return
        editor = QApplication.focusWidget()
        if isinstance(editor, QLineEdit) and self.table.isAncestorOf(editor):
            self.table.commitData(editor)
            self.table.closeEditor(editor, QStyledItemDelegate.EndEditHint.NoHint)

    def _fallback_id(self) -> int | None:
        return next((cid for name, cid in self._categories if name == FALLBACK), None)

    def _edited(self) -> None:
        if self._filling:
            return
        self._say("")
        self._update_buttons()
        self._try()
        self.changed.emit()

    def _update_buttons(self) -> None:
        row, count = self._selected_row(), self.table.rowCount()
        self.remove_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def _try(self) -> None:
        """What the rows as they stand make of the subject typed in "Try a subject"."""
        text = self.try_edit.text()
        if not text.strip():
            self.try_result.setText("")
            return
        rules = self.rules()
        found = first_matching_rule(rules, text, "")
        if found is None:
            self.try_result.setText(f"No rule matches: a category the mail names, else {FALLBACK}.")
            return
        number = rules.index(found) + 1
        combo = self.category_combo(number - 1)
        self.try_result.setText(
            f"→ {combo.currentText()} (rule {number}, “{' '.join(found.keyword.split())}”)"
        )
