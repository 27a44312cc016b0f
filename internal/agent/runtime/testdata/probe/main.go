// Command probe is the test program the runtime tests run as a container:
// as the only file of a FROM-scratch image for the docker runtime, and as a
// host binary for the process runtime. It is built with CGO_ENABLED=0 so it
// is static.
//
// It works through its flags in this order: allocate and touch -alloc-mib
// MiB of memory; print its arguments, its environment, its working
// directory and the -say lines (stdout; -err lines go to stderr); listen on
// -listen and answer every TCP connection with "probe <addr>\n"; print
// "probe: ready" (signal handling is in place from then on); then either
// block until a signal (-forever), or sleep for -sleep and exit with -exit.
//
// On SIGTERM or SIGINT it prints "probe: terminated by <signal>" and exits
// 143, the code a process killed by SIGTERM gets, unless -ignore-term is
// set, in which case it ignores SIGTERM so that only SIGKILL ends it.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"
)

type lines []string

func (l *lines) String() string     { return strings.Join(*l, ",") }
func (l *lines) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	var say, errLines lines
	printArgs := flag.Bool("print-args", false, "print each argument as arg=<value>")
	printEnv := flag.Bool("print-env", false, "print each environment variable as env=<KEY=VALUE>, sorted")
	printCwd := flag.Bool("print-cwd", false, "print the working directory as cwd=<dir>")
	flag.Var(&say, "say", "print this line on stdout (repeatable)")
	flag.Var(&errLines, "err", "print this line on stderr (repeatable)")
	listen := flag.String("listen", "", "TCP address to serve, e.g. :8080")
	forever := flag.Bool("forever", false, "run until a signal ends the program")
	sleep := flag.Duration("sleep", 0, "time to sleep before exiting")
	exit := flag.Int("exit", 0, "exit code")
	ignoreTerm := flag.Bool("ignore-term", false, "ignore SIGTERM")
	allocMiB := flag.Int("alloc-mib", 0, "allocate and touch this many MiB before anything else")
	flag.Parse()

	if *allocMiB > 0 {
		alloc(*allocMiB)
	}

	sigs := make(chan os.Signal, 1)
	if *ignoreTerm {
		signal.Ignore(syscall.SIGTERM)
		signal.Notify(sigs, syscall.SIGINT)
	} else {
		signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	}

	if *printArgs {
		for _, a := range os.Args[1:] {
			fmt.Printf("arg=%s\n", a)
		}
	}
	if *printEnv {
		env := os.Environ()
		sort.Strings(env)
		for _, kv := range env {
			fmt.Printf("env=%s\n", kv)
		}
	}
	if *printCwd {
		dir, err := os.Getwd()
		if err != nil {
			fail("getwd: %v", err)
		}
		fmt.Printf("cwd=%s\n", dir)
	}
	for _, l := range say {
		fmt.Println(l)
	}
	for _, l := range errLines {
		fmt.Fprintln(os.Stderr, l)
	}
	if *listen != "" {
		serve(*listen)
	}
	fmt.Println("probe: ready")

	var timer <-chan time.Time
	if !*forever {
		timer = time.After(*sleep)
	}
	select {
	case <-timer:
		os.Exit(*exit)
	case s := <-sigs:
		fmt.Printf("probe: terminated by %v\n", s)
		os.Exit(143)
	}
}

// serve answers every connection to addr with "probe <addr>\n".
func serve(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fail("listen %s: %v", addr, err)
	}
	fmt.Printf("listening=%s\n", ln.Addr())
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			fmt.Fprintf(c, "probe %s\n", addr)
			c.Close()
		}
	}()
}

// held keeps the memory alloc touched reachable.
var held [][]byte

// alloc allocates n MiB and writes to every page, so the memory is really
// used (and a memory limit below it gets the process OOM-killed).
func alloc(n int) {
	for range n {
		b := make([]byte, 1<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		held = append(held, b)
	}
	fmt.Printf("allocated=%dMiB\n", n)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "probe: "+format+"\n", args...)
	os.Exit(2)
}
