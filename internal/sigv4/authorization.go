package sigv4

import (
	"strings"
)

// Authorization is a parsed SigV4 Authorization header:
//
//	AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/ecs/aws4_request, SignedHeaders=host;x-amz-date, Signature=<hex>
type Authorization struct {
	Algorithm string
	// AccessKeyID, Date (yyyymmdd), Region, Service and Terminator are the
	// five slash-separated elements of the Credential parameter.
	AccessKeyID string
	Date        string
	Region      string
	Service     string
	Terminator  string
	// SignedHeaders holds the lower-cased names of SignedHeaders in the
	// order the client gave them; the canonical request lists them so.
	SignedHeaders []string
	Signature     string
}

// Scope is the credential scope "date/region/service/terminator".
func (a Authorization) Scope() string {
	return a.Date + "/" + a.Region + "/" + a.Service + "/" + a.Terminator
}

// String writes a back in the header form clients send.
func (a Authorization) String() string {
	return a.Algorithm + " Credential=" + a.AccessKeyID + "/" + a.Scope() +
		", SignedHeaders=" + strings.Join(a.SignedHeaders, ";") +
		", Signature=" + a.Signature
}

// ParseAuthorization parses the value of an Authorization header. It follows
// the AWS front end: the algorithm is the first space-separated word, the
// rest is split on commas and white space into key=value pairs, Credential,
// SignedHeaders and Signature are required (unknown keys are ignored), the
// credential must have five slash-separated elements and SignedHeaders must
// name host. Errors are *Error values with Code IncompleteSignatureException.
//
// ParseAuthorization checks the shape only: the scope's date, region,
// service and terminator are checked by Verifier against the request.
func ParseAuthorization(header string) (Authorization, error) {
	a, err := parseAuthorization(header, true)
	if err != nil {
		return Authorization{}, err
	}
	return a, nil
}

// parseAuthorization does the work of ParseAuthorization. hasDate tells
// whether the request carries an X-Amz-Date or Date header; AWS reports a
// missing date in the same message as missing parameters.
func parseAuthorization(header string, hasDate bool) (Authorization, *Error) {
	var a Authorization
	rest := strings.TrimLeft(header, " \t")
	if i := strings.IndexAny(rest, " \t"); i >= 0 {
		a.Algorithm, rest = rest[:i], rest[i+1:]
	} else {
		a.Algorithm, rest = rest, ""
	}

	var credential, signedHeaders, signature string
	var haveCredential, haveSignedHeaders, haveSignature bool
	for rest != "" {
		var tok string
		if i := strings.IndexAny(rest, ", \t"); i >= 0 {
			tok, rest = rest[:i], rest[i+1:]
		} else {
			tok, rest = rest, ""
		}
		if tok == "" {
			continue
		}
		key, value, ok := strings.Cut(tok, "=")
		if !ok {
			return Authorization{}, errMissingEqualSign(tok, header)
		}
		var dst *string
		var seen *bool
		switch key {
		case "Credential":
			dst, seen = &credential, &haveCredential
		case "SignedHeaders":
			dst, seen = &signedHeaders, &haveSignedHeaders
		case "Signature":
			dst, seen = &signature, &haveSignature
		default:
			continue
		}
		if *seen {
			return Authorization{}, errDuplicateParameter(key, header)
		}
		*dst, *seen = value, true
	}

	if !haveCredential || !haveSignature || !haveSignedHeaders || !hasDate {
		return Authorization{}, errMissingParts(header, haveCredential, haveSignature, haveSignedHeaders, hasDate)
	}
	if a.Algorithm != Algorithm {
		return Authorization{}, errUnsupportedAlgorithm(a.Algorithm)
	}
	if !splitCredential(&a, credential) {
		return Authorization{}, errCredentialShape(credential)
	}
	names, err := splitSignedHeaders(signedHeaders)
	if err != nil {
		return Authorization{}, err
	}
	a.SignedHeaders = names
	a.Signature = signature
	return a, nil
}

// errMissingParts lists every missing piece in one message, in the order and
// words AWS uses, and ends with the header itself.
func errMissingParts(header string, credential, signature, signedHeaders, date bool) *Error {
	var b strings.Builder
	if !credential {
		b.WriteString("Authorization header requires 'Credential' parameter. ")
	}
	if !signature {
		b.WriteString("Authorization header requires 'Signature' parameter. ")
	}
	if !signedHeaders {
		b.WriteString("Authorization header requires 'SignedHeaders' parameter. ")
	}
	if !date {
		b.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
	}
	b.WriteString("Authorization=")
	b.WriteString(header)
	return &Error{Code: CodeIncompleteSignature, Message: b.String()}
}

// splitCredential fills the credential fields of a from
// "AKID/date/region/service/terminator"; it reports false unless there are
// exactly five elements.
func splitCredential(a *Authorization, credential string) bool {
	var parts [5]string
	rest := credential
	for i := 0; i < 4; i++ {
		var ok bool
		parts[i], rest, ok = strings.Cut(rest, "/")
		if !ok {
			return false
		}
	}
	if strings.Contains(rest, "/") {
		return false
	}
	parts[4] = rest
	a.AccessKeyID, a.Date, a.Region, a.Service, a.Terminator = parts[0], parts[1], parts[2], parts[3], parts[4]
	return true
}

// splitSignedHeaders splits "host;x-amz-date" into lower-cased names and
// checks that none is empty and that host is among them.
func splitSignedHeaders(list string) ([]string, *Error) {
	names := strings.Split(list, ";")
	host := false
	for i, n := range names {
		if n == "" {
			if len(names) == 1 {
				return nil, errHostNotSigned()
			}
			return nil, errEmptySignedHeader(list)
		}
		n = strings.ToLower(n)
		names[i] = n
		host = host || n == "host"
	}
	if !host {
		return nil, errHostNotSigned()
	}
	return names, nil
}
