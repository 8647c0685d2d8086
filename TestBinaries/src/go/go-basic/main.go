// Goroutines and channels, GC pressure, timers and tickers, and a recovered
// nil-pointer dereference (a SIGSEGV the Go runtime turns into a panic).
// Output is deterministic: counts and checksums, never times or addresses.
package main

import (
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"
)

type node struct {
	next *node
	val  [8]int64
}

func pipeline() {
	src := make(chan int)
	sq := make(chan int, 16)
	go func() {
		for i := 1; i <= 1000; i++ {
			src <- i
		}
		close(src)
	}()
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range src {
				sq <- v * v
			}
		}()
	}
	go func() { wg.Wait(); close(sq) }()
	sum := 0
	for v := range sq {
		sum += v
	}
	fmt.Println("pipeline sum of squares 1..1000:", sum)
}

func mutexes() {
	var mu sync.Mutex
	counter := 0
	var wg sync.WaitGroup
	for g := 0; g < 20; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				mu.Lock()
				counter++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	fmt.Println("mutex counter:", counter)
}

func gcPressure() {
	var keep []*node
	total := int64(0)
	for round := 0; round < 8; round++ {
		var head *node
		for i := 0; i < 5000; i++ {
			n := &node{next: head}
			n.val[i%8] = int64(i)
			head = n
		}
		if round%4 == 0 {
			keep = append(keep, head)
		}
		for n := head; n != nil; n = n.next {
			for _, v := range n.val {
				total += v
			}
		}
		buf := make([]byte, 1<<18)
		buf[len(buf)-1] = byte(round)
		total += int64(buf[len(buf)-1])
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	kept := 0
	for _, h := range keep {
		for n := h; n != nil; n = n.next {
			kept++
		}
	}
	fmt.Println("gc: checksum", total, "kept nodes", kept, "collections happened", ms.NumGC > 0)

	m := map[int]string{}
	for i := 0; i < 20000; i++ {
		m[i] = fmt.Sprint(i)
	}
	for i := 0; i < 20000; i += 2 {
		delete(m, i)
	}
	runtime.GC()
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	fmt.Println("map after deletes:", len(m), keys[0], keys[len(keys)-1], m[19999])
}

func timers() {
	start := time.Now()
	timer := time.NewTimer(20 * time.Millisecond)
	<-timer.C
	fmt.Println("timer fired after its duration:", time.Since(start) >= 20*time.Millisecond)
	ticker := time.NewTicker(5 * time.Millisecond)
	ticks := 0
	for range ticker.C {
		ticks++
		if ticks == 5 {
			break
		}
	}
	ticker.Stop()
	fmt.Println("ticker ticks:", ticks)
	select {
	case <-time.After(10 * time.Millisecond):
		fmt.Println("time.After: fired")
	case <-make(chan int):
		fmt.Println("impossible")
	}
	t := time.AfterFunc(time.Hour, func() {})
	fmt.Println("stop before firing:", t.Stop())
	done := make(chan bool)
	time.AfterFunc(time.Millisecond, func() { done <- true })
	fmt.Println("AfterFunc ran:", <-done)
}

type T struct{ x int }

func deref(p *T) (res string) {
	defer func() {
		if r := recover(); r != nil {
			res = fmt.Sprint("recovered: ", r)
		}
	}()
	return fmt.Sprint(p.x)
}

func panics() {
	fmt.Println(deref(nil))
	fmt.Println(deref(&T{7}))
	func() {
		defer func() { fmt.Println("recovered:", recover()) }()
		var a []int
		_ = a[5]
	}()
	func() {
		defer func() { fmt.Println("recovered:", recover()) }()
		zero := 0
		fmt.Println(10 / zero)
	}()
}

func main() {
	fmt.Println("GOMAXPROCS >= 1:", runtime.GOMAXPROCS(0) >= 1, "arch", runtime.GOARCH)
	pipeline()
	mutexes()
	gcPressure()
	timers()
	panics()
	fmt.Println("done")
}
