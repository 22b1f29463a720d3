"""The feedback database's plumbing, shared by every feature that stores something.

Feedback, signposting counts, staff accounts, the audit log and "you said, we did"
all live in one database; they share one declarative ``Base``, one engine factory
and one way to run a unit of work, so none of them needs another's store.
"""
