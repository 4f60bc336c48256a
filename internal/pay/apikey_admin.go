package pay

import "strings"

// MaxKeyDescriptionLength is GOV.UK Pay's limit on an API key's name.
const MaxKeyDescriptionLength = 50

// Errors of an API key's name, in GOV.UK Pay's wording.
var (
	ErrKeyNameMissing = &Error{Kind: KindInvalid, Field: "keyName", Message: "Enter the API key name"}
	ErrKeyNameTooLong = &Error{Kind: KindInvalid, Field: "keyName", Message: "Name must be 50 characters or fewer"}
)

// CheckKeyDescription trims a key's name and checks it is given and at
// most MaxKeyDescriptionLength characters long.
func CheckKeyDescription(description string) (string, error) {
	description = strings.TrimSpace(description)
	switch {
	case description == "":
		return "", ErrKeyNameMissing
	case len([]rune(description)) > MaxKeyDescriptionLength:
		return "", ErrKeyNameTooLong
	}
	return description, nil
}

// NewAPIKey generates a key for the account and the record to store. The
// key itself is returned to be shown once; only its hash is kept.
func NewAPIKey(acct *Account, secret []byte, description, createdBy string) (string, *APIKey) {
	key := GenerateAPIKey(acct.Type, secret)
	return key, &APIKey{AccountID: acct.ID, Description: description, Hash: HashAPIKey(key),
		Hint: APIKeyHint(key), CreatedBy: createdBy}
}
