package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// EC2 RunInstances as --ec2-instances sends it. Emulators of the whole of
// AWS (moto) check that the instanceId of a registration's identity
// document names an EC2 instance they know, so setup creates those
// instances first, at the same endpoint. The request is the EC2 Query
// protocol, signed with the SDK's SigV4 signer; it is made by hand to keep
// the large EC2 client out of the binary.
const (
	ec2APIVersion   = "2016-11-15"
	ec2ImageID      = "ami-0be0c4be0c4be0c40"
	ec2InstanceType = "m5.large"
	ec2BatchSize    = 100
)

// ec2Runner creates EC2 instances with RunInstances.
type ec2Runner struct {
	hc       *http.Client
	endpoint string
	region   string
	creds    aws.CredentialsProvider
}

// runInstancesResponse is the part of the RunInstances response read.
type runInstancesResponse struct {
	InstanceIDs []string `xml:"instancesSet>item>instanceId"`
}

// ec2ErrorResponse is the EC2 Query error document.
type ec2ErrorResponse struct {
	Code    string `xml:"Errors>Error>Code"`
	Message string `xml:"Errors>Error>Message"`
}

// run creates n instances and returns their ids.
func (e ec2Runner) run(ctx context.Context, n int) ([]string, error) {
	ids := make([]string, 0, n)
	for len(ids) < n {
		batch := min(n-len(ids), ec2BatchSize)
		got, err := e.runBatch(ctx, batch)
		if err != nil {
			return nil, fmt.Errorf("setup: EC2 RunInstances: %w", err)
		}
		if len(got) != batch {
			return nil, fmt.Errorf("setup: EC2 RunInstances returned %d instances, want %d", len(got), batch)
		}
		ids = append(ids, got...)
	}
	return ids, nil
}

func (e ec2Runner) runBatch(ctx context.Context, n int) ([]string, error) {
	form := url.Values{
		"Action":       {"RunInstances"},
		"Version":      {ec2APIVersion},
		"ImageId":      {ec2ImageID},
		"InstanceType": {ec2InstanceType},
		"MinCount":     {strconv.Itoa(n)},
		"MaxCount":     {strconv.Itoa(n)},
	}
	body := []byte(form.Encode())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(e.endpoint, "/")+"/", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	creds, err := e.creds.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("retrieving credentials: %w", err)
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "ec2", e.region, time.Now()); err != nil {
		return nil, err
	}
	resp, err := e.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		var ee ec2ErrorResponse
		if xml.Unmarshal(data, &ee) == nil && ee.Code != "" {
			return nil, fmt.Errorf("%s: %s", ee.Code, ee.Message)
		}
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	var out runInstancesResponse
	if err := xml.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("reading the response: %w", err)
	}
	return out.InstanceIDs, nil
}
