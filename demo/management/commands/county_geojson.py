"""Write the demo county's town map (demo.county_map) to the GeoJSON the places app serves."""
from pathlib import Path

from django.core.management.base import BaseCommand

from demo.county_map import write

DEFAULT = Path(__file__).resolve().parents[3] / "places" / "static" / "places" / "county.geojson"


class Command(BaseCommand):
    help = "生成演示县的乡镇边界 GeoJSON（演示数据，非真实行政区划）"

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(DEFAULT))

    def handle(self, *args, out, **options):
        write(Path(out))
        self.stdout.write(f"wrote {out}")
