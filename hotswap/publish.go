package hotswap

import (
	"fmt"
	"os"
	"path/filepath"
)

// Publish makes dir/current point at target (made absolute), atomically:
// a new link is renamed over the old one, so a Swapper polling dir never
// sees it missing. It is how a KB build is published to a running service.
func Publish(dir, target string) error {
	abs, err := filepath.Abs(target)
	if err != nil {
		return fmt.Errorf("hotswap: publish %s: %w", target, err)
	}
	tmp := filepath.Join(dir, CurrentLink+".new")
	_ = os.Remove(tmp)
	if err := os.Symlink(abs, tmp); err != nil {
		return fmt.Errorf("hotswap: publish %s: %w", target, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, CurrentLink)); err != nil {
		return fmt.Errorf("hotswap: publish %s: %w", target, err)
	}
	return nil
}
