package links_test

import (
	"testing"

	bt "pay/internal/web/browsertest"
)

func TestMain(m *testing.M) { bt.Main(m) }
