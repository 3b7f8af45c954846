package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/linkstream/linkstream/models"
)

// envPrefix names the environment equivalents of flags: --input-topic is
// also LINKSTREAM_INPUT_TOPIC. A flag given on the command line wins.
const envPrefix = "LINKSTREAM_"

// parseFlags parses args into fs, then fills every flag not given on the
// command line from its environment variable, if set.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		name := envName(f.Name)
		if v, ok := os.LookupEnv(name); ok {
			if setErr := fs.Set(f.Name, v); setErr != nil {
				err = fmt.Errorf("%s=%q: %w", name, v, setErr)
			}
		}
	})
	return err
}

// cacheDir is where make deps put the native stack, as the environment
// says (LINKSTREAM_CACHE, XDG_CACHE_HOME, HOME: see models.CacheDir).
func cacheDir() string { return models.CacheDir(os.Getenv) }

func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// newFlagSet makes a sub-command's flag set whose usage names the
// environment equivalents.
func newFlagSet(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: linkstream %s %s\n\nflags (each also read from %s<NAME> when not given):\n", name, synopsis, envPrefix)
		fs.PrintDefaults()
	}
	return fs
}

// optionalFloat is a float flag that knows whether it was given, for a
// default that comes from elsewhere (the NIL threshold of a fit file).
type optionalFloat struct {
	v   float64
	set bool
}

func (o *optionalFloat) String() string {
	if o == nil || !o.set {
		return ""
	}
	return strconv.FormatFloat(o.v, 'g', -1, 64)
}

func (o *optionalFloat) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return errors.New("not a number")
	}
	o.v, o.set = v, true
	return nil
}
