"""What PostgreSQL's triggers keep on the side of the listings (the facet summary, each
listing's category ids), compared with what they are copied from. PostgreSQL only."""

from django.db import connection

from directory.models import FacetCount


def summary() -> set[tuple]:
    return {
        (row.kind, row.category_id, row.city_slug, row.public_until, row.n)
        for row in FacetCount.objects.exclude(n=0)
    }


def rebuilt() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT directory_facets_rebuild()")
    return summary()


def category_ids_out_of_step() -> list[tuple]:
    """Listings whose category_ids column differs from their category links."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT b.id, b.category_ids, links.ids FROM directory_business b "
            "LEFT JOIN (SELECT business_id, array_agg(category_id::integer ORDER BY category_id)"
            " AS ids FROM directory_business_categories GROUP BY business_id) links "
            "ON links.business_id = b.id "
            "WHERE b.category_ids IS DISTINCT FROM COALESCE(links.ids, '{}')"
        )
        return cursor.fetchall()
