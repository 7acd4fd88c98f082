"""Scoring a build against gold annotations."""
