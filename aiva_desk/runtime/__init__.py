"""Where AIVA Desk runs: its data folder and paths, shipped files, log and user settings."""
