// A TCP echo server and a UDP exchange over loopback with net: listen on
// port 0, many concurrent clients, deadlines, and the netpoller (epoll).
package main

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen:", err)
		return
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					c.Write([]byte(strings.ToUpper(line)))
				}
			}(c)
		}
	}()
	addr := ln.Addr().(*net.TCPAddr)
	fmt.Println("listening on loopback:", addr.IP.IsLoopback(), "port assigned:", addr.Port != 0)

	var wg sync.WaitGroup
	results := make([]string, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, err := net.Dial("tcp", addr.String())
			if err != nil {
				results[i] = "dial: " + err.Error()
				return
			}
			defer c.Close()
			r := bufio.NewReader(c)
			total := 0
			for j := 0; j < 50; j++ {
				fmt.Fprintf(c, "client %d line %d\n", i, j)
				line, err := r.ReadString('\n')
				if err != nil {
					results[i] = "read: " + err.Error()
					return
				}
				if line == fmt.Sprintf("CLIENT %d LINE %d\n", i, j) {
					total++
				}
			}
			results[i] = fmt.Sprint(total)
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, r := range results {
		if r == "50" {
			ok++
		} else {
			fmt.Println("client:", r)
		}
	}
	fmt.Println("clients with 50 correct echoes:", ok)

	c, _ := net.Dial("tcp", addr.String())
	c.SetReadDeadline(time.Now().Add(30 * time.Millisecond))
	buf := make([]byte, 10)
	_, err = c.Read(buf)
	ne, isNet := err.(net.Error)
	fmt.Println("read deadline:", isNet && ne.Timeout())
	c.Close()
	ln.Close()

	pc, _ := net.ListenPacket("udp", "127.0.0.1:0")
	cc, _ := net.Dial("udp", pc.LocalAddr().String())
	cc.Write([]byte("ping"))
	n, from, _ := pc.ReadFrom(buf)
	fmt.Println("udp:", string(buf[:n]), "from the client:", from.String() == cc.LocalAddr().String())
	pc.WriteTo([]byte("pong"), from)
	n, _ = cc.Read(buf)
	fmt.Println("udp reply:", string(buf[:n]))
	fmt.Println("done")
}
