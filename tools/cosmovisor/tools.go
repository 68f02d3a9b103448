//go:build tools

// Package cosmovisor pins cosmovisor, the process manager that switches a
// node to the binary of a named upgrade at its height. The upgrade
// rehearsal builds it with `make cosmovisor` (bin/cosmovisor).
package cosmovisor

import _ "cosmossdk.io/tools/cosmovisor/cmd/cosmovisor"
