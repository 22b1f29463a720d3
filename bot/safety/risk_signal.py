"""The names the safety net's verdict travels under in Rasa.

The risk classifier sets them, the safety policy, the count action and the feedback
form read them; one definition keeps the four in step. (No imports: the feedback
form reads these without loading the risk model.)
"""

RISK_INTENT = "risk_signal"
LEVEL_ENTITY = "risk_level"  # "full" or "soft"
RISK_ENTITY = "risk_category"  # a rules category id
