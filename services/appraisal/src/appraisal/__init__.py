"""Appraisal service (平时考核): weekly logs, monthly summaries, quarterly and annual appraisal."""
