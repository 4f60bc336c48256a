package main

import (
	"bufio"
	"bytes"
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// serverStats are the server's process figures from its /metrics.
type serverStats struct {
	ok         bool
	cpuSeconds float64
	rss        float64
}

// serverStats reads the server's CPU time and resident memory from
// /metrics; ok is false when the metrics cannot be read (another host's
// proxy, say), and the report then leaves those columns out.
func (cl *client) serverStats(ctx context.Context) serverStats {
	b, err := cl.do(ctx, "GET", "/metrics", "")
	if err != nil {
		return serverStats{}
	}
	var s serverStats
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		v, err := strconv.ParseFloat(value, 64)
		if !ok || err != nil {
			continue
		}
		switch name {
		case "process_cpu_seconds_total":
			s.cpuSeconds, s.ok = v, true
		case "process_resident_memory_bytes":
			s.rss = v
		}
	}
	return s
}

// watchMemory samples the server's resident memory every 200 ms until the
// returned function is called, which returns the largest sample in bytes.
func (cl *client) watchMemory(ctx context.Context) (peak func() float64) {
	var max atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			if s := cl.serverStats(ctx); s.ok && uint64(s.rss) > max.Load() {
				max.Store(uint64(s.rss))
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 {
		close(done)
		<-stopped
		return float64(max.Load())
	}
}
