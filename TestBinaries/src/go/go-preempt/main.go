// Asynchronous preemption: goroutines spin in tight loops without function
// calls while the main goroutine, with GOMAXPROCS(1), must still run. Only
// SIGURG-based preemption (the runtime changes the PC in the signal frame to
// inject a call) can take the processor from the spinners.
package main

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

var stop int32

//go:noinline
func spin(counter *int64) {
	for atomic.LoadInt32(&stop) == 0 {
		*counter++
	}
}

func main() {
	runtime.GOMAXPROCS(1)
	var counters [3]int64
	for i := range counters {
		go spin(&counters[i])
	}
	// The main goroutine sleeps; to wake up and run it needs the processor
	// back from a spinner that never calls a function.
	for i := 0; i < 5; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	atomic.StoreInt32(&stop, 1)
	fmt.Println("main ran again while spinners loop: true")
	runtime.Gosched()
	time.Sleep(10 * time.Millisecond)
	ran := 0
	for i := range counters {
		if atomic.LoadInt64(&counters[i]) > 0 {
			ran++
		}
	}
	fmt.Println("spinners that ran:", ran)

	// A GC must stop the world while a goroutine spins: it needs the same
	// preemption.
	atomic.StoreInt32(&stop, 0)
	var c int64
	go spin(&c)
	time.Sleep(5 * time.Millisecond)
	runtime.GC()
	atomic.StoreInt32(&stop, 1)
	fmt.Println("GC completed with a spinning goroutine: true")
}
