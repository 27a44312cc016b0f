// Package credentials holds the access key pairs berth accepts on its ECS
// API, and is the sigv4.CredentialLookup the edge verifies signatures with.
//
// # Sources
//
// The server always has one primary pair, taken from the first of:
//
//  1. The environment: BERTH_ACCESS_KEY_ID and BERTH_SECRET_ACCESS_KEY
//     (both or neither).
//  2. <data-dir>/credentials, written by an earlier start.
//  3. A new pair, generated on first start (an access key id "BERTH" followed
//     by 16 upper-case letters and digits, a 40-character secret) and saved
//     to <data-dir>/credentials with mode 0600, so later starts reuse it.
//
// More pairs can come from a file named with --credentials (Options.File).
//
// # File format
//
// Both files use the INI format of ~/.aws/credentials, so a section can be
// pasted into it as is:
//
//	# Comments start with # or ;.
//	[ci]
//	aws_access_key_id = BERTHCIKEY0000000001
//	aws_secret_access_key = s3cr3t...
//
//	[profile alice]
//	aws_access_key_id = BERTHALICE0000000001
//	aws_secret_access_key = ...
//
// Each section that sets aws_access_key_id must set aws_secret_access_key
// too, and the other way round; sections that set neither, and other keys
// (region, aws_session_token, ...), are ignored. Key names are not case
// sensitive; "[profile x]" names section x.
//
// # Precedence and conflicts
//
// The environment beats the data-dir file, which beats generating; the
// data-dir file is neither read nor written when the environment sets the
// pair. The pairs of the --credentials file are added to the primary one. An
// access key id defined twice with the same secret is accepted once; with
// different secrets it is an error naming both places, since silently
// picking one would lock a client out.
//
// A Store is immutable and safe for concurrent use.
package credentials
