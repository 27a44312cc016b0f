package cli

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// paginator describes how an operation pages, from botocore's
// ecs/2014-11-13/paginators-1.json.
type paginator struct {
	inputToken  string
	outputToken string
	limitKey    string
	resultKey   string
}

var paginators = map[string]paginator{
	"ListAccountSettings":        {"nextToken", "nextToken", "maxResults", "settings"},
	"ListAttributes":             {"nextToken", "nextToken", "maxResults", "attributes"},
	"ListClusters":               {"nextToken", "nextToken", "maxResults", "clusterArns"},
	"ListContainerInstances":     {"nextToken", "nextToken", "maxResults", "containerInstanceArns"},
	"ListServices":               {"nextToken", "nextToken", "maxResults", "serviceArns"},
	"ListServicesByNamespace":    {"nextToken", "nextToken", "maxResults", "serviceArns"},
	"ListTaskDefinitionFamilies": {"nextToken", "nextToken", "maxResults", "families"},
	"ListTaskDefinitions":        {"nextToken", "nextToken", "maxResults", "taskDefinitionArns"},
	"ListTasks":                  {"nextToken", "nextToken", "maxResults", "taskArns"},
}

// paginates reports whether a command line is paginated automatically: the
// operation pages, --no-paginate is absent and the caller did not give the
// paging members (--next-token, --max-results) themselves, which turns
// automatic pagination off as in the aws CLI.
func paginates(op *operation, g globalOptions, a *opArgs) (paginator, bool) {
	p, ok := paginators[op.Name]
	if !ok || g.noPaginate {
		return p, false
	}
	for _, member := range []string{p.inputToken, p.limitKey} {
		if _, given := a.values[kebab(member)]; given {
			return p, false
		}
	}
	return p, true
}

// pageToken is the --starting-token / NextToken the CLI hands out: the
// service's token of the page to resume at and how many of that page's
// results were already shown. It travels as base64 of a JSON object, as
// the aws CLI's does.
type pageToken struct {
	NextToken      string `json:"nextToken,omitempty"`
	TruncateAmount int    `json:"boto_truncate_amount,omitempty"`
}

func (t pageToken) encode() string {
	b, _ := json.Marshal(t)
	return base64.StdEncoding.EncodeToString(b)
}

func decodePageToken(s string) (pageToken, error) {
	var t pageToken
	b, err := base64.StdEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &t)
	}
	if err != nil {
		return t, usagef("Bad starting token: %s", s)
	}
	return t, nil
}

// paginate calls the operation page after page and merges the result lists
// into one response, stopping at --max-items (and then adding NextToken).
// It returns the merged response, decoded with json.Number numbers.
func (c *client) paginate(ctx context.Context, op *operation, p paginator, body []byte, paging pagingArgs) (map[string]any, string, error) {
	params := make(map[string]any)
	if v, err := decodeJSON(body); err == nil {
		params, _ = v.(map[string]any)
	}
	var start pageToken
	if paging.startingToken != "" {
		var err error
		if start, err = decodePageToken(paging.startingToken); err != nil {
			return nil, "", err
		}
	}
	if paging.pageSize > 0 {
		params[p.limitKey] = paging.pageSize
	}
	token, skip := start.NextToken, start.TruncateAmount
	var merged map[string]any
	results := []any{}
	nextOut := ""
	for {
		if token != "" {
			params[p.inputToken] = token
		} else {
			delete(params, p.inputToken)
		}
		reqBody, err := json.Marshal(params)
		if err != nil {
			return nil, "", err
		}
		raw, err := c.call(ctx, op.Name, reqBody)
		if err != nil {
			return nil, "", err
		}
		page, err := decodeResponse(raw)
		if err != nil {
			return nil, "", err
		}
		if merged == nil {
			merged = page
		}
		items, _ := page[p.resultKey].([]any)
		items = items[min(skip, len(items)):]
		next, _ := page[p.outputToken].(string)
		if paging.maxItems > 0 && len(results)+len(items) >= paging.maxItems {
			need := paging.maxItems - len(results)
			results = append(results, items[:need]...)
			switch {
			case need < len(items):
				nextOut = pageToken{NextToken: token, TruncateAmount: skip + need}.encode()
			case next != "":
				nextOut = pageToken{NextToken: next}.encode()
			}
			break
		}
		results = append(results, items...)
		if next == "" {
			break
		}
		if next == token {
			return nil, "", fmt.Errorf("the same next token was received twice: %s", next)
		}
		token, skip = next, 0
	}
	merged[p.resultKey] = results
	delete(merged, p.outputToken)
	return merged, nextOut, nil
}

// decodeResponse decodes a response body (empty means {}).
func decodeResponse(raw []byte) (map[string]any, error) {
	if len(raw) == 0 {
		return map[string]any{}, nil
	}
	v, err := decodeJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("the service sent a response that is not JSON: %v", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the service sent a response that is not a JSON object")
	}
	return m, nil
}
