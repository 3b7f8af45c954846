package kb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"sync"

	"github.com/blevesearch/vellum"
)

// fstReader steps through a vellum FST (file format v1, see vellum's
// docs/format.md) without allocating: vellum's own Automaton methods
// allocate a decoded state per byte, which made the spotter's walker cost
// one allocation per byte. Only reading is done here; vellum builds the
// files, and TestFSTReaderMatchesVellum checks every step against vellum.
//
// A state is addressed by its highest byte and encoded downwards:
//
//	top byte, bit 7 set: one transition; bit 6: the target is the state
//	  just below this one; bits 0-5: the input byte, coded (0: the byte
//	  follows below). Then, unless bit 6: pack sizes (address size << 4 |
//	  output size), the target as a delta below the state's lowest byte,
//	  and the output.
//	top byte, bit 7 clear: several transitions; bit 6: final; bits 0-5:
//	  their number (0: it follows below; 1 there means 256). Then pack
//	  sizes, the input bytes, the target deltas, the outputs (all three in
//	  reverse order) and, if final, the final output.
//
// Address 0 is the final state without transitions, 1 the dead state.
type fstReader struct {
	data []byte
	root int
}

const (
	fstEmpty = 0 // final, no transitions
	fstNone  = 1 // dead
)

// ErrFSTFormat is returned when an FST file is not in the format the
// reader understands.
var errFSTFormat = errors.New("kb: unsupported FST encoding")

func newFSTReader(data []byte) (fstReader, error) {
	if len(data) < 32 || binary.LittleEndian.Uint64(data) != 1 {
		return fstReader{}, errFSTFormat
	}
	root := binary.LittleEndian.Uint64(data[len(data)-8:])
	if root >= uint64(len(data)) {
		return fstReader{}, errFSTFormat
	}
	return fstReader{data: data, root: int(root)}, nil
}

// commonCode maps an input byte to its 6-bit code in single-transition
// states (0: not coded). It is learned from vellum itself at first use, by
// encoding a one-key FST per byte, so that it always agrees with the
// encoder.
var (
	commonOnce sync.Once
	commonCode [256]byte
	commonErr  error
)

func learnCommonCodes() {
	for b := 0; b < 256; b++ {
		var buf bytes.Buffer
		bl, err := vellum.New(&buf, nil)
		if err == nil {
			err = bl.Insert([]byte{byte(b)}, 0)
		}
		if err == nil {
			err = bl.Close()
		}
		if err != nil {
			commonErr = err
			return
		}
		d := buf.Bytes()
		root := int(binary.LittleEndian.Uint64(d[len(d)-8:]))
		if root <= 0 || root >= len(d) || d[root]&0x80 == 0 {
			commonErr = errFSTFormat
			return
		}
		commonCode[b] = d[root] & 0x3f
	}
}

func packed(b []byte) uint64 {
	var v uint64
	for i, c := range b {
		v |= uint64(c) << (8 * i)
	}
	return v
}

// step follows the transition on b from addr: the next address and the
// transition's output, or fstNone.
func (r *fstReader) step(addr int, b byte) (int, uint64) {
	d := r.data
	if addr < 16 || addr >= len(d) {
		return fstNone, 0 // fstEmpty has no transitions; fstNone is dead
	}
	top := d[addr]
	low := addr // lowest byte of the state so far
	if top&0x80 != 0 {
		code := top & 0x3f
		if code == 0 {
			low--
			if low < 0 || d[low] != b {
				return fstNone, 0
			}
		} else if commonCode[b] != code {
			return fstNone, 0
		}
		if top&0x40 != 0 {
			return low - 1, 0
		}
		low--
		if low < 0 {
			return fstNone, 0
		}
		ts, os := int(d[low]>>4), int(d[low]&0x0f)
		low -= ts + os
		if low < 0 {
			return fstNone, 0
		}
		delta := packed(d[low+os : low+os+ts])
		out := packed(d[low : low+os])
		if delta == 0 {
			return fstEmpty, out
		}
		return low - int(delta), out
	}
	n := int(top & 0x3f)
	if n == 0 {
		low--
		if low < 0 {
			return fstNone, 0
		}
		if n = int(d[low]); n == 1 {
			n = 256
		}
	}
	low--
	if low < 0 {
		return fstNone, 0
	}
	ts, os := int(d[low]>>4), int(d[low]&0x0f)
	keysLo := low - n
	destLo := keysLo - n*ts
	outLo := destLo - n*os
	bottom := outLo
	if top&0x40 != 0 {
		bottom -= os
	}
	if bottom < 0 {
		return fstNone, 0
	}
	pos := bytes.IndexByte(d[keysLo:low], b)
	if pos < 0 {
		return fstNone, 0
	}
	delta := packed(d[destLo+pos*ts : destLo+pos*ts+ts])
	out := packed(d[outLo+pos*os : outLo+pos*os+os])
	if delta == 0 {
		return fstEmpty, out
	}
	return bottom - int(delta), out
}

// final reports whether addr is final, and its final output.
func (r *fstReader) final(addr int) (bool, uint64) {
	d := r.data
	if addr == fstEmpty {
		return true, 0
	}
	if addr < 16 || addr >= len(d) {
		return false, 0
	}
	top := d[addr]
	if top&0x80 != 0 || top&0x40 == 0 {
		return false, 0 // one-transition states are never final
	}
	low := addr
	n := int(top & 0x3f)
	if n == 0 {
		low--
		if low < 0 {
			return false, 0
		}
		if n = int(d[low]); n == 1 {
			n = 256
		}
	}
	low--
	if low < 0 {
		return false, 0
	}
	ts, os := int(d[low]>>4), int(d[low]&0x0f)
	at := low - n - n*ts - n*os - os
	if at < 0 {
		return false, 0
	}
	return true, packed(d[at : at+os])
}

// get returns the value of key, if it is in the FST.
func (r *fstReader) get(key []byte) (uint64, bool) {
	addr, total := r.root, uint64(0)
	for _, b := range key {
		next, out := r.step(addr, b)
		if next == fstNone {
			return 0, false
		}
		addr, total = next, total+out
	}
	ok, out := r.final(addr)
	return total + out, ok
}
