"""annotated-reader: static, annotated reader editions of books.

The core package never imports mkdocs: `hooks/` adapt MkDocs events to it, so a
move to another static-site generator changes only the hooks and the config.
"""
__version__ = "0.1.0"
