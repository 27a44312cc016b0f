package cli

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// buildRequest assembles the request parameters of one command line:
// --cli-input-json first, then every flag given on top of it (flags win,
// member by member, as in the aws CLI). It checks types, unknown and
// missing members, fills idempotency tokens, decodes the result into the
// ecsmodel request type and runs its Validate. It returns the JSON body to
// send; any error is a usageError and nothing has been sent.
func buildRequest(op *operation, a *opArgs) ([]byte, error) {
	params, err := requestParams(op, a)
	if err != nil {
		return nil, err
	}
	fillIdempotencyTokens(op, params)
	body, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	if err := validateModel(op, body); err != nil {
		return nil, err
	}
	return body, nil
}

// requestParams merges --cli-input-json and the flags into the request's
// top-level members, converted and checked against the model but not yet
// given tokens or run through Validate.
func requestParams(op *operation, a *opArgs) (map[string]any, error) {
	var c converter
	params := make(map[string]any)
	if a.hasInputJSON {
		text, err := loadParamFile("cli-input-json", a.cliInputJSON)
		if err != nil {
			return nil, err
		}
		raw, err := decodeJSON([]byte(text))
		if err != nil {
			return nil, &usageError{msg: fmt.Sprintf("Error parsing parameter '--cli-input-json': Invalid JSON: %v\nJSON received: %s", err, text)}
		}
		if _, ok := raw.(map[string]any); !ok {
			return nil, &usageError{msg: "Error parsing parameter '--cli-input-json': the JSON must be an object of the operation's input members"}
		}
		if m, ok := c.convert(op.Input, raw, "", false).(map[string]any); ok {
			params = m
		}
	}
	for _, p := range op.Params {
		if words, ok := a.values[p.Flag]; ok {
			v, err := c.flagValue(p, append([]string(nil), words...))
			if err != nil {
				return nil, err
			}
			params[p.Member.Name] = v
		}
		if b, ok := a.bools[p.Flag]; ok {
			params[p.Member.Name] = b
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	c.checkRequired(op.Input, params, "")
	if err := c.err(); err != nil {
		return nil, err
	}
	return params, nil
}

// fillIdempotencyTokens puts a random UUID in every idempotency-token
// member the caller left out, as botocore does (RunTask's clientToken).
func fillIdempotencyTokens(op *operation, params map[string]any) {
	for _, p := range op.Params {
		if _, set := params[p.Member.Name]; !set && p.Member.IdempotencyToken {
			params[p.Member.Name] = newUUID()
		}
	}
}

// validateModel decodes the body into the operation's ecsmodel request
// type and runs the model's Validate on it.
func validateModel(op *operation, body []byte) error {
	in := ecsmodel.NewInput(op.Name)
	if in == nil {
		return fmt.Errorf("no request type for %s", op.Name)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(in); err != nil {
		return &usageError{msg: "Parameter validation failed:\n" + err.Error()}
	}
	v, ok := in.(interface{ Validate() error })
	if !ok {
		return nil
	}
	if err := v.Validate(); err != nil {
		var ve *ecsmodel.ValidationError
		if errors.As(err, &ve) {
			return &usageError{msg: "Parameter validation failed:\n" + strings.Join(ve.Problems, "\n")}
		}
		return &usageError{msg: "Parameter validation failed:\n" + err.Error()}
	}
	return nil
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
