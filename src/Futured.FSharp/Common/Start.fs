namespace Futured.Internal

open System.Threading.Tasks

/// How the library starts a call that returns a task.
module internal Start =

    /// Runs call: a synchronous throw or a null task becomes a faulted task (a null one with the exception
    /// nullError makes), so that a caller only ever sees a task.
    let inline guarded ([<InlineIfLambda>] nullError: unit -> exn) ([<InlineIfLambda>] call: unit -> Task<'b>) =
        try
            match call () with
            | null -> Task.FromException<'b>(nullError ())
            | work -> work
        with e ->
            Task.FromException<'b> e

    /// What a null task of an asynchronous function given to an executor raises.
    let nullFromFunction () : exn =
        System.InvalidOperationException "The asynchronous function returned null instead of a task."
