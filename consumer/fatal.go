package consumer

import (
	"errors"

	"github.com/twmb/franz-go/pkg/kerr"
)

// sessionConfigError marks a session that cannot be built at all: franz-go
// rejected the client options (ClientOpts that contradict exactly-once,
// say). Rebuilding it gives the same error.
type sessionConfigError struct{ err error }

func (e *sessionConfigError) Error() string { return e.err.Error() }
func (e *sessionConfigError) Unwrap() error { return e.err }

// unrecoverable reports the session failures that rebuilding the session
// cannot mend: invalid client options, and the broker refusing this
// instance's credentials or ACLs, which take an operator. Run stops on
// them and /healthz answers 503, so an orchestrator restarts or alerts
// instead of watching a loop that never heals.
func unrecoverable(err error) bool {
	var ce *sessionConfigError
	if errors.As(err, &ce) {
		return true
	}
	for _, refused := range []error{
		kerr.SaslAuthenticationFailed, kerr.ClusterAuthorizationFailed, kerr.TopicAuthorizationFailed,
		kerr.GroupAuthorizationFailed, kerr.TransactionalIDAuthorizationFailed,
	} {
		if errors.Is(err, refused) {
			return true
		}
	}
	return false
}
