-- export-args: --seed currencies --seed country_currencies
-- Lookup tables whose rows belong to the schema (exported with --seed), and a table that uses them.
CREATE TABLE currencies (
  code char(3) PRIMARY KEY,
  name text NOT NULL,
  minor_units smallint NOT NULL DEFAULT 2,
  symbol text
);
INSERT INTO currencies VALUES
  ('NOK', 'Norwegian krone', 2, 'kr'),
  ('EUR', 'Euro', 2, '€'),
  ('JPY', 'Yen', 0, NULL),
  ('XTS', 'Test "code": it''s #1', 2, 'on');

CREATE TABLE country_currencies (
  country char(2) NOT NULL,
  currency char(3) NOT NULL REFERENCES currencies,
  since date,
  PRIMARY KEY (country, currency)
);
INSERT INTO country_currencies VALUES ('NO', 'NOK', NULL), ('DE', 'EUR', '2002-01-01'), ('FI', 'EUR', '1999-01-01');

CREATE TABLE prices (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  currency char(3) NOT NULL REFERENCES currencies,
  amount numeric(14,2) NOT NULL
);
