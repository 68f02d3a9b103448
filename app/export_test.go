package app

// QueryTreeLoads is how many heights' IAVL trees the query store has loaded.
func (app *App) QueryTreeLoads() uint64 { return app.queries.loads.Load() }
