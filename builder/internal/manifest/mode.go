package manifest

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"unicode"
)

// Mode is how the collector reaches its Rust library: rust.mode, resolved.
type Mode string

// The values of rust.mode. Auto is only ever written: Load resolves it to cgo or dlopen, never to
// subprocess, which is the operator's choice (isolation costs throughput).
const (
	ModeAuto Mode = "auto"
	// ModeCgo links the library with cgo (dist.cgo_enabled: true).
	ModeCgo Mode = "cgo"
	// ModeDlopen builds without cgo: the Go side loads the library, a shared object, at start-up.
	ModeDlopen Mode = "dlopen"
	// ModeSubprocess builds without cgo and with the Go build tag SubprocessTag: every Rust
	// component of the binary runs in one supervised child process, the host program, a Rust
	// binary linking the library crate.
	ModeSubprocess Mode = "subprocess"
)

// SubprocessTag is the Go build tag of rust.mode subprocess: it selects the otelbridge Go
// module's subprocess transport (go/bridge/abi_child.go).
const SubprocessTag = "otelbridge_subprocess"

// Link is where the binary finds the library: rust.link, or the mode's default.
type Link string

// The values of rust.link, and the modes that take them.
const (
	// LinkStatic (cgo) links the static library into the binary.
	LinkStatic Link = "static"
	// LinkShared (cgo or dlopen) ships the shared library beside the binary, which finds it
	// relative to itself (cgo: rpath $ORIGIN; dlopen: the executable's directory).
	LinkShared Link = "shared"
	// LinkEmbedded (dlopen or subprocess) embeds the shared library (dlopen) or the host program
	// (subprocess) in the binary, loaded or run from memory.
	LinkEmbedded Link = "embedded"
	// LinkBeside (subprocess) ships the host program beside the binary, which finds it relative
	// to itself.
	LinkBeside Link = "beside"
)

// defaultLinks is each mode's rust.link when the manifest gives none.
var defaultLinks = map[Mode]Link{ModeCgo: LinkStatic, ModeDlopen: LinkEmbedded, ModeSubprocess: LinkEmbedded}

// CCompiler finds the C compiler a cgo build would run: its path, or an error saying why there
// is none. Load takes FindCCompiler; tests give their own.
type CCompiler func() (string, error)

// FindCCompiler looks for the C compiler in $CC (its first word, as the go command reads it),
// else `cc` on PATH.
func FindCCompiler() (string, error) {
	if cc := strings.Fields(os.Getenv("CC")); len(cc) > 0 {
		path, err := exec.LookPath(cc[0])
		if err != nil {
			return "", fmt.Errorf("CC is %q, which is not found", os.Getenv("CC"))
		}
		return path, nil
	}
	path, err := exec.LookPath("cc")
	if err != nil {
		return "", fmt.Errorf("CC is not set and cc is not on PATH")
	}
	return path, nil
}

// chooseModeAndLink resolves rust.mode and rust.link into m.Rust, returning their problems. When
// one of the keys they depend on did not decode, they take the defaults unchecked.
func (m *Manifest) chooseModeAndLink(doc *document, broken func(path string) bool, findCC CCompiler) []error {
	if broken("dist.cgo_enabled") || broken("rust.mode") || broken("rust.link") {
		m.Rust.Mode, m.Rust.Link = ModeDlopen, defaultLinks[ModeDlopen]
		return nil
	}
	var problems []error
	choice, err := chooseMode(doc.Rust.Mode, doc.Dist.CGoEnabled, findCC)
	if err != nil {
		problems = append(problems, err)
	}
	link, err := chooseLink(doc.Rust.Link, choice)
	if err != nil {
		problems = append(problems, err)
	}
	// The subprocess transport's tag in a build of another mode would give a binary whose link
	// module hands the bridge a library while the bridge runs a host program. (A manifest without
	// cargo modules is ocb's, passed on as it is.)
	if choice.mode != ModeSubprocess && m.HasCargo() && !broken("dist.build_tags") && slices.Contains(splitBuildTags(doc.Dist.BuildTags), SubprocessTag) {
		problems = append(problems, fmt.Errorf("dist.build_tags: %s selects the transport of rust.mode subprocess, but %s; remove the tag (the builder adds it in subprocess mode), or set rust.mode: subprocess",
			SubprocessTag, choice.sentence()))
	}
	m.Rust.Mode, m.Rust.ModeReason, m.Rust.Link = choice.mode, choice.reason(), link
	return problems
}

// splitBuildTags reads dist.build_tags as the go command reads -tags: a comma-separated list or,
// with a space or a quote in it, the older space-separated form.
func splitBuildTags(tags string) []string {
	return strings.FieldsFunc(tags, func(r rune) bool { return r == ',' || r == '\'' || r == '"' || unicode.IsSpace(r) })
}

// withBuildTag is dist.build_tags with tag added unless it is there already, as one
// comma-separated list (ocb appends its own tags after a comma).
func withBuildTag(tags, tag string) string {
	list := splitBuildTags(tags)
	if !slices.Contains(list, tag) {
		list = append(list, tag)
	}
	return strings.Join(list, ",")
}

// modeChoice is rust.mode resolved, and why.
type modeChoice struct {
	mode Mode
	// auto tells whether the manifest left the choice to the builder (no rust.mode, or auto);
	// cause is then why it took mode ("dist.cgo_enabled is not true").
	auto  bool
	cause string
	// noCCompiler is set when auto took dlopen for want of a C compiler.
	noCCompiler bool
}

// reason is the choice as the build log gives it: "rust.mode: cgo", or "auto: " and the cause.
func (c modeChoice) reason() string {
	if c.auto {
		return "auto: " + c.cause
	}
	return "rust.mode: " + string(c.mode)
}

// sentence is the choice as errors give it: "rust.mode is dlopen", "rust.mode auto took dlopen
// (dist.cgo_enabled is not true)".
func (c modeChoice) sentence() string {
	if c.auto {
		return fmt.Sprintf("rust.mode auto took %s (%s)", c.mode, c.cause)
	}
	return "rust.mode is " + string(c.mode)
}

// chooseMode resolves rust.mode. written is rust.mode as written (nil: not given), cgoEnabled
// dist.cgo_enabled (nil: not given). A mode that is not valid is returned as written, with the
// problem.
func chooseMode(written *string, cgoEnabled *bool, findCC CCompiler) (modeChoice, error) {
	mode := ModeAuto
	if written != nil {
		mode = Mode(*written)
	}
	switch mode {
	case ModeCgo, ModeDlopen, ModeSubprocess:
		if cgoEnabled != nil && *cgoEnabled != (mode == ModeCgo) {
			return modeChoice{mode: mode}, contradiction(mode)
		}
		return modeChoice{mode: mode}, nil
	case ModeAuto:
		if cgoEnabled == nil || !*cgoEnabled {
			return modeChoice{mode: ModeDlopen, auto: true, cause: "dist.cgo_enabled is not true"}, nil
		}
		cc, err := findCC()
		if err != nil {
			return modeChoice{mode: ModeDlopen, auto: true, noCCompiler: true,
				cause: fmt.Sprintf("dist.cgo_enabled is true, but there is no C compiler: %v", err)}, nil
		}
		return modeChoice{mode: ModeCgo, auto: true, cause: "dist.cgo_enabled is true and the C compiler is " + cc}, nil
	}
	return modeChoice{mode: mode}, fmt.Errorf(`rust.mode: must be "auto", "cgo", "dlopen" or "subprocess", got %q`, mode)
}

// contradiction is the error for a rust.mode that dist.cgo_enabled, as written, contradicts.
func contradiction(mode Mode) error {
	switch mode {
	case ModeCgo:
		return fmt.Errorf("rust.mode: cgo needs cgo, but dist.cgo_enabled is false; set dist.cgo_enabled: true (or remove it), or use rust.mode: dlopen to build without cgo")
	case ModeSubprocess:
		return fmt.Errorf("rust.mode: subprocess builds without cgo, but dist.cgo_enabled is true; remove dist.cgo_enabled (or set it false), or use rust.mode: cgo to run the Rust components in-process")
	}
	return fmt.Errorf("rust.mode: dlopen builds without cgo, but dist.cgo_enabled is true; remove dist.cgo_enabled (or set it false), or use rust.mode: cgo")
}

// chooseLink resolves rust.link for the mode: written (nil: not given), else the mode's default.
// A link the mode does not take is an error saying what to do.
func chooseLink(written *string, choice modeChoice) (Link, error) {
	def, known := defaultLinks[choice.mode]
	if written == nil {
		return def, nil
	}
	link := Link(*written)
	switch link {
	case LinkStatic, LinkShared, LinkEmbedded, LinkBeside:
	default:
		return link, fmt.Errorf(`rust.link: must be "static" or "shared" with rust.mode cgo, "embedded" or "shared" with dlopen, "embedded" or "beside" with subprocess; got %q`, *written)
	}
	if !known {
		return link, nil // the mode is refused already
	}
	switch {
	case choice.mode == ModeSubprocess && link == LinkStatic:
		return link, fmt.Errorf("rust.link: static links the library into the binary with cgo, but rust.mode is subprocess, which runs the Rust components in a host program of their own; use rust.link: embedded (the host program inside the binary) or beside (a file beside it)")
	case choice.mode == ModeSubprocess && link == LinkShared:
		return link, fmt.Errorf("rust.link: shared ships the library beside the binary, but rust.mode is subprocess, which runs the Rust components in a host program of their own; use rust.link: beside (the host program beside the binary) or embedded (inside it)")
	case choice.mode != ModeSubprocess && link == LinkBeside:
		return link, fmt.Errorf("rust.link: beside ships the host program of rust.mode subprocess beside the binary, but %s; use rust.link: shared (the library beside the binary), or rust.mode: subprocess",
			choice.sentence())
	case choice.mode == ModeDlopen && link == LinkStatic:
		return link, fmt.Errorf("rust.link: static links the library into the binary with cgo, but %s; use rust.link: embedded (the library inside the binary) or shared (beside it), or %s",
			choice.sentence(), howToCgo(choice))
	case choice.mode == ModeCgo && link == LinkEmbedded:
		return link, fmt.Errorf("rust.link: embedded loads the library from memory without cgo, but %s; use rust.link: static or shared, or %s",
			choice.sentence(), howWithoutCgo(choice))
	}
	return link, nil
}

// howToCgo says how a manifest whose mode resolved to dlopen gets cgo instead.
func howToCgo(choice modeChoice) string {
	switch {
	case !choice.auto:
		return "link it with rust.mode: cgo"
	case choice.noCCompiler:
		return "link it: install a C compiler, or set CC to one"
	}
	return "link it: set dist.cgo_enabled: true"
}

// howWithoutCgo says how a manifest whose mode resolved to cgo builds without it instead.
func howWithoutCgo(choice modeChoice) string {
	if choice.auto {
		return "build without cgo: remove dist.cgo_enabled"
	}
	return "build without cgo: rust.mode: dlopen"
}
