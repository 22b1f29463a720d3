"""The eight Flourish impacts' canonical slugs, used for feedback everywhere.

Only the slugs live in code (they are identifiers in the database, API and CSV);
names and descriptions come from the Norfolk content pack.
"""

IMPACT_SLUGS: tuple[str, ...] = (
    "family-and-friends",
    "learning",
    "opportunity",
    "understood",
    "resilience",
    "individual",
    "safe-and-secure",
    "healthy",
)
