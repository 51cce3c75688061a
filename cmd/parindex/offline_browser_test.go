package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/parindex/parindex/internal/browsertest"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/surveys"
)

// TestOfflineCollection is issue 14's test of offline collection, in
// headless Chromium against a real `parindex serve`:
//
//  1. the public form is opened once online (the service worker keeps it),
//     then the network is cut (DevTools network emulation) and the form
//     opened again from the device;
//  2. 20 questionnaires are answered on the device, each with a one-time
//     code, the last reusing the third's code: all 20 wait in the queue;
//  3. the network returns, slow, without a reload: the page sends its
//     queue by itself; once a few answers are acknowledged the server is
//     killed (SIGKILL) mid-sync and started again on the same database and
//     address, and the page carries on by itself;
//  4. in the end exactly the 19 valid answers are stored, each once, every
//     answer the page calls recorded is in the database under its id, and
//     the reused code is reported on the device as "code already used".
func TestOfflineCollection(t *testing.T) {
	c := newCLI(t)
	surveySetup(t, c)
	codes := strings.Fields(c.ok("survey", "codes", "--survey", "sipas-t", "--unit", "S1", "--count", "19"))
	if len(codes) != 19 {
		t.Fatalf("%d codes", len(codes))
	}
	bin := parindexBinary(t)
	addr := freePort(t)
	srv := startServerAt(t, bin, c.db, addr)
	form := srv.base + "/s/sipas-t/S1"

	b := browsertest.New(t, 390, 844, 4*time.Minute)
	count := func(js string) int {
		var n int
		b.Run(chromedp.Evaluate(js, &n))
		return n
	}
	// 1. Online once: the service worker takes the page in hand.
	b.Run(
		network.Enable(),
		chromedp.Navigate(form),
		chromedp.WaitVisible("button.sv-submit", chromedp.ByQuery),
		chromedp.Poll(`navigator.serviceWorker.controller !== null`, nil, chromedp.WithPollingTimeout(20*time.Second)),
	)
	// The page keeps its copy in the cache as it loads.
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		var kept bool
		b.Run(chromedp.Evaluate(`caches.open("parindex-survey-1").then(c => c.match("/s/sipas-t/S1")).then(r => !!r)`, &kept,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
		if kept {
			break
		}
		if time.Since(start) > 20*time.Second {
			t.Fatal("the form was not kept on the device")
		}
	}
	// Offline: the form opens from the device.
	b.Run(network.EmulateNetworkConditions(true, 0, -1, -1))
	var online bool
	b.Run(
		chromedp.Reload(),
		chromedp.WaitVisible("button.sv-submit", chromedp.ByQuery),
		chromedp.Evaluate(`navigator.onLine`, &online),
	)
	if online {
		t.Fatal("the page thinks it is online under network emulation")
	}
	b.Screenshot("offline-form")

	// 2. Twenty answers on the device, the last with the third's code.
	for i := range 20 {
		code := codes[min(i, 18)]
		if i == 19 {
			code = codes[2]
		}
		actions := []chromedp.Action{}
		for _, id := range []string{"q-TC1-5", "q-TT1-4", "q-CC1-5", "q-KQ1-4"} {
			actions = append(actions, chromedp.Click(`label[for="`+id+`"]`, chromedp.ByQuery))
		}
		actions = append(actions,
			chromedp.SetValue("#code", code, chromedp.ByQuery),
			chromedp.Click("button.sv-submit", chromedp.ByQuery),
			chromedp.WaitVisible("#sv-thanks", chromedp.ByQuery),
			chromedp.Poll(fmt.Sprintf(`document.querySelectorAll("#sv-queue li").length === %d`, i+1), nil, chromedp.WithPollingTimeout(10*time.Second)),
			chromedp.Click("#sv-again", chromedp.ByQuery),
			chromedp.WaitVisible("button.sv-submit", chromedp.ByQuery),
		)
		b.Run(actions...)
	}
	if n := count(`document.querySelectorAll("#sv-queue li.sv-waiting").length`); n != 20 {
		t.Fatalf("%d answers waiting on the device, want 20", n)
	}
	st := storetest.OpenURL(t, c.db)
	svc := surveys.NewService(st)
	camp, err := svc.Campaign(context.Background(), "sipas-t")
	if err != nil {
		t.Fatal(err)
	}
	stored := func() []surveys.Response {
		var all []surveys.Response
		for _, s := range []surveys.Status{surveys.Valid, surveys.Flagged, surveys.Rejected} {
			list, err := st.Responses(context.Background(), camp.ID, s, 1000)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, list...)
		}
		return all
	}
	if n := len(stored()); n != 0 {
		t.Fatalf("%d responses reached the server while offline", n)
	}
	b.Screenshot("offline-queue")

	// 3. The network returns, slow (400 ms each way), without a reload.
	b.Run(network.EmulateNetworkConditions(false, 400, -1, -1))
	deadline := time.Now().Add(60 * time.Second)
	for len(stored()) < 4 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	before := len(stored())
	if before < 4 || before >= 19 {
		t.Fatalf("%d answers stored when the server was to be killed mid-sync", before)
	}
	srv.kill()
	t.Logf("killed the server with %d answers stored", before)
	time.Sleep(time.Second)
	srv = startServerAt(t, bin, c.db, addr)
	b.Run(chromedp.Poll(`document.querySelectorAll("#sv-queue li.sv-waiting, #sv-queue li.sv-sending").length === 0`, nil,
		chromedp.WithPollingTimeout(150*time.Second), chromedp.WithPollingInterval(250*time.Millisecond)))
	b.Run(network.EmulateNetworkConditions(false, 0, -1, -1))
	b.Screenshot("synced")

	// 4. Exactly the valid answers, once each; the reused code reported.
	all := stored()
	byID := map[int64]surveys.Response{}
	keys := map[string]int{}
	for _, r := range all {
		byID[r.ID] = r
		keys[r.Key]++
		if r.Channel != surveys.Coded || r.Status != surveys.Valid || r.Key == "" || r.AnsweredAt.IsZero() {
			t.Errorf("stored response %+v", r)
		}
	}
	if len(all) != 19 || len(keys) != 19 {
		t.Errorf("%d responses stored under %d keys, want 19 and 19", len(all), len(keys))
	}
	var ids []int64
	var summary, refused string
	b.Run(
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#sv-queue li.sv-stored")).map(li => parseInt(li.textContent.match(/(\d+)\)\s*$/)[1], 10))`, &ids),
		chromedp.Text("#sv-summary", &summary, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#sv-queue li.sv-refused .sv-state")).map(s => s.textContent).join("|")`, &refused),
	)
	if len(ids) != 19 {
		t.Errorf("the device shows %d answers recorded, want 19", len(ids))
	}
	for _, id := range ids {
		if _, ok := byID[id]; !ok {
			t.Errorf("the device says response %d was recorded; it is not in the database", id)
		}
	}
	if summary != "0 chờ gửi · 19 đã ghi nhận · 1 không nhận" || refused != "Không nhận: mã đã được dùng" {
		t.Errorf("the device's queue: %q, refused %q", summary, refused)
	}
}
