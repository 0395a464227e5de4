CREATE OR REPLACE FUNCTION directory_facets_bump(
    p_kind text, p_category bigint, p_city_slug text, p_city text, p_until date, p_delta integer
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO directory_facetcount (kind, category_id, city_slug, city, public_until, n)
    VALUES (p_kind, p_category, p_city_slug, p_city, p_until, p_delta)
    ON CONFLICT (kind, category_id, city_slug, public_until)
    DO UPDATE SET n = directory_facetcount.n + EXCLUDED.n, city = EXCLUDED.city;
END $$;

CREATE OR REPLACE FUNCTION directory_facets_listing(
    p_business bigint, p_city_slug text, p_city text, p_until date, p_delta integer
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    IF p_until IS NULL THEN
        RETURN;
    END IF;
    PERFORM directory_facets_bump('all', 0, p_city_slug, p_city, p_until, p_delta);
    FOR r IN
        SELECT bc.category_id AS leaf
        FROM directory_business_categories bc
        WHERE bc.business_id = p_business
    LOOP
        PERFORM directory_facets_bump('leaf', r.leaf, p_city_slug, p_city, p_until, p_delta);
    END LOOP;
    FOR r IN
        SELECT DISTINCT COALESCE(c.parent_id, c.id) AS top
        FROM directory_business_categories bc
        JOIN directory_category c ON c.id = bc.category_id
        WHERE bc.business_id = p_business
    LOOP
        PERFORM directory_facets_bump('top', r.top, p_city_slug, p_city, p_until, p_delta);
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION directory_business_facets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.live THEN
        PERFORM directory_facets_listing(OLD.id, OLD.city_slug, OLD.city, OLD.public_until, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.live THEN
        PERFORM directory_facets_listing(NEW.id, NEW.city_slug, NEW.city, NEW.public_until, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION directory_business_category_facets() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    link record;
    listing record;
    delta integer;
    top bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        link := NEW;
        delta := 1;
    ELSE
        link := OLD;
        delta := -1;
    END IF;
    SELECT b.live, b.city_slug, b.city, b.public_until INTO listing
    FROM directory_business b WHERE b.id = link.business_id;
    IF FOUND AND listing.live AND listing.public_until IS NOT NULL THEN
        PERFORM directory_facets_bump(
            'leaf', link.category_id, listing.city_slug, listing.city, listing.public_until, delta
        );
        SELECT COALESCE(c.parent_id, c.id) INTO top
        FROM directory_category c WHERE c.id = link.category_id;
        IF NOT EXISTS (
            SELECT 1
            FROM directory_business_categories bc
            JOIN directory_category c ON c.id = bc.category_id
            WHERE bc.business_id = link.business_id
              AND bc.id <> link.id
              AND COALESCE(c.parent_id, c.id) = top
        ) THEN
            PERFORM directory_facets_bump(
                'top', top, listing.city_slug, listing.city, listing.public_until, delta
            );
        END IF;
    END IF;
    IF TG_OP = 'INSERT' THEN
        RETURN NEW;
    END IF;
    RETURN OLD;
END $$;

CREATE OR REPLACE FUNCTION directory_facets_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM directory_facetcount;
    INSERT INTO directory_facetcount (kind, category_id, city_slug, city, public_until, n)
    SELECT 'all', 0, b.city_slug, MIN(b.city), b.public_until, COUNT(*)
    FROM directory_business b
    WHERE b.live AND b.public_until IS NOT NULL
    GROUP BY b.city_slug, b.public_until
    UNION ALL
    SELECT 'leaf', bc.category_id, b.city_slug, MIN(b.city), b.public_until, COUNT(*)
    FROM directory_business b
    JOIN directory_business_categories bc ON bc.business_id = b.id
    WHERE b.live AND b.public_until IS NOT NULL
    GROUP BY bc.category_id, b.city_slug, b.public_until
    UNION ALL
    SELECT 'top', t.top, t.city_slug, MIN(t.city), t.public_until, COUNT(*)
    FROM (
        SELECT DISTINCT b.id, COALESCE(c.parent_id, c.id) AS top, b.city_slug, b.city,
            b.public_until
        FROM directory_business b
        JOIN directory_business_categories bc ON bc.business_id = b.id
        JOIN directory_category c ON c.id = bc.category_id
        WHERE b.live AND b.public_until IS NOT NULL
    ) t
    GROUP BY t.top, t.city_slug, t.public_until;
END $$;

CREATE OR REPLACE FUNCTION directory_category_facets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM directory_facets_rebuild();
    RETURN NULL;
END $$;

CREATE TRIGGER directory_business_facets_write
AFTER INSERT OR DELETE ON directory_business
FOR EACH ROW EXECUTE FUNCTION directory_business_facets();

CREATE TRIGGER directory_business_facets_update
AFTER UPDATE ON directory_business
FOR EACH ROW WHEN (
    OLD.live IS DISTINCT FROM NEW.live
    OR OLD.public_until IS DISTINCT FROM NEW.public_until
    OR OLD.city_slug IS DISTINCT FROM NEW.city_slug
    OR OLD.city IS DISTINCT FROM NEW.city
    OR OLD.id IS DISTINCT FROM NEW.id
) EXECUTE FUNCTION directory_business_facets();

CREATE TRIGGER directory_business_category_facets
BEFORE INSERT OR DELETE ON directory_business_categories
FOR EACH ROW EXECUTE FUNCTION directory_business_category_facets();

CREATE TRIGGER directory_category_facets
AFTER UPDATE ON directory_category
FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id)
EXECUTE FUNCTION directory_category_facets();
SELECT directory_facets_rebuild();