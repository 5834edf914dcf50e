-- Columns made with serial/bigserial/smallserial (a sequence owned by the column and a nextval
-- default) and sequences of their own, with options.
CREATE TABLE invoices (
  id serial PRIMARY KEY,
  number bigint NOT NULL,
  note text
);
CREATE SEQUENCE invoice_numbers AS bigint START WITH 1000 INCREMENT BY 5 CACHE 10 OWNED BY invoices.number;
ALTER TABLE invoices ALTER COLUMN number SET DEFAULT nextval('invoice_numbers');

CREATE TABLE events (
  id bigserial PRIMARY KEY,
  line smallserial NOT NULL,
  payload text
);

CREATE SEQUENCE countdown AS integer INCREMENT BY -1 MINVALUE -100 MAXVALUE 100 START WITH 100 CYCLE;
CREATE SEQUENCE plain_counter;
-- Grants on sequences (contract Part 2, Access): to PUBLIC, so that the rebuilt database needs no role.
GRANT USAGE, SELECT ON SEQUENCE plain_counter TO PUBLIC;
GRANT UPDATE ON SEQUENCE invoice_numbers TO PUBLIC;
