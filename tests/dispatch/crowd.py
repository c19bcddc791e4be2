"""Many tickets in the same situation as one dispatched ticket, made in one INSERT."""
from dispatch.models import LightTimer
from hotline.models import Ticket


def crowd_like(ticket: Ticket, n: int, prefix: str = "C") -> list[int]:
    """n copies of `ticket` (numbers `prefix` + 7 digits), owed the same light notices."""
    fields = {f.attname: getattr(ticket, f.attname) for f in Ticket._meta.concrete_fields if f.attname != "id"}
    made = Ticket.objects.bulk_create([Ticket(**(fields | {"number": f"{prefix}{i:07d}"})) for i in range(n)])
    owed = list(LightTimer.objects.filter(ticket=ticket).values_list("light", "fires_at"))
    LightTimer.objects.bulk_create([LightTimer(ticket_id=t.pk, light=light, fires_at=at)
                                    for t in made for light, at in owed])  # as dispatch would have
    return [t.pk for t in made]
