-- +goose Up
-- The admin site finds transactions by part of their reference (LIKE
-- '%…%'), which the reference's b-tree cannot answer: at a million payments
-- it read every one. A trigram index finds the candidates, as for emails
-- and cardholder names.
CREATE INDEX payments_reference_trgm ON payments USING gin (lower(reference) gin_trgm_ops);

-- +goose Down
DROP INDEX payments_reference_trgm;
