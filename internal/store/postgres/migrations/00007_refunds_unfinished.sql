-- +goose Up
-- The sweep of stuck work finds unfinished refunds by age, every minute.
CREATE INDEX refunds_unfinished ON refunds (created_at) WHERE status IN ('CREATED', 'REFUND SUBMITTED');

-- +goose Down
DROP INDEX refunds_unfinished;
