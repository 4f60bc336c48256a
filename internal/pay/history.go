package pay

// historyKey identifies one entry of a payment's public history: a state of
// the payment, or a state of one of its refunds.
type historyKey struct {
	refundID string
	state    State
}

// historyEntry returns the public history entry an event stands for, as
// GOV.UK Pay lists them: the payment's external state for a status change,
// the refund's external state (submitted, success or error) for a refund
// event, and nothing for other events (disputes).
func historyEntry(ev *Event) (historyKey, State, bool) {
	if ev.RefundID != "" {
		st, ok := refundEventStates[ev.Type]
		return historyKey{refundID: ev.RefundID, state: st}, st, ok
	}
	if ev.Status == "" {
		return historyKey{}, State{}, false
	}
	st := ev.Status.State()
	return historyKey{state: st}, st, true
}

// refundEventStates are the refund states GOV.UK Pay's events show.
var refundEventStates = map[EventType]State{
	EventRefundCreatedByService: {Status: "submitted"},
	EventRefundCreatedByUser:    {Status: "submitted"},
	EventRefundSubmitted:        {Status: "submitted"},
	EventRefundSucceeded:        {Status: "success", Finished: true},
	EventRefundError:            {Status: "error", Finished: true},
}
