"""Hugging Face dataset references: parsing `hf:...`, opening a dataset from the hub or a local copy, and
writing a dataset problem out as a package folder in the cache.

Reference syntax (`hf:` then a dataset, then an optional selector after the last `:`):

- `hf:open-r1/ioi` (every IOI problem), `hf:open-r1/ioi:2024` (one year), `hf:open-r1/ioi:2024/nile`
  (one problem, by its `id`).
- `hf:open-r1/codeforces:2053` (one contest, by `contest_id`), `hf:open-r1/codeforces:2053/A` (one
  problem, by `index`).
- `hf:/path/to/copy[:selector]`: a local copy instead of a hub name: a `save_to_disk` folder (Dataset or
  DatasetDict) or a folder of parquet files (as `huggingface-cli download REPO --repo-type dataset
  --local-dir DIR` leaves it). Which dataset it is comes from its columns.

Where a hub name is read from: the hub when it answers (a TCP connect with a 3 s timeout, never when
`HF_HUB_OFFLINE=1`), else a local copy at `$IOI_AGENT_DATASETS/<owner>/<name>` (default
`<cache>/datasets/hub/<owner>/<name>`), else the `datasets` cache in offline mode; when none has it, one
error line. `HF_HUB_OFFLINE` is set for the process once the hub is found unreachable, so nothing waits on
the network afterwards.

Problems are written out (tests, graders, checkers) under `<cache>/datasets/<source>/<problem>-<digest>/<problem>/`
as an ordinary package folder named after the problem, built in a temporary sibling and renamed into place (atomic: a reader sees
the whole folder or none), and reused while the dataset rows are the same.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ioi_agent.errors import PackageError
from ioi_agent.files import atomic_write, unique_sibling

PREFIX = "hf:"
HUB_TIMEOUT_S = 3.0
INSTALL_FIX = "pip install 'ioi-agent[datasets]' (the Hugging Face `datasets` library)"
_hub_state: dict[str, bool] = {}


@dataclass(frozen=True)
class DatasetRef:
    """A parsed `hf:` reference: a hub name (`owner/name`) or a local folder, and a selector."""

    text: str  # as the user wrote it
    dataset: str  # hub name, or the local folder's path
    selector: tuple[str, ...]  # e.g. ("2024", "nile"), ("2053", "A"), or ()
    local: bool

    def with_selector(self, *parts: str) -> str:
        return f"{PREFIX}{self.dataset}:{'/'.join(parts)}" if parts else f"{PREFIX}{self.dataset}"


def is_reference(text: str | Path) -> bool:
    return str(text).startswith(PREFIX)


def parse_reference(text: str | Path) -> DatasetRef:
    raw = str(text)
    body = raw[len(PREFIX) :] if raw.startswith(PREFIX) else raw
    dataset, selector = body, ""
    # The selector follows the last colon; a hub name has none, a local path rarely does.
    if ":" in body:
        head, _, tail = body.rpartition(":")
        if head and re.fullmatch(r"[\w.\-]+(/[\w.\-]+)?", tail):
            dataset, selector = head, tail
    local = dataset.startswith(("/", ".", "~")) or Path(dataset).expanduser().exists()
    if not local and not re.fullmatch(r"[\w.\-]+/[\w.\-]+", dataset):
        raise PackageError(
            raw,
            "not a dataset reference",
            fix="write hf:OWNER/NAME[:SELECTOR] (e.g. hf:open-r1/ioi:2024) or hf:/path/to/local/copy",
        )
    if local:
        dataset = str(Path(dataset).expanduser().resolve())
    return DatasetRef(raw, dataset, tuple(p for p in selector.split("/") if p), local)


def require_datasets(ref: str) -> Any:
    """The `datasets` module, or one error line saying how to install it."""
    try:
        import datasets
    except ImportError:
        raise PackageError(ref, "the `datasets` library is not installed", fix=INSTALL_FIX) from None
    datasets.disable_progress_bars()
    return datasets


def cache_folder() -> Path:
    """Where dataset problems are written out; the judge's cache ($IOI_AGENT_CACHE) under datasets/."""
    default = Path("/var/cache/ioi-agent") if os.geteuid() == 0 else Path.home() / ".cache" / "ioi-agent"
    return Path(os.environ.get("IOI_AGENT_CACHE") or default) / "datasets"


def local_mirror(name: str) -> Path:
    base = os.environ.get("IOI_AGENT_DATASETS")
    return (Path(base) if base else cache_folder() / "hub") / name


def hub_reachable() -> bool:
    """Whether the hub answers a TCP connect within HUB_TIMEOUT_S (asked once per process). When it does
    not, HF_HUB_OFFLINE is set so `datasets` and `huggingface_hub` never wait on the network."""
    if "reachable" in _hub_state:
        return _hub_state["reachable"]
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on"):
        ok = False
    else:
        url = urlparse(os.environ.get("HF_ENDPOINT") or "https://huggingface.co")
        try:
            socket.create_connection(
                (url.hostname or "huggingface.co", url.port or 443), HUB_TIMEOUT_S
            ).close()
            ok = True
        except OSError:
            ok = False
    if not ok:
        _go_offline()
    _hub_state["reachable"] = ok
    return ok


def _go_offline() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_DATASETS_OFFLINE"] = "1"
    # Already imported modules read these once at import time.
    for module, attr in (
        ("datasets.config", "HF_HUB_OFFLINE"),
        ("huggingface_hub.constants", "HF_HUB_OFFLINE"),
    ):
        mod = sys.modules.get(module)
        if mod is not None and hasattr(mod, attr):
            setattr(mod, attr, True)


def open_local(folder: Path, ref: str, exclude: tuple[str, ...] = ()) -> Any:
    """A local copy as one Dataset: a `save_to_disk` folder (every split of a DatasetDict, concatenated)
    or the parquet files below `folder` (subfolders named in `exclude` skipped)."""
    ds = require_datasets(ref)
    if not folder.is_dir():
        raise PackageError(folder, "no such folder", fix="give the folder of a local dataset copy")
    if (folder / "dataset_dict.json").is_file() or (folder / "state.json").is_file():
        loaded = ds.load_from_disk(str(folder))
        if isinstance(loaded, ds.DatasetDict):
            return ds.concatenate_datasets([loaded[k] for k in sorted(loaded)]) if loaded else None
        return loaded
    files = sorted(
        str(p)
        for p in folder.rglob("*.parquet")
        if not any(part in exclude for part in p.relative_to(folder).parts[:-1])
    )
    if not files:
        raise PackageError(
            folder,
            "neither a save_to_disk folder nor parquet files",
            fix="save with Dataset.save_to_disk(DIR), or download the parquet files into DIR",
        )
    return ds.Dataset.from_parquet(files)


def open_hub(name: str, ref: str, config: str | None = None, split: str = "train+test") -> Any:
    """A hub dataset: from the hub when it answers, else a local mirror, else the datasets cache offline."""
    ds = require_datasets(ref)
    mirror = local_mirror(name)
    online = hub_reachable()
    if not online and mirror.is_dir():
        target = mirror / config if config and (mirror / config).is_dir() else mirror
        return open_local(target, ref, exclude=("generated_tests",))
    try:
        if config is None:
            return ds.load_dataset(name, split=split)
        return ds.load_dataset(name, name=config, split=split)
    except Exception as exc:  # datasets raises many kinds; each becomes the one line below
        where = "the hub" if online else "the Hugging Face hub is not reachable and"
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise PackageError(
            ref,
            f"cannot read {name}{f' ({config})' if config else ''}: {where} no local copy was found ({detail})",
            fix=f"on a machine with internet: huggingface-cli download {name} --repo-type dataset "
            f"--local-dir {mirror} (or use hf:/path/to/copy)",
        ) from None


def columns(dataset: Any) -> set[str]:
    return set(dataset.column_names) if dataset is not None else set()


def rows_where(dataset: Any, column: str, keep: Callable[[Any], bool]) -> Iterator[dict[str, Any]]:
    """The rows whose `column` passes `keep`, reading that column first so other rows are never decoded."""
    values = dataset[column]
    indices = [i for i, v in enumerate(values) if keep(v)]
    if indices:
        yield from dataset.select(indices)


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "dataset"


def digest(parts: Iterable[bytes | str]) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()[:16]


def materialize(folder: Path, name: str, files: dict[str, bytes | str], meta: dict[str, Any]) -> Path:
    """Write `files` (relative path -> content) as the package `folder/name` (the folder's name is the
    problem's name, as Kattis reads it), atomically: built in a sibling of `folder`, renamed into place;
    a `folder` already there (its name holds the rows' digest) is reused as it is."""
    target = folder / name
    if (folder / ".source.json").is_file() and target.is_dir():
        return target
    build = unique_sibling(folder, ".build")
    try:
        root = (build / name).resolve()
        for rel, content in files.items():
            path = (root / rel).resolve()
            if not path.is_relative_to(root):
                raise PackageError(folder, f"the dataset names a file outside the package: {rel!r}")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        atomic_write(build / ".source.json", json.dumps(meta, indent=1))
        try:
            os.rename(build, folder)
        except OSError:
            if not (folder / ".source.json").is_file():  # not another process's finished copy
                raise
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return target


def text(value: Any) -> str:
    return "" if value is None else str(value)
