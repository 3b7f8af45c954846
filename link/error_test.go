package link_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/linkstream/linkstream/link"
)

func TestIsPermanent(t *testing.T) {
	cause := errors.New("text is not UTF-8")
	perm := link.Permanent(cause)
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain", cause, false},
		{"marked", perm, true},
		{"marked, then wrapped", fmt.Errorf("linker: %w", perm), true},
		{"marked, then declared transient", &link.Error{Err: perm, Permanent: false}, false},
		{"joined with a plain error", errors.Join(cause, perm), true},
	} {
		if got := link.IsPermanent(c.err); got != c.want {
			t.Errorf("%s: IsPermanent = %v, want %v", c.name, got, c.want)
		}
	}
	if link.Permanent(nil) != nil {
		t.Error("Permanent(nil) is not nil")
	}
	if !errors.Is(fmt.Errorf("x: %w", perm), cause) || perm.Error() != cause.Error() {
		t.Errorf("the cause is not reachable or its text changed: %v", perm)
	}
	if (&link.Error{}).Error() == "" {
		t.Error("an Error without a cause has no text")
	}
}
