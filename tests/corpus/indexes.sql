-- A search-heavy directory: expression keys, DESC and NULLS keys, operator classes with and
-- without parameters, a key collation, INCLUDE columns, storage parameters and partial
-- expression indexes; some unnamed so that Postgres picks their names.
CREATE TABLE people (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  display_name text NOT NULL,
  city text,
  joined_at timestamptz NOT NULL DEFAULT now(),
  last_seen timestamptz,
  profile jsonb NOT NULL DEFAULT '{}',
  search tsvector
);
CREATE UNIQUE INDEX people_email_lower_key ON people (lower(email));
CREATE INDEX ON people (lower(display_name) text_pattern_ops, city);
CREATE INDEX people_recent_idx ON people (last_seen DESC NULLS LAST, joined_at NULLS FIRST) INCLUDE (display_name);
CREATE INDEX people_city_c_idx ON people (city COLLATE "C") WITH (deduplicate_items = off, fillfactor = 80);
CREATE INDEX people_profile_idx ON people USING gin (profile jsonb_path_ops) WITH (fastupdate = off);
CREATE INDEX people_search_idx ON people USING gist (search tsvector_ops (siglen = 24));
CREATE INDEX people_active_domain_idx ON people ((split_part(email, '@', 2))) WHERE last_seen IS NOT NULL;
CREATE INDEX ON people (joined_at) INCLUDE (id);
