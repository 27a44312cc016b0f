package agentbridge

import "sync"

// workers runs functions on a fixed set of long-lived goroutines, so that
// the deep calls into the control plane do not grow a fresh goroutine's
// stack each time. It starts with the first use and ends with stop; after
// stop, functions run on the caller's goroutine.
type workers struct {
	n    int
	once sync.Once

	mu     sync.RWMutex // held for reading while a function is handed over
	jobs   chan func()
	closed bool
	wg     sync.WaitGroup
}

// start launches the goroutines; called once.
func (w *workers) start() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return
	}
	w.jobs = make(chan func())
	for range w.n {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for fn := range w.jobs {
				fn()
			}
		}()
	}
}

// run calls every function of fns, at most n at once, and returns when all
// have returned.
func (w *workers) run(fns []func()) {
	if len(fns) == 1 {
		fns[0]()
		return
	}
	w.once.Do(w.start)
	var wg sync.WaitGroup
	wg.Add(len(fns))
	for _, fn := range fns {
		job := func() {
			defer wg.Done()
			fn()
		}
		w.mu.RLock()
		if w.closed || w.jobs == nil {
			w.mu.RUnlock()
			job()
			continue
		}
		w.jobs <- job
		w.mu.RUnlock()
	}
	wg.Wait()
}

// stop ends the goroutines once they have finished their functions.
func (w *workers) stop() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	if w.jobs != nil {
		close(w.jobs)
	}
	w.mu.Unlock()
	w.wg.Wait()
}
