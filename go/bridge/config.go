package bridge

// DefaultConfig returns the component's default config as JSON.
func (c *Component) DefaultConfig() ([]byte, error) {
	var out otbBuf
	var status otbStatus
	if abiConfigDefault(c.index, &out, &status) != uint32(CodeOK) {
		return nil, statusError(&status)
	}
	json := append([]byte{}, out.bytes()...)
	freeBuf(&out)
	return json, nil
}

// ValidateConfig checks a JSON config; the error names the offending field's path.
func (c *Component) ValidateConfig(json []byte) error {
	var status otbStatus
	if abiConfigValidate(c.index, json, &status) != uint32(CodeOK) {
		return statusError(&status)
	}
	return nil
}
