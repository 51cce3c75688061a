package loadgen

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
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

// TestBody: the bodies drawn are JSON objects with a unit of the survey
// and an answer among each question's values, every required question
// answered and some optional ones left out; codes that JSON must escape
// are escaped.
func TestBody(t *testing.T) {
	var s Survey
	if err := json.Unmarshal([]byte(`{"id":"x","units":[{"code":"S1"},{"code":"Đơn \"vị\""}],"questions":[
	  {"code":"R1","required":true,"answers":[{"value":1},{"value":5}]},
	  {"code":"O\u00e9","answers":[{"value":-2},{"value":3}]},
	  {"code":"T1","type":"text"}]}`), &s); err != nil {
		t.Fatal(err)
	}
	f := newForms(&s)
	r := rand.New(rand.NewPCG(1, 2))
	units, optional := map[string]int{}, 0
	for range 200 {
		raw, unit := f.body(nil, r)
		var got struct {
			Unit    string         `json:"unit"`
			Answers map[string]int `json:"answers"`
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if got.Unit != unit {
			t.Errorf("%s: unit %q, said %q", raw, got.Unit, unit)
		}
		units[got.Unit]++
		if v, ok := got.Answers["R1"]; !ok || (v != 1 && v != 5) {
			t.Errorf("%s: the required answer", raw)
		}
		if v, ok := got.Answers["Oé"]; ok {
			optional++
			if v != -2 && v != 3 {
				t.Errorf("%s: the optional answer", raw)
			}
		}
		if len(got.Answers) > 2 {
			t.Errorf("%s: a text question answered", raw)
		}
	}
	if units["S1"] < 50 || units[`Đơn "vị"`] < 50 || optional < 100 || optional > 170 {
		t.Errorf("units %v, optional answered %d of 200", units, optional)
	}
}

// TestBenchAddr: the simulated clients' addresses.
func TestBenchAddr(t *testing.T) {
	for n, want := range map[int64]string{0: "198.18.0.0", 1: "198.18.0.1", 258: "198.18.1.2", 65536 + 255: "198.19.0.255", 131072: "198.18.0.0"} {
		if got := string(benchAddr(nil, n)); got != want {
			t.Errorf("client %d: %s, want %s", n, got, want)
		}
	}
}

// TestAckID: the id of an acknowledgement, read without decoding it as
// the server writes it, decoded otherwise.
func TestAckID(t *testing.T) {
	for body, want := range map[string]int64{
		`{"id":42,"survey":"s","unit":"U1"}`:     42,
		`{"id":7}`:                               7,
		`{"unit":"U1","id":9}`:                   9,
		`{ "id" : 12 , "unit":"U1"}`:             12,
		`{"id":1.5,"unit":"U1"}`:                 0,
		`{"id":"3"}`:                             0,
		`{"unit":"U1"}`:                          0,
		`not json`:                               0,
		`{"id":99999999999999999999,"unit":"x"}`: 0,
	} {
		if got := ackID([]byte(body)); got != want {
			t.Errorf("%s: id %d, want %d", body, got, want)
		}
	}
}
