package pay

import "time"

// Organisation is who runs a live service: entered when the service goes
// live, with who accepted the terms and when.
type Organisation struct {
	Name       string    `json:"name"`
	Address    Address   `json:"address"`
	AcceptedBy string    `json:"-"` // the email of whoever accepted the terms
	AcceptedAt time.Time `json:"-"` // set by GoLive
}
