"""Surveyors and officers: work lists, progress, chase lists, flag/accept/review, reminders."""
