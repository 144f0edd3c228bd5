"""Ratings: the official Codeforces rating update and its inputs."""

from ioi_agent.rating.codeforces import NEW_ACCOUNT_RATING, compute_rating_changes, rating_update
from ioi_agent.rating.io import Contestant, RatingChange, load_contestants, load_ratings

__all__ = [
    "NEW_ACCOUNT_RATING",
    "Contestant",
    "RatingChange",
    "compute_rating_changes",
    "load_contestants",
    "load_ratings",
    "rating_update",
]
