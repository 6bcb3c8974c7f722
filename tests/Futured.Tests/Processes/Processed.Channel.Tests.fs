/// The call channel between a Processed executor and its workers belongs to the library alone: whatever
/// the user's function does with the standard streams, the calls go on (DESIGN §3.7).
module Futured.Tests.ProcessedChannel

open System
open System.Diagnostics
open System.IO
open System.Runtime.InteropServices
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support
open Futured.Tests.ProcessTable

// The functions the workers run: top-level, so they carry no state.

[<DllImport("libc", EntryPoint = "printf")>]
extern int private cprintf(string format)

[<DllImport("libc", EntryPoint = "fflush")>]
extern int private cfflush(nativeint stream)

let pid () = Environment.ProcessId

let twice (x: int) = x * 2

/// Starts `echo` with the worker's own standard streams (no redirection), and waits for it.
let childEcho (marker: string) =
    let psi = ProcessStartInfo("echo", marker)
    psi.UseShellExecute <- false
    use child = Process.Start psi
    child.WaitForExit()
    child.ExitCode

/// Writes to the standard output descriptor through a stream of its own.
let rawStdout (marker: string) =
    use stdout = Console.OpenStandardOutput()
    let bytes = Text.Encoding.UTF8.GetBytes(marker + "\n")
    stdout.Write(bytes, 0, bytes.Length)
    stdout.Flush()
    bytes.Length

/// Writes to the standard output descriptor from native code.
let nativePrintf (marker: string) =
    let written = cprintf (marker + "\n")
    cfflush 0n |> ignore
    written

/// Reads standard input to its end, both as a stream and through Console.In.
let readStdin (_: int) =
    use stdin = Console.OpenStandardInput()
    let buffer = Array.zeroCreate<byte> 4096
    let read = stdin.Read(buffer, 0, buffer.Length)
    let line = Console.In.ReadLine()
    read, isNull line

/// Writes a marker through each of the three ways to standard output, then exits with code 3.
let markThenExit (marker: string) : int =
    childEcho (marker + "-child") |> ignore
    rawStdout (marker + "-stream") |> ignore
    nativePrintf (marker + "-native") |> ignore
    exit 3

/// Starts `sleep 300` that inherits the worker's descriptors, records its pid, then ends the worker:
/// "exit" with Environment.Exit 9, "kill" with SIGKILL.
let dieLeavingGrandchild (pidFile: string, how: string) : int =
    let psi = ProcessStartInfo("sleep", "300")
    psi.UseShellExecute <- false
    let sleeper = Process.Start psi
    File.WriteAllText(pidFile, string sleeper.Id)

    if how = "kill" then
        Process.GetCurrentProcess().Kill()
    else
        Environment.Exit 9

    0

/// Writes bytes to the worker's private reply descriptor, as if they were the reply, then returns 1.
let forgeReply (bytes: byte[]) : int =
    use channel =
        new FileStream($"/proc/self/fd/{Futured.Internal.Descriptors.replyDescriptor}", FileMode.Open, FileAccess.Write)

    channel.Write(bytes, 0, bytes.Length)
    channel.Flush()
    1

/// A well-formed frame that answers no call: function 0, call 0.
let strayFrame =
    let frame = Array.zeroCreate<byte>(Futured.Internal.Protocol.HeaderSize + 2)
    Futured.Internal.Protocol.writeHeader frame frame.Length Futured.Internal.Protocol.Result 0 0
    frame[frame.Length - 2] <- byte '4'
    frame[frame.Length - 1] <- byte '2'
    frame

/// Starts `sleep 300` whose standard output is the worker's private reply pipe (opened through /proc), waits
/// until it holds the pipe, records its pid, then exits with code 9.
let dieWhileGrandchildHoldsChannel (pidFile: string) : int =
    let script =
        $"exec >/proc/{Environment.ProcessId}/fd/{Futured.Internal.Descriptors.replyDescriptor}; "
        + $"echo $$ > '{pidFile}.tmp'; mv '{pidFile}.tmp' '{pidFile}'; exec sleep 300"

    let psi = ProcessStartInfo("sh", [ "-c"; script ])
    psi.UseShellExecute <- false
    Process.Start psi |> ignore

    while not (File.Exists pidFile) do
        Threading.Thread.Sleep 5

    exit 9

/// An exception whose Message getter itself throws.
type UnprintableException() =
    inherit Exception()
    override _.Message = invalidOp "the Message getter fails"

let raiseUnprintable (_: int) : int = raise (UnprintableException())

/// Disposes the pool within the generous bound (a hang fails the test instead of the run).
let disposeWithin (pool: Processed) : Task =
    task { do! pool.DisposeAsync().AsTask().WaitAsync generous }

/// Runs the body with a fresh pool of one worker, then disposes the pool (within the generous bound) whether
/// the body failed or not.
let withPool (body: Processed -> Task) : Task =
    task {
        let pool = new Processed(1)
        let mutable failure = null

        try
            do! body pool
        with e ->
            failure <- Runtime.ExceptionServices.ExceptionDispatchInfo.Capture e

        do! disposeWithin pool

        if not (isNull failure) then
            failure.Throw()
    }

/// A header with the given length field, kind, function id and call number.
let header (length: int) (kind: byte) (id: int) (call: int) =
    let bytes = Array.zeroCreate<byte> Futured.Internal.Protocol.HeaderSize
    Futured.Internal.Protocol.writeHeader bytes (length + 4) kind id call
    bytes

/// Later calls on the pool succeed, on one worker.
let laterCallsWork (pool: Processed) : Task =
    task {
        let! doubled =
            Task.WhenAll([ for i in 1..5 -> pool.Wrap twice i ]).WaitAsync generous

        Expect.equal (List.ofArray doubled) [ 2; 4; 6; 8; 10 ] "later calls succeed"
    }

/// Runs one call that writes to standard output in some way, and checks the channel survives it.
let survives (write: string -> int) (expected: int) : Task =
    withPool (fun pool ->
        task {
            let! before = (pool.Wrap pid ()).WaitAsync generous
            let! r = (pool.Wrap write "garbage on standard output").WaitAsync generous
            Expect.equal r expected "the call's own result"
            do! laterCallsWork pool
            let! after = (pool.Wrap pid ()).WaitAsync generous
            Expect.equal after before "the same worker served every call"
        })

/// Waits until every grandchild whose pid the file lists is gone.
let grandchildrenGone (pidFile: string) : Task =
    task {
        for holder in pidsIn pidFile do
            do! eventually $"the grandchild {holder} is gone" (fun () -> not (alive holder))
    }

/// Kills any grandchild that a failed test left behind.
let killLeftovers (pidFile: string) =
    for holder in pidsIn pidFile do
        if alive holder then
            try
                use p = Process.GetProcessById holder
                p.Kill()
            with _ ->
                ()

[<Tests>]
let tests =
    testSequenced
    <| testList
        "processed channel"
        [
            testTask "a child process that inherits the worker's standard output cannot corrupt the channel"
            <| fun () -> survives childEcho 0

            testTask "writing to Console.OpenStandardOutput() in the function cannot corrupt the channel"
            <| fun () -> survives rawStdout ("garbage on standard output".Length + 1)

            testTask "native printf in the function cannot corrupt the channel"
            <| fun () -> survives nativePrintf ("garbage on standard output".Length + 1)

            testTask "the function reads an empty standard input, and the channel is untouched"
            <| fun () ->
                withPool (fun pool ->
                    task {
                        let! read, ended = (pool.Wrap readStdin 0).WaitAsync generous
                        Expect.equal read 0 "no bytes on standard input"
                        Expect.isTrue ended "Console.In is at its end"
                        do! laterCallsWork pool
                    })

            testTask "what the function writes to standard output in any way reaches the parent's standard error"
            <| fun () ->
                withPool (fun pool ->
                    task {
                        let marker = "marker-" + Guid.NewGuid().ToString "N"

                        let! e =
                            (pool.Wrap markThenExit marker).WaitAsync generous
                            |> throwsExactly<WorkerCrashedException>

                        Expect.equal e.ExitCode 3 "exit code"

                        for way in [ "child"; "stream"; "native" ] do
                            Expect.stringContains e.StandardErrorTail $"{marker}-{way}" $"the {way} write"

                        do! laterCallsWork pool
                    })

            for how, code in [ "exit", 9; "kill", 137 ] do
                testTask
                    $"a worker that ends ({how}) while a grandchild holds its descriptors faults the call with WorkerCrashedException, and nothing is left behind"
                <| fun () ->
                    let pidFile = Path.Combine(tempDirectory (), "sleeper")

                    task {
                        try
                            do!
                                withPool (fun pool ->
                                    task {
                                        let! e =
                                            (pool.Wrap dieLeavingGrandchild (pidFile, how)).WaitAsync generous
                                            |> throwsExactly<WorkerCrashedException>

                                        Expect.equal e.ExitCode code "exit code"
                                        do! laterCallsWork pool
                                    })

                            do! grandchildrenGone pidFile
                        finally
                            killLeftovers pidFile
                    }

            testTask "an exception whose Message getter throws arrives as RemoteException naming its type"
            <| fun () ->
                withPool (fun pool ->
                    task {
                        let! before = (pool.Wrap pid ()).WaitAsync generous

                        let! e =
                            (pool.Wrap raiseUnprintable 1).WaitAsync generous
                            |> throwsExactly<RemoteException>

                        Expect.equal e.RemoteTypeName typeof<UnprintableException>.FullName "type"
                        Expect.stringContains e.RemoteMessage "Message" "says the message could not be read"
                        let! after = (pool.Wrap pid ()).WaitAsync generous
                        Expect.equal after before "the worker survived"
                    })

            for name, bytes in
                [
                    "garbage", Text.Encoding.ASCII.GetBytes "garbage from the function\n"
                    "a stray frame", strayFrame
                ] do
                testTask
                    $"a corrupt reply ({name}) faults the call with WorkerCrashedException, and the worker is replaced"
                <| fun () ->
                    withPool (fun pool ->
                        task {
                            let! before = (pool.Wrap pid ()).WaitAsync generous

                            let! e =
                                (pool.Wrap forgeReply bytes).WaitAsync generous
                                |> throwsExactly<WorkerCrashedException>

                            Expect.stringContains e.Reason "not the reply to the call" "says the reply was corrupt"
                            Expect.stringContains e.Message e.Reason "the message starts with the reason"
                            do! laterCallsWork pool
                            let! after = (pool.Wrap pid ()).WaitAsync generous
                            Expect.notEqual after before "a new worker"
                            do! eventually "the corrupt worker is gone" (fun () -> not (alive before))
                        })

            testTask "a worker that exits while a grandchild holds its private reply pipe is noticed through its exit"
            <| fun () ->
                let pidFile = Path.Combine(tempDirectory (), "holder")

                task {
                    try
                        do!
                            withPool (fun pool ->
                                task {
                                    let! e =
                                        (pool.Wrap dieWhileGrandchildHoldsChannel pidFile).WaitAsync generous
                                        |> throwsExactly<WorkerCrashedException>

                                    Expect.equal e.ExitCode 9 "exit code"
                                    Expect.isNonEmpty (pidsIn pidFile) "the grandchild held the pipe"
                                    do! laterCallsWork pool
                                })

                        do! grandchildrenGone pidFile
                    finally
                        killLeftovers pidFile
                }

            test
                "a reply header is accepted only with a length within the cap, a reply kind, and the call's function id and number" {
                let problem (bytes: byte[]) =
                    Futured.Internal.Protocol.replyProblem (ReadOnlySpan bytes) 7 3

                let cap = Futured.Internal.Protocol.MaxFrameLength
                let result = Futured.Internal.Protocol.Result
                let extra = Futured.Internal.Protocol.HeaderSize - 4

                Expect.equal (problem (header (extra + 10) result 7 3)) ValueNone "a reply to the call"
                Expect.equal (problem (header cap result 7 3)) ValueNone "a reply of exactly the cap"

                for bad, why in
                    [
                        header (cap + 1) result 7 3, "over the cap"
                        header -1 result 7 3, "negative"
                        header (extra - 1) result 7 3, "shorter than a header"
                        header 20 Futured.Internal.Protocol.Call 7 3, "a call, not a reply"
                        header 20 99uy 7 3, "an unknown kind"
                        header 20 result 8 3, "another function"
                        header 20 result 7 2, "another call"
                    ] do
                    Expect.isTrue (problem bad).IsSome why
            }

            test "a function from a single-file application is refused with a message that says so" {
                let single = Futured.Internal.Callable.notOnDisk "App" true
                Expect.stringContains single "single-file" "names the cause"
                Expect.stringContains single "PublishSingleFile" "says what to change"
                Expect.isFalse (single.Contains "Interactive") "does not blame F# Interactive"
                let bytes = Futured.Internal.Callable.notOnDisk "Script" false
                Expect.stringContains bytes "F# Interactive" "an assembly loaded from bytes"
                Expect.isFalse (bytes.Contains "single-file") "not a single-file application"
            }

            testTask "a function in the entry file of an F# application sees that file's top-level values in the worker"
            <| fun () ->
                task {
                    let psi = ProcessStartInfo("dotnet")
                    psi.ArgumentList.Add(parentProgramPath ())
                    psi.ArgumentList.Add "--entry-values"
                    psi.RedirectStandardOutput <- true
                    psi.UseShellExecute <- false
                    use app = Process.Start psi
                    let! output = app.StandardOutput.ReadToEndAsync().WaitAsync generous
                    do! app.WaitForExitAsync().WaitAsync generous
                    Expect.equal app.ExitCode 0 "the application succeeded"

                    let lines =
                        output.Split('\n', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)

                    let parent = lines |> Array.find (fun l -> l.StartsWith "parent ")
                    let worker = lines |> Array.find (fun l -> l.StartsWith "worker ")
                    Expect.stringStarts worker "worker entry-file-7 two in " "the values, computed in the worker"

                    Expect.notEqual
                        (worker.Split(' ') |> Array.last)
                        (parent.Split(' ') |> Array.last)
                        "another process"
                }
        ]
