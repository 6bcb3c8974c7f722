module Futured.Tests.CommandRun

open System
open System.IO
open System.Text
open System.Threading
open System.Threading.Tasks
open Expecto
open global.Futured
open Futured.Tests.Support
open Futured.Tests.ProcessTable

/// A SynchronizationContext like a UI thread's, that counts what is posted to it; it runs each callback on the
/// thread pool with itself current (as a UI thread would have it), so that a captured context shows and nothing hangs.
type CountingContext() =
    inherit SynchronizationContext()
    let mutable posts = 0

    /// How many callbacks were posted or sent to it.
    member _.Posts = Volatile.Read &posts

    override this.Post(callback, state) =
        Interlocked.Increment &posts |> ignore

        ThreadPool.QueueUserWorkItem(fun _ ->
            SynchronizationContext.SetSynchronizationContext this

            try
                callback.Invoke state
            finally
                SynchronizationContext.SetSynchronizationContext null)
        |> ignore

    override this.Send(callback, state) =
        Interlocked.Increment &posts |> ignore
        callback.Invoke state

    override this.CreateCopy() = this

/// Calls f with the context current, as code on a UI thread would.
let under (context: SynchronizationContext) (f: unit -> 'T) =
    let previous = SynchronizationContext.Current
    SynchronizationContext.SetSynchronizationContext context

    try
        f ()
    finally
        SynchronizationContext.SetSynchronizationContext previous

[<Tests>]
let tests =
    testList
        "commands"
        [
            testTask "run gives the standard output of echo"
            <| fun () ->
                task {
                    let! out = command "echo" [ "hello"; "world" ] |> Command.run
                    Expect.equal out "hello world\n" "stdout, exactly"
                }

            testTask "awaiting a command in task { } gives its standard output"
            <| fun () ->
                task {
                    let! out = command "echo" [ "awaited" ]
                    Expect.equal out "awaited\n" "let! on a Command"
                }

            testTask "a command is cold: each await starts a new process"
            <| fun () ->
                task {
                    let cmd = Command.shell "echo $$"
                    let! first = cmd
                    let! second = cmd
                    Expect.notEqual first second "two runs, two processes"
                }

            testTask "arguments are passed as they are, with no shell splitting"
            <| fun () ->
                task {
                    let! out = command "printf" [ "%s|"; "a b"; "$HOME"; "'q'" ]
                    Expect.equal out "a b|$HOME|'q'|" "each argument intact"
                }

            testTask "runBytes gives binary output byte for byte"
            <| fun () ->
                task {
                    let! bytes = command "printf" [ "\\000\\001\\377A" ] |> Command.runBytes
                    Expect.equal bytes [| 0uy; 1uy; 255uy; 65uy |] "raw bytes"
                }

            testTask "a non-zero exit raises CommandException with exit code, program, arguments and standard error"
            <| fun () ->
                task {
                    let! e =
                        Command.shell "echo partial; echo 'it went wrong' >&2; exit 3"
                        |> Command.run
                        |> throwsExactly<CommandException>

                    Expect.equal e.ExitCode (Nullable 3) "exit code"
                    Expect.equal e.Program "/bin/sh" "program"

                    Expect.equal
                        (List.ofSeq e.Arguments)
                        [ "-c"; "echo partial; echo 'it went wrong' >&2; exit 3" ]
                        "arguments"

                    Expect.equal e.StandardError "it went wrong\n" "standard error"
                    Expect.stringContains e.Message "exited with code 3" "message: the code"
                    Expect.stringContains e.Message "it went wrong" "message: the standard error"
                }

            testTask "a program that does not exist raises CommandException naming it, with no exit code"
            <| fun () ->
                task {
                    let! e =
                        command "futured-no-such-program" [ "x" ]
                        |> Command.run
                        |> throwsExactly<CommandException>

                    Expect.isFalse e.ExitCode.HasValue "never started"
                    Expect.equal e.Program "futured-no-such-program" "program"
                    Expect.stringContains e.Message "'futured-no-such-program' was not found" "named in the message"
                }

            testTask "a path that does not exist raises CommandException naming it"
            <| fun () ->
                task {
                    let! e =
                        command "./futured/no-such-tool" []
                        |> Command.run
                        |> throwsExactly<CommandException>

                    Expect.stringContains e.Message "'./futured/no-such-tool' was not found" "named"
                }

            testTask "standard error keeps only its last 64 KiB"
            <| fun () ->
                task {
                    // 20000 lines of 7 bytes (more than twice the kept tail) on stderr, then a last line.
                    let script =
                        "i=0; while [ $i -lt 20000 ]; do echo 'noise!' >&2; i=$((i+1)); done; echo the-end >&2; exit 1"

                    let! e = Command.shell script |> Command.run |> throwsExactly<CommandException>
                    Expect.isLessThanOrEqual e.StandardError.Length (64 * 1024) "bounded"
                    Expect.isTrue (e.StandardError.EndsWith "noise!\nthe-end\n") "the tail is kept"
                }

            testTask "Command.shell runs a script through /bin/sh -c"
            <| fun () ->
                task {
                    let! out = Command.shell "echo $((6 * 7)) | tr 4 X"
                    Expect.equal out "X2\n" "shell syntax works"
                }

            testTask "the working directory and environment variables reach the process"
            <| fun () ->
                task {
                    let dir = tempDirectory ()

                    try
                        let! out =
                            Command.shell "pwd; echo \"$FUTURED_A-$FUTURED_B\"; echo \"${HOME:-no home}\""
                            |> Command.withWorkingDirectory dir
                            |> Command.withEnvironment
                                [ "FUTURED_A", "1"; "FUTURED_B", "2"; "FUTURED_A", "3"; "HOME", null ]

                        Expect.equal out $"{dir}\n3-2\nno home\n" "directory, variables (later pairs win, null removes)"
                    finally
                        Directory.Delete dir
                }

            testTask "a PATH set for the command is where its program is looked up"
            <| fun () ->
                task {
                    let! e =
                        command "echo" [ "x" ]
                        |> Command.withEnvironment [ "PATH", "/nonexistent" ]
                        |> Command.run
                        |> throwsExactly<CommandException>

                    Expect.stringContains e.Message "'echo' was not found" "looked up in the command's PATH"
                }

            testTask "standard input comes from text, bytes, a stream or another command"
            <| fun () ->
                task {
                    let cat = command "cat" []
                    let! fromText = cat |> Command.withInputText "text ✓\n"

                    let! fromBytes =
                        cat |> Command.withInputBytes [| 1uy; 2uy; 0uy |] |> Command.runBytes

                    use stream = new MemoryStream(Encoding.UTF8.GetBytes "streamed")
                    let! fromStream = cat |> Command.withInputStream stream
                    let! fromCommand = cat |> Command.withInput (command "echo" [ "upstream" ])
                    let! fromMember = cat.WithStandardInput "member"
                    Expect.equal fromText "text ✓\n" "text, UTF-8"
                    Expect.equal fromBytes [| 1uy; 2uy; 0uy |] "bytes"
                    Expect.equal fromStream "streamed" "stream"
                    Expect.equal fromCommand "upstream\n" "command"
                    Expect.equal fromMember "member" "the fluent member"
                }

            testTask "the fluent With members build the same commands as the module"
            <| fun () ->
                task {
                    let cmd =
                        (command "sh" [ "-c"; "exit 9" ])
                            .WithArguments([ "-c"; "cat; echo \"$X\"" ])
                            .WithEnvironmentVariables(readOnlyDict [ "X", "x" ])
                            .WithStandardInput("in ")
                            .WithTimeout(generous)
                            .WithCancellation(CancellationToken.None)

                    Expect.equal cmd.Program "sh" "program"
                    Expect.equal (List.ofSeq cmd.Arguments) [ "-c"; "cat; echo \"$X\"" ] "arguments replaced"
                    let! out = cmd
                    Expect.equal out "in x\n" "ran with its options"
                }

            testTask "ToString shows the command as a shell would read it"
            <| fun () ->
                task {
                    let cmd =
                        command "grep" [ "-c"; "a b"; "it's" ]
                        |> Command.withInput (command "seq" [ "3" ])

                    Expect.equal (string cmd) "seq 3 | grep -c 'a b' 'it'\\''s'" "quoted"
                }

            testCase "bad input raises argument exceptions naming the parameter"
            <| fun () ->
                let cmd = command "true" []
                let nullCommand = Unchecked.defaultof<Command>

                let name (e: ArgumentException) = e.ParamName

                Expect.equal
                    (name (raises<ArgumentNullException>(fun () -> command null [] |> ignore)))
                    "program"
                    "program"

                Expect.equal
                    (name (raises<ArgumentException>(fun () -> command "" [] |> ignore)))
                    "program"
                    "empty program"

                Expect.equal
                    (name (
                        raises<ArgumentNullException>(fun () -> command "ls" Unchecked.defaultof<string list> |> ignore)
                    ))
                    "arguments"
                    "arguments"

                Expect.equal
                    (name (raises<ArgumentNullException>(fun () -> command "ls" [ null ] |> ignore)))
                    "arguments"
                    "an argument"

                Expect.equal
                    (name (raises<ArgumentNullException>(fun () -> Command.shell null |> ignore)))
                    "script"
                    "script"

                Expect.equal
                    (name (raises<ArgumentNullException>(fun () -> Command.run nullCommand |> ignore)))
                    "command"
                    "run"

                Expect.equal
                    (name (raises<ArgumentNullException>(fun () -> Command.runBytes nullCommand |> ignore)))
                    "command"
                    "runBytes"

                Expect.equal
                    (name (raises<ArgumentNullException>(fun () -> Command.lines nullCommand |> ignore)))
                    "command"
                    "lines"

                Expect.equal
                    (name (raises<ArgumentNullException>(fun () -> Command.pipe nullCommand cmd |> ignore)))
                    "next"
                    "pipe"

                Expect.equal
                    (name (raises<ArgumentNullException>(fun () -> cmd ||| nullCommand |> ignore)))
                    "next"
                    "|||"

                Expect.equal
                    (name (raises<ArgumentNullException>(fun () -> Command.withInput nullCommand cmd |> ignore)))
                    "source"
                    "withInput"

                Expect.equal
                    (name (raises<ArgumentNullException>(fun () -> Command.withWorkingDirectory null cmd |> ignore)))
                    "path"
                    "withWorkingDirectory"

                Expect.equal
                    (name (raises<ArgumentNullException>(fun () -> Command.withInputText null cmd |> ignore)))
                    "text"
                    "withInputText"

                Expect.equal
                    (name (raises<ArgumentNullException>(fun () -> Command.withInputBytes null cmd |> ignore)))
                    "bytes"
                    "withInputBytes"

                let writeOnly =
                    new FileStream(
                        Path.GetTempFileName(),
                        FileMode.Open,
                        FileAccess.Write,
                        FileShare.None,
                        4096,
                        FileOptions.DeleteOnClose
                    )

                Expect.equal
                    (name (raises<ArgumentException>(fun () -> Command.withInputStream writeOnly cmd |> ignore)))
                    "stream"
                    "an unreadable stream"

                writeOnly.Dispose()

                Expect.equal
                    (name (raises<ArgumentException>(fun () -> Command.withEnvironment [ "A=B", "x" ] cmd |> ignore)))
                    "variables"
                    "a name with '='"

                Expect.equal
                    (name (
                        raises<ArgumentOutOfRangeException>(fun () ->
                            Command.withTimeout (TimeSpan.FromSeconds -1.0) cmd |> ignore)
                    ))
                    "timeout"
                    "a negative timeout"

                Expect.equal
                    (name (raises<ArgumentNullException>(fun () -> Command.withTimeout generous nullCommand |> ignore)))
                    "command"
                    "withTimeout on null"

            testCase
                "a NUL in the program, an argument, the script, a variable or the working directory raises ArgumentException naming the parameter"
            <| fun () ->
                // The operating system takes C strings: anything after a NUL would be cut off without a word.
                let cmd = command "true" []

                let refused (parameter: string) (what: string) (build: unit -> Command) =
                    let e = raises<ArgumentException>(fun () -> build () |> ignore)
                    Expect.equal e.ParamName parameter $"{what}: the parameter"
                    Expect.stringContains e.Message "NUL" $"{what}: the message says why"

                refused "arguments" "an argument" (fun () -> command "echo" [ "nul\000inside" ])
                refused "program" "the program" (fun () -> command "ec\000ho" [ "x" ])
                refused "arguments" "WithArguments" (fun () -> cmd.WithArguments [ "a"; "b\000" ])
                refused "script" "a shell script" (fun () -> Command.shell "echo nul\000inside")
                refused "variables" "a variable's value" (fun () -> cmd |> Command.withEnvironment [ "X", "a\000b" ])
                refused "variables" "a variable's name" (fun () -> cmd |> Command.withEnvironment [ "X\000Y", "ab" ])

                refused "variables" "WithEnvironmentVariables" (fun () ->
                    cmd.WithEnvironmentVariables(readOnlyDict [ "X", "\000" ]))

                refused "path" "the working directory" (fun () -> cmd |> Command.withWorkingDirectory "/tmp\000/x")
                refused "path" "WithWorkingDirectory" (fun () -> cmd.WithWorkingDirectory "\000")

            testTask "a missing working directory raises CommandException naming the directory, and nothing starts"
            <| fun () ->
                task {
                    let dir = tempDirectory ()
                    let missing = Path.Combine(dir, "missing")
                    let marker = Path.Combine(dir, "ran")

                    try
                        let touch =
                            Command.shell $"touch '{marker}'" |> Command.withWorkingDirectory missing

                        let named (what: string) (e: CommandException) =
                            Expect.stringContains e.Message $"'{missing}'" $"{what}: the directory is named"
                            Expect.isFalse (e.Message.Contains "setsid") $"{what}: the launcher is not blamed"
                            Expect.isFalse e.ExitCode.HasValue $"{what}: no exit code"

                        let! alone = touch |> Command.run |> throwsExactly<CommandException>
                        named "run" alone

                        let! first =
                            touch ||| command "cat" [] |> Command.run |> throwsExactly<CommandException>

                        named "the first stage of a pipeline" first
                        let! items, failure = collect (Command.lines touch)
                        Expect.isEmpty items "lines: nothing"

                        match failure with
                        | Some(:? CommandException as e) -> named "lines" e
                        | other -> failtestf "lines should end with CommandException, got %A" other

                        Expect.isFalse (File.Exists marker) "no stage ran"
                    finally
                        Directory.Delete(dir, true)
                }

            testTask "runs, pipelines and lines started on a UI-like SynchronizationContext post nothing to it"
            <| fun () ->
                task {
                    let context = CountingContext()

                    let! text = under context (fun () -> command "echo" [ "a" ] |> Command.run)

                    let! bytes = under context (fun () -> command "printf" [ "b" ] |> Command.runBytes)

                    let! counted =
                        under context (fun () -> command "seq" [ "3" ] ||| command "wc" [ "-l" ] |> Command.run)

                    let lines =
                        under context (fun () -> (Command.lines (command "seq" [ "2" ])).GetAsyncEnumerator())

                    let read = ResizeArray()
                    let mutable reading = true

                    while reading do
                        let! moved = under context (fun () -> lines.MoveNextAsync().AsTask())

                        if moved then read.Add lines.Current else reading <- false

                    do! under context (fun () -> lines.DisposeAsync().AsTask())

                    Expect.equal
                        (text, bytes, counted.Trim(), List.ofSeq read)
                        ("a\n", "b"B, "3", [ "1"; "2" ])
                        "results"

                    Expect.equal context.Posts 0 "no continuation of the library came back to the caller's context"
                }

            testTask
                "withTimeout and WithTimeout refuse a timeout beyond the timer limit naming the parameter, and take Timeout.InfiniteTimeSpan as no deadline"
            <| fun () ->
                task {
                    let cmd = command "echo" [ "ok" ]

                    for tooLong in [ TimeSpan.MaxValue; TimeSpan.FromDays 50.0 ] do
                        let e =
                            raises<ArgumentOutOfRangeException>(fun () -> cmd |> Command.withTimeout tooLong |> ignore)

                        Expect.equal e.ParamName "timeout" $"withTimeout {tooLong}"

                        let e =
                            raises<ArgumentOutOfRangeException>(fun () -> cmd.WithTimeout tooLong |> ignore)

                        Expect.equal e.ParamName "timeout" $"WithTimeout {tooLong}"

                    let! unbounded = cmd |> Command.withTimeout Timeout.InfiniteTimeSpan
                    Expect.equal unbounded "ok\n" "no deadline"
                    let! withinLimit = cmd.WithTimeout(TimeSpan.FromDays 49.0)
                    Expect.equal withinLimit "ok\n" "a deadline just within the limit"
                }
        ]
