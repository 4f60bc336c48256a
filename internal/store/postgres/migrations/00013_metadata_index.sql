-- +goose Up
-- The CSV download first lists the metadata keys of the payments it will
-- write, for its header. Most accounts put no metadata on their payments:
-- this index holds only the payments that have some, so for those accounts
-- the list costs nothing instead of a pass over every payment downloaded.
CREATE INDEX payments_account_metadata ON payments (account_id, created_at DESC) WHERE metadata IS NOT NULL;

-- +goose Down
DROP INDEX payments_account_metadata;
