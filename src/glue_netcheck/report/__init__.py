"""Renderers: each takes reports and returns a string. None of them prints or writes files."""
