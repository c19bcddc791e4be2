"""Server-rendered pages for every user: operators, supervisors, leaders, units and citizens.

A Django app of its own (label "web") so that its one model, the public
satisfaction vote, migrates without touching the core apps.
"""
