package pipeline

import (
	"os"
	"testing"

	"github.com/linkstream/linkstream/internal/kbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	kbtest.RemoveAll()
	os.Exit(code)
}
