// Package bench is `berth bench`, a load tool for any Amazon ECS endpoint:
// berth, moto, or anything else that speaks the ECS JSON API. It measures
// every system the same way, so that their figures can be set side by side
// (`berth bench compare`) in docs/BENCHMARKS.md.
//
//	berth bench --endpoint-url http://127.0.0.1:4510 --scenario runtask \
//	    --clients 16 --duration 30s --label berth --json berth-runtask.json
//	berth bench compare berth-runtask.json moto-runtask.json
//
// # What is measured
//
// Each of --clients goroutines makes one call at a time, back to back,
// through the official aws-sdk-go-v2 ECS client: SigV4 signing, JSON
// encoding, the HTTP exchange and decoding are all in the timed part, as
// they are for any SDK user. The clients share one http.Transport that
// keeps an idle connection per client; the transport gets a copy of each
// request body, which works around an SDK race that otherwise breaks about
// one call in 3,000 against a fast loopback server (see ownBody). Retries
// are off (aws.NopRetryer):
// a ThrottlingException or any other error is counted, never retried away.
// While the calls run, the tool's garbage collector target is 400 instead
// of Go's 100 (unless GOGC is set): the SDK allocates a great deal per
// call, and on a machine shared with the server under test the collector's
// CPU would otherwise come out of the server's share. It is the same for
// every endpoint; measured on describe, it cut the client's CPU per call
// by about a third.
// --requests N makes exactly N calls across all clients; --duration D
// stops starting calls after D and lets those in flight finish, so every
// call started is counted. Ctrl-C does the same and marks the result
// interrupted.
//
// The result (text on stdout, JSON with --json, see Result):
//
//   - calls/s: all calls over the elapsed time, from the moment the clients
//     are released to the end of the last call; ok/s counts only the calls
//     answered with HTTP 200.
//   - tasks/s: tasks in the RunTask and StartTask responses, over the same
//     time; next to tasks requested (count × ok calls), so a server that
//     places fewer than asked shows it.
//   - failures: the reasons in failures[] of ok responses (RESOURCE:MEMORY,
//     MISSING, AGENT, ...), counted one by one.
//   - errors: failed calls by ECS exception name (the smithy APIError code:
//     ThrottlingException, ClientException, ...), or Timeout (--timeout,
//     30s), ConnectionError, DeserializationError (a 200 the SDK could not
//     read), Canceled, OtherError; each with the first message seen.
//   - latency: p50, p90, p99 and max of the ok calls, from an HDR histogram
//     in microseconds (1 µs to 1 min, 3 significant digits: exact below
//     2048 µs, within 0.1% above). Failed calls are not in it: a throttled
//     call answered in 100 µs would make a server look faster.
//   - per operation: the same counts for each ECS operation called.
//
// A progress line goes to stderr every second when stderr is a terminal
// (rewritten in place), every five seconds otherwise, never with --quiet.
// Main exits 0 after a run with at least one ok call, 1 when setup failed,
// the result could not be written or no call succeeded, 2 for a wrong
// command line.
//
// # Scenarios
//
//	runtask    RunTask count=1
//	runtask10  RunTask count=10
//	starttask  StartTask on the cluster's instances in turn
//	describe   DescribeTasks of the 100 tasks setup started (the most one call takes)
//	list       ListTasks with maxResults 100, each client following its nextToken
//	mixed      per 20 calls: 10 DescribeTasks, 4 ListTasks, 4 RunTask, 2 StartTask,
//	           interleaved; client i starts 7i calls into the cycle
//
// For scale: AWS itself throttles RunTask and StartTask at 40 calls/s
// sustained (burst 100) per account and Region, and DescribeTasks and
// ListTasks at 20/s (burst 100); see /work/shared/docs/ecs-semantics.md §8.
// Throughput above those figures is capacity AWS would not grant one
// account.
//
// # Setup
//
// Setup is not measured, and uses a second client with the SDK's standard
// retries. In order:
//
//  1. CreateCluster --cluster (default berth-bench).
//  2. RegisterTaskDefinition berth-bench: one essential container, image
//     busybox:latest, cpu 1, memory 6 MiB (the least Docker accepts), so a
//     task costs an instance almost nothing. --task-definition names an
//     existing one instead.
//  3. RegisterContainerInstance × --instances (default 10), as an agent
//     would: totalResources CPU 1048576 units (1024 vCPUs) and MEMORY
//     16777216 MiB (16 TiB), ports 22, 2375, 2376, 51678, 51679, an
//     identity document with instanceId i-be000000000000001, ... (fixed, so
//     a server that matches registrations by instance id reuses them on
//     the next run). With these totals a server that honours them fits a
//     million tasks on each instance, so a run never runs out of capacity.
//     The tool does not stop tasks in the background instead: StopTask
//     calls would compete with the measured calls for the server.
//  4. For describe, list and mixed: RunTask count=10 until 100 tasks run;
//     their ARNs are what DescribeTasks asks for.
//
// With --fleet (berth only; it needs --endpoint-url), step 3 instead
// starts a berth fleet in the tool's own process, as `berth fleet` does
// (package agent's Fleet): --instances agents over the sim runtime, in
// --cluster, at --endpoint-url, signing with the tool's own key pair, with
// availability zones <region>a, b and c in turn and a temporary state
// directory removed at the end. Each registers the same 1048576 CPU units
// and 16777216 MiB as above (the agent's fleet default of 4096 units and
// 16384 MiB holds 2,730 of the tasks, which ten instances fill in seconds
// at RunTask count=10 rates), opens the agent channel, and moves the tasks
// placed on it to RUNNING, reporting over the channel in batches. Setup
// waits, with a status line every 5 s, until every agent has its channel
// up and ListContainerInstances lists every instance ACTIVE with
// agentConnected true (it gives up after 1 min + 100 ms per instance);
// StartTask then uses those instances. The fleet runs through the measured
// calls; after them the tool waits (at most 2 min) until no task on the
// fleet's instances is PENDING, from the instances' pendingTasksCount,
// polled every 100 ms, and only then stops the fleet. The result says so:
// setup.fleet is the number of instances and "fleet" has the running and
// pending counts and how long after the last call the wait ended
// (settle_s); the text report has a line "N simulated instances (berth
// fleet): ...". The fleet's CPU comes from the same machine as the
// server's and the clients'. --fleet cannot be combined with --no-setup or
// --ec2-instances; it is not the default, because the tool cannot know
// the endpoint is berth before it calls it.
//
// With --no-setup, steps 1 and 3 are skipped: the cluster and its
// instances must exist (for berth, a `berth fleet` started beforehand),
// and StartTask uses the cluster's ACTIVE instances from
// ListContainerInstances.
//
// Tasks accumulate: each run leaves its tasks in the cluster. Start each
// scenario on a fresh server (or at least a fresh --cluster) so that no
// run measures the leftovers of the one before.
//
// # Running against moto
//
// moto (https://github.com/getmoto/moto) is the usual stand-in for ECS.
// Install and start it, on loopback:
//
//	pip install 'moto[server]'
//	moto_server -H 127.0.0.1 -p 5000
//
// and point the tool at it with two extra flags:
//
//	BERTH_ACCESS_KEY_ID=test BERTH_SECRET_ACCESS_KEY=test \
//	berth bench --endpoint-url http://127.0.0.1:5000 --ec2-instances --lenient-json \
//	    --scenario runtask --clients 16 --duration 30s --label moto --json moto-runtask.json
//
// moto accepts any credentials. What the flags work around (moto 5.2):
//
//   - moto's RegisterContainerInstance looks up the identity document's
//     instanceId among its EC2 instances. --ec2-instances first creates
//     them with EC2 RunInstances at the same endpoint (a SigV4-signed EC2
//     Query request).
//   - moto sends containers[].cpu and .memory as JSON numbers where the ECS
//     model has strings, and aws-sdk-go-v2 refuses such a RunTask, StartTask
//     or DescribeTasks response (DeserializationError). --lenient-json adds
//     a middleware that rewrites those numbers to strings before the SDK
//     reads the body. The rewrite is client work (BenchmarkFixContainerNumbers
//     on a 2-core machine: 25 µs for a one-task response, 1.4 ms for 100
//     tasks), so the time it takes is subtracted from each call's latency.
//
// Other moto behaviour that shows in its figures: it ignores the
// registered totalResources and gives every instance 4096 CPU units and
// 7482 MiB, so an instance holds 1247 of the berth-bench tasks; beyond
// --instances × 1247 tasks, RunTask returns fewer tasks and no failures
// (tasks placed < requested). Size --instances for the run (a 30 s runtask10
// run at 1,000 tasks/s needs 25). Its ListTasks ignores maxResults and
// returns every task of the cluster, and its DescribeTasks scans every task
// of every cluster, so both slow down as tasks accumulate: restart moto
// between scenarios.
//
// TestScenariosAgainstMoto runs every scenario against a real moto_server
// (skipped when moto_server is not installed, failed when CI=true), which
// is how the tool is shown to work against an ECS implementation other than
// berth.
//
// # Reproducing docs/BENCHMARKS.md
//
// Run both systems on the same machine, one at a time, with the same
// clients and duration, each scenario on a freshly started server:
//
//	export BERTH_ACCESS_KEY_ID=... BERTH_SECRET_ACCESS_KEY=...   # the server's pair
//	for s in runtask runtask10 starttask describe list mixed; do
//	    berth server --data-dir "$(mktemp -d)" & sleep 2          # listens on 127.0.0.1:4510
//	    berth bench --endpoint-url http://127.0.0.1:4510 --scenario $s \
//	        --clients 16 --duration 30s --instances 10 --label berth --json berth-$s.json
//	    kill %1; wait
//	    moto_server -H 127.0.0.1 -p 5000 & sleep 5                # moto takes seconds to start
//	    berth bench --endpoint-url http://127.0.0.1:5000 --ec2-instances --lenient-json \
//	        --scenario $s --clients 16 --duration 30s --instances 50 --label moto --json moto-$s.json
//	    kill %1; wait
//	    berth bench compare berth-$s.json moto-$s.json >> results.md
//	done
//
// The --instances differ only because moto caps each instance at 1247 tasks
// (see above); berth's registered instances never fill. To measure berth with
// live agents instead of registered instances, add --fleet to the berth run
// (scripts/bench-vs-moto.sh does, with --instances 1000): every task is then
// also delivered to an agent, run and reported RUNNING, as with real ECS.
// The result files record the tool version, the host's OS, architecture and
// CPU count, and the setup, so a table can be traced to how it was made.
package bench
