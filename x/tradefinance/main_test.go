package tradefinance_test

import (
	"testing"

	"github.com/tradechain/tradechain/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }
