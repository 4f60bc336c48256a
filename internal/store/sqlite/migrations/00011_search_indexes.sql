-- +goose Up
-- Search filters of the API and the admin site, each led by the account and
-- ordered as results are (newest first), so a filtered page reads only the
-- rows it shows and a count reads only the index.
CREATE INDEX payments_account_status_created ON payments (account_id, status, created_at DESC, id DESC);
CREATE INDEX payments_account_brand_created ON payments (account_id, card_brand, created_at DESC, id DESC);
CREATE INDEX payments_account_last_digits ON payments (account_id, card_last_digits, created_at DESC, id DESC);
CREATE INDEX payments_account_first_digits ON payments (account_id, card_first_digits, created_at DESC, id DESC);
CREATE INDEX payments_account_settled ON payments (account_id, settled_at) WHERE settled_at IS NOT NULL;
-- Substring searches on email and cardholder name scan these narrow
-- indexes instead of the table's wide rows.
CREATE INDEX payments_account_email ON payments (account_id, lower(email));
CREATE INDEX payments_account_cardholder ON payments (account_id, lower(cardholder_name));
CREATE INDEX refunds_account_status_created ON refunds (account_id, status, created_at DESC, id DESC);

-- +goose Down
DROP INDEX payments_account_status_created;
DROP INDEX payments_account_brand_created;
DROP INDEX payments_account_last_digits;
DROP INDEX payments_account_first_digits;
DROP INDEX payments_account_settled;
DROP INDEX payments_account_email;
DROP INDEX payments_account_cardholder;
DROP INDEX refunds_account_status_created;
