package docstore

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Signer signs ADR-036 sign bytes with a chain key (a keyring entry, Keplr).
type Signer interface {
	Address() string
	SignADR036(signBytes []byte) (sig, pubKey []byte, err error)
}

// Client is the API's Go client (the CLI's docstore upload and fetch).
type Client struct {
	Base string // e.g. http://127.0.0.1:8480
	HTTP *http.Client
}

func (c Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

// Auth fetches a challenge and returns the signed headers for one request.
func (c Client) Auth(s Signer) (http.Header, error) {
	res, err := c.http().Post(strings.TrimRight(c.Base, "/")+Prefix+"challenge", "application/json", nil)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		return nil, fmt.Errorf("challenge: %s: %s", res.Status, b)
	}
	var ch Challenge
	if err := json.NewDecoder(res.Body).Decode(&ch); err != nil {
		return nil, err
	}
	sig, pub, err := s.SignADR036(ADR036SignBytes(s.Address(), []byte(ch.Text)))
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set(HeaderNonce, ch.Nonce)
	h.Set(HeaderSigner, s.Address())
	h.Set(HeaderPubKey, base64.StdEncoding.EncodeToString(pub))
	h.Set(HeaderSignature, base64.StdEncoding.EncodeToString(sig))
	return h, nil
}

func (c Client) do(s Signer, method, path string, body io.Reader, size int64) (*http.Response, error) {
	h, err := c.Auth(s)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(method, strings.TrimRight(c.Base, "/")+path, body)
	if err != nil {
		return nil, err
	}
	req.Header = h
	if size >= 0 {
		req.ContentLength = size
	}
	return c.http().Do(req)
}

// APIError is a refusal by the store.
type APIError struct {
	Status int
	Code   string
	Msg    string
}

func (e *APIError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Msg) }

func readErr(res *http.Response) error {
	var e apiError
	b, _ := io.ReadAll(res.Body)
	if json.Unmarshal(b, &e) != nil || e.Error == "" {
		e.Error = string(b)
	}
	return &APIError{Status: res.StatusCode, Code: e.Code, Msg: e.Error}
}

// Upload stores a document the signer owns under hash.
func (c Client) Upload(s Signer, hash string, body []byte) error {
	res, err := c.do(s, http.MethodPut, Prefix+"documents/"+hash, strings.NewReader(string(body)), int64(len(body)))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		return readErr(res)
	}
	return nil
}

// Fetch reads a document under a consent; it returns the bytes and the
// access record the chain holds for this read.
func (c Client) Fetch(s Signer, hash string, consent uint64) ([]byte, string, error) {
	res, err := c.do(s, http.MethodGet, fmt.Sprintf("%sdocuments/%s?consent=%d", Prefix, hash, consent), nil, -1)
	if err != nil {
		return nil, "", err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, "", readErr(res)
	}
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, "", err
	}
	if got, err := DocumentHash(b); err != nil || got != hash {
		return nil, "", fmt.Errorf("the store sent bytes hashing to %s, not %s", got, hash)
	}
	return b, res.Header.Get("X-Docstore-Access-Record"), nil
}
