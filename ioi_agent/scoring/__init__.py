"""Scoring rules as small pure functions over per-test outcomes (CMS score types, Kattis groups, Codeforces)."""
