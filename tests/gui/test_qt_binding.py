"""The Qt binding must not leak references: the app runs all day.

PySide6 6.12.0 on Python 3.11 lost a reference to None on every call returning
nothing and to True on every signal emit, until the interpreter aborted.
"""

import gc
import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(bool)


def test_calls_and_signals_do_not_leak_references(qapp):
    emitter = _Emitter()
    emitter.fired.connect(lambda _value: None)
    gc.collect()  # garbage of earlier tests, freed meanwhile, would drop the counts too
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(500):
        qapp.processEvents()
        emitter.fired.emit(True)
    gc.collect()
    # A little slack for unrelated objects created meanwhile; the bug lost 500+.
    assert sys.getrefcount(None) - none_before > -50
    assert sys.getrefcount(True) - true_before > -50
