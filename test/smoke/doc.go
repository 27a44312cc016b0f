// Package smoke builds the berth binary, starts `berth server` as a user
// would, and drives it with the real boto3 and aws CLI from this machine's
// python3 (smoke_boto3.py).
package smoke
