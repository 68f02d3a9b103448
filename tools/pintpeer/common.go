package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// loadOrCreateKey reads dir/key.json or creates it (mode 0600) with a fresh key.
func loadOrCreateKey(dir, alg string) (*Signer, error) {
	path := filepath.Join(dir, "key.json")
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		k, err := NewKey(alg)
		if err != nil {
			return nil, err
		}
		data, _ = json.MarshalIndent(k, "", "  ")
		if err := writeFileAtomic(path, data, 0o600); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	var k JWK
	if err := json.Unmarshal(data, &k); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return NewSigner(k)
}

// writeFileAtomic writes via a temporary file, fsync and rename.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), perm); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// fileStore persists one JSON value (the whole state) atomically.
type fileStore struct {
	path string
}

func (s fileStore) load(v any) error {
	data, err := os.ReadFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

func (s fileStore) save(v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(s.path, data, 0o600)
}

// blobStore keeps additional documents by checksum.
type blobStore struct{ dir string }

func (b blobStore) put(checksum string, data []byte) error {
	if !isHex64(checksum) {
		return fmt.Errorf("bad checksum %q", checksum)
	}
	return writeFileAtomic(filepath.Join(b.dir, checksum), data, 0o600)
}

func (b blobStore) get(checksum string) ([]byte, bool) {
	if !isHex64(checksum) {
		return nil, false
	}
	data, err := os.ReadFile(filepath.Join(b.dir, checksum))
	return data, err == nil
}

func (b blobStore) has(checksum string) bool {
	_, ok := b.get(checksum)
	return ok
}

// keySource resolves a JWKS from an http(s) URL or a file, cached, refetched
// when a signature names a key the cache does not have.
type keySource struct {
	mu      sync.Mutex
	where   string
	cached  JWKS
	fetched time.Time
	client  *http.Client
}

func newKeySource(where string) *keySource {
	return &keySource{where: where, client: &http.Client{Timeout: 5 * time.Second}}
}

func (k *keySource) keys(ctx context.Context, fresh bool) (JWKS, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !fresh && len(k.cached.Keys) > 0 && time.Since(k.fetched) < 5*time.Minute {
		return k.cached, nil
	}
	var data []byte
	var err error
	if strings.HasPrefix(k.where, "http://") || strings.HasPrefix(k.where, "https://") {
		req, rerr := http.NewRequestWithContext(ctx, http.MethodGet, k.where, nil)
		if rerr != nil {
			return JWKS{}, rerr
		}
		resp, herr := k.client.Do(req)
		if herr != nil {
			if len(k.cached.Keys) > 0 {
				return k.cached, nil
			}
			return JWKS{}, herr
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return JWKS{}, fmt.Errorf("GET %s: %s", k.where, resp.Status)
		}
		data, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	} else {
		data, err = os.ReadFile(k.where)
	}
	if err != nil {
		return JWKS{}, err
	}
	var set JWKS
	if err := json.Unmarshal(data, &set); err != nil {
		return JWKS{}, fmt.Errorf("JWKS at %s: %w", k.where, err)
	}
	for i := range set.Keys {
		set.Keys[i].D = "" // never keep a private part that a careless peer published
	}
	k.cached, k.fetched = set, time.Now()
	return set, nil
}

// verifyFrom verifies a compact JWS against a key source, refetching once
// when the cached keys do not verify it (key rotation).
func verifyFrom(ctx context.Context, src *keySource, compact string) ([]byte, error) {
	if src == nil {
		return nil, fmt.Errorf("%w: no keys are configured for the signer", ErrSignature)
	}
	set, err := src.keys(ctx, false)
	if err != nil {
		return nil, fmt.Errorf("%w: the signer's keys cannot be read: %v", ErrSignature, err)
	}
	payload, _, verr := Verify(compact, set)
	if verr == nil {
		return payload, nil
	}
	if set2, err := src.keys(ctx, true); err == nil {
		if payload, _, err := Verify(compact, set2); err == nil {
			return payload, nil
		}
	}
	return nil, verr
}

// jwsPayloadUnverified decodes a compact JWS's payload without verifying it
// (to learn which platform claims to have signed it; verified right after).
func jwsPayloadUnverified(compact string) ([]byte, error) {
	parts := strings.Split(compact, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: not a compact JWS", ErrSignature)
	}
	p, err := b64.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("%w: payload is not base64url", ErrSignature)
	}
	return p, nil
}

func newRef(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// postJSON sends a JSON body and returns the status and (bounded) body.
func doJSON(ctx context.Context, client *http.Client, method, url string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(string(body)))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("API-Version", "3")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	return resp.StatusCode, data, err
}

func serveJWKS(s *Signer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(s.JWKS())
	}
}

// verifyAny verifies against the first of several key sources that accepts;
// the error is the first source's when none does.
func verifyAny(ctx context.Context, srcs []*keySource, compact string) ([]byte, error) {
	if len(srcs) == 0 {
		return nil, fmt.Errorf("%w: no keys are configured for the signer", ErrSignature)
	}
	var first error
	for _, src := range srcs {
		payload, err := verifyFrom(ctx, src, compact)
		if err == nil {
			return payload, nil
		}
		if first == nil {
			first = err
		}
	}
	return nil, first
}
