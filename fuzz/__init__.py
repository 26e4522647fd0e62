"""Fuzz harnesses for every parser c2pa-verify owns (see fuzz/README.md)."""
