-- +goose Up
-- A search by card brand and state together (the combined search of the API
-- and the admin site) counts its matches from the brand's index alone when
-- that index also holds the status, and a search by state from the
-- status's index when it holds the brand: the count then reads no table row.
DROP INDEX payments_account_brand_created;
CREATE INDEX payments_account_brand_created ON payments (account_id, card_brand, created_at DESC, id DESC, status);
DROP INDEX payments_account_status_created;
CREATE INDEX payments_account_status_created ON payments (account_id, status, created_at DESC, id DESC, card_brand);

-- +goose Down
DROP INDEX payments_account_brand_created;
CREATE INDEX payments_account_brand_created ON payments (account_id, card_brand, created_at DESC, id DESC);
DROP INDEX payments_account_status_created;
CREATE INDEX payments_account_status_created ON payments (account_id, status, created_at DESC, id DESC);
