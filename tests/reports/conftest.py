"""A report with every part a command may use: all four plot kinds, tables with numbers, None, NaN and
text that must be escaped."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from ioi_agent.reports import (
    Report,
    Section,
    Table,
    rating_distribution,
    score_vs_submissions,
    subtask_heatmap,
    verdict_distribution,
)


def make_report() -> Report:
    ratings = np.random.default_rng(7).normal(1500, 350, 2000).round().tolist()
    return Report(
        title="IOI 2024 <simulation> & friends",
        subtitle='policy "o1-ioi", 50 submissions per task',
        command="ioi-agent contest problems/nile --rules ioi --pool `pool.jsonl`",
        created=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        metadata={"rules": "ioi", "policy": "o1-ioi"},
        sections=[
            Section(
                heading="Scores",
                text="Final scores per task.\n\nThe <b>oracle</b> is the best any selection could do.",
                items=["medal: bronze", "random (expected): 156.0 | 600"],
                tables=[
                    Table(
                        columns=["task", "score", "oracle", "submissions", "note"],
                        rows=[
                            ["nile", 100.0, 100.0, 7, None],
                            ["message", 33.3333, 79.5, 50, "a|b <i>"],
                            ["tree", float("nan"), 13.0, 0, "did not compile"],
                        ],
                        caption="Scores after the contest",
                        column_digits={"oracle": 1},
                    )
                ],
                figures=[
                    score_vs_submissions(
                        {
                            "random": [(1, 20.0), (5, 60.0), (50, 156.0)],
                            "o1-ioi": [(1, 50.0), (10, 180.0), (30, 213.0)],
                        },
                        600,
                        "Score against submissions",
                        lines={"oracle": 362.14, "gold": 359.71, "silver": 289.31, "bronze": 216.97},
                        caption="IOI 2024, six tasks",
                    ),
                    subtask_heatmap(
                        ["nile", "message", "tree"],
                        ["st1", "st2", "st3"],
                        [[1.0, 0.5, None], [0.29, 1.0, 0.0], [0.0, 0.0, 0.1]],
                        "Subtasks solved",
                    ),
                ],
            ),
            Section(
                heading="Rating & verdicts",
                tables=[
                    Table(columns=["method", "rating"], rows=[["codeelo", 1650.4], ["performance", 1702]])
                ],
                figures=[
                    rating_distribution(ratings, 1650.0, (1540.0, 1760.0), "Round 917 ratings"),
                    verdict_distribution(
                        {"AC": 12, "WA": 30, "TLE": 7, "CE": 1}, "Verdicts of all submissions"
                    ),
                ],
            ),
        ],
    )


@pytest.fixture
def report() -> Report:
    return make_report()
