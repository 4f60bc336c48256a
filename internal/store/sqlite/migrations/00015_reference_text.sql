-- +goose Up
-- The admin site finds transactions by part of their reference (LIKE
-- '%…%'), which no index on the reference can answer: at a million payments
-- it read every one. A trigram table of the references, as payments_text is
-- of emails and names, finds the candidates. References never change after
-- a payment is created; the update trigger is there all the same.
CREATE VIRTUAL TABLE payments_reference_text USING fts5 (reference, content = 'payments', content_rowid = 'rowid',
    tokenize = 'trigram');
INSERT INTO payments_reference_text (payments_reference_text) VALUES ('rebuild');
-- +goose StatementBegin
CREATE TRIGGER payments_reference_text_insert AFTER INSERT ON payments BEGIN
    INSERT INTO payments_reference_text (rowid, reference) VALUES (new.rowid, new.reference);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER payments_reference_text_update AFTER UPDATE OF reference ON payments
    WHEN old.reference IS NOT new.reference BEGIN
    INSERT INTO payments_reference_text (payments_reference_text, rowid, reference) VALUES ('delete', old.rowid, old.reference);
    INSERT INTO payments_reference_text (rowid, reference) VALUES (new.rowid, new.reference);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER payments_reference_text_delete AFTER DELETE ON payments BEGIN
    INSERT INTO payments_reference_text (payments_reference_text, rowid, reference) VALUES ('delete', old.rowid, old.reference);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER payments_reference_text_insert;
DROP TRIGGER payments_reference_text_update;
DROP TRIGGER payments_reference_text_delete;
DROP TABLE payments_reference_text;
