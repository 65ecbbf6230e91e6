"""Where AIVA Desk runs: its data folder, shipped files, log, user settings and self-test."""
