"""The ticket core: citizens, units, categories, tickets, the event log and its bus, the state
machine and the intake services every channel shares. The project config is in config/."""
