//go:build tools

// Package tools pins the command this module builds, so that `go mod tidy`
// records every dependency it needs.
package tools

import _ "sigs.k8s.io/aws-iam-authenticator/cmd/aws-iam-authenticator"
