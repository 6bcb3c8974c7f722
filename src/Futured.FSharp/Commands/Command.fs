namespace Futured

open System
open System.Collections.Generic
open System.IO
open System.Runtime.CompilerServices
open System.Threading
open System.Threading.Tasks
open Futured.Internal

/// Checks shared by the Command type and the module.
module internal CommandGuard =

    /// The program, its arguments, the environment and the working directory reach the operating system as C
    /// strings, which end at the first NUL: what follows would be cut off without a word, so it is refused.
    let noNul (parameter: string) (what: string) (value: string) =
        if not (isNull value) && value.Contains '\000' then
            raise (
                ArgumentException(
                    $"{what} contains a NUL character; the operating system would silently cut it off there.",
                    parameter
                )
            )

[<Sealed>]
type Command internal (spec: CommandSpec) =

    static let argumentsOf (arguments: seq<string>) =
        Guard.notNull "arguments" arguments
        let copy = Array.ofSeq arguments

        if copy |> Array.exists isNull then
            raise (ArgumentNullException("arguments", "No argument may be null."))

        for argument in copy do
            CommandGuard.noNul "arguments" "An argument" argument

        copy

    static let checkVariable (name: string) (value: string) =
        if isNull name then
            raise (ArgumentNullException("variables", "No variable name may be null."))

        if name.Length = 0 || name.Contains '=' then
            raise (ArgumentException($"'{name}' is not a valid environment variable name.", "variables"))

        CommandGuard.noNul "variables" "A variable name" name
        CommandGuard.noNul "variables" $"The value of variable '{name}'" value

    member internal _.Spec = spec

    member _.Program = spec.Program

    member _.Arguments =
        Array.AsReadOnly(Array.copy spec.Arguments) :> IReadOnlyList<string>

    member _.WithArguments(arguments: seq<string>) =
        Command
            { spec with
                Arguments = argumentsOf arguments
            }

    member _.WithWorkingDirectory(path: string) =
        Guard.notNull "path" path
        CommandGuard.noNul "path" "The working directory" path

        Command
            { spec with
                WorkingDirectory = Some path
            }

    member _.WithEnvironmentVariables(variables: IReadOnlyDictionary<string, string>) =
        Guard.notNull "variables" variables

        let environment =
            (spec.Environment, variables)
            ||> Seq.fold (fun env pair ->
                checkVariable pair.Key pair.Value
                Map.add pair.Key pair.Value env)

        Command { spec with Environment = environment }

    member _.WithStandardInput(text: string) =
        Guard.notNull "text" text
        Command { spec with Input = Text text }

    member _.WithStandardInput(bytes: byte[]) =
        Guard.notNull "bytes" bytes

        Command
            { spec with
                Input = Bytes(Array.copy bytes)
            }

    member _.WithStandardInput(stream: Stream) =
        Guard.notNull "stream" stream

        if not stream.CanRead then
            raise (ArgumentException("The stream must be readable.", "stream"))

        Command { spec with Input = FromStream stream }

    member _.WithStandardInput(source: Command) =
        Guard.notNull "source" source

        Command
            { spec with
                Input = Upstream source.Spec
            }

    member _.WithTimeout(timeout: TimeSpan) =
        Guard.timeout "timeout" timeout
        Command { spec with Timeout = Some timeout }

    member _.WithCancellation(cancellationToken: CancellationToken) =
        Command
            { spec with
                CancellationToken = cancellationToken
            }

    member this.GetAwaiter() : TaskAwaiter<string> =
        (CommandRunner.collectText this.Spec).GetAwaiter()

    static member (|||)(source: Command, next: Command) =
        Guard.notNull "source" source
        Guard.notNull "next" next
        next.WithStandardInput source

    override _.ToString() = CommandRunner.display spec

[<RequireQualifiedAccess>]
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Command =

    let private create (program: string) (arguments: string[]) =
        Command
            {
                Program = program
                Arguments = arguments
                WorkingDirectory = None
                Environment = Map.empty
                Input = NoInput
                Timeout = None
                CancellationToken = CancellationToken.None
            }

    let internal make (program: string) (arguments: seq<string>) =
        Guard.notNull "program" program

        if program.Length = 0 then
            raise (ArgumentException("The program must not be empty.", "program"))

        CommandGuard.noNul "program" "The program" program

        Guard.notNull "arguments" arguments
        (create program [||]).WithArguments arguments

    let shell (script: string) =
        Guard.notNull "script" script
        CommandGuard.noNul "script" "The script" script
        create "/bin/sh" [| "-c"; script |]

    let run (command: Command) : Task<string> =
        Guard.notNull "command" command

        CommandRunner.collectText command.Spec

    let runBytes (command: Command) : Task<byte[]> =
        Guard.notNull "command" command

        CommandRunner.collectBytes command.Spec

    let lines (command: Command) : TaskSeq<string> =
        Guard.notNull "command" command
        CommandRunner.lines command.Spec

    let pipe (next: Command) (command: Command) =
        Guard.notNull "next" next
        Guard.notNull "command" command
        next.WithStandardInput command

    let withWorkingDirectory (path: string) (command: Command) =
        Guard.notNull "command" command
        command.WithWorkingDirectory path

    let withEnvironment (variables: seq<string * string>) (command: Command) =
        Guard.notNull "variables" variables
        Guard.notNull "command" command
        let ordered = Dictionary<string, string>()

        for name, value in variables do
            if isNull name then
                raise (ArgumentNullException("variables", "No variable name may be null."))

            ordered[name] <- value

        command.WithEnvironmentVariables ordered

    let withInputText (text: string) (command: Command) =
        Guard.notNull "command" command
        command.WithStandardInput(text = text)

    let withInputBytes (bytes: byte[]) (command: Command) =
        Guard.notNull "command" command
        command.WithStandardInput(bytes = bytes)

    let withInputStream (stream: Stream) (command: Command) =
        Guard.notNull "command" command
        command.WithStandardInput(stream = stream)

    let withInput (source: Command) (command: Command) =
        Guard.notNull "command" command
        command.WithStandardInput(source = source)

    let withTimeout (timeout: TimeSpan) (command: Command) =
        Guard.notNull "command" command
        command.WithTimeout timeout

    let withCancellation (cancellationToken: CancellationToken) (command: Command) =
        Guard.notNull "command" command
        command.WithCancellation cancellationToken

[<AutoOpen>]
module Commands =

    let command (program: string) (arguments: seq<string>) = Command.make program arguments
