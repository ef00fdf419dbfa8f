"""Benchmark and guard for the import's parsing stage: every file of ../shared/corpus parsed in
this one process through the function the import's workers run (``parsing._jobs_parse``, chunks
of ``parsing.CHUNK``, search text included).

    python bench/parse_profile.py                      # CPU seconds per post, by stage
    python bench/parse_profile.py --profile 30         # and cProfile's 30 costliest functions
    python bench/parse_profile.py --digests FILE       # write each file's outcome digest (JSON)
    python bench/parse_profile.py --compare FILE       # exit 1 when any outcome differs from FILE

A digest covers the whole outcome of a file (``repr`` of the ``LegacyPost`` or the
``ImportResult``: body, bylines, links, excerpt, search text, warnings ...), so comparing the
digests written before and after a change to the parsing code shows that no output moved.
Not a test: timings are printed, nothing is asserted (``--compare`` aside).
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import os
import pstats
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("MASTHEAD_CORPUS", REPO.parent / "shared" / "corpus"))
MTIME = datetime(2026, 1, 1, tzinfo=UTC)  # fixed: digests must not follow the checkout's times


def _jobs() -> list:
    from articles.services.importing.parsing import ParseJob
    from articles.services.importing.reading import content_digest

    jobs = []
    for path in sorted(p for p in CORPUS.rglob("*.md") if p.is_file()):
        raw = path.read_bytes()
        key = path.relative_to(CORPUS).as_posix()
        jobs.append(ParseJob(path=key, raw=raw, mtime=MTIME, digest=content_digest(raw)))
    return jobs


def _parse_all(jobs: list, *, index: bool) -> list:
    from articles.services.importing.parsing import CHUNK, _jobs_parse

    outcomes = []
    for start in range(0, len(jobs), CHUNK):
        outcomes.extend(_jobs_parse(jobs[start : start + CHUNK], index))
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print the N costliest functions")
    parser.add_argument("--digests", type=Path, help="write each file's outcome digest to this JSON file")
    parser.add_argument("--compare", type=Path, help="compare each file's outcome digest with this JSON file")
    parser.add_argument("--no-index", action="store_true", help="leave out the search text")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")  # parsing never touches it
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from articles.services.importing.reading import LegacyPost

    jobs = _jobs()
    index = not args.no_index
    profiler = cProfile.Profile() if args.profile else None
    started = time.process_time()
    if profiler is not None:
        profiler.enable()
    outcomes = _parse_all(jobs, index=index)
    if profiler is not None:
        profiler.disable()
    cpu = time.process_time() - started
    posts = sum(isinstance(outcome, LegacyPost) for outcome in outcomes)
    print(f"{len(jobs)} files ({posts} posts), search text {'on' if index else 'off'}")
    print(f"CPU: {cpu:.2f} s, {cpu / len(jobs) * 1000:.2f} ms a file")
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
    digests = {
        job.path: hashlib.sha256(repr(outcome).encode()).hexdigest()
        for job, outcome in zip(jobs, outcomes, strict=True)
    }
    if args.digests:
        args.digests.write_text(json.dumps(digests, indent=0, sort_keys=True))
        print(f"digests of {len(digests)} files written to {args.digests}")
    if args.compare:
        expected = json.loads(args.compare.read_text())
        differing = sorted(
            path for path in expected.keys() | digests.keys() if expected.get(path) != digests.get(path)
        )
        for path in differing[:20]:
            print(f"differs: {path}")
        print(f"{len(differing)} of {len(expected)} files differ from {args.compare}")
        return 1 if differing else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
