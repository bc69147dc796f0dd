"""Exports of an edition: W3C Web Annotations (JSON-LD) and EPUB 3."""
