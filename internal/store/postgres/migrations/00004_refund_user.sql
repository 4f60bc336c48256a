-- +goose Up
-- The id of the admin user who made a refund, beside their email.
ALTER TABLE refunds ADD COLUMN created_by_user_id BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE refunds DROP COLUMN created_by_user_id;
