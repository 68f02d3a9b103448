package docstore

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Objects are encrypted at rest with AES-256-GCM. The keys live in the
// operator's home, <home>/docstore/keys/<id>.key (64 hex characters, mode
// 0600); <home>/docstore/keys/CURRENT names the key new objects are sealed
// with. A sealed object is
//
//	"TCD1" ‖ len(key id) (1 byte) ‖ key id ‖ nonce (12 random bytes) ‖ GCM(ciphertext ‖ tag)
//
// with the object's hash as additional data, so a ciphertext moved under
// another hash fails to open. Each object has its own random nonce.
//
// Rotation: RotateKey writes a new key and makes it CURRENT; objects sealed
// under older keys still open (their key id is in the header) and Rekey
// re-seals them under the current key, after which the old key file can be
// removed.

const sealMagic = "TCD1"

// Keyring holds the encryption keys of a store.
type Keyring struct {
	dir     string
	mu      sync.RWMutex
	keys    map[string]cipher.AEAD
	current string
}

// KeyDir is where a home's docstore keys live.
func KeyDir(home string) string { return filepath.Join(home, "docstore", "keys") }

// OpenKeyring loads the keys in dir, creating the first key if there is none.
func OpenKeyring(dir string) (*Keyring, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	kr := &Keyring{dir: dir, keys: map[string]cipher.AEAD{}}
	if err := kr.load(); err != nil {
		return nil, err
	}
	if kr.current == "" {
		if _, err := kr.RotateKey(); err != nil {
			return nil, err
		}
	}
	return kr, nil
}

func (kr *Keyring) load() error {
	entries, err := os.ReadDir(kr.dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".key")
		if !ok || e.IsDir() {
			continue
		}
		bz, err := os.ReadFile(filepath.Join(kr.dir, e.Name()))
		if err != nil {
			return err
		}
		key, err := hex.DecodeString(strings.TrimSpace(string(bz)))
		if err != nil || len(key) != 32 {
			return fmt.Errorf("key file %s: want 64 hex characters (AES-256)", e.Name())
		}
		aead, err := newAEAD(key)
		if err != nil {
			return err
		}
		kr.keys[id] = aead
	}
	cur, err := os.ReadFile(filepath.Join(kr.dir, "CURRENT"))
	switch {
	case errors.Is(err, os.ErrNotExist):
		if len(kr.keys) > 0 {
			return fmt.Errorf("%s has keys but no CURRENT file naming the key to seal with", kr.dir)
		}
		return nil
	case err != nil:
		return err
	}
	kr.current = strings.TrimSpace(string(cur))
	if _, ok := kr.keys[kr.current]; !ok {
		return fmt.Errorf("CURRENT names key %q, which is not in %s", kr.current, kr.dir)
	}
	return nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// RotateKey creates a new random key, makes it current and returns its id.
func (kr *Keyring) RotateKey() (string, error) {
	kr.mu.Lock()
	defer kr.mu.Unlock()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return "", err
	}
	sum := sha256.Sum256(key)
	id := fmt.Sprintf("k%d-%s", len(kr.keys)+1, hex.EncodeToString(sum[:4]))
	if err := writeFileSync(filepath.Join(kr.dir, id+".key"), []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		return "", err
	}
	if err := writeFileSync(filepath.Join(kr.dir, "CURRENT"), []byte(id+"\n"), 0o600); err != nil {
		return "", err
	}
	aead, err := newAEAD(key)
	if err != nil {
		return "", err
	}
	kr.keys[id], kr.current = aead, id
	return id, nil
}

// Current is the id of the key new objects are sealed with.
func (kr *Keyring) Current() string {
	kr.mu.RLock()
	defer kr.mu.RUnlock()
	return kr.current
}

// KeyIDs lists the keys present.
func (kr *Keyring) KeyIDs() []string {
	kr.mu.RLock()
	defer kr.mu.RUnlock()
	ids := make([]string, 0, len(kr.keys))
	for id := range kr.keys {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Seal encrypts plaintext for the object hash under the current key.
func (kr *Keyring) Seal(hash string, plaintext []byte) ([]byte, error) {
	kr.mu.RLock()
	id, aead := kr.current, kr.keys[kr.current]
	kr.mu.RUnlock()
	if aead == nil {
		return nil, errors.New("docstore: no current key")
	}
	out := make([]byte, 0, len(sealMagic)+1+len(id)+aead.NonceSize()+len(plaintext)+aead.Overhead())
	out = append(out, sealMagic...)
	out = append(out, byte(len(id)))
	out = append(out, id...)
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plaintext, []byte(hash)), nil
}

// KeyOf returns the id of the key a sealed object was sealed with.
func KeyOf(sealed []byte) (string, error) {
	if len(sealed) < len(sealMagic)+1 || string(sealed[:len(sealMagic)]) != sealMagic {
		return "", errors.New("docstore: not a sealed object")
	}
	n := int(sealed[len(sealMagic)])
	if len(sealed) < len(sealMagic)+1+n {
		return "", errors.New("docstore: truncated sealed object")
	}
	return string(sealed[len(sealMagic)+1 : len(sealMagic)+1+n]), nil
}

// Open decrypts a sealed object of hash and checks that the plaintext hashes
// to it (DocumentHash), so a corrupted or substituted object is never served.
func (kr *Keyring) Open(hash string, sealed []byte) ([]byte, error) {
	id, err := KeyOf(sealed)
	if err != nil {
		return nil, err
	}
	kr.mu.RLock()
	aead := kr.keys[id]
	kr.mu.RUnlock()
	if aead == nil {
		return nil, fmt.Errorf("docstore: object %s is sealed with key %q, which is not in the keyring", hash, id)
	}
	rest := sealed[len(sealMagic)+1+len(id):]
	if len(rest) < aead.NonceSize()+aead.Overhead() {
		return nil, errors.New("docstore: truncated sealed object")
	}
	pt, err := aead.Open(nil, rest[:aead.NonceSize()], rest[aead.NonceSize():], []byte(hash))
	if err != nil {
		return nil, fmt.Errorf("docstore: object %s fails authentication: %w", hash, err)
	}
	if got, err := DocumentHash(pt); err != nil || got != hash {
		return nil, fmt.Errorf("docstore: object %s decrypts to bytes hashing to %s", hash, got)
	}
	return pt, nil
}

// writeFileSync writes a file atomically: temp file, fsync, rename, fsync dir.
func writeFileSync(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
