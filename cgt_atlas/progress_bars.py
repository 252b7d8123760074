"""Rich progress bars behind the Reporter interface; one bar per counter (pages, studies)."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cgt_atlas.progress import use_reporter


class BarReporter:
    def __init__(self) -> None:
        self.console = Console(stderr=True)
        self.progress = Progress(
            TextColumn("{task.description:<18}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )
        self.tasks: dict[str, int] = {}

    def advance(self, counter: str, amount: int = 1, total: int | None = None) -> None:
        if not self.tasks:  # the display starts with the first count: a run that fails before prints nothing
            self.progress.start()
        if counter not in self.tasks:
            self.tasks[counter] = self.progress.add_task(counter, total=total)
        task_id = self.tasks[counter]
        if total is not None:
            self.progress.update(task_id, total=total)
        self.progress.advance(task_id, amount)

    def note(self, message: str) -> None:
        self.progress.console.print(message)

    def stop(self) -> None:
        if self.tasks:
            self.progress.stop()

    def __enter__(self) -> BarReporter:
        self._previous = use_reporter(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        use_reporter(self._previous)
        self.stop()
