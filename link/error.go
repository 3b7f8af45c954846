package link

import "errors"

// Error is a linking failure that says whether it is permanent, the way
// kerr.Error says whether a Kafka error is retriable: the caller branches
// with errors.As, not on the text. A Linker returns one for input it will
// never link (text that is not UTF-8, too long): the consumer dead-letters
// such a document at once instead of retrying it.
type Error struct {
	// Err is the cause; errors.Is and errors.As see through to it.
	Err error
	// Permanent: the same document fails the same way again, so retrying
	// is wasted work.
	Permanent bool
}

func (e *Error) Error() string {
	if e.Err == nil {
		return "link: failure without a cause"
	}
	return e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Permanent marks err as permanent; nil stays nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &Error{Err: err, Permanent: true}
}

// IsPermanent reports whether the outermost *Error in err's chain says
// Permanent. An error with no *Error in its chain is not permanent.
func IsPermanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Permanent
}
