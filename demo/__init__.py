"""The demo county: units, people and a few hundred tickets with a true story (manage.py seed_demo)."""
