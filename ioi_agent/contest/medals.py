"""Medal cutoffs: the score a contestant needs for gold, silver and bronze (IOI 2024's by default)."""

from __future__ import annotations

from pydantic import BaseModel, model_validator

from ioi_agent.errors import IoiAgentError


class MedalCutoffs(BaseModel):
    gold: float = 359.71
    silver: float = 289.31
    bronze: float = 216.97
    source: str = "IOI 2024"

    @model_validator(mode="after")
    def _ordered(self) -> MedalCutoffs:
        if not self.gold >= self.silver >= self.bronze >= 0:
            raise ValueError("cutoffs must satisfy gold >= silver >= bronze >= 0")
        return self

    @classmethod
    def parse(cls, text: str) -> MedalCutoffs:
        """`GOLD,SILVER,BRONZE`, e.g. `359.71,289.31,216.97`."""
        try:
            gold, silver, bronze = (float(x) for x in text.split(","))
            return cls(gold=gold, silver=silver, bronze=bronze, source="--cutoffs")
        except ValueError:
            raise IoiAgentError(
                f"--cutoffs {text!r}: expected GOLD,SILVER,BRONZE with gold >= silver >= bronze "
                "(fix: e.g. --cutoffs 359.71,289.31,216.97)"
            ) from None

    def medal(self, score: float) -> str | None:
        for name in ("gold", "silver", "bronze"):
            if score >= getattr(self, name) - 1e-9:
                return name
        return None
