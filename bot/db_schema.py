"""Every table in the feedback database, gathered on one metadata.

Alembic and the schema test compare migrations against this, so a table defined in
any records module is never missed.
"""

from bot import signposting_counts, staff_records  # noqa: F401  (register their tables)
from bot.feedback_records import Base

metadata = Base.metadata
