"""Progress: how a long import tells whoever watches how far it got, without printing anything itself.

Reading a 400-page PDF takes seconds; a terminal user should see it move, a
test or a pipe should see nothing. So the library only reports (done, total,
what) to the callback the caller installed with `reporting(...)`; the CLI
installs a progress bar when stderr is a terminal and nothing otherwise.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Callback = Callable[[int, int, str], None]
"""`callback(done, total, what)`, e.g. (120, 425, "pages")."""

_CURRENT: ContextVar[Callback | None] = ContextVar("reader_progress", default=None)


@contextmanager
def reporting(callback: Callback | None) -> Iterator[None]:
    """Send the progress of the work done inside the `with` block to `callback`."""
    token = _CURRENT.set(callback)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def report(done: int, total: int, what: str) -> None:
    """Tell the installed callback (if any) that `done` of `total` `what` are finished."""
    callback = _CURRENT.get()
    if callback is not None:
        callback(done, total, what)


def terminal_bar(stream) -> Callback | None:
    """A tqdm progress bar on `stream` when it is a terminal; None (stay quiet) for a pipe, a file, a test."""
    if not (hasattr(stream, "isatty") and stream.isatty()):
        return None
    import shutil

    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def update(done: int, total: int, what: str) -> None:
        bar = bars.get(what)
        if bar is None:
            bar = bars[what] = tqdm(total=total, unit=f" {what}", file=stream, leave=False,
                                     ncols=min(100, shutil.get_terminal_size().columns))
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update
