"""The demo city generator behind ``jishi demo``: a deterministic, seeded city of the report's shape.

``plan.make_plan`` decides every count and name (pure, no database); ``geometry`` tessellates the
outline into towns, villages, grids and micro-grids; ``generator.generate`` writes it all with
``bulk_create`` and calls each domain's ``<app>.demo.generate(ctx)`` hook; ``logins`` makes one
login per role.
"""
