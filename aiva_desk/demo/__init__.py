"""Realistic demo data: the generator and the stories its tickets tell."""
