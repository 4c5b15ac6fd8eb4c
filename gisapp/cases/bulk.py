"""CSV import and export of reports: rows checked here, then COPYed into the intake table.

The database applies every intake rule to each COPY at once (the bulk path, core/sql/45_intake_batch.sql),
held to the same answers as one report at a time by tests/cases/test_bulk.py.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gisapp.core.schema import CRSES, SOURCES
from gisapp.core.validation import check_lonlat

from .intake import MAX_DESCRIPTION, known_categories
from .read import EXPORT_COLUMNS, iter_export_rows

CHUNK = 50_000   # rows per COPY: one intake batch, one NOTIFY, one step of the progress bar
STAGING_COLUMNS = ["row_no", "client_ref", "category", "description", "source", "input_lon",
                   "input_lat", "input_crs", "reported_at"]


@dataclass
class ImportSummary:
    rows: int = 0
    inserted: int = 0
    already_present: int = 0
    assigned: int = 0
    snapped: int = 0
    unlocated: int = 0
    duplicates: int = 0   # cases given a possible-duplicate hint
    other_category: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)

    def reasons(self) -> Counter:
        return Counter(reason.split(":")[0] for _, reason in self.rejected)


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


def _coordinate(text: str | None):
    """The number in a CSV cell, or the raw text so check_lonlat can say what is wrong."""
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return text


BAD_TIME = object()   # a cell that holds text but no date-time
_OFFSET = r"(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$"


def parse_times(cells: pd.Series, tz: str) -> list:
    """Each cell as an ISO date-time (a time without an offset is read in `tz`), None when empty, or
    BAD_TIME. The column is parsed at once: one call per cell cost more than the COPY of a big file."""
    text = cells.astype("string").str.strip().fillna("")
    out = pd.Series([None] * len(text), index=text.index, dtype=object)
    given = text != ""
    aware = given & text.str.contains(_OFFSET, regex=True)
    for part, localise in ((aware, False), (given & ~aware, True)):
        if not part.any():
            continue
        parsed = pd.to_datetime(text[part], errors="coerce", utc=not localise, format="mixed")
        if localise and parsed.dt.tz is None:   # (a zone name the offset pattern missed is kept)
            parsed = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
        out[part] = [BAD_TIME if pd.isna(t) else t.isoformat() for t in parsed]
    return out.tolist()


def prepare_rows(frame: pd.DataFrame, lon_field: str, lat_field: str, crs: str, source: str,
                 categories: set[str], category_field: str | None, ref_field: str | None,
                 description_field: str | None, time_field: str | None, tz: str,
                 summary: ImportSummary) -> list[tuple]:
    """Validated staging rows; bad rows go to summary.rejected with a reason."""
    seen_refs: set[str] = set()
    rows = []
    times = parse_times(frame[time_field], tz) if time_field else [None] * len(frame)
    for number, rec in enumerate(frame.to_dict("records"), start=2):  # row 1 is the header
        lon, lat = _coordinate(_text(rec.get(lon_field))), _coordinate(_text(rec.get(lat_field)))
        problems = check_lonlat(lon, lat)
        if problems:
            kind = "no coordinates" if lon is None or lat is None else "bad coordinates"
            summary.rejected.append((number, f"{kind}: " + "; ".join(f"{f} {m}" for f, m in problems)))
            continue
        ref = _text(rec.get(ref_field)) if ref_field else None
        if ref is not None:
            if ref in seen_refs:
                summary.rejected.append((number, f"duplicate reference: {ref} appears earlier in the file"))
                continue
            seen_refs.add(ref)
        description = _text(rec.get(description_field)) if description_field else None
        raw_category = _text(rec.get(category_field)) if category_field else None
        category = raw_category if raw_category in categories else "other"
        if raw_category is not None and category == "other" and raw_category != "other":
            summary.other_category += 1
            description = f"[{raw_category}] {description or ''}".strip()
        when = times[number - 2]
        if when is BAD_TIME:
            summary.rejected.append((number, f"bad time: {_text(rec.get(time_field))[:40]!r} is not a date-time"))
            continue
        rows.append((number, ref, category, (description or "")[:MAX_DESCRIPTION], source,
                     lon, lat, crs, when))
    return rows


def import_csv(conn: Connection, path: Path, *, lon_field: str, lat_field: str, crs: str = "wgs84",
               source: str = "hotline", category_field: str | None = None, ref_field: str | None = None,
               description_field: str | None = None, time_field: str | None = None,
               tz: str = "UTC", progress: Callable[[int, int], None] | None = None) -> ImportSummary:
    """progress(done, total) is called as rows are inserted; `tz` is for times without an offset."""
    if crs not in CRSES:
        raise ValueError(f"crs must be one of {', '.join(CRSES)}")
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    wanted = [f for f in (lon_field, lat_field, category_field, ref_field, description_field, time_field) if f]
    missing = [f for f in wanted if f not in frame.columns]
    if missing:
        raise ValueError(f"no column {', '.join(map(repr, missing))} in {path.name}; "
                         f"columns are: {', '.join(frame.columns)}")
    summary = ImportSummary(rows=len(frame))
    rows = prepare_rows(frame, lon_field, lat_field, crs, source, known_categories(conn), category_field,
                        ref_field, description_field, time_field, tz, summary)

    # COPY into the intake table: its statement trigger applies every intake rule to each COPY at once
    # (core/sql/45_intake_batch.sql) and records what became of the rows in intake_batch.
    now, before = conn.execute(sa.text("SELECT now(), coalesce(max(id), 0) FROM intake_batch")).one()
    conn.execute(sa.text("SELECT set_config('gisapp.actor', 'import', true), "
                         "set_config('gisapp.action', 'report', true)"))
    raw = conn.connection.driver_connection  # psycopg 3, for COPY
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        with raw.cursor() as cur, cur.copy(f"COPY incident_intake ({', '.join(STAGING_COLUMNS)}) FROM STDIN") as copy:
            for row in chunk:
                copy.write_row(row if row[-1] is not None else (*row[:-1], now))
        if progress:
            progress(start + len(chunk), len(rows))
    counts = conn.execute(sa.text("""
        SELECT coalesce(sum(inserted), 0), coalesce(sum(assigned), 0), coalesce(sum(snapped), 0),
               coalesce(sum(unlocated), 0), coalesce(sum(duplicates), 0)
        FROM intake_batch WHERE txid = txid_current() AND id > :before"""), {"before": before}).one()
    summary.inserted, summary.assigned, summary.snapped, summary.unlocated, summary.duplicates = map(int, counts)
    summary.already_present = len(rows) - summary.inserted
    return summary


def write_rejects(path: Path, rejected: list[tuple[int, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["row", "reason"])
        writer.writerows(rejected)


def write_csv(conn: Connection, out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in iter_export_rows(conn):
        row["reported_at"] = row["reported_at"].isoformat()
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
        n += 1
    return n


def write_geojson(conn: Connection, out: IO[str]) -> int:
    """A FeatureCollection written feature by feature, so memory stays flat on big tables."""
    out.write('{"type": "FeatureCollection", "features": [\n')
    n = 0
    for row in iter_export_rows(conn):
        row["reported_at"] = row["reported_at"].isoformat()
        geometry = None if row["lon"] is None else {"type": "Point", "coordinates": [row["lon"], row["lat"]]}
        props = {k: v for k, v in row.items() if k not in ("lon", "lat")}
        out.write((",\n" if n else "") + json.dumps(
            {"type": "Feature", "id": row["id"], "geometry": geometry, "properties": props}, ensure_ascii=False))
        n += 1
    out.write("\n]}\n")
    return n
