package docstore

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"
)

// A challenge is a server-issued nonce bound to the zone's chain id, the
// gateway's account and an expiry, signed by the client with ADR-036. It is
// good for one request: the server forgets it on first use, so a replayed
// signature finds no challenge; a challenge of another zone or gateway names
// that zone or gateway in its text, which this server never issued.
type Challenge struct {
	Nonce     string    `json:"nonce"`
	ChainID   string    `json:"chain_id"`
	Gateway   string    `json:"gateway"`
	ExpiresAt time.Time `json:"expires_at"`
	// Text is what the client signs (ADR-036 data), exactly.
	Text string `json:"text"`
}

// ChallengeText is the text of a challenge.
func ChallengeText(chainID, gateway, nonce string, expires time.Time) string {
	return fmt.Sprintf("tradechain docstore access\nchain_id: %s\ngateway: %s\nnonce: %s\nexpires: %s",
		chainID, gateway, nonce, expires.UTC().Format(time.RFC3339))
}

// Challenges issues and redeems single-use challenges.
type Challenges struct {
	chainID, gateway string
	ttl              time.Duration
	max              int
	now              func() time.Time
	mu               sync.Mutex
	open             map[string]Challenge
}

// NewChallenges issues challenges for chainID and gateway, each valid ttl;
// at most max are outstanding (expired ones are swept first).
func NewChallenges(chainID, gateway string, ttl time.Duration, max int) *Challenges {
	return &Challenges{chainID: chainID, gateway: gateway, ttl: ttl, max: max, now: time.Now, open: map[string]Challenge{}}
}

// ErrTooManyChallenges: the server holds the maximum of outstanding challenges.
var ErrTooManyChallenges = errors.New("too many outstanding challenges: try again shortly")

// Issue makes a new challenge.
func (c *Challenges) Issue() (Challenge, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return Challenge{}, err
	}
	now := c.now()
	ch := Challenge{Nonce: hex.EncodeToString(b[:]), ChainID: c.chainID, Gateway: c.gateway, ExpiresAt: now.Add(c.ttl).UTC().Truncate(time.Second)}
	ch.Text = ChallengeText(ch.ChainID, ch.Gateway, ch.Nonce, ch.ExpiresAt)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.open) >= c.max {
		for n, o := range c.open {
			if !now.Before(o.ExpiresAt) {
				delete(c.open, n)
			}
		}
		if len(c.open) >= c.max {
			return Challenge{}, ErrTooManyChallenges
		}
	}
	c.open[ch.Nonce] = ch
	return ch, nil
}

// Redeem takes the challenge nonce out of the open set: it succeeds once,
// before expiry.
func (c *Challenges) Redeem(nonce string) (Challenge, error) {
	c.mu.Lock()
	ch, ok := c.open[nonce]
	delete(c.open, nonce)
	c.mu.Unlock()
	if !ok {
		return ch, errors.New("unknown or already used challenge: ask for a new one (POST /docstore/v1/challenge); each is good for one request on the zone that issued it")
	}
	if !c.now().Before(ch.ExpiresAt) {
		return ch, fmt.Errorf("challenge expired at %s: ask for a new one", ch.ExpiresAt.Format(time.RFC3339))
	}
	return ch, nil
}
