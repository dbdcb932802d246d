// Command etcd is the stock etcd server, compiled from its Go module so the
// test suite does not depend on a distribution package.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
