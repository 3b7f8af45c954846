package kb

import (
	"context"
	"path/filepath"
	"testing"
)

// BenchmarkBuildGensim builds a KB from the gensim excerpt (both passes
// and the write); MB/s is decompressed XML per second.
func BenchmarkBuildGensim(b *testing.B) {
	p := needData(b, gensimDump)
	var info Info
	for i := 0; i < b.N; i++ {
		var err error
		info, err = Build(context.Background(), filepath.Join(b.TempDir(), "kb"), Dump(p))
		if err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(info.Build.XMLBytes)
	b.ReportMetric(float64(info.Build.Pages)*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}
