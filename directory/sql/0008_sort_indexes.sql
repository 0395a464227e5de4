CREATE INDEX directory_name_order ON directory_business (name, id) INCLUDE (category_ids, public_until) WHERE live;
CREATE INDEX directory_city_name_order ON directory_business (city_slug, name, id) INCLUDE (category_ids, public_until) WHERE live;
CREATE INDEX directory_newest_order ON directory_business (created_at DESC, id DESC) INCLUDE (category_ids, public_until) WHERE live;
CREATE INDEX directory_city_newest_order ON directory_business (city_slug, created_at DESC, id DESC) INCLUDE (category_ids, public_until) WHERE live;
