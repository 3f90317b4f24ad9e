"""Command line: flags -> Config -> one library call -> exit code. The only module that imports typer/rich."""

from __future__ import annotations

import gc
import json
import shutil
import sys
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import click
import typer
from rich.console import Console
from rich.markup import escape

from .config import Config, default_config_text, load_config, user_config_path
from .errors import ArticleError, ConfigError, InputError, NewscastError
from .models import Stage, Status

# The stages are imported inside the commands that use them: `--help`, `script` and `config` start in a few
# tenths of a second because they never load numpy, soundfile, mutagen, lxml or onnxruntime.
if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from .feed import FeedSettings
    from .pipeline import Progress as BuildProgress

EXIT_INTERRUPTED = 130

try:  # recent typer vendors its own copy of click: its parser raises that copy's exceptions, not click's
    from typer._click import exceptions as _click_errors
except ImportError:
    from click import exceptions as _click_errors  # type: ignore[no-redef]


class _Group(typer.core.TyperGroup):
    """Usage errors (a missing argument, an unknown option, an option without its value) end like every other
    error: one ``error:`` line naming the help to read, exit 2."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[misc]
        except _click_errors.UsageError as error:
            if isinstance(error, getattr(_click_errors, "NoArgsIsHelpError", ())) and error.ctx is not None:
                typer.echo(error.ctx.get_help())  # `newscast` alone: the help, as before
                sys.exit(error.exit_code)
            where = error.ctx.command_path if error.ctx else "newscast"
            typer.echo(f"error: {error.format_message()} (see `{where} --help`)", err=True)
            if not standalone_mode:
                raise
            sys.exit(error.exit_code)
        except _click_errors.ClickException as error:
            if not standalone_mode:
                raise
            error.show()
            sys.exit(error.exit_code)
        except typer.Abort:
            if not standalone_mode:
                raise
            typer.echo("aborted", err=True)
            sys.exit(1)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)


app = typer.Typer(
    name="newscast",
    cls=_Group,
    help="Turn news articles into podcast episodes.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: "[default: ...]" and "newscast[dask]" are text, not markup
    context_settings={"max_content_width": 120},
)
stderr = Console(stderr=True)


class _Command(typer.core.TyperCommand):
    """A command whose arguments show their metavar (ARTICLE, DIR) in --help, not a Python type (<list[str]>)."""

    def get_params(self, ctx: Any) -> list[Any]:  # typer vendors click: its own Context and Parameter
        params = super().get_params(ctx)
        for param in params:
            if isinstance(param, typer.core.TyperArgument) and param.metavar:
                param.__class__ = _Argument
        return params


class _Argument(typer.core.TyperArgument):
    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def get_usage_pieces(self, ctx: Any) -> list[str]:
        name = (self.metavar or "") + ("..." if self.nargs != 1 else "")
        return [name if self.required else f"[{name}]"]  # click's DIR / [ARTICLE]..., not {DIR}


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def _plain(text: object) -> str:
    """User text (titles, file names, messages) as rich prints it: markup escaped, on one line."""
    return escape(" ".join(str(text).splitlines()))


def _unexpected(error: BaseException) -> str:
    """The one line for an error that is not a NewscastError: a plugin's, a library's, a bug."""
    return (
        f"[bold red]error:[/] unexpected {_plain(type(error).__name__)}: {_plain(error)} "
        "(rerun with --debug to see the traceback, and please report it)"
    )


@contextmanager
def _reported_errors(debug: bool) -> Iterator[None]:
    """Every failure ends as one clean line and a known exit code; --debug adds the traceback."""
    try:
        yield
    except NewscastError as error:
        if debug:
            traceback.print_exc()
        stderr.print(f"[bold red]error:[/] {_plain(error)}", highlight=False, soft_wrap=True)
        raise typer.Exit(error.exit_code) from None
    except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
        raise
    except Exception as error:
        if debug:
            traceback.print_exc()
        stderr.print(_unexpected(error), highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        stderr.print("[bold red]interrupted[/]: nothing was written; a rerun resumes from the clip cache")
        raise typer.Exit(EXIT_INTERRUPTED) from None


def _overrides(**sections: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: {k: v for k, v in values.items() if v is not None} for name, values in sections.items()}


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"newscast {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an error.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    ctx.obj = {"debug": debug}


ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", metavar="FILE", help="TOML config file (see `newscast config`).")
]
# Options build and follow share, declared once.
EngineOption = Annotated[
    str | None, typer.Option("--engine", "-e", metavar="NAME", help="auto, piper, gtts or an installed plugin engine.")
]
VoiceOption = Annotated[
    str | None, typer.Option("--voice", metavar="VOICE", help="Engine voice (Piper: a name or an .onnx path).")
]
CacheDirOption = Annotated[
    Path | None, typer.Option("--cache-dir", metavar="DIR", help="Clip cache folder [default: the user cache dir].")
]
FeedOption = Annotated[
    bool, typer.Option("--feed", help="Then refresh feed.xml in the output folder (needs feed.base_url).")
]


@app.command(cls=_Command)
def script(
    ctx: typer.Context,
    articles: Annotated[
        list[str],
        typer.Argument(
            metavar="ARTICLE", help="Text scrapes, saved HTML pages, URLs, or - for stdin; one script each."
        ),
    ],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", metavar="text|json", help="Plain text or JSON segments.")
    ] = OutputFormat.text,
    config_path: ConfigOption = None,
    dropped: Annotated[
        bool, typer.Option("--dropped", help="List every unit of the page not spoken, and the rule that dropped it.")
    ] = False,
) -> None:
    """Print what would be spoken, without synthesising anything.

    Reads every kind of input build does: plain-text page scrapes, saved HTML pages, URLs (fetched) and - for
    standard input.
    """
    from .pipeline import script_for

    with _reported_errors(ctx.obj["debug"]):
        config = load_config(config_path)
        if dropped:
            _print_dropped(articles, output_format)
            return
        scripts = script_for(articles, config)
    if output_format is OutputFormat.json:
        payload: Any = scripts[0].to_dict() if len(scripts) == 1 else [item.to_dict() for item in scripts]
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        typer.echo("\n".join(item.to_text() for item in scripts), nl=False)


def _print_dropped(sources: list[str], output_format: OutputFormat) -> None:
    """What the reader threw away, unit by unit, with the rule's name: for checking and for bug reports."""
    from .articles import read_article

    found = [(source, read_article(source).dropped) for source in sources]
    if output_format is OutputFormat.json:
        payload = [{"source": s, "dropped": [{"rule": d.rule, "text": d.text} for d in ds]} for s, ds in found]
        typer.echo(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2, ensure_ascii=False))
        return
    for source, drops in found:
        typer.echo(f"# {source}: {len(drops)} units dropped")
        for drop in drops:
            typer.echo(f"[{drop.rule}] {drop.text}")


def _sources(articles: list[str] | None, from_list: Path | None) -> list[str]:
    """The articles named on the command line, then those in the --from-list file."""
    from .pipeline import read_source_list

    sources = [*(articles or []), *(read_source_list(from_list) if from_list else [])]
    if not sources:
        raise ArticleError("no article given: name one or more, or use --from-list FILE")
    return sources


def _check_feed(feed: bool, config: Config) -> None:
    if feed and not config.feed.base_url:
        raise ConfigError("--feed needs feed.base_url in the config (where the episodes are served from)")


@app.command(cls=_Command)
def build(
    ctx: typer.Context,
    articles: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="ARTICLE", help="Text scrapes, saved HTML pages, URLs or - (stdin). Several: a roundup."
        ),
    ] = None,
    from_list: Annotated[
        Path | None,
        typer.Option("--from-list", metavar="FILE", help="A text file of articles, one path or URL a line."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="MP3", help="MP3 to write [default: audio/<date>-<slug>.mp3]."),
    ] = None,
    engine: EngineOption = None,
    voice: VoiceOption = None,
    config_path: ConfigOption = None,
    cache_dir: CacheDirOption = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Synthesise every clip afresh.")] = False,
    feed: FeedOption = False,
    force: Annotated[
        bool, typer.Option("--force", help="Build even if the episode is up to date (same script and settings).")
    ] = False,
) -> None:
    """Build an MP3 episode from one article, or a roundup from several.

    Writes the MP3 with its transcript (.vtt) and chapters (.chapters.json) beside it.
    """
    from .pipeline import build_episode, cache_for
    from .speech.cache import NoCache

    with _reported_errors(ctx.obj["debug"]):
        config = load_config(config_path, _overrides(speech={"engine": engine, "voice": voice}))
        sources = _sources(articles, from_list)
        _check_feed(feed, config)
        to_stdout = output is not None and str(output) == "-"
        if to_stdout and feed:
            raise ConfigError("-o - streams the MP3 to standard output; it cannot go in a feed (drop --feed)")
        cache = NoCache() if no_cache else cache_for(config, cache_dir)
        with BuildDisplay(stderr) as report:
            if to_stdout:
                episode = _build_to_stdout(sources, config, cache, report)
            else:
                episode = build_episode(sources, config, output=output, cache=cache, on_progress=report, force=force)
        if feed:
            from .feed import write_feed

            feed_path = write_feed(episode.path.parent, feed_settings(config))
    minutes, seconds = divmod(round(episode.duration), 60)
    if episode.up_to_date:
        stderr.print(
            f"[bold]{_plain(episode.path)}[/] is up to date ({minutes}:{seconds:02d}): built from the same script "
            "and settings; --force builds it again",
            highlight=False,
            soft_wrap=True,
        )
    else:
        stderr.print(
            f"wrote [bold]{_plain('standard output' if to_stdout else episode.path)}[/] ({minutes}:{seconds:02d}, "
            f"{episode.segments} segments, {len(episode.chapters)} chapters, {_plain(episode.engine)})",
            highlight=False,
            soft_wrap=True,
        )
    if feed:
        stderr.print(f"updated [bold]{_plain(feed_path)}[/]", highlight=False, soft_wrap=True)


def _progress_bar(console: Console, label: str) -> Progress:
    """Build's and batch's bar: label, bar, done of total, time taken, time left; off when piped."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )  # fmt: skip

    return Progress(
        TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("eta"), TimeRemainingColumn(), console=console, transient=True,
        disable=not console.is_terminal,  # piped: no bar, and no blank line where it was
    )  # fmt: skip


class BuildDisplay:
    """A build's progress on the terminal: the engine decision first, then the segments spoken with an ETA,
    then the encoding. Piped (not a terminal) only the engine line is printed."""

    def __init__(self, console: Console) -> None:
        self.progress = _progress_bar(console, "{task.description}")
        self.task: TaskID | None = None

    def __enter__(self) -> BuildDisplay:
        self.progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.progress.stop()

    def __call__(self, event: BuildProgress) -> None:
        if event.stage == Stage.WARN:
            self.progress.console.print(escape(f"warning: {event.message}"), highlight=False, soft_wrap=True)
        elif event.stage == Stage.ENGINE:
            self.progress.console.print(escape(f"engine: {event.message}"), highlight=False, soft_wrap=True)
        elif event.stage == Stage.SPEAK:
            if self.task is None:  # known only now: no "0/?" while the engine is still being chosen
                self.task = self.progress.add_task("speaking", total=event.total)
            self.progress.update(self.task, completed=event.done, total=event.total)
        elif event.stage == Stage.ENCODE and self.task is not None:
            self.progress.update(self.task, description="encoding MP3")


def _build_to_stdout(sources: list[str], config: Config, cache: Any, report: Any) -> Any:
    """``-o -``: the MP3 (no sidecars) goes to standard output once it is complete, for a pipe."""
    from .pipeline import build_episode

    if sys.stdout.isatty():
        raise ConfigError("-o - writes the MP3 to standard output: pipe it somewhere, e.g. `-o - | mpv -`")
    with tempfile.TemporaryDirectory(prefix="newscast-") as folder:
        episode = build_episode(sources, config, output=Path(folder) / "episode.mp3", cache=cache, on_progress=report)
        with episode.path.open("rb") as mp3:
            shutil.copyfileobj(mp3, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    return episode


def feed_settings(config: Config, **overrides: str | None) -> FeedSettings:
    """The [feed] config, with command-line values on top."""
    from .feed import FeedSettings

    feed, show = config.feed, config.show
    values: dict[str, Any] = {
        **vars(feed),
        "title": feed.title or show.name,
        "author": feed.author or show.name,
        "image": feed.image or show.cover,
        "owner_name": feed.owner_name or feed.author or show.name,
    }
    values.update({key: value for key, value in overrides.items() if value is not None})
    return FeedSettings(**values)


@app.command("feed", cls=_Command)
def feed_command(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="The folder of episodes (and where feed.xml goes).")],
    base_url: Annotated[
        str | None, typer.Option("--base-url", metavar="URL", help="Where DIR is served from [default: feed.base_url].")
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", metavar="TEXT", help="The show's title [default: show.name].")
    ] = None,
    description: Annotated[
        str | None, typer.Option("--description", metavar="TEXT", help="The show's description.")
    ] = None,
    image: Annotated[
        str | None,
        typer.Option("--image", metavar="FILE", help="The show's image: square PNG or JPEG, RGB, 1400 to 3000 px."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Feed file [default: DIR/feed.xml].")
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """Write an RSS podcast feed over the episodes in a folder.

    The feed follows Apple's and the Podcast Standards Project's rules (PSP-1); its show details come from the
    [feed] section of the config. Episodes are listed newest first.
    """
    from .feed import read_items, write_feed

    with _reported_errors(ctx.obj["debug"]):
        config = load_config(config_path)
        settings = feed_settings(config, base_url=base_url, title=title, description=description, image=image)
        if not settings.base_url:
            raise ConfigError("the feed needs --base-url (or feed.base_url in the config)")
        path = write_feed(directory, settings, output)
    count = len(read_items(directory))
    stderr.print(f"wrote [bold]{escape(str(path))}[/] ({count} episodes)", highlight=False, soft_wrap=True)


@app.command(cls=_Command)
def serve(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="The folder of episodes to serve.")],
    host: Annotated[
        str,
        typer.Option(
            "--host", metavar="ADDRESS", help="Address to listen on; 0.0.0.0 for every device on your network."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", metavar="PORT", help="Port to listen on; 0 picks a free one.")] = 8000,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", metavar="URL", help="The URL the feed names [default: the address listened on]."),
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """Serve a folder of episodes to podcast apps on your network.

    Serves the feed, episodes, transcripts, chapters and cover with the HEAD and byte-range (206) answers
    podcast apps need. Writes DIR/feed.xml first if it is missing. Stop with Ctrl+C.
    """
    from .feed import feed_self_url, write_feed
    from .serve import listening_url, open_server

    with _reported_errors(ctx.obj["debug"]):
        config = load_config(config_path)
        server = open_server(directory, host, port)
        base = (base_url or listening_url(server)).rstrip("/")
        feed_path = directory / "feed.xml"
        if not feed_path.exists():
            write_feed(directory, feed_settings(config, base_url=base))
            stderr.print(f"wrote [bold]{escape(str(feed_path))}[/] for {escape(base)}", highlight=False, soft_wrap=True)
        elif not feed_self_url(feed_path).startswith(base + "/"):
            stderr.print(
                escape(f"note: {feed_path} points at {feed_self_url(feed_path) or 'another address'}; "
                       f"`newscast feed {directory} --base-url {base}` points it here"),
                highlight=False, soft_wrap=True,
            )  # fmt: skip
        stderr.print(
            escape(f"serving {directory} at {base}/ ; subscribe to {base}/feed.xml"), highlight=False, soft_wrap=True
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            stderr.print("stopped", highlight=False)
        finally:
            server.server_close()


@app.command(cls=_Command)
def batch(
    ctx: typer.Context,
    articles: Annotated[
        list[str] | None, typer.Argument(metavar="ARTICLE", help="Articles: paths or URLs, one episode each.")
    ] = None,
    out_dir: Annotated[
        Path, typer.Option("--out-dir", metavar="DIR", help="Where the episodes go.", show_default=True)
    ] = Path("audio"),
    from_list: Annotated[
        Path | None,
        typer.Option("--from-list", metavar="FILE", help="A text file of articles, one path or URL a line."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", metavar="ADDRESS", help="A Dask scheduler (tcp://host:8786) [default: a local cluster]."
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option("--workers", metavar="N", help="Local worker processes [default: the cores].", show_default=False),
    ] = 0,
    force: Annotated[bool, typer.Option("--force", help="Build again episodes that already exist.")] = False,
    feed: Annotated[bool, typer.Option("--feed", help="Then refresh feed.xml in the output folder.")] = False,
    config_path: ConfigOption = None,
    cache_dir: Annotated[
        Path | None, typer.Option("--cache-dir", metavar="DIR", help="Clip cache folder, shared by every worker.")
    ] = None,
) -> None:
    """Build one episode per article, in parallel on Dask.

    Needs the Dask extra: pip install 'newscast[dask]'.
    """
    from rich.table import Table

    from .batch import run_batch
    from .feed import write_feed

    with _reported_errors(ctx.obj["debug"]):
        config = load_config(config_path)
        sources = _sources(articles, from_list)
        if workers < 0:
            raise ConfigError(f"--workers must be 1 or more, got {workers}")
        _check_feed(feed, config)
        with _progress_bar(stderr, "articles") as progress:
            task = progress.add_task("articles", total=len(sources))
            results = run_batch(
                sources, out_dir, config, scheduler=scheduler or "", workers=workers, force=force,
                cache_dir=cache_dir, on_result=lambda result: progress.advance(task),
            )  # fmt: skip
        if feed:
            write_feed(out_dir, feed_settings(config))
    table = Table(title=escape(f"{len(results)} articles -> {out_dir}"), title_justify="left")
    for column in ("article", "duration", "seconds", "status"):
        table.add_column(column, justify="right" if column in ("duration", "seconds") else "left")
    for result in results:
        minutes, seconds = divmod(round(result.duration), 60)
        status = result.status if result.status != Status.FAILED else f"[red]failed[/]: {escape(result.reason)}"
        table.add_row(escape(result.title or result.source), f"{minutes}:{seconds:02d}" if result.duration else "",
                      f"{result.seconds:.1f}", status)  # fmt: skip
    stderr.print(table)
    failed = sum(result.status == Status.FAILED for result in results)
    if failed:
        stderr.print(f"[bold red]error:[/] {failed} of {len(results)} articles failed (the table says why)")
        raise typer.Exit(1)


@app.command(cls=_Command)
def follow(
    ctx: typer.Context,
    feeds: Annotated[
        list[str] | None,
        typer.Argument(metavar="FEED", help="RSS or Atom feeds, URLs or files [default: follow.feeds in the config]."),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out-dir",
            metavar="DIR",
            help="Where the episodes and the follow state go [default: follow.directory, else output.directory].",
        ),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", metavar="N", help="New items built this run at most, newest first.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help="Ignore items published before DATE (YYYY-MM-DD).")
    ] = None,
    roundup: Annotated[
        bool | None, typer.Option("--roundup/--no-roundup", help="One episode of all new items (a daily show).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Build again items already built.")] = False,
    feed: FeedOption = False,
    engine: EngineOption = None,
    voice: VoiceOption = None,
    config_path: ConfigOption = None,
    cache_dir: CacheDirOption = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", metavar="ADDRESS", help="A Dask scheduler (tcp://host:8786): the builds run there."
        ),
    ] = None,
) -> None:
    """Build episodes from the new items of news feeds; rerun it (from cron) to build only what is new."""
    from datetime import date

    from .follow import FollowOptions, default_directory
    from .follow import follow as follow_feeds

    with _reported_errors(ctx.obj["debug"]):
        config = load_config(config_path, _overrides(speech={"engine": engine, "voice": voice}))
        settings = config.follow
        if limit is not None and limit < 0:
            raise ConfigError(f"--limit must be 0 (no bound) or more, got {limit}")
        try:
            since_day = date.fromisoformat(since) if since else None
        except ValueError:
            raise ConfigError(f"--since must be a date such as 2026-01-31, got {since!r}") from None
        refresh = feed or settings.feed
        _check_feed(refresh, config)
        directory = out_dir or default_directory(config)
        options = FollowOptions(
            limit=settings.limit if limit is None else limit,
            since=since_day,
            roundup=settings.roundup if roundup is None else roundup,
            force=force,
            keep=settings.keep,
            delay=settings.delay,
            cache_dir=cache_dir,
            scheduler=scheduler or "",
            feed=feed_settings(config) if refresh else None,
        )
        result = follow_feeds(list(feeds or settings.feeds), directory, config, options, on_event=_report_follow)
    stderr.print(f"{escape(str(directory))}: {_follow_summary(result)}", highlight=False, soft_wrap=True)
    if result.feed_path is not None:
        stderr.print(f"updated [bold]{escape(str(result.feed_path))}[/]", highlight=False, soft_wrap=True)
    if result.failed:
        raise typer.Exit(1)


def _report_follow(event: Any) -> None:
    """One line on stderr per feed that failed and per item built, failed or skipped, as they happen."""
    from .follow import FeedResult

    if isinstance(event, FeedResult):
        if event.status == Status.FAILED:
            stderr.print(
                f"[red]feed failed[/]: {escape(event.source)}: {escape(event.reason)}", highlight=False, soft_wrap=True
            )
        return
    title = escape(event.title or event.key)
    if event.status == Status.BUILT:
        minutes, seconds = divmod(round(event.duration), 60)
        where = f"{escape(str(event.episode))} ({minutes}:{seconds:02d}, from the {event.source})"
        stderr.print(f"built {where}: {title}", highlight=False, soft_wrap=True)
    elif event.status == Status.FAILED:
        later = "given up" if event.given_up else "retried next run"
        stderr.print(f"[red]failed[/] ({later}): {title}: {escape(event.reason)}", highlight=False, soft_wrap=True)
    else:
        stderr.print(f"skipped: {escape(event.reason)}", highlight=False, soft_wrap=True)


def _follow_summary(result: Any) -> str:
    """A run in one line: feeds, items built into episodes, failed, skipped, left for later, removed."""
    built = sum(item.status == Status.BUILT for item in result.items)
    failed = sum(item.status == Status.FAILED for item in result.items)
    episodes = len({item.episode for item in result.items if item.status == Status.BUILT})
    unchanged = sum(feed_result.status == Status.UNCHANGED for feed_result in result.feeds)
    parts = [f"{len(result.feeds)} feeds ({unchanged} unchanged)", f"{built} items built in {episodes} episodes"]
    if failed:
        parts.append(f"{failed} failed")
    skipped = sum(item.status not in (Status.BUILT, Status.FAILED) for item in result.items)
    if skipped:
        parts.append(f"{skipped} skipped")
    if result.waiting:
        parts.append(f"{result.waiting} left for the next run (--limit)")
    if result.removed:
        parts.append(f"{len(result.removed)} old episodes removed")
    return ", ".join(parts)


@app.command(cls=_Command)
def info(
    ctx: typer.Context,
    episode: Annotated[Path, typer.Argument(metavar="MP3", help="An episode MP3.")],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", metavar="text|json", help="Plain text or JSON.")
    ] = OutputFormat.text,
) -> None:
    """Print an episode's duration, loudness, tags and chapters."""
    from .readback import read_info

    with _reported_errors(ctx.obj["debug"]):
        if not episode.is_file():
            raise InputError(f"no such file: {episode}")
        details = read_info(episode)
    if output_format is OutputFormat.json:
        typer.echo(json.dumps(details.to_dict(), indent=2, ensure_ascii=False))
        return
    minutes, seconds = divmod(details.duration, 60)
    loudness = "silent" if details.loudness == float("-inf") else f"{details.loudness:.1f} LUFS"
    lines = [
        f"file        {details.path}",
        f"duration    {int(minutes)}:{seconds:06.3f}",
        f"audio       {details.bitrate // 1000} kbit/s, {details.sample_rate} Hz, "
        + ("stereo" if details.channels == 2 else "mono"),
        f"loudness    {loudness}, true peak {details.true_peak:.1f} dBTP",
        *(f"{name:<12}{value}" for name, value in details.tags.items()),
        f"cover       {'yes' if details.cover else 'no'}",
        *(
            [f"sidecars    {', '.join(f'{name} {state}' for name, state in details.sidecars.items())}"]
            if details.sidecars
            else []
        ),
        f"chapters    {len(details.chapters)}",
        *(
            f"  {_clock(chapter['start'])} - {_clock(chapter['end'])}  {chapter['title']}"
            for chapter in details.chapters
        ),
    ]
    typer.echo("\n".join(lines))


def _clock(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:06.3f}"


@app.command(cls=_Command)
def voices(
    ctx: typer.Context,
    engine: Annotated[
        str | None,
        typer.Option("--engine", "-e", metavar="NAME", help="List this engine's voices only [default: every engine]."),
    ] = None,
    download: Annotated[
        str | None, typer.Option("--download", metavar="NAME", help="Download a Piper voice for offline use.")
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """List the voices each engine can speak with.

    Each voice is marked bundled, downloaded or downloadable.
    """
    from .speech import available_engines, list_voices
    from .speech.piper import voice_model_path

    with _reported_errors(ctx.obj["debug"]):
        config = load_config(config_path)
        if download:
            path = voice_model_path(download)
            stderr.print(
                f"voice [bold]{escape(download)}[/] is ready: {escape(str(path))}", highlight=False, soft_wrap=True
            )
            return
        names = [engine] if engine else sorted(available_engines())
        for name in names:
            listed, notes = list_voices(name, config.speech)
            for voice in listed:
                typer.echo(f"{name}\t{voice.name}\t{voice.language}\t{voice.status}")
            for note in notes:
                stderr.print(escape(f"{name}: {note}"), highlight=False, soft_wrap=True)


@app.command("config", cls=_Command)
def show_config(
    path: Annotated[bool, typer.Option("--path", help="Print where the user config file is read from.")] = False,
) -> None:
    """Print the default configuration, ready to copy and edit."""
    if path:
        typer.echo(str(user_config_path()))
    else:
        typer.echo(default_config_text(), nl=False)


def main() -> None:
    from .process import keep_freed_memory, quiet_blas

    keep_freed_memory()
    quiet_blas()
    try:
        app()
    except KeyboardInterrupt:  # raised outside a command, e.g. while importing engines
        stderr.print("[bold red]interrupted[/]")
        sys.exit(EXIT_INTERRUPTED)
    except Exception as error:  # the last net: outside a command's own reporting (printing its result...)
        if "--debug" in sys.argv[1:]:
            raise
        stderr.print(_unexpected(error), highlight=False, soft_wrap=True)
        sys.exit(1)
    finally:
        # The process ends next: a last cyclic collection over everything a build loaded (the voice, the audio
        # stack) would only delay the exit (0.07 s after a cold build); reference counting still frees it all.
        gc.freeze()
