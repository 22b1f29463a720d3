"""Every table in the feedback database, gathered on one metadata.

Alembic and the schema test compare migrations against this, so a table defined in
any records module is never missed.
"""

from bot.db.base import Base
from bot.safety import signposting_counts  # noqa: F401  (registers its table)
from bot.staff import records as staff_records  # noqa: F401  (register their tables)

metadata = Base.metadata
