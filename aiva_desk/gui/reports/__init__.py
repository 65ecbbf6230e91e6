"""The Reports window: dashboard, charts, metrics table, weekly review, exports."""
