"""Command line: flags -> Config -> one library call -> exit code. The only module that imports typer/rich."""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from . import __version__
from .config import Config, default_config_text, load_config, user_config_path
from .errors import ArticleError, ConfigError, NewscastError

# The stages are imported inside the commands that use them: `--help`, `script` and `config` start in a few
# tenths of a second because they never load numpy, soundfile, mutagen, lxml or onnxruntime.
if TYPE_CHECKING:
    from .feed import FeedSettings
    from .pipeline import Progress as BuildProgress

EXIT_INTERRUPTED = 130

app = typer.Typer(
    name="newscast",
    help="Turn news articles into podcast episodes.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
stderr = Console(stderr=True)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


@contextmanager
def _reported_errors(debug: bool) -> Iterator[None]:
    """Every failure ends as one clean line and a known exit code; --debug adds the traceback."""
    try:
        yield
    except NewscastError as error:
        if debug:
            traceback.print_exc()
        stderr.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        stderr.print("[bold red]interrupted[/]: nothing was written; a rerun resumes from the clip cache")
        raise typer.Exit(EXIT_INTERRUPTED) from None


def _overrides(**sections: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: {k: v for k, v in values.items() if v is not None} for name, values in sections.items()}


def _version(value: bool) -> None:
    if value:
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


ConfigOption = Annotated[Path | None, typer.Option("--config", "-c", help="TOML config file (see `newscast config`).")]


@app.command()
def script(
    ctx: typer.Context,
    articles: Annotated[list[str], typer.Argument(help="Article file(s): plain-text page scrapes.")],
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="text or json.")] = OutputFormat.text,
    config_path: ConfigOption = None,
) -> None:
    """Print what would be spoken, without synthesising anything."""
    from .pipeline import script_for

    with _reported_errors(ctx.obj["debug"]):
        config = load_config(config_path)
        scripts = script_for(articles, config)
    if output_format is OutputFormat.json:
        payload: Any = scripts[0].to_dict() if len(scripts) == 1 else [item.to_dict() for item in scripts]
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        typer.echo("\n".join(item.to_text() for item in scripts), nl=False)


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


@app.command()
def build(
    ctx: typer.Context,
    articles: Annotated[
        list[str] | None, typer.Argument(help="Article(s): text scrapes, saved HTML, URLs or -. Several: a roundup.")
    ] = None,
    from_list: Annotated[
        Path | None, typer.Option("--from-list", help="A text file of articles, one path or URL a line.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="MP3 to write [default: audio/<date>-<slug>.mp3].")
    ] = None,
    engine: Annotated[
        str | None, typer.Option("--engine", "-e", help="auto, piper, gtts or an installed plugin engine.")
    ] = None,
    voice: Annotated[str | None, typer.Option("--voice", help="Engine voice (Piper: a name or an .onnx path).")] = None,
    config_path: ConfigOption = None,
    cache_dir: Annotated[
        Path | None, typer.Option("--cache-dir", help="Clip cache folder [default: user cache dir].")
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Synthesise every clip afresh.")] = False,
    feed: Annotated[
        bool, typer.Option("--feed", help="Then refresh feed.xml in the output folder (needs feed.base_url).")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Build even if the episode is up to date (same script and settings).")
    ] = False,
) -> None:
    """Build one MP3 episode from an article, or a roundup episode from several."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .pipeline import build_episode, cache_for
    from .speech.cache import NoCache

    with _reported_errors(ctx.obj["debug"]):
        config = load_config(config_path, _overrides(speech={"engine": engine, "voice": voice}))
        sources = _sources(articles, from_list)
        _check_feed(feed, config)
        cache = NoCache() if no_cache else cache_for(config, cache_dir)
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=stderr,
            transient=True,
        ) as progress:
            task = progress.add_task("speaking", total=None)

            def report(event: BuildProgress) -> None:
                if event.stage == "engine":
                    progress.console.print(f"engine: {event.message}", highlight=False, soft_wrap=True)
                elif event.stage == "speak":
                    description = f"speaking {event.message}"
                    progress.update(task, completed=event.done, total=event.total, description=description)
                elif event.stage == "write":
                    progress.update(task, description="writing MP3")

            episode = build_episode(sources, config, output=output, cache=cache, on_progress=report, force=force)
        if feed:
            from .feed import write_feed

            feed_path = write_feed(episode.path.parent, feed_settings(config))
    minutes, seconds = divmod(round(episode.duration), 60)
    if episode.up_to_date:
        stderr.print(
            f"[bold]{episode.path}[/] is up to date ({minutes}:{seconds:02d}): built from the same script and "
            "settings; --force builds it again",
            highlight=False,
            soft_wrap=True,
        )
    else:
        stderr.print(
            f"wrote [bold]{episode.path}[/] ({minutes}:{seconds:02d}, {episode.segments} segments, "
            f"{len(episode.chapters)} chapters, {episode.engine})",
            highlight=False,
            soft_wrap=True,
        )
    if feed:
        stderr.print(f"updated [bold]{feed_path}[/]", highlight=False, soft_wrap=True)


def feed_settings(config: Config, **overrides: str | None) -> FeedSettings:
    """The [feed] config, with command-line values on top."""
    from .feed import FeedSettings

    values = {
        "base_url": config.feed.base_url,
        "title": config.feed.title or config.show.name,
        "description": config.feed.description,
        "author": config.feed.author or config.show.name,
        "image": config.feed.image or config.show.cover,
        "category": config.feed.category,
        "explicit": config.feed.explicit,
        "language": config.feed.language,
    }
    values.update({key: value for key, value in overrides.items() if value is not None})
    return FeedSettings(**values)


@app.command("feed")
def feed_command(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="The folder of episodes (and where feed.xml goes).")],
    base_url: Annotated[str | None, typer.Option("--base-url", help="Where DIR is served from.")] = None,
    title: Annotated[str | None, typer.Option("--title", help="The show's title [default: show.name].")] = None,
    description: Annotated[str | None, typer.Option("--description", help="The show's description.")] = None,
    image: Annotated[str | None, typer.Option("--image", help="The show's image (PNG or JPEG).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Feed file [default: DIR/feed.xml].")] = None,
    config_path: ConfigOption = None,
) -> None:
    """Write an RSS podcast feed over the episodes in a folder, newest first."""
    from .feed import read_items, write_feed

    with _reported_errors(ctx.obj["debug"]):
        config = load_config(config_path)
        settings = feed_settings(config, base_url=base_url, title=title, description=description, image=image)
        if not settings.base_url:
            raise ConfigError("the feed needs --base-url (or feed.base_url in the config)")
        path = write_feed(directory, settings, output)
    count = len(read_items(directory))
    stderr.print(f"wrote [bold]{path}[/] ({count} episodes)", highlight=False, soft_wrap=True)


@app.command()
def batch(
    ctx: typer.Context,
    articles: Annotated[list[str] | None, typer.Argument(help="Articles: paths or URLs.")] = None,
    out_dir: Annotated[Path, typer.Option("--out-dir", help="Where the episodes go.")] = Path("audio"),
    from_list: Annotated[
        Path | None, typer.Option("--from-list", help="A text file of articles, one path or URL a line.")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="A Dask scheduler (tcp://host:8786) [default: a local cluster].")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", help="Local worker processes [default: the cores].")] = 0,
    force: Annotated[bool, typer.Option("--force", help="Build again episodes that already exist.")] = False,
    feed: Annotated[bool, typer.Option("--feed", help="Then refresh feed.xml in the output folder.")] = False,
    config_path: ConfigOption = None,
    cache_dir: Annotated[
        Path | None, typer.Option("--cache-dir", help="Clip cache folder, shared by every worker.")
    ] = None,
) -> None:
    """Build one episode per article, in parallel on Dask (pip install 'newscast[dask]')."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from .batch import FAILED, run_batch
    from .feed import write_feed

    with _reported_errors(ctx.obj["debug"]):
        config = load_config(config_path)
        sources = _sources(articles, from_list)
        if workers < 0:
            raise ConfigError(f"--workers must be 1 or more, got {workers}")
        _check_feed(feed, config)
        with Progress(
            TextColumn("[bold]articles"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=stderr, transient=True,
        ) as progress:  # fmt: skip
            task = progress.add_task("articles", total=len(sources))
            results = run_batch(
                sources, out_dir, config, scheduler=scheduler or "", workers=workers, force=force,
                cache_dir=cache_dir, on_result=lambda result: progress.advance(task),
            )  # fmt: skip
        if feed:
            write_feed(out_dir, feed_settings(config))
    table = Table(title=f"{len(results)} articles -> {out_dir}", title_justify="left")
    for column in ("article", "duration", "seconds", "status"):
        table.add_column(column, justify="right" if column in ("duration", "seconds") else "left")
    for result in results:
        minutes, seconds = divmod(round(result.duration), 60)
        status = result.status if result.status != FAILED else f"[red]failed[/]: {result.reason}"
        table.add_row(result.title or result.source, f"{minutes}:{seconds:02d}" if result.duration else "",
                      f"{result.seconds:.1f}", status)  # fmt: skip
    stderr.print(table)
    if any(result.status == FAILED for result in results):
        raise typer.Exit(1)


@app.command()
def info(
    ctx: typer.Context,
    episode: Annotated[Path, typer.Argument(help="An episode MP3.")],
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="text or json.")] = OutputFormat.text,
) -> None:
    """Print an episode's duration, loudness, tags and chapters."""
    from .metadata import read_info

    with _reported_errors(ctx.obj["debug"]):
        if not episode.is_file():
            raise ArticleError(f"no such file: {episode}")
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


@app.command()
def voices(
    ctx: typer.Context,
    engine: Annotated[
        str | None, typer.Option("--engine", "-e", help="List this engine's voices only [default: every engine].")
    ] = None,
    download: Annotated[
        str | None, typer.Option("--download", metavar="NAME", help="Download a Piper voice for offline use.")
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """List the voices each engine can speak with: bundled, downloaded, downloadable."""
    from .speech import available_engines, list_voices
    from .speech.piper import voice_model_path

    with _reported_errors(ctx.obj["debug"]):
        config = load_config(config_path)
        if download:
            path = voice_model_path(download)
            stderr.print(f"voice [bold]{download}[/] is ready: {path}", highlight=False, soft_wrap=True)
            return
        names = [engine] if engine else sorted(available_engines())
        for name in names:
            listed, notes = list_voices(name, config.speech)
            for voice in listed:
                typer.echo(f"{name}\t{voice.name}\t{voice.language}\t{voice.status}")
            for note in notes:
                stderr.print(f"{name}: {note}", highlight=False, soft_wrap=True)


@app.command("config")
def show_config(
    path: Annotated[bool, typer.Option("--path", help="Print where the user config file is read from.")] = False,
) -> None:
    """Print the default configuration, ready to copy and edit."""
    if path:
        typer.echo(str(user_config_path()))
    else:
        typer.echo(default_config_text(), nl=False)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # raised outside a command, e.g. while importing engines
        stderr.print("[bold red]interrupted[/]")
        sys.exit(EXIT_INTERRUPTED)
