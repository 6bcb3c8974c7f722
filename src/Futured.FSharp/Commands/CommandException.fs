namespace Futured

open System
open System.Collections.Generic

type CommandException
    internal
    (
        message: string,
        program: string,
        arguments: IReadOnlyList<string>,
        exitCode: Nullable<int>,
        standardError: string,
        inner: exn
    ) =
    inherit Exception(message, inner)

    member _.Program = program

    member _.Arguments = arguments

    member _.ExitCode = exitCode

    member _.StandardError = standardError
