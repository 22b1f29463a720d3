"""Faults in the running assistant, made real: processes killed, servers stopped and restarted.

One scaled topology (``python -m bot run`` with two Rasa servers and one action
server behind HAProxy) runs on PostgreSQL and Redis servers of the tests' own
(``services.py``), so stopping them disturbs no other test. What is checked is
what a young person sees for each message, how long it took where the issue
sets a bound, and what the databases hold afterwards.

Already tested elsewhere, and not repeated here: a Rasa server SIGKILLed behind
the balancer (``tests/scaled/test_scaled.py``) and the launcher's restarts of a
dead server and its limit (``tests/ops/test_topology.py``).
"""
