"""What several test files share: the pinned clock, the throwaway PostgreSQL and SMTP
servers, fixture modules loaded with ``pytest_plugins`` and steps that drive the GUI."""
