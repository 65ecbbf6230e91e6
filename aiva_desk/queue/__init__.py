"""The queue: windowed, SQL-sorted reading of tickets, and the saved and built-in views."""
