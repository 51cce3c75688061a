package loadgen

import (
	"testing"
	"time"
)

func TestLoopbackOnly(t *testing.T) {
	for _, base := range []string{"http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:80", "http://127.9.9.9"} {
		if err := checkLoopback(base); err != nil {
			t.Errorf("%s refused: %v", base, err)
		}
	}
	for _, base := range []string{"http://192.168.1.5:8080", "http://10.0.0.1", "http://example.com", "http://8.8.8.8"} {
		if err := checkLoopback(base); err == nil {
			t.Errorf("%s allowed", base)
		}
	}
}

func TestPercentile(t *testing.T) {
	r := &Result{Elapsed: 2 * time.Second, Acks: make([]Ack, 100)}
	for i := 100; i >= 1; i-- {
		r.Latencies = append(r.Latencies, time.Duration(i)*time.Millisecond)
	}
	if got := r.Percentile(0.99); got != 99*time.Millisecond {
		t.Errorf("p99 = %v", got)
	}
	if got := r.Percentile(0.5); got != 50*time.Millisecond {
		t.Errorf("p50 = %v", got)
	}
	if got := r.Rate(); got != 50 {
		t.Errorf("rate = %v", got)
	}
}
