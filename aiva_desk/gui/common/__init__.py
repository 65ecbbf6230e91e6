"""Widgets and helpers several screens share: forms, formatting, icons, theme, banners."""
