-- Partitioned tables: range by a column with monthly partitions and a default one, list by an
-- expression, hash by two columns; a key and an index on a parent (its partitions get theirs),
-- a partition's own check, index and comment, a plain table attached as a partition.
CREATE TABLE measurements (
  id bigint NOT NULL,
  taken_at timestamptz NOT NULL,
  sensor text NOT NULL,
  value numeric(10, 2),
  PRIMARY KEY (id, taken_at)
) PARTITION BY RANGE (taken_at);
CREATE INDEX measurements_sensor_idx ON measurements (sensor);
CREATE TABLE measurements_2026_01 PARTITION OF measurements FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
CREATE TABLE measurements_2026_02 PARTITION OF measurements FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
CREATE TABLE measurements_rest PARTITION OF measurements DEFAULT;
ALTER TABLE measurements_2026_02 ADD CONSTRAINT measurements_2026_02_value_check CHECK (value >= 0);
CREATE INDEX measurements_2026_02_value_idx ON measurements_2026_02 (value);
COMMENT ON TABLE measurements_2026_02 IS 'February, checked';

CREATE TABLE "Orders" (
  id bigint NOT NULL,
  region text NOT NULL
) PARTITION BY LIST (lower(region));
CREATE TABLE orders_eu PARTITION OF "Orders" FOR VALUES IN ('eu', 'uk');
CREATE TABLE orders_us (id bigint NOT NULL, region text NOT NULL);
ALTER TABLE "Orders" ATTACH PARTITION orders_us FOR VALUES IN ('us');

CREATE TABLE sessions (
  user_id bigint NOT NULL,
  device int NOT NULL
) PARTITION BY HASH (user_id, device);
CREATE TABLE sessions_0 PARTITION OF sessions FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE sessions_1 PARTITION OF sessions FOR VALUES WITH (MODULUS 2, REMAINDER 1);
