package docstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	_ "github.com/lib/pq" // PostgreSQL driver
)

// PostgresBackend is the production backend: one table, each Put one
// committed INSERT (PostgreSQL's WAL makes it durable before COMMIT returns).
type PostgresBackend struct{ db *sql.DB }

const pgSchema = `CREATE TABLE IF NOT EXISTS docstore_objects (
	hash    TEXT PRIMARY KEY CHECK (hash ~ '^[0-9a-f]{64}$'),
	owner   TEXT NOT NULL,
	sealed  BYTEA NOT NULL,
	stored  TIMESTAMPTZ NOT NULL
)`

// OpenPostgres connects with a lib/pq DSN (e.g. "host=/run/pg dbname=docstore
// sslmode=disable") and creates the table if needed.
func OpenPostgres(ctx context.Context, dsn string) (*PostgresBackend, error) {
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(32)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if _, err := db.ExecContext(ctx, pgSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres schema: %w", err)
	}
	return &PostgresBackend{db: db}, nil
}

// Put implements Backend.
func (p *PostgresBackend) Put(ctx context.Context, o Object) error {
	_, err := p.db.ExecContext(ctx, `INSERT INTO docstore_objects (hash, owner, sealed, stored) VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING`,
		o.Hash, o.Owner, o.Sealed, o.Stored.UTC())
	return err
}

// Replace implements Backend.
func (p *PostgresBackend) Replace(ctx context.Context, o Object) error {
	_, err := p.db.ExecContext(ctx, `UPDATE docstore_objects SET sealed = $2 WHERE hash = $1`, o.Hash, o.Sealed)
	return err
}

// Get implements Backend.
func (p *PostgresBackend) Get(ctx context.Context, hash string) (Object, error) {
	o := Object{Hash: hash}
	err := p.db.QueryRowContext(ctx, `SELECT owner, sealed, stored FROM docstore_objects WHERE hash = $1`, hash).Scan(&o.Owner, &o.Sealed, &o.Stored)
	if errors.Is(err, sql.ErrNoRows) {
		return o, ErrNotFound
	}
	return o, err
}

// Has implements Backend.
func (p *PostgresBackend) Has(ctx context.Context, hash string) (bool, error) {
	var one int
	err := p.db.QueryRowContext(ctx, `SELECT 1 FROM docstore_objects WHERE hash = $1`, hash).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// Each implements Backend.
func (p *PostgresBackend) Each(ctx context.Context, fn func(string) error) error {
	rows, err := p.db.QueryContext(ctx, `SELECT hash FROM docstore_objects ORDER BY hash`)
	if err != nil {
		return err
	}
	var hashes []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			rows.Close()
			return err
		}
		hashes = append(hashes, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, h := range hashes {
		if err := fn(h); err != nil {
			return err
		}
	}
	return nil
}

// Close implements Backend.
func (p *PostgresBackend) Close() error { return p.db.Close() }
