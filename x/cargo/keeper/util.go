package keeper

import (
	"errors"

	"cosmossdk.io/collections"
)

func isNotFound(err error) bool { return errors.Is(err, collections.ErrNotFound) }

func joinKey(id string, seq uint64) collections.Pair[string, uint64] {
	return collections.Join(id, seq)
}
