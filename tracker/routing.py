"""URL converters shared by every blueprint."""

from werkzeug.routing import IntegerConverter

from tracker.models.base import MAX_ID


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` limited to ids a database row can have.

    PostgreSQL answers a lookup of an id past 2^31 - 1 with an error, not an empty result; such
    URLs match no route and get the ordinary 404, whatever view would have taken them.
    """

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app) -> None:
    """Replace the ``int`` converter before any route is registered."""
    app.url_map.converters["int"] = DatabaseIdConverter
