package control

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// Attribute rules of ECS: names 1..128 of letters, digits and - _ / \ .;
// values 1..128 of letters, digits, - _ . @ / \ : and spaces, not starting
// or ending with a space; name-only attributes (capabilities) have no
// value.
const maxAttrLen = 128

// Attributes berth derives from a registration.
const (
	attrAvailabilityZone = "ecs.availability-zone"
	attrInstanceType     = "ecs.instance-type"
	attrAMIID            = "ecs.ami-id"
	attrCPUArchitecture  = "ecs.cpu-architecture"
	// attrCapacityProvider carries the capacity provider of a registering
	// instance. The RegisterContainerInstance request of the model has no
	// capacityProviderName member, so berth accepts it as this attribute,
	// moves its value to the instance's capacityProviderName and does not
	// keep it as an attribute.
	attrCapacityProvider = "berth.capacity-provider"
)

// validateAttribute checks one attribute's name and value.
func validateAttribute(a ecsmodel.Attribute) error {
	if n := len(a.Name); n < 1 || n > maxAttrLen || !attrChars(a.Name, "-_/\\.") {
		return ecs.InvalidParameter("Invalid attribute name %q: 1 to %d letters, numbers, hyphens, underscores, slashes, backslashes and periods are allowed.", a.Name, maxAttrLen)
	}
	if a.Value == "" {
		return nil
	}
	if n := len(a.Value); n > maxAttrLen || !attrChars(a.Value, "-_.@/\\: ") || strings.HasPrefix(a.Value, " ") || strings.HasSuffix(a.Value, " ") {
		return ecs.InvalidParameter("Invalid value for attribute %s: up to %d letters, numbers and - _ . @ / \\ : or spaces (not leading or trailing) are allowed.", a.Name, maxAttrLen)
	}
	return nil
}

// attrChars reports whether s has only ASCII letters, digits and extra.
func attrChars(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(extra, c) >= 0) {
			return false
		}
	}
	return true
}

// setAttribute sets name=value in attrs (sorted by name), replacing an
// attribute of that name; it returns the new list.
func setAttribute(attrs []ecsmodel.Attribute, name, value string) []ecsmodel.Attribute {
	i, found := slices.BinarySearchFunc(attrs, name, func(a ecsmodel.Attribute, n string) int { return strings.Compare(a.Name, n) })
	if found {
		attrs[i].Value = value
		return attrs
	}
	return slices.Insert(attrs, i, ecsmodel.Attribute{Name: name, Value: value})
}

// identityDocument holds the fields berth reads from an EC2 instance
// identity document (the JSON the instance metadata service serves). The
// signature is not verified.
type identityDocument struct {
	InstanceID       string `json:"instanceId"`
	AvailabilityZone string `json:"availabilityZone"`
	InstanceType     string `json:"instanceType"`
	ImageID          string `json:"imageId"`
	Architecture     string `json:"architecture"`
}

// maxEC2IDLen bounds the instanceId berth keys registrations by.
const maxEC2IDLen = 255

// parseIdentity reads an identity document; "" is an empty document.
func parseIdentity(doc string) (identityDocument, error) {
	var id identityDocument
	if doc == "" {
		return id, nil
	}
	if err := json.Unmarshal([]byte(doc), &id); err != nil {
		return id, ecs.InvalidParameter("The instance identity document is not valid JSON.")
	}
	if len(id.InstanceID) > maxEC2IDLen {
		return id, ecs.InvalidParameter("The instanceId of the instance identity document is longer than %d characters.", maxEC2IDLen)
	}
	return id, nil
}

// registrationAttributes validates the attributes of a registration and
// adds those berth derives from the identity document, which win over the
// agent's: ecs.availability-zone, ecs.instance-type, ecs.ami-id and
// ecs.cpu-architecture. It returns them sorted by name, and the capacity
// provider named by the berth.capacity-provider attribute.
func registrationAttributes(in []ecsmodel.Attribute, id identityDocument) ([]ecsmodel.Attribute, string, error) {
	var attrs []ecsmodel.Attribute
	provider := ""
	for _, a := range in {
		if err := validateAttribute(a); err != nil {
			return nil, "", err
		}
		if a.Name == attrCapacityProvider {
			provider = a.Value
			continue
		}
		attrs = setAttribute(attrs, a.Name, a.Value)
	}
	for _, d := range []struct{ name, value string }{
		{attrAvailabilityZone, id.AvailabilityZone},
		{attrInstanceType, id.InstanceType},
		{attrAMIID, id.ImageID},
		{attrCPUArchitecture, id.Architecture},
	} {
		if d.value == "" {
			continue
		}
		if err := validateAttribute(ecsmodel.Attribute{Name: d.name, Value: d.value}); err != nil {
			return nil, "", err
		}
		attrs = setAttribute(attrs, d.name, d.value)
	}
	return nonNil(attrs), provider, nil
}
