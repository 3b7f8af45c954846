package consumer

import (
	"time"

	"github.com/linkstream/linkstream/link"
)

// The defaults of the options, in one place: the option docs say why each
// is what it is, and cmd/linkstream shows these as its flags' defaults.
const (
	DefaultMaxInFlight        = 1024
	DefaultCycleTarget        = 5 * time.Second
	DefaultConcurrency        = 256
	DefaultMaxDocumentBytes   = link.DefaultMaxDocumentBytes
	DefaultDeadLetterMaxValue = 900 << 10
	DefaultMaxAttempts        = 5
	DefaultRetryBackoff       = 100 * time.Millisecond
	DefaultMaxRetryBackoff    = 5 * time.Second
	DefaultLinkTimeout        = 30 * time.Second
	DefaultShutdownTimeout    = 20 * time.Second
	DefaultSessionTimeout     = 15 * time.Second
	DefaultTransactionTimeout = 30 * time.Second
)
