-- +goose Up
-- Search filters of the API and the admin site, each led by the account and
-- ordered as results are (newest first), so a filtered page reads only the
-- rows it shows and a count reads only the index.
CREATE INDEX payments_account_status_created ON payments (account_id, status, created_at DESC, id DESC);
CREATE INDEX payments_account_brand_created ON payments (account_id, card_brand, created_at DESC, id DESC);
CREATE INDEX payments_account_last_digits ON payments (account_id, card_last_digits, created_at DESC, id DESC);
CREATE INDEX payments_account_first_digits ON payments (account_id, card_first_digits, created_at DESC, id DESC);
CREATE INDEX payments_account_settled ON payments (account_id, settled_at) WHERE settled_at IS NOT NULL;
-- Substring searches on email and cardholder name (LIKE '%…%') use
-- trigram indexes; pg_trgm is a trusted extension, so the database owner
-- may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX payments_email_trgm ON payments USING gin (lower(email) gin_trgm_ops);
CREATE INDEX payments_cardholder_trgm ON payments USING gin (lower(cardholder_name) gin_trgm_ops);
CREATE INDEX refunds_account_status_created ON refunds (account_id, status, created_at DESC, id DESC);
ANALYZE payments;
ANALYZE refunds;

-- +goose Down
DROP INDEX payments_account_status_created;
DROP INDEX payments_account_brand_created;
DROP INDEX payments_account_last_digits;
DROP INDEX payments_account_first_digits;
DROP INDEX payments_account_settled;
DROP INDEX payments_email_trgm;
DROP INDEX payments_cardholder_trgm;
DROP INDEX refunds_account_status_created;
