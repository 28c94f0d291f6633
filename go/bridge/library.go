package bridge

// The ABI version this shim speaks; the library must have the same major.
const (
	abiMajor = 1
	abiMinor = 6
)

// Library is the Rust library linked into this binary.
type Library struct {
	// ABIMajor and ABIMinor are the library's ABI version.
	ABIMajor, ABIMinor uint32
	// Components lists what the library contains, in its registration order.
	Components []*Component
}

// Find returns the component of kind with type name typ, or nil.
func (l *Library) Find(kind Kind, typ string) *Component {
	for _, c := range l.Components {
		if c.Kind == kind && c.Type == typ {
			return c
		}
	}
	return nil
}
