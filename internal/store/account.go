package store

import "pay/internal/pay"

// ServiceColumns lists the services table's columns in ScanService's order.
const ServiceColumns = "id, external_id, name, name_cy, created_at"

// ScanService reads one row of ServiceColumns.
func ScanService(scan func(dest ...any) error, c Codec) (*pay.Service, error) {
	var svc pay.Service
	if err := scan(&svc.ID, &svc.ExternalID, &svc.Name, &svc.NameWelsh, c.Time(&svc.CreatedAt)); err != nil {
		return nil, err
	}
	return &svc, nil
}

// AccountColumns lists an account's columns (accounts aliased a, joined to
// their services as s) in ScanAccount's order.
const AccountColumns = "a.id, a.service_id, s.name, s.name_cy, a.type, a.provider, a.disabled, a.settings, a.created_at"

// ScanAccount reads one row of AccountColumns.
func ScanAccount(scan func(...any) error, c Codec) (*pay.Account, error) {
	var a pay.Account
	var settings string
	if err := scan(&a.ID, &a.ServiceID, &a.ServiceName, &a.ServiceNameWelsh, &a.Type, &a.Provider, &a.Disabled, &settings,
		c.Time(&a.CreatedAt)); err != nil {
		return nil, err
	}
	var err error
	a.Settings, err = DecodeSettings(settings)
	return &a, err
}

// APIKeyColumns lists the api_keys columns in ScanAPIKey's order.
const APIKeyColumns = "id, account_id, description, hash, hint, created_by, created_at, last_used_at, revoked_at"

// ScanAPIKey reads one row of APIKeyColumns.
func ScanAPIKey(scan func(...any) error, c Codec) (*pay.APIKey, error) {
	var k pay.APIKey
	err := scan(&k.ID, &k.AccountID, &k.Description, &k.Hash, &k.Hint, &k.CreatedBy,
		c.Time(&k.CreatedAt), c.NullTime(&k.LastUsedAt), c.NullTime(&k.RevokedAt))
	return &k, err
}

// APIKeyAccountColumns lists a key's columns (api_keys aliased k) and its
// account's (AccountColumns) in ScanAPIKeyAccount's order.
const APIKeyAccountColumns = "k.id, k.account_id, k.description, k.hash, k.hint, k.created_by, k.created_at, " +
	"k.last_used_at, k.revoked_at, " + AccountColumns

// APIKeyAccountFrom joins a key to its account and the account's service,
// for APIKeyAccountColumns.
const APIKeyAccountFrom = "api_keys k JOIN accounts a ON a.id = k.account_id JOIN services s ON s.id = a.service_id"

// PaymentAccountColumns lists a payment's columns (payments aliased p) and
// its account's (AccountColumns) in ScanPaymentAccount's order.
var PaymentAccountColumns = PaymentSelect("p") + ", " + AccountColumns

// PaymentAccountFrom joins a payment to its account and the account's
// service, for PaymentAccountColumns.
const PaymentAccountFrom = "payments p JOIN accounts a ON a.id = p.account_id JOIN services s ON s.id = a.service_id"

// ScanPaymentAccount reads one row of PaymentAccountColumns.
func ScanPaymentAccount(scan func(...any) error, c Codec) (*pay.Payment, *pay.Account, error) {
	var p *pay.Payment
	a, err := ScanAccount(func(dest ...any) error {
		var err error
		p, err = ScanPayment(func(payment ...any) error { return scan(append(payment, dest...)...) }, c)
		return err
	}, c)
	if err != nil {
		return nil, nil, err
	}
	return p, a, nil
}

// ScanAPIKeyAccount reads one row of APIKeyAccountColumns.
func ScanAPIKeyAccount(scan func(...any) error, c Codec) (*pay.APIKey, *pay.Account, error) {
	var k *pay.APIKey
	a, err := ScanAccount(func(dest ...any) error {
		var err error
		k, err = ScanAPIKey(func(key ...any) error { return scan(append(key, dest...)...) }, c)
		return err
	}, c)
	if err != nil {
		return nil, nil, err
	}
	return k, a, nil
}

// EventColumns lists the payment_events columns in ScanEvent's order.
const EventColumns = "payment_id, type, status, amount, refund_id, occurred_at"

// ScanEvent reads one row of EventColumns.
func ScanEvent(scan func(...any) error, c Codec) (*pay.Event, error) {
	var ev pay.Event
	err := scan(&ev.PaymentID, &ev.Type, &ev.Status, &ev.Amount, &ev.RefundID, c.Time(&ev.At))
	return &ev, err
}
