// aws-auth-parse reads aws-auth ConfigMap data with aws-iam-authenticator's own parser
// (pkg/mapper/configmap.ParseMap) and prints what it keeps, as JSON, so that eksgate's
// reader can be compared with it.
//
// Input, one JSON object per line on stdin: either {"data": {...}} or a plain
// {"mapRoles": "...", ...} map of strings. With file arguments instead, each file is read
// as a ConfigMap manifest (YAML or JSON, decoded the way kubectl decodes it).
//
// Output, one JSON line per input:
//
//	{"mapRoles": {"present": true, "error": "" | "...", "entries": [...]},
//	 "mapUsers": {...}, "mapAccounts": {"present": true, "error": "", "accounts": [...]}}
//
// or {"manifestError": "..."} when a manifest cannot be decoded. Each key is parsed on its
// own, so "error" says which key failed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/sirupsen/logrus"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/aws-iam-authenticator/pkg/mapper/configmap"
	"sigs.k8s.io/yaml"
)

type entry struct {
	RoleARN  *string  `json:"rolearn,omitempty"`
	UserARN  *string  `json:"userarn,omitempty"`
	Username string   `json:"username"`
	Groups   []string `json:"groups"`
	UserID   string   `json:"userid"`
}

type keyResult struct {
	Present  bool     `json:"present"`
	Error    string   `json:"error"`
	Entries  []entry  `json:"entries,omitempty"`
	Accounts []string `json:"accounts,omitempty"`
}

type result struct {
	ManifestError string     `json:"manifestError,omitempty"`
	MapRoles      *keyResult `json:"mapRoles,omitempty"`
	MapUsers      *keyResult `json:"mapUsers,omitempty"`
	MapAccounts   *keyResult `json:"mapAccounts,omitempty"`
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func parseKey(data map[string]string, key string) *keyResult {
	value, ok := data[key]
	if !ok {
		return &keyResult{Present: false}
	}
	users, roles, accounts, err := configmap.ParseMap(map[string]string{key: value})
	out := &keyResult{Present: true, Error: errText(err)}
	switch key {
	case "mapRoles":
		out.Entries = []entry{}
		for _, r := range roles {
			arn := r.RoleARN
			out.Entries = append(out.Entries, entry{RoleARN: &arn, Username: r.Username, Groups: r.Groups, UserID: r.UserId})
		}
	case "mapUsers":
		out.Entries = []entry{}
		for _, u := range users {
			arn := u.UserARN
			out.Entries = append(out.Entries, entry{UserARN: &arn, Username: u.Username, Groups: u.Groups, UserID: u.UserId})
		}
	case "mapAccounts":
		out.Accounts = append([]string{}, accounts...)
	}
	return out
}

func parseData(data map[string]string) result {
	return result{
		MapRoles:    parseKey(data, "mapRoles"),
		MapUsers:    parseKey(data, "mapUsers"),
		MapAccounts: parseKey(data, "mapAccounts"),
	}
}

func fromLine(line []byte) result {
	var wrapped struct {
		Data map[string]string `json:"data"`
	}
	if err := json.Unmarshal(line, &wrapped); err == nil && wrapped.Data != nil {
		return parseData(wrapped.Data)
	}
	var plain map[string]string
	if err := json.Unmarshal(line, &plain); err != nil {
		return result{ManifestError: err.Error()}
	}
	return parseData(plain)
}

func fromManifest(path string) result {
	bytes, err := os.ReadFile(path)
	if err != nil {
		return result{ManifestError: err.Error()}
	}
	var cm corev1.ConfigMap
	if err := yaml.Unmarshal(bytes, &cm); err != nil {
		return result{ManifestError: err.Error()}
	}
	if cm.Data == nil {
		cm.Data = map[string]string{}
	}
	return parseData(cm.Data)
}

func main() {
	// ParseMap logs every error it returns; the errors are in the output already.
	logrus.SetOutput(io.Discard)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	encoder := json.NewEncoder(out)
	encoder.SetEscapeHTML(false)
	emit := func(r result) {
		if err := encoder.Encode(r); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	if len(os.Args) > 1 {
		for _, path := range os.Args[1:] {
			emit(fromManifest(path))
		}
		return
	}
	scanner := bufio.NewScanner(os.Stdin)
	scanner.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for scanner.Scan() {
		emit(fromLine(scanner.Bytes()))
		// One result per line as soon as it is known, so a caller can stream.
		if err := out.Flush(); err != nil {
			os.Exit(2)
		}
	}
	if err := scanner.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
