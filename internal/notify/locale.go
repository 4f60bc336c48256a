package notify

import "pay/internal/pay"

// locale is the words of the emails in one language. Subjects take the
// amount and the service's name; CorporateFee takes the fee.
type locale struct {
	Lang                  string
	PaymentSubject        string
	RefundSubject         string
	PaymentFor            string
	RefundFor             string
	Reference             string
	DateOfPayment         string
	DateOfOriginalPayment string
	RefundDelay           string
	CorporateFee          string
	NotMonitored          string
	Months                [12]string
}

func (l *locale) subject(kind pay.EmailKind) string {
	if kind == pay.EmailRefundIssued {
		return l.RefundSubject
	}
	return l.PaymentSubject
}

// english is GOV.UK Pay's text.
var english = &locale{
	Lang:                  "en",
	PaymentSubject:        "Your payment of £%s to %s was successful",
	RefundSubject:         "You have been refunded £%s by %s",
	PaymentFor:            "Payment for:",
	RefundFor:             "Refund for:",
	Reference:             "Reference:",
	DateOfPayment:         "Date of payment:",
	DateOfOriginalPayment: "Date of original payment:",
	RefundDelay:           "Your refund may take up to 6 days to appear in your account.",
	CorporateFee:          "Your payment includes a fee of £%s for using a corporate credit or debit card.",
	NotMonitored: "This email address is not monitored. If you have any questions about your payment, " +
		"contact the service you made the payment to directly.",
	Months: [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September",
		"October", "November", "December"},
}

// welsh is the same text in Welsh, for payments made in Welsh.
var welsh = &locale{
	Lang:                  "cy",
	PaymentSubject:        "Mae eich taliad o £%s i %s wedi bod yn llwyddiannus",
	RefundSubject:         "Rydych wedi cael ad-daliad o £%s gan %s",
	PaymentFor:            "Taliad am:",
	RefundFor:             "Ad-daliad am:",
	Reference:             "Cyfeirnod:",
	DateOfPayment:         "Dyddiad y taliad:",
	DateOfOriginalPayment: "Dyddiad y taliad gwreiddiol:",
	RefundDelay:           "Gall gymryd hyd at 6 diwrnod i’ch ad-daliad ymddangos yn eich cyfrif.",
	CorporateFee:          "Mae eich taliad yn cynnwys ffi o £%s am ddefnyddio cerdyn credyd neu ddebyd corfforaethol.",
	NotMonitored: "Nid yw’r cyfeiriad e-bost hwn yn cael ei fonitro. Os oes gennych unrhyw gwestiynau am eich taliad, " +
		"cysylltwch â’r gwasanaeth y gwnaethoch y taliad iddo yn uniongyrchol.",
	Months: [12]string{"Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi",
		"Hydref", "Tachwedd", "Rhagfyr"},
}

func localeFor(lang pay.Language) *locale {
	if lang == pay.LanguageWelsh {
		return welsh
	}
	return english
}
