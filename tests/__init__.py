"""AIVA Desk's tests: ``core/`` and ``gui/`` mirror the feature folders of ``aiva_desk/``
and ``aiva_desk/gui/``, ``project/`` checks the checkout as a whole, ``helpers/`` holds
what several test files share. Every folder is a package, so test files in different
folders may share a name (``core/queue/test_queue.py``, ``gui/queue/test_queue.py``)."""

import pytest

# The helpers' asserts explain their failures as the tests' do; this package is imported
# before any of them (fixture modules among them are loaded with ``pytest_plugins``).
pytest.register_assert_rewrite("tests.helpers")
