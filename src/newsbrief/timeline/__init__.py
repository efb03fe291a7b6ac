"""Dates and timelines: publication dates, date expressions in text, events and what happened when."""
